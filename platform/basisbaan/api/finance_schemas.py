"""Marshmallow schemas of costs, wage values, funding sources, budgets and forecasts. Money is a decimal
string (never a float), unrounded in cost lines' bases and rounded to cents in totals."""

from __future__ import annotations

from marshmallow import fields, validate

from basisbaan.api.schemas import StrictSchema
from basisbaan.domain.cao_catalogue import CAO_CODES
from basisbaan.domain.costs import LINES
from basisbaan.models.finance import FUNDING_KINDS
from basisbaan.models.person import HOUSEHOLD_TYPES
from basisbaan.services.costs import GROUP_BY

def Money(**kw) -> fields.Decimal:  # noqa: N802 - reads like a field class
    """Euros as a decimal string with cents ("1234.50"), documented as such (not as a float)."""
    metadata = {"type": "string", "format": "decimal", "example": "1234.50", **kw.pop("metadata", {})}
    return fields.Decimal(as_string=True, places=2, metadata=metadata, **kw)
LINE_DOC = ("wages (gross, holiday allowance, year-end payment), employer_charges (premiums and pension), "
            "employership, coaching_external, coaching_municipal, training; host_contribution (negative); "
            "wage_cost_subsidy and assistance_saved (offsets, negative)")


class PeriodQuerySchema(StrictSchema):
    from_ = fields.Date(required=True, data_key="from")
    to = fields.Date(required=True, metadata={"description": "Exclusive"})


class CostsQuerySchema(PeriodQuerySchema):
    group_by = fields.String(load_default=None, validate=validate.OneOf(GROUP_BY),
                             metadata={"description": "month, year, employer, cao, neighbourhood, or participant (the key "
                                                      "is the participant's id; finance and municipal coaches)"})


class BasisSchema(StrictSchema):
    start = fields.Date()
    end = fields.Date(metadata={"description": "Exclusive"})
    days = fields.Integer()
    amount = fields.Decimal(as_string=True)
    rate = fields.Decimal(as_string=True)
    unit = fields.String(metadata={"description": "per_year, per_hour, per_month, one_off, fraction, "
                                                  "wage_value_percent"})
    hours = fields.Decimal(as_string=True, allow_none=True)
    source = fields.String(metadata={"description": "Where the rate comes from"})


class LineSchema(StrictSchema):
    code = fields.String(metadata={"description": LINE_DOC})
    amount = Money()
    bases = fields.List(fields.Nested(BasisSchema))


class MissingSchema(StrictSchema):
    parameter = fields.String()
    first_day = fields.Date()


class TotalsSchema(StrictSchema):
    lines = fields.Dict(keys=fields.String(validate=validate.OneOf(LINES)), values=Money())
    costs = Money()
    contributions = Money()
    gross = Money(metadata={"description": "Costs plus (negative) host contributions"})
    offsets = Money(metadata={"description": "Wage-cost subsidy and assistance no longer paid (negative)"})
    net = Money()


class ParticipantCostSchema(StrictSchema):
    participant_id = fields.UUID()
    from_ = fields.Date(data_key="from", attribute="start")
    to = fields.Date(attribute="end")
    lines = fields.List(fields.Nested(LineSchema))
    totals = fields.Nested(TotalsSchema)
    missing = fields.List(fields.Nested(MissingSchema), metadata={
        "description": "Parameters not published for days of the period: left out of their line, never guessed"})
    provisional_from = fields.Date(allow_none=True, metadata={
        "description": "From this day the minimum wage is the last published one carried forward"})


class GroupSchema(StrictSchema):
    key = fields.String()
    totals = fields.Nested(TotalsSchema)


class ProgrammeCostSchema(StrictSchema):
    from_ = fields.Date(data_key="from", attribute="start")
    to = fields.Date(attribute="end")
    group_by = fields.String(allow_none=True)
    participants = fields.Integer()
    groups = fields.List(fields.Nested(GroupSchema))
    suppressed_groups = fields.Integer(metadata={"description": (
        "Groups left out because they hold fewer than five participants (for roles that may not see a "
        "person's costs); the total still counts them")})
    total = fields.Nested(TotalsSchema)
    missing = fields.List(fields.Nested(MissingSchema))
    provisional_from = fields.Date(allow_none=True)


class WageValueInputSchema(StrictSchema):
    assessed_on = fields.Date(required=True)
    wage_value_percent = fields.Decimal(required=True, as_string=True, places=2, validate=validate.Range(0, 100))
    assessor = fields.String(required=True, validate=validate.Length(1, 200))


class WageValueSchema(StrictSchema):
    id = fields.UUID()
    assessed_on = fields.Date()
    wage_value_percent = fields.Decimal(as_string=True)
    assessor = fields.String()


class FundingInputSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(1, 200))
    kind = fields.String(required=True, validate=validate.OneOf(FUNDING_KINDS),
                         metadata={"description": "municipal_budget, grant, agreement or other"})
    funder = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    amount = fields.Decimal(required=True, as_string=True, places=2, validate=validate.Range(0, 1000000000))
    start_on = fields.Date(required=True)
    end_on = fields.Date(load_default=None, allow_none=True, metadata={"description": "Last day"})
    conditions = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))
    earmark = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class FundingUpdateSchema(FundingInputSchema):
    """Used with partial=True; `version` is required."""

    version = fields.Integer(required=True)


