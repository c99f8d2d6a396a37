"""PostgreSQL roles, grants and row-level security, used by the migrations and `basisbaan db upgrade`.

Roles (see README, "PostgreSQL roles"):
- an owner role runs the migrations and owns the tables (BASISBAAN_DATABASE_OWNER_URL);
- `basisbaan_app`, a NOLOGIN group role the migrations create and grant table privileges to;
- the login role of DATABASE_URL, which the app connects as: not the owner, not superuser, NOBYPASSRLS,
  a member of `basisbaan_app`. `basisbaan db upgrade` with an owner URL creates it when missing.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url

log = logging.getLogger(__name__)

APP_GROUP_ROLE = "basisbaan_app"
POLICY = "tenant_isolation"
TENANT_EXPRESSION = "NULLIF(current_setting('app.tenant_id', true), '')::uuid"


def _is_postgres(op) -> bool:
    return op.get_bind().dialect.name == "postgresql"


def create_app_group_role(op) -> None:
    if not _is_postgres(op):
        return
    op.execute(f"""
        DO $$ BEGIN
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_GROUP_ROLE}') THEN
            CREATE ROLE {APP_GROUP_ROLE} NOLOGIN NOBYPASSRLS;
          END IF;
        END $$""")
    op.execute(f"GRANT USAGE ON SCHEMA public TO {APP_GROUP_ROLE}")


def grant_app(op, table: str, privileges: str = "SELECT, INSERT, UPDATE, DELETE") -> None:
    if _is_postgres(op):
        op.execute(f"GRANT {privileges} ON {table} TO {APP_GROUP_ROLE}")


def grant_sequence(op, sequence: str) -> None:
    if _is_postgres(op):
        op.execute(f"GRANT USAGE, SELECT ON SEQUENCE {sequence} TO {APP_GROUP_ROLE}")


def enable_tenant_rls(op, table: str) -> None:
    """Rows of `table` are visible and writable only while app.tenant_id names their tenant."""
    if not _is_postgres(op):
        return
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY {POLICY} ON {table} USING (tenant_id = {TENANT_EXPRESSION}) "
               f"WITH CHECK (tenant_id = {TENANT_EXPRESSION})")


def disable_tenant_rls(op, table: str) -> None:
    if not _is_postgres(op):
        return
    op.execute(f"DROP POLICY IF EXISTS {POLICY} ON {table}")
    op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")


def provision_app_login(connection: Connection, app_url: str) -> None:
    """Create the app's login role (from DATABASE_URL) if missing and make it a member of basisbaan_app."""
    url = make_url(app_url)
    name = url.username
    owner = connection.execute(text("SELECT current_user")).scalar_one()
    if not name or name == owner:
        log.warning("DATABASE_URL connects as the owner role %r: row-level security does not hold for it. "
                    "Use a separate login role for the app.", owner)
        return
    quoted = connection.dialect.identifier_preparer.quote(name)
    exists = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first()
    if not exists:
        password = ""
        if url.password:
            password = " PASSWORD '" + str(url.password).replace("'", "''") + "'"
        connection.execute(text(f"CREATE ROLE {quoted} LOGIN NOSUPERUSER NOBYPASSRLS{password}"))
        log.info("created login role %s", name)
    connection.execute(text(f"GRANT {APP_GROUP_ROLE} TO {quoted}"))
    connection.execute(text(f"GRANT CONNECT ON DATABASE {connection.dialect.identifier_preparer.quote(connection.engine.url.database)} TO {quoted}"))
