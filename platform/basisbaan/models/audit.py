"""The append-only audit log: who did what to which record, when; never the personal data itself."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from basisbaan.models.base import AppendOnly, Base, TenantOwned, utcnow


class AuditEvent(AppendOnly, TenantOwned, Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index(None, "tenant_id", "occurred_at"),
        Index(None, "tenant_id", "entity_type", "entity_id"),
    )

    # SQLite only autoincrements an INTEGER primary key.
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # user | token | system
    actor_type: Mapped[str] = mapped_column(String(10))
    actor_id: Mapped[str | None] = mapped_column(String(64))
    actor_label: Mapped[str | None] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    entity_type: Mapped[str | None] = mapped_column(String(60))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    # Names of changed fields and similar metadata; never values of personal data.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
