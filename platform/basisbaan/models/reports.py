"""Report snapshots: a report frozen as it was sent to the council (its HTML, the figures, the definitions'
version, a hash of the data it was computed from, who and when), so it can be opened later exactly as sent."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from basisbaan.models.base import Base, PublicId, TenantOwned, utcnow


class ReportSnapshot(PublicId, TenantOwned, Base):
    __tablename__ = "report_snapshots"
    __table_args__ = (Index(None, "tenant_id", "created_at"),)

    format_id: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(5))
    as_of: Mapped[date] = mapped_column(Date)
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)  # exclusive
    definition_version: Mapped[str] = mapped_column(String(20))
    data_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the canonical figures and tables
    figures: Mapped[dict] = mapped_column(JSON)
    html: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


__all__ = ["ReportSnapshot"]
