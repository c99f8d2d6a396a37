"""The report engine: the formats a municipality offers, and a report built from its records.

Interface (pages, API and CLI use only this):

- `formats(hooks) -> list[ReportFormat]`: every format of the tenant (its plugin's and the core's), checked.
- `get_format(hooks, format_id)`: one of them, or NotFound naming `format`.
- `build(session, secrets, timeline, hooks, format_id, period) -> Report` (basisbaan.reports.model): the key
  figures (basisbaan.services.kpis.compute), the tables and charts the format's sections name, the values
  its texts use, and the national parameters missing for the period. `period` comes from
  `basisbaan.services.kpis.check(session, as_of, start, end)` (InvalidInput naming as_of / from).
- `render_html(report, language)`, `render_pdf(report, language)`, `render_xlsx(report, language)`
  (basisbaan.reports.outputs, re-exported here): a standalone HTML document (the same report and language
  always give the same bytes), a PDF of it, a workbook with one sheet per table.
- `produce(session, secrets, hooks, format_id, output, as_of, start, end, language)`: all of the above for
  one request: checks the output (InvalidInput naming `output`) and the dates, builds, renders.

Every figure comes from the same services and definitions as the key figures; nothing is stored. Figures
over groups of participants that could point at a person (absence, coaching and wellbeing per half year or
domain) are hidden below five participants, as the API hides them for roles that do not see participants.
Runs inside the tenant's scope (the API's request, or `tenant_scope` in the CLI).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from basisbaan.crypto import Secrets
from basisbaan.domain.costs import Totals, year_fraction
from basisbaan.domain.dates import add_years
from basisbaan.domain.employment import MissingTerms, hourly_wage
from basisbaan.domain.national_parameters import MissingParameter, minimum_hourly_wage
from basisbaan.errors import DomainError, InvalidInput, NotFound
from basisbaan.models import Assignment, Candidate, Contract, DisplacementCheck, Organisation, Participant, Task
from basisbaan.reports import core_formats
from basisbaan.reports.formats import OUTPUTS, PLACEHOLDER, TABLES, ReportFormat, Section, Text, check_format
from basisbaan.reports.model import Chart, Column, Msg, Report, Series, Table, Value
from basisbaan.services import absences as absence_service
from basisbaan.services import coaching as coaching_service
from basisbaan.services import costs as cost_service
from basisbaan.services import forecasts as forecast_service
from basisbaan.services import intake as intake_service
from basisbaan.services import kpis as kpi_service
from basisbaan.services import wellbeing as wellbeing_service
from basisbaan.services.employment_view import MIN_GROUP
from basisbaan.services.kpis import Period
from basisbaan.services.participants import active_clause, occupied_places
from basisbaan.services.timeline import SettingsTimeline
from basisbaan.texts import N_

DAY = timedelta(days=1)
CENT = Decimal("0.01")
ZERO = Decimal(0)

__all__ = ["Rendered", "Report", "build", "check_output", "formats", "get_format", "produce", "render_html",
           "render_pdf", "render_xlsx"]


# --- formats ---------------------------------------------------------------------------------------------

def formats(hooks) -> list[ReportFormat]:
    """The tenant's formats: its plugin's first, then the core's; every one checked, ids unique."""
    found: list[ReportFormat] = [fmt for answer in hooks.report_formats() for fmt in (answer or [])]
    ids = [fmt.id for fmt in found]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"report format ids offered twice: {', '.join(duplicates)}")
    for fmt in found:
        check_format(fmt)
    return found


def get_format(hooks, format_id: str) -> ReportFormat:
    for fmt in formats(hooks):
        if fmt.id == format_id:
            return fmt
    raise NotFound(f"No report format {format_id!r} for this municipality.",
                   {"format": [N_("Unknown report format.")]})


def check_output(fmt: ReportFormat, output: str) -> None:
    if output not in fmt.outputs:
        raise InvalidInput(f"The report {fmt.id!r} is not available as {output!r}.", {"output": [N_(
            "This report is available as: %(outputs)s.", outputs=", ".join(fmt.outputs))]})


def sections_of(fmt: ReportFormat) -> tuple[Section, ...]:
    return fmt.sections or core_formats.KPI_SECTIONS


# --- context: what several tables share, computed once -----------------------------------------------------

