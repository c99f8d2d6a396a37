"""Key figures of a municipality, computed from its records (definitions: basisbaan.services.kpis)."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from marshmallow import fields

from basisbaan.api.context import require, tenant_blueprint, tenant_hooks
from basisbaan.api.finance_schemas import MissingSchema
from basisbaan.api.schemas import StrictSchema
from basisbaan.extensions import db
from basisbaan.services import kpis as kpi_service
from basisbaan.services.timeline import SettingsTimeline

bp = tenant_blueprint("kpis", __name__, "/kpis", "Key figures computed from the records")

Count = lambda description: fields.Integer(metadata={"description": description})  # noqa: E731
Fraction = lambda description: fields.Decimal(as_string=True, allow_none=True, metadata={  # noqa: E731
    "type": "string", "format": "decimal", "description": f"{description} (a fraction, e.g. 0.073)"})
ByKey = lambda description: fields.Dict(keys=fields.String(), values=fields.Integer(),  # noqa: E731
                                        metadata={"description": description})


class KpiQuerySchema(StrictSchema):
    as_of = fields.Date(required=True, metadata={"description": "Stocks are counted on this day"})
    from_ = fields.Date(load_default=None, data_key="from",
                        metadata={"description": "Start of the period for flows (default: the programme's start)"})
    to = fields.Date(load_default=None, metadata={"description": "End of the period, exclusive (default: as_of + 1)"})


class CostsSchema(StrictSchema):
    gross = fields.Decimal(as_string=True, metadata={"type": "string", "format": "decimal"})
    offsets = fields.Decimal(as_string=True, metadata={"type": "string", "format": "decimal"})
    net = fields.Decimal(as_string=True, metadata={"type": "string", "format": "decimal"})


class KpiSchema(StrictSchema):
    as_of = fields.Date()
    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()
    definition_version = fields.String(metadata={"description": "Version of the definitions in services/kpis.py"})
    participants_active = Count("Stock: participants in the programme on as_of")
    participants_started_total = Count("Flow: participants whose employment started in [from, to)")
    permanent_contracts = Count("Stock: active participants on a permanent contract on as_of")
    exits_total = Count("Flow: exits (last day) in [from, to)")
    exits_by_reason = ByKey("Flow: exits by reason (deceased, pension_age, regular_job, ...)")
    dropouts = Count("Flow: exits whose reason the municipality counts as drop-out")
    candidates_spoken = Count("Flow: candidates with an intake conversation in [from, to)")
    candidates_not_started_by_reason = ByKey("Flow: last decisions not to start, by cannot / will_not / may_not")
    conversion_rate = Fraction("Flow: started / spoken")
    hours_distribution = ByKey("Stock: contracts in force by weekly hours band (under_20, 20_28, 29_31, 32, "
                               "33_35, 36, over_36)")
    average_hours = fields.Decimal(as_string=True, allow_none=True, metadata={
        "type": "string", "format": "decimal", "description": "Stock: mean weekly hours of the contracts in force"})
    participants_by_neighbourhood = ByKey("Stock: active participants by neighbourhood")
    absence_rate = Fraction("Flow: sick contracted hours / contracted hours")
    coaching_hours_per_participant_week = fields.Decimal(as_string=True, allow_none=True, metadata={
        "type": "string", "format": "decimal", "description": "Flow: coaching hours / participant-weeks"})
    debt_support_count = Count("Stock: active participants with debt support running on as_of")
    share_over_50 = Fraction("Stock: active participants aged 50 or more, of those with a known birth date")
    by_gender = ByKey("Stock: active participants by gender")
    by_household = ByKey("Stock: active participants by household type")
    wellbeing_instrument = fields.String(metadata={"description": "The instrument the change is measured on"})
    wellbeing_change = fields.Dict(keys=fields.String(), values=fields.Decimal(as_string=True), metadata={
        "description": "Flow: mean change per domain, first to latest measurement"})
    costs = fields.Nested(CostsSchema, metadata={"description": "Flow: costs over [from, to) (negative offsets)"})
    costs_missing = fields.List(fields.Nested(MissingSchema), metadata={
        "description": "National parameters not published for part of the period (left out of the costs)"})
    target = fields.Integer(allow_none=True, metadata={"description": "Target number of basisbanen"})
    target_year = fields.Integer(allow_none=True)


@bp.route("")
class Kpis(MethodView):
    @require("kpis.view")
    @bp.arguments(KpiQuerySchema, location="query")
    @bp.response(200, KpiSchema)
    def get(self, args):
        """Key figures: stocks on as_of, flows over [from, to)"""
        period = kpi_service.check(db.session, args["as_of"], args["from_"], args["to"])
        return kpi_service.compute(db.session, current_app.extensions["basisbaan.secrets"],
                                   SettingsTimeline(db.session, tenant_hooks()), period)
