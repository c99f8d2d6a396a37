"""The coach's work list: what needs doing about employment, soonest first.

- contract_ending: a temporary contract ends within the notice weeks (or has ended) with no next contract;
- performance_report_due: a temporary contract nears its end without a performance report;
- permanent_moment: the participant reaches the years after which a permanent contract is considered;
- gatekeeper: a step of the Gatekeeper Act is due within the notice weeks (or overdue) in an ongoing sickness.

Five statements whatever the number of participants; the municipality's settings give the windows.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from basisbaan.models import Absence, Contract, Participant, PerformanceReport
from basisbaan.services import absences as absence_service
from basisbaan.services.participants import active_clause
from basisbaan.services.timeline import SettingsTimeline
from basisbaan.services.visibility import Viewer, scoped

KINDS = ("contract_ending", "performance_report_due", "permanent_moment", "gatekeeper")


@dataclass(frozen=True)
class Item:
    kind: str
    due_on: date
    participant_id: uuid.UUID
    participant_name: str
    contract_id: uuid.UUID | None = None
    absence_id: uuid.UUID | None = None
    step: str | None = None

    def overdue(self, today: date) -> bool:
        return self.due_on < today


def _anniversary(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return date(start.year + years, 3, 1)


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
    if not participants:
        return []
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
    found: list[Item] = []

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
            moment = _anniversary(participant.started_on, years)
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
    found.sort(key=lambda item: (item.due_on, item.participant_name, item.kind))
    return found
