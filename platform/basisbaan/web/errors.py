"""Error pages for people (the API answers in JSON; see api/errors.py)."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from basisbaan.errors import DomainError


def _texts(code: int) -> tuple[str, str]:
    return {
        400: (_("Bad request"), _("The request could not be processed. Go back and try again.")),
        403: (_("No permission"), _("Your role does not give access to this page.")),
        404: (_("Page not found"), _("This page does not exist, or you have no access to it.")),
        405: (_("Not allowed"), _("This action is not possible here.")),
        413: (_("Too large"), _("The file or form is too large.")),
        429: (_("Too many attempts"), _("Wait a minute and try again.")),
    }.get(code, (_("Something went wrong"), _("Try again later. The error has been logged.")))


def render_error(error: HTTPException):
    return render_status(error.code or 500)


def render_domain_error(error: DomainError):
    """A service's error that a page did not handle (an unknown or another tenant's id, for example):
    the site's error page with the error's status, not the API's JSON."""
    return render_status(error.status)


def render_status(code: int):
    title, message = _texts(code)
    return render_template("web/error.html", title=title, message=message), code
