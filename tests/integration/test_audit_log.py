"""The audit log: written through basisbaan.services.audit.record, append-only, tenant-scoped."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import delete, func, select, update

from basisbaan.models import AuditEvent
from basisbaan.services.audit import Actor, record
from basisbaan.tenancy import (AppendOnlyError, CrossTenantWriteError, TenantScopeError, set_tenant,
                               tenant_scope)

pytestmark = pytest.mark.db


@pytest.fixture
def tenants(make_tenant):
    return make_tenant("groningen").id, make_tenant("tilburg").id


def owner_events(owner_engine) -> list:
    with owner_engine.connect() as conn:
        return conn.execute(select(AuditEvent.__table__).order_by(AuditEvent.__table__.c.id)).all()


def test_record_writes_an_event_for_the_current_tenant(tenants, session, owner_engine):
    a, _ = tenants
    person_id = uuid.uuid4()
    actor = Actor("user", "u-17", "Coach Anna")
    with tenant_scope(session, a):
        event = record(session, actor, "person.updated", "person", person_id, fields=["phone", "email"])
    session.commit()
    rows = [r for r in owner_events(owner_engine) if r.action == "person.updated"]
    assert len(rows) == 1
    row = rows[0]
    assert row.id == event.id and isinstance(row.id, int)
    assert row.tenant_id == a
    assert (row.actor_type, row.actor_id, row.actor_label) == ("user", "u-17", "Coach Anna")
    assert (row.entity_type, row.entity_id) == ("person", str(person_id))
    assert row.details == {"fields": ["phone", "email"]}
    assert row.occurred_at is not None


def test_record_without_entity_and_details(tenants, session, owner_engine):
    a, _ = tenants
    with tenant_scope(session, a):
        record(session, Actor.system("cron"), "export.run")
    session.commit()
    row = [r for r in owner_events(owner_engine) if r.action == "export.run"][0]
    assert (row.entity_type, row.entity_id, row.details) == (None, None, {})
    assert (row.actor_type, row.actor_id, row.actor_label) == ("system", None, "cron")


def test_record_without_tenant_raises(tenants, session, owner_engine):
    before = len(owner_events(owner_engine))
    record(session, Actor.system(), "orphan.event")
    with pytest.raises(TenantScopeError):
        session.flush()
    session.rollback()
    assert len(owner_events(owner_engine)) == before


def test_an_event_for_another_tenant_cannot_be_written(tenants, session, owner_engine):
    a, b = tenants
    set_tenant(session, a)
    session.add(AuditEvent(tenant_id=b, actor_type="system", action="forged"))
    with pytest.raises(CrossTenantWriteError):
        session.flush()
    session.rollback()
    assert not [r for r in owner_events(owner_engine) if r.action == "forged"]


def _one_event(session, tenant_id) -> AuditEvent:
    set_tenant(session, tenant_id)
    return session.scalars(select(AuditEvent).where(AuditEvent.action == "tenant.created")).one()


def test_changing_an_event_raises(tenants, session, owner_engine):
    a, _ = tenants
    before = owner_events(owner_engine)
    event = _one_event(session, a)
    event.action = "tenant.deleted"
    event.details = {"plugin": "other"}
    with pytest.raises(AppendOnlyError):
        session.flush()
    session.rollback()
    assert owner_events(owner_engine) == before


def test_deleting_an_event_raises(tenants, session, owner_engine):
    a, _ = tenants
    before = owner_events(owner_engine)
    session.delete(_one_event(session, a))
    with pytest.raises(AppendOnlyError):
        session.flush()
    session.rollback()
    assert owner_events(owner_engine) == before


@pytest.mark.parametrize("build", [
    lambda: update(AuditEvent).values(action="rewritten"),
    lambda: update(AuditEvent).where(AuditEvent.action == "tenant.created").values(details={}),
    lambda: delete(AuditEvent),
    lambda: delete(AuditEvent).where(AuditEvent.action == "tenant.created"),
], ids=["update", "update where", "delete", "delete where"])
def test_bulk_update_and_delete_of_events_raise(tenants, session, owner_engine, build):
    a, _ = tenants
    before = owner_events(owner_engine)
    set_tenant(session, a)
    with pytest.raises(AppendOnlyError):
        session.execute(build())
    session.rollback()
    with pytest.raises(AppendOnlyError):
        session.query(AuditEvent).update({"action": "rewritten"})
    session.rollback()
    with pytest.raises(AppendOnlyError):
        session.query(AuditEvent).delete()
    session.commit()
    assert owner_events(owner_engine) == before


def test_events_are_tenant_scoped(tenants, session, owner_engine):
    a, b = tenants
    with tenant_scope(session, b):
        record(session, Actor.system(), "b.only")
    session.commit()
    by_tenant: dict = {}
    for row in owner_events(owner_engine):
        by_tenant.setdefault(row.tenant_id, set()).add(row.id)
    assert by_tenant[a] and by_tenant[b]

    set_tenant(session, a)
    seen = session.scalars(select(AuditEvent)).all()
    assert {e.id for e in seen} == by_tenant[a]
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == len(by_tenant[a])
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "b.only")).all() == []
    assert all(session.get(AuditEvent, event_id) is None for event_id in by_tenant[b])

    set_tenant(session, b)
    assert {e.id for e in session.scalars(select(AuditEvent))} == by_tenant[b]
    assert session.scalars(select(AuditEvent.action).where(AuditEvent.action == "b.only")).all() == ["b.only"]

    set_tenant(session, None)
    with pytest.raises(TenantScopeError):
        session.scalars(select(AuditEvent)).all()