class _Context:
    def __init__(self, session: Session, secrets: Secrets, timeline: SettingsTimeline, hooks, period: Period,
                 figures: dict[str, Any]):
        self.session, self.secrets, self.timeline, self.hooks = session, secrets, timeline, hooks
        self.period, self.figures = period, figures
        self.settings = timeline.on(period.as_of)
        self.municipality = hooks.municipality_info().name
        self._cache: dict[str, Any] = {}
        self.tables: dict[str, Table] = {}

    def once(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def table(self, table_id: str) -> Table:
        if table_id not in self.tables:
            self.tables[table_id] = TABLE_BUILDERS[table_id](self)
        return self.tables[table_id]

    def year_costs(self) -> cost_service.ProgrammeCost:
        return self.once("year_costs", lambda: cost_service.programme_cost(
            self.session, self.timeline, self.period.start, self.period.end, "year"))

    def funnel(self) -> dict[str, Any]:
        return self.once("funnel", lambda: intake_service.funnel(self.session, self.period.start, self.period.end))

    def half_years(self) -> list[tuple[date, date, Any]]:
        """[start, end) of each half year of the period (clipped to it), with its label."""
        start, end = self.period.start, self.period.end
        first = kpi_service.programme_start(self.session)
        if first is not None and first > start:
            start = first
        found = []
        day = date(start.year, 1 if start.month < 7 else 7, 1)
        while day < end:
            following = date(day.year, 7, 1) if day.month == 1 else date(day.year + 1, 1, 1)
            a, b = max(day, start), min(following, end)
            if a < b:
                label = (_l("First half of %(year)s", year=day.year) if day.month == 1
                         else _l("Second half of %(year)s", year=day.year))
                found.append((a, b, label))
            day = following
        return found

    def participant_years(self) -> Decimal:
        """Time in the programme within the period, in years (each calendar year's days over its length)."""
        def compute():
            start, end = self.period.start, self.period.end
            rows = self.session.execute(select(Participant.started_on, Participant.exit_on).where(
                Participant.started_on < end, (Participant.exit_on.is_(None)) | (Participant.exit_on >= start)))
            total = ZERO
            for started_on, exit_on in rows:
                a, b = max(start, started_on), min(end, exit_on + DAY) if exit_on else end
                while a < b:
                    cut = min(b, date(a.year + 1, 1, 1))
                    total += year_fraction(a, cut)
                    a = cut
            return total
        return self.once("participant_years", compute)

    def contracts(self) -> dict[Any, list[Contract]]:
        """The contracts of each participant working on as_of, in order."""
        def compute():
            ids = select(Participant.id).where(active_clause(self.period.as_of))
            found: dict[Any, list[Contract]] = {}
            for contract in self.session.scalars(select(Contract).where(Contract.participant_id.in_(ids))
                                                 .order_by(Contract.start_on, Contract.id)):
                found.setdefault(contract.participant_id, []).append(contract)
            return found
        return self.once("contracts", compute)

    def ending(self, until: date) -> list[tuple[date, bool]]:
        """Temporary contracts of participants working on as_of that end from as_of to before `until`: the
        last day, and whether a next contract is recorded."""
        found = []
        for own in self.contracts().values():
            for index, c in enumerate(own):
                if (c.kind == "temporary" and c.terminated_on is None and c.end_on is not None
                        and self.period.as_of <= c.end_on < until):
                    found.append((c.end_on, index + 1 < len(own)))
        return found

    def forecast(self) -> dict[str, Any]:
        return self.once("forecast", lambda: _forecast(self))


# --- tables ------------------------------------------------------------------------------------------------

COUNT = lambda label: Column(label, "count")  # noqa: E731
MONEY = lambda label: Column(label, "money")  # noqa: E731
HIDDEN_NOTE = _l("Figures over fewer than five participants are not shown, so that no one can be recognised.")

# (key figure, label, definition, kind): the rows of the key-figure table, definitions as in services/kpis.py.
KEY_FIGURES = (
    ("participants_active", _l("Participants"), _l("Participants in the programme on the reference date."), "count"),
    ("participants_started_total", _l("Starters"), _l("Participants whose employment started in the period."),
     "count"),
    ("permanent_contracts", _l("Permanent contracts"),
     _l("Participants whose contract in force on the reference date is permanent."), "count"),
    ("exits_total", _l("Exits"), _l("Participants whose last day lies in the period."), "count"),
    ("dropouts", _l("Drop-outs"), _l("Exits whose reason the municipality counts as drop-out."), "count"),
    ("candidates_spoken", _l("Candidates spoken"), _l("Candidates with an intake conversation in the period."),
     "count"),
    ("conversion_rate", _l("Conversion rate"), _l("Candidates decided to start, of the candidates spoken."),
     "percent"),
    ("average_hours", _l("Average hours per week"),
     _l("Mean weekly hours of the contracts in force on the reference date."), "number"),
    ("absence_rate", _l("Absence rate"), _l("Sick contracted hours over contracted hours in the period."),
     "percent"),
    ("coaching_hours_per_participant_week", _l("Coaching hours per participant-week"),
     _l("Coaching hours logged in the period over the participant-weeks in it."), "number"),
    ("debt_support_count", _l("Debt support"),
     _l("Participants with debt support running on the reference date."), "count"),
    ("share_over_50", _l("Aged 50 or over"),
     _l("Participants aged 50 or more, of those whose date of birth is known."), "percent"),
    ("costs_gross", _l("Gross costs"), _l("Costs minus host contributions over the period."), "money"),
    ("costs_offsets", _l("Offsets"),
     _l("Wage-cost subsidy and social assistance no longer paid over the period (negative)."), "money"),
    ("costs_net", _l("Net costs"), _l("Gross costs plus offsets."), "money"),
    ("target", _l("Target"), _l("Target number of basisbanen (municipal setting)."), "count"),
    ("target_year", _l("Target year"), _l("Year by which the target should be reached."), "year"),
)


def _key_figures(ctx: _Context) -> Table:
    f = ctx.figures
    flat = {**f, "costs_gross": f["costs"]["gross"], "costs_offsets": f["costs"]["offsets"],
            "costs_net": f["costs"]["net"]}
    rows = [[label, Value(kind, flat[name]), definition] for name, label, definition, kind in KEY_FIGURES]
    return Table("key_figures", _l("Key figures"),
                 [Column(_l("Key figure")), Column(_l("Value"), "value"), Column(_l("Definition"))], rows,
                 note=_l("Stocks are counted on the reference date, flows over the period. Definitions version "
                         "%(version)s.", version=f["definition_version"]))


def _funnel(ctx: _Context) -> Table:
    from basisbaan.web.candidate_forms import REASON_LABELS

    funnel = ctx.funnel()
    rows = [[_l("Referred"), funnel["referred"]],
            [_l("Spoken (at least one intake conversation)"), funnel["spoken"]],
            [_l("Started"), funnel["started"]],
            [_l("On the waiting list"), funnel["waiting_list"]],
            [_l("On hold"), funnel["on_hold"]],
            [_l("Not started"), funnel["not_started"]]]
    rows += [[REASON_LABELS[reason], funnel["not_started_by_reason"][reason]]
             for reason in funnel["not_started_by_reason"]]
    return Table("funnel", _l("Intake funnel"), [Column(_l("Stage")), COUNT(_l("Candidates"))], rows,
                 note=_l("Each candidate's last decision in the period counts."))


def _exits(ctx: _Context) -> Table:
    from basisbaan.web.participant_forms import EXIT_REASON_LABELS

    dropout = set(ctx.timeline.on(ctx.period.as_of)["dropout_reasons"])
    rows = [[EXIT_REASON_LABELS.get(reason, reason) if reason else _l("Unknown"), count,
             _l("yes") if reason in dropout else _l("no")]
            for reason, count in ctx.figures["exits_by_reason"].items()]
    return Table("exits_by_reason", _l("Exits by reason"),
                 [Column(_l("Reason")), COUNT(_l("Exits")), Column(_l("Counts as drop-out"))], rows,
                 total=[_l("Total"), ctx.figures["exits_total"], None])


HOURS_LABELS = {"under_20": _l("under 20 hours"), "20_28": _l("20 to 28 hours"), "29_31": _l("29 to 31 hours"),
                "32": _l("32 hours"), "33_35": _l("33 to 35 hours"), "36": _l("36 hours"),
                "over_36": _l("over 36 hours")}


def _hours(ctx: _Context) -> Table:
    bands = ctx.figures["hours_distribution"]
    total = sum(bands.values())
    rows = [[HOURS_LABELS[band], count, (Decimal(count) / total).quantize(Decimal("0.001")) if total else None]
            for band, count in bands.items()]
    return Table("hours_distribution", _l("Contracts by hours per week"),
                 [Column(_l("Hours per week")), COUNT(_l("Participants")), Column(_l("Share"), "percent")], rows,
                 total=[_l("Total"), total, Decimal(1) if total else None],
                 note=_l("Contracts in force on the reference date."))


def _neighbourhoods(ctx: _Context) -> Table:
    counts = ctx.figures["participants_by_neighbourhood"]
    ordered = sorted(counts.items(), key=lambda item: (item[0] == "unknown", -item[1], item[0]))
    rows = [[_l("Unknown") if name == "unknown" else name, count] for name, count in ordered]
    return Table("participants_by_neighbourhood", _l("Participants by neighbourhood"),
                 [Column(_l("Neighbourhood")), COUNT(_l("Participants"))], rows,
                 total=[_l("Total"), sum(counts.values())],
                 note=_l("Where the participants working on the reference date live."))


def _tasks(ctx: _Context) -> Table:
    from basisbaan.web.match_labels import TASK_CATEGORY_LABELS

    as_of = ctx.period.as_of
    rows = ctx.session.execute(
        select(Task.category, func.count(func.distinct(Task.id)), func.count(func.distinct(Assignment.participant_id)))
        .join(Assignment, Assignment.task_id == Task.id)
        .where(Assignment.start_on <= as_of, (Assignment.end_on.is_(None)) | (Assignment.end_on >= as_of))
        .group_by(Task.category)).all()
    ordered = sorted(rows, key=lambda r: (-r[2], r[0]))
    return Table("tasks_by_category", _l("The work by kind"),
                 [Column(_l("Kind of work")), COUNT(_l("Tasks")), COUNT(_l("Participants"))],
                 [[TASK_CATEGORY_LABELS.get(c, c), tasks, people] for c, tasks, people in ordered],
                 total=[_l("Total"), sum(r[1] for r in rows), None],
                 note=_l("Tasks participants work on on the reference date; every task passed a displacement "
                         "check before anyone worked on it."))


def _absence_over_time(ctx: _Context) -> Table:
    rows = []
    for a, b, label in ctx.half_years():
        result = absence_service.rate(ctx.session, a, b)
        shown = result.participants >= MIN_GROUP and result.totals.rate is not None
        rows.append([label, Decimal(result.totals.rate).quantize(Decimal("0.0001")) if shown else None,
                     result.participants if result.participants >= MIN_GROUP else None])
    return Table("absence_over_time", _l("Absence rate per half year"),
                 [Column(_l("Half year")), Column(_l("Absence rate"), "percent"), COUNT(_l("Participants"))], rows,
                 note=HIDDEN_NOTE)


def _coaching_over_time(ctx: _Context) -> Table:
    rows = []
    for a, b, label in ctx.half_years():
        result = coaching_service.hours(ctx.session, a, b)
        shown = result.participants >= MIN_GROUP and result.per_participant_week is not None
        rows.append([label, Decimal(result.per_participant_week).quantize(CENT) if shown else None,
                     result.participants if result.participants >= MIN_GROUP else None])
    return Table("coaching_over_time", _l("Coaching hours per participant per week, per half year"),
                 [Column(_l("Half year")), Column(_l("Hours per participant per week"), "number"),
                  COUNT(_l("Participants"))], rows, note=HIDDEN_NOTE)


def _wellbeing(ctx: _Context) -> Table:
    instrument, change = ctx.once("wellbeing", lambda: wellbeing_service.programme_change(
        ctx.session, ctx.secrets, ctx.timeline, ctx.period.start, ctx.period.end))
    shown = change.participants >= MIN_GROUP
    by_code = {d.code: d for d in change.domains}
    rows = []
    for domain in instrument.domains:
        found = by_code.get(domain.code) if shown else None
        rows.append([Text(domain.label_nl, domain.label_en),
                     found.first.quantize(CENT) if found else None, found.latest.quantize(CENT) if found else None,
                     found.change.quantize(CENT) if found else None])
    return Table("wellbeing", _l("Wellbeing per life domain, first and latest measurement"),
                 [Column(_l("Domain")), Column(_l("First"), "number"), Column(_l("Latest"), "number"),
                  Column(_l("Difference"), "number")], rows,
                 note=Msg(N_("Mean scores (%(low)s to %(high)s) of the %(count)s participants measured at least twice "
                             "whose latest measurement lies in the period. %(hidden)s"), low=instrument.low,
                          high=instrument.high, count=Value("count", change.participants if shown else None),
                          hidden=HIDDEN_NOTE))


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT)


