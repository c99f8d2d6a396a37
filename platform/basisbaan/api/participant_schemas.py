"""Marshmallow schemas of participants, contracts, absences, the work list and CAO transitions."""

from __future__ import annotations

from marshmallow import fields, validate

from basisbaan.api.schemas import StrictSchema
from basisbaan.domain.cao_catalogue import CAO_CODES
from basisbaan.models.employment import ADVICES, CONTRACT_KINDS, EXIT_REASONS, GATEKEEPER_STEPS
from basisbaan.services.participants import STATUSES
from basisbaan.services.worklist import KINDS as WORKLIST_KINDS

HOURS = dict(places=1, validate=validate.Range(1, 40), metadata={"description": "Hours per week"})


class ParticipantQuerySchema(StrictSchema):
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES),
                           metadata={"description": "On `on`: active, exited or starting (start date later)"})
    neighbourhood_id = fields.UUID(load_default=None)
    coach_id = fields.UUID(load_default=None, metadata={"description": "The municipal coach"})
    coaching_organisation_id = fields.UUID(load_default=None)
    employer_id = fields.UUID(load_default=None, metadata={"description": "Employer of the contract in force on `on`"})
    cao = fields.String(load_default=None, validate=validate.OneOf(CAO_CODES),
                        metadata={"description": "Agreement of the contract version in force on `on`"})
    contract_kind = fields.String(load_default=None, validate=validate.OneOf(CONTRACT_KINDS))
    q = fields.String(load_default=None, validate=validate.Length(max=100), metadata={"description": "Name"})
    on = fields.Date(load_default=None, metadata={"description": "Date for status and contract filters (default today)"})


class PerformanceReportInputSchema(StrictSchema):
    written_on = fields.Date(required=True)
    author = fields.String(required=True, validate=validate.Length(1, 200))
    advice = fields.String(required=True, validate=validate.OneOf(ADVICES))
    summary = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000),
                            metadata={"description": "Stored encrypted; shown to municipal coaches only"})


class ContractInputSchema(StrictSchema):
    employer_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(CONTRACT_KINDS))
    start_on = fields.Date(required=True)
    end_on = fields.Date(load_default=None, allow_none=True,
                         metadata={"description": "Last day of a temporary contract; none for permanent"})
    trial_period_months = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(0, 2))
    hours_per_week = fields.Decimal(required=True, as_string=True, **HOURS)
    cao = fields.String(required=True, validate=validate.OneOf(CAO_CODES))
    wage_scale = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20))
    wage_step = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20))
    performance_report = fields.Nested(PerformanceReportInputSchema, load_default=None, allow_none=True, metadata={
        "description": "For a renewal: the report on the previous contract (unless recorded before)"})


class FirstContractSchema(ContractInputSchema):
    """The first contract; its start defaults to the participant's start."""

    start_on = fields.Date(load_default=None)


class StartInputSchema(StrictSchema):
    candidate_id = fields.UUID(required=True, metadata={"description": "A candidate decided to start"})
    started_on = fields.Date(required=True)
    coach_id = fields.UUID(load_default=None, allow_none=True, metadata={"description": "Default: the candidate's coach"})
    coaching_organisation_id = fields.UUID(load_default=None, allow_none=True)
    contract = fields.Nested(FirstContractSchema, required=True)


class ParticipantUpdateSchema(StrictSchema):
    version = fields.Integer(required=True, metadata={"description": "The version you read (optimistic locking)"})
    coach_id = fields.UUID(allow_none=True)
    coaching_organisation_id = fields.UUID(allow_none=True)


class ContractSummarySchema(StrictSchema):
    id = fields.UUID()
    kind = fields.String()
    employer_id = fields.UUID()
    employer = fields.String(allow_none=True)
    start_on = fields.Date()
    end_on = fields.Date(allow_none=True)
    hours_per_week = fields.Decimal(as_string=True)
    cao = fields.String()


class ParticipantSchema(StrictSchema):
    id = fields.UUID()
    person_id = fields.UUID()
    candidate_id = fields.UUID(allow_none=True)
    given_names = fields.String()
    family_name = fields.String()
    neighbourhood_id = fields.UUID(allow_none=True)
    neighbourhood = fields.String(allow_none=True)
    started_on = fields.Date()
    status = fields.String(validate=validate.OneOf(STATUSES))
    exit_on = fields.Date(allow_none=True, metadata={"description": "Last day in the programme"})
    exit_reason = fields.String(allow_none=True, validate=validate.OneOf(EXIT_REASONS))
    dropout = fields.Boolean(metadata={"description": "The exit reason counts as drop-out (municipality setting)"})
    coach_id = fields.UUID(allow_none=True)
    coach = fields.String(allow_none=True)
    coaching_organisation_id = fields.UUID(allow_none=True)
    coaching_organisation = fields.String(allow_none=True)
    version = fields.Integer()
    current_contract = fields.Nested(ContractSummarySchema, allow_none=True)
    date_of_birth = fields.Date(allow_none=True, metadata={"description": "Municipal coaches only"})
    gender = fields.String(allow_none=True, metadata={"description": "Municipal coaches only"})
    exit_notes = fields.String(allow_none=True, metadata={"description": "Municipal coaches only"})


