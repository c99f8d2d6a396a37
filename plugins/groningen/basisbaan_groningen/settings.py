"""Settings Groningen's admins may tune, with the defaults from the council letters."""

from decimal import Decimal

from marshmallow import fields, validate

from basisbaan.domain.cao_catalogue import CAO_CODES, CAO_SW
from basisbaan.domain.settings import CoreSettingsSchema


class GroningenSettingsSchema(CoreSettingsSchema):
    minimum_age = fields.Integer(load_default=27, validate=validate.Range(18, 67))
    # "long-term receipt": the Amersfoort note describes Groningen's target group as > 3 years on assistance.
    minimum_assistance_years = fields.Integer(load_default=3, validate=validate.Range(0, 20))
    # Candidates should be available 32-36 hours a week (fewer by agreement); contracts may be 20-36.
    eligible_hours_min = fields.Integer(load_default=32, validate=validate.Range(1, 40))
    eligible_hours_max = fields.Integer(load_default=36, validate=validate.Range(1, 40))
    hours_per_week_min = fields.Integer(load_default=20, validate=validate.Range(1, 40))
    hours_per_week_max = fields.Integer(load_default=36, validate=validate.Range(1, 40))
    default_hours_per_week = fields.Integer(load_default=32, validate=validate.Range(1, 40))
    cao = fields.String(load_default=CAO_SW, validate=validate.OneOf(CAO_CODES))
    employer_name = fields.String(load_default="Thermiek BV")
    # Temporary contracts of a year; permanent after three years on the coach's advice (council letters).
    permanent_after_years = fields.Integer(load_default=3, allow_none=True, validate=validate.Range(1, 10))
    target_participants = fields.Integer(load_default=250, allow_none=True, validate=validate.Range(min=0))
    target_year = fields.Integer(load_default=2026, allow_none=True, validate=validate.Range(2000, 2100))
    # Costs from the letter of 8 March 2023: employership 1,500 a year; coaching organisations 4,000 in the
    # first year and 3,000 later; the municipal coach 1,500. The letter puts wage and employer charges of a
    # 32-hour minimum-wage job at about 27,000: 15% on the CAO SW pay of 2023 (23,488), lower than the
    # national premiums (about 18% plus PWRI pension) because the employer's wage-cost advantages are netted
    # off. These settings carry the letter's 15% (9% charges, 6% pension); admins can set actual rates.
    employership_cost_per_year = fields.Decimal(load_default=Decimal(1500), as_string=True,
                                                validate=validate.Range(0, 100000))
    coaching_external_first_year = fields.Decimal(load_default=Decimal(4000), as_string=True,
                                                  validate=validate.Range(0, 100000))
    coaching_external_later_years = fields.Decimal(load_default=Decimal(3000), as_string=True,
                                                   validate=validate.Range(0, 100000))
    coaching_municipal_per_year = fields.Decimal(load_default=Decimal(1500), as_string=True,
                                                 validate=validate.Range(0, 100000))
    employer_charges_rate = fields.Decimal(load_default=Decimal("0.09"), allow_none=True, as_string=True,
                                           validate=validate.Range(0, 1))
    pension_rate = fields.Decimal(load_default=Decimal("0.06"), allow_none=True, as_string=True,
                                  validate=validate.Range(0, 1))
