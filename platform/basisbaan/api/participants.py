"""Participants and their employment: start, contracts (renewals, changes of hours), absences, exits;
the absence rate, the work list, CAO terms and the CAO transition."""

from __future__ import annotations

import uuid
from datetime import date

from flask import current_app, g
from flask.views import MethodView

from basisbaan.api import participant_schemas as s
from basisbaan.api.context import aggregate_scope, require, tenant_blueprint, tenant_hooks
from basisbaan.api.pagination import SelectPage
from basisbaan.auth.permissions import allowed
from basisbaan.domain.employment import hourly_wage
from basisbaan.domain.national_parameters import MissingParameter
from basisbaan.errors import InvalidInput
from basisbaan.extensions import db
from basisbaan.services import absences as absence_service
from basisbaan.services import cao_transition
from basisbaan.services import contracts as contract_service
from basisbaan.services import employment_view as views
from basisbaan.services import participants as participant_service
from basisbaan.services import worklist as worklist_service
from basisbaan.services.timeline import Group, SettingsTimeline
from basisbaan.texts import N_

bp = tenant_blueprint("participants", __name__, "/participants",
                      "Participants: employment, contracts, absence and exits")
absence_rate_bp = tenant_blueprint("absence_rate", __name__, "/absence-rate",
                                   "Absence rate of the programme or a group over a period")
worklist_bp = tenant_blueprint("worklist", __name__, "/worklist", "The coach's work list")
cao_bp = tenant_blueprint("cao", __name__, "", "Collective agreements: terms for a date and the transition")


def _secrets():
    return current_app.extensions["basisbaan.secrets"]


def _timeline() -> SettingsTimeline:
    return SettingsTimeline(db.session, tenant_hooks())


def _sensitive() -> bool:
    return allowed(g.principal.roles, "participants.write")


def _participant(participant_id: uuid.UUID):
    return participant_service.get(db.session, participant_id, g.principal.viewer)


def _present(record, timeline: SettingsTimeline | None = None):
    today = date.today()
    timeline = timeline or _timeline()
    current = views.current_terms(db.session, [record.id], today).get(record.id)
    return views.participant(record, on=today, current=current, sensitive=_sensitive(), secrets=_secrets(),
                             dropout_reasons=timeline.on(today)["dropout_reasons"])


class ParticipantPage(SelectPage):
    """One page of participants with their contracts in force: three statements per page."""

    @property
    def items(self):
        records = super().items
        on = g.participants_on
        current = views.current_terms(db.session, [r.id for r in records], on)
        dropout = _timeline().on(on)["dropout_reasons"]
        return [views.participant(r, on=on, current=current.get(r.id), sensitive=_sensitive(),
                                  secrets=_secrets(), dropout_reasons=dropout) for r in records]


@bp.route("")
class Participants(MethodView):
    @require("participants.read")
    @bp.arguments(s.ParticipantQuerySchema, location="query")
    @bp.response(200, s.ParticipantSchema(many=True))
    @bp.paginate(ParticipantPage)
    def get(self, args):
        """List participants (paginated; job coaches see their organisation's only)"""
        on = g.participants_on = args.pop("on") or date.today()
        search = args.pop("q")
        return participant_service.list_query(g.principal.viewer, on=on, search=search, **args)

    @require("participants.write")
    @bp.arguments(s.StartInputSchema)
    @bp.response(201, s.ParticipantSchema)
    def post(self, data):
        """Start employment for a candidate decided to start: the participant and the first contract"""
        timeline = _timeline()
        record = participant_service.start(db.session, _secrets(), timeline, data, g.principal.actor, date.today())
        db.session.commit()
        return _present(record, timeline)


@bp.route("/<uuid:participant_id>")
class ParticipantById(MethodView):
    @require("participants.read")
    @bp.response(200, s.ParticipantSchema)
    def get(self, participant_id: uuid.UUID):
        """One participant (the view is recorded in the audit log)"""
        record = _participant(participant_id)
        participant_service.record_view(db.session, record, g.principal.actor)
        db.session.commit()
        return _present(record)

    @require("participants.write")
    @bp.arguments(s.ParticipantUpdateSchema)
    @bp.response(200, s.ParticipantSchema)
    def patch(self, data, participant_id: uuid.UUID):
        """Change the municipal coach or the coaching organisation (send the version you read)"""
        record = participant_service.update(db.session, _participant(participant_id), data, g.principal.actor)
        db.session.commit()
        return _present(record)


