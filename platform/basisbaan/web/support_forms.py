"""Forms and interface labels of the support pages: coaching time, wellbeing measurements, debt support
and training. Labels are translated lazily; the English text is the msgid."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from basisbaan.domain.wellbeing import Instrument
from basisbaan.web.candidate_forms import choices
from basisbaan.web.participant_forms import LocalDecimalField

COACHING_KIND_LABELS = {"work": _l("Work"), "income_wellbeing": _l("Income and wellbeing")}
DEBT_KIND_LABELS = {"credit_bank": _l("Municipal credit bank"), "debt_counselling": _l("Debt counselling")}
DEBT_STATUS_LABELS = {"referred": _l("Referred"), "active": _l("Active"), "completed": _l("Completed"),
                      "stopped": _l("Stopped")}
TRAINING_KIND_LABELS = {"first_aid": _l("First aid and emergency response (BHV)"),
                        "social_hygiene": _l("Social hygiene"), "other": _l("Other training")}


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


class CentsField(LocalDecimalField):
    """A number with a decimal comma or point (1,25 or 1.25), at most two decimals (hours, euros)."""

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [valuelist[0].strip().replace(",", ".")]
        DecimalField.process_formdata(self, valuelist)
        if self.data is not None:
            try:
                if self.data != self.data.quantize(Decimal("0.01")):
                    self.data = None
                    raise ValueError(gettext("At most two decimals."))
            except InvalidOperation as exc:
                self.data = None
                raise ValueError(gettext("Not a valid number.")) from exc


class CoachingForm(FlaskForm):
    # The service decides who may be coached and which kind: its messages say why, at the field.
    participant_id = SelectField(_l("Participant"), choices=[], validate_choice=False)
    held_on = DateField(_l("Date"), validators=[DataRequired()])
    kind = RadioField(_l("Kind of coaching"), choices=choices(COACHING_KIND_LABELS), validate_choice=False)
    hours = CentsField(_l("Hours"), places=None, validators=[InputRequired()],
                       description=_l("For example 1,5 for an hour and a half; at most 24."))


class MeasurementBase(FlaskForm):
    measured_on = DateField(_l("Date of the measurement"), validators=[DataRequired()])


def score_field(code: str) -> str:
    """The form field of a domain's score."""
    return f"score_{code}"


def measurement_form(instrument: Instrument, language: str) -> MeasurementBase:
    """A form with the date and one radio group (low..high) per domain of `instrument`, labelled in
    `language`. The choices are not checked by the form: the service names a missing or wrong score."""
    scale = [SelectChoice(str(n), str(n)) for n in range(instrument.low, instrument.high + 1)]
    description = _l("From %(low)s (lowest) to %(high)s (highest).", low=instrument.low, high=instrument.high)
    fields = {score_field(domain.code): RadioField(instrument.label(domain.code, language), choices=scale,
                                                   validate_choice=False, description=description)
              for domain in instrument.domains}
    return type("MeasurementForm", (MeasurementBase,), fields)()


class DebtChangeForm(FlaskForm):
    version = HiddenField()
    status = SelectField(_l("Status"), choices=choices(DEBT_STATUS_LABELS))
    ended_on = DateField(_l("Last day of the support"), validators=[Optional()],
                         description=_l("Required when the support is completed or stopped."))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)],
                          description=_l("Stored encrypted. Visible to municipal coaches only."))


class DebtForm(DebtChangeForm):
    kind = SelectField(_l("Kind of debt support"), choices=choices(DEBT_KIND_LABELS, _l("Choose a kind")),
                       validators=[DataRequired()])
    referred_on = DateField(_l("Referred on"), validators=[DataRequired()])


class TrainingChangeForm(FlaskForm):
    version = HiddenField()
    completed_on = DateField(_l("Completed on"), validators=[Optional()])
    certificate_number = StringField(_l("Certificate number"), filters=[_stripped],
                                     validators=[Optional(), Length(max=100)])
    certificate_valid_until = DateField(_l("Certificate valid until"), validators=[Optional()])
    cost = CentsField(_l("Cost (euros)"), places=None, validators=[Optional()])


class TrainingForm(TrainingChangeForm):
    kind = SelectField(_l("Kind of training"), choices=choices(TRAINING_KIND_LABELS, _l("Choose a kind")),
                       validators=[DataRequired()])
    name = StringField(_l("Name of the course"), filters=[_stripped], validators=[DataRequired(), Length(max=200)])
    started_on = DateField(_l("Started on"), validators=[DataRequired()])