class AllocationInputSchema(StrictSchema):
    year = fields.Integer(required=True, validate=validate.Range(1900, 2100))
    amount = fields.Decimal(required=True, as_string=True, places=2, validate=validate.Range(0, 1000000000,
                                                                                              min_inclusive=False))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class AllocationSchema(StrictSchema):
    id = fields.UUID()
    year = fields.Integer()
    amount = Money()
    note = fields.String(allow_none=True)


class FundingSchema(StrictSchema):
    id = fields.UUID()
    name = fields.String()
    kind = fields.String()
    funder = fields.String(allow_none=True)
    amount = Money()
    start_on = fields.Date()
    end_on = fields.Date(allow_none=True)
    conditions = fields.String(allow_none=True)
    earmark = fields.String(allow_none=True)
    version = fields.Integer()
    allocated = Money()
    remaining = Money()
    allocations = fields.List(fields.Nested(AllocationSchema))


class FundingQuerySchema(StrictSchema):
    kind = fields.String(load_default=None, validate=validate.OneOf(FUNDING_KINDS))


class BudgetQuerySchema(StrictSchema):
    from_year = fields.Integer(required=True, validate=validate.Range(1900, 2100))
    to_year = fields.Integer(required=True, validate=validate.Range(1900, 2100))


class BudgetYearSchema(StrictSchema):
    year = fields.Integer()
    budget = Money()
    by_source = fields.Dict(keys=fields.String(), values=Money())
    actual = fields.Nested(TotalsSchema)
    gap = Money(metadata={"description": "Actual net costs minus the budget (positive: money short)"})


class BudgetSchema(StrictSchema):
    years = fields.List(fields.Nested(BudgetYearSchema))
    missing = fields.List(fields.Nested(MissingSchema))
    provisional_from = fields.Date(allow_none=True)


class ScenarioSchema(StrictSchema):
    start_year = fields.Integer(required=True, validate=validate.Range(2000, 2100))
    end_year = fields.Integer(required=True, validate=validate.Range(2000, 2100))
    current = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(0, 100000), metadata={
        "description": "Participants at the start; default: those active on 1 January of the start year"})
    target = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(0, 100000))
    growth_per_year = fields.Integer(load_default=0, validate=validate.Range(0, 10000))
    start_month = fields.Integer(load_default=1, validate=validate.Range(1, 12),
                                 metadata={"description": "Month in which each year's new participants start"})
    exit_rate = fields.Decimal(load_default=None, allow_none=True, as_string=True, validate=validate.Range(0, 1),
                               metadata={"description": "Share of participants leaving each year"})
    hours_per_week = fields.Decimal(load_default=None, allow_none=True, as_string=True, places=1)
    cao = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(CAO_CODES))
    household_type = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(HOUSEHOLD_TYPES),
                                   metadata={"description": "For the assistance no longer paid (default single)"})
    host_contribution_per_year = fields.Decimal(load_default=None, allow_none=True, as_string=True,
                                                validate=validate.Range(0, 100000))
    carry_forward_norms = fields.Boolean(load_default=False, metadata={
        "description": "Assume the last published assistance norm after it (marked provisional)"})
    employership_cost_per_year = fields.Decimal(load_default=None, allow_none=True, as_string=True,
                                                validate=validate.Range(0, 100000))
    coaching_external_first_year = fields.Decimal(load_default=None, allow_none=True, as_string=True,
                                                  validate=validate.Range(0, 100000))
    coaching_external_later_years = fields.Decimal(load_default=None, allow_none=True, as_string=True,
                                                   validate=validate.Range(0, 100000))
    coaching_municipal_per_year = fields.Decimal(load_default=None, allow_none=True, as_string=True,
                                                 validate=validate.Range(0, 100000))
    employer_charges_rate = fields.Decimal(load_default=None, allow_none=True, as_string=True,
                                           validate=validate.Range(0, 1))
    pension_rate = fields.Decimal(load_default=None, allow_none=True, as_string=True, validate=validate.Range(0, 1))
    default_wage_value_percent = fields.Decimal(load_default=None, allow_none=True, as_string=True,
                                                validate=validate.Range(0, 100))


class ForecastInputSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(1, 200))
    description = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))
    parameters = fields.Nested(ScenarioSchema, required=True)


class ProjectionYearSchema(StrictSchema):
    year = fields.Integer()
    participants_start = fields.Decimal(as_string=True, places=1)
    starters = fields.Decimal(as_string=True, places=1)
    exits = fields.Decimal(as_string=True, places=1)
    participants_end = fields.Decimal(as_string=True, places=1)
    totals = fields.Nested(TotalsSchema)
    funding = Money(metadata={"description": "Allocations recorded for the year"})
    gap = Money()
    missing = fields.List(fields.Nested(MissingSchema))
    provisional = fields.Boolean()


class ForecastSchema(StrictSchema):
    id = fields.UUID()
    name = fields.String()
    description = fields.String(allow_none=True)
    parameters = fields.Dict()
    created_by = fields.String(allow_none=True)
    created_at = fields.DateTime()
    projection = fields.List(fields.Nested(ProjectionYearSchema), metadata={"description": "Only when read one by one"})