@bp.route("/<uuid:participant_id>/contracts")
class Contracts(MethodView):
    @require("participants.read")
    @bp.response(200, s.ContractSchema(many=True))
    def get(self, participant_id: uuid.UUID):
        """Contracts, oldest first, each with its dated versions and performance reports"""
        record = _participant(participant_id)
        return views.contracts(db.session, _timeline(), record, sensitive=_sensitive(), secrets=_secrets(),
                               today=date.today())

    @require("contracts.write")
    @bp.arguments(s.ContractInputSchema)
    @bp.response(201, s.ContractSchema)
    def post(self, data, participant_id: uuid.UUID):
        """Add a contract: a renewal needs a performance report on the previous temporary contract"""
        record = _participant(participant_id)
        timeline = _timeline()
        made = contract_service.add(db.session, _secrets(), timeline, record, data, g.principal.actor, date.today())
        db.session.commit()
        return _one_contract(timeline, record, made.id)


def _one_contract(timeline, record, contract_id):
    found = views.contracts(db.session, timeline, record, sensitive=_sensitive(), secrets=_secrets(),
                            today=date.today())
    return next(c for c in found if c["id"] == contract_id)


@bp.route("/<uuid:participant_id>/contracts/<uuid:contract_id>")
class ContractById(MethodView):
    @require("participants.read")
    @bp.response(200, s.ContractSchema)
    def get(self, participant_id: uuid.UUID, contract_id: uuid.UUID):
        """One contract with its versions and performance reports"""
        record = _participant(participant_id)
        contract_service.get(db.session, record, contract_id)
        return _one_contract(_timeline(), record, contract_id)

    @require("contracts.write")
    @bp.arguments(s.ContractChangeSchema)
    @bp.response(200, s.ContractSchema)
    def patch(self, data, participant_id: uuid.UUID, contract_id: uuid.UUID):
        """Change hours, CAO or scale from a date: a new version; a stale `version` gets 409"""
        record = _participant(participant_id)
        contract = contract_service.get(db.session, record, contract_id)
        timeline = _timeline()
        expected = data.pop("version")
        contract_service.change_terms(db.session, timeline, contract, data, expected, g.principal.actor)
        db.session.commit()
        return _one_contract(timeline, record, contract_id)


@bp.route("/<uuid:participant_id>/contracts/<uuid:contract_id>/performance-reports")
class PerformanceReports(MethodView):
    @require("contracts.write")
    @bp.arguments(s.PerformanceReportInputSchema)
    @bp.response(201, s.PerformanceReportSchema)
    def post(self, data, participant_id: uuid.UUID, contract_id: uuid.UUID):
        """Record the performance report on a temporary contract"""
        record = _participant(participant_id)
        contract = contract_service.get(db.session, record, contract_id)
        report = contract_service.add_report(db.session, _secrets(), contract, data, g.principal.actor, date.today())
        db.session.commit()
        return {"id": report.id, "written_on": report.written_on, "author": report.author, "advice": report.advice,
                "summary": data.get("summary") if _sensitive() else None}


@bp.route("/<uuid:participant_id>/absences")
class Absences(MethodView):
    @require("absences.read")
    @bp.response(200, s.AbsenceSchema(many=True))
    def get(self, participant_id: uuid.UUID):
        """Sickness periods, oldest first, with the Gatekeeper steps of each episode"""
        return views.absences(db.session, _participant(participant_id))

    @require("absences.write")
    @bp.arguments(s.AbsenceInputSchema)
    @bp.response(201, s.AbsenceSchema)
    def post(self, data, participant_id: uuid.UUID):
        """Register sickness (open while ongoing; partial with a percentage)"""
        record = _participant(participant_id)
        made = absence_service.add(db.session, record, data, g.principal.actor, date.today())
        db.session.commit()
        return next(a for a in views.absences(db.session, record) if a["id"] == made.id)


@bp.route("/<uuid:participant_id>/absences/<uuid:absence_id>")
class AbsenceById(MethodView):
    @require("absences.write")
    @bp.arguments(s.AbsenceUpdateSchema)
    @bp.response(200, s.AbsenceSchema)
    def patch(self, data, participant_id: uuid.UUID, absence_id: uuid.UUID):
        """Record recovery (end_on) or correct a period; a stale `version` gets 409"""
        record = _participant(participant_id)
        absence = absence_service.get(db.session, record, absence_id)
        absence_service.update(db.session, record, absence, data, g.principal.actor, date.today())
        db.session.commit()
        return next(a for a in views.absences(db.session, record) if a["id"] == absence_id)


@bp.route("/<uuid:participant_id>/absences/<uuid:absence_id>/gatekeeper-steps")
class GatekeeperSteps(MethodView):
    @require("absences.write")
    @bp.arguments(s.GatekeeperStepInputSchema)
    @bp.response(201, s.GatekeeperStepSchema)
    def post(self, data, participant_id: uuid.UUID, absence_id: uuid.UUID):
        """Mark a Gatekeeper Act step done for the episode this absence belongs to"""
        record = _participant(participant_id)
        absence = absence_service.get(db.session, record, absence_id)
        done = absence_service.record_step(db.session, record, absence, data, g.principal.actor, date.today())
        db.session.commit()
        return done