def _costs_per_year(ctx: _Context) -> Table:
    result = ctx.year_costs()
    rows = [[str(year), _cents(t.costs), _cents(t.contributions), _cents(t.gross), _cents(t.offsets),
             _cents(t.net)] for year, t in result.groups.items()]
    t = result.total
    from basisbaan.web.finance_forms import TOTAL_LABELS

    return Table("costs_per_year", _l("Programme costs per year"),
                 [Column(_l("Year"), "year"), MONEY(TOTAL_LABELS["costs"]), MONEY(TOTAL_LABELS["contributions"]),
                  MONEY(TOTAL_LABELS["gross"]), MONEY(TOTAL_LABELS["offsets"]), MONEY(TOTAL_LABELS["net"])], rows,
                 total=[_l("Total"), _cents(t.costs), _cents(t.contributions), _cents(t.gross), _cents(t.offsets),
                        _cents(t.net)],
                 note=_l("Over the period only: the first and last year may be partial. Host contributions and "
                         "offsets reduce the costs (negative)."))


def _cost_per_participant_year(ctx: _Context) -> Table:
    from basisbaan.web.finance_forms import LINE_LABELS, TOTAL_LABELS

    t: Totals = ctx.year_costs().total
    years = ctx.participant_years()
    lines = t.lines
    items = [
        (_l("Wage costs, employer charges and employership"),
         lines["wages"] + lines["employer_charges"] + lines["employership"]),
        (_l("Coaching"), lines["coaching_external"] + lines["coaching_municipal"]),
        (LINE_LABELS["training"], lines["training"]),
        (TOTAL_LABELS["contributions"], t.contributions),
        (_l("Total"), t.gross),
        (_l("Wage-cost subsidy and social assistance no longer paid"), t.offsets),
        (TOTAL_LABELS["net"], t.net),
    ]
    rows = [[label, (amount / years).quantize(CENT) if years else None, _cents(amount)] for label, amount in items]
    return Table("cost_per_participant_year", _l("Costs per participant per year"),
                 [Column(_l("Cost")), MONEY(_l("Per participant per year")), MONEY(_l("Over the period"))], rows,
                 note=Msg(N_("The programme's costs over the period divided by the %(years)s participant-years in "
                             "it."), years=Value("number", years.quantize(Decimal("0.1")))))


