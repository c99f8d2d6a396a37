"""A participant's task package: tasks with hours and days from a start to an optional last day.

Rules: only tasks that passed the displacement check; never more participants on a task than its places;
never more hours at once than the contract in force; within the participant's contracts. History stays:
a package changes by ending an assignment and adding another.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Mapping

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from basisbaan.domain.dates import out_of_range
from basisbaan.domain.employment import exclusive_end, overlap, terms_on
from basisbaan.errors import Conflict, InvalidInput, NotFound
from basisbaan.models import Assignment, Contract, Participant, Task
from basisbaan.models.work import WEEKDAYS
from basisbaan.services import contracts as contract_service
from basisbaan.services import locking, tasks as task_service, timeline
from basisbaan.services.audit import Actor, record
from basisbaan.services.timeline import Group
from basisbaan.texts import N_


def of(session: Session, participant: Participant) -> list[Assignment]:
    return list(session.scalars(select(Assignment).where(Assignment.participant_id == participant.id)
                                .order_by(Assignment.start_on, Assignment.created_at)))


def get(session: Session, participant: Participant, assignment_id: uuid.UUID) -> Assignment:
    found = session.scalars(select(Assignment).where(Assignment.id == assignment_id,
                                                     Assignment.participant_id == participant.id)).first()
    if found is None:
        raise NotFound("No such assignment.")
    return found


def _running(rows, start: date, last: date | None):
    return [a for a in rows if overlap(a.start_on, exclusive_end(a.end_on), start, exclusive_end(last))]


def _most_at_once(rows, start: date, last: date | None) -> int:
    """The largest number of `rows` running on one day of [start, last]."""
    points = sorted({start, *(a.start_on for a in rows if a.start_on >= start)})
    return max((sum(1 for a in rows if a.start_on <= day and (a.end_on is None or a.end_on >= day))
                for day in points if last is None or day <= last), default=0)


def _check_hours(session: Session, participant: Participant, own: list[Assignment], hours: Decimal, start: date,
                 last: date | None) -> dict[str, list[str]]:
    """At every day where something changes, the package plus `hours` fits the contract hours then."""
    periods = timeline.periods(session, start, exclusive_end(last) or date(2101, 1, 1),
                               group=Group(participant_id=participant.id))
    points = sorted({start, *(a.start_on for a in own if a.start_on > start),
                     *(p.start for p in periods if p.start > start)})
    for day in points:
        if last is not None and day > last:
            break
        contract = next((p for p in periods if p.start <= day and (p.end is None or day < p.end)), None)
        if contract is None:
            continue
        busy = sum((a.hours_per_week for a in own if a.start_on <= day and (a.end_on is None or a.end_on >= day)),
                   Decimal(0))
        if busy + hours > contract.hours_per_week:
            return {"hours_per_week": [N_("More hours than the contract (%(hours)s) on %(day)s.",
                                          hours=f"{contract.hours_per_week.normalize():f}", day=day.isoformat())]}
    return {}


def add(session: Session, participant: Participant, data: Mapping[str, Any], actor: Actor, today: date) -> Assignment:
    locking.lock(session, Participant, participant.id)
    errors: dict[str, list[str]] = {}
    start, last, hours = data.get("start_on"), data.get("end_on"), data.get("hours_per_week")
    for name in ("start_on", "end_on"):
        if out_of_range(data.get(name)):
            errors[name] = [N_("Between 1900 and 2100.")]
    if start is None:
        errors["start_on"] = [N_("Required.")]
    if last is not None and start is not None and last < start:
        errors["end_on"] = [N_("Cannot be before the start date.")]
    if hours is None or not Decimal(0) < Decimal(hours) <= Decimal(40):
        errors["hours_per_week"] = [N_("More than 0 and at most 40.")]
    days = data.get("days") or []
    if any(day not in WEEKDAYS for day in days) or len(set(days)) != len(days):
        errors["days"] = [N_("Weekdays (mon-sun), each once.")]
    task = session.scalars(select(Task).where(Task.id == data.get("task_id"))).first() if data.get("task_id") else None
    if task is None:
        errors["task_id"] = [N_("No such task.")]
    if errors:
        raise InvalidInput("The assignment has invalid fields.", errors)
    locking.lock(session, Task, task.id)  # against a rejection or another assignment at the same moment
    session.refresh(task)
    if not task_service.assignable(task, task_service.latest_checks(session, [task.id]).get(task.id)):
        raise InvalidInput("The task has not passed the displacement check.",
                           {"task_id": [N_("The task has not passed the displacement check.")]})
    first_passed = task_service.first_passed_check(session, task)
    if first_passed is not None and start < first_passed:
        raise InvalidInput("The assignment starts before the task passed its displacement check.",
                           {"start_on": [N_("Cannot be before the task passed its displacement check (%(day)s).",
                                            day=first_passed.isoformat())]})
    if participant.exit_on is not None and (last is None or last > participant.exit_on or start > participant.exit_on):
        raise InvalidInput("The participant has left.", {"start_on": [N_("The participant has left.")]})
    contracts = list(session.scalars(select(Contract).where(Contract.participant_id == participant.id)))
    gap = contract_service.first_uncovered(contracts, start, last or start)
    if gap is not None:
        field = "start_on" if gap == start else "end_on"
        raise InvalidInput("The assignment lies outside the participant's contracts.",
                           {field: [N_("The participant has no contract on %(day)s.", day=gap.isoformat())]})
    own = of(session, participant)
    if any(a.task_id == task.id for a in _running(own, start, last)):
        raise InvalidInput("The participant has this task already in this period.",
                           {"task_id": [N_("Already in the participant's package in this period.")]})
    errors = _check_hours(session, participant, _running(own, start, last), Decimal(hours), start, last)
    if errors:
        raise InvalidInput("More hours than the contract.", errors)
    # Places: the task is locked; count who works on it in the period.
    others = list(session.scalars(select(Assignment).where(
        Assignment.task_id == task.id, Assignment.start_on <= (last or date.max),
        or_(Assignment.end_on.is_(None), Assignment.end_on >= start))))
    if _most_at_once(others, start, last) >= task.places:
        raise Conflict("The task has no free place in this period.",
                       {"task_id": [N_("No free place on this task in this period (%(places)s places).",
                                       places=task.places)]})
    assignment = Assignment(participant_id=participant.id, task_id=task.id, hours_per_week=Decimal(hours),
                            days=days, start_on=start, end_on=last, note=(data.get("note") or "").strip() or None,
                            created_by=actor.label)
    session.add(assignment)
    if task.status == "approved":
        task.status = "active"
    session.flush()
    record(session, actor, "assignment.added", "participant", participant.id, task_id=str(task.id))
    return assignment


def end(session: Session, participant: Participant, assignment: Assignment, data: Mapping[str, Any],
        actor: Actor) -> Assignment:
    """Give a running assignment its last day (the package changes; the history stays)."""
    last = data.get("end_on")
    if last is None:
        raise InvalidInput("Give the last day.", {"end_on": [N_("Required.")]})
    if out_of_range(last):
        raise InvalidInput("Give the last day.", {"end_on": [N_("Between 1900 and 2100.")]})
    if last < assignment.start_on:
        raise InvalidInput("The last day is before the start.", {"end_on": [N_("Cannot be before the start date.")]})
    if assignment.end_on is not None and last > assignment.end_on:
        raise InvalidInput("An assignment can be shortened, not extended.",
                           {"end_on": [N_("Add a new assignment to continue after %(day)s.",
                                          day=assignment.end_on.isoformat())]})
    assignment.end_on = last
    session.flush()
    record(session, actor, "assignment.ended", "participant", participant.id, assignment_id=str(assignment.id))
    return assignment


@dataclass(frozen=True)
class Package:
    on: date
    assignments: list[Assignment]
    hours: Decimal
    contract_hours: Decimal | None

    @property
    def fits(self) -> bool:
        return self.contract_hours is None or self.hours == self.contract_hours

    def per_day(self) -> dict[str, list[Assignment]]:
        return {day: [a for a in self.assignments if day in (a.days or [])] for day in WEEKDAYS}


def package(session: Session, participant: Participant, on: date) -> Package:
    own = [a for a in of(session, participant) if a.start_on <= on and (a.end_on is None or a.end_on >= on)]
    periods = timeline.periods(session, on, date.fromordinal(on.toordinal() + 1),
                               group=Group(participant_id=participant.id))
    in_force = terms_on(periods, on)
    contract = in_force.hours_per_week if in_force else None
    return Package(on, own, sum((a.hours_per_week for a in own), Decimal(0)), contract)
