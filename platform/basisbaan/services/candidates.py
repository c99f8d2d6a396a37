"""Candidates: personal details, BSN (encrypted, keyed hash, masked), special data for coaches only."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Mapping

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from basisbaan.crypto import Secrets
from basisbaan.domain import bsn as bsn_rules
from basisbaan.errors import Conflict, InvalidInput, NotFound
from basisbaan.models import Candidate, CandidateStatusChange, Neighbourhood, Person, User, UserRole
from basisbaan.models.candidate import REFERRAL_SOURCES
from basisbaan.models.person import GENDERS, HOUSEHOLD_TYPES
from basisbaan.services.audit import Actor, record
from basisbaan.tenancy import current_tenant_id
from basisbaan.texts import N_

PERSON_FIELDS = ("given_names", "family_name", "date_of_birth", "gender", "household_type", "neighbourhood_id",
                 "email", "phone")
CANDIDATE_FIELDS = ("referral_source", "referral_date", "coach_id", "social_assistance_since",
                    "reintegration_track", "after_participation_job", "available_hours", "hours_agreed",
                    "preferred_work", "no_prospect_of_work", "has_debts", "debt_support")
# Free text with special personal data (health, limitations, support needs): encrypted at rest.
ENCRYPTED_FIELDS = ("health_notes", "limitations", "support_needs")
SPECIAL_FIELDS = ("has_debts", "debt_support") + ENCRYPTED_FIELDS


def bsn_digest(session: Session, secrets: Secrets, number: str) -> str:
    """The keyed look-up hash of a BSN, salted with the municipality: one person's rows in two
    municipalities cannot be linked through a database dump."""
    return secrets.keyed_hash(f"{current_tenant_id(session)}:{number}")


def get(session: Session, candidate_id: uuid.UUID) -> Candidate:
    found = session.scalars(select(Candidate).where(Candidate.id == candidate_id)).first()
    if found is None:
        raise NotFound("No such candidate.")
    return found


def list_query(*, status: str | None = None, neighbourhood_id: uuid.UUID | None = None,
               coach_id: uuid.UUID | None = None, search: str | None = None, secrets: Secrets | None = None,
               session: Session | None = None):
    """Candidates with their person, neighbourhood and coach in one statement; search by name or BSN."""
    stmt = select(Candidate).join(Candidate.person).order_by(func.lower(Person.family_name), Person.given_names,
                                                              Candidate.id)
    if status:
        stmt = stmt.where(Candidate.status == status)
    if neighbourhood_id:
        stmt = stmt.where(Person.neighbourhood_id == neighbourhood_id)
    if coach_id:
        stmt = stmt.where(Candidate.coach_id == coach_id)
    if search:
        try:
            number = bsn_rules.normalise(search)
        except bsn_rules.InvalidBsn:
            number = None
        if number and secrets is not None and session is not None:
            stmt = stmt.where(Person.bsn_hash == bsn_digest(session, secrets, number))
        else:
            needle = search.lower()
            full_name = func.lower(Person.given_names + " " + Person.family_name)
            stmt = stmt.where(or_(func.lower(Person.family_name).contains(needle, autoescape=True),
                                  func.lower(Person.given_names).contains(needle, autoescape=True),
                                  full_name.contains(needle, autoescape=True)))
    return stmt


def _check(session: Session, secrets: Secrets, data: Mapping[str, Any], today: date,
           person: Person | None = None) -> dict[str, Any]:
    """Domain rules on top of the schemas; returns extra values (BSN hash) or raises InvalidInput/Conflict."""
    errors: dict[str, list[str]] = {}
    extra: dict[str, Any] = {}
    if "bsn" in data and data["bsn"] not in (None, ""):
        try:
            number = bsn_rules.normalise(str(data["bsn"]))
        except bsn_rules.InvalidBsn as exc:
            errors["bsn"] = [str(exc)]  # marked for translation in domain/bsn.py
        else:
            digest = bsn_digest(session, secrets, number)
            other = session.scalars(select(Person).where(Person.bsn_hash == digest)).first()
            if other is not None and (person is None or other.id != person.id):
                holder = session.scalars(select(Candidate.id).where(Candidate.person_id == other.id)).first()
                raise Conflict("A candidate with this BSN exists in this municipality.",
                               {"bsn": [N_("Already registered for another candidate.")],
                                "existing_candidate_id": [str(holder or other.id)]})
            extra.update(bsn_encrypted=secrets.encrypt(number), bsn_hash=digest, bsn_last3=number[-3:])
    born = data.get("date_of_birth")
    if born is not None and born > today:
        errors["date_of_birth"] = [N_("Cannot be in the future.")]
    for name in ("referral_date", "social_assistance_since"):
        value = data.get(name)
        if value is not None and value > today:
            errors[name] = [N_("Cannot be in the future.")]
    if data.get("gender") is not None and data["gender"] not in GENDERS:
        errors["gender"] = [N_("Unknown value.")]
    if data.get("household_type") is not None and data["household_type"] not in HOUSEHOLD_TYPES:
        errors["household_type"] = [N_("Unknown value.")]
    if data.get("referral_source") is not None and data["referral_source"] not in REFERRAL_SOURCES:
        errors["referral_source"] = [N_("Unknown value.")]
    hours = data.get("available_hours")
    if hours is not None and not 0 <= hours <= 60:
        errors["available_hours"] = [N_("Between 0 and 60.")]
    if data.get("neighbourhood_id") is not None:
        found = session.scalars(select(Neighbourhood.id).where(Neighbourhood.id == data["neighbourhood_id"])).first()
        if found is None:
            errors["neighbourhood_id"] = [N_("No such neighbourhood.")]
    if data.get("coach_id") is not None:
        coach = session.scalars(select(User.id).join(User.role_rows).where(
            User.id == data["coach_id"], UserRole.role == "coach", User.is_active)).first()
        if coach is None:
            errors["coach_id"] = [N_("No such coach.")]
    if errors:
        raise InvalidInput("The candidate has invalid fields.", errors)
    return extra


def create(session: Session, secrets: Secrets, data: Mapping[str, Any], actor: Actor, today: date) -> Candidate:
    extra = _check(session, secrets, data, today)
    person = Person(**{k: data.get(k) for k in PERSON_FIELDS if data.get(k) is not None}, **extra)
    session.add(person)
    try:
        session.flush()
    except IntegrityError as exc:
        # Two coaches registering the same BSN at the same moment: the unique (tenant, hash) decides.
        session.rollback()
        raise Conflict("A candidate with this BSN exists in this municipality.",
                       {"bsn": [N_("Already registered for another candidate.")]}) from exc
    candidate = Candidate(person_id=person.id, status="referred", status_since=data["referral_date"],
                          **{k: data[k] for k in CANDIDATE_FIELDS if data.get(k) is not None})
    _set_encrypted(candidate, secrets, data)
    session.add(candidate)
    session.flush()
    session.add(CandidateStatusChange(candidate_id=candidate.id, status="referred",
                                      changed_on=data["referral_date"], created_by=actor.label))
    record(session, actor, "candidate.created", "candidate", candidate.id,
           fields=sorted(k for k in data if data.get(k) not in (None, "", [])))
    session.flush()
    session.refresh(candidate)
    return candidate


def update(session: Session, secrets: Secrets, candidate: Candidate, data: Mapping[str, Any], actor: Actor,
           today: date) -> Candidate:
    person = candidate.person
    # Only the fields sent are checked: a stored value that no longer passes (a coach since deactivated)
    # must not block changing something else.
    extra = _check(session, secrets, data, today, person=person)
    changed = []
    person_row = session.get(Person, person.id)
    for key in PERSON_FIELDS:
        if key in data and getattr(person_row, key) != data[key]:
            setattr(person_row, key, data[key])
            changed.append(key)
    for key, value in extra.items():
        setattr(person_row, key, value)
    if extra:
        changed.append("bsn")
    for key in CANDIDATE_FIELDS:
        if key in data and getattr(candidate, key) != data[key]:
            setattr(candidate, key, data[key])
            changed.append(key)
    changed += _set_encrypted(candidate, secrets, data)
    session.flush()
    if changed:
        record(session, actor, "candidate.updated", "candidate", candidate.id, fields=sorted(set(changed)))
    session.refresh(candidate)
    return candidate


def _set_encrypted(candidate: Candidate, secrets: Secrets, data: Mapping[str, Any]) -> list[str]:
    changed = []
    for name in ENCRYPTED_FIELDS:
        if name in data:
            value = (data[name] or "").strip()
            setattr(candidate, f"{name}_encrypted", secrets.encrypt(value) if value else None)
            changed.append(name)
    return changed


def special_data(candidate: Candidate, secrets: Secrets) -> dict[str, Any]:
    """Debts, health, limitations and support needs: for coaches only (the caller checks the role)."""
    values: dict[str, Any] = {"has_debts": candidate.has_debts, "debt_support": candidate.debt_support}
    for name in ENCRYPTED_FIELDS:
        stored = getattr(candidate, f"{name}_encrypted")
        values[name] = secrets.decrypt(stored) if stored else None
    return values


def masked_bsn(candidate: Candidate) -> str | None:
    last3 = candidate.person.bsn_last3
    return bsn_rules.mask("000000" + last3) if last3 else None


def reveal_bsn(session: Session, secrets: Secrets, candidate: Candidate, actor: Actor) -> str | None:
    """The full BSN; every reveal is written to the audit log."""
    stored = candidate.person.bsn_encrypted
    record(session, actor, "candidate.bsn_revealed", "candidate", candidate.id)
    return secrets.decrypt(stored) if stored else None


def record_view(session: Session, candidate: Candidate, actor: Actor) -> None:
    record(session, actor, "candidate.viewed", "candidate", candidate.id)


def coaches_query():
    return (select(User).join(User.role_rows).where(UserRole.role == "coach", User.is_active)
            .order_by(User.display_name))

