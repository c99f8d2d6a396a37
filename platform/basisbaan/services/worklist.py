"""The coach's work list: what needs doing about employment, soonest first.

- contract_ending: a temporary contract ends within the notice weeks (or has ended) with no next contract;
- performance_report_due: a temporary contract nears its end without a performance report;
- permanent_moment: the participant reaches the years after which a permanent contract is considered;
- gatekeeper: a step of the Gatekeeper Act is due within the notice weeks (or overdue) in an ongoing sickness;
- package_mismatch: the hours of a participant's running task package differ from the contract's hours;
- displacement_recheck: a task's yearly displacement check is due (for those who see every participant);
- wellbeing_due: a participant's (first or next) wellbeing measurement is due (municipal coaches only).

A fixed number of statements whatever the number of participants; the settings give the windows.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from basisbaan.domain.dates import add_years
from basisbaan.auth.permissions import allowed
from basisbaan.models import Absence, Assignment, Contract, Participant, PerformanceReport, Task
from basisbaan.services import absences as absence_service
from basisbaan.services import contracts as contract_service
from basisbaan.services import tasks as task_service
from basisbaan.services import wellbeing as wellbeing_service
from basisbaan.services.participants import active_clause
from basisbaan.services.timeline import SettingsTimeline
from basisbaan.services.visibility import Viewer, scoped

KINDS = ("contract_ending", "performance_report_due", "permanent_moment", "gatekeeper", "package_mismatch",
         "displacement_recheck", "wellbeing_due")


@dataclass(frozen=True)
class Item:
    kind: str
    due_on: date
    participant_id: uuid.UUID | None = None
    participant_name: str | None = None
    contract_id: uuid.UUID | None = None
    absence_id: uuid.UUID | None = None
    step: str | None = None
    task_id: uuid.UUID | None = None
    task_title: str | None = None

    def overdue(self, today: date) -> bool:
        return self.due_on < today


def items(session: Session, timeline: SettingsTimeline, viewer: Viewer, today: date, *,
          coach_id: uuid.UUID | None = None, participant_id: uuid.UUID | None = None) -> list[Item]:
    settings = timeline.on(today)
    notice = timedelta(weeks=settings["contract_end_notice_weeks"])
    report_window = timedelta(weeks=settings["performance_report_weeks"])
    stmt = scoped(select(Participant).where(active_clause(today)), viewer)
    if coach_id:
        stmt = stmt.where(Participant.coach_id == coach_id)
    if participant_id:
        stmt = stmt.where(Participant.id == participant_id)
    participants = {p.id: p for p in session.scalars(stmt)}
    found: list[Item] = []
    if viewer.sees_all and participant_id is None:
        found += _rechecks(session, today, notice)
    if not participants:
        return sorted(found, key=_order)
    ids = list(participants)
    contracts: dict[uuid.UUID, list[Contract]] = {}
    for contract in session.scalars(select(Contract).where(Contract.participant_id.in_(ids)).order_by(Contract.start_on)):
        contracts.setdefault(contract.participant_id, []).append(contract)
    reported = set(session.scalars(select(PerformanceReport.contract_id).where(
        PerformanceReport.contract_id.in_([c.id for cs in contracts.values() for c in cs]))))
    sick: dict[uuid.UUID, list[Absence]] = {}
    for absence in session.scalars(select(Absence).where(Absence.participant_id.in_(ids))):
        sick.setdefault(absence.participant_id, []).append(absence)
    done = absence_service.steps_done(session, [a.id for spells in sick.values() for a in spells])
    packages = _package_hours(session, ids, today)
    in_force = _hours_in_force(session, contracts, packages, today)
    measurements = wellbeing_service.due_dates(session, timeline, list(participants.values()), today) \
        if allowed(viewer.roles, "wellbeing.read") else {}

    def name(p: Participant) -> str:
        return f"{p.person.given_names} {p.person.family_name}"

    for pid, participant in participants.items():
        own = contracts.get(pid, [])
        latest = own[-1] if own else None
        if latest is not None and latest.kind == "temporary" and latest.terminated_on is None:
            if latest.end_on <= today + notice:
                found.append(Item("contract_ending", latest.end_on, pid, name(participant), contract_id=latest.id))
            if latest.id not in reported and latest.end_on <= today + report_window:
                found.append(Item("performance_report_due", latest.end_on - notice, pid, name(participant),
                                  contract_id=latest.id))
        years = settings["permanent_after_years"]
        if years and latest is not None and latest.kind == "temporary":
            moment = add_years(participant.started_on, years)
            if moment <= today + notice:
                found.append(Item("permanent_moment", moment, pid, name(participant), contract_id=latest.id))
        spells = sick.get(pid, [])
        if spells:
            for episode in absence_service.participant_episodes(spells):
                if episode.last_day is not None and episode.last_day < today:
                    continue  # recovered: no more steps
                for status in absence_service.schedule(episode, done.get(episode.first_absence_id, {})):
                    if status.done_on is None and status.due_on <= today + notice:
                        found.append(Item("gatekeeper", status.due_on, pid, name(participant),
                                          absence_id=episode.first_absence_id, step=status.step))
        if pid in packages and pid in in_force and packages[pid] != in_force[pid][1]:
            found.append(Item("package_mismatch", today, pid, name(participant), contract_id=in_force[pid][0]))
        if pid in measurements and measurements[pid] <= today + notice:
            found.append(Item("wellbeing_due", measurements[pid], pid, name(participant)))
    return sorted(found, key=_order)


def _order(item: Item):
    return (item.due_on, item.participant_name or "", item.task_title or "", item.kind)


def _package_hours(session: Session, ids: list[uuid.UUID], today: date) -> dict[uuid.UUID, Decimal]:
    """Hours of the running task package of each participant that has one: one statement."""
    hours: dict[uuid.UUID, Decimal] = {}
    for row in session.execute(select(Assignment.participant_id, Assignment.hours_per_week).where(
            Assignment.participant_id.in_(ids), Assignment.start_on <= today,
            or_(Assignment.end_on.is_(None), Assignment.end_on >= today))):
        hours[row.participant_id] = hours.get(row.participant_id, Decimal(0)) + row.hours_per_week
    return hours


def _hours_in_force(session: Session, contracts: dict[uuid.UUID, list[Contract]], packages: dict, today: date
                    ) -> dict[uuid.UUID, tuple[uuid.UUID, Decimal]]:
    """(contract id, hours) in force today for the participants with a package: at most one statement."""
    running = {c.id: pid for pid, own in contracts.items() if pid in packages for c in own
               if c.start_on <= today and (c.last_day is None or c.last_day >= today)}
    found: dict[uuid.UUID, tuple[uuid.UUID, Decimal]] = {}
    for contract_id, versions in contract_service.versions_of(session, list(running)).items():
        current = [v for v in versions if v.valid_from <= today]
        if current:
            found[running[contract_id]] = (contract_id, current[-1].hours_per_week)
    return found


def _rechecks(session: Session, today: date, notice: timedelta) -> list[Item]:
    """Tasks in use whose last (passed) displacement check is a year old, or nearly: two statements."""
    tasks = {t.id: t for t in session.scalars(select(Task).where(Task.status.in_(("approved", "active"))))}
    latest = task_service.latest_checks(session, list(tasks))
    found = []
    for task_id, task in tasks.items():
        due = task_service.recheck_due(latest.get(task_id))
        if due is not None and due <= today + notice:
            found.append(Item("displacement_recheck", due, task_id=task_id, task_title=task.title))
    return found
