"""Participants: starting employment (from a started candidate, one person, one history), the list with
filters, coach assignment and the exit."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Mapping

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from basisbaan.crypto import Secrets
from basisbaan.domain.dates import out_of_range
from basisbaan.errors import Conflict, InvalidInput, NotFound
from basisbaan.models import (Absence, Candidate, Contract, ContractVersion, Organisation, Participant, Person, User,
                              UserRole)
from basisbaan.models.employment import CONTRACT_KINDS, EXIT_REASONS
from basisbaan.services import contracts as contract_service
from basisbaan.services import locking
from basisbaan.services.audit import Actor, record
from basisbaan.services.timeline import SettingsTimeline
from basisbaan.services.visibility import Viewer, can_see, scoped
from basisbaan.texts import N_

STATUSES = ("active", "exited", "starting")


def get(session: Session, participant_id: uuid.UUID, viewer: Viewer) -> Participant:
    found = session.scalars(select(Participant).where(Participant.id == participant_id)).first()
    if found is None or not can_see(viewer, found):
        raise NotFound("No such participant.")
    return found


def status_on(participant: Participant, on: date) -> str:
    if participant.started_on > on:
        return "starting"
    if participant.exit_on is not None and participant.exit_on < on:
        return "exited"
    return "active"


def active_clause(on: date):
    return and_(Participant.started_on <= on, or_(Participant.exit_on.is_(None), Participant.exit_on >= on))


def _contract_in_force(on: date, *conditions):
    """EXISTS a contract of the participant in force on `on` meeting `conditions` (on Contract or on its
    version in force that day, aliased `v`)."""
    later = aliased(ContractVersion)
    v = aliased(ContractVersion, name="v")
    stmt = (select(Contract.id).join(v, v.contract_id == Contract.id)
            .where(Contract.participant_id == Participant.id, Contract.start_on <= on,
                   or_(Contract.end_on.is_(None), Contract.end_on >= on),
                   or_(Contract.terminated_on.is_(None), Contract.terminated_on >= on),
                   v.valid_from <= on, v.superseded_at.is_(None),
                   ~exists(select(later.id).where(later.contract_id == Contract.id, later.valid_from > v.valid_from,
                                                  later.valid_from <= on, later.superseded_at.is_(None)))))
    return exists(stmt.where(*(c(v) if callable(c) else c for c in conditions)))


def list_query(viewer: Viewer, *, on: date, status: str | None = None, neighbourhood_id=None, coach_id=None,
               employer_id=None, cao: str | None = None, contract_kind: str | None = None,
               coaching_organisation_id=None, search: str | None = None):
    """Participants the viewer may see, with person, coach and organisation in the same statement. Employer,
    CAO and contract type filter on the contract in force on `on`."""
    stmt = select(Participant).join(Participant.person).order_by(func.lower(Person.family_name),
                                                                  Person.given_names, Participant.started_on)
    stmt = scoped(stmt, viewer)
    if status == "active":
        stmt = stmt.where(active_clause(on))
    elif status == "exited":
        stmt = stmt.where(Participant.exit_on < on)
    elif status == "starting":
        stmt = stmt.where(Participant.started_on > on)
    if neighbourhood_id:
        stmt = stmt.where(Person.neighbourhood_id == neighbourhood_id)
    if coach_id:
        stmt = stmt.where(Participant.coach_id == coach_id)
    if coaching_organisation_id:
        stmt = stmt.where(Participant.coaching_organisation_id == coaching_organisation_id)
    if employer_id:
        stmt = stmt.where(_contract_in_force(on, Contract.employer_id == employer_id))
    if cao:
        stmt = stmt.where(_contract_in_force(on, lambda v: v.cao == cao))
    if contract_kind:
        stmt = stmt.where(_contract_in_force(on, Contract.kind == contract_kind))
    if search:
        needle = search.lower()
        full_name = func.lower(Person.given_names + " " + Person.family_name)
        stmt = stmt.where(full_name.contains(needle, autoescape=True))
    return stmt


def _check_people(session: Session, data: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.get("coach_id") is not None:
        coach = session.scalars(select(User.id).join(User.role_rows).where(
            User.id == data["coach_id"], UserRole.role == "coach", User.is_active)).first()
        if coach is None:
            errors["coach_id"] = [N_("No such coach.")]
    if data.get("coaching_organisation_id") is not None:
        organisation = session.scalars(select(Organisation.id).where(
            Organisation.id == data["coaching_organisation_id"], Organisation.is_coaching)).first()
        if organisation is None:
            errors["coaching_organisation_id"] = [N_("Choose one of the coaching organisations.")]
    return errors


def start(session: Session, secrets: Secrets, timeline: SettingsTimeline, data: Mapping[str, Any], actor: Actor,
          today: date) -> Participant:
    """Start employment for a candidate who was decided to start: the participant and the first contract,
    together or not at all."""
    errors = _check_people(session, data)
    candidate = session.scalars(select(Candidate).where(Candidate.id == data.get("candidate_id"))).first() \
        if data.get("candidate_id") else None
    started_on = data.get("started_on")
    if started_on is None:
        errors["started_on"] = [N_("Required.")]
    elif out_of_range(started_on):
        errors["started_on"] = [N_("Between 1900 and 2100.")]
    if candidate is None:
        errors["candidate_id"] = [N_("No such candidate.")]
    elif candidate.status != "started":
        errors["candidate_id"] = [N_("Only a candidate decided to start can start employment.")]
    elif started_on is not None and "started_on" not in errors and started_on < candidate.status_since:
        errors["started_on"] = [N_("Cannot be before the decision to start (%(day)s).",
                                   day=candidate.status_since.isoformat())]
    if errors:
        raise InvalidInput("The start has invalid fields.", errors)
    previous = session.scalars(select(Participant).where(Participant.person_id == candidate.person_id)
                               .order_by(Participant.started_on.desc())).first()
    if previous is not None and previous.exit_on is None:
        raise Conflict("This person is a participant already.",
                       {"candidate_id": [N_("Already a participant.")],
                        "existing_participant_id": [str(previous.id)]})
    if previous is not None and started_on <= previous.exit_on:
        raise InvalidInput("A new start must follow the previous exit.",
                           {"started_on": [N_("Must be after the previous exit (%(day)s).",
                                              day=previous.exit_on.isoformat())]})
    participant = Participant(person_id=candidate.person_id, candidate_id=candidate.id, started_on=started_on,
                              coach_id=data.get("coach_id") or candidate.coach_id,
                              coaching_organisation_id=data.get("coaching_organisation_id"))
    session.add(participant)
    try:
        session.flush()
    except IntegrityError as exc:  # two coaches starting the same person at once
        session.rollback()
        raise Conflict("This person is a participant already.", {"candidate_id": [N_("Already a participant.")]}) from exc
    contract = dict(data.get("contract") or {})
    if contract.get("start_on") is None:
        contract["start_on"] = started_on
    try:
        contract_service.add(session, secrets, timeline, participant, contract, actor, today)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, {f"contract.{k}": v for k, v in exc.errors.items()}) from exc
    record(session, actor, "participant.started", "participant", participant.id, candidate_id=str(candidate.id),
           started_on=started_on.isoformat())
    return participant


def update(session: Session, participant: Participant, data: Mapping[str, Any], actor: Actor) -> Participant:
    """Change the municipal coach or the coaching organisation."""
    errors = _check_people(session, data)
    if errors:
        raise InvalidInput("The participant has invalid fields.", errors)
    changed = [key for key in ("coach_id", "coaching_organisation_id")
               if key in data and getattr(participant, key) != data[key]]
    if not changed:
        locking.check(participant, data.get("version"))
        return participant
    locking.claim(session, Participant, participant, data.get("version"))
    for key in changed:
        setattr(participant, key, data[key])
    session.flush()
    record(session, actor, "participant.updated", "participant", participant.id, fields=changed)
    session.refresh(participant)
    return participant


def exit_(session: Session, secrets: Secrets, participant: Participant, data: Mapping[str, Any], actor: Actor,
          today: date) -> Participant:
    """Record the exit (last day and reason), ending the running contract on that day."""
    locking.lock(session, Participant, participant.id)
    errors: dict[str, list[str]] = {}
    last_day, reason = data.get("date"), data.get("reason")
    if last_day is None:
        errors["date"] = [N_("Required.")]
    elif out_of_range(last_day):
        errors["date"] = [N_("Between 1900 and 2100.")]
    elif last_day < participant.started_on:
        errors["date"] = [N_("Cannot be before the start (%(day)s).", day=participant.started_on.isoformat())]
    if reason not in EXIT_REASONS:
        errors["reason"] = [N_("Choose one of the exit reasons.")]
    if errors:
        raise InvalidInput("The exit has invalid fields.", errors)
    if participant.exit_on is not None:
        raise Conflict("This participant has left already.", {"date": [N_("An exit is recorded already.")]})
    contracts = contract_service.contracts_of(session, participant)
    later = [c for c in contracts if c.start_on > last_day]
    if later:
        raise InvalidInput("A contract starts after this date.",
                           {"date": [N_("A contract starts after this date (%(day)s).", day=later[0].start_on.isoformat())]})
    sick = list(session.scalars(select(Absence).where(Absence.participant_id == participant.id)))
    after = [a for a in sick if a.start_on > last_day]
    if after:
        raise InvalidInput("An absence starts after this date.",
                           {"date": [N_("An absence starts after this date (%(day)s).", day=after[0].start_on.isoformat())]})
    locking.claim(session, Participant, participant, data.get("version"))
    contract_service.terminate(contracts, last_day)
    for absence in sick:  # sickness ends with the employment
        if absence.end_on is None or absence.end_on > last_day:
            absence.end_on = last_day
    participant.exit_on = last_day
    participant.exit_reason = reason
    notes = (data.get("notes") or "").strip()
    participant.exit_notes_encrypted = secrets.encrypt(notes) if notes else None
    session.flush()
    record(session, actor, "participant.exited", "participant", participant.id, reason=reason,
           date=last_day.isoformat())
    session.refresh(participant)
    return participant


def is_dropout(reason: str | None, settings: Mapping[str, Any]) -> bool:
    return reason is not None and reason in settings["dropout_reasons"]


def record_view(session: Session, participant: Participant, actor: Actor) -> None:
    record(session, actor, "participant.viewed", "participant", participant.id)


def occupied_places(session: Session, on: date) -> int:
    """Places taken on `on`: participants who have not left by then (also those whose employment starts
    later) plus candidates decided to start who have no participation yet (their place is promised)."""
    active = session.scalar(select(func.count()).select_from(Participant).where(
        or_(Participant.exit_on.is_(None), Participant.exit_on >= on))) or 0
    waiting = session.scalar(select(func.count()).select_from(Candidate).where(
        Candidate.status == "started", ~exists(select(Participant.id).where(Participant.candidate_id == Candidate.id))))
    return active + (waiting or 0)


__all__ = ["CONTRACT_KINDS", "STATUSES", "active_clause", "exit_", "get", "list_query", "occupied_places",
           "start", "status_on", "update"]
