"""Financing: a participant's costs, programme costs, wage values, funding sources with allocations,
budget versus actual, forecast scenarios."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from flask import g
from flask_smorest import abort
from flask.views import MethodView

from basisbaan.api import finance_schemas as s
from basisbaan.api.context import require, tenant_blueprint, tenant_hooks
from basisbaan.api.pagination import SelectPage
from basisbaan.auth.permissions import allowed
from basisbaan.domain.costs import LINES
from basisbaan.extensions import db
from basisbaan.services import costs as cost_service
from basisbaan.services import forecasts as forecast_service
from basisbaan.services import funding as funding_service
from basisbaan.services import participants as participant_service
from basisbaan.services import wage_values
from basisbaan.services.employment_view import MIN_GROUP
from basisbaan.services.timeline import SettingsTimeline

participant_bp = tenant_blueprint("participant_costs", __name__, "/participants",
                                  "A participant's costs and wage-value assessments")
costs_bp = tenant_blueprint("costs", __name__, "/costs", "Programme costs for a period, grouped")
funding_bp = tenant_blueprint("funding_sources", __name__, "/funding-sources", "Funding sources and allocations")
budget_bp = tenant_blueprint("budget", __name__, "/budget", "Budget versus actual costs per year")
forecasts_bp = tenant_blueprint("forecasts", __name__, "/forecasts", "Forecast scenarios and their projection")

CENT = Decimal("0.01")


def _timeline() -> SettingsTimeline:
    return SettingsTimeline(db.session, tenant_hooks())


def totals_view(totals) -> dict:
    return {"lines": {code: totals.lines[code].quantize(CENT) for code in LINES},
            **{name: getattr(totals, name).quantize(CENT)
               for name in ("costs", "contributions", "gross", "offsets", "net")}}


def _missing(items) -> list[dict]:
    return [{"parameter": m.parameter, "first_day": m.first_day} for m in items]


@participant_bp.route("/<uuid:participant_id>/costs")
class ParticipantCosts(MethodView):
    @require("costs.participant")
    @participant_bp.arguments(s.PeriodQuerySchema, location="query")
    @participant_bp.response(200, s.ParticipantCostSchema)
    def get(self, args, participant_id: uuid.UUID):
        """Every cost line of the participant over [from, to), with how it was computed"""
        record = participant_service.get(db.session, participant_id, g.principal.viewer)
        result = cost_service.participant_cost(db.session, _timeline(), record, args["from_"], args["to"])
        participant_service.record_view(db.session, record, g.principal.actor)
        db.session.commit()
        return {"participant_id": result.participant_id, "start": result.start, "end": result.end,
                "totals": totals_view(result.totals), "missing": _missing(result.missing),
                "provisional_from": result.provisional_from,
                "lines": [{"code": code, "amount": line.amount, "bases": [
                    {"start": b.start, "end": b.end, "days": b.days, "amount": b.amount, "rate": b.rate,
                     "unit": b.unit, "hours": b.hours, "source": b.source} for b in line.bases]}
                    for code, line in result.lines.items()]}


@participant_bp.route("/<uuid:participant_id>/wage-values")
class WageValues(MethodView):
    @require("costs.participant")
    @participant_bp.response(200, s.WageValueSchema(many=True))
    def get(self, participant_id: uuid.UUID):
        """Wage-value assessments (basis of the wage-cost subsidy)"""
        return wage_values.of(db.session, participant_service.get(db.session, participant_id, g.principal.viewer))

    @require("wage_values.write")
    @participant_bp.arguments(s.WageValueInputSchema)
    @participant_bp.response(201, s.WageValueSchema)
    def post(self, data, participant_id: uuid.UUID):
        """Record a wage value set by an assessor, in percent of the minimum wage"""
        record = participant_service.get(db.session, participant_id, g.principal.viewer)
        row = wage_values.add(db.session, record, data, g.principal.actor, date.today())
        db.session.commit()
        return row


def hide_below() -> int:
    """Roles that may not see a person's costs get no group smaller than a handful of people."""
    return 0 if allowed(g.principal.roles, "costs.participant") else MIN_GROUP


def programme_view(result) -> dict:
    return {"start": result.start, "end": result.end, "group_by": result.group_by,
            "suppressed_groups": result.suppressed,
            "participants": result.participants, "total": totals_view(result.total),
            "groups": [{"key": str(key), "totals": totals_view(totals)} for key, totals in result.groups.items()],
            "missing": _missing(result.missing), "provisional_from": result.provisional_from}


@costs_bp.route("")
class ProgrammeCosts(MethodView):
    @require("costs.view")
    @costs_bp.arguments(s.CostsQuerySchema, location="query")
    @costs_bp.response(200, s.ProgrammeCostSchema)
    def get(self, args):
        """Programme costs over [from, to) per line, grouped by month, year, employer, CAO, neighbourhood or
        (finance and municipal coaches) participant"""
        if args["group_by"] in cost_service.PERSONAL_GROUP_BY and not allowed(g.principal.roles, "costs.participant"):
            abort(403, message="Your role may not see a person's costs.")
        return programme_view(cost_service.programme_cost(db.session, _timeline(), args["from_"], args["to"],
                                                          args["group_by"], hide_below=hide_below()))