def _places(ctx: _Context) -> Table:
    as_of = ctx.period.as_of
    places = ctx.hooks.admission_places(settings=ctx.settings)
    occupied = occupied_places(ctx.session, as_of)
    waiting = ctx.session.scalar(select(func.count()).select_from(Candidate).where(
        Candidate.status == "waiting_list")) or 0
    rows = [[_l("Places"), Value("count", places) if places is not None else Value("text", _l("no fixed number"))],
            [_l("Places taken"), Value("count", occupied)],
            [_l("Places free"), Value("count", max(places - occupied, 0) if places is not None else None)],
            [_l("Participants working"), Value("count", ctx.figures["participants_active"])],
            [_l("On the waiting list"), Value("count", waiting)]]
    return Table("places", _l("Places"), [Column(_l("Places")), Column(_l("Number"), "value")], rows,
                 note=_l("Places taken: participants who have not left by the reference date and candidates "
                         "decided to start. The waiting list as it stands now."))


def _quarter(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _contracts_ending(ctx: _Context) -> Table:
    as_of = ctx.period.as_of
    horizon = add_years(as_of, 2)
    ending = ctx.ending(horizon)
    rows, quarter = [], _quarter(as_of)
    while quarter <= _quarter(horizon - DAY):
        renewed = [r for day, r in ending if _quarter(day) == quarter]
        rows.append([_l("Q%(quarter)s %(year)s", quarter=quarter[1], year=quarter[0]), len(renewed),
                     sum(renewed), len(renewed) - sum(renewed)])
        quarter = (quarter[0] + 1, 1) if quarter[1] == 4 else (quarter[0], quarter[1] + 1)
    return Table("contracts_ending", _l("Temporary contracts ending"),
                 [Column(_l("Quarter")), COUNT(_l("Contracts ending")), COUNT(_l("Next contract recorded")),
                  COUNT(_l("No next contract yet"))], rows,
                 total=[_l("Total"), len(ending), sum(r for _d, r in ending), sum(not r for _d, r in ending)],
                 note=_l("Temporary contracts of the participants working on the reference date that end within "
                         "two years of it."))


def _host_tasks(ctx: _Context) -> Table:
    as_of = ctx.period.as_of
    tasks = ctx.session.execute(select(Task.id, Task.title, Organisation.name, Task.host_contribution_per_year)
                                .outerjoin(Organisation, Organisation.id == Task.host_organisation_id)
                                .where(Task.host_contribution_per_year > 0).order_by(Task.title, Task.id)).all()
    working = dict(ctx.session.execute(
        select(Assignment.task_id, func.count(func.distinct(Assignment.participant_id)))
        .where(Assignment.start_on <= as_of, (Assignment.end_on.is_(None)) | (Assignment.end_on >= as_of))
        .group_by(Assignment.task_id)).all())
    rows = [[title, host or _l("Unknown"), _cents(fee), working.get(task_id, 0)] for task_id, title, host, fee in tasks]
    return Table("host_tasks", _l("Tasks whose host pays a fee"),
                 [Column(_l("Task")), Column(_l("Host organisation")), MONEY(_l("Fee per year")),
                  COUNT(_l("Participants"))], rows,
                 total=[_l("Total"), None, _cents(sum((r[2] for r in rows), ZERO)), sum(r[3] for r in rows)],
                 note=_l("Participants working on the task on the reference date."))


def _host_contributions(ctx: _Context) -> Table:
    result = ctx.year_costs()
    rows = [[str(year), _cents(-t.lines["host_contribution"])] for year, t in result.groups.items()]
    return Table("host_contributions", _l("Host fees received per year"),
                 [Column(_l("Year"), "year"), MONEY(_l("Host fees"))], rows,
                 total=[_l("Total"), _cents(-result.total.lines["host_contribution"])],
                 note=_l("Fees of host organisations for the days participants worked on their tasks in the "
                         "period."))


def _conditions(ctx: _Context) -> Table:
    from basisbaan.web.participant_forms import CAO_LABELS

    as_of, settings = ctx.period.as_of, ctx.settings
    cao = settings["cao"]
    terms = ctx.timeline.terms(cao, as_of)
    minimum = lowest = None
    if terms is not None:
        try:
            minimum = minimum_hourly_wage(as_of, terms.standard_week_hours)
            lowest = hourly_wage(terms, as_of).amount
        except (MissingParameter, MissingTerms):
            pass
    pension = settings.get("pension_rate")
    if pension is None and terms is not None:
        pension = terms.pension_rate
    checks = ctx.session.execute(select(DisplacementCheck.task_id, DisplacementCheck.verdict)
                                 .order_by(DisplacementCheck.checked_on, DisplacementCheck.created_at,
                                           DisplacementCheck.id)).all()
    latest = {task_id: verdict for task_id, verdict in checks}
    tasks = ctx.session.scalar(select(func.count()).select_from(Task)) or 0
    passed = sum(1 for v in latest.values() if v == "approved")
    rejected = sum(1 for v in latest.values() if v == "rejected")
    source = terms.source if terms is not None else _l("The municipality has no terms of this agreement on the "
                                                           "reference date.")
    rows = [
        [_l("Collective agreement for new contracts"), Value("text", CAO_LABELS.get(cao, cao)), source],
        [_l("Employer"), Value("text", settings.get("employer_name") or _l("Unknown")), None],
        [_l("Statutory minimum wage per hour"), Value("money_exact", minimum),
         Msg(N_("For a full-time week of %(hours)s hours."), hours=Value("number", terms.standard_week_hours))
         if terms else None],
        [_l("Lowest hourly wage under the agreement"), Value("money_exact", lowest),
         _l("Never below the statutory minimum wage.")],
        [_l("Holiday allowance"), Value("percent", terms.holiday_allowance_rate if terms else None), None],
        [_l("Year-end payment"), Value("percent", terms.year_end_payment_rate if terms else None), None],
        [_l("Employer's pension premium"), Value("percent", pension),
         _l("Pension accrual under the agreement's pension fund.")],
        [_l("Tasks whose latest displacement check passed"), Value("count", passed), None],
        [_l("Tasks rejected for displacement"), Value("count", rejected), None],
        [_l("Tasks not checked yet"), Value("count", max(tasks - len(latest), 0)), None],
    ]
    return Table("conditions", _l("Conditions"), [Column(_l("Condition")), Column(_l("Value"), "value"),
                                                  Column(_l("Source"))], rows,
                 note=_l("Settings and collective agreement in force on the reference date."))


def _forecast(ctx: _Context) -> dict[str, Any]:
    """The first saved scenario by name, or one towards the municipality's target; its projection."""
    saved = ctx.session.scalars(forecast_service.list_query()).first()
    try:
        if saved is not None:
            name, scenario = saved.name, forecast_service.scenario_of(saved)
        else:
            target, target_year = ctx.settings.get("target_participants"), ctx.settings.get("target_year")
            first = ctx.period.as_of.year + 1
            if target is None:
                return {"name": None, "years": [], "error": _l("No forecast scenario is saved and the municipality "
                                                             "has no target.")}
            last = min(max(target_year or first, first), first + forecast_service.MAX_YEARS - 1)
            current = forecast_service.current_participants(ctx.session, date(first, 1, 1))
            growth = max(math.ceil((target - current) / (last - first + 1)), 0)
            name = _l("Towards the target of %(target)s", target=target)
            scenario = forecast_service.check(ctx.session, ctx.timeline, {
                "start_year": first, "end_year": last, "target": max(target, current), "growth_per_year": growth,
                "carry_forward_norms": True})
        years = forecast_service.project(ctx.session, ctx.timeline, scenario)
    except DomainError as error:
        return {"name": None, "years": [], "error": error.message}
    return {"name": name, "years": years, "error": None, "saved": saved is not None}


def _forecast_table(ctx: _Context) -> Table:
    found = ctx.forecast()
    years = found["years"]
    rows = [[str(y.year), y.participants_end.quantize(Decimal("0.1")), y.starters.quantize(Decimal("0.1")),
             _cents(y.totals.gross), _cents(y.totals.offsets), _cents(y.totals.net), _cents(y.funding),
             _cents(y.gap), _l("yes") if y.provisional else _l("no")] for y in years]
    missing = sorted({(m.parameter, m.first_day) for y in years for m in y.missing}, key=lambda m: (m[1], m[0]))
    if found["error"]:
        note = found["error"]
    else:
        note = Msg(N_("Scenario “%(name)s”. Provisional: the last published minimum wage or assistance norm "
                      "carried forward."), name=found["name"])
        if missing:
            note = Msg(N_("%(note)s Not published, left out: %(missing)s."), note=note,
                       missing=Value("missing", missing))
    return Table("forecast", _l("Cost projection"),
                 [Column(_l("Year"), "year"), Column(_l("Participants at year end"), "number"),
                  Column(_l("Starters"), "number"), MONEY(_l("Gross costs")), MONEY(_l("Offsets")),
                  MONEY(_l("Net costs")), MONEY(_l("Funding")), MONEY(_l("Gap")), Column(_l("Provisional"))],
                 rows, note=note)


TABLE_BUILDERS: dict[str, Callable[[_Context], Table]] = {
    "key_figures": _key_figures, "funnel": _funnel, "exits_by_reason": _exits, "hours_distribution": _hours,
    "participants_by_neighbourhood": _neighbourhoods, "tasks_by_category": _tasks,
    "absence_over_time": _absence_over_time, "coaching_over_time": _coaching_over_time, "wellbeing": _wellbeing,
    "costs_per_year": _costs_per_year, "cost_per_participant_year": _cost_per_participant_year, "places": _places,
    "contracts_ending": _contracts_ending, "host_tasks": _host_tasks, "host_contributions": _host_contributions,
    "conditions": _conditions, "forecast": _forecast_table,
}
assert set(TABLE_BUILDERS) == set(TABLES), "every table of formats.TABLES needs a builder"


def _chart(ctx: _Context, chart_id: str) -> Chart:
    if chart_id == "hours_distribution":
        return Chart(chart_id, _l("Participants by hours per week"),
                     _l("Number of participants per band of contract hours per week on the reference date. The "
                        "table below the chart gives the same figures."), (Series(1),))
    if chart_id == "participants_by_neighbourhood":
        return Chart(chart_id, _l("Participants by neighbourhood"),
                     _l("Number of participants working on the reference date per neighbourhood they live in, "
                        "largest first. The table below the chart gives the same figures."), (Series(1),))
    if chart_id == "absence_over_time":
        return Chart(chart_id, _l("Absence rate per half year"),
                     _l("Sick contracted hours as a share of contracted hours per half year. The table below the "
                        "chart gives the same figures."), (Series(1),), kind="percent")
    if chart_id == "coaching_over_time":
        return Chart(chart_id, _l("Coaching hours per participant per week"),
                     _l("Coaching hours logged per participant-week in each half year. The table below the chart "
                        "gives the same figures."), (Series(1),), kind="number")
    if chart_id == "wellbeing":
        instrument, _change = ctx.once("wellbeing", lambda: wellbeing_service.programme_change(
            ctx.session, ctx.secrets, ctx.timeline, ctx.period.start, ctx.period.end))
        return Chart(chart_id, _l("Wellbeing: first and latest measurement"),
                     _l("Mean score per life domain at the first and at the latest measurement (higher is better). "
                        "The table below the chart gives the same figures."), (Series(1), Series(2)),
                     kind="number", max_value=instrument.high)
    if chart_id == "costs_per_year":
        return Chart(chart_id, _l("Programme costs per year"),
                     _l("Gross costs, offsets (shown as positive amounts) and net costs in euros per year. The table "
                        "below the chart gives the same figures."),
                     (Series(3), Series(4, _l("Offsets (as a positive amount)"), negate=True), Series(5)),
                     kind="money")
    raise ValueError(f"unknown chart {chart_id!r}")


# --- values for texts --------------------------------------------------------------------------------------

def _share(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) / whole).quantize(Decimal("0.001")) if whole else None


