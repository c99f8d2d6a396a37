"""Wage-value assessments (loonwaarde): the basis of the wage-cost subsidy from the assessment's date on."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from basisbaan.domain.dates import out_of_range
from basisbaan.errors import InvalidInput
from basisbaan.models import Participant, WageValueAssessment
from basisbaan.services import locking
from basisbaan.services.audit import Actor, record
from basisbaan.texts import N_


def of(session: Session, participant: Participant) -> list[WageValueAssessment]:
    return list(session.scalars(select(WageValueAssessment).where(WageValueAssessment.participant_id == participant.id)
                                .order_by(WageValueAssessment.assessed_on, WageValueAssessment.created_at)))


def add(session: Session, participant: Participant, data: Mapping[str, Any], actor: Actor, today: date
        ) -> WageValueAssessment:
    errors: dict[str, list[str]] = {}
    day, percent = data.get("assessed_on"), data.get("wage_value_percent")
    if day is None:
        errors["assessed_on"] = [N_("Required.")]
    elif out_of_range(day):
        errors["assessed_on"] = [N_("Between 1900 and 2100.")]
    elif day > today:
        errors["assessed_on"] = [N_("Cannot be in the future.")]
    elif day < participant.started_on or (participant.exit_on is not None and day > participant.exit_on):
        errors["assessed_on"] = [N_("Outside the participant's time in the programme.")]
    if percent is None or not Decimal(0) <= Decimal(percent) <= Decimal(100):
        errors["wage_value_percent"] = [N_("From 0 to 100.")]
    if not (data.get("assessor") or "").strip():
        errors["assessor"] = [N_("Required.")]
    if errors:
        raise InvalidInput("The assessment has invalid fields.", errors)
    locking.lock(session, Participant, participant.id)
    row = WageValueAssessment(participant_id=participant.id, assessed_on=day, wage_value_percent=Decimal(percent),
                              assessor=data["assessor"].strip(), created_by=actor.label)
    session.add(row)
    session.flush()
    record(session, actor, "wage_value.assessed", "participant", participant.id)
    return row