class ContractVersionSchema(StrictSchema):
    id = fields.UUID()
    valid_from = fields.Date()
    hours_per_week = fields.Decimal(as_string=True)
    cao = fields.String()
    wage_scale = fields.String(allow_none=True)
    wage_step = fields.String(allow_none=True)
    guaranteed_hourly_wage = fields.Decimal(as_string=True, allow_none=True)
    reason = fields.String()
    note = fields.String(allow_none=True)
    hourly_wage = fields.Decimal(as_string=True, allow_none=True,
                                 metadata={"description": "Hourly wage on valid_from (minimum wage, scale or guarantee)"})
    wage_basis = fields.String(allow_none=True)
    wage_provisional = fields.Boolean(allow_none=True, metadata={
        "description": "After the last minimum wage in the platform's table: the last rate, carried forward"})


class PerformanceReportSchema(StrictSchema):
    id = fields.UUID()
    written_on = fields.Date()
    author = fields.String()
    advice = fields.String()
    summary = fields.String(allow_none=True, metadata={"description": "Municipal coaches only"})


class ContractSchema(StrictSchema):
    id = fields.UUID()
    kind = fields.String()
    employer_id = fields.UUID()
    employer = fields.String(allow_none=True)
    start_on = fields.Date()
    end_on = fields.Date(allow_none=True)
    terminated_on = fields.Date(allow_none=True)
    last_day = fields.Date(allow_none=True)
    trial_period_months = fields.Integer(allow_none=True)
    version = fields.Integer(metadata={"description": "Send it back with a change (optimistic locking)"})
    in_force = fields.Boolean()
    versions = fields.List(fields.Nested(ContractVersionSchema))
    performance_reports = fields.List(fields.Nested(PerformanceReportSchema))


class ContractChangeSchema(StrictSchema):
    version = fields.Integer(required=True, metadata={"description": "The contract version you read"})
    valid_from = fields.Date(required=True)
    hours_per_week = fields.Decimal(as_string=True, **HOURS)
    cao = fields.String(validate=validate.OneOf(CAO_CODES))
    wage_scale = fields.String(allow_none=True, validate=validate.Length(max=20))
    wage_step = fields.String(allow_none=True, validate=validate.Length(max=20))
    note = fields.String(allow_none=True, validate=validate.Length(max=500))


class AbsenceInputSchema(StrictSchema):
    start_on = fields.Date(required=True, metadata={"description": "First day of sickness"})
    end_on = fields.Date(load_default=None, allow_none=True, metadata={"description": "Last day; none while ongoing"})
    percentage = fields.Decimal(load_default=100, as_string=True, places=2, validate=validate.Range(0, 100, min_inclusive=False),
                                metadata={"description": "Share of contracted hours not worked (100: fully sick)"})


class AbsenceUpdateSchema(StrictSchema):
    version = fields.Integer(required=True)
    start_on = fields.Date()
    end_on = fields.Date(allow_none=True)
    percentage = fields.Decimal(as_string=True, places=2, validate=validate.Range(0, 100, min_inclusive=False))


class GatekeeperStatusSchema(StrictSchema):
    step = fields.String(validate=validate.OneOf(GATEKEEPER_STEPS))
    due_on = fields.Date()
    done_on = fields.Date(allow_none=True)


class AbsenceSchema(StrictSchema):
    id = fields.UUID()
    start_on = fields.Date()
    end_on = fields.Date(allow_none=True)
    percentage = fields.Decimal(as_string=True)
    version = fields.Integer()
    episode_start = fields.Date(metadata={"description": "First day of the episode (periods < 4 weeks apart)"})
    episode_absence_id = fields.UUID()
    gatekeeper = fields.List(fields.Nested(GatekeeperStatusSchema),
                             metadata={"description": "On the episode's first absence: the Gatekeeper steps"})


class GatekeeperStepInputSchema(StrictSchema):
    step = fields.String(required=True, validate=validate.OneOf(GATEKEEPER_STEPS))
    done_on = fields.Date(required=True)


class GatekeeperStepSchema(StrictSchema):
    id = fields.UUID()
    absence_id = fields.UUID()
    step = fields.String()
    done_on = fields.Date()


class ExitInputSchema(StrictSchema):
    date = fields.Date(required=True, metadata={"description": "Last day in the programme"})
    reason = fields.String(required=True, validate=validate.OneOf(EXIT_REASONS))
    notes = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    version = fields.Integer(load_default=None, allow_none=True,
                             metadata={"description": "The participant version you read (optional)"})


class AbsenceRateQuerySchema(StrictSchema):
    from_ = fields.Date(required=True, data_key="from")
    to = fields.Date(required=True, metadata={"description": "Exclusive"})
    participant_id = fields.UUID(load_default=None)
    neighbourhood_id = fields.UUID(load_default=None)
    coach_id = fields.UUID(load_default=None)
    coaching_organisation_id = fields.UUID(load_default=None)
    employer_id = fields.UUID(load_default=None)


