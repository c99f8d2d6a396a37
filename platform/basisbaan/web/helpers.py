"""Template helpers: labels, dates, navigation and permission checks."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import Flask
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from basisbaan.web.context import can
from basisbaan.web.forms import KIND_LABELS, ROLE_LABELS

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# (endpoint, label, permission): the areas of a municipality. Later areas add themselves here.
NAV_ITEMS = [
    ("web_tenant.dashboard", _l("Start"), "dashboard.view"),
    ("web_reference.neighbourhoods", _l("Neighbourhoods"), "reference.read"),
    ("web_reference.organisations", _l("Organisations"), "reference.read"),
    ("web_admin.users", _l("Users and roles"), "users.manage"),
    ("web_admin.sso", _l("Sign-in settings"), "sso.manage"),
    ("web_admin.tokens", _l("API tokens"), "tokens.manage"),
    ("web_admin.audit", _l("Audit log"), "audit.read"),
]

ORGANISATION_KIND_LABELS = {"employer": _l("Employer"), "host": _l("Host organisation"),
                            "coaching": _l("Coaching organisation")}


def datetime_local(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return format_datetime(moment.astimezone(AMSTERDAM), "short")


def form_error_fields(form) -> list:
    return [field for field in form if field.errors and field.type != "CSRFTokenField"]


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters.update(
        datetime_local=datetime_local,
        form_error_fields=form_error_fields,
        role_label=lambda role: ROLE_LABELS.get(role, role),
    )
    app.jinja_env.globals.update(
        can=can, nav_items=NAV_ITEMS,
        role_label=lambda role: ROLE_LABELS.get(role, role),
        kind_label=lambda kind: KIND_LABELS.get(kind, kind),
        org_kind_label=lambda kind: ORGANISATION_KIND_LABELS.get(kind, kind),
    )
