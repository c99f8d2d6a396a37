"""Reading the audit log (admins)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from basisbaan.models import AuditEvent


def events_query(action: str | None = None, entity_type: str | None = None, day: date | None = None):
    stmt = select(AuditEvent).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action, autoescape=True))
    if entity_type:
        stmt = stmt.where(AuditEvent.entity_type == entity_type)
    if day:
        start = datetime.combine(day, time.min, tzinfo=timezone.utc)
        stmt = stmt.where(AuditEvent.occurred_at >= start, AuditEvent.occurred_at < start + timedelta(days=1))
    return stmt
