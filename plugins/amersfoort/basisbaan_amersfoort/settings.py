"""Settings Amersfoort's admins may tune, following its council motion."""

from marshmallow import fields, validate

from basisbaan.domain.cao_catalogue import CAO_AAN_DE_SLAG, CAO_CODES
from basisbaan.domain.settings import CoreSettingsSchema


class AmersfoortSettingsSchema(CoreSettingsSchema):
    minimum_assistance_years = fields.Integer(load_default=3, validate=validate.Range(0, 20))
    # The motion asks for a government CAO with pension accrual; CAO Aan de Slag is the government one.
    cao = fields.String(load_default=CAO_AAN_DE_SLAG, validate=validate.OneOf(CAO_CODES))
    employer_name = fields.String(load_default="Gemeente Amersfoort")
