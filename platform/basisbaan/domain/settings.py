"""The settings every municipality has; plugins extend this schema with their own."""

from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema


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
