"""Financing pages: a participant's cost card and wage values, programme costs, budget versus actual.

Figures come from services.costs and services.funding (computed from the records, never stored); the pages
only present them: amounts are rounded to cents when shown, and every page can be downloaded as a
spreadsheet (`?format=xlsx`). Periods on the pages name their last day (`to` is included); the services
take the day after it. The cost card shows a participant's wages and household norm: viewing it is audited.
Programme costs and the budget are aggregates without personal details.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from datetime import date, timedelta
from decimal import Decimal

from flask import g, render_template, request, url_for
from flask_babel import format_currency, format_date
from flask_babel import gettext as _
from sqlalchemy import select

from basisbaan.domain.costs import LINES, Totals
from basisbaan.errors import DomainError
from basisbaan.extensions import db
from basisbaan.models import Participant
from basisbaan.services import costs as cost_service
from basisbaan.services.employment_view import MIN_GROUP
from basisbaan.services import funding as funding_service
from basisbaan.services import participants as participant_service
from basisbaan.services import wage_values
from basisbaan.services.timeline import SettingsTimeline
from basisbaan.web.charts import bar_chart
from basisbaan.web.context import can, page, tenant_pages
from basisbaan.web.finance_forms import (GROUP_LABELS, GROUP_PER_LABELS, LINE_DESCRIPTIONS, LINE_LABELS,
                                         NO_GROUP_LABELS, PARAMETER_LABELS, SETTING_LABELS, TOTAL_LABELS,
                                         WageValueForm)
from basisbaan.web.forms import translate
from basisbaan.web.helpers import date_local, money, number, percentage
from basisbaan.web.participant_forms import CAO_LABELS, WAGE_BASIS_LABELS
from basisbaan.web.saving import form_status as _status
from basisbaan.web.saving import participant_name as _name
from basisbaan.web.saving import save as _save
from basisbaan.web.saving import visible_participant as _participant
from basisbaan.web.xlsx import Sheet, workbook_response

bp = tenant_pages("web_finance", __name__)

DAY = timedelta(days=1)
CENT = Decimal("0.01")
BUDGET_YEARS = 3  # the budget page shows the current year and the two before it by default
TOTALS = ("costs", "contributions", "gross", "offsets", "net")
# The programme table's columns: (key, label) where key is a line code, "coaching" (both kinds) or a total.
PROGRAMME_COLUMNS = ("wages", "employer_charges", "employership", "coaching", "training", "host_contribution",
                     "gross", "offsets", "net")


# --- helpers ------------------------------------------------------------------------------------------

@bp.context_processor
def _labels():
    return {"line_label": lambda code: LINE_LABELS.get(code, code),
            "line_description": lambda code: LINE_DESCRIPTIONS.get(code, ""),
            "total_label": lambda name: TOTAL_LABELS.get(name, name)}


def _timeline() -> SettingsTimeline:
    return SettingsTimeline(db.session, g.hooks)


def _cents(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(CENT)


def rounded(totals: Totals) -> Totals:
    """The totals with every line rounded to cents and the sums (costs, gross, net ...) made of the rounded
    lines: a table of them adds up, across and down, to the cent."""
    return Totals({code: _cents(amount) for code, amount in totals.lines.items()})


def _sum(items) -> Totals:
    found = Totals()
    for totals in items:
        found.merge(totals)
    return found


def _euros(value) -> str:
    """Whole euros, for a chart's axis and labels (the table under it has the cents)."""
    return format_currency(Decimal(str(value)), "EUR", "¤ #,##0", currency_digits=False)


def _wants_xlsx() -> bool:
    return request.args.get("format") == "xlsx"


def _query_day(name: str, default: date, errors: list[str]) -> date:
    value = (request.args.get(name) or "").strip()
    if not value:
        return default
    try:
        day = date.fromisoformat(value)
    except ValueError:
        errors.append(_("“%(value)s” is not a date: use the form year-month-day.", value=value[:20]))
        return default
    if not date(1900, 1, 1) <= day <= date(2100, 12, 31):
        errors.append(_("Dates lie between 1900 and 2100."))
        return default
    return day


