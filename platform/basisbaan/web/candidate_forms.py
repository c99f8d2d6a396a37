"""Forms of the candidate pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

GENDER_LABELS = {"female": _l("Woman"), "male": _l("Man"), "other": _l("Other"), "unknown": _l("Unknown")}
HOUSEHOLD_LABELS = {"single": _l("Single"), "single_parent": _l("Single parent"), "couple": _l("Couple"),
                    "couple_with_children": _l("Couple with children"), "other": _l("Other")}
SOURCE_LABELS = {"colleague": _l("Colleague"), "area_team": _l("Area team"), "self": _l("Self-referral"),
                 "other": _l("Other")}
STATUS_LABELS = {"referred": _l("Referred"), "in_conversation": _l("In conversation"), "started": _l("Started"),
                 "not_started": _l("Not started"), "on_hold": _l("On hold"), "waiting_list": _l("Waiting list")}
OUTCOME_LABELS = {"started": _l("Starts in a basic job"), "not_started": _l("Does not start"),
                  "on_hold": _l("On hold")}
REASON_LABELS = {"cannot": _l("Cannot (e.g. physical limits)"), "will_not": _l("Will not (e.g. prefers volunteering)"),
                 "may_not": _l("May not (does not meet the criteria)")}
VERDICT_LABELS = {"pass": _l("Met"), "fail": _l("Not met"), "judgement": _l("Coach's judgement")}
JUDGEMENT_LABELS = {"": _l("Not judged yet"), "yes": _l("No prospect of paid work"),
                    "no": _l("Has a prospect of paid work")}


def choices(labels: dict, blank=None) -> list[SelectChoice]:
    items = [SelectChoice("", blank)] if blank is not None else []
    return items + [SelectChoice(key, label) for key, label in labels.items()]


class CandidateForm(FlaskForm):
    given_names = StringField(_l("Given names"), validators=[DataRequired(), Length(max=200)])
    family_name = StringField(_l("Family name"), validators=[DataRequired(), Length(max=200)])
    bsn = StringField(_l("BSN"), validators=[Optional(), Length(max=20)],
                      description=_l("8 or 9 digits. Stored encrypted; shown masked afterwards."))
    date_of_birth = DateField(_l("Date of birth"), validators=[Optional()])
    gender = SelectField(_l("Gender"), choices=choices(GENDER_LABELS), default="unknown")
    household_type = SelectField(_l("Household"), choices=choices(HOUSEHOLD_LABELS, _l("Unknown")))
    neighbourhood_id = SelectField(_l("Neighbourhood"), choices=[])
    email = StringField(_l("E-mail"), validators=[Optional(), Email(), Length(max=320)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    referral_source = SelectField(_l("Referred by"), choices=choices(SOURCE_LABELS), default="colleague")
    referral_date = DateField(_l("Referral date"), validators=[DataRequired()])
    coach_id = SelectField(_l("Responsible coach"), choices=[])
    social_assistance_since = DateField(_l("On social assistance since"), validators=[Optional()])
    reintegration_track = StringField(_l("Current re-integration track"), validators=[Optional(), Length(max=200)],
                                      description=_l("Leave empty when there is none."))
    after_participation_job = BooleanField(_l("Did not find work after a participation job"))
    available_hours = IntegerField(_l("Available hours per week"), validators=[Optional(), NumberRange(0, 60)])
    hours_agreed = BooleanField(_l("Other hours agreed with the coach"))
    preferred_work = StringField(_l("Preferred kinds of work"), validators=[Optional(), Length(max=500)],
                                 description=_l("Separate with commas."))
    no_prospect_of_work = SelectField(_l("Prospect of paid work (coach's judgement)"), choices=choices(JUDGEMENT_LABELS))
    # Unknown, yes or no; anything else counts as unknown (validate_choice off: an absent value is unknown).
    has_debts = SelectField(_l("Has debts"), choices=[SelectChoice("", _l("Unknown")), SelectChoice("yes", _l("Yes")),
                                                      SelectChoice("no", _l("No"))], validate_choice=False)
    debt_support = BooleanField(_l("Receives debt support (e.g. municipal credit bank)"))
    health_notes = TextAreaField(_l("Health"), validators=[Optional(), Length(max=4000)],
                                 description=_l("Special personal data: visible to coaches only."))
    limitations = TextAreaField(_l("Limitations"), validators=[Optional(), Length(max=4000)])
    support_needs = TextAreaField(_l("Support needs"), validators=[Optional(), Length(max=4000)])


class ConversationForm(FlaskForm):
    held_on = DateField(_l("Date of the conversation"), validators=[DataRequired()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=8000)])


class DecisionForm(FlaskForm):
    outcome = RadioField(_l("Decision"), choices=choices(OUTCOME_LABELS), validators=[DataRequired()])
    decided_on = DateField(_l("Date of the decision"), validators=[DataRequired()])
    reason_category = SelectField(_l("Reason for not starting"), choices=choices(REASON_LABELS, _l("Not applicable")))
    sub_reason = StringField(_l("Reason in a few words"), validators=[Optional(), Length(max=200)])
    reasons = TextAreaField(_l("Explanation"), validators=[Optional(), Length(max=4000)],
                            description=_l("Required when the candidate starts although a criterion is not met."))


class ImportForm(FlaskForm):
    file = FileField(_l("File (CSV or XLSX)"), validators=[FileRequired()],
                     description=_l("The first row names the columns, e.g. bsn, voornamen, achternaam, "
                                    "geboortedatum, wijk, aanmelddatum, uren."))
    commit = BooleanField(_l("Import now (otherwise only check)"))
