"""Settings Groningen's admins may tune, with the defaults from the council letters."""

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
