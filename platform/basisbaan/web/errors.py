"""Error pages for people (the API answers in JSON; see api/errors.py)."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException


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
    code = error.code or 500
    title, message = _texts(code)
    response = render_template("web/error.html", title=title, message=message), code
    return response
