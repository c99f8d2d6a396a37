"""Marshmallow schemas of candidates, conversations, eligibility, decisions and the funnel."""

from __future__ import annotations

from marshmallow import fields, validate

from basisbaan.api.schemas import StrictSchema
from basisbaan.models.candidate import OUTCOMES, REASON_CATEGORIES, REFERRAL_SOURCES, STATUSES
from basisbaan.models.person import GENDERS, HOUSEHOLD_TYPES


class CandidateInputSchema(StrictSchema):
    """Fields a coach enters; on update every field is optional (PATCH semantics)."""

    given_names = fields.String(required=True, validate=validate.Length(1, 200))
    family_name = fields.String(required=True, validate=validate.Length(1, 200))
    bsn = fields.String(load_default=None, allow_none=True, load_only=True,
                        metadata={"description": "8 or 9 digits, 11-check; stored encrypted, never returned"})
    date_of_birth = fields.Date(load_default=None, allow_none=True)
    gender = fields.String(load_default="unknown", validate=validate.OneOf(GENDERS))
    household_type = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(HOUSEHOLD_TYPES))
    neighbourhood_id = fields.UUID(load_default=None, allow_none=True)
    email = fields.Email(load_default=None, allow_none=True)
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    referral_source = fields.String(required=True, validate=validate.OneOf(REFERRAL_SOURCES))
    referral_date = fields.Date(required=True)
    coach_id = fields.UUID(load_default=None, allow_none=True)
    social_assistance_since = fields.Date(load_default=None, allow_none=True)
    reintegration_track = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    after_participation_job = fields.Boolean(load_default=False)
    available_hours = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(0, 60))
    hours_agreed = fields.Boolean(load_default=False)
    preferred_work = fields.List(fields.String(validate=validate.Length(1, 100)), load_default=list,
                                 validate=validate.Length(max=20))
    no_prospect_of_work = fields.Boolean(load_default=None, allow_none=True,
                                         metadata={"description": "The coach's judgement; null: not judged yet"})
    has_debts = fields.Boolean(load_default=None, allow_none=True)
    debt_support = fields.Boolean(load_default=False)
    health_notes = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))
    limitations = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))
    support_needs = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))


class CandidateUpdateSchema(CandidateInputSchema):
    """Used with partial=True: only the fields sent change."""


class CandidateSchema(StrictSchema):
    id = fields.UUID()
    status = fields.String(validate=validate.OneOf(STATUSES))
    status_since = fields.Date()
    given_names = fields.String()
    family_name = fields.String()
    bsn_masked = fields.String(allow_none=True, metadata={"description": "Last three digits only"})
    date_of_birth = fields.Date(allow_none=True)
    gender = fields.String()
    household_type = fields.String(allow_none=True)
    neighbourhood_id = fields.UUID(allow_none=True)
    neighbourhood = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    referral_source = fields.String()
    referral_date = fields.Date()
    coach_id = fields.UUID(allow_none=True)
    coach = fields.String(allow_none=True)
    social_assistance_since = fields.Date(allow_none=True)
    reintegration_track = fields.String(allow_none=True)
    after_participation_job = fields.Boolean()
    available_hours = fields.Integer(allow_none=True)
    hours_agreed = fields.Boolean()
    preferred_work = fields.List(fields.String())
    no_prospect_of_work = fields.Boolean(allow_none=True)
    special = fields.Dict(allow_none=True, metadata={
        "description": "Debts, health, limitations, support needs: only for roles allowed to see them"})


class CandidateQuerySchema(StrictSchema):
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    neighbourhood_id = fields.UUID(load_default=None)
    coach_id = fields.UUID(load_default=None)
    q = fields.String(load_default=None, validate=validate.Length(max=100),
                      metadata={"description": "Name, or a full BSN"})


class BsnSchema(StrictSchema):
    bsn = fields.String(allow_none=True)


class ConversationInputSchema(StrictSchema):
    held_on = fields.Date(required=True)
    coach_id = fields.UUID(load_default=None, allow_none=True)
    notes = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=8000))


class ConversationSchema(StrictSchema):
    id = fields.UUID()
    held_on = fields.Date()
    coach_id = fields.UUID(allow_none=True)
    notes = fields.String(allow_none=True)


class EligibilityQuerySchema(StrictSchema):
    on = fields.Date(load_default=None, metadata={"description": "Evaluation date (default today)"})


class CriterionResultSchema(StrictSchema):
    code = fields.String()
    verdict = fields.String(metadata={"description": "pass, fail or judgement (the coach decides)"})
    explanation_nl = fields.String()
    explanation_en = fields.String()


class EligibilitySchema(StrictSchema):
    on = fields.Date()
    overall = fields.String()
    criteria = fields.List(fields.Nested(CriterionResultSchema))


class DecisionInputSchema(StrictSchema):
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    decided_on = fields.Date(load_default=None, metadata={"description": "Default today"})
    reason_category = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(REASON_CATEGORIES),
                                    metadata={"description": "Required when outcome is not_started"})
    sub_reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    reasons = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000),
                            metadata={"description": "Required when starting against a failed criterion"})


class DecisionSchema(StrictSchema):
    id = fields.UUID()
    decided_on = fields.Date()
    outcome = fields.String()
    resulting_status = fields.String(metadata={"description": "started may become waiting_list when places are full"})
    reason_category = fields.String(allow_none=True)
    sub_reason = fields.String(allow_none=True)
    reasons = fields.String(allow_none=True)
    eligibility = fields.String()
    failed_criteria = fields.List(fields.String())
    override = fields.Boolean()


class FunnelQuerySchema(StrictSchema):
    from_ = fields.Date(required=True, data_key="from")
    to = fields.Date(required=True)


class ReasonCountsSchema(StrictSchema):
    cannot = fields.Integer()
    will_not = fields.Integer()
    may_not = fields.Integer()


class FunnelSchema(StrictSchema):
    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()
    referred = fields.Integer(metadata={"description": "Referral date in the period"})
    spoken = fields.Integer(metadata={"description": "At least one intake conversation in the period"})
    started = fields.Integer()
    not_started = fields.Integer()
    not_started_by_reason = fields.Nested(ReasonCountsSchema)
    on_hold = fields.Integer()
    waiting_list = fields.Integer()
    overrides = fields.Integer(metadata={"description": "Started although a criterion failed"})
    conversion_rate = fields.Float(allow_none=True, metadata={"description": "started / spoken, a fraction"})


class ImportFileSchema(StrictSchema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary",
                                               "description": "CSV (UTF-8 or Windows-1252) or XLSX, first row names the columns"})


class ImportFormSchema(StrictSchema):
    dry_run = fields.Boolean(load_default=False, metadata={
        "description": "true: check and report, write nothing; false (default): import when every row is correct"})


class RowProblemSchema(StrictSchema):
    row = fields.Integer(metadata={"description": "Row number as a spreadsheet shows it (the header is row 1)"})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class ImportReportSchema(StrictSchema):
    dry_run = fields.Boolean()
    total = fields.Integer()
    valid = fields.Integer()
    created = fields.Integer()
    problems = fields.List(fields.Nested(RowProblemSchema))


class ExportQuerySchema(StrictSchema):
    format = fields.String(load_default="csv", validate=validate.OneOf(["csv", "xlsx"]))
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
