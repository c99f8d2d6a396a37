"""The work: tasks from neighbourhood organisations and area teams, the displacement check before a task
may take participants, and assignments of tasks to participants (their task package)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (JSON, CheckConstraint, Date, DateTime, ForeignKeyConstraint, Index, Integer, Numeric, String,
                        Text, UniqueConstraint, Uuid)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from basisbaan.models.base import Base, PublicId, TenantOwned, Timestamped, utcnow
from basisbaan.models.employment import _in, _tenant_join

TASK_CATEGORIES = ("maintenance", "hosting", "litter", "cycling", "newsletter", "sports", "residents", "transport",
                   "tool_lending", "playgrounds", "schools", "second_hand", "other")
TASK_SOURCES = ("neighbourhood_organisation", "area_team", "made_to_fit")
TASK_STATUSES = ("proposed", "under_check", "approved", "active", "closed")
PHYSICAL_DEMANDS = ("light", "medium", "heavy")
# Other demands a task makes; matched against a participant's limitations of the same names.
DEMANDS = ("outdoors", "lifting", "standing", "walking", "cycling", "driving", "contact_with_residents",
           "working_alone", "early_hours", "children")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
VERDICTS = ("approved", "rejected")


class Task(PublicId, TenantOwned, Timestamped, Base):
    __tablename__ = "tasks"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        Index(None, "tenant_id", "status"),
        Index(None, "tenant_id", "neighbourhood_id"),
        ForeignKeyConstraint(["tenant_id", "host_organisation_id"], ["organisations.tenant_id", "organisations.id"],
                             ondelete="RESTRICT"),
        ForeignKeyConstraint(["tenant_id", "neighbourhood_id"], ["neighbourhoods.tenant_id", "neighbourhoods.id"],
                             ondelete="RESTRICT"),
        CheckConstraint(_in("category", TASK_CATEGORIES), name="category"),
        CheckConstraint(_in("source", TASK_SOURCES), name="source"),
        CheckConstraint(_in("status", TASK_STATUSES), name="status"),
        CheckConstraint(_in("physical_demand", PHYSICAL_DEMANDS), name="physical_demand"),
        CheckConstraint("places >= 1", name="places"),
        CheckConstraint("hours_per_week > 0 AND hours_per_week <= 40", name="hours"),
        CheckConstraint("host_contribution_per_year IS NULL OR host_contribution_per_year >= 0",
                        name="host_contribution"),
    )

    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(30))
    host_organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    neighbourhood_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    hours_per_week: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    days: Mapped[list[str]] = mapped_column(JSON, default=list)
    places: Mapped[int] = mapped_column(Integer, default=1)
    physical_demand: Mapped[str] = mapped_column(String(20), default="light")
    demands: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    # What the host pays per participant on the task per year (a fee or contribution), prorated by day.
    host_contribution_per_year: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    host = relationship("Organisation", lazy="joined", **_tenant_join("Task", "Organisation", "host_organisation_id"))
    neighbourhood = relationship("Neighbourhood", lazy="joined",
                                 **_tenant_join("Task", "Neighbourhood", "neighbourhood_id"))


class DisplacementCheck(PublicId, TenantOwned, Base):
    """The structured check that a task displaces no paid job and no volunteer work, with the verdict."""

    __tablename__ = "displacement_checks"
    __table_args__ = (
        Index(None, "tenant_id", "task_id", "checked_on"),
        ForeignKeyConstraint(["tenant_id", "task_id"], ["tasks.tenant_id", "tasks.id"], ondelete="CASCADE"),
        CheckConstraint(_in("verdict", VERDICTS), name="verdict"),
    )

    task_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    checked_on: Mapped[date] = mapped_column(Date)
    # The four questions: is or was this work done by paid staff; would the host otherwise hire someone;
    # do volunteers do it now; is it additional to what the host does anyway.
    done_by_paid_staff: Mapped[bool] = mapped_column()
    host_would_hire: Mapped[bool] = mapped_column()
    done_by_volunteers: Mapped[bool] = mapped_column()
    is_additional: Mapped[bool] = mapped_column()
    verdict: Mapped[str] = mapped_column(String(20))
    reasons: Mapped[str] = mapped_column(Text)
    checked_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Assignment(PublicId, TenantOwned, Timestamped, Base):
    """A task in a participant's package: hours and days from a start to an (optional) last day."""

    __tablename__ = "assignments"
    __table_args__ = (
        Index(None, "tenant_id", "participant_id", "start_on"),
        Index(None, "tenant_id", "task_id", "start_on"),
        ForeignKeyConstraint(["tenant_id", "participant_id"], ["participants.tenant_id", "participants.id"],
                             ondelete="CASCADE"),
        ForeignKeyConstraint(["tenant_id", "task_id"], ["tasks.tenant_id", "tasks.id"], ondelete="RESTRICT"),
        CheckConstraint("end_on IS NULL OR end_on >= start_on", name="end_after_start"),
        CheckConstraint("hours_per_week > 0 AND hours_per_week <= 40", name="hours"),
    )

    participant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    task_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    hours_per_week: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    days: Mapped[list[str]] = mapped_column(JSON, default=list)
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)  # last day
    note: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[str | None] = mapped_column(String(200))

    task = relationship("Task", lazy="joined", innerjoin=True, **_tenant_join("Assignment", "Task", "task_id"))


class WorkProfile(PublicId, TenantOwned, Timestamped, Base):
    """What a person wants and can do, for matching them with tasks: kept per person, so it follows a
    candidate into the programme. Limitations come from health: encrypted, municipal coaches only."""

    __tablename__ = "work_profiles"
    __table_args__ = (
        UniqueConstraint("tenant_id", "person_id"),
        ForeignKeyConstraint(["tenant_id", "person_id"], ["persons.tenant_id", "persons.id"], ondelete="CASCADE"),
        CheckConstraint(f"max_physical_demand IS NULL OR {_in('max_physical_demand', PHYSICAL_DEMANDS)}",
                        name="max_physical_demand"),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    preferred_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    available_days: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: any day
    max_physical_demand: Mapped[str | None] = mapped_column(String(20))
    # JSON list of DEMANDS codes the person cannot meet, encrypted (health-derived).
    limitations_encrypted: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    updated_by: Mapped[str | None] = mapped_column(String(200))


__all__ = ["Assignment", "DisplacementCheck", "Task", "WorkProfile"]
