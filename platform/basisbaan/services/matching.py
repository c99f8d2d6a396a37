"""Suggestions of tasks for a participant or a started candidate, and of participants for a task.

Loads everything in a fixed number of statements (whatever the number of tasks or participants) and leaves
the scoring to basisbaan.domain.matching. Never assigns: the coach decides (services.assignments).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from basisbaan.crypto import Secrets
from basisbaan.domain import matching
from basisbaan.domain.employment import terms_on
from basisbaan.errors import InvalidInput
from basisbaan.models import Assignment, Candidate, DisplacementCheck, Participant, Person, Task
from basisbaan.services import timeline as timeline_service
from basisbaan.services import work_profiles
from basisbaan.services.participants import active_clause
from basisbaan.services.timeline import Group
from basisbaan.services.visibility import Viewer, scoped
from basisbaan.texts import N_

OPEN_STATUSES = ("approved", "active")


@dataclass(frozen=True)
class Suggestions:
    on: date
    person: matching.Person
    matches: list[matching.Match]
    total: int


def _area(row) -> str | None:
    """The area of a task's or person's neighbourhood (loaded with it)."""
    return row.neighbourhood.area if row.neighbourhood is not None else None


def _package_hours(session: Session, participant_ids: list[uuid.UUID], on: date,
                   exclude_task: uuid.UUID | None = None) -> dict[uuid.UUID, Decimal]:
    stmt = select(Assignment.participant_id, func.sum(Assignment.hours_per_week)).where(
        Assignment.participant_id.in_(participant_ids), Assignment.start_on <= on,
        or_(Assignment.end_on.is_(None), Assignment.end_on >= on)).group_by(Assignment.participant_id)
    return {pid: Decimal(hours) for pid, hours in session.execute(stmt)}


def _contract_hours(session: Session, on: date, group: Group, viewer: Viewer | None = None
                    ) -> dict[uuid.UUID, Decimal]:
    """Hours of the contract in force on `on`, per participant: one statement."""
    by_participant: dict[uuid.UUID, list] = {}
    for period in timeline_service.periods(session, on, on + timedelta(days=1), viewer, group):
        by_participant.setdefault(period.participant_id, []).append(period)
    found: dict[uuid.UUID, Decimal] = {}
    for participant_id, own in by_participant.items():
        terms = terms_on(own, on)
        if terms is not None:
            found[participant_id] = terms.hours_per_week
    return found


def _open_tasks(session: Session, on: date) -> list[Task]:
    """Tasks that may take participants on `on`: approved or active, latest displacement check passed and
    on or before `on`. One statement."""
    latest = (select(DisplacementCheck.task_id, func.max(DisplacementCheck.checked_on).label("day"))
              .group_by(DisplacementCheck.task_id).subquery())
    passed = select(DisplacementCheck.task_id).join(latest, and_(
        latest.c.task_id == DisplacementCheck.task_id, latest.c.day == DisplacementCheck.checked_on)).where(
        DisplacementCheck.verdict == "approved")
    first_pass = (select(func.min(DisplacementCheck.checked_on)).where(
        DisplacementCheck.task_id == Task.id, DisplacementCheck.verdict == "approved").scalar_subquery())
    stmt = select(Task).where(Task.status.in_(OPEN_STATUSES), Task.id.in_(passed), first_pass <= on)
    return list(session.scalars(stmt).unique())


def _taken(session: Session, on: date, task_id: uuid.UUID | None = None) -> dict[uuid.UUID, int]:
    stmt = select(Assignment.task_id, func.count()).where(
        Assignment.start_on <= on, or_(Assignment.end_on.is_(None), Assignment.end_on >= on))
    if task_id is not None:
        stmt = stmt.where(Assignment.task_id == task_id)
    return dict(session.execute(stmt.group_by(Assignment.task_id)).all())


def _facts(task: Task, taken: dict[uuid.UUID, int]) -> matching.TaskFacts:
    return matching.TaskFacts(task.id, task.title, task.category, task.neighbourhood_id, _area(task),
                              task.hours_per_week,
                              tuple(task.days or ()), task.physical_demand, tuple(task.demands or ()),
                              task.places - taken.get(task.id, 0))


def _person(secrets: Secrets, person: Person, profile, free_hours: Decimal | None) -> matching.Person:
    return matching.Person(
        neighbourhood_id=person.neighbourhood_id, area=_area(person),
        preferred_categories=tuple(profile.preferred_categories or ()) if profile else (),
        available_days=tuple(profile.available_days or ()) if profile else (),
        max_physical_demand=profile.max_physical_demand if profile else None,
        limitations=work_profiles.limitations(secrets, profile), free_hours=free_hours)


def _rank_tasks(session: Session, who: matching.Person, on: date, limit: int, exclude: set[uuid.UUID],
                include_blocked: bool) -> Suggestions:
    tasks = _open_tasks(session, on)
    taken = _taken(session, on)
    scored = [matching.score(who, _facts(task, taken), subject=task) for task in tasks if task.id not in exclude]
    ranked = matching.rank([m for m in scored if include_blocked or not m.blocked], title=lambda m: m.subject.title.lower())
    return Suggestions(on, who, ranked[:limit], len(ranked))


def for_participant(session: Session, secrets: Secrets, participant: Participant, on: date, *, limit: int = 20,
                    include_blocked: bool = False) -> Suggestions:
    """Open tasks for a participant, best first. Free hours: the contract's hours on `on` minus the running
    package; tasks already in the package are left out."""
    profile = work_profiles.of(session, [participant.person_id]).get(participant.person_id)
    contract = _contract_hours(session, on, Group(participant_id=participant.id)).get(participant.id)
    package = _package_hours(session, [participant.id], on).get(participant.id, Decimal(0))
    own = set(session.scalars(select(Assignment.task_id).where(
        Assignment.participant_id == participant.id, Assignment.start_on <= on,
        or_(Assignment.end_on.is_(None), Assignment.end_on >= on))))
    who = _person(secrets, participant.person, profile, None if contract is None else contract - package)
    return _rank_tasks(session, who, on, limit, own, include_blocked)


def for_candidate(session: Session, secrets: Secrets, candidate: Candidate, on: date, *, limit: int = 20,
                  include_blocked: bool = False) -> Suggestions:
    """Open tasks for a candidate, before the contract (during the intake, or decided to start): free hours
    are the hours the candidate is available. Not for candidates decided not to start."""
    if candidate.status == "not_started":
        raise InvalidInput("The candidate was decided not to start.",
                           {"candidate_id": [N_("The candidate was decided not to start.")]})
    profile = work_profiles.of(session, [candidate.person_id]).get(candidate.person_id)
    person = session.get(Person, candidate.person_id)
    hours = Decimal(candidate.available_hours) if candidate.available_hours is not None else None
    who = _person(secrets, person, profile, hours)
    return _rank_tasks(session, who, on, limit, set(), include_blocked)


@dataclass(frozen=True)
class TaskSuggestions:
    on: date
    task: Task
    free_places: int
    matches: list[matching.Match]  # subject: the Participant
    total: int


def for_task(session: Session, secrets: Secrets, task: Task, viewer: Viewer, on: date, *, limit: int = 20,
             include_blocked: bool = False) -> TaskSuggestions:
    """Participants (active on `on`, not yet on the task) for a task, best first."""
    facts = _facts(task, _taken(session, on, task.id))
    on_task = select(Assignment.participant_id).where(
        Assignment.task_id == task.id, Assignment.start_on <= on,
        or_(Assignment.end_on.is_(None), Assignment.end_on >= on))
    rows = list(session.scalars(scoped(select(Participant).where(active_clause(on), Participant.id.not_in(on_task)),
                                       viewer)).unique())
    ids = [p.id for p in rows]
    profiles = work_profiles.of(session, [p.person_id for p in rows])
    contracts = _contract_hours(session, on, Group(), viewer) if ids else {}
    packages = _package_hours(session, ids, on) if ids else {}
    scored = []
    for participant in rows:
        contract = contracts.get(participant.id)
        free = None if contract is None else contract - packages.get(participant.id, Decimal(0))
        who = _person(secrets, participant.person, profiles.get(participant.person_id), free)
        scored.append(matching.score(who, facts, subject=participant))
    ranked = matching.rank([m for m in scored if include_blocked or not m.blocked],
                           title=lambda m: f"{m.subject.person.family_name} {m.subject.person.given_names}".lower())
    return TaskSuggestions(on, task, facts.free_places, ranked[:limit], len(ranked))
