"""Marshmallow schemas of coaching sessions, coaching hours, debt support and training."""

from __future__ import annotations

from marshmallow import fields, validate

from basisbaan.api.schemas import StrictSchema
from basisbaan.models.support import COACHING_KINDS, DEBT_SUPPORT_KINDS, DEBT_SUPPORT_STATUSES, TRAINING_KINDS


class CoachingInputSchema(StrictSchema):
    participant_id = fields.UUID(required=True)
    held_on = fields.Date(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(COACHING_KINDS),
                         metadata={"description": "work (job coach) or income_wellbeing (municipal coach)"})
    hours = fields.Decimal(required=True, as_string=True, places=2, validate=validate.Range(0, 24, min_inclusive=False))
    coach_id = fields.UUID(load_default=None, allow_none=True, metadata={"description": "Default: you"})


class CoachingSchema(StrictSchema):
    id = fields.UUID()
    participant_id = fields.UUID()
    held_on = fields.Date()
    kind = fields.String()
    hours = fields.Decimal(as_string=True)
    coach_id = fields.UUID(allow_none=True)
    organisation_id = fields.UUID(allow_none=True)
    coach_label = fields.String(allow_none=True)


class CoachingQuerySchema(StrictSchema):
    participant_id = fields.UUID(load_default=None)
    from_ = fields.Date(load_default=None, data_key="from")
    to = fields.Date(load_default=None, metadata={"description": "Exclusive"})
    kind = fields.String(load_default=None, validate=validate.OneOf(COACHING_KINDS))


class CoachingHoursQuerySchema(StrictSchema):
    from_ = fields.Date(required=True, data_key="from")
    to = fields.Date(required=True, metadata={"description": "Exclusive"})
    participant_id = fields.UUID(load_default=None)
    neighbourhood_id = fields.UUID(load_default=None)
    coach_id = fields.UUID(load_default=None)
    coaching_organisation_id = fields.UUID(load_default=None)


class CoachingHoursSchema(StrictSchema):
    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()
    participants = fields.Integer(allow_none=True)
    participant_weeks = fields.Decimal(as_string=True, allow_none=True)
    hours = fields.Decimal(as_string=True, allow_none=True)
    hours_per_participant_week = fields.Decimal(as_string=True, allow_none=True, metadata={
        "description": "Coaching hours / participant-weeks in the programme in the period"})
    by_kind = fields.Dict(keys=fields.String(), values=fields.Decimal(as_string=True), allow_none=True)
    lowest_individual = fields.Decimal(as_string=True, allow_none=True,
                                       metadata={"description": "Lowest individual average per week"})
    highest_individual = fields.Decimal(as_string=True, allow_none=True)
    suppressed = fields.Boolean()


class DebtInputSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(DEBT_SUPPORT_KINDS))
    referred_on = fields.Date(required=True)
    status = fields.String(load_default="referred", validate=validate.OneOf(DEBT_SUPPORT_STATUSES))
    ended_on = fields.Date(load_default=None, allow_none=True)
    notes = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000),
                          metadata={"description": "Stored encrypted"})


class DebtUpdateSchema(StrictSchema):
    version = fields.Integer(required=True)
    kind = fields.String(validate=validate.OneOf(DEBT_SUPPORT_KINDS))
    referred_on = fields.Date()
    status = fields.String(validate=validate.OneOf(DEBT_SUPPORT_STATUSES))
    ended_on = fields.Date(allow_none=True)
    notes = fields.String(allow_none=True, validate=validate.Length(max=4000))


class DebtSchema(StrictSchema):
    id = fields.UUID()
    kind = fields.String()
    referred_on = fields.Date()
    status = fields.String()
    ended_on = fields.Date(allow_none=True)
    notes = fields.String(allow_none=True)
    version = fields.Integer()


class TrainingInputSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(TRAINING_KINDS),
                         metadata={"description": "first_aid (BHV), social_hygiene or other"})
    name = fields.String(required=True, validate=validate.Length(1, 200))
    started_on = fields.Date(required=True)
    completed_on = fields.Date(load_default=None, allow_none=True)
    certificate_number = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    certificate_valid_until = fields.Date(load_default=None, allow_none=True)
    cost = fields.Decimal(load_default=None, allow_none=True, as_string=True, places=2)


class TrainingUpdateSchema(StrictSchema):
    version = fields.Integer(required=True)
    kind = fields.String(validate=validate.OneOf(TRAINING_KINDS))
    name = fields.String(validate=validate.Length(1, 200))
    started_on = fields.Date()
    completed_on = fields.Date(allow_none=True)
    certificate_number = fields.String(allow_none=True, validate=validate.Length(max=100))
    certificate_valid_until = fields.Date(allow_none=True)
    cost = fields.Decimal(allow_none=True, as_string=True, places=2)


class TrainingSchema(StrictSchema):
    id = fields.UUID()
    kind = fields.String()
    name = fields.String()
    started_on = fields.Date()
    completed_on = fields.Date(allow_none=True)
    certificate_number = fields.String(allow_none=True)
    certificate_valid_until = fields.Date(allow_none=True)
    cost = fields.Decimal(as_string=True, allow_none=True)
    version = fields.Integer()


class SupportSchema(StrictSchema):
    debt_support = fields.List(fields.Nested(DebtSchema), allow_none=True,
                               metadata={"description": "Municipal coaches only (null for other roles)"})
    trainings = fields.List(fields.Nested(TrainingSchema))
