"""Participants and their employment: contracts with dated versions, performance reports, absence, exits.

Dates are calendar dates. A contract's `end_on`, an absence's `end_on` and a participant's `exit_on` are the
LAST day (inclusive), as people write them on a contract; computations turn them into half-open periods
(basisbaan.domain.employment). Nothing here is a stored total: rates and costs are computed from these rows.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (CheckConstraint, Date, DateTime, ForeignKeyConstraint, Index, Integer, Numeric, String,
                        Text, UniqueConstraint, Uuid, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from basisbaan.models.base import Base, PublicId, TenantOwned, Timestamped, utcnow

EXIT_REASONS = ("deceased", "pension_age", "regular_job", "sheltered_work", "self_employed", "back_on_benefits",
                "resigned", "dismissed", "other")
CONTRACT_KINDS = ("temporary", "permanent")
ADVICES = ("renew", "permanent", "end")
VERSION_REASONS = ("start", "hours", "cao_transition", "terms", "correction")
GATEKEEPER_STEPS = ("problem_analysis", "action_plan", "uwv_report", "first_year_evaluation", "wia_application")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _tenant_join(owner: str, target: str, column: str) -> dict:
    return dict(primaryjoin=f"and_({owner}.{column} == {target}.id, {owner}.tenant_id == {target}.tenant_id)",
                foreign_keys=f"[{owner}.{column}, {owner}.tenant_id]", viewonly=True)


class Participant(PublicId, TenantOwned, Timestamped, Base):
    """One period in the programme of one person: from the start of employment to the exit.

    The person (and, when they came through the intake, the candidate record) is referred to, never copied.
    Someone who left and starts again gets a new participant row for the same person; at most one is open.
    """

    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        Index(None, "tenant_id", "person_id"),
        Index(None, "tenant_id", "started_on"),
        Index(None, "tenant_id", "exit_on"),
        Index(None, "tenant_id", "coaching_organisation_id"),
        # One open participation per person (both databases support partial unique indexes).
        Index("uq_participants_open_person", "tenant_id", "person_id", unique=True,
              sqlite_where=text("exit_on IS NULL"), postgresql_where=text("exit_on IS NULL")),
        ForeignKeyConstraint(["tenant_id", "person_id"], ["persons.tenant_id", "persons.id"], ondelete="CASCADE"),
        # NO ACTION: a candidate with a participation cannot be deleted on its own (SET NULL would also
        # null tenant_id); erasing the person removes both in one statement.
        ForeignKeyConstraint(["tenant_id", "candidate_id"], ["candidates.tenant_id", "candidates.id"]),
        ForeignKeyConstraint(["tenant_id", "coach_id"], ["users.tenant_id", "users.id"], ondelete="RESTRICT"),
        ForeignKeyConstraint(["tenant_id", "coaching_organisation_id"],
                             ["organisations.tenant_id", "organisations.id"], ondelete="RESTRICT"),
        CheckConstraint(f"exit_reason IS NULL OR {_in('exit_reason', EXIT_REASONS)}", name="exit_reason"),
        CheckConstraint("(exit_on IS NULL) = (exit_reason IS NULL)", name="exit_complete"),
        CheckConstraint("exit_on IS NULL OR exit_on >= started_on", name="exit_after_start"),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    # Null for people placed before the municipality recorded its intake (Groningen's first cohort).
    candidate_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    started_on: Mapped[date] = mapped_column(Date)
    # The municipal coach (income and wellbeing) and the job coach's organisation (work).
    coach_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    coaching_organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    exit_on: Mapped[date | None] = mapped_column(Date)  # last day in the programme
    exit_reason: Mapped[str | None] = mapped_column(String(30))
    exit_notes_encrypted: Mapped[str | None] = mapped_column(Text)
    # Optimistic locking: a change names the version it read; a stale version gets 409 (services.locking).
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    person = relationship("Person", lazy="joined", innerjoin=True, **_tenant_join("Participant", "Person", "person_id"))
    coach = relationship("User", lazy="joined", **_tenant_join("Participant", "User", "coach_id"))
    coaching_organisation = relationship("Organisation", lazy="joined",
                                         **_tenant_join("Participant", "Organisation", "coaching_organisation_id"))


class Contract(PublicId, TenantOwned, Timestamped, Base):
    """An employment contract. Its terms (hours, CAO, scale) live in dated versions; a renewal is a new
    contract that follows this one, with the performance report that advised it."""

    __tablename__ = "contracts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        Index(None, "tenant_id", "participant_id", "start_on"),
        Index(None, "tenant_id", "end_on"),
        ForeignKeyConstraint(["tenant_id", "participant_id"], ["participants.tenant_id", "participants.id"],
                             ondelete="CASCADE"),
        ForeignKeyConstraint(["tenant_id", "employer_id"], ["organisations.tenant_id", "organisations.id"],
                             ondelete="RESTRICT"),
        CheckConstraint(_in("kind", CONTRACT_KINDS), name="kind"),
        CheckConstraint("(kind = 'permanent' AND end_on IS NULL) OR (kind = 'temporary' AND end_on IS NOT NULL)",
                        name="end_matches_kind"),
        CheckConstraint("end_on IS NULL OR end_on >= start_on", name="end_after_start"),
        CheckConstraint("terminated_on IS NULL OR terminated_on >= start_on", name="terminated_after_start"),
        CheckConstraint("trial_period_months IS NULL OR trial_period_months BETWEEN 0 AND 2", name="trial_period"),
    )

    participant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    employer_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(20))
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)  # last day of a temporary contract
    trial_period_months: Mapped[int | None] = mapped_column(Integer)
    # Set when the participant leaves before end_on (or from a permanent contract); end_on stays as agreed.
    terminated_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str | None] = mapped_column(String(200))
    # Optimistic locking: a change names the version it read; a stale version gets 409 (services.locking).
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    employer = relationship("Organisation", lazy="joined", **_tenant_join("Contract", "Organisation", "employer_id"))

    @property
    def last_day(self) -> date | None:
        """The last day worked under this contract: the agreed end or the earlier termination."""
        ends = [d for d in (self.end_on, self.terminated_on) if d is not None]
        return min(ends) if ends else None


class ContractVersion(PublicId, TenantOwned, Base):
    """The terms of a contract from `valid_from` until the next version (or the contract's end).

    A change of hours or a move to another CAO adds a version; earlier versions are never changed, so every
    figure for a date uses the terms in force on that date. A CAO transition that reaches a version dated on
    or after the transition (a renewal recorded in advance) marks it superseded and adds its replacement
    with the same date: the old row stays, and only current rows (superseded_at IS NULL) count.
    """

    __tablename__ = "contract_versions"
    __table_args__ = (
        Index(None, "tenant_id", "contract_id"),
        Index("uq_contract_versions_current", "tenant_id", "contract_id", "valid_from", unique=True,
              sqlite_where=text("superseded_at IS NULL"), postgresql_where=text("superseded_at IS NULL")),
        ForeignKeyConstraint(["tenant_id", "contract_id"], ["contracts.tenant_id", "contracts.id"],
                             ondelete="CASCADE"),
        CheckConstraint(_in("reason", VERSION_REASONS), name="reason"),
        CheckConstraint("hours_per_week > 0 AND hours_per_week <= 40", name="hours"),
        CheckConstraint("guaranteed_hourly_wage IS NULL OR guaranteed_hourly_wage > 0", name="guaranteed_wage"),
    )

    contract_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    valid_from: Mapped[date] = mapped_column(Date)
    hours_per_week: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    cao: Mapped[str] = mapped_column(String(40))
    wage_scale: Mapped[str | None] = mapped_column(String(20))
    wage_step: Mapped[str | None] = mapped_column(String(20))
    # A transition arrangement: at least this hourly wage (the wage under the previous CAO).
    guaranteed_hourly_wage: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(200))
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PerformanceReport(PublicId, TenantOwned, Base):
    """The report on a temporary contract before it ends: who wrote it, when, and the advice."""

    __tablename__ = "performance_reports"
    __table_args__ = (
        Index(None, "tenant_id", "contract_id"),
        ForeignKeyConstraint(["tenant_id", "contract_id"], ["contracts.tenant_id", "contracts.id"],
                             ondelete="CASCADE"),
        CheckConstraint(_in("advice", ADVICES), name="advice"),
    )

    contract_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    written_on: Mapped[date] = mapped_column(Date)
    author: Mapped[str] = mapped_column(String(200))
    advice: Mapped[str] = mapped_column(String(20))
    summary_encrypted: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(200))


class Absence(PublicId, TenantOwned, Base):
    """A period of sickness: first and last day (open while ongoing) and the share of contracted hours not
    worked. No diagnosis or medical detail is recorded: an employer may not keep it."""

    __tablename__ = "absences"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        Index(None, "tenant_id", "participant_id", "start_on"),
        Index(None, "tenant_id", "start_on"),
        ForeignKeyConstraint(["tenant_id", "participant_id"], ["participants.tenant_id", "participants.id"],
                             ondelete="CASCADE"),
        CheckConstraint("end_on IS NULL OR end_on >= start_on", name="end_after_start"),
        CheckConstraint("percentage > 0 AND percentage <= 100", name="percentage"),
    )

    participant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)
    percentage: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("100"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(200))
    # Optimistic locking: a change names the version it read; a stale version gets 409 (services.locking).
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class GatekeeperStep(PublicId, TenantOwned, Base):
    """A step of the Gatekeeper Act (Wet verbetering poortwachter) done for a sickness episode; the episode
    is named by its first absence."""

    __tablename__ = "gatekeeper_steps"
    __table_args__ = (
        UniqueConstraint("tenant_id", "absence_id", "step"),
        ForeignKeyConstraint(["tenant_id", "absence_id"], ["absences.tenant_id", "absences.id"],
                             ondelete="CASCADE"),
        CheckConstraint(_in("step", GATEKEEPER_STEPS), name="step"),
    )

    absence_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    step: Mapped[str] = mapped_column(String(30))
    done_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(200))


__all__ = ["Absence", "Contract", "ContractVersion", "GatekeeperStep", "Participant", "PerformanceReport"]
