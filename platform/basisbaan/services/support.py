"""Support records of a participant: debt assistance (municipal credit bank or debt counselling; special
personal data, municipal coaches only) and training with dates and certificates."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any, Mapping

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from basisbaan.crypto import Secrets
from basisbaan.domain.dates import out_of_range
from basisbaan.errors import InvalidInput, NotFound
from basisbaan.models import DebtSupport, Participant, Training
from basisbaan.models.support import DEBT_SUPPORT_KINDS, DEBT_SUPPORT_STATUSES, TRAINING_KINDS
from basisbaan.services import locking
from basisbaan.services.audit import Actor, record
from basisbaan.texts import N_

Errors = dict[str, list[str]]


def _dates(errors: Errors, data: Mapping[str, Any], names: tuple[str, ...], today: date, future_ok=()) -> None:
    for name in names:
        value = data.get(name)
        if out_of_range(value):
            errors[name] = [N_("Between 1900 and 2100.")]
        elif value is not None and value > today and name not in future_ok:
            errors[name] = [N_("Cannot be in the future.")]


def debts_of(session: Session, participant: Participant) -> list[DebtSupport]:
    return list(session.scalars(select(DebtSupport).where(DebtSupport.participant_id == participant.id)
                                .order_by(DebtSupport.referred_on)))


def trainings_of(session: Session, participant: Participant) -> list[Training]:
    return list(session.scalars(select(Training).where(Training.participant_id == participant.id)
                                .order_by(Training.started_on)))


def _check_debt(data: Mapping[str, Any], today: date, referred_on: date | None) -> None:
    errors: Errors = {}
    if data.get("kind") is not None and data["kind"] not in DEBT_SUPPORT_KINDS:
        errors["kind"] = [N_("Choose the credit bank or debt counselling.")]
    if data.get("status") is not None and data["status"] not in DEBT_SUPPORT_STATUSES:
        errors["status"] = [N_("Unknown value.")]
    _dates(errors, data, ("referred_on", "ended_on"), today)
    ended = data.get("ended_on")
    if "ended_on" not in errors and ended is not None and referred_on is not None and ended < referred_on:
        errors["ended_on"] = [N_("Cannot be before the referral.")]
    if data.get("status") in ("completed", "stopped") and ended is None:
        errors["ended_on"] = [N_("Give the last day of completed or stopped support.")]
    if errors:
        raise InvalidInput("The debt support has invalid fields.", errors)


def add_debt(session: Session, secrets: Secrets, participant: Participant, data: Mapping[str, Any], actor: Actor,
             today: date) -> DebtSupport:
    if data.get("referred_on") is None:
        raise InvalidInput("The debt support has invalid fields.", {"referred_on": [N_("Required.")]})
    _check_debt(data, today, data["referred_on"])
    notes = (data.get("notes") or "").strip()
    row = DebtSupport(participant_id=participant.id, kind=data["kind"], referred_on=data["referred_on"],
                      status=data.get("status") or "referred", ended_on=data.get("ended_on"),
                      notes_encrypted=secrets.encrypt(notes) if notes else None)
    session.add(row)
    session.flush()
    record(session, actor, "support.debt_added", "participant", participant.id)
    return row


def update_debt(session: Session, secrets: Secrets, participant: Participant, row: DebtSupport,
                data: Mapping[str, Any], actor: Actor, today: date) -> DebtSupport:
    merged = {"status": row.status, "ended_on": row.ended_on, **data}
    _check_debt(merged, today, data.get("referred_on", row.referred_on))
    locking.claim(session, DebtSupport, row, data.get("version"))
    for key in ("kind", "referred_on", "status", "ended_on"):
        if key in data:
            setattr(row, key, data[key])
    if "notes" in data:
        notes = (data["notes"] or "").strip()
        row.notes_encrypted = secrets.encrypt(notes) if notes else None
    session.flush()
    record(session, actor, "support.debt_updated", "participant", participant.id,
           fields=sorted(k for k in data if k != "version"))
    session.refresh(row)
    return row


def _check_training(data: Mapping[str, Any], today: date) -> None:
    errors: Errors = {}
    if data.get("kind") is not None and data["kind"] not in TRAINING_KINDS:
        errors["kind"] = [N_("Unknown value.")]
    if "name" in data and not (data["name"] or "").strip():
        errors["name"] = [N_("Required.")]
    _dates(errors, data, ("started_on", "completed_on", "certificate_valid_until"), today,
           future_ok=("started_on", "certificate_valid_until"))
    started, completed = data.get("started_on"), data.get("completed_on")
    if "completed_on" not in errors and completed is not None and started is not None and completed < started:
        errors["completed_on"] = [N_("Cannot be before the start.")]
    if data.get("certificate_valid_until") is not None and completed is None:
        errors["certificate_valid_until"] = [N_("A certificate follows a completed training.")]
    cost = data.get("cost")
    if cost is not None and not Decimal(0) <= Decimal(cost) <= Decimal(100000):
        errors["cost"] = [N_("Between 0 and 100,000.")]
    if errors:
        raise InvalidInput("The training has invalid fields.", errors)


FIELDS = ("kind", "name", "started_on", "completed_on", "certificate_number", "certificate_valid_until", "cost")


def add_training(session: Session, participant: Participant, data: Mapping[str, Any], actor: Actor,
                 today: date) -> Training:
    missing = {k: [N_("Required.")] for k in ("kind", "name", "started_on") if not data.get(k)}
    if missing:
        raise InvalidInput("The training has invalid fields.", missing)
    _check_training(data, today)
    row = Training(participant_id=participant.id, **{k: data.get(k) for k in FIELDS})
    row.name = row.name.strip()
    session.add(row)
    session.flush()
    record(session, actor, "support.training_added", "participant", participant.id, kind=row.kind)
    return row


def update_training(session: Session, participant: Participant, row: Training, data: Mapping[str, Any],
                    actor: Actor, today: date) -> Training:
    merged = {**{k: getattr(row, k) for k in FIELDS}, **data}
    _check_training(merged, today)
    locking.claim(session, Training, row, data.get("version"))
    for key in FIELDS:
        if key in data:
            setattr(row, key, data[key].strip() if key == "name" else data[key])
    session.flush()
    record(session, actor, "support.training_updated", "participant", participant.id,
           fields=sorted(k for k in data if k != "version"))
    session.refresh(row)
    return row


def get_debt(session: Session, participant: Participant, row_id: uuid.UUID) -> DebtSupport:
    found = session.scalars(select(DebtSupport).where(DebtSupport.id == row_id,
                                                      DebtSupport.participant_id == participant.id)).first()
    if found is None:
        raise NotFound("No such debt support.")
    return found


def get_training(session: Session, participant: Participant, row_id: uuid.UUID) -> Training:
    found = session.scalars(select(Training).where(Training.id == row_id,
                                                   Training.participant_id == participant.id)).first()
    if found is None:
        raise NotFound("No such training.")
    return found


def debt_support_count(session: Session, on: date) -> int:
    """Participants in the programme on `on` with debt support running then (referred or active): one
    statement (a key figure: Groningen reported 13 of 56 with the credit bank)."""
    return session.scalar(select(func.count(func.distinct(DebtSupport.participant_id))).join(
        Participant, Participant.id == DebtSupport.participant_id).where(
        Participant.started_on <= on, or_(Participant.exit_on.is_(None), Participant.exit_on >= on),
        DebtSupport.referred_on <= on, or_(DebtSupport.ended_on.is_(None), DebtSupport.ended_on >= on))) or 0
