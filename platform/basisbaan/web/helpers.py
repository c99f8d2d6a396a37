"""Template helpers: labels, dates, navigation and permission checks."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import Flask
from flask_babel import format_currency, format_date, format_datetime, format_decimal, format_percent
from flask_babel import lazy_gettext as _l

from basisbaan.web.context import can
from basisbaan.web.candidate_forms import REASON_LABELS, VERDICT_LABELS
from basisbaan.web.forms import KIND_LABELS, ROLE_LABELS
from basisbaan.web.participant_forms import (ADVICE_LABELS, CAO_LABELS, CONTRACT_KIND_LABELS,
                                             EXIT_REASON_LABELS, GATEKEEPER_STEP_LABELS, PARTICIPANT_STATUS_LABELS,
                                             VERSION_REASON_LABELS, WAGE_BASIS_LABELS, WORKLIST_KIND_LABELS)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# (endpoint, label, permission): the areas of a municipality. Later areas add themselves here.
NAV_ITEMS = [
    ("web_tenant.dashboard", _l("Start"), "dashboard.view"),
    ("web_candidates.candidates", _l("Candidates"), "candidates.read"),
    ("web_candidates.funnel", _l("Intake funnel"), "funnel.view"),
    ("web_participants.participants", _l("Participants"), "participants.read"),
    ("web_participants.worklist", _l("Work list"), "worklist.view"),
    ("web_tasks.tasks", _l("Tasks"), "tasks.read"),
    ("web_support.coaching", _l("Coaching"), "coaching.read"),
    ("web_reference.neighbourhoods", _l("Neighbourhoods"), "reference.read"),
    ("web_reference.organisations", _l("Organisations"), "reference.read"),
    ("web_admin.users", _l("Users and roles"), "users.manage"),
    ("web_admin.sso", _l("Sign-in settings"), "sso.manage"),
    ("web_admin.tokens", _l("API tokens"), "tokens.manage"),
    ("web_admin.audit", _l("Audit log"), "audit.read"),
    ("web_cao_transition.cao_transition", _l("CAO transition"), "cao_transition.manage"),
    ("web_finance.costs", _l("Costs"), "costs.view"),
    ("web_finance.budget", _l("Budget"), "costs.view"),
    ("web_funding.funding_sources", _l("Funding"), "funding.read"),
    ("web_funding.forecasts", _l("Forecasts"), "forecasts.read"),
]

ORGANISATION_KIND_LABELS = {"employer": _l("Employer"), "host": _l("Host organisation"),
                            "coaching": _l("Coaching organisation")}


def criterion_title(code: str) -> str:
    """The title a municipality's plugin gives a criterion, in the reader's language."""
    from flask import g
    from flask_babel import get_locale

    for criterion in g.hooks.eligibility_criteria(settings=g.get("settings_today") or _settings_today()):
        if criterion.code == code:
            return criterion.title_nl if str(get_locale()) == "nl" else criterion.title_en
    return code


def _settings_today():
    from datetime import date

    from flask import g

    from basisbaan.extensions import db
    from basisbaan.services import settings as settings_service

    g.settings_today = settings_service.settings_on(db.session, g.hooks, date.today())
    return g.settings_today


def datetime_local(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return format_datetime(moment.astimezone(AMSTERDAM), "short")


def date_local(day) -> str:
    return format_date(day, "medium")


def money(amount) -> str:
    """An amount in euros in the reader's language (e.g. € 14,71)."""
    return format_currency(amount, "EUR") if amount is not None else "–"


def number(value) -> str:
    """A number as written in the reader's language (32,5), without trailing zeros."""
    if value is None:
        return "–"
    return format_decimal(value, "#,##0.##")


def percentage(fraction) -> str:
    """A fraction as a percentage with one decimal (0.125 -> 12,5%)."""
    return format_percent(fraction, "#,##0.0%") if fraction is not None else "–"


def _label(labels: dict):
    return lambda code: labels.get(code, code) if code is not None else "–"


def form_error_fields(form) -> list:
    return [field for field in form if field.errors and field.type != "CSRFTokenField"]


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters.update(
        datetime_local=datetime_local,
        date_local=date_local,
        form_error_fields=form_error_fields,
        money=money,
        number=number,
        percentage=percentage,
        role_label=lambda role: ROLE_LABELS.get(role, role),
        # (value, label) pairs for filter_select
        role_pair=lambda role: (role, ROLE_LABELS.get(role, role)),
        org_kind_pair=lambda kind: (kind, ORGANISATION_KIND_LABELS.get(kind, kind)),
        pairs=lambda rows, attribute: [(row.id, getattr(row, attribute)) for row in rows],
    )
    app.jinja_env.globals.update(
        can=can, nav_items=NAV_ITEMS,
        role_label=lambda role: ROLE_LABELS.get(role, role),
        kind_label=lambda kind: KIND_LABELS.get(kind, kind),
        org_kind_label=lambda kind: ORGANISATION_KIND_LABELS.get(kind, kind),
        verdict_label=lambda verdict: VERDICT_LABELS.get(verdict, verdict),
        reason_label=lambda reason: REASON_LABELS.get(reason, reason),
        criterion_title=criterion_title,
        exit_reason_label=_label(EXIT_REASON_LABELS),
        contract_kind_label=_label(CONTRACT_KIND_LABELS),
        advice_label=_label(ADVICE_LABELS),
        gatekeeper_step_label=_label(GATEKEEPER_STEP_LABELS),
        worklist_kind_label=_label(WORKLIST_KIND_LABELS),
        participant_status_label=_label(PARTICIPANT_STATUS_LABELS),
        cao_label=_label(CAO_LABELS),
        version_reason_label=_label(VERSION_REASON_LABELS),
        wage_basis_label=_label(WAGE_BASIS_LABELS),
    )