def _value(ctx: _Context, name: str) -> Value:  # noqa: C901 - one branch per value, kept together on purpose
    f, period, settings = ctx.figures, ctx.period, ctx.settings
    direct = {"participants_active": "count", "participants_started_total": "count", "permanent_contracts": "count",
              "exits_total": "count", "dropouts": "count", "debt_support_count": "count", "share_over_50": "percent",
              "average_hours": "number", "candidates_spoken": "count", "conversion_rate": "percent",
              "absence_rate": "percent", "coaching_hours_per_participant_week": "number", "target": "count",
              "target_year": "year"}
    if name in direct:
        return Value(direct[name], f[name])
    if name == "as_of":
        return Value("date", period.as_of)
    if name == "from":
        return Value("date", period.start)
    if name == "to_last":
        return Value("date", period.end - DAY)
    if name == "first_start":
        return Value("date", kpi_service.programme_start(ctx.session))
    if name.startswith("costs_"):
        return Value("money", f["costs"][name.removeprefix("costs_")])
    if name in ("candidates_referred", "candidates_started", "candidates_not_started"):
        return Value("count", ctx.funnel()[name.removeprefix("candidates_")])
    if name.startswith("not_started_") and name.endswith("_share"):
        funnel = ctx.funnel()
        reason = name.removeprefix("not_started_").removesuffix("_share")
        return Value("percent", _share(funnel["not_started_by_reason"][reason], funnel["not_started"]))
    if name == "wellbeing_instrument":
        instrument = ctx.timeline.instrument(period.end - DAY)
        return Value("text", Text(instrument.name_nl, instrument.name_en))
    if name in ("neighbourhoods_count", "largest_neighbourhood", "largest_neighbourhood_count"):
        known = {k: v for k, v in f["participants_by_neighbourhood"].items() if k != "unknown"}
        largest = min(known.items(), key=lambda item: (-item[1], item[0])) if known else None
        return {"neighbourhoods_count": Value("count", len(known)),
                "largest_neighbourhood": Value("text", largest[0] if largest else None),
                "largest_neighbourhood_count": Value("count", largest[1] if largest else None)}[name]
    if name == "tasks_active":
        return Value("count", ctx.table("tasks_by_category").total[1])
    if name == "participant_years":
        return Value("number", ctx.participant_years().quantize(Decimal("0.1")))
    if name == "net_per_participant_year":
        years = ctx.participant_years()
        return Value("money", (ctx.year_costs().total.net / years).quantize(CENT) if years else None)
    if name in ("target_remaining", "per_year_needed"):
        target, year = f["target"], f["target_year"]
        if target is None:
            return Value("count", None)
        remaining = max(target - f["participants_active"], 0)
        if name == "target_remaining":
            return Value("count", remaining)
        years_left = (year - period.as_of.year) if year else None
        return Value("count", math.ceil(remaining / years_left) if years_left and years_left > 0 else None)
    if name in ("places", "places_occupied", "places_free", "waiting_list"):
        rows = ctx.table("places").rows
        return {"places": rows[0][1], "places_occupied": rows[1][1], "places_free": rows[2][1],
                "waiting_list": rows[4][1]}[name]
    if name == "contract_months":
        return Value("count", settings["contract_months"])
    if name == "contracts_ending_next_year":
        return Value("count", len(ctx.ending(add_years(period.as_of, 1))))
    if name == "contracts_without_next_next_year":
        return Value("count", sum(not renewed for _day, renewed in ctx.ending(add_years(period.as_of, 1))))
    if name == "host_contributions_total":
        return Value("money", _cents(-ctx.year_costs().total.lines["host_contribution"]))
    if name == "host_tasks":
        return Value("count", len(ctx.table("host_tasks").rows))
    if name in ("cao_name", "pension_rate", "minimum_hourly_wage", "employer_name", "tasks_checked",
                "tasks_rejected"):
        rows = ctx.table("conditions").rows
        return {"cao_name": rows[0][1], "employer_name": rows[1][1], "minimum_hourly_wage": rows[2][1],
                "pension_rate": rows[6][1], "tasks_checked": rows[7][1], "tasks_rejected": rows[8][1]}[name]
    if name.startswith("forecast_"):
        found = ctx.forecast()
        years = found["years"]
        last = years[-1] if years else None
        if name == "forecast_name":
            return Value("text", found["name"])
        if name == "forecast_jobs":
            return Value("number", last.participants_end.quantize(Decimal("0.1")) if last else None)
        if name == "forecast_first_year":
            return Value("year", years[0].year if years else None)
        if name == "forecast_last_year":
            return Value("year", last.year if last else None)
        if name == "forecast_net_last_year":
            return Value("money", _cents(last.totals.net) if last else None)
        if name == "forecast_net_per_job":
            return Value("money", (last.totals.net / last.participants_end).quantize(CENT)
                         if last and last.participants_end else None)
    if name == "municipality":
        return Value("text", ctx.municipality)
    raise ValueError(f"unknown value {name!r}")


