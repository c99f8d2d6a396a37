"""Settings Tilburg's admins may tune: the pilot's places and contract length."""

from marshmallow import fields, validate

from basisbaan.domain.cao_catalogue import CAO_CODES, CAO_SW
from basisbaan.domain.settings import CoreSettingsSchema


class TilburgSettingsSchema(CoreSettingsSchema):
    pilot_places = fields.Integer(load_default=5, validate=validate.Range(min=0))
    contract_months = fields.Integer(load_default=24, validate=validate.Range(1, 120))
    cao = fields.String(load_default=CAO_SW, validate=validate.OneOf(CAO_CODES))
    employer_name = fields.String(load_default="Diamant-groep")
    target_participants = fields.Integer(load_default=50, allow_none=True, validate=validate.Range(min=0))
    target_year = fields.Integer(load_default=2025, allow_none=True, validate=validate.Range(2000, 2100))
