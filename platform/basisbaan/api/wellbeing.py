"""Wellbeing: a participant's measurements and change (municipal coaches), and the programme's change per
domain over a period (an aggregate)."""

from __future__ import annotations

import uuid
from datetime import date

from flask import current_app, g
from flask.views import MethodView

from basisbaan.api import wellbeing_schemas as s
from basisbaan.api.context import aggregate_scope, require, tenant_blueprint, tenant_hooks
from basisbaan.extensions import db
from basisbaan.services import participants as participant_service
from basisbaan.services import wellbeing as wellbeing_service
from basisbaan.services.employment_view import MIN_GROUP
from basisbaan.services.timeline import Group, SettingsTimeline

bp = tenant_blueprint("wellbeing", __name__, "/participants", "A participant's wellbeing measurements")
change_bp = tenant_blueprint("wellbeing_change", __name__, "/wellbeing-change",
                             "Change in wellbeing per domain for the programme or a group")


def _secrets():
    return current_app.extensions["basisbaan.secrets"]


def instrument_view(instrument) -> dict:
    return {"code": instrument.code, "name_nl": instrument.name_nl, "name_en": instrument.name_en,
            "low": instrument.low, "high": instrument.high,
            "domains": [{"code": d.code, "label_nl": d.label_nl, "label_en": d.label_en} for d in instrument.domains]}


def _domains(change) -> list[dict]:
    return [{"code": d.code, "first": round(d.first, 2), "latest": round(d.latest, 2), "change": round(d.change, 2)}
            for d in change.domains]


def participant_wellbeing(record, timeline: SettingsTimeline) -> dict:
    today = date.today()
    shown = wellbeing_service.of(db.session, _secrets(), record)
    instrument, change = wellbeing_service.participant_change(timeline, shown, today)
    due = wellbeing_service.due_dates(db.session, timeline, [record], today).get(record.id) \
        if record.exit_on is None or record.exit_on >= today else None
    return {"instrument": instrument_view(instrument), "change": _domains(change), "next_due": due,
            "measurements": [{"id": m.id, "measured_on": m.measured_on, "instrument": m.instrument, "scores": m.scores,
                              "measured_by": m.measured_by} for m in shown]}


@bp.route("/<uuid:participant_id>/wellbeing")
class Wellbeing(MethodView):
    @require("wellbeing.read")
    @bp.response(200, s.WellbeingSchema)
    def get(self, participant_id: uuid.UUID):
        """Measurements, change from first to latest per domain, and when the next is due"""
        record = participant_service.get(db.session, participant_id, g.principal.viewer)
        participant_service.record_view(db.session, record, g.principal.actor)
        result = participant_wellbeing(record, SettingsTimeline(db.session, tenant_hooks()))
        db.session.commit()
        return result

    @require("wellbeing.write")
    @bp.arguments(s.MeasurementInputSchema)
    @bp.response(201, s.MeasurementSchema)
    def post(self, data, participant_id: uuid.UUID):
        """Record a measurement on the municipality's instrument (every domain, within the scale)"""
        record = participant_service.get(db.session, participant_id, g.principal.viewer)
        shown = wellbeing_service.add(db.session, _secrets(), SettingsTimeline(db.session, tenant_hooks()), record,
                                      data, g.principal.actor, date.today())
        db.session.commit()
        return {"id": shown.id, "measured_on": shown.measured_on, "instrument": shown.instrument,
                "scores": shown.scores, "measured_by": shown.measured_by}


@change_bp.route("")
class WellbeingChange(MethodView):
    @require("wellbeing_change.view")
    @change_bp.arguments(s.WellbeingChangeQuerySchema, location="query")
    @change_bp.response(200, s.WellbeingChangeSchema)
    def get(self, args):
        """Mean first and latest score and mean change per domain over [from, to)"""
        viewer, sees = aggregate_scope(args, "wellbeing change")
        group = Group(**{name: args[name] for name in ("neighbourhood_id", "coach_id", "coaching_organisation_id")})
        instrument, change = wellbeing_service.programme_change(
            db.session, _secrets(), SettingsTimeline(db.session, tenant_hooks()), args["from_"], args["to"],
            viewer, group)
        hidden = not sees and change.participants < MIN_GROUP
        return {"from": args["from_"], "to": args["to"], "instrument": instrument_view(instrument),
                "suppressed": hidden, "participants": None if hidden else change.participants,
                "domains": None if hidden else _domains(change)}
