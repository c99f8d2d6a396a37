"""Coaching time: work coaching by the job coach's organisation, income and wellbeing coaching by the
municipal coach; and the average coaching hours per participant per week for any period and group
(a fixed number of statements)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Mapping

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from basisbaan.domain.dates import out_of_range
from basisbaan.errors import InvalidInput
from basisbaan.models import CoachingSession, Participant, User, UserRole
from basisbaan.models.support import COACHING_KINDS
from basisbaan.services.audit import Actor, record
from basisbaan.services.timeline import Group
from basisbaan.services.visibility import Viewer, can_see, scoped
from basisbaan.texts import N_

DAY = timedelta(days=1)
SEVEN = Decimal(7)


def log(session: Session, viewer: Viewer, data: Mapping[str, Any], actor: Actor, today: date) -> CoachingSession:
    """Log coaching time. A job coach logs work coaching for their own organisation's participants only."""
    errors: dict[str, list[str]] = {}
    participant = session.scalars(select(Participant).where(Participant.id == data.get("participant_id"))).first() \
        if data.get("participant_id") else None
    if participant is None or not can_see(viewer, participant):
        errors["participant_id"] = [N_("Not one of the participants you coach.")]
    held_on, kind, hours = data.get("held_on"), data.get("kind"), data.get("hours")
    if held_on is None:
        errors["held_on"] = [N_("Required.")]
    elif out_of_range(held_on):
        errors["held_on"] = [N_("Between 1900 and 2100.")]
    elif held_on > today:
        errors["held_on"] = [N_("Cannot be in the future.")]
    elif participant is not None and "participant_id" not in errors and (
            held_on < participant.started_on or (participant.exit_on is not None and held_on > participant.exit_on)):
        errors["held_on"] = [N_("Outside the participant's time in the programme.")]
    if kind not in COACHING_KINDS:
        errors["kind"] = [N_("Choose work or income and wellbeing.")]
    elif viewer.is_job_coach_only and kind != "work":
        errors["kind"] = [N_("Job coaches log work coaching.")]
    if hours is None or not Decimal(0) < Decimal(hours) <= Decimal(24):
        errors["hours"] = [N_("More than 0 and at most 24.")]
    coach_id = data.get("coach_id") or viewer.user_id
    if data.get("coach_id") is not None:
        found = session.scalars(select(User.id).join(User.role_rows).where(
            User.id == data["coach_id"], UserRole.role.in_(("coach", "jobcoach")))).first()
        if found is None:
            errors["coach_id"] = [N_("No such coach.")]
    if errors:
        raise InvalidInput("The coaching session has invalid fields.", errors)
    organisation = viewer.organisation_id if viewer.is_job_coach_only else (
        participant.coaching_organisation_id if kind == "work" else None)
    entry = CoachingSession(participant_id=participant.id, held_on=held_on, kind=kind, hours=Decimal(hours),
                            coach_id=coach_id, organisation_id=organisation, coach_label=actor.label)
    session.add(entry)
    session.flush()
    record(session, actor, "coaching.logged", "participant", participant.id, kind=kind)
    return entry


def list_query(viewer: Viewer, *, participant_id=None, start: date | None = None, end: date | None = None,
               kind: str | None = None):
    stmt = scoped(select(CoachingSession).join(Participant, Participant.id == CoachingSession.participant_id),
                  viewer).order_by(CoachingSession.held_on.desc(), CoachingSession.created_at.desc())
    if participant_id:
        stmt = stmt.where(CoachingSession.participant_id == participant_id)
    if start:
        stmt = stmt.where(CoachingSession.held_on >= start)
    if end:
        stmt = stmt.where(CoachingSession.held_on < end)
    if kind:
        stmt = stmt.where(CoachingSession.kind == kind)
    return stmt


@dataclass(frozen=True)
class CoachingHours:
    start: date
    end: date
    participants: int
    participant_weeks: Decimal
    hours: Decimal
    by_kind: dict[str, Decimal]
    lowest: Decimal | None  # the lowest and highest individual average per week
    highest: Decimal | None

    @property
    def per_participant_week(self) -> Decimal | None:
        return self.hours / self.participant_weeks if self.participant_weeks else None


def hours(session: Session, start: date, end: date, viewer: Viewer | None = None, group: Group = Group()
          ) -> CoachingHours:
    """Coaching hours over [start, end) divided by participant-weeks in the programme in that period
    (a participant counts from the start to the exit day); two statements."""
    if start >= end:
        raise InvalidInput("The period is empty.", {"from": [N_("Must be before 'to'.")]})
    people = select(Participant.id, Participant.started_on, Participant.exit_on).where(
        Participant.started_on < end, or_(Participant.exit_on.is_(None), Participant.exit_on >= start),
        *group.clauses())
    if viewer is not None:
        people = scoped(people, viewer)
    days: dict[uuid.UUID, int] = {}
    for row in session.execute(people):
        last = min(end - DAY, row.exit_on) if row.exit_on else end - DAY
        days[row.id] = (last - max(start, row.started_on)).days + 1
    logged = select(CoachingSession.participant_id, CoachingSession.kind, CoachingSession.hours).join(
        Participant, Participant.id == CoachingSession.participant_id).where(
        and_(CoachingSession.held_on >= start, CoachingSession.held_on < end), *group.clauses())
    if viewer is not None:
        logged = scoped(logged, viewer)
    total, by_kind, per_person = Decimal(0), {k: Decimal(0) for k in COACHING_KINDS}, {}
    for row in session.execute(logged):
        if row.participant_id not in days:
            continue
        total += row.hours
        by_kind[row.kind] += row.hours
        per_person[row.participant_id] = per_person.get(row.participant_id, Decimal(0)) + row.hours
    weeks = Decimal(sum(days.values())) / SEVEN
    averages = [per_person.get(pid, Decimal(0)) / (Decimal(d) / SEVEN) for pid, d in days.items() if d > 0]
    return CoachingHours(start, end, len(days), weeks, total, by_kind, min(averages, default=None),
                         max(averages, default=None))
