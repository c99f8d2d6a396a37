"""Tenant isolation below the views: ORM scoping that fails closed, and the PostgreSQL RLS setting.

Wall 1 (every database): a session knows its current tenant (`session.info["tenant_id"]`). Every ORM
SELECT, UPDATE and DELETE that touches a tenant-owned table gets `tenant_id = <current>` added to each
occurrence of such a table (joins, subqueries and relationship loads included). A statement touching a
tenant-owned table while no tenant is set raises TenantScopeError instead of returning every tenant's rows.
New rows get the current tenant; writing a row of another tenant raises CrossTenantWriteError, through
session.add() as well as through ORM insert()/update() statements (values, bulk parameters, upserts).
Only mapped classes can be scoped: a Core statement on a tenant-owned Table raises TenantScopeError, and
a Core Table inside an ORM statement is not scoped (use the model class; raw SQL is left to wall 2).

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
from sqlalchemy.sql.elements import BindParameter, ClauseElement
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
            # Expunging a parent cascades to its children (User.role_rows), which may come later in the list.
            if isinstance(obj, TenantOwned) and obj in session:
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
    if not (state.is_select or state.is_insert or state.is_update or state.is_delete):
        return
    target = _dml_target(state)
    if target is not None and issubclass(target, AppendOnly) and (state.is_update or state.is_delete):
        raise AppendOnlyError(f"{target.__name__} rows cannot be changed or deleted")
    tenant_id = state.session.info.get(TENANT_KEY)
    if tenant_id is None:
        if _touches_tenant_tables(state):
            raise TenantScopeError("a tenant-owned table was queried with no tenant in context")
        return
    if not state.is_orm_statement:
        # with_loader_criteria only reaches mapped entities; a Core Table statement would run unscoped.
        if _touches_tenant_tables(state):
            raise TenantScopeError("a Core statement on a tenant-owned table cannot be scoped; use the model class")
        return
    owned = target is not None and issubclass(target, TenantOwned)
    if state.is_insert:
        if state.statement.select is not None and (owned or _touches_tenant_tables(state)):
            raise CrossTenantWriteError("INSERT ... FROM SELECT cannot be checked against the current tenant")
        if owned:
            _check_written_tenant(state, tenant_id)
            # ON CONFLICT DO UPDATE (upsert) would change the conflicting row, whichever tenant it has.
            upsert = getattr(state.statement, "_post_values_clause", None)
            if upsert is not None and "DoNothing" not in type(upsert).__name__:
                raise CrossTenantWriteError("INSERT ... ON CONFLICT DO UPDATE could change another tenant's row")
        return
    if state.is_update and owned:
        _check_written_tenant(state, tenant_id)
    statement = state.statement.options(
        with_loader_criteria(TenantOwned, lambda cls: cls.tenant_id == tenant_id, include_aliases=True)
    )
    if state.is_update and owned and _is_bulk_by_primary_key(state):
        # ORM bulk UPDATE by primary key ignores loader criteria; SQLAlchemy accepts extra WHERE criteria
        # there only without identity-map synchronisation.
        if state.execution_options.get("synchronize_session", "auto") not in (None, False):
            raise TenantScopeError(
                "bulk UPDATE by primary key of a tenant-owned table needs "
                "execution_options={'synchronize_session': None} so the tenant criterion can be added")
        statement = statement.where(target.tenant_id == tenant_id)
    state.statement = statement


def _dml_target(state: ORMExecuteState) -> type | None:
    """The mapped class an ORM INSERT, UPDATE or DELETE writes to (None for SELECT and Core tables)."""
    if not (state.is_insert or state.is_update or state.is_delete) or not state.is_orm_statement:
        return None
    entity = state.statement.entity_description.get("entity")
    return entity if isinstance(entity, type) else None


def _is_bulk_by_primary_key(state: ORMExecuteState) -> bool:
    strategy = state.execution_options.get("dml_strategy", "auto")
    return strategy == "bulk" or (strategy == "auto" and isinstance(state.parameters, list))


def _check_written_tenant(state: ORMExecuteState, tenant_id: uuid.UUID) -> None:
    """An ORM INSERT or UPDATE may set tenant_id only to the current tenant (literal values only)."""
    for value in _written_tenant_values(state):
        if isinstance(value, BindParameter):
            value = value.effective_value
        if isinstance(value, ClauseElement) or _as_uuid(value) != _as_uuid(tenant_id):
            raise CrossTenantWriteError("a statement would write rows of another tenant")


def _written_tenant_values(state: ORMExecuteState) -> Iterator[object]:
    statement = state.statement
    columns = list(statement.table.c)

    def from_row(row) -> Iterator[object]:
        items = row.items() if isinstance(row, dict) else zip(columns, row)
        for key, value in items:
            if (key if isinstance(key, str) else getattr(key, "key", None)) == TENANT_KEY:
                yield value

    if statement._values:
        yield from from_row(statement._values)
    for rows in getattr(statement, "_multi_values", None) or ():
        for row in rows:
            yield from from_row(row)
    ordered = getattr(statement, "_ordered_values", None)
    if ordered:
        yield from from_row(dict(ordered))
    parameters = state.parameters
    for row in [parameters] if isinstance(parameters, dict) else parameters or ():
        yield from from_row(row)


def _as_uuid(value: object) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


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