def _period() -> tuple[date, date, list[str]]:
    """The period of the page: `from` and `to` (the last day included), by default the current calendar
    year; with the messages of anything wrong in them."""
    today = date.today()
    errors: list[str] = []
    first = _query_day("from", date(today.year, 1, 1), errors)
    last = _query_day("to", date(today.year, 12, 31), errors)
    if not errors and last < first:
        errors.append(_("The last day must not be before the first day."))
    return first, last, errors


def _domain_messages(error: DomainError) -> list[str]:
    found = [translate(m) for messages in error.errors.values()
             for m in (messages if isinstance(messages, list) else [messages])]
    return found or [_("The figures could not be computed for this choice.")]


def _missing(items) -> list[str]:
    """What the figures leave out, in words."""
    found = []
    for item in items:
        parameter = item.parameter
        if parameter in PARAMETER_LABELS:
            name = str(PARAMETER_LABELS[parameter])
        elif parameter.startswith("terms of "):
            name = _("terms of %(cao)s", cao=parameter[len("terms of "):])
        else:
            name = parameter
        found.append(_("Not published for the %(parameter)s from %(day)s: the days from then on are left out of "
                       "the line concerned.", parameter=name, day=date_local(item.first_day)))
    return found


def _notices(missing, provisional_from: date | None) -> dict:
    return {"missing": _missing(missing),
            "provisional": _("From %(day)s the minimum wage is the last published one, carried forward: the wages "
                             "from then on are provisional.", day=date_local(provisional_from))
            if provisional_from else None}


# --- how a line was computed ------------------------------------------------------------------------------

ISO = r"(\d{4}-\d{2}-\d{2})"


def _day(iso: str) -> str:
    return date_local(date.fromisoformat(iso))


def source_text(source: str) -> str:
    """A basis's source (services.costs) in words; an unknown source as it is."""
    if source.startswith("setting "):
        name = source[len("setting "):]
        return _("Municipal setting: %(setting)s", setting=SETTING_LABELS.get(name, name))
    if source.startswith("task: "):
        return _("Contribution of the host of the task “%(task)s”", task=source[len("task: "):])
    if source.startswith("training: "):
        return _("Training “%(name)s”", name=source[len("training: "):])
    if found := re.fullmatch(r"wage value assessed on " + ISO, source):
        return _("Wage value assessed on %(day)s", day=_day(found[1]))
    if found := re.fullmatch(r"assistance norm \((single|couple)\) from " + ISO, source):
        household = _("single") if found[1] == "single" else _("couple")
        return _("Social-assistance norm (%(household)s) from %(day)s", household=household, day=_day(found[2]))
    if found := re.fullmatch(r"assistance norm from " + ISO + r", carried forward \(assumed\)", source):
        return _("Social-assistance norm of %(day)s, carried forward (assumed)", day=_day(found[1]))
    if found := re.fullmatch(r"(.+) from " + ISO + r"; (.+)", source):
        cao, day, rest = found[1], _day(found[2]), found[3]
        if rest == "employer charges and pension on the pay":
            return _("%(cao)s of %(day)s: employer charges and pension on the pay", cao=cao, day=day)
        basis = WAGE_BASIS_LABELS.get(rest)
        if basis is not None:
            return _("%(cao)s of %(day)s: hourly wage by the %(basis)s", cao=cao, day=day, basis=basis)
    return source


def rate_text(rate: Decimal, unit: str) -> str:
    if unit == "per_year":
        return _("%(amount)s per year", amount=money(rate))
    if unit == "per_month":
        return _("%(amount)s per month", amount=money(rate))
    if unit == "per_hour":
        return _("%(amount)s per hour", amount=money(rate))
    if unit == "one_off":
        return _("%(amount)s once", amount=money(rate))
    if unit == "fraction":
        return _("%(percent)s of the pay", percent=percentage(rate))
    if unit == "wage_value_percent":
        return _("wage value %(percent)s%%", percent=number(rate))
    return f"{number(rate)} {unit}"