class AbsenceRateSchema(StrictSchema):
    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()
    participants = fields.Integer(allow_none=True)
    contracted_hours = fields.Decimal(as_string=True, allow_none=True)
    sick_hours = fields.Decimal(as_string=True, allow_none=True)
    absence_rate = fields.Decimal(as_string=True, allow_none=True,
                                  metadata={"description": "Sick contracted hours / contracted hours (fraction)"})
    suppressed = fields.Boolean(metadata={"description": "Too few participants to show without pointing at a person"})


class WorklistQuerySchema(StrictSchema):
    coach_id = fields.UUID(load_default=None, metadata={"description": "Only this municipal coach's participants"})
    participant_id = fields.UUID(load_default=None)
    kind = fields.String(load_default=None, validate=validate.OneOf(WORKLIST_KINDS))


class WorklistItemSchema(StrictSchema):
    kind = fields.String(validate=validate.OneOf(WORKLIST_KINDS))
    due_on = fields.Date()
    overdue = fields.Boolean()
    participant_id = fields.UUID(allow_none=True)
    participant_name = fields.String(allow_none=True)
    contract_id = fields.UUID(allow_none=True)
    absence_id = fields.UUID(allow_none=True)
    step = fields.String(allow_none=True)
    task_id = fields.UUID(allow_none=True, metadata={"description": "For a displacement re-check"})
    task_title = fields.String(allow_none=True)


class ExpectedContractSchema(StrictSchema):
    contract_id = fields.UUID(required=True)
    contract_version = fields.Integer(required=True)


class TransitionInputSchema(StrictSchema):
    to_cao = fields.String(required=True, validate=validate.OneOf(CAO_CODES))
    on = fields.Date(required=True, metadata={"description": "First day under the new agreement"})
    from_cao = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(CAO_CODES))
    keep_old_wage = fields.Boolean(load_default=True,
                                   metadata={"description": "Transition arrangement: nobody earns less over a year"})
    contracts = fields.List(fields.Nested(ExpectedContractSchema), load_default=None, allow_none=True, metadata={
        "description": "Apply only: the rows (contract_id, contract_version) of the preview you confirmed; "
                       "any difference since is a 409"})


class WageCostSchema(StrictSchema):
    gross = fields.Decimal(as_string=True, places=2)
    holiday_allowance = fields.Decimal(as_string=True, places=2)
    year_end_payment = fields.Decimal(as_string=True, places=2)
    employer_charges = fields.Decimal(as_string=True, places=2)
    pension = fields.Decimal(as_string=True, places=2)
    total = fields.Decimal(as_string=True, places=2)


class TransitionRowSchema(StrictSchema):
    participant_id = fields.UUID()
    participant_name = fields.String()
    contract_id = fields.UUID()
    contract_version = fields.Integer()
    effective_from = fields.Date(metadata={"description": "The transition date, or the contract's later start"})
    hours_per_week = fields.Decimal(as_string=True)
    from_cao = fields.String()
    hourly_before = fields.Decimal(as_string=True, places=2)
    hourly_after = fields.Decimal(as_string=True, places=2)
    annual_before = fields.Nested(WageCostSchema)
    annual_after = fields.Nested(WageCostSchema)
    earns_less = fields.Boolean(metadata={
        "description": "The new agreement alone would pay less over a year (wage, holiday allowance, year-end payment)"})
    guaranteed_hourly_wage = fields.Decimal(as_string=True, places=2, allow_none=True)
    replaced_versions = fields.Integer(metadata={
        "description": "Versions dated on or after the date (renewals, planned changes) replaced under the new agreement"})


class TransitionSchema(StrictSchema):
    to_cao = fields.String()
    on = fields.Date()
    keep_old_wage = fields.Boolean()
    rows = fields.List(fields.Nested(TransitionRowSchema))
    earning_less = fields.Integer()
    annual_before = fields.Decimal(as_string=True, places=2)
    annual_after = fields.Decimal(as_string=True, places=2)


class CaoTermsQuerySchema(StrictSchema):
    cao = fields.String(load_default=None, validate=validate.OneOf(CAO_CODES),
                        metadata={"description": "Default: the municipality's agreement on that date"})
    on = fields.Date(load_default=None, metadata={"description": "Default: today"})


class CaoTermsSchema(StrictSchema):
    cao = fields.String()
    name = fields.String()
    on = fields.Date()
    effective_from = fields.Date()
    standard_week_hours = fields.Decimal(as_string=True)
    minimum_hourly_wage = fields.Decimal(as_string=True, places=2)
    minimum_wage_provisional = fields.Boolean(metadata={
        "description": "The date lies after the last published minimum wage in the table (carried forward)"})
    holiday_allowance_rate = fields.Decimal(as_string=True)
    year_end_payment_rate = fields.Decimal(as_string=True)
    employer_charges_rate = fields.Decimal(as_string=True)
    pension_rate = fields.Decimal(as_string=True)
    source = fields.String()
    verified = fields.Boolean()
