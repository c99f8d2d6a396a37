"""The settings every municipality has; plugins extend this schema with their own."""

from __future__ import annotations

from decimal import Decimal

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from basisbaan.domain.cao_catalogue import CAO_AAN_DE_SLAG, CAO_CODES
from basisbaan.models.employment import EXIT_REASONS


class CoreSettingsSchema(Schema):
    """Settings used by the core. Every field has a default, so an empty version loads completely."""

    class Meta:
        unknown = RAISE

    hours_per_week_min = fields.Integer(load_default=20, validate=validate.Range(1, 40),
                                        metadata={"description": "Fewest contract hours per week allowed"})
    hours_per_week_max = fields.Integer(load_default=36, validate=validate.Range(1, 40),
                                        metadata={"description": "Most contract hours per week allowed"})
    default_hours_per_week = fields.Integer(load_default=32, validate=validate.Range(1, 40),
                                            metadata={"description": "Contract hours for a new participant"})
    cao = fields.String(load_default=CAO_AAN_DE_SLAG, validate=validate.OneOf(CAO_CODES),
                        metadata={"description": "Collective agreement for new contracts"})
    employer_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200),
                                  metadata={"description": "The usual employer of the basisbaners"})
    contract_months = fields.Integer(load_default=12, validate=validate.Range(1, 120),
                                     metadata={"description": "Length of a first temporary contract in months"})
    trial_period_months = fields.Integer(load_default=0, validate=validate.Range(0, 2),
                                         metadata={"description": "Trial period of a new contract (0-2 months)"})
    permanent_after_years = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(1, 10),
        metadata={"description": "Years of employment after which a permanent contract is considered"})
    contract_end_notice_weeks = fields.Integer(
        load_default=8, validate=validate.Range(1, 52),
        metadata={"description": "Work list: temporary contracts ending within this many weeks"})
    performance_report_weeks = fields.Integer(
        load_default=12, validate=validate.Range(1, 52),
        metadata={"description": "Work list: a performance report is due this many weeks before a contract ends"})
    dropout_reasons = fields.List(
        fields.String(validate=validate.OneOf(EXIT_REASONS)), load_default=lambda: ["resigned", "dismissed"],
        metadata={"description": "Exit reasons that count as drop-out"})
    wellbeing_first_weeks = fields.Integer(
        load_default=4, validate=validate.Range(1, 26),
        metadata={"description": "Work list: the first wellbeing measurement is due this many weeks after the start"})
    wellbeing_interval_months = fields.Integer(
        load_default=6, validate=validate.Range(1, 24),
        metadata={"description": "Work list: months between wellbeing measurements"})
    # Cost parameters (issue 7), in euros per participant per year unless said otherwise; prorated by day.
    employership_cost_per_year = fields.Decimal(
        load_default=Decimal(0), as_string=True, validate=validate.Range(0, 100000),
        metadata={"description": "Costs of employership per participant per year (payroll, administration)"})
    coaching_external_first_year = fields.Decimal(
        load_default=Decimal(0), as_string=True, validate=validate.Range(0, 100000),
        metadata={"description": "Coaching organisation's fee per participant in the first year of employment"})
    coaching_external_later_years = fields.Decimal(
        load_default=Decimal(0), as_string=True, validate=validate.Range(0, 100000),
        metadata={"description": "Coaching organisation's fee per participant in later years"})
    coaching_municipal_per_year = fields.Decimal(
        load_default=Decimal(0), as_string=True, validate=validate.Range(0, 100000),
        metadata={"description": "Cost of the municipal coach per participant per year"})
    employer_charges_rate = fields.Decimal(
        load_default=None, allow_none=True, as_string=True, validate=validate.Range(0, 1),
        metadata={"description": "Employer charges as a fraction of pay, when they differ from the CAO's "
                                 "(e.g. net of wage-cost advantages); empty: the CAO's rate"})
    pension_rate = fields.Decimal(
        load_default=None, allow_none=True, as_string=True, validate=validate.Range(0, 1),
        metadata={"description": "Employer's pension premium as a fraction of pay; empty: the CAO's rate"})
    default_wage_value_percent = fields.Decimal(
        load_default=None, allow_none=True, as_string=True, validate=validate.Range(0, 100),
        metadata={"description": "Wage value assumed for the wage-cost subsidy when no assessment is recorded; "
                                 "empty: no subsidy without an assessment"})
    target_participants = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0),
                                         metadata={"description": "Target number of basisbanen"})
    target_year = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(2000, 2100),
                                 metadata={"description": "Year by which the target should be reached"})

    @validates_schema
    def _hours_in_order(self, data, **kwargs):
        low, high = data.get("hours_per_week_min"), data.get("hours_per_week_max")
        default = data.get("default_hours_per_week")
        if low is not None and high is not None and low > high:
            raise ValidationError("Must not exceed hours_per_week_max.", "hours_per_week_min")
        if default is not None and low is not None and high is not None and not low <= default <= high:
            raise ValidationError("Must lie between hours_per_week_min and hours_per_week_max.",
                                  "default_hours_per_week")
