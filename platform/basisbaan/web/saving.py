"""Shared by the page modules: saving a form through a service (commit, flash, redirect; or the service's
errors next to the fields), the status code of a form page, the version a form was based on, the
participant a signed-in person may see, and dates and ids from a query string."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import flash, g, redirect
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from basisbaan.domain.dates import out_of_range
from basisbaan.errors import Conflict, DomainError
from basisbaan.extensions import db
from basisbaan.models import Participant
from basisbaan.services import participants as participant_service
from basisbaan.web.forms import apply_errors


def query_date(value: str | None, default: date | None = None) -> date | None:
    """A date from a query string (YYYY-MM-DD); anything else, or a date out of range, is `default`."""
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        return default
    return default if day is None or out_of_range(day) else day


def parse_uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def visible_participant(participant_id: uuid.UUID) -> Participant:
    """The participant if the signed-in person may see them (NotFound, a 404 page, otherwise)."""
    return participant_service.get(db.session, participant_id, g.principal.viewer)


def participant_name(record: Participant) -> str:
    return f"{record.person.given_names} {record.person.family_name}"


def show_errors(form, error: DomainError, rename: dict[str, str] | None = None, prefix: str | None = None) -> None:
    """Put a service's errors next to the form's fields. A stale version (someone else saved in the
    meantime) becomes one message for the whole form: the hidden field cannot show it."""
    errors: dict[str, list[str]] = {}
    for key, messages in error.errors.items():
        if key == "existing_participant_id":
            continue  # an id, not a message: the page links to the participant instead
        if key == "version":
            form.form_errors.append(_("Someone else changed this in the meantime. Reload the page to see the "
                                      "current state, then make your change again."))
            continue
        if prefix and key.startswith(prefix):
            key = key[len(prefix):]
        errors[(rename or {}).get(key, key)] = messages
    if not errors and not form.form_errors:
        form.form_errors.append(_("This could not be saved. Check the input and try again."))
    apply_errors(form, errors)


def save(form, action: Callable[[], Any], *, done: str, to: str | Callable[[Any], str],
          **show) -> tuple[Response | None, DomainError | None]:
    """Run `action()` (the service call) and commit; then flash `done` and redirect to `to` (a URL, or a
    function of the action's result giving one). On a DomainError roll back and show its errors on `form`
    (`show` goes to _show_errors). The rollback expires the objects loaded before: they reload from the
    database, in the same tenant, when next used, so the page needs no reloading of its own."""
    try:
        result = action()
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        show_errors(form, exc, **show)
        return None, exc
    flash(done, "ok")
    return redirect(to(result) if callable(to) else to), None


def form_status(form, error: DomainError | None = None) -> int:
    if isinstance(error, Conflict):
        return 409
    return 422 if form.errors or form.form_errors else 200


def form_version(form) -> int:
    """The version the form was based on; a missing or altered one counts as stale (never as 'no check')."""
    value = (form.version.data or "").strip()
    if not value.isdigit():
        raise Conflict("The form carries no valid version.", {"version": ["stale"]})
    return int(value)
