"""Forms and interface labels of the financing pages (cost lines, their units and sources, missing
parameters, groupings). Labels are translated lazily; the English text is the msgid."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from basisbaan.web.participant_forms import LocalDecimalField

# The cost lines of services.costs / domain.costs, in words.
LINE_LABELS = {
    "wages": _l("Wages"),
    "employer_charges": _l("Employer charges and pension"),
    "employership": _l("Employership"),
    "coaching_external": _l("Coaching by the coaching organisation"),
    "coaching_municipal": _l("Municipal coach"),
    "training": _l("Training"),
    "host_contribution": _l("Host contribution"),
    "wage_cost_subsidy": _l("Wage-cost subsidy"),
    "assistance_saved": _l("Social assistance no longer paid"),
}
# What each line is, shown under its name on the cost card.
LINE_DESCRIPTIONS = {
    "wages": _l("Gross pay with holiday allowance and year-end payment."),
    "employer_charges": _l("Social premiums and the employer's pension premium on the pay."),
    "employership": _l("Payroll and administration of the employer."),
    "coaching_external": _l("Fee of the coaching organisation, by employment year."),
    "coaching_municipal": _l("Time of the municipal coach."),
    "training": _l("Courses started in the period."),
    "host_contribution": _l("What host organisations pay for the tasks (reduces the costs)."),
    "wage_cost_subsidy": _l("Participatiewet art. 10d, from the wage value (reduces the costs)."),
    "assistance_saved": _l("The social-assistance benefit the participant no longer receives (reduces the costs)."),
}
TOTAL_LABELS = {
    "costs": _l("Costs"),
    "contributions": _l("Host contributions"),
    "gross": _l("Gross costs"),
    "offsets": _l("Offsets"),
    "net": _l("Net costs"),
}
# Municipal settings that are the source of a rate ("setting <name>").
SETTING_LABELS = {
    "coaching_external_first_year": _l("coaching organisation's fee in the first year"),
    "coaching_external_later_years": _l("coaching organisation's fee in later years"),
    "coaching_municipal_per_year": _l("cost of the municipal coach per year"),
    "employership_cost_per_year": _l("cost of employership per year"),
    "default_wage_value_percent": _l("wage value assumed without an assessment"),
}
# National parameters that may be missing for part of a period (services.costs `missing`).
PARAMETER_LABELS = {
    "statutory minimum wage": _l("statutory minimum wage"),
    "social-assistance norm": _l("social-assistance norm"),
}
GROUP_LABELS = {
    "year": _l("Year"),
    "month": _l("Month"),
    "employer": _l("Employer"),
    "cao": _l("Collective agreement (CAO)"),
    "neighbourhood": _l("Neighbourhood"),
    "participant": _l("Participant"),
}
# The same, in a title: "Programme costs per year".
GROUP_PER_LABELS = {
    "year": _l("per year"),
    "month": _l("per month"),
    "employer": _l("per employer"),
    "cao": _l("per collective agreement (CAO)"),
    "neighbourhood": _l("per neighbourhood"),
    "participant": _l("per participant"),
}
# The group of what has no employer, CAO or neighbourhood (services.costs NO_GROUP).
NO_GROUP_LABELS = {
    "employer": _l("Without a contract"),
    "cao": _l("Without a contract"),
    "neighbourhood": _l("No neighbourhood"),
}


class PercentField(LocalDecimalField):
    """A percentage with a decimal comma or point (45, 45,5 or 45.25), at most two decimals."""

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [valuelist[0].strip().rstrip("%").strip().replace(",", ".")]
        super(LocalDecimalField, self).process_formdata(valuelist)
        if self.data is not None:
            try:
                if self.data != self.data.quantize(Decimal("0.01")):
                    self.data = None
                    raise ValueError(gettext("At most two decimals."))
            except InvalidOperation as exc:
                self.data = None
                raise ValueError(gettext("Not a valid number.")) from exc


class WageValueForm(FlaskForm):
    assessed_on = DateField(_l("Assessed on"), validators=[DataRequired()],
                            description=_l("The wage value counts from this day on."))
    wage_value_percent = PercentField(_l("Wage value (percent of the minimum wage)"), places=None,
                                      validators=[InputRequired()],
                                      description=_l("From 0 to 100, for example 45 or 52,5."))
    assessor = StringField(_l("Assessor"), validators=[DataRequired(), Length(max=200)],
                           description=_l("Who set the wage value, for example UWV or a certified assessor."))
