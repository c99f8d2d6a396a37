"""Marshmallow schemas of work profiles and match suggestions."""

from __future__ import annotations

from marshmallow import fields, validate

from basisbaan.api.schemas import StrictSchema
from basisbaan.domain.matching import MAX_POINTS
from basisbaan.models.work import DEMANDS, PHYSICAL_DEMANDS, TASK_CATEGORIES, WEEKDAYS


class WorkProfileInputSchema(StrictSchema):
    preferred_categories = fields.List(fields.String(validate=validate.OneOf(TASK_CATEGORIES)),
                                       validate=validate.Length(max=len(TASK_CATEGORIES)),
                                       metadata={"description": "Kinds of work the person prefers (task categories)"})
    available_days = fields.List(fields.String(validate=validate.OneOf(WEEKDAYS)), validate=validate.Length(max=7),
                                 metadata={"description": "Days the person can work; empty: any day"})
    max_physical_demand = fields.String(allow_none=True, validate=validate.OneOf(PHYSICAL_DEMANDS),
                                        metadata={"description": "The heaviest physical work the person can do"})
    limitations = fields.List(fields.String(validate=validate.OneOf(DEMANDS)), validate=validate.Length(max=len(DEMANDS)),
                              metadata={"description": "Task demands the person cannot meet (stored encrypted)"})
    version = fields.Integer(load_default=None, allow_none=True,
                             metadata={"description": "The version you read; required when a profile exists"})


class WorkProfileSchema(StrictSchema):
    preferred_categories = fields.List(fields.String())
    available_days = fields.List(fields.String())
    max_physical_demand = fields.String(allow_none=True)
    limitations = fields.List(fields.String(), allow_none=True,
                              metadata={"description": "Null for roles that may not see health-derived data"})
    version = fields.Integer(allow_none=True, metadata={"description": "Null: no profile recorded yet"})


class MatchQuerySchema(StrictSchema):
    on = fields.Date(load_default=None, metadata={"description": "Date of the match (default today)"})
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 100))
    include_blocked = fields.Boolean(load_default=False,
                                     metadata={"description": "Also list what cannot fit, with the reason"})


class FactorSchema(StrictSchema):
    factor = fields.String(metadata={"description": "neighbourhood, preferences, hours, days, demands or places"})
    points = fields.Integer()
    outcome = fields.String(metadata={"description": (
        "neighbourhood: same_neighbourhood, same_area, municipality_wide, elsewhere, unknown; preferences: "
        "preferred, not_preferred, unknown; hours: fits_exactly, fits_partly, more_than_free, no_free_hours, "
        "unknown; days: available, any_day, partly_available; demands: no_conflict, conflicts; places: free, full")})
    blocks = fields.Boolean(metadata={"description": "This factor rules the match out"})
    details = fields.List(fields.String(), metadata={"description": (
        "e.g. the free hours, the conflicting demands, the days not available, the free places")})


class MatchedTaskSchema(StrictSchema):
    id = fields.UUID()
    title = fields.String()
    category = fields.String()
    neighbourhood = fields.String(allow_none=True)
    host = fields.String(allow_none=True)
    hours_per_week = fields.Decimal(as_string=True)
    days = fields.List(fields.String())


class TaskMatchSchema(StrictSchema):
    task = fields.Nested(MatchedTaskSchema)
    points = fields.Integer()
    max_points = fields.Integer(metadata={"example": MAX_POINTS})
    blocked = fields.Boolean()
    factors = fields.List(fields.Nested(FactorSchema))


class TaskMatchesSchema(StrictSchema):
    on = fields.Date()
    free_hours = fields.Decimal(as_string=True, allow_none=True,
                                metadata={"description": "Contract hours minus the running package (null: no contract)"})
    total = fields.Integer(metadata={"description": "Matches before the limit"})
    matches = fields.List(fields.Nested(TaskMatchSchema))


class MatchedParticipantSchema(StrictSchema):
    id = fields.UUID()
    name = fields.String()
    neighbourhood = fields.String(allow_none=True)


class ParticipantMatchSchema(StrictSchema):
    participant = fields.Nested(MatchedParticipantSchema)
    points = fields.Integer()
    max_points = fields.Integer()
    blocked = fields.Boolean()
    factors = fields.List(fields.Nested(FactorSchema))


class ParticipantMatchesSchema(StrictSchema):
    on = fields.Date()
    task_id = fields.UUID()
    assignable = fields.Boolean(metadata={"description": (
        "Whether the task may take participants now (approved or active, latest displacement check passed); "
        "suggestions for a task that may not are for planning only")})
    free_places = fields.Integer()
    total = fields.Integer()
    matches = fields.List(fields.Nested(ParticipantMatchSchema))
