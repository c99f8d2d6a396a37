"""Funding pages: funding sources with their allocations, and forecast scenarios with their projection.

The pages call the services the JSON API calls (basisbaan.api.finance): services.funding for the sources,
their allocations to years and what is left; services.forecasts for the scenarios and their projection per
year. Money stays Decimal and is rounded only when shown (the `money` filter) or written to a spreadsheet.
Every chart is followed by the table with its figures; every table can be downloaded (`?format=xlsx`).
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from flask import abort, g, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from basisbaan.errors import NotFound
from basisbaan.extensions import db
from basisbaan.models import Forecast
from basisbaan.models.finance import FUNDING_KINDS
from basisbaan.services import forecasts as forecast_service
from basisbaan.services import funding as funding_service
from basisbaan.services.timeline import SettingsTimeline
from basisbaan.web.candidate_forms import HOUSEHOLD_LABELS
from basisbaan.web.charts import SERIES_STYLES, bar_chart
from basisbaan.web.context import can, page, tenant_pages
from basisbaan.web.funding_forms import (FUNDING_KIND_LABELS, MONEY_OVERRIDES, PERCENT_OVERRIDES, AllocationForm,
                                         ForecastForm, FundingForm, missing_label)
from basisbaan.web.helpers import date_local, money, number
from basisbaan.web.pagination import paginate
from basisbaan.web.participant_forms import CAO_LABELS
from basisbaan.web.saving import form_status as _status
from basisbaan.web.saving import form_version as _version
from basisbaan.web.saving import parse_uuid as _uuid
from basisbaan.web.saving import save as _save
from basisbaan.web.xlsx import Sheet, workbook_response

bp = tenant_pages("web_funding", __name__)

CENT = Decimal("0.01")
COMPARE_MIN, COMPARE_MAX = 2, 5


# --- helpers ------------------------------------------------------------------------------------------

def _timeline() -> SettingsTimeline:
    return SettingsTimeline(db.session, g.hooks)


def _cents(amount: Decimal | None) -> Decimal | None:
    return amount.quantize(CENT) if amount is not None else None


def _kind_label(kind: str) -> str:
    return str(FUNDING_KIND_LABELS.get(kind, kind))


def _wants_xlsx() -> bool:
    return request.args.get("format") == "xlsx"


def _source_view(source, allocations) -> dict:
    """A funding source as the pages show it (the API's funding_view): with what is allocated and left."""
    allocated = sum((a.amount for a in allocations), Decimal(0))
    return {"source": source, "allocations": allocations, "allocated": allocated,
            "remaining": source.amount - allocated}


def _source_url(source_id: uuid.UUID, anchor: str = "") -> str:
    return url_for("web_funding.funding_source", source_id=source_id) + (f"#{anchor}" if anchor else "")


def _month_names() -> dict[int, str]:
    return dict(get_locale().months["format"]["wide"])


# --- funding sources: the list -----------------------------------------------------------------------------

def _funding_chart(views: list[dict]):
    """Grouped bars per source: allocated and remaining (the page's table follows it)."""
    return bar_chart(
        _("Funding sources: allocated and remaining"),
        _("Per funding source on this page: the amount allocated to years and the amount still to allocate, "
          "in euros. The table below the chart gives the same figures."),
        [v["source"].name for v in views],
        [(_("Allocated"), [v["allocated"] for v in views]), (_("Remaining"), [v["remaining"] for v in views])],
        chart_id="funding-chart", value_format=money)


def _funding_workbook(views: list[dict], kind: str):
    sources = Sheet(_("Funding sources"), [
        _("Name"), _("Kind"), _("Funder"), _("Amount"), _("Start date"), _("Last day"), _("Allocated"),
        _("Remaining"), _("Earmark"), _("Conditions")], [
        [v["source"].name, _kind_label(v["source"].kind), v["source"].funder, _cents(v["source"].amount),
         v["source"].start_on, v["source"].end_on, _cents(v["allocated"]), _cents(v["remaining"]),
         v["source"].earmark, v["source"].conditions] for v in views], money_columns={3, 6, 7})
    allocations = Sheet(_("Allocations"), [_("Funding source"), _("Year"), _("Amount"), _("Note")], [
        [v["source"].name, a.year, _cents(a.amount), a.note] for v in views for a in v["allocations"]],
        money_columns={2})
    return workbook_response(f"funding-sources-{kind}.xlsx" if kind else "funding-sources.xlsx",
                             [sources, allocations])


@bp.get("/funding")
@page("funding.read")
def funding_sources():
    """Funding sources by start date, filtered by kind, with what each has allocated and left."""
    kind = request.args.get("kind") if request.args.get("kind") in FUNDING_KINDS else ""
    stmt = funding_service.list_query(kind or None)
    if _wants_xlsx():  # every source of the filter, not only this page's
        sources = db.session.scalars(stmt).all()
        allocations = funding_service.allocations_of(db.session, [s.id for s in sources])
        return _funding_workbook([_source_view(s, allocations.get(s.id, [])) for s in sources], kind)
    page_of = paginate(stmt)
    allocations = funding_service.allocations_of(db.session, [s.id for s in page_of.items])
    views = [_source_view(s, allocations.get(s.id, [])) for s in page_of.items]
    return render_template("web/funding/list.html", page_of=page_of, views=views, kind=kind,
                           kinds=FUNDING_KIND_LABELS, chart=_funding_chart(views) if views else None)


# --- funding sources: new, the source's page, allocations, edit ---------------------------------------------

@bp.route("/funding/new", methods=["GET", "POST"])
@page("funding.write")
def new_funding_source():
    form = FundingForm()
    if request.method == "GET":
        form.start_on.data = date(date.today().year, 1, 1)
    error = None
    if form.validate_on_submit():
        data = form.data_for_service()
        response, error = _save(
            form, lambda: funding_service.create(db.session, data, g.principal.actor),
            done=_("The funding source has been saved."), to=lambda source: _source_url(source.id))
        if response:
            return response
    return render_template("web/funding/form.html", form=form, source=None), _status(form, error)


def _source_page(source, form: AllocationForm | None = None, status: int = 200):
    """The source's details, its allocations per year and, for those who may, the allocation form (with the
    errors of a refused allocation)."""
    view = _source_view(source, funding_service.allocations_of(db.session, [source.id]).get(source.id, []))
    if form is None and can("funding.write"):
        form = AllocationForm()
        year = max(date.today().year, source.start_on.year)  # this year, within the source's period
        form.year.data = min(year, source.end_on.year) if source.end_on else year
    years: dict[int, Decimal] = {}
    for allocation in view["allocations"]:
        years[allocation.year] = years.get(allocation.year, Decimal(0)) + allocation.amount
    return render_template("web/funding/detail.html", **view, form=form, years=sorted(years.items()),
                           kind_label=_kind_label(source.kind)), status


@bp.get("/funding/<uuid:source_id>")
@page("funding.read")
def funding_source(source_id: uuid.UUID):
    return _source_page(funding_service.get(db.session, source_id))


@bp.post("/funding/<uuid:source_id>/allocations")
@page("funding.write")
def allocate(source_id: uuid.UUID):
    """Allocate part of the source to a year; back on the source's page with the errors at the fields."""
    source = funding_service.get(db.session, source_id)
    form = AllocationForm()
    error = None
    if form.validate_on_submit():
        data = {"year": form.year.data, "amount": form.amount.data, "note": form.note.data or None}
        response, error = _save(
            form, lambda: funding_service.allocate(db.session, source, data, g.principal.actor),
            done=_("The allocation has been saved."), to=_source_url(source.id, "allocations"))
        if response:
            return response
    status = _status(form, error)
    return _source_page(source, form, status if status != 200 else 422)


@bp.route("/funding/<uuid:source_id>/edit", methods=["GET", "POST"])
@page("funding.write")
def edit_funding_source(source_id: uuid.UUID):
    """Change a source; the version read guards against a change someone else saved in the meantime."""
    source = funding_service.get(db.session, source_id)
    form = FundingForm()
    if request.method == "GET":
        form.version.data = str(source.version)
        for name in ("name", "kind", "funder", "amount", "start_on", "end_on", "conditions", "earmark"):
            form[name].data = getattr(source, name)
    error = None
    if form.validate_on_submit():
        data = form.data_for_service()
        response, error = _save(
            form, lambda: funding_service.update(db.session, source, {**data, "version": _version(form)},
                                                 g.principal.actor),
            done=_("The funding source has been saved."), to=_source_url(source.id))
        if response:
            return response
    return render_template("web/funding/form.html", form=form, source=source), _status(form, error)


# --- forecasts: the list and a new scenario ----------------------------------------------------------------

@bp.get("/forecasts")
@page("forecasts.read")
def forecasts():
    """Saved scenarios, with checkboxes to compare some of them."""
    page_of = paginate(forecast_service.list_query())
    return render_template("web/funding/forecasts.html", page_of=page_of, compare_max=COMPARE_MAX)


@bp.route("/forecasts/new", methods=["GET", "POST"])
@page("forecasts.write")
def new_forecast():
    form = ForecastForm()
    months = _month_names()
    form.start_month.choices = [(number, months[number]) for number in range(1, 13)]
    if request.method == "GET":
        next_year = date.today().year + 1
        form.start_year.data, form.end_year.data = next_year, next_year + 2
    error = None
    if form.validate_on_submit():
        data = {"name": form.name.data, "description": (form.description.data or "").strip() or None,
                "parameters": form.parameters()}
        response, error = _save(
            form, lambda: forecast_service.create(db.session, _timeline(), data, g.principal.actor),
            done=_("The scenario has been saved."),
            to=lambda forecast: url_for("web_funding.forecast", forecast_id=forecast.id))
        if response:
            return response
    return render_template("web/funding/forecast_form.html", form=form), _status(form, error)


# --- a forecast: parameters and projection ----------------------------------------------------------------

def _missing_text(year) -> list[str]:
    return [_("%(parameter)s from %(date)s", parameter=missing_label(m.parameter), date=date_local(m.first_day))
            for m in year.missing]


def _parameters(scenario: dict) -> list[tuple[str, str]]:
    """(label, value) of a scenario's parameters, as read; an override left empty is the municipality's."""
    setting = _("The municipality's setting")
    months = _month_names()

    def amount(name):
        return money(scenario.get(name)) if scenario.get(name) is not None else setting

    def percent(value):
        return f"{number(value)}%" if value is not None else setting

    return [
        (_("Years"), f"{scenario['start_year']}–{scenario['end_year']}"),
        (_("Participants at the start"), number(scenario["current"])),
        (_("Target number of participants"), number(scenario["target"]) if scenario.get("target") is not None
         else _("None")),
        (_("New participants per year"), number(scenario["growth_per_year"])),
        (_("Month in which new participants start"), months.get(scenario.get("start_month") or 1, "")),
        (_("Participants leaving per year"), f"{number(scenario['exit_rate'] * 100)}%"),
        (_("Hours per week"), number(scenario["hours_per_week"])),
        (_("Collective agreement (CAO)"), str(CAO_LABELS.get(scenario["cao"], scenario["cao"]))),
        (_("Household type for the assistance no longer paid"),
         str(HOUSEHOLD_LABELS.get(scenario["household_type"], scenario["household_type"]))),
        (_("Host contribution per participant per year"), money(scenario["host_contribution_per_year"])),
        (_("Assume the last published assistance norm for later years"),
         _("Yes") if scenario.get("carry_forward_norms") else _("No")),
        *[(label, amount(name)) for name, label in zip(MONEY_OVERRIDES, (
            _("Employership per participant per year"), _("Job coaching in the first year"),
            _("Job coaching in later years, per year"), _("Municipal coach per participant per year")))],
        *[(label, percent(scenario[name] * 100 if scenario.get(name) is not None else None))
          for name, label in zip(PERCENT_OVERRIDES, (_("Employer charges (% of the pay)"),
                                                      _("Pension (% of the pay)")))],
        (_("Wage value when not assessed (% of the minimum wage)"),
         percent(scenario.get("default_wage_value_percent"))),
    ]


def _projection_rows(projection) -> list[dict]:
    return [{"year": y.year, "participants_start": y.participants_start, "starters": y.starters,
             "exits": y.exits, "participants_end": y.participants_end, "gross": y.totals.gross,
             "offsets": y.totals.offsets, "net": y.totals.net, "funding": y.funding, "gap": y.gap,
             "provisional": y.provisional, "missing": _missing_text(y)} for y in projection]


def _projection_sheet(title: str, rows: list[dict]) -> Sheet:
    header = [_("Year"), _("Participants at start"), _("Starters"), _("Leavers"), _("Participants at year end"),
              _("Gross costs"), _("Offsets"), _("Net costs"), _("Funding"), _("Gap"), _("Provisional"),
              _("Missing parameters")]
    return Sheet(title, header, [
        [r["year"], r["participants_start"], r["starters"], r["exits"], r["participants_end"], _cents(r["gross"]),
         _cents(r["offsets"]), _cents(r["net"]), _cents(r["funding"]), _cents(r["gap"]),
         _("Yes") if r["provisional"] else _("No"), "; ".join(r["missing"])] for r in rows],
        money_columns={5, 6, 7, 8, 9})


@bp.get("/forecasts/<uuid:forecast_id>")
@page("forecasts.read")
def forecast(forecast_id: uuid.UUID):
    """The scenario's parameters and its projection per year (chart and table), with the years that are
    provisional or lack a parameter."""
    record = forecast_service.get(db.session, forecast_id)
    scenario = forecast_service.scenario_of(record)
    rows = _projection_rows(forecast_service.project(db.session, _timeline(), scenario))
    if _wants_xlsx():
        return workbook_response(f"forecast-{record.name}.xlsx", [_projection_sheet(_("Projection"), rows)])
    chart = bar_chart(
        _("Net costs and funding per year"),
        _("Per year of the scenario: the projected net costs and the funding allocated to that year, in euros. "
          "The table below the chart gives the same figures."),
        [str(r["year"]) for r in rows],
        [(_("Net costs"), [r["net"] for r in rows]), (_("Funding"), [r["funding"] for r in rows])],
        chart_id="forecast-chart", value_format=money) if rows else None
    return render_template("web/funding/forecast.html", record=record, parameters=_parameters(scenario),
                           rows=rows, chart=chart, provisional=[r["year"] for r in rows if r["provisional"]],
                           missing=[(r["year"], r["missing"]) for r in rows if r["missing"]])


# --- comparing scenarios ----------------------------------------------------------------------------------

def _chosen_ids() -> list[uuid.UUID]:
    """The ids of the query string, each once, in order; one that is not an id is a 404 like an unknown id."""
    chosen: list[uuid.UUID] = []
    for value in request.args.getlist("ids"):
        found = _uuid(value.strip())
        if found is None:
            abort(404)
        if found not in chosen:
            chosen.append(found)
    return chosen


def _compare_chart(names: list[str], years: list[int], nets: list[dict[int, Decimal]]):
    """Net costs per year, a bar per scenario. Beyond the chart's distinct styles (colour and pattern) each
    bar gets its own labelled row instead, so that no two scenarios look alike."""
    title = _("Net costs per year per scenario")
    description = _("Per year: the projected net costs of each scenario, in euros. A year outside a scenario "
                    "reads 'no data'. The table below the chart gives the same figures.")
    if len(names) <= len(SERIES_STYLES):
        return bar_chart(title, description, [str(y) for y in years],
                         [(name, [net.get(y) for y in years]) for name, net in zip(names, nets)],
                         chart_id="compare-chart", value_format=money)
    categories = [f"{year} · {name}" for year in years for name in names]
    values = [net.get(year) for year in years for net in nets]
    return bar_chart(title, description, categories, [(_("Net costs"), values)], chart_id="compare-chart",
                     value_format=money)


@bp.get("/forecasts/compare")
@page("forecasts.read")
def compare_forecasts():
    """Two to five scenarios side by side: per year the net costs and the participants at the year's end."""
    chosen = _chosen_ids()
    if not COMPARE_MIN <= len(chosen) <= COMPARE_MAX:
        return render_template("web/funding/compare.html", records=[], years=[], table=[], chart=None,
                               too_many=len(chosen) > COMPARE_MAX, compare_max=COMPARE_MAX)
    found = {f.id: f for f in db.session.scalars(select(Forecast).where(Forecast.id.in_(chosen)))}
    if len(found) != len(chosen):
        raise NotFound("No such forecast.")
    records = [found[i] for i in chosen]
    timeline = _timeline()
    projections = [{y.year: y for y in forecast_service.project(db.session, timeline,
                                                                  forecast_service.scenario_of(r))}
                   for r in records]
    years = sorted({year for p in projections for year in p})
    table = [{"year": year, "cells": [(p[year].totals.net, p[year].participants_end) if year in p else (None, None)
                                      for p in projections]} for year in years]
    names = [r.name for r in records]
    if _wants_xlsx():
        header = [_("Year")]
        for name in names:
            header += [_("%(scenario)s: net costs", scenario=name),
                       _("%(scenario)s: participants at year end", scenario=name)]
        rows = [[row["year"], *[value for net, end in row["cells"] for value in (_cents(net), end)]]
                for row in table]
        return workbook_response("forecast-comparison.xlsx", [Sheet(_("Comparison"), header, rows, money_columns={
            1 + 2 * i for i in range(len(names))})])
    chart = _compare_chart(names, years, [{y: p[y].totals.net for y in p} for p in projections])
    return render_template("web/funding/compare.html", records=records, years=years, table=table, chart=chart,
                           too_many=False, compare_max=COMPARE_MAX)
