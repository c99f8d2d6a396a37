"""Forms of a participant's work pages: an assignment (a task in the package), its end, and the work
profile. Labels are translated lazily; the words for the codes (kinds of work, demands, weekdays) come from
basisbaan.web.match_labels and the group of checkboxes from basisbaan.web.task_forms, shared with the task
pages.

The services check the rules (hours against the contract, the displacement check, free places, known
codes); the forms only check that the input can be read and that the required fields are there.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from basisbaan.web.candidate_forms import choices
from basisbaan.web.match_labels import DEMAND_LABELS, PHYSICAL_DEMAND_LABELS, TASK_CATEGORY_LABELS, WEEKDAY_LABELS
from basisbaan.web.participant_forms import LocalDecimalField
from basisbaan.web.task_forms import MultiCheckboxField


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


class AssignmentForm(FlaskForm):
    # Any task may be posted: the service says why one cannot be chosen (not checked, no free place).
    task_id = SelectField(_l("Task"), choices=[], validate_choice=False, validators=[DataRequired()],
                          description=_l("Tasks that passed the displacement check."))
    hours_per_week = LocalDecimalField(_l("Hours per week"), places=None, validators=[InputRequired()])
    days = MultiCheckboxField(_l("Days"), choices=choices(WEEKDAY_LABELS),
                              description=_l("Leave all empty when the days are free to choose."))
    start_on = DateField(_l("First day"), validators=[DataRequired()])
    end_on = DateField(_l("Last day"), validators=[Optional()],
                       description=_l("Leave empty while the task goes on."))
    note = StringField(_l("Note"), filters=[_stripped], validators=[Optional(), Length(max=500)])


class EndAssignmentForm(FlaskForm):
    end_on = DateField(_l("Last day"), validators=[DataRequired()],
                       description=_l("The last day the participant does this task."))


class WorkProfileForm(FlaskForm):
    version = HiddenField()
    preferred_categories = MultiCheckboxField(_l("Preferred kinds of work"), choices=choices(TASK_CATEGORY_LABELS))
    available_days = MultiCheckboxField(_l("Available days"), choices=choices(WEEKDAY_LABELS),
                                        description=_l("Leave all empty when any day will do."))
    max_physical_demand = SelectField(_l("Heaviest physical work"),
                                      choices=choices(PHYSICAL_DEMAND_LABELS, _l("Not known")))
    limitations = MultiCheckboxField(_l("Limitations"), choices=choices(DEMAND_LABELS),
                                     description=_l("Demands the participant cannot meet. Derived from health: "
                                                    "stored encrypted, visible to municipal coaches only."))
