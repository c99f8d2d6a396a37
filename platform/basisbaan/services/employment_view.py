"""Participants, contracts and absences as plain dicts for the API and the pages.

Job coaches see no sensitive fields: no BSN, date of birth, exit notes or performance report texts. Lists
load the contracts in force for a whole page in one statement (no query per row).
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from basisbaan.crypto import Secrets
from basisbaan.domain.employment import hourly_wage
from basisbaan.domain.national_parameters import MissingParameter
from basisbaan.models import Contract, ContractVersion, Participant
from basisbaan.services import absences as absence_service
from basisbaan.services import contracts as contract_service
from basisbaan.services.participants import status_on
from basisbaan.services.timeline import SettingsTimeline


def current_terms(session: Session, participant_ids: Iterable[uuid.UUID], on: date
                  ) -> dict[uuid.UUID, tuple[Contract, ContractVersion]]:
    """The contract and version in force on `on` for each participant: one statement."""
    ids = list(participant_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Contract, ContractVersion).join(ContractVersion, ContractVersion.contract_id == Contract.id)
        .where(Contract.participant_id.in_(ids), Contract.start_on <= on, ContractVersion.valid_from <= on,
               ContractVersion.superseded_at.is_(None))
        .order_by(Contract.start_on, ContractVersion.valid_from)).all()
    found: dict[uuid.UUID, tuple[Contract, ContractVersion]] = {}
    for contract, version in rows:
        if contract.last_day is None or contract.last_day >= on:
            found[contract.participant_id] = (contract, version)  # later rows win: the latest in force
    return found


def contract_summary(contract: Contract | None, version: ContractVersion | None) -> dict[str, Any] | None:
    if contract is None or version is None:
        return None
    return {"id": contract.id, "kind": contract.kind, "employer_id": contract.employer_id,
            "employer": contract.employer.name if contract.employer else None, "start_on": contract.start_on,
            "end_on": contract.end_on, "hours_per_week": version.hours_per_week, "cao": version.cao}


def participant(record: Participant, *, on: date, current: tuple[Contract, ContractVersion] | None,
                sensitive: bool, secrets: Secrets | None = None, dropout_reasons: Iterable[str] = ()) -> dict[str, Any]:
    """`sensitive`: municipal coaches see the date of birth and the exit notes; job coaches do not."""
    person = record.person
    view: dict[str, Any] = {
        "id": record.id, "person_id": record.person_id, "candidate_id": record.candidate_id,
        "given_names": person.given_names, "family_name": person.family_name,
        "neighbourhood_id": person.neighbourhood_id,
        "neighbourhood": person.neighbourhood.name if person.neighbourhood else None,
        "started_on": record.started_on, "status": status_on(record, on), "exit_on": record.exit_on,
        "exit_reason": record.exit_reason, "dropout": record.exit_reason in set(dropout_reasons),
        "coach_id": record.coach_id, "coach": record.coach.display_name if record.coach else None,
        "coaching_organisation_id": record.coaching_organisation_id,
        "coaching_organisation": record.coaching_organisation.name if record.coaching_organisation else None,
        "version": record.version,
        "current_contract": contract_summary(*(current or (None, None))),
    }
    if sensitive:
        view["date_of_birth"] = person.date_of_birth
        view["gender"] = person.gender
        view["exit_notes"] = (secrets.decrypt(record.exit_notes_encrypted)
                              if secrets and record.exit_notes_encrypted else None)
    return view


def contracts(session: Session, timeline: SettingsTimeline, record: Participant, *, sensitive: bool,
              secrets: Secrets | None, today: date) -> list[dict[str, Any]]:
    """Every contract of the participant with its versions (and the hourly wage each started with) and
    performance reports: three statements."""
    found = contract_service.contracts_of(session, record)
    ids = [c.id for c in found]
    versions = contract_service.versions_of(session, ids)
    reports = contract_service.reports_of(session, ids)
    result = []
    for contract in found:
        rows = []
        for version in versions[contract.id]:
            terms = timeline.terms(version.cao, version.valid_from)
            try:
                wage = hourly_wage(terms, version.valid_from, version.wage_scale, version.wage_step,
                                   version.guaranteed_hourly_wage) if terms else None
            except MissingParameter:
                wage = None
            rows.append({"id": version.id, "valid_from": version.valid_from, "hours_per_week": version.hours_per_week,
                         "cao": version.cao, "wage_scale": version.wage_scale, "wage_step": version.wage_step,
                         "guaranteed_hourly_wage": version.guaranteed_hourly_wage, "reason": version.reason,
                         "note": version.note, "hourly_wage": wage.amount if wage else None,
                         "wage_basis": wage.basis if wage else None,
                         "wage_provisional": wage.provisional if wage else None})
        result.append({
            "id": contract.id, "kind": contract.kind, "employer_id": contract.employer_id,
            "employer": contract.employer.name if contract.employer else None, "start_on": contract.start_on,
            "end_on": contract.end_on, "terminated_on": contract.terminated_on, "last_day": contract.last_day,
            "trial_period_months": contract.trial_period_months, "version": contract.version,
            "in_force": contract.start_on <= today and (contract.last_day is None or contract.last_day >= today),
            "versions": rows,
            "performance_reports": [{
                "id": r.id, "written_on": r.written_on, "author": r.author, "advice": r.advice,
                "summary": (secrets.decrypt(r.summary_encrypted) if sensitive and secrets and r.summary_encrypted
                            else None)} for r in reports[contract.id]],
        })
    return result


def absences(session: Session, record: Participant) -> list[dict[str, Any]]:
    """Absences with their episode's Gatekeeper schedule: two statements."""
    rows = absence_service.of(session, record)
    episodes = absence_service.participant_episodes(rows)
    done = absence_service.steps_done(session, [e.first_absence_id for e in episodes])
    episode_of = {aid: e for e in episodes for aid in e.absence_ids}
    result = []
    for absence in rows:
        episode = episode_of[absence.id]
        result.append({
            "id": absence.id, "start_on": absence.start_on, "end_on": absence.end_on,
            "percentage": absence.percentage, "version": absence.version,
            "episode_start": episode.first_day, "episode_absence_id": episode.first_absence_id,
            "gatekeeper": [{"step": s.step, "due_on": s.due_on, "done_on": s.done_on}
                           for s in absence_service.schedule(episode, done.get(episode.first_absence_id, {}))]
            if absence.id == episode.first_absence_id else [],
        })
    return result


# Below this many participants an absence rate could point at one person's health: roles that do not see
# participants get no figure for such a group.
MIN_GROUP = 5


def rate_view(result: absence_service.Rate, *, start: date, end: date, sees_participants: bool) -> dict[str, Any]:
    totals = result.totals
    suppressed = not sees_participants and result.participants < MIN_GROUP
    return {"from": start, "to": end, "participants": None if suppressed else result.participants,
            "contracted_hours": None if suppressed else totals.contracted_hours.quantize(Decimal("0.1")),
            "sick_hours": None if suppressed else totals.sick_hours.quantize(Decimal("0.1")),
            "absence_rate": None if suppressed or totals.rate is None else round(totals.rate, 4),
            "suppressed": suppressed}

