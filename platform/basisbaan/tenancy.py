"""Tenant isolation below the views: ORM scoping that fails closed, and the PostgreSQL RLS setting.

Wall 1 (every database): a session knows its current tenant (`session.info["tenant_id"]`). Every ORM
SELECT, UPDATE and DELETE that touches a tenant-owned table gets `tenant_id = <current>` added to each
occurrence of such a table (joins, subqueries and relationship loads included). A statement touching a
tenant-owned table while no tenant is set raises TenantScopeError instead of returning every tenant's rows.
New rows get the current tenant; writing a row of another tenant raises CrossTenantWriteError.

Wall 2 (PostgreSQL): at the start of every transaction the current tenant is written with
`set_config('app.tenant_id', <id>, true)` (transaction-local). Row-level security policies, created by
the migrations, compare each row with it, so raw SQL is confined too.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from typing import Iterator

from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event, inspect, text
from sqlalchemy.orm import ORMExecuteState, Session, scoped_session, with_loader_criteria
from sqlalchemy.sql.util import find_tables

from basisbaan.models.base import AppendOnly, TenantOwned

TENANT_KEY = "tenant_id"
RLS_SETTING = "app.tenant_id"


class TenantScopeError(RuntimeError):
    """A tenant-owned table was used with no tenant in context."""


class CrossTenantWriteError(RuntimeError):
    """An attempt to write a row that belongs to another tenant."""


class AppendOnlyError(RuntimeError):
    """An attempt to change or delete a row of an append-only table."""


class TenantSession(FlaskSession):
    """The application's session class; the listeners below give it the tenant walls."""


def current_tenant_id(session: Session) -> uuid.UUID | None:
    return session.info.get(TENANT_KEY)


def set_tenant(session: Session, tenant_id: uuid.UUID | None) -> None:
    """Make `tenant_id` the session's current tenant (None clears it).

    Switching tenants removes the tenant-owned objects from the identity map, so none loaded for one
    tenant can be returned from memory for another, and refuses while changes are pending.
    """
    if isinstance(session, scoped_session):
        session = session()
    previous = session.info.get(TENANT_KEY)
    if previous == tenant_id:
        return
    if previous is not None:
        if session.new or session.dirty or session.deleted:
            raise TenantScopeError("cannot switch tenant with unflushed changes")
        for obj in list(session.identity_map.values()):
            if isinstance(obj, TenantOwned):
                session.expunge(obj)
    session.info[TENANT_KEY] = tenant_id
    if session.in_transaction():
        connection = session.connection()
        _write_rls_setting(connection, tenant_id)


@contextmanager
def tenant_scope(session: Session, tenant_id: uuid.UUID) -> Iterator[Session]:
    """Run a block as `tenant_id` (its changes flushed at the end), then restore the previous tenant.

    An error inside the block rolls the transaction back, so nothing half-written remains.
    """
    previous = session.info.get(TENANT_KEY)
    set_tenant(session, tenant_id)
    try:
        yield session
        session.flush()
    except BaseException:
        session.rollback()
        raise
    finally:
        set_tenant(session, previous)


def _tenant_tables() -> frozenset:
    from basisbaan.models.base import Base

    return frozenset(
        mapper.local_table for mapper in Base.registry.mappers if issubclass(mapper.class_, TenantOwned)
    )


def _touches_tenant_tables(state: ORMExecuteState) -> bool:
    if any(issubclass(m.class_, TenantOwned) for m in state.all_mappers):
        return True
    tables = _tenant_tables()
    found = find_tables(state.statement, include_joins=True, include_selects=True, include_crud=True)
    return any(getattr(t, "element", t) in tables or t in tables for t in found)


@event.listens_for(TenantSession, "do_orm_execute")
def _scope_statement(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    tenant_id = state.session.info.get(TENANT_KEY)
    if tenant_id is None:
        if _touches_tenant_tables(state):
            raise TenantScopeError("a tenant-owned table was queried with no tenant in context")
        return
    state.statement = state.statement.options(
        with_loader_criteria(TenantOwned, lambda cls: cls.tenant_id == tenant_id, include_aliases=True)
    )


@event.listens_for(TenantSession, "before_flush")
def _guard_writes(session: Session, flush_context, instances) -> None:
    tenant_id = session.info.get(TENANT_KEY)
    for obj in session.new:
        if isinstance(obj, TenantOwned):
            if tenant_id is None:
                raise TenantScopeError(f"cannot add a {type(obj).__name__} with no tenant in context")
            if obj.tenant_id is None:
                obj.tenant_id = tenant_id
            elif obj.tenant_id != tenant_id:
                raise CrossTenantWriteError(f"cannot add a {type(obj).__name__} of another tenant")
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AppendOnly):
            raise AppendOnlyError(f"{type(obj).__name__} rows cannot be changed or deleted")
        if isinstance(obj, TenantOwned):
            changed = inspect(obj).attrs.tenant_id.history.has_changes()
            if tenant_id is None or changed or obj.tenant_id != tenant_id:
                raise CrossTenantWriteError(f"cannot change a {type(obj).__name__} of another tenant")


def _write_rls_setting(connection, tenant_id: uuid.UUID | None) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT set_config(:name, :value, true)"),
            {"name": RLS_SETTING, "value": str(tenant_id) if tenant_id else ""},
        )


@event.listens_for(TenantSession, "after_begin")
def _set_rls_tenant(session: Session, transaction, connection) -> None:
    _write_rls_setting(connection, session.info.get(TENANT_KEY))
