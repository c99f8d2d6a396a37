"""Wellbeing measurements: scores per life domain on the municipality's instrument, at the start and then
periodically (due dates on the work list); the change per domain from the first to the latest measurement,
per participant and for the programme.

Programme change over [start, end): participants whose latest measurement before `end` lies in the period
and who were measured at least twice on the instrument in force at the period's end; per domain the mean
first score, mean latest score and mean change. Scores are special personal data (mental health, substance
use): encrypted, municipal coaches only; the programme figure is an aggregate.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from basisbaan.crypto import Secrets
from basisbaan.domain import wellbeing
from basisbaan.domain.dates import add_months, out_of_range
from basisbaan.errors import InvalidInput
from basisbaan.models import Participant, WellbeingMeasurement
from basisbaan.services import locking
from basisbaan.services.audit import Actor, record
from basisbaan.services.timeline import Group, SettingsTimeline
from basisbaan.services.visibility import Viewer, scoped
from basisbaan.texts import N_

DAY = timedelta(days=1)
MESSAGES = {"unknown": N_("Not a domain of the instrument."), "missing": N_("Required."),
            "out_of_scale": N_("A whole number from %(low)s to %(high)s.")}


@dataclass(frozen=True)
class Shown:
    """A measurement with its decrypted scores."""

    id: uuid.UUID
    measured_on: date
    instrument: str
    scores: dict[str, int]
    measured_by: str | None


def _scores(secrets: Secrets, row: WellbeingMeasurement) -> dict[str, int]:
    return json.loads(secrets.decrypt(row.scores_encrypted))


def of(session: Session, secrets: Secrets, participant: Participant) -> list[Shown]:
    rows = session.scalars(select(WellbeingMeasurement).where(WellbeingMeasurement.participant_id == participant.id)
                           .order_by(WellbeingMeasurement.measured_on, WellbeingMeasurement.created_at))
    return [Shown(r.id, r.measured_on, r.instrument, _scores(secrets, r), r.measured_by) for r in rows]


def add(session: Session, secrets: Secrets, timeline: SettingsTimeline, participant: Participant,
        data: Mapping[str, Any], actor: Actor, today: date) -> Shown:
    """Record a measurement on the instrument in force on its date. Every domain scored, within the scale."""
    errors: dict[str, list[str]] = {}
    measured_on = data.get("measured_on")
    if measured_on is None:
        errors["measured_on"] = [N_("Required.")]
    elif out_of_range(measured_on):
        errors["measured_on"] = [N_("Between 1900 and 2100.")]
    elif measured_on > today:
        errors["measured_on"] = [N_("Cannot be in the future.")]
    elif measured_on < participant.started_on or (participant.exit_on is not None and measured_on > participant.exit_on):
        errors["measured_on"] = [N_("Outside the participant's time in the programme.")]
    scores = data.get("scores")
    if not isinstance(scores, Mapping) or not scores:
        errors["scores"] = [N_("Required.")]
    if errors:
        raise InvalidInput("The measurement has invalid fields.", errors)
    instrument = timeline.instrument(measured_on)
    for code, problem in instrument.errors(scores).items():
        errors[f"scores.{code}"] = [N_(MESSAGES[problem], low=instrument.low, high=instrument.high)
                                    if problem == "out_of_scale" else MESSAGES[problem]]
    if errors:
        raise InvalidInput("The measurement has invalid scores.", errors)
    locking.lock(session, Participant, participant.id)
    row = WellbeingMeasurement(participant_id=participant.id, measured_on=measured_on, instrument=instrument.code,
                               scores_encrypted=secrets.encrypt(json.dumps({c: scores[c] for c in instrument.codes})),
                               measured_by=actor.label)
    session.add(row)
    session.flush()
    record(session, actor, "wellbeing.measured", "participant", participant.id)
    return Shown(row.id, row.measured_on, row.instrument, {c: scores[c] for c in instrument.codes}, row.measured_by)


def participant_change(timeline: SettingsTimeline, shown: list[Shown], today: date
                       ) -> tuple[wellbeing.Instrument, wellbeing.Change]:
    """First to latest for one participant, on the instrument of the latest measurement."""
    instrument = timeline.instrument(shown[-1].measured_on if shown else today)
    pairs = wellbeing.first_and_latest([_domain(s, "p") for s in shown], instrument.code, None, date.max)
    return instrument, wellbeing.change(instrument, pairs)


def _domain(shown: Shown, participant_id) -> wellbeing.Measurement:
    return wellbeing.Measurement(participant_id, shown.measured_on, shown.instrument, shown.scores)


def programme_change(session: Session, secrets: Secrets, timeline: SettingsTimeline, start: date, end: date,
                     viewer: Viewer | None = None, group: Group = Group()
                     ) -> tuple[wellbeing.Instrument, wellbeing.Change]:
    """Mean change per domain over [start, end) (see the module docstring): one statement."""
    if end <= start:
        raise InvalidInput("The period is empty.", {"to": [N_("Must be after the start date.")]})
    instrument = timeline.instrument(end - DAY)
    stmt = (select(WellbeingMeasurement).join(Participant, Participant.id == WellbeingMeasurement.participant_id)
            .where(WellbeingMeasurement.measured_on < end, WellbeingMeasurement.instrument == instrument.code,
                   *group.clauses()))
    if viewer is not None:
        stmt = scoped(stmt, viewer)
    measurements = [wellbeing.Measurement(r.participant_id, r.measured_on, r.instrument, _scores(secrets, r))
                    for r in session.scalars(stmt)]
    return instrument, wellbeing.change(instrument, wellbeing.first_and_latest(measurements, instrument.code,
                                                                               start, end))


def due_dates(session: Session, timeline: SettingsTimeline, participants: list[Participant], today: date
              ) -> dict[uuid.UUID, date]:
    """When each participant's next measurement is due: the first some weeks after the start, then every
    interval after the latest. One statement."""
    ids = [p.id for p in participants]
    if not ids:
        return {}
    latest = dict(session.execute(select(WellbeingMeasurement.participant_id, func.max(WellbeingMeasurement.measured_on))
                                  .where(WellbeingMeasurement.participant_id.in_(ids))
                                  .group_by(WellbeingMeasurement.participant_id)).all())
    settings = timeline.on(today)
    found = {}
    for participant in participants:
        last = latest.get(participant.id)
        found[participant.id] = (participant.started_on + timedelta(weeks=settings["wellbeing_first_weeks"])
                                 if last is None else add_months(last, settings["wellbeing_interval_months"]))
    return found
