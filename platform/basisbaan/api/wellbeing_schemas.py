"""Marshmallow schemas of wellbeing measurements and the change per domain."""

from __future__ import annotations

from marshmallow import fields

from basisbaan.api.schemas import StrictSchema


class MeasurementInputSchema(StrictSchema):
    measured_on = fields.Date(required=True)
    scores = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True), required=True, metadata={
        "description": "Domain code -> whole-number score on the instrument's scale (every domain)",
        "example": {"income": 3, "savings": 2, "debts": 2, "social_contacts": 3, "housing": 4}})


class MeasurementSchema(StrictSchema):
    id = fields.UUID()
    measured_on = fields.Date()
    instrument = fields.String()
    scores = fields.Dict(keys=fields.String(), values=fields.Integer())
    measured_by = fields.String(allow_none=True)


class DomainSchema(StrictSchema):
    code = fields.String()
    label_nl = fields.String()
    label_en = fields.String()


class InstrumentSchema(StrictSchema):
    code = fields.String()
    name_nl = fields.String()
    name_en = fields.String()
    low = fields.Integer()
    high = fields.Integer()
    domains = fields.List(fields.Nested(DomainSchema))


class DomainChangeSchema(StrictSchema):
    code = fields.String()
    first = fields.Decimal(as_string=True, metadata={"description": "Mean first score"})
    latest = fields.Decimal(as_string=True, metadata={"description": "Mean latest score"})
    change = fields.Decimal(as_string=True, metadata={"description": "Mean of latest minus first"})


class WellbeingSchema(StrictSchema):
    instrument = fields.Nested(InstrumentSchema)
    measurements = fields.List(fields.Nested(MeasurementSchema))
    change = fields.List(fields.Nested(DomainChangeSchema), metadata={
        "description": "First to latest measurement on the instrument of the latest (empty below two)"})
    next_due = fields.Date(allow_none=True, metadata={"description": "When the next measurement is due"})


class WellbeingChangeQuerySchema(StrictSchema):
    from_ = fields.Date(required=True, data_key="from")
    to = fields.Date(required=True, metadata={"description": "Exclusive"})
    neighbourhood_id = fields.UUID(load_default=None)
    coach_id = fields.UUID(load_default=None)
    coaching_organisation_id = fields.UUID(load_default=None)


class WellbeingChangeSchema(StrictSchema):
    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()
    instrument = fields.Nested(InstrumentSchema)
    participants = fields.Integer(allow_none=True, metadata={
        "description": "Participants measured at least twice whose latest measurement lies in the period"})
    domains = fields.List(fields.Nested(DomainChangeSchema), allow_none=True)
    suppressed = fields.Boolean(metadata={"description": "Fewer than five participants: figures hidden"})
