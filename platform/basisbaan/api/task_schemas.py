"""Marshmallow schemas of tasks, displacement checks and assignments."""

from __future__ import annotations

from marshmallow import fields, validate

from basisbaan.api.schemas import StrictSchema
from basisbaan.models.work import (DEMANDS, PHYSICAL_DEMANDS, TASK_CATEGORIES, TASK_SOURCES, TASK_STATUSES, VERDICTS,
                                   WEEKDAYS)
from basisbaan.services.tasks import MANUAL_STATUSES


class TaskInputSchema(StrictSchema):
    title = fields.String(required=True, validate=validate.Length(1, 200))
    description = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))
    category = fields.String(required=True, validate=validate.OneOf(TASK_CATEGORIES))
    host_organisation_id = fields.UUID(load_default=None, allow_none=True)
    neighbourhood_id = fields.UUID(load_default=None, allow_none=True)
    hours_per_week = fields.Decimal(required=True, as_string=True, places=1, validate=validate.Range(0, 40, min_inclusive=False))
    days = fields.List(fields.String(validate=validate.OneOf(WEEKDAYS)), load_default=list,
                       validate=validate.Length(max=7), metadata={"description": "Weekdays mon..sun"})
    places = fields.Integer(load_default=1, validate=validate.Range(1, 100))
    physical_demand = fields.String(load_default="light", validate=validate.OneOf(PHYSICAL_DEMANDS))
    demands = fields.List(fields.String(validate=validate.OneOf(DEMANDS)), load_default=list,
                          validate=validate.Length(max=len(DEMANDS)))
    host_contribution_per_year = fields.Decimal(
        load_default=None, allow_none=True, as_string=True, places=2, validate=validate.Range(0, 100000),
        metadata={"description": "What the host pays per participant on the task per year (prorated by day)"})
    source = fields.String(required=True, validate=validate.OneOf(TASK_SOURCES),
                           metadata={"description": "Who brought it in: a neighbourhood organisation, an area team, "
                                                    "or made to fit a participant"})


class TaskUpdateSchema(TaskInputSchema):
    """Used with partial=True; `version` is required."""

    version = fields.Integer(required=True, metadata={"description": "The version you read (optimistic locking)"})
    status = fields.String(validate=validate.OneOf(MANUAL_STATUSES),
                           metadata={"description": "approved follows from a passed displacement check"})


class CheckSummarySchema(StrictSchema):
    checked_on = fields.Date()
    verdict = fields.String()
    recheck_due = fields.Date(metadata={"description": "A year after a passed check"})


class TaskSchema(StrictSchema):
    id = fields.UUID()
    title = fields.String()
    description = fields.String(allow_none=True)
    category = fields.String()
    host_organisation_id = fields.UUID(allow_none=True)
    host = fields.String(allow_none=True)
    neighbourhood_id = fields.UUID(allow_none=True)
    neighbourhood = fields.String(allow_none=True)
    hours_per_week = fields.Decimal(as_string=True)
    days = fields.List(fields.String())
    places = fields.Integer()
    taken_places = fields.Integer(metadata={"description": "Participants on the task today"})
    physical_demand = fields.String()
    demands = fields.List(fields.String())
    source = fields.String()
    host_contribution_per_year = fields.Decimal(as_string=True, allow_none=True)
    status = fields.String(validate=validate.OneOf(TASK_STATUSES))
    assignable = fields.Boolean(metadata={"description": "Open to participants: its latest displacement check passed"})
    latest_check = fields.Nested(CheckSummarySchema, allow_none=True)
    version = fields.Integer()


class TaskQuerySchema(StrictSchema):
    status = fields.String(load_default=None, validate=validate.OneOf(TASK_STATUSES))
    category = fields.String(load_default=None, validate=validate.OneOf(TASK_CATEGORIES))
    neighbourhood_id = fields.UUID(load_default=None)
    host_organisation_id = fields.UUID(load_default=None)
    q = fields.String(load_default=None, validate=validate.Length(max=100), metadata={"description": "Title or text"})


class CheckInputSchema(StrictSchema):
    checked_on = fields.Date(required=True)
    done_by_paid_staff = fields.Boolean(required=True, metadata={"description": "Is or was this work done by paid staff?"})
    host_would_hire = fields.Boolean(required=True, metadata={"description": "Would the host otherwise hire someone?"})
    done_by_volunteers = fields.Boolean(required=True, metadata={"description": "Do volunteers do this work now?"})
    is_additional = fields.Boolean(required=True, metadata={"description": "Is it additional to what the host does anyway?"})
    verdict = fields.String(required=True, validate=validate.OneOf(VERDICTS),
                            metadata={"description": "approved only when no answer points at displacement"})
    reasons = fields.String(required=True, validate=validate.Length(1, 4000))
    version = fields.Integer(load_default=None, allow_none=True, metadata={"description": "The task version you read"})


class CheckSchema(StrictSchema):
    id = fields.UUID()
    checked_on = fields.Date()
    done_by_paid_staff = fields.Boolean()
    host_would_hire = fields.Boolean()
    done_by_volunteers = fields.Boolean()
    is_additional = fields.Boolean()
    verdict = fields.String()
    reasons = fields.String()
    checked_by = fields.String(allow_none=True)


class AssignmentInputSchema(StrictSchema):
    task_id = fields.UUID(required=True)
    hours_per_week = fields.Decimal(required=True, as_string=True, places=1,
                                    validate=validate.Range(0, 40, min_inclusive=False))
    days = fields.List(fields.String(validate=validate.OneOf(WEEKDAYS)), load_default=list,
                       validate=validate.Length(max=7))
    start_on = fields.Date(required=True)
    end_on = fields.Date(load_default=None, allow_none=True, metadata={"description": "Last day; none: open"})
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class AssignmentEndSchema(StrictSchema):
    end_on = fields.Date(required=True, metadata={"description": "Last day (shortening only)"})


class AssignmentSchema(StrictSchema):
    id = fields.UUID()
    task_id = fields.UUID()
    task_title = fields.String()
    hours_per_week = fields.Decimal(as_string=True)
    days = fields.List(fields.String())
    start_on = fields.Date()
    end_on = fields.Date(allow_none=True)
    note = fields.String(allow_none=True)


class AssignmentQuerySchema(StrictSchema):
    on = fields.Date(load_default=None, metadata={"description": "The package on this date (default today)"})


class PackageSchema(StrictSchema):
    on = fields.Date()
    hours = fields.Decimal(as_string=True, metadata={"description": "Hours of the tasks running on `on`"})
    contract_hours = fields.Decimal(as_string=True, allow_none=True)
    fits = fields.Boolean(metadata={"description": "The package's hours equal the contract's"})
    running = fields.List(fields.Nested(AssignmentSchema))
    history = fields.List(fields.Nested(AssignmentSchema), metadata={"description": "Every assignment, oldest first"})