# --- build -------------------------------------------------------------------------------------------------

def build(session: Session, secrets: Secrets, timeline: SettingsTimeline, hooks, format_id: str, period: Period,
          *, municipality: str | None = None) -> Report:
    """The report `format_id` over `period` (see the module docstring); NotFound naming `format`."""
    fmt = get_format(hooks, format_id)
    figures = kpi_service.compute(session, secrets, timeline, period)
    ctx = _Context(session, secrets, timeline, hooks, period, figures)
    if municipality:
        ctx.municipality = municipality
    sections = sections_of(fmt)
    charts: dict[str, Chart] = {}
    order: list[str] = []
    for section in sections:
        for chart_id in section.charts:
            if chart_id not in charts:
                charts[chart_id] = _chart(ctx, chart_id)
                order.append(chart_id)
        order += list(section.tables)
    tables = {table_id: ctx.table(table_id) for table_id in dict.fromkeys(order)}
    texts = list(fmt.intro) + [p for s in sections for p in s.paragraphs]
    wanted = {name for t in texts for text in (t.nl, t.en) for name in PLACEHOLDER.findall(text)}
    values = {name: _value(ctx, name) for name in sorted(wanted)}
    costs = ctx.year_costs()
    info = hooks.municipality_info()
    return Report(format=fmt, municipality=ctx.municipality, logo_text=info.logo_text or ctx.municipality,
                  period=period, figures=figures, values=values, tables=tables, charts=charts, sections=sections,
                  costs_missing=list(figures["costs_missing"]), provisional_from=costs.provisional_from)


