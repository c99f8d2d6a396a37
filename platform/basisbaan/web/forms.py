"""Forms of the pages (Flask-WTF: CSRF on every form). Labels are translated lazily."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms import BooleanField, IntegerField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from basisbaan.models import ROLES
from basisbaan.models.reference import NEIGHBOURHOOD_KINDS

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "coach": _l("Coach"),
    "jobcoach": _l("Job coach"),
    "finance": _l("Finance"),
    "viewer": _l("Viewer"),
}
KIND_LABELS = {"neighbourhood": _l("Neighbourhood"), "village": _l("Village"), "district": _l("District")}


def options(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def translate(message) -> str:
    """A service's English message in the reader's language (basisbaan.texts)."""
    template = getattr(message, "template", None)
    if template is not None:
        return gettext(template, **message.params)
    return gettext(str(message))


def apply_errors(form: FlaskForm, errors: dict[str, list[str]]) -> None:
    """Put a service's field errors on the form's fields (unknown fields go to the form as a whole)."""
    for name, messages in errors.items():
        field = form._fields.get(name)
        target = field.errors if field is not None else form.form_errors
        if isinstance(target, tuple):
            target = field.errors = list(target)
        target.extend(translate(m) for m in (messages if isinstance(messages, list) else [messages]))


class NeighbourhoodForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, KIND_LABELS[k]) for k in NEIGHBOURHOOD_KINDS])
    cbs_code = StringField(_l("CBS neighbourhood code"), validators=[
        Optional(), Regexp(r"^WK\d{6}$", message=_l("A CBS neighbourhood code looks like WK001401."))],
        description=_l("Optional, for example WK001401."))
    area = StringField(_l("Area"), validators=[Optional(), Length(max=200)])


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    is_employer = BooleanField(_l("Employer"))
    is_host = BooleanField(_l("Host organisation"))
    is_coaching = BooleanField(_l("Coaching organisation"))
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    neighbourhood_id = SelectField(_l("Neighbourhood"), choices=[], validate_choice=True)


class SsoForm(FlaskForm):
    issuer = StringField(_l("Issuer URL"), validators=[DataRequired(), Length(max=500)],
                         description=_l("The identity provider's issuer, for example https://login.example.nl"))
    client_id = StringField(_l("Client ID"), validators=[DataRequired(), Length(max=255)])
    client_secret = PasswordField(_l("Client secret"), validators=[Optional(), Length(max=500)],
                                  description=_l("Stored encrypted and never shown again. Leave empty to keep "
                                                 "the current secret."))
    scopes = StringField(_l("Scopes"), validators=[DataRequired(), Length(max=500)], default="openid profile email")
    role_claim = StringField(_l("Claim with the roles"), validators=[DataRequired(), Length(max=100)],
                             default="groups")
    role_admin = StringField(_l("Claim values for Administrator"), validators=[Optional(), Length(max=500)])
    role_coach = StringField(_l("Claim values for Coach"), validators=[Optional(), Length(max=500)])
    role_jobcoach = StringField(_l("Claim values for Job coach"), validators=[Optional(), Length(max=500)])
    role_finance = StringField(_l("Claim values for Finance"), validators=[Optional(), Length(max=500)])
    role_viewer = StringField(_l("Claim values for Viewer"), validators=[Optional(), Length(max=500)])

    def role_map(self) -> dict[str, list[str]]:
        return {role: [v.strip() for v in (self[f"role_{role}"].data or "").split(",") if v.strip()]
                for role in ROLES}


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)],
                       description=_l("What the token is for, for example the benefits system export."))
    role = SelectField(_l("Role"), choices=[SelectChoice(r, ROLE_LABELS[r]) for r in ROLES], default="viewer")
    days = IntegerField(_l("Valid for (days)"), validators=[DataRequired(), NumberRange(1, 366)], default=90)


class UserForm(FlaskForm):
    is_active = BooleanField(_l("Active"))
    organisation_id = SelectField(_l("Coaching organisation"), choices=[],
                                  description=_l("For job coaches of an external organisation."))


class ConfirmForm(FlaskForm):
    """A form with only the CSRF token (sign-out, revoke)."""
