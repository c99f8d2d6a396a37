"""Demo tasks with yearly displacement checks, and each participant's task package following their
contract hours (so no package is flagged unless the data says so). Deterministic; rows written with the
ORM after the employment history (services.demo_employment)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from basisbaan.domain.dates import add_years
from basisbaan.domain.municipality import DemoTask
from basisbaan.models import (Assignment, Contract, ContractVersion, DisplacementCheck, Neighbourhood, Organisation,
                              Participant, Person, Task)
from basisbaan.models.work import WEEKDAYS

# Yearly re-checks are recorded up to here, so the demo is the same whenever it runs.
LAST_CHECK_BY = date(2026, 2, 28)
DAY = timedelta(days=1)


def _yearly(first: date):
    day = first
    while day <= LAST_CHECK_BY:
        yield day
        day = add_years(day, 1)


def generate(session: Session, tasks: tuple[DemoTask, ...]) -> int:
    """Write the tasks and the packages unless the municipality has tasks already; returns how many tasks."""
    if not tasks or session.scalar(select(func.count()).select_from(Task)):
        return 0
    hoods = {n.name: n.id for n in session.scalars(select(Neighbourhood))}
    hosts = {o.name: o.id for o in session.scalars(select(Organisation).where(Organisation.is_host))}
    made: list[tuple[Task, DemoTask]] = []
    for spec in tasks:
        task = Task(title=spec.title, category=spec.category, neighbourhood_id=hoods.get(spec.neighbourhood),
                    host_organisation_id=hosts.get(spec.host), hours_per_week=spec.hours_per_week,
                    host_contribution_per_year=spec.host_contribution_per_year,
                    days=["mon", "tue", "wed", "thu"], places=spec.places, physical_demand=spec.physical_demand,
                    demands=list(spec.demands), source=spec.source, status="active")
        session.add(task)
        session.flush()
        for checked_on in _yearly(spec.first_check):
            session.add(DisplacementCheck(
                task_id=task.id, checked_on=checked_on, done_by_paid_staff=False, host_would_hire=False,
                done_by_volunteers=False, is_additional=True, verdict="approved", checked_by="demo",
                reasons="Aanvullend werk: niet door betaalde krachten of vrijwilligers gedaan (demo)."))
        made.append((task, spec))
    _packages(session, made)
    session.flush()
    return len(made)


def _pieces(contracts: list[Contract], versions: dict, exit_on: date | None) -> list[tuple[date, date | None, object]]:
    """(first day, last day or None, hours) stretches of constant contract hours, merged across renewals."""
    pieces: list[list] = []
    for contract in sorted(contracts, key=lambda c: c.start_on):
        own = sorted(versions.get(contract.id, []), key=lambda v: v.valid_from)
        for index, version in enumerate(own):
            start = max(version.valid_from, contract.start_on)
            last = own[index + 1].valid_from - DAY if index + 1 < len(own) else contract.last_day
            if exit_on is not None and (last is None or last > exit_on):
                last = exit_on
            if pieces and pieces[-1][2] == version.hours_per_week and pieces[-1][1] is not None \
                    and pieces[-1][1] + DAY == start:
                pieces[-1][1] = last
            else:
                pieces.append([start, last, version.hours_per_week])
    return [tuple(p) for p in pieces]


def _packages(session: Session, made: list[tuple[Task, DemoTask]]) -> None:
    participants = list(session.scalars(select(Participant).order_by(Participant.started_on, Participant.id)))
    contracts: dict = {}
    for contract in session.scalars(select(Contract)):
        contracts.setdefault(contract.participant_id, []).append(contract)
    versions: dict = {}
    for version in session.scalars(select(ContractVersion).where(ContractVersion.superseded_at.is_(None))):
        versions.setdefault(version.contract_id, []).append(version)
    homes = dict(session.execute(select(Person.id, Person.neighbourhood_id)).all())
    taken = {task.id: 0 for task, _ in made}
    for participant in participants:
        checked = [(task, spec) for task, spec in made if spec.first_check <= participant.started_on
                   and taken[task.id] < task.places]
        if not checked:
            continue
        near = [pair for pair in checked if pair[0].neighbourhood_id == homes.get(participant.person_id)]
        task = (near or checked)[0][0]
        taken[task.id] += 1
        for first, last, hours in _pieces(contracts.get(participant.id, []), versions, participant.exit_on):
            session.add(Assignment(participant_id=participant.id, task_id=task.id, hours_per_week=hours,
                                   days=list(WEEKDAYS[:4]) if hours >= 28 else list(WEEKDAYS[:3]),
                                   start_on=first, end_on=last, created_by="demo"))
