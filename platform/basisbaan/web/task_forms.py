"""Forms of the task pages: a task (new and edit) and its displacement check. Labels are translated lazily.

The service (basisbaan.services.tasks) checks the rules (hours, places, the title, the four answers and the
verdict); the forms only read the input, so that one submission shows every problem at once.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, RadioField, SelectField, SelectMultipleField, \
    StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from basisbaan.web.candidate_forms import choices
from basisbaan.web.match_labels import (CHECK_VERDICT_LABELS, DEMAND_LABELS, PHYSICAL_DEMAND_LABELS,
                                        TASK_CATEGORY_LABELS, TASK_SOURCE_LABELS, WEEKDAY_LABELS)
from basisbaan.web.participant_forms import LocalDecimalField

YES_NO = {"yes": _l("Yes"), "no": _l("No")}
ANSWERS = {"yes": True, "no": False}
# The four questions of the displacement check (basisbaan.services.tasks.QUESTIONS), in order.
QUESTION_LABELS = {
    "done_by_paid_staff": _l("Is or was this work done by paid staff?"),
    "host_would_hire": _l("Would the host otherwise hire someone for it?"),
    "done_by_volunteers": _l("Do volunteers do this work now?"),
    "is_additional": _l("Is the work additional to what the host does anyway?"),
}


class Checked:
    """Marks a field as required on the page; the service checks it (and names it with the other errors)."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        return None


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (rendered in a fieldset with a legend by the template)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


class TaskForm(FlaskForm):
    title = StringField(_l("Title"), filters=[_stripped], validators=[Checked(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)])
    category = SelectField(_l("Kind of work"), choices=choices(TASK_CATEGORY_LABELS, _l("Choose a kind of work")),
                           validators=[DataRequired()])
    host_organisation_id = SelectField(_l("Host organisation"), choices=[])
    neighbourhood_id = SelectField(_l("Neighbourhood"), choices=[])
    hours_per_week = LocalDecimalField(_l("Hours per week"), places=None, validators=[InputRequired()])
    days = MultiCheckboxField(_l("Days"), choices=choices(WEEKDAY_LABELS),
                              description=_l("Leave all empty when the days are free to choose."))
    places = IntegerField(_l("Places"), default=1, validators=[InputRequired()],
                          description=_l("How many participants can do this task at the same time."))
    physical_demand = SelectField(_l("Physical demand"), choices=choices(PHYSICAL_DEMAND_LABELS), default="light")
    demands = MultiCheckboxField(_l("Other demands"), choices=choices(DEMAND_LABELS),
                                 description=_l("Matched against the limitations of participants."))
    source = SelectField(_l("Source"), choices=choices(TASK_SOURCE_LABELS, _l("Choose a source")),
                         validators=[DataRequired()])


class TaskEditForm(TaskForm):
    version = HiddenField()
    status = SelectField(_l("Status"), choices=[],
                         description=_l("A task is approved only by recording a passed displacement check."))


class CheckForm(FlaskForm):
    version = HiddenField()
    checked_on = DateField(_l("Date of the check"), validators=[Checked(), Optional()])
    # Yes/no answers and the verdict are checked by the service ("Answer yes or no."), not here.
    done_by_paid_staff = RadioField(QUESTION_LABELS["done_by_paid_staff"], choices=choices(YES_NO),
                                    validate_choice=False)
    host_would_hire = RadioField(QUESTION_LABELS["host_would_hire"], choices=choices(YES_NO), validate_choice=False)
    done_by_volunteers = RadioField(QUESTION_LABELS["done_by_volunteers"], choices=choices(YES_NO),
                                    validate_choice=False)
    is_additional = RadioField(QUESTION_LABELS["is_additional"], choices=choices(YES_NO), validate_choice=False)
    verdict = RadioField(_l("Verdict"), choices=choices(CHECK_VERDICT_LABELS), validate_choice=False,
                         description=_l("Approve only when no answer points at displacement."))
    reasons = TextAreaField(_l("Reasons"), validators=[Checked(), Length(max=4000)])

    def answer(self, name: str) -> bool | None:
        return ANSWERS.get(self[name].data)

