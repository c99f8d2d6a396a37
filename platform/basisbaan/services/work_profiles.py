"""A person's work profile for matching: preferred kinds of work, available days, the heaviest physical
work they can do and their limitations (health-derived: encrypted, municipal coaches only)."""

from __future__ import annotations

import json
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from basisbaan.crypto import Secrets
from basisbaan.errors import InvalidInput
from basisbaan.models import Person, WorkProfile
from basisbaan.models.work import DEMANDS, PHYSICAL_DEMANDS, TASK_CATEGORIES, WEEKDAYS
from basisbaan.services import locking
from basisbaan.services.audit import Actor, record
from basisbaan.texts import N_

FIELDS = ("preferred_categories", "available_days", "max_physical_demand", "limitations")


def of(session: Session, person_ids) -> dict:
    """The profiles of these people: one statement."""
    ids = list(person_ids)
    if not ids:
        return {}
    return {p.person_id: p for p in session.scalars(select(WorkProfile).where(WorkProfile.person_id.in_(ids)))}


def limitations(secrets: Secrets, profile: WorkProfile | None) -> tuple[str, ...]:
    if profile is None or not profile.limitations_encrypted:
        return ()
    return tuple(json.loads(secrets.decrypt(profile.limitations_encrypted)))


def view(secrets: Secrets, profile: WorkProfile | None, *, sensitive: bool) -> dict[str, Any]:
    """The profile as shown; limitations only to those who may see health-derived data."""
    if profile is None:
        return {"preferred_categories": [], "available_days": [], "max_physical_demand": None,
                "limitations": [] if sensitive else None, "version": None}
    return {"preferred_categories": list(profile.preferred_categories or []),
            "available_days": list(profile.available_days or []),
            "max_physical_demand": profile.max_physical_demand,
            "limitations": list(limitations(secrets, profile)) if sensitive else None,
            "version": profile.version}


def _unique_within(errors: dict, data: Mapping[str, Any], name: str, allowed: tuple[str, ...], message) -> None:
    values = data.get(name)
    if values is None:
        return
    if any(v not in allowed for v in values) or len(set(values)) != len(values):
        errors[name] = [message]


def save(session: Session, secrets: Secrets, person: Person, data: Mapping[str, Any], actor: Actor) -> WorkProfile:
    """Create or change the profile (`version`: the version read; none for a new profile)."""
    errors: dict[str, list[str]] = {}
    _unique_within(errors, data, "preferred_categories", TASK_CATEGORIES, N_("Unknown value."))
    _unique_within(errors, data, "available_days", WEEKDAYS, N_("Weekdays (mon-sun), each once."))
    _unique_within(errors, data, "limitations", DEMANDS, N_("Unknown value."))
    if data.get("max_physical_demand") is not None and data["max_physical_demand"] not in PHYSICAL_DEMANDS:
        errors["max_physical_demand"] = [N_("Unknown value.")]
    if errors:
        raise InvalidInput("The work profile has invalid fields.", errors)
    locking.lock(session, Person, person.id)  # one profile per person, also under concurrent first saves
    profile = session.scalars(select(WorkProfile).where(WorkProfile.person_id == person.id)).first()
    if profile is None:
        profile = WorkProfile(person_id=person.id, preferred_categories=[], available_days=[])
        session.add(profile)
    elif data.get("version") is None:
        raise InvalidInput("Send the version of the profile you read.",
                           {"version": [N_("Required when changing an existing profile.")]})
    else:
        locking.claim(session, WorkProfile, profile, data["version"])
    for name in ("preferred_categories", "available_days"):
        if name in data and data[name] is not None:
            setattr(profile, name, list(data[name]))
    if "max_physical_demand" in data:
        profile.max_physical_demand = data["max_physical_demand"]
    if "limitations" in data and data["limitations"] is not None:
        profile.limitations_encrypted = secrets.encrypt(json.dumps(sorted(data["limitations"]))) \
            if data["limitations"] else None
    profile.updated_by = actor.label
    session.flush()
    record(session, actor, "work_profile.saved", "person", person.id,
           fields=sorted(k for k in FIELDS if k in data))
    session.refresh(profile)
    return profile