def _basis_view(basis) -> dict:
    return {"start": basis.start, "last": basis.end - DAY, "days": basis.days, "amount": basis.amount,
            "rate": rate_text(basis.rate, basis.unit), "hours": basis.hours, "source": source_text(basis.source),
            "raw_rate": basis.rate, "unit": basis.unit}


def _totals_rows(totals: Totals) -> list[tuple[str, Decimal]]:
    return [(name, getattr(totals, name)) for name in TOTALS]


# --- the cost card ------------------------------------------------------------------------------------------

def _card_xlsx(first: date, last: date, lines: list[dict], totals: Totals):
    header = [_("Line"), _("Amount")]
    rows = [[line["label"], _cents(line["amount"])] for line in lines]
    rows += [[str(TOTAL_LABELS[name]), _cents(amount)] for name, amount in _totals_rows(totals)]
    bases = [[line["label"], b["start"], b["last"], b["days"], b["raw_rate"], b["rate"], b["hours"],
              _cents(b["amount"]), b["source"]] for line in lines for b in line["bases"]]
    return workbook_response(
        f"costs-participant-{first.isoformat()}-{last.isoformat()}.xlsx",
        [Sheet(_("Costs"), header, rows, {1}),
         Sheet(_("How it was computed"), [_("Line"), _("From"), _("To (last day)"), _("Days"), _("Rate"),
                                          _("Rate in words"), _("Hours per week"), _("Amount"), _("Source")],
               bases, {7})])


@bp.get("/participants/<uuid:participant_id>/costs")
@page("costs.participant")
def participant_costs(participant_id: uuid.UUID):
    """The participant's costs over a period, every line with how it was computed. Viewing is audited."""
    record = _participant(participant_id)
    first, last, errors = _period()
    result = None
    if not errors:
        try:
            result = cost_service.participant_cost(db.session, _timeline(), record, first, last + DAY)
        except DomainError as exc:
            errors = _domain_messages(exc)
    participant_service.record_view(db.session, record, g.principal.actor)
    db.session.commit()
    totals = rounded(result.totals) if result else None
    lines = [{"code": code, "label": str(LINE_LABELS[code]), "amount": totals.lines[code],
              "bases": [_basis_view(b) for b in line.bases]}
             for code, line in result.lines.items()] if result else []
    if result and _wants_xlsx():
        return _card_xlsx(first, last, lines, totals)
    assessments = wage_values.of(db.session, record)
    return render_template(
        "web/finance/participant_costs.html", record=record, name=_name(record), first=first, last=last,
        errors=errors, lines=lines, totals=_totals_rows(totals) if result else [],
        notices=_notices(result.missing, result.provisional_from) if result else None,
        assessments=assessments, today=date.today()), 422 if errors else 200


# --- wage values ----------------------------------------------------------------------------------------------

@bp.route("/participants/<uuid:participant_id>/wage-values/new", methods=["GET", "POST"])
@page("wage_values.write")
def new_wage_value(participant_id: uuid.UUID):
    """Record a wage value set by an assessor: the basis of the wage-cost subsidy from that day on."""
    record = _participant(participant_id)
    form = WageValueForm()
    if request.method == "GET":
        form.assessed_on.data = date.today()
    error = None
    if form.validate_on_submit():
        data = {"assessed_on": form.assessed_on.data, "wage_value_percent": form.wage_value_percent.data,
                "assessor": form.assessor.data}
        response, error = _save(
            form, lambda: wage_values.add(db.session, record, data, g.principal.actor, date.today()),
            done=_("The wage value has been recorded."),
            to=url_for("web_finance.participant_costs", participant_id=record.id) + "#wage-values")
        if response:
            return response
    return render_template("web/finance/wage_value_form.html", form=form, record=record,
                           name=_name(record)), _status(form, error)


