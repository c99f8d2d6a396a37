"""Forms and interface labels of the funding pages: funding sources, their allocations to years, and
forecast scenarios. Labels are translated lazily; the English text is the msgid.

The forms only read the input (amounts with a decimal comma or point, percentages); the services
(basisbaan.services.funding and basisbaan.services.forecasts) check the rules and name the fields.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, DecimalField, HiddenField, IntegerField, SelectField, StringField, \
    TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from basisbaan.web.candidate_forms import HOUSEHOLD_LABELS, choices
from basisbaan.web.participant_forms import CAO_LABELS, LocalDecimalField

FUNDING_KIND_LABELS = {"municipal_budget": _l("Municipal budget"), "grant": _l("Grant"),
                       "agreement": _l("Agreement"), "other": _l("Other")}
# The parameters a projection can lack (basisbaan.domain.national_parameters, services.costs).
MISSING_PARAMETER_LABELS = {"statutory minimum wage": _l("statutory minimum wage"),
                            "social-assistance norm": _l("social-assistance norm")}
# The optional cost parameters of a scenario, in the order of the form (basisbaan.services.forecasts).
MONEY_OVERRIDES = ("employership_cost_per_year", "coaching_external_first_year", "coaching_external_later_years",
                   "coaching_municipal_per_year")
PERCENT_OVERRIDES = ("employer_charges_rate", "pension_rate")  # a percentage on the form, a fraction for the service
MAX_AMOUNT = Decimal("1000000000")
HUNDRED = Decimal(100)
_AMOUNT = re.compile(r"^-?\d+(?:[.,]\d+)?$")


def missing_label(parameter: str) -> str:
    """A parameter a projection lacks, in the reader's language."""
    if parameter in MISSING_PARAMETER_LABELS:
        return str(MISSING_PARAMETER_LABELS[parameter])
    if parameter.startswith("terms of "):
        return gettext("terms of %(agreement)s", agreement=parameter.removeprefix("terms of "))
    return parameter


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


class AmountField(DecimalField):
    """An amount with a decimal comma or point (1250,50 or 1250.50), at most two decimals, without thousands
    separators (200.000 is refused rather than read as 200)."""

    def __init__(self, label=None, validators=None, places_allowed: int = 2, **kwargs):
        super().__init__(label, validators, places=None, **kwargs)
        self.places_allowed = places_allowed

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, Decimal):
            return f"{self.data:f}".replace(".", ",") if self.data != self.data.to_integral() \
                else f"{self.data.to_integral():f}"
        return super()._value()

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0].strip().replace(" ", "")
        if not text:
            self.data = None
            return
        if not _AMOUNT.match(text):
            self.data = None
            raise ValueError(gettext("Not a valid amount. Write it without thousands separators, e.g. 1250,50."))
        decimals = re.split(r"[.,]", text)[1] if re.search(r"[.,]", text) else ""
        if len(decimals) > self.places_allowed:
            self.data = None
            raise ValueError(gettext("At most %(places)s decimals. Write amounts without thousands separators.",
                                     places=self.places_allowed))
        try:
            self.data = Decimal(text.replace(",", "."))
        except InvalidOperation as exc:
            self.data = None
            raise ValueError(gettext("Not a valid number.")) from exc


class PercentField(AmountField):
    """A percentage (21,5); `fraction()` gives it as the share the services expect (0.215)."""

    def fraction(self) -> Decimal | None:
        return self.data / HUNDRED if self.data is not None else None


# --- funding sources ---------------------------------------------------------------------------------------

class FundingForm(FlaskForm):
    version = HiddenField()
    name = StringField(_l("Name"), filters=[_stripped], validators=[DataRequired(), Length(max=200)],
                       description=_l("For example NPG 2024 or Agreement with the housing corporation."))
    kind = SelectField(_l("Kind of funding"), choices=choices(FUNDING_KIND_LABELS, _l("Choose a kind")),
                       validators=[DataRequired()])
    funder = StringField(_l("Funder"), filters=[_stripped], validators=[Optional(), Length(max=200)],
                         description=_l("Who provides the money, for example the Ministry of SZW."))
    amount = AmountField(_l("Amount (euros)"), validators=[InputRequired()],
                         description=_l("With at most two decimals, for example 250000 or 1250,50."))
    start_on = DateField(_l("Start date"), validators=[DataRequired()])
    end_on = DateField(_l("Last day"), validators=[Optional()], description=_l("Leave empty when open-ended."))
    conditions = TextAreaField(_l("Conditions"), validators=[Optional(), Length(max=4000)])
    earmark = StringField(_l("Earmark"), filters=[_stripped], validators=[Optional(), Length(max=500)],
                          description=_l("What the money may only be spent on, if anything."))

    def data_for_service(self) -> dict:
        return {"name": self.name.data, "kind": self.kind.data, "funder": self.funder.data or None,
                "amount": self.amount.data, "start_on": self.start_on.data, "end_on": self.end_on.data,
                "conditions": (self.conditions.data or "").strip() or None, "earmark": self.earmark.data or None}


class AllocationForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(1900, 2100)])
    amount = AmountField(_l("Amount (euros)"), validators=[InputRequired()])
    note = StringField(_l("Note"), filters=[_stripped], validators=[Optional(), Length(max=500)])


# --- forecast scenarios ------------------------------------------------------------------------------------

class ForecastForm(FlaskForm):
    name = StringField(_l("Name"), filters=[_stripped], validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)])
    start_year = IntegerField(_l("Start year"), validators=[InputRequired(), NumberRange(2000, 2100)])
    end_year = IntegerField(_l("End year"), validators=[InputRequired(), NumberRange(2000, 2100)])
    current = IntegerField(_l("Current number of participants"), validators=[Optional(), NumberRange(0, 100000)],
                           description=_l("Leave empty to count those employed on 1 January of the start year."))
    target = IntegerField(_l("Target number of participants"), validators=[Optional(), NumberRange(0, 100000)],
                          description=_l("Optional: growth stops at the target."))
    growth_per_year = IntegerField(_l("New participants per year"), default=0,
                                   validators=[InputRequired(), NumberRange(0, 10000)])
    start_month = SelectField(_l("Month in which new participants start"), choices=[], coerce=int, default=1)
    exit_rate = PercentField(_l("Participants leaving per year (%)"), validators=[Optional(), NumberRange(0, 100)],
                             description=_l("Optional: the share of participants who leave each year."))
    hours_per_week = LocalDecimalField(_l("Hours per week"), places=None, validators=[Optional()],
                                       description=_l("Leave empty for the municipality's usual hours."))
    cao = SelectField(_l("Collective agreement (CAO)"),
                      choices=choices(CAO_LABELS, _l("The municipality's agreement")))
    household_type = SelectField(_l("Household type for the assistance no longer paid"),
                                 choices=choices(HOUSEHOLD_LABELS), default="single")
    host_contribution_per_year = AmountField(_l("Host contribution per participant per year (euros)"),
                                             validators=[Optional(), NumberRange(0, 100000)])
    carry_forward_norms = BooleanField(_l("Assume the last published assistance norm for later years"),
                                       description=_l("Years that use it are marked provisional."))
    employership_cost_per_year = AmountField(_l("Employership per participant per year (euros)"),
                                             validators=[Optional(), NumberRange(0, 100000)])
    coaching_external_first_year = AmountField(_l("Job coaching in the first year (euros)"),
                                               validators=[Optional(), NumberRange(0, 100000)])
    coaching_external_later_years = AmountField(_l("Job coaching in later years, per year (euros)"),
                                                validators=[Optional(), NumberRange(0, 100000)])
    coaching_municipal_per_year = AmountField(_l("Municipal coach per participant per year (euros)"),
                                              validators=[Optional(), NumberRange(0, 100000)])
    employer_charges_rate = PercentField(_l("Employer charges (% of the pay)"),
                                         validators=[Optional(), NumberRange(0, 100)])
    pension_rate = PercentField(_l("Pension (% of the pay)"), validators=[Optional(), NumberRange(0, 100)])
    default_wage_value_percent = PercentField(_l("Wage value when not assessed (% of the minimum wage)"),
                                              validators=[Optional(), NumberRange(0, 100)])

    def parameters(self) -> dict:
        """The scenario's parameters as basisbaan.services.forecasts.check reads them."""
        found = {"start_year": self.start_year.data, "end_year": self.end_year.data, "current": self.current.data,
                 "target": self.target.data, "growth_per_year": self.growth_per_year.data or 0,
                 "start_month": self.start_month.data or 1, "exit_rate": self.exit_rate.fraction(),
                 "hours_per_week": self.hours_per_week.data, "cao": self.cao.data or None,
                 "household_type": self.household_type.data or "single",
                 "host_contribution_per_year": self.host_contribution_per_year.data,
                 "carry_forward_norms": bool(self.carry_forward_norms.data),
                 "default_wage_value_percent": self.default_wage_value_percent.data}
        found.update({name: self[name].data for name in MONEY_OVERRIDES})
        found.update({name: self[name].fraction() for name in PERCENT_OVERRIDES})
        return found
