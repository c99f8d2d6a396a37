"""Sickness absence: registering and ending periods, Gatekeeper steps, and the absence rate for any period
and group (a fixed number of statements, whatever the number of participants or days)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from basisbaan.domain.dates import out_of_range
from basisbaan.domain.employment import AbsenceTotals, Episode, absence_totals, episodes, gatekeeper_deadlines
from basisbaan.errors import Conflict, InvalidInput, NotFound
from basisbaan.models import Absence, Contract, GatekeeperStep, Participant
from basisbaan.models.employment import GATEKEEPER_STEPS
from basisbaan.services import contracts as contract_service
from basisbaan.services import locking, timeline
from basisbaan.services.audit import Actor, record
from basisbaan.services.timeline import Group
from basisbaan.services.visibility import Viewer
from basisbaan.texts import N_


def of(session: Session, participant: Participant) -> list[Absence]:
    return list(session.scalars(select(Absence).where(Absence.participant_id == participant.id)
                                .order_by(Absence.start_on)))


def get(session: Session, participant: Participant, absence_id: uuid.UUID) -> Absence:
    found = session.scalars(select(Absence).where(Absence.id == absence_id,
                                                  Absence.participant_id == participant.id)).first()
    if found is None:
        raise NotFound("No such absence.")
    return found


def _covered(contracts: list[Contract], day: date) -> bool:
    return any(c.start_on <= day and (c.last_day is None or day <= c.last_day) for c in contracts)


def _check(session: Session, participant: Participant, start: date | None, end: date | None,
           percentage: Decimal | None, today: date, ignore: uuid.UUID | None = None) -> None:
    locking.lock(session, Participant, participant.id)
    errors: dict[str, list[str]] = {}
    if start is None:
        errors["start_on"] = [N_("Required.")]
    elif out_of_range(start):
        errors["start_on"] = [N_("Between 1900 and 2100.")]
    elif start > today:
        errors["start_on"] = [N_("Cannot be in the future.")]
    if out_of_range(end):
        errors["end_on"] = [N_("Between 1900 and 2100.")]
    elif end is not None and start is not None and end < start:
        errors["end_on"] = [N_("Cannot be before the first day of sickness.")]
    if percentage is None or not Decimal(0) < Decimal(percentage) <= Decimal(100):
        errors["percentage"] = [N_("More than 0 and at most 100.")]
    if errors:
        raise InvalidInput("The absence has invalid fields.", errors)
    contracts = list(session.scalars(select(Contract).where(Contract.participant_id == participant.id)))
    if not _covered(contracts, start):
        errors["start_on"] = [N_("The participant has no contract on this day.")]
    elif end is not None:
        gap = contract_service.first_uncovered(contracts, start, end)
        if gap is not None:
            errors["end_on"] = [N_("The participant has no contract on %(day)s.", day=gap.isoformat())]
    if errors:
        raise InvalidInput("The absence lies outside the participant's contracts.", errors)
    for other in of(session, participant):
        if other.id == ignore:
            continue
        if (other.end_on is None or start <= other.end_on) and (end is None or other.start_on <= end):
            raise InvalidInput("The absence overlaps another absence of this participant.",
                               {"start_on": [N_("Overlaps the absence from %(day)s.", day=other.start_on.isoformat())]})


def add(session: Session, participant: Participant, data: Mapping[str, Any], actor: Actor, today: date) -> Absence:
    percentage = data.get("percentage", Decimal(100))
    _check(session, participant, data.get("start_on"), data.get("end_on"), percentage, today)
    absence = Absence(participant_id=participant.id, start_on=data["start_on"], end_on=data.get("end_on"),
                      percentage=Decimal(percentage), created_by=actor.label)
    session.add(absence)
    session.flush()
    record(session, actor, "absence.registered", "participant", participant.id, absence_id=str(absence.id))
    return absence


def update(session: Session, participant: Participant, absence: Absence, data: Mapping[str, Any], actor: Actor,
           today: date) -> Absence:
    """End (recovery) or correct an absence; `version` is the version the change was based on."""
    start = data.get("start_on", absence.start_on)
    end = data["end_on"] if "end_on" in data else absence.end_on
    percentage = data.get("percentage", absence.percentage)
    _check(session, participant, start, end, percentage, today, ignore=absence.id)
    locking.claim(session, Absence, absence, data.get("version"))
    absence.start_on, absence.end_on, absence.percentage = start, end, Decimal(percentage)
    session.flush()
    record(session, actor, "absence.updated", "participant", participant.id, absence_id=str(absence.id),
           fields=sorted(k for k in ("start_on", "end_on", "percentage") if k in data))
    session.refresh(absence)
    return absence


def participant_episodes(absences: list[Absence]) -> list[Episode]:
    return episodes([(a.id, a.start_on, a.end_on) for a in absences])


def record_step(session: Session, participant: Participant, absence: Absence, data: Mapping[str, Any],
                actor: Actor, today: date) -> GatekeeperStep:
    """Mark a Gatekeeper step done for the episode that `absence` belongs to."""
    errors: dict[str, list[str]] = {}
    step, done_on = data.get("step"), data.get("done_on")
    if step not in GATEKEEPER_STEPS:
        errors["step"] = [N_("Unknown step.")]
    if done_on is None:
        errors["done_on"] = [N_("Required.")]
    elif out_of_range(done_on):
        errors["done_on"] = [N_("Between 1900 and 2100.")]
    elif done_on > today:
        errors["done_on"] = [N_("Cannot be in the future.")]
    if errors:
        raise InvalidInput("The step has invalid fields.", errors)
    episode = next(e for e in participant_episodes(of(session, participant)) if absence.id in e.absence_ids)
    if done_on < episode.first_day:
        raise InvalidInput("The step is dated before the sickness began.",
                           {"done_on": [N_("Cannot be before the first day of sickness.")]})
    exists = session.scalars(select(GatekeeperStep.id).where(GatekeeperStep.absence_id == episode.first_absence_id,
                                                             GatekeeperStep.step == step)).first()
    if exists:
        raise Conflict("This step is recorded already.", {"step": [N_("Recorded already.")]})
    done = GatekeeperStep(absence_id=episode.first_absence_id, step=step, done_on=done_on, created_by=actor.label)
    session.add(done)
    session.flush()
    record(session, actor, "absence.gatekeeper_step", "participant", participant.id, step=step)
    return done


@dataclass(frozen=True)
class StepStatus:
    step: str
    due_on: date
    done_on: date | None


def schedule(episode: Episode, done: Mapping[str, date]) -> list[StepStatus]:
    return [StepStatus(step, due, done.get(step)) for step, due in gatekeeper_deadlines(episode.first_day)]


def steps_done(session: Session, absence_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, date]]:
    found: dict[uuid.UUID, dict[str, date]] = {}
    if absence_ids:
        for row in session.scalars(select(GatekeeperStep).where(GatekeeperStep.absence_id.in_(absence_ids))):
            found.setdefault(row.absence_id, {})[row.step] = row.done_on
    return found


@dataclass(frozen=True)
class Rate:
    totals: AbsenceTotals
    participants: int  # with contracted hours in the period


def rate(session: Session, start: date, end: date, viewer: Viewer | None = None, group: Group = Group()) -> Rate:
    """Sick contracted hours / contracted hours over [start, end): two statements."""
    if start >= end:
        raise InvalidInput("The period is empty.", {"from": [N_("Must be before 'to'.")]})
    periods = timeline.periods(session, start, end, viewer, group)
    sick = timeline.sickness(session, start, end, viewer, group)
    people = {p.participant_id for p in periods if p.clipped(start, end) is not None}
    return Rate(absence_totals(periods, sick, start, end), len(people))