def funding_view(source, allocations) -> dict:
    allocated = sum((a.amount for a in allocations), Decimal(0))
    return {**{k: getattr(source, k) for k in ("id", "name", "kind", "funder", "amount", "start_on", "end_on",
                                                "conditions", "earmark", "version")},
            "allocated": allocated, "remaining": source.amount - allocated, "allocations": allocations}


class FundingPage(SelectPage):
    """A page of sources with their allocations: one statement more for the whole page."""

    @property
    def items(self):
        sources = super().items
        allocations = funding_service.allocations_of(db.session, [source.id for source in sources])
        return [funding_view(source, allocations.get(source.id, [])) for source in sources]


@funding_bp.route("")
class FundingSources(MethodView):
    @require("funding.read")
    @funding_bp.arguments(s.FundingQuerySchema, location="query")
    @funding_bp.response(200, s.FundingSchema(many=True))
    @funding_bp.paginate(FundingPage)
    def get(self, args):
        """Funding sources with their allocations, by start date"""
        return funding_service.list_query(args["kind"])

    @require("funding.write")
    @funding_bp.arguments(s.FundingInputSchema)
    @funding_bp.response(201, s.FundingSchema)
    def post(self, data):
        """Record a funding source (budget, grant, agreement) with amount, period, conditions and earmark"""
        source = funding_service.create(db.session, data, g.principal.actor)
        db.session.commit()
        return funding_view(source, [])


@funding_bp.route("/<uuid:source_id>")
class FundingSourceById(MethodView):
    @require("funding.read")
    @funding_bp.response(200, s.FundingSchema)
    def get(self, source_id: uuid.UUID):
        """A funding source with its allocations and what is left"""
        source = funding_service.get(db.session, source_id)
        return funding_view(source, funding_service.allocations_of(db.session, [source.id]).get(source.id, []))

    @require("funding.write")
    @funding_bp.arguments(s.FundingUpdateSchema(partial=True))
    @funding_bp.response(200, s.FundingSchema)
    def patch(self, data, source_id: uuid.UUID):
        """Change a funding source (send the version you read)"""
        source = funding_service.update(db.session, funding_service.get(db.session, source_id), data,
                                        g.principal.actor)
        db.session.commit()
        return funding_view(source, funding_service.allocations_of(db.session, [source.id]).get(source.id, []))


@funding_bp.route("/<uuid:source_id>/allocations")
class Allocations(MethodView):
    @require("funding.write")
    @funding_bp.arguments(s.AllocationInputSchema)
    @funding_bp.response(201, s.AllocationSchema)
    def post(self, data, source_id: uuid.UUID):
        """Allocate part of the source to a year (never more than it has left)"""
        row = funding_service.allocate(db.session, funding_service.get(db.session, source_id), data,
                                       g.principal.actor)
        db.session.commit()
        return row


@budget_bp.route("")
class Budget(MethodView):
    @require("costs.view")
    @budget_bp.arguments(s.BudgetQuerySchema, location="query")
    @budget_bp.response(200, s.BudgetSchema)
    def get(self, args):
        """Per year: funding allocated, actual costs computed from the records, and the gap"""
        result = funding_service.budget_versus_actual(db.session, _timeline(), args["from_year"], args["to_year"])
        return {"years": [{"year": y.year, "budget": y.budget, "by_source": y.by_source,
                           "actual": totals_view(y.actual), "gap": y.gap} for y in result.years],
                "missing": _missing(result.missing), "provisional_from": result.provisional_from}


def projection_view(years) -> list[dict]:
    return [{"year": y.year, "participants_start": y.participants_start, "starters": y.starters, "exits": y.exits,
             "participants_end": y.participants_end, "totals": totals_view(y.totals), "funding": y.funding,
             "gap": y.gap, "missing": _missing(y.missing), "provisional": y.provisional} for y in years]


def forecast_view(forecast, projection=None) -> dict:
    found = {k: getattr(forecast, k) for k in ("id", "name", "description", "parameters", "created_by", "created_at")}
    if projection is not None:
        found["projection"] = projection_view(projection)
    return found


@forecasts_bp.route("")
class Forecasts(MethodView):
    @require("forecasts.read")
    @forecasts_bp.response(200, s.ForecastSchema(many=True))
    @forecasts_bp.paginate(SelectPage)
    def get(self):
        """Saved scenarios (read one for its projection)"""
        return forecast_service.list_query()

    @require("forecasts.write")
    @forecasts_bp.arguments(s.ForecastInputSchema)
    @forecasts_bp.response(201, s.ForecastSchema)
    def post(self, data):
        """Save a scenario; the answer includes its projection"""
        timeline = _timeline()
        forecast = forecast_service.create(db.session, timeline, data, g.principal.actor)
        db.session.commit()
        return forecast_view(forecast, forecast_service.project(db.session, timeline,
                                                                forecast_service.scenario_of(forecast)))


@forecasts_bp.route("/<uuid:forecast_id>")
class ForecastById(MethodView):
    @require("forecasts.read")
    @forecasts_bp.response(200, s.ForecastSchema)
    def get(self, forecast_id: uuid.UUID):
        """A scenario with its projection per year"""
        forecast = forecast_service.get(db.session, forecast_id)
        return forecast_view(forecast, forecast_service.project(db.session, _timeline(),
                                                                forecast_service.scenario_of(forecast)))