# --- programme costs -----------------------------------------------------------------------------------------

def _names(keys) -> dict:
    """Participants' names for the participant grouping: one statement."""
    ids = [key for key in keys if key != cost_service.NO_GROUP]
    if not ids:
        return {}
    return {p.id: _name(p) for p in db.session.scalars(select(Participant).where(Participant.id.in_(ids)))}


def _group_label(group_by: str, key, names: dict | None = None) -> str:
    if group_by == "participant":
        return (names or {}).get(key, str(key))
    if key == cost_service.NO_GROUP:
        return str(NO_GROUP_LABELS.get(group_by, _("Other")))
    if group_by == "month":
        year, month = str(key).split("-")
        return format_date(date(int(year), int(month), 1), "MMMM yyyy")
    if group_by == "cao":
        return str(CAO_LABELS.get(key, key))
    return str(key)


def _column(totals: Totals, key: str) -> Decimal:
    if key == "coaching":
        return totals.lines["coaching_external"] + totals.lines["coaching_municipal"]
    if key in LINES:
        return totals.lines[key]
    return getattr(totals, key)


def _column_label(key: str) -> str:
    if key == "coaching":
        return _("Coaching")
    return str(LINE_LABELS.get(key) or TOTAL_LABELS[key])


def _programme_chart(group_by: str, rows: list[dict]):
    return bar_chart(
        _("Programme costs %(per)s", per=GROUP_PER_LABELS[group_by]),
        _("Gross costs, offsets (wage-cost subsidy and social assistance no longer paid, shown as positive "
          "amounts) and net costs in euros %(per)s. The table below the chart gives the same figures.",
          per=GROUP_PER_LABELS[group_by]),
        [row["label"] for row in rows],
        [(_("Gross costs"), [row["totals"].gross for row in rows]),
         (_("Offsets (as a positive amount)"), [-row["totals"].offsets for row in rows]),
         (_("Net costs"), [row["totals"].net for row in rows])],
        chart_id="costs-chart", value_format=_euros)


def _programme_xlsx(first: date, last: date, group_by: str, rows: list[dict], total: Totals):
    header = [str(GROUP_LABELS[group_by])] + [str(LINE_LABELS[c]) for c in LINES] + \
             [str(TOTAL_LABELS[t]) for t in TOTALS]
    body = [[row["label"]] + [_cents(row["totals"].lines[c]) for c in LINES] +
            [_cents(getattr(row["totals"], t)) for t in TOTALS] for row in rows]
    body.append([_("Total")] + [_cents(total.lines[c]) for c in LINES] + [_cents(getattr(total, t)) for t in TOTALS])
    return workbook_response(f"programme-costs-{group_by}-{first.isoformat()}-{last.isoformat()}.xlsx",
                             [Sheet(_("Programme costs"), header, body, set(range(1, len(header))))])


@bp.get("/costs")
@page("costs.view")
def costs():
    """The programme's costs over a period, grouped (by default per year): a table with a total row, a chart of
    gross costs, offsets and net costs per group, and notices of what the figures leave out."""
    first, last, errors = _period()
    group_by = request.args.get("group_by") or "year"
    groupings = {k: v for k, v in GROUP_LABELS.items()
                 if k not in cost_service.PERSONAL_GROUP_BY or can("costs.participant")}
    if group_by not in groupings:
        errors.append(_("Choose a grouping from the list."))
        group_by = "year"
    result = None
    if not errors:
        try:
            result = cost_service.programme_cost(db.session, _timeline(), first, last + DAY, group_by,
                                                 hide_below=0 if can("costs.participant") else MIN_GROUP)
        except DomainError as exc:
            errors = _domain_messages(exc)
    names = _names(result.groups) if result and group_by == "participant" else None
    rows = [{"label": _group_label(group_by, key, names), "totals": rounded(totals),
             "participant_id": key if group_by == "participant" else None}
            for key, totals in result.groups.items()] if result else []
    total = _sum(row["totals"] for row in rows)
    if result and _wants_xlsx():
        return _programme_xlsx(first, last, group_by, rows, total)
    return render_template(
        "web/finance/costs.html", first=first, last=last, group_by=group_by, groupings=groupings,
        per=GROUP_PER_LABELS[group_by], errors=errors, result=result, rows=rows, total=total,
        columns=[(key, _column_label(key)) for key in PROGRAMME_COLUMNS], column=_column,
        chart=_programme_chart(group_by, rows) if rows else None,
        notices=_notices(result.missing, result.provisional_from) if result else None), 422 if errors else 200


