"""Candidates and the intake funnel: referral, conversations, dated status changes, decisions."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (JSON, CheckConstraint, Date, DateTime, ForeignKeyConstraint, Index, Integer, String, Text,
                        UniqueConstraint, Uuid)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from basisbaan.models.base import Base, PublicId, TenantOwned, Timestamped, utcnow

STATUSES = ("referred", "in_conversation", "started", "not_started", "on_hold", "waiting_list")
OUTCOMES = ("started", "not_started", "on_hold")
REASON_CATEGORIES = ("cannot", "will_not", "may_not")
REFERRAL_SOURCES = ("colleague", "area_team", "self", "other")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Candidate(PublicId, TenantOwned, Timestamped, Base):
    """One person considered for a basisbaan (the person's identity lives in `persons`)."""

    __tablename__ = "candidates"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        Index(None, "tenant_id", "status"),
        Index(None, "tenant_id", "person_id"),
        # Erasing a person (right to erasure) erases their candidate records with them.
        ForeignKeyConstraint(["tenant_id", "person_id"], ["persons.tenant_id", "persons.id"], ondelete="CASCADE"),
        ForeignKeyConstraint(["tenant_id", "coach_id"], ["users.tenant_id", "users.id"], ondelete="RESTRICT"),
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint(_in("referral_source", REFERRAL_SOURCES), name="referral_source"),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(20), default="referred")
    status_since: Mapped[date] = mapped_column(Date)
    referral_source: Mapped[str] = mapped_column(String(20))
    referral_date: Mapped[date] = mapped_column(Date)
    coach_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    social_assistance_since: Mapped[date | None] = mapped_column(Date)
    # The current re-integration track, if any (e.g. "taaltraject"); empty means none.
    reintegration_track: Mapped[str | None] = mapped_column(String(200))
    after_participation_job: Mapped[bool] = mapped_column(default=False)
    available_hours: Mapped[int | None] = mapped_column(Integer)
    # Fewer (or more) hours than the municipality's range, agreed with the coach.
    hours_agreed: Mapped[bool] = mapped_column(default=False)
    preferred_work: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The coach's judgement: no prospect of paid work, also not with wage-cost subsidy (None: not judged yet).
    no_prospect_of_work: Mapped[bool | None] = mapped_column()
    # Special personal data, shown to coaches only; free text encrypted at rest (basisbaan.crypto).
    has_debts: Mapped[bool | None] = mapped_column()
    debt_support: Mapped[bool] = mapped_column(default=False)
    health_notes_encrypted: Mapped[str | None] = mapped_column(Text)
    limitations_encrypted: Mapped[str | None] = mapped_column(Text)
    support_needs_encrypted: Mapped[str | None] = mapped_column(Text)

    # Loaded with the candidate in the same statement: lists take a fixed number of queries.
    person = relationship("Person", lazy="joined", innerjoin=True, viewonly=True,
                          primaryjoin="and_(Candidate.person_id == Person.id, Candidate.tenant_id == Person.tenant_id)",
                          foreign_keys="[Candidate.person_id, Candidate.tenant_id]")
    coach = relationship("User", lazy="joined", viewonly=True,
                         primaryjoin="and_(Candidate.coach_id == User.id, Candidate.tenant_id == User.tenant_id)",
                         foreign_keys="[Candidate.coach_id, Candidate.tenant_id]")


class CandidateStatusChange(PublicId, TenantOwned, Base):
    """Every step through the funnel, dated, so the funnel can be counted for any period."""

    __tablename__ = "candidate_status_changes"
    __table_args__ = (
        Index(None, "tenant_id", "candidate_id", "changed_on"),
        Index(None, "tenant_id", "status", "changed_on"),
        ForeignKeyConstraint(["tenant_id", "candidate_id"], ["candidates.tenant_id", "candidates.id"],
                             ondelete="CASCADE"),
        CheckConstraint(_in("status", STATUSES), name="status"),
    )

    candidate_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(20))
    changed_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(200))


class IntakeConversation(PublicId, TenantOwned, Base):
    __tablename__ = "intake_conversations"
    __table_args__ = (
        Index(None, "tenant_id", "candidate_id", "held_on"),
        Index(None, "tenant_id", "held_on"),
        ForeignKeyConstraint(["tenant_id", "candidate_id"], ["candidates.tenant_id", "candidates.id"],
                             ondelete="CASCADE"),
        ForeignKeyConstraint(["tenant_id", "coach_id"], ["users.tenant_id", "users.id"], ondelete="RESTRICT"),
    )

    candidate_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    held_on: Mapped[date] = mapped_column(Date)
    coach_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    notes_encrypted: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CandidateDecision(PublicId, TenantOwned, Base):
    """The coach's decision with reasons; deciding against a failed criterion is an override."""

    __tablename__ = "candidate_decisions"
    __table_args__ = (
        Index(None, "tenant_id", "decided_on"),
        Index(None, "tenant_id", "candidate_id"),
        ForeignKeyConstraint(["tenant_id", "candidate_id"], ["candidates.tenant_id", "candidates.id"],
                             ondelete="CASCADE"),
        CheckConstraint(_in("outcome", OUTCOMES), name="outcome"),
        CheckConstraint(f"reason_category IS NULL OR {_in('reason_category', REASON_CATEGORIES)}",
                        name="reason_category"),
    )

    candidate_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    decided_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(20))
    # The status the decision led to: "started" may become "waiting_list" when all places are taken.
    resulting_status: Mapped[str] = mapped_column(String(20))
    reason_category: Mapped[str | None] = mapped_column(String(20))
    sub_reason: Mapped[str | None] = mapped_column(String(200))
    reasons: Mapped[str | None] = mapped_column(Text)
    eligibility: Mapped[str] = mapped_column(String(20))  # overall result when deciding
    failed_criteria: Mapped[list[str]] = mapped_column(JSON, default=list)
    override: Mapped[bool] = mapped_column(default=False)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


__all__ = ["Candidate", "CandidateDecision", "CandidateStatusChange", "IntakeConversation"]
