"""The support around the work: coaching time, debt assistance and training."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (CheckConstraint, Date, DateTime, ForeignKeyConstraint, Index, Numeric, String, Text,
                        Uuid)
from sqlalchemy.orm import Mapped, mapped_column

from basisbaan.models.base import Base, PublicId, TenantOwned, Timestamped, utcnow
from basisbaan.models.employment import _in

COACHING_KINDS = ("work", "income_wellbeing")
DEBT_SUPPORT_KINDS = ("credit_bank", "debt_counselling")
DEBT_SUPPORT_STATUSES = ("referred", "active", "completed", "stopped")
TRAINING_KINDS = ("first_aid", "social_hygiene", "other")


class CoachingSession(PublicId, TenantOwned, Base):
    """Time a coach spent with (or for) a participant: work coaching by the job coach's organisation, or
    income and wellbeing coaching by the municipal coach."""

    __tablename__ = "coaching_sessions"
    __table_args__ = (
        Index(None, "tenant_id", "participant_id", "held_on"),
        Index(None, "tenant_id", "held_on"),
        ForeignKeyConstraint(["tenant_id", "participant_id"], ["participants.tenant_id", "participants.id"],
                             ondelete="CASCADE"),
        ForeignKeyConstraint(["tenant_id", "coach_id"], ["users.tenant_id", "users.id"], ondelete="RESTRICT"),
        ForeignKeyConstraint(["tenant_id", "organisation_id"], ["organisations.tenant_id", "organisations.id"],
                             ondelete="RESTRICT"),
        CheckConstraint(_in("kind", COACHING_KINDS), name="kind"),
        CheckConstraint("hours > 0 AND hours <= 24", name="hours"),
    )

    participant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    held_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    coach_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    coach_label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DebtSupport(PublicId, TenantOwned, Timestamped, Base):
    """Debt assistance: a referral to the municipal credit bank or to debt counselling, and how it went.
    Special personal data: municipal coaches only."""

    __tablename__ = "debt_support"
    __table_args__ = (
        Index(None, "tenant_id", "participant_id", "referred_on"),
        ForeignKeyConstraint(["tenant_id", "participant_id"], ["participants.tenant_id", "participants.id"],
                             ondelete="CASCADE"),
        CheckConstraint(_in("kind", DEBT_SUPPORT_KINDS), name="kind"),
        CheckConstraint(_in("status", DEBT_SUPPORT_STATUSES), name="status"),
        CheckConstraint("ended_on IS NULL OR ended_on >= referred_on", name="end_after_start"),
    )

    participant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(30))
    referred_on: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(nullable=False, default=1)
    status: Mapped[str] = mapped_column(String(20), default="referred")
    ended_on: Mapped[date | None] = mapped_column(Date)  # last day of the support
    notes_encrypted: Mapped[str | None] = mapped_column(Text)


class Training(PublicId, TenantOwned, Timestamped, Base):
    """A course a participant follows for the work (first aid/emergency response, social hygiene ...)."""

    __tablename__ = "trainings"
    __table_args__ = (
        Index(None, "tenant_id", "participant_id", "started_on"),
        ForeignKeyConstraint(["tenant_id", "participant_id"], ["participants.tenant_id", "participants.id"],
                             ondelete="CASCADE"),
        CheckConstraint(_in("kind", TRAINING_KINDS), name="kind"),
        CheckConstraint("completed_on IS NULL OR completed_on >= started_on", name="completed_after_start"),
        CheckConstraint("certificate_valid_until IS NULL OR completed_on IS NOT NULL", name="certificate_needs_completion"),
    )

    participant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    started_on: Mapped[date] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    certificate_number: Mapped[str | None] = mapped_column(String(100))
    certificate_valid_until: Mapped[date | None] = mapped_column(Date)
    cost: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    version: Mapped[int] = mapped_column(nullable=False, default=1)


class WellbeingMeasurement(PublicId, TenantOwned, Base):
    """Scores per life domain on the municipality's instrument (basisbaan.domain.wellbeing), measured on a
    date. Domains include mental health and substance use: the scores are encrypted, municipal coaches only."""

    __tablename__ = "wellbeing_measurements"
    __table_args__ = (
        Index(None, "tenant_id", "participant_id", "measured_on"),
        ForeignKeyConstraint(["tenant_id", "participant_id"], ["participants.tenant_id", "participants.id"],
                             ondelete="CASCADE"),
    )

    participant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    measured_on: Mapped[date] = mapped_column(Date)
    instrument: Mapped[str] = mapped_column(String(40))
    scores_encrypted: Mapped[str] = mapped_column(Text)  # JSON object domain -> score
    measured_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


__all__ = ["CoachingSession", "DebtSupport", "Training", "WellbeingMeasurement"]
