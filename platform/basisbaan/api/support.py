"""Coaching sessions and coaching hours; a participant's support records (debt assistance, training)."""

from __future__ import annotations

import uuid
from datetime import date

from flask import current_app, g
from flask.views import MethodView

from basisbaan.api import support_schemas as s
from basisbaan.api.context import aggregate_scope, require, tenant_blueprint
from basisbaan.api.pagination import SelectPage
from basisbaan.auth.permissions import allowed
from basisbaan.extensions import db
from basisbaan.services import coaching as coaching_service
from basisbaan.services import participants as participant_service
from basisbaan.services import support as support_service
from basisbaan.services.employment_view import MIN_GROUP
from basisbaan.services.timeline import Group

coaching_bp = tenant_blueprint("coaching_sessions", __name__, "/coaching-sessions", "Coaching time logged per participant")
hours_bp = tenant_blueprint("coaching_hours", __name__, "/coaching-hours",
                            "Average coaching hours per participant per week")
support_bp = tenant_blueprint("support", __name__, "/participants", "Debt assistance and training of a participant")


def _secrets():
    return current_app.extensions["basisbaan.secrets"]


def _participant(participant_id: uuid.UUID):
    return participant_service.get(db.session, participant_id, g.principal.viewer)


@coaching_bp.route("")
class CoachingSessions(MethodView):
    @require("coaching.read")
    @coaching_bp.arguments(s.CoachingQuerySchema, location="query")
    @coaching_bp.response(200, s.CoachingSchema(many=True))
    @coaching_bp.paginate(SelectPage)
    def get(self, args):
        """Coaching sessions, newest first (job coaches: their organisation's participants only)"""
        return coaching_service.list_query(g.principal.viewer, participant_id=args["participant_id"],
                                           start=args["from_"], end=args["to"], kind=args["kind"])

    @require("coaching.write")
    @coaching_bp.arguments(s.CoachingInputSchema)
    @coaching_bp.response(201, s.CoachingSchema)
    def post(self, data):
        """Log coaching time (job coaches: work coaching for their organisation's participants)"""
        entry = coaching_service.log(db.session, g.principal.viewer, data, g.principal.actor, date.today())
        db.session.commit()
        return entry


@hours_bp.route("")
class CoachingHours(MethodView):
    @require("coaching_hours.view")
    @hours_bp.arguments(s.CoachingHoursQuerySchema, location="query")
    @hours_bp.response(200, s.CoachingHoursSchema)
    def get(self, args):
        """Coaching hours per participant per week over [from, to) for the programme or a group"""
        viewer, sees = aggregate_scope(args, "coaching hours")
        group = Group(**{name: args[name] for name in ("participant_id", "neighbourhood_id", "coach_id",
                                                         "coaching_organisation_id")})
        result = coaching_service.hours(db.session, args["from_"], args["to"], viewer, group)
        hidden = not sees and result.participants < MIN_GROUP
        rate = result.per_participant_week
        return {"from": result.start, "to": result.end, "suppressed": hidden,
                **({key: None for key in ("participants", "participant_weeks", "hours", "hours_per_participant_week",
                                          "by_kind", "lowest_individual", "highest_individual")} if hidden else {
                    "participants": result.participants, "participant_weeks": round(result.participant_weeks, 2),
                    "hours": result.hours, "hours_per_participant_week": None if rate is None else round(rate, 2),
                    "by_kind": result.by_kind,
                    "lowest_individual": None if result.lowest is None else round(result.lowest, 2),
                    "highest_individual": None if result.highest is None else round(result.highest, 2)})}


def _debt_view(row) -> dict:
    secrets = _secrets()
    return {"id": row.id, "kind": row.kind, "referred_on": row.referred_on, "status": row.status,
            "ended_on": row.ended_on, "version": row.version,
            "notes": secrets.decrypt(row.notes_encrypted) if row.notes_encrypted else None}


@support_bp.route("/<uuid:participant_id>/support")
class Support(MethodView):
    @require("support.read")
    @support_bp.response(200, s.SupportSchema)
    def get(self, participant_id: uuid.UUID):
        """Debt assistance (municipal coaches only) and training"""
        record = _participant(participant_id)
        debts = [_debt_view(row) for row in support_service.debts_of(db.session, record)] \
            if allowed(g.principal.roles, "support.debt") else None
        return {"debt_support": debts, "trainings": support_service.trainings_of(db.session, record)}


@support_bp.route("/<uuid:participant_id>/support/debt")
class Debts(MethodView):
    @require("support.debt")
    @support_bp.arguments(s.DebtInputSchema)
    @support_bp.response(201, s.DebtSchema)
    def post(self, data, participant_id: uuid.UUID):
        """Record a referral to the municipal credit bank or to debt counselling"""
        row = support_service.add_debt(db.session, _secrets(), _participant(participant_id), data,
                                       g.principal.actor, date.today())
        db.session.commit()
        return _debt_view(row)


@support_bp.route("/<uuid:participant_id>/support/debt/<uuid:debt_id>")
class DebtById(MethodView):
    @require("support.debt")
    @support_bp.arguments(s.DebtUpdateSchema)
    @support_bp.response(200, s.DebtSchema)
    def patch(self, data, participant_id: uuid.UUID, debt_id: uuid.UUID):
        """Change the status or dates of debt support (send the version you read)"""
        record = _participant(participant_id)
        row = support_service.update_debt(db.session, _secrets(), record,
                                          support_service.get_debt(db.session, record, debt_id), data,
                                          g.principal.actor, date.today())
        db.session.commit()
        return _debt_view(row)


@support_bp.route("/<uuid:participant_id>/support/trainings")
class Trainings(MethodView):
    @require("trainings.write")
    @support_bp.arguments(s.TrainingInputSchema)
    @support_bp.response(201, s.TrainingSchema)
    def post(self, data, participant_id: uuid.UUID):
        """Record a training (e.g. first aid/emergency response, social hygiene)"""
        row = support_service.add_training(db.session, _participant(participant_id), data, g.principal.actor,
                                           date.today())
        db.session.commit()
        return row


@support_bp.route("/<uuid:participant_id>/support/trainings/<uuid:training_id>")
class TrainingById(MethodView):
    @require("trainings.write")
    @support_bp.arguments(s.TrainingUpdateSchema)
    @support_bp.response(200, s.TrainingSchema)
    def patch(self, data, participant_id: uuid.UUID, training_id: uuid.UUID):
        """Record completion and the certificate, or correct a training (send the version you read)"""
        record = _participant(participant_id)
        row = support_service.update_training(db.session, record,
                                              support_service.get_training(db.session, record, training_id),
                                              data, g.principal.actor, date.today())
        db.session.commit()
        return row
