"""Forms and interface labels of the participant pages (employment, contracts, absence, exit, work list,
CAO transition). Labels are translated lazily; the English text is the msgid."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, DecimalField, HiddenField, IntegerField, SelectField, StringField, \
    TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from basisbaan.web.candidate_forms import choices

EXIT_REASON_LABELS = {
    "deceased": _l("Deceased"),
    "pension_age": _l("Reached pension age"),
    "regular_job": _l("Regular job"),
    "sheltered_work": _l("Sheltered work"),
    "self_employed": _l("Self-employed"),
    "back_on_benefits": _l("Back on benefits"),
    "resigned": _l("Resigned"),
    "dismissed": _l("Dismissed"),
    "other": _l("Other"),
}
CONTRACT_KIND_LABELS = {"temporary": _l("Temporary"), "permanent": _l("Permanent")}
ADVICE_LABELS = {"renew": _l("Renew the contract"), "permanent": _l("Offer a permanent contract"),
                 "end": _l("End the employment")}
GATEKEEPER_STEP_LABELS = {
    "problem_analysis": _l("Problem analysis"),
    "action_plan": _l("Action plan"),
    "uwv_report": _l("Sickness report to UWV (week 42)"),
    "first_year_evaluation": _l("First-year evaluation"),
    "wia_application": _l("WIA application"),
}
WORKLIST_KIND_LABELS = {
    "contract_ending": _l("Contract ends"),
    "performance_report_due": _l("Performance report due"),
    "permanent_moment": _l("Consider a permanent contract"),
    "gatekeeper": _l("Gatekeeper Act step due"),
    "package_mismatch": _l("Task package does not match the contract hours"),
    "displacement_recheck": _l("Yearly displacement check due"),
    "wellbeing_due": _l("Wellbeing measurement due"),
}
PARTICIPANT_STATUS_LABELS = {"active": _l("Employed"), "exited": _l("Left"), "starting": _l("Starting soon")}
CAO_LABELS = {"cao_sw": _l("CAO SW"), "cao_aan_de_slag": _l("CAO Aan de Slag")}
VERSION_REASON_LABELS = {"start": _l("Start of the contract"), "hours": _l("Change of terms"),
                         "cao_transition": _l("CAO transition"), "terms": _l("Change of terms"),
                         "correction": _l("Correction")}
WAGE_BASIS_LABELS = {"minimum_wage": _l("minimum wage"), "scale": _l("wage scale"),
                     "guarantee": _l("guaranteed wage")}


class LocalDecimalField(DecimalField):
    """A number with a decimal comma or point (32,5 or 32.5), at most one decimal."""

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, Decimal):
            return f"{self.data.normalize():f}"  # 32.0 -> 32, 30.50 -> 30.5
        return super()._value()

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [valuelist[0].strip().replace(",", ".")]
        super().process_formdata(valuelist)
        if self.data is not None:
            try:
                if self.data != self.data.quantize(Decimal("0.1")):
                    self.data = None
                    raise ValueError(gettext("At most one decimal."))
            except InvalidOperation as exc:
                self.data = None
                raise ValueError(gettext("Not a valid number.")) from exc


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


class ContractFields(FlaskForm):
    """The terms of a contract, shared by the start of employment and a new contract."""

    employer_id = SelectField(_l("Employer"), choices=[], validators=[DataRequired()])
    kind = SelectField(_l("Kind of contract"), choices=choices(CONTRACT_KIND_LABELS), default="temporary")
    end_on = DateField(_l("Last day of the contract"), validators=[Optional()],
                       description=_l("For a temporary contract; leave empty for a permanent one."))
    hours_per_week = LocalDecimalField(_l("Hours per week"), places=None, validators=[Optional()])
    cao = SelectField(_l("Collective agreement (CAO)"), choices=choices(CAO_LABELS))
    wage_scale = StringField(_l("Wage scale"), filters=[_stripped], validators=[Optional(), Length(max=20)],
                             description=_l("Optional; leave empty for the minimum wage."))
    wage_step = StringField(_l("Step in the scale"), filters=[_stripped], validators=[Optional(), Length(max=20)])
    trial_period_months = IntegerField(_l("Trial period (months)"), validators=[Optional(), NumberRange(0, 2)])


class StartForm(ContractFields):
    started_on = DateField(_l("First working day"), validators=[DataRequired()])
    coach_id = SelectField(_l("Municipal coach"), choices=[])
    coaching_organisation_id = SelectField(_l("Coaching organisation"), choices=[],
                                           description=_l("The organisation of the job coach."))


class ContractForm(ContractFields):
    start_on = DateField(_l("First day of the contract"), validators=[DataRequired()])
    report_written_on = DateField(_l("Date of the performance report"), validators=[Optional()])
    report_author = StringField(_l("Written by"), filters=[_stripped], validators=[Optional(), Length(max=200)])
    report_advice = SelectField(_l("Advice"), choices=choices(ADVICE_LABELS, _l("Choose an advice")))
    report_summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=4000)],
                                   description=_l("Visible to municipal coaches only."))

    def has_report(self) -> bool:
        return bool(self.report_written_on.data or self.report_author.data or self.report_advice.data
                    or (self.report_summary.data or "").strip())


class ChangeTermsForm(FlaskForm):
    version = HiddenField()
    valid_from = DateField(_l("New terms from"), validators=[DataRequired()])
    hours_per_week = LocalDecimalField(_l("Hours per week"), places=None,
                                       validators=[InputRequired()])
    cao = SelectField(_l("Collective agreement (CAO)"), choices=choices(CAO_LABELS))
    wage_scale = StringField(_l("Wage scale"), filters=[_stripped], validators=[Optional(), Length(max=20)],
                             description=_l("Optional; leave empty for the minimum wage."))
    wage_step = StringField(_l("Step in the scale"), filters=[_stripped], validators=[Optional(), Length(max=20)])
    note = StringField(_l("Note"), filters=[_stripped], validators=[Optional(), Length(max=500)])


class ReportForm(FlaskForm):
    written_on = DateField(_l("Date of the performance report"), validators=[DataRequired()])
    author = StringField(_l("Written by"), filters=[_stripped], validators=[DataRequired(), Length(max=200)])
    advice = SelectField(_l("Advice"), choices=choices(ADVICE_LABELS, _l("Choose an advice")),
                         validators=[DataRequired()])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=4000)],
                            description=_l("Visible to municipal coaches only."))


class AbsenceForm(FlaskForm):
    version = HiddenField()
    start_on = DateField(_l("First day of sickness"), validators=[DataRequired()])
    end_on = DateField(_l("Last day of sickness"), validators=[Optional()],
                       description=_l("Leave empty while the sickness lasts; fill in at recovery."))
    percentage = LocalDecimalField(_l("Percentage sick"), places=None, default=Decimal(100),
                                   validators=[Optional()],
                                   description=_l("Share of the contracted hours not worked; 100 when fully sick."))


class StepForm(FlaskForm):
    step = HiddenField(validators=[DataRequired()])
    done_on = DateField(_l("Done on"), validators=[DataRequired()])


class ExitForm(FlaskForm):
    version = HiddenField()
    date = DateField(_l("Last day in the programme"), validators=[DataRequired()])
    reason = SelectField(_l("Reason for leaving"), choices=choices(EXIT_REASON_LABELS, _l("Choose a reason")),
                         validators=[DataRequired()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)],
                          description=_l("Visible to municipal coaches only."))


class TransitionForm(FlaskForm):
    to_cao = SelectField(_l("New collective agreement"), choices=choices(CAO_LABELS, _l("Choose an agreement")),
                         validators=[DataRequired()])
    on = DateField(_l("First day under the new agreement"), validators=[DataRequired()])
    from_cao = SelectField(_l("Only contracts under"), choices=choices(CAO_LABELS, _l("Any other agreement")))
    keep_old_wage = BooleanField(_l("Transition arrangement: nobody earns less over a year"), default=True,
                                 description=_l("Whoever would earn less gets a guaranteed hourly wage."))
    confirm = BooleanField(_l("I have checked the preview and want to apply the transition"))