# --- budget versus actual -------------------------------------------------------------------------------------

def _query_year(name: str, default: int, errors: list[str]) -> int:
    value = (request.args.get(name) or "").strip()
    if not value:
        return default
    if not value.isdigit() or not 1900 <= int(value) <= 2100:
        errors.append(_("“%(value)s” is not a year between 1900 and 2100.", value=value[:20]))
        return default
    return int(value)


def _budget_chart(years):
    return bar_chart(
        _("Budget and actual net costs per year"),
        _("The budget allocated from the funding sources and the actual net costs in euros per year. The table "
          "below the chart gives the same figures."),
        [str(y.year) for y in years],
        [(_("Budget"), [y.budget for y in years]), (_("Actual net costs"), [y.actual.net for y in years])],
        chart_id="budget-chart", value_format=_euros)


def _budget_xlsx(first_year: int, last_year: int, years, sources: list[str]):
    header = [_("Year"), _("Budget"), _("Gross costs"), _("Offsets"), _("Net costs"), _("Gap (positive: money short)")]
    rows = [[y.year, _cents(y.budget), _cents(y.actual.gross), _cents(y.actual.offsets), _cents(y.actual.net),
             _cents(y.gap)] for y in years]
    per_source = [[name] + [_cents(y.by_source.get(name, Decimal(0))) for y in years] for name in sources]
    per_source.append([_("Total")] + [_cents(y.budget) for y in years])
    return workbook_response(
        f"budget-{first_year}-{last_year}.xlsx",
        [Sheet(_("Budget versus actual"), header, rows, {1, 2, 3, 4, 5}),
         Sheet(_("Budget per funding source"), [_("Funding source")] + [str(y.year) for y in years], per_source,
               set(range(1, len(years) + 1)))])


@bp.get("/budget")
@page("costs.view")
def budget():
    """Per year: the budget allocated (and per funding source), the actual costs and the gap; by default the
    current year and the two before it."""
    this_year = date.today().year
    errors: list[str] = []
    first_year = _query_year("from_year", this_year - BUDGET_YEARS + 1, errors)
    last_year = _query_year("to_year", this_year, errors)
    result = None
    if not errors:
        try:
            result = funding_service.budget_versus_actual(db.session, _timeline(), first_year, last_year)
        except DomainError as exc:
            errors = _domain_messages(exc)
    years = [dataclasses.replace(y, actual=rounded(y.actual)) for y in result.years] if result else []
    sources = sorted({name for y in years for name in y.by_source}, key=str.lower)
    if result and _wants_xlsx():
        return _budget_xlsx(first_year, last_year, years, sources)
    actual = _sum(y.actual for y in years)
    total = {"budget": sum((y.budget for y in years), Decimal(0)), "gross": actual.gross, "offsets": actual.offsets,
             "net": actual.net, "gap": actual.net - sum((y.budget for y in years), Decimal(0))}
    return render_template(
        "web/finance/budget.html", first_year=first_year, last_year=last_year, errors=errors, years=years,
        sources=sources, total=total, chart=_budget_chart(years) if years else None,
        notices=_notices(result.missing, result.provisional_from) if result else None), 422 if errors else 200

