"""Financing: wage-value assessments (for the wage-cost subsidy), funding sources and their allocations to
the programme per year, and saved forecast scenarios.

Money is Numeric (Decimal in Python), rounded only when shown. Costs are never stored: they are computed from
contracts, settings and these rows (basisbaan.services.costs), so no total can drift from its sources.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (JSON, CheckConstraint, Date, DateTime, ForeignKeyConstraint, Index, Integer, Numeric, String,
                        Text, UniqueConstraint, Uuid)
from sqlalchemy.orm import Mapped, mapped_column

from basisbaan.models.base import Base, PublicId, TenantOwned, Timestamped, utcnow
from basisbaan.models.employment import _in

FUNDING_KINDS = ("municipal_budget", "grant", "agreement", "other")


class WageValueAssessment(PublicId, TenantOwned, Base):
    """A wage value (loonwaarde) set by an assessor, in percent of the minimum wage, from a date on."""

    __tablename__ = "wage_value_assessments"
    __table_args__ = (
        Index(None, "tenant_id", "participant_id", "assessed_on"),
        ForeignKeyConstraint(["tenant_id", "participant_id"], ["participants.tenant_id", "participants.id"],
                             ondelete="CASCADE"),
        CheckConstraint("wage_value_percent >= 0 AND wage_value_percent <= 100", name="percent"),
    )

    participant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    assessed_on: Mapped[date] = mapped_column(Date)
    wage_value_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    assessor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(200))


class FundingSource(PublicId, TenantOwned, Timestamped, Base):
    """Money for the programme: the municipal budget, a grant (NPG, JTF, ESF+), an agreement with housing
    corporations or other hosts; an amount for a period, with conditions and earmarks."""

    __tablename__ = "funding_sources"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "name"),
        CheckConstraint(_in("kind", FUNDING_KINDS), name="kind"),
        CheckConstraint("amount >= 0", name="amount"),
        CheckConstraint("end_on IS NULL OR end_on >= start_on", name="end_after_start"),
    )

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    funder: Mapped[str | None] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)  # last day
    conditions: Mapped[str | None] = mapped_column(Text)
    earmark: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class FundingAllocation(PublicId, TenantOwned, Base):
    """Part of a source assigned to the programme's costs of a year (the budget of that year)."""

    __tablename__ = "funding_allocations"
    __table_args__ = (
        Index(None, "tenant_id", "source_id", "year"),
        ForeignKeyConstraint(["tenant_id", "source_id"], ["funding_sources.tenant_id", "funding_sources.id"],
                             ondelete="CASCADE"),
        CheckConstraint("amount > 0", name="amount"),
        CheckConstraint("year >= 1900 AND year <= 2100", name="year"),
    )

    source_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    year: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(200))


class Forecast(PublicId, TenantOwned, Timestamped, Base):
    """A saved scenario; its projection is computed when read (basisbaan.domain.forecast)."""

    __tablename__ = "forecasts"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    parameters: Mapped[dict] = mapped_column(JSON)
    created_by: Mapped[str | None] = mapped_column(String(200))


__all__ = ["Forecast", "FundingAllocation", "FundingSource", "WageValueAssessment"]
