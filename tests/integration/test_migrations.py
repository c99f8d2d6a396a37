"""The migrations: a fresh database goes up, all the way down and up again; the models match the migrated
schema. Runs on SQLite and on PostgreSQL (there as the owner role, the way `basisbaan db upgrade` does)."""

from __future__ import annotations

import uuid

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from basisbaan.extensions import db
from basisbaan.models import Base, TenantOwned

from tests.conftest import APP_ROLE, Database, make_app, postgres_admin_url

pytestmark = pytest.mark.db

MODEL_TABLES = {t.name for t in db.metadata.sorted_tables}
TENANT_TABLES = {m.local_table.name for m in Base.registry.mappers if issubclass(m.class_, TenantOwned)}


@pytest.fixture
def fresh_database(database, tmp_path):
    """A new, empty database of the backend under test (not the session's one); removed afterwards."""
    if database.backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        yield Database("sqlite", url, url)
        return
    admin_url = make_url(postgres_admin_url())
    name = f"basisbaan_migrations_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    owner_url = admin_url.set(database=name)
    app_url = owner_url.set(username=APP_ROLE, password=None)
    try:
        yield Database("postgresql", app_url.render_as_string(hide_password=False),
                       owner_url.render_as_string(hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _x_arg(database: Database) -> list[str] | None:
    return [f"owner_url={database.owner_url}"] if database.backend == "postgresql" else None


def _tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def _rls_tables(engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_policies p ON p.schemaname = n.nspname AND p.tablename = c.relname "
            "WHERE n.nspname = 'public' AND c.relrowsecurity AND c.relforcerowsecurity")).scalars())


def test_single_head(app):
    with app.app_context():
        directory = app.extensions["migrate"].directory
    script = ScriptDirectory(directory)
    # One line of history: one head, one base, and every revision reachable from the head.
    assert len(script.get_heads()) == 1
    assert len(script.get_bases()) == 1
    reachable = {r.revision for r in script.iterate_revisions(script.get_current_head(), "base")}
    assert reachable == {r.revision for r in script.walk_revisions()}


def test_upgrade_downgrade_upgrade_on_a_fresh_database(fresh_database, registry):
    app = make_app(fresh_database, registry)
    owner = create_engine(fresh_database.owner_url)
    try:
        with app.app_context():
            assert _tables(owner) == set()
            head = ScriptDirectory(app.extensions["migrate"].directory).get_current_head()

            flask_migrate.upgrade(x_arg=_x_arg(fresh_database))
            assert _tables(owner) == MODEL_TABLES | {"alembic_version"}
            with owner.connect() as conn:
                assert MigrationContext.configure(conn).get_current_revision() == head
            if fresh_database.backend == "postgresql":
                assert _rls_tables(owner) == TENANT_TABLES
                # The upgrade provisioned the app's login role: it can connect and read the registry.
                with db.engine.connect() as conn:
                    assert conn.execute(text("SELECT current_user")).scalar_one() == APP_ROLE
                    assert conn.execute(text("SELECT count(*) FROM tenants")).scalar_one() == 0

            flask_migrate.downgrade(revision="base", x_arg=_x_arg(fresh_database))
            assert _tables(owner) == {"alembic_version"}
            with owner.connect() as conn:
                assert MigrationContext.configure(conn).get_current_revision() is None
                if fresh_database.backend == "postgresql":
                    assert conn.execute(text(
                        "SELECT count(*) FROM pg_policies WHERE schemaname = 'public'")).scalar_one() == 0

            flask_migrate.upgrade(x_arg=_x_arg(fresh_database))
            assert _tables(owner) == MODEL_TABLES | {"alembic_version"}
            with owner.connect() as conn:
                assert MigrationContext.configure(conn).get_current_revision() == head
                assert _no_differences(conn) == []
            if fresh_database.backend == "postgresql":
                assert _rls_tables(owner) == TENANT_TABLES
            db.engine.dispose()
    finally:
        owner.dispose()


def _no_differences(conn) -> list:
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    return compare_metadata(context, db.metadata)


def test_models_match_the_migrated_schema(app, owner_engine):
    with owner_engine.connect() as conn:
        assert MODEL_TABLES <= _tables(owner_engine)
        diff = _no_differences(conn)
    assert diff == [], "models and migrations differ; run `basisbaan db migrate`:\n" + "\n".join(map(str, diff))


def test_comparison_sees_a_difference(app, owner_engine):
    # Control for the test above: the comparison does report a schema that differs from the models.
    from sqlalchemy import Column, Integer, MetaData, String, Table

    other = MetaData()
    for table in db.metadata.sorted_tables:
        table.to_metadata(other)
    Table("not_migrated", other, Column("id", Integer, primary_key=True))
    other.tables["persons"].append_column(Column("nickname", String(50)))
    with owner_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, other)
    added_tables = [d[1].name for d in diff if d[0] == "add_table"]
    added_columns = [(d[2], d[3].name) for d in diff if d[0] == "add_column"]
    assert added_tables == ["not_migrated"]
    assert added_columns == [("persons", "nickname")]