# --- one request, from query to bytes ----------------------------------------------------------------------

@dataclass(frozen=True)
class Rendered:
    content: bytes
    mimetype: str
    filename: str


def produce(session: Session, secrets: Secrets, hooks, format_id: str, output: str, as_of: date,
            start: date | None = None, end: date | None = None, language: str = "nl", *,
            slug: str | None = None, municipality: str | None = None) -> Rendered:
    """Check the format (NotFound naming `format`), the output (InvalidInput naming `output`) and the dates
    (InvalidInput naming `as_of` or `from`), build and render."""
    from basisbaan.reports import outputs

    fmt = get_format(hooks, format_id)
    if output not in OUTPUTS:
        raise InvalidInput(f"Unknown output {output!r}.", {"output": [N_("Unknown value.")]})
    check_output(fmt, output)
    period = kpi_service.check(session, as_of, start, end)
    report = build(session, secrets, SettingsTimeline(session, hooks), hooks, format_id, period,
                   municipality=municipality)
    name = f"{fmt.id}-{slug + '-' if slug else ''}{as_of.isoformat()}.{output}"
    if output == "html":
        return Rendered(outputs.render_html(report, language).encode("utf-8"), outputs.HTML_MIMETYPE, name)
    if output == "pdf":
        return Rendered(outputs.render_pdf(report, language), outputs.PDF_MIMETYPE, name)
    return Rendered(outputs.render_xlsx(report, language), outputs.XLSX_MIMETYPE, name)


def render_html(report: Report, language: str = "nl") -> str:
    from basisbaan.reports import outputs

    return outputs.render_html(report, language)


def render_pdf(report: Report, language: str = "nl") -> bytes:
    from basisbaan.reports import outputs

    return outputs.render_pdf(report, language)


def render_xlsx(report: Report, language: str = "nl") -> bytes:
    from basisbaan.reports import outputs

    return outputs.render_xlsx(report, language)