@bp.route("/<uuid:participant_id>/exit")
class Exit(MethodView):
    @require("participants.write")
    @bp.arguments(s.ExitInputSchema)
    @bp.response(200, s.ParticipantSchema)
    def post(self, data, participant_id: uuid.UUID):
        """Record the exit (last day and reason); ends the running contract on that day"""
        record = participant_service.exit_(db.session, _secrets(), _participant(participant_id), data,
                                           g.principal.actor, date.today())
        db.session.commit()
        return _present(record)


@absence_rate_bp.route("")
class AbsenceRate(MethodView):
    @require("absence_rate.view")
    @absence_rate_bp.arguments(s.AbsenceRateQuerySchema, location="query")
    @absence_rate_bp.response(200, s.AbsenceRateSchema)
    def get(self, args):
        """Sick contracted hours / contracted hours over [from, to) for the programme or a group"""
        viewer, sees = aggregate_scope(args, "absence rate")
        group = Group(participant_id=args["participant_id"], neighbourhood_id=args["neighbourhood_id"],
                      coach_id=args["coach_id"], coaching_organisation_id=args["coaching_organisation_id"],
                      employer_id=args["employer_id"])
        result = absence_service.rate(db.session, args["from_"], args["to"], viewer, group)
        return views.rate_view(result, start=args["from_"], end=args["to"], sees_participants=sees)


@worklist_bp.route("")
class Worklist(MethodView):
    @require("worklist.view")
    @worklist_bp.arguments(s.WorklistQuerySchema, location="query")
    @worklist_bp.response(200, s.WorklistItemSchema(many=True))
    def get(self, args):
        """Contracts ending, performance reports due, permanent-contract moments and Gatekeeper deadlines"""
        today = date.today()
        found = worklist_service.items(db.session, _timeline(), g.principal.viewer, today, coach_id=args["coach_id"],
                                       participant_id=args["participant_id"])
        return [{**item.__dict__, "overdue": item.overdue(today)} for item in found
                if args["kind"] is None or item.kind == args["kind"]]


@cao_bp.route("/cao-terms")
class CaoTerms(MethodView):
    @require("tenant.read")
    @cao_bp.arguments(s.CaoTermsQuerySchema, location="query")
    @cao_bp.response(200, s.CaoTermsSchema)
    def get(self, args):
        """The municipality's terms of a collective agreement on a date, with the minimum hourly wage"""
        timeline = _timeline()
        on = args["on"] or date.today()
        code = args["cao"] or timeline.on(on)["cao"]
        terms = timeline.terms(code, on)
        if terms is None:
            raise InvalidInput("No terms of this agreement on this date.",
                               {"cao": [N_("This collective agreement has no terms in this municipality on %(day)s.",
                                           day=on.isoformat())]})
        try:
            wage = hourly_wage(terms, on)
        except MissingParameter as exc:
            raise InvalidInput("No published minimum wage for this date.",
                               {"on": [N_("No published minimum wage for this date.")]}) from exc
        return {"cao": code, "name": terms.name, "on": on, "effective_from": terms.effective_from,
                "standard_week_hours": terms.standard_week_hours, "minimum_hourly_wage": wage.minimum_wage,
                "minimum_wage_provisional": wage.provisional,
                "holiday_allowance_rate": terms.holiday_allowance_rate,
                "year_end_payment_rate": terms.year_end_payment_rate,
                "employer_charges_rate": terms.employer_charges_rate, "pension_rate": terms.pension_rate,
                "source": terms.source, "verified": terms.verified}


def _transition_view(result: cao_transition.Preview):
    return {"to_cao": result.to_cao, "on": result.on, "keep_old_wage": result.keep_old_wage,
            "rows": [{**row.__dict__, "annual_before": {**row.annual_before.__dict__, "total": row.annual_before.total},
                      "annual_after": {**row.annual_after.__dict__, "total": row.annual_after.total}}
                     for row in result.rows],
            "earning_less": result.earning_less,
            "annual_before": result.annual_before, "annual_after": result.annual_after}


@cao_bp.route("/cao-transition/preview")
class TransitionPreview(MethodView):
    @require("cao_transition.manage")
    @cao_bp.arguments(s.TransitionInputSchema)
    @cao_bp.response(200, s.TransitionSchema)
    def post(self, data):
        """Preview moving contracts to another agreement: wages and annual cost before and after"""
        data.pop("contracts")
        return _transition_view(cao_transition.preview(db.session, _timeline(), **data))


@cao_bp.route("/cao-transition")
class Transition(MethodView):
    @require("cao_transition.manage")
    @cao_bp.arguments(s.TransitionInputSchema)
    @cao_bp.response(201, s.TransitionSchema)
    def post(self, data):
        """Apply the transition: new contract versions from the date, all or nothing"""
        confirmed = data.pop("contracts")
        expected = None if confirmed is None else {c["contract_id"]: c["contract_version"] for c in confirmed}
        result = cao_transition.apply(db.session, _timeline(), actor=g.principal.actor, expected=expected, **data)
        db.session.commit()
        return _transition_view(result)
