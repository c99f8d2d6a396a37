"""What basisbanen cost, day-accurate, computed from the records: per participant with every line explained,
and for the programme grouped by month, year, employer, CAO or neighbourhood.

Loaded in a fixed number of statements whatever the number of participants or days (participants, contract
periods, employers, task packages with host contributions, wage-value assessments, trainings, settings);
then each participant's time in the period is cut where anything changes (month starts, employment years,
contract terms, settings, assessments, assignments) and every stretch is priced with the rates in force.
Days for which a national parameter or CAO terms are not published are left out of the line concerned
and reported (`missing`); minimum wages carried forward after the last published rate are `provisional`.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from basisbaan.domain.cao import CaoTerms
from basisbaan.domain.cao_catalogue import CAO_NAMES
from basisbaan.domain.costs import (DAY, Basis, Line, LINES, Missing, Totals, anniversaries, cut_points,
                                    employment_year, month_starts, wage_cost_subsidy, year_fraction)
from basisbaan.domain.employment import MissingTerms, TermsPeriod, hourly_wage, terms_on, wage_cost_over
from basisbaan.domain.national_parameters import (ASSISTANCE_PUBLISHED_UNTIL, MissingParameter, assistance_monthly,
                                                  assistance_norm_on, minimum_hourly_wage)
from basisbaan.errors import InvalidInput
from basisbaan.models import (Assignment, Contract, Organisation, Participant, Task, Training,
                              WageValueAssessment)
from basisbaan.services import timeline as timeline_service
from basisbaan.services.timeline import Group, SettingsTimeline
from basisbaan.services.visibility import Viewer, participant_filter
from basisbaan.texts import N_

GROUP_BY = ("month", "year", "employer", "cao", "neighbourhood", "participant")
# Grouping that shows a person's costs: only for roles that may see them (callers check).
PERSONAL_GROUP_BY = ("participant",)
NO_GROUP = "none"


@dataclass
class CostData:
    participants: list[Participant]
    periods: dict[Any, list[TermsPeriod]]
    employers: dict[Any, str]
    assignments: dict[Any, list[tuple[date, date | None, Decimal, str]]]
    assessments: dict[Any, list[tuple[date, Decimal]]]
    trainings: dict[Any, list[tuple[date, Decimal, str]]]


def _overlapping(start: date, end: date):
    return (Participant.started_on < end, or_(Participant.exit_on.is_(None), Participant.exit_on >= start))


def load(session: Session, start: date, end: date, viewer: Viewer | None = None, group: Group = Group(),
         participant_id: uuid.UUID | None = None) -> CostData:
    """Everything the costs of [start, end) are computed from: seven statements."""
    if participant_id is not None:
        group = dataclasses.replace(group, participant_id=participant_id)
    stmt = select(Participant).where(*_overlapping(start, end), *group.clauses()).order_by(Participant.started_on,
                                                                                            Participant.id)
    clause = participant_filter(viewer) if viewer is not None else None
    if clause is not None:
        stmt = stmt.where(clause)
    participants = list(session.scalars(stmt).unique())
    ids = [p.id for p in participants]
    periods: dict[Any, list[TermsPeriod]] = {}
    for period in timeline_service.periods(session, start, end, viewer, group):
        periods.setdefault(period.participant_id, []).append(period)
    employers = dict(session.execute(select(Contract.id, Organisation.name).join(
        Organisation, Organisation.id == Contract.employer_id).where(Contract.participant_id.in_(ids))).all()) if ids else {}
    assignments: dict[Any, list] = {}
    assessments: dict[Any, list] = {}
    trainings: dict[Any, list] = {}
    if ids:
        for row in session.execute(select(Assignment.participant_id, Assignment.start_on, Assignment.end_on,
                                          Task.host_contribution_per_year, Task.title)
                                   .join(Task, Task.id == Assignment.task_id)
                                   .where(Assignment.participant_id.in_(ids), Task.host_contribution_per_year > 0,
                                          Assignment.start_on < end,
                                          or_(Assignment.end_on.is_(None), Assignment.end_on >= start))):
            assignments.setdefault(row[0], []).append(tuple(row[1:]))
        for row in session.execute(select(WageValueAssessment.participant_id, WageValueAssessment.assessed_on,
                                          WageValueAssessment.wage_value_percent)
                                   .where(WageValueAssessment.participant_id.in_(ids), WageValueAssessment.assessed_on < end)
                                   .order_by(WageValueAssessment.assessed_on, WageValueAssessment.created_at)):
            assessments.setdefault(row[0], []).append((row[1], row[2]))
        for row in session.execute(select(Training.participant_id, Training.started_on, Training.cost, Training.name)
                                   .where(Training.participant_id.in_(ids), Training.cost > 0,
                                          Training.started_on >= start, Training.started_on < end)):
            trainings.setdefault(row[0], []).append(tuple(row[1:]))
    return CostData(participants, periods, employers, assignments, assessments, trainings)


def _terms_lookup(timeline: SettingsTimeline) -> Callable[[str, date], CaoTerms | None]:
    """The CAO's terms with the municipality's own employer charges and pension rates where it set them
    (memoised: called for every stretch of every participant)."""
    found: dict[tuple[str, date], CaoTerms | None] = {}

    def lookup(cao: str, day: date) -> CaoTerms | None:
        key = (cao, day)
        if key not in found:
            terms = timeline.terms(cao, day)
            settings = timeline.on(day)
            changes = {name: settings[name] for name in ("employer_charges_rate", "pension_rate")
                       if settings.get(name) is not None}
            found[key] = dataclasses.replace(terms, **changes) if terms is not None and changes else terms
        return found[key]
    return lookup


Emit = Callable[[Participant, str, Basis, TermsPeriod | None], None]


@dataclass
class Walk:
    first_missing: dict[str, date] = field(default_factory=dict)  # parameter -> first day without it
    provisional_from: date | None = None
    # Forecasts may say explicitly to carry the last published assistance norm forward (marked provisional).
    carry_forward: bool = False

    @property
    def missing(self) -> set[Missing]:
        return {Missing(parameter, day) for parameter, day in self.first_missing.items()}

    def note_missing(self, parameter: str, day: date) -> None:
        if parameter not in self.first_missing or day < self.first_missing[parameter]:
            self.first_missing[parameter] = day

    def note_provisional(self, day: date) -> None:
        self.provisional_from = day if self.provisional_from is None else min(self.provisional_from, day)


def _half_years(start: date, end: date) -> list[date]:
    """1 January and 1 July within [start, end): where minimum wages and assistance norms change."""
    return [day for day in month_starts(start, end) if day.month in (1, 7)]


def _walk(data: CostData, timeline: SettingsTimeline, start: date, end: date, emit: Emit,
          carry_forward: bool = False, monthly: bool = False) -> Walk:
    """Cut each participant's time where anything changes (every month start when `monthly`, else the half
    years where national parameters change; wage_cost_over cuts wages at month starts itself)."""
    walk = Walk(carry_forward=carry_forward)
    lookup = _terms_lookup(timeline)
    setting_days = timeline.change_dates()
    for p in data.participants:
        first = max(start, p.started_on)
        stop = min(end, p.exit_on + DAY) if p.exit_on else end
        if first >= stop:
            continue
        periods = data.periods.get(p.id, [])
        assigned = data.assignments.get(p.id, [])
        assessed = data.assessments.get(p.id, [])
        calendar = month_starts(first, stop) if monthly else _half_years(first, stop)
        marks = cut_points(first, stop, calendar, anniversaries(p.started_on, stop),
                           [x.start for x in periods], [x.end for x in periods], [a[0] for a in assigned],
                           [a[1] + DAY for a in assigned if a[1]], [a[0] for a in assessed], setting_days)
        household = p.person.household_type
        for a, b in zip(marks, marks[1:]):
            _price(walk, emit, p, a, b, timeline.on(a), terms_on(periods, a), assigned, assessed, household, lookup)
        for day, cost, name in data.trainings.get(p.id, []):
            if first <= day < stop:
                emit(p, "training", Basis(day, day + DAY, cost, cost, "one_off", f"training: {name}"),
                     terms_on(periods, day))
    return walk


def _price(walk: Walk, emit: Emit, p: Participant, a: date, b: date, settings, period, assigned, assessed,
           household, lookup) -> None:
    """Price one stretch [a, b) in which nothing changes."""
    fraction = year_fraction(a, b)
    first_year = employment_year(p.started_on, a) == 0
    if p.coaching_organisation_id is not None:
        name = "coaching_external_first_year" if first_year else "coaching_external_later_years"
        emit(p, "coaching_external", Basis(a, b, settings[name] * fraction, settings[name], "per_year",
                                           f"setting {name}"), period)
    rate = settings["coaching_municipal_per_year"]
    emit(p, "coaching_municipal", Basis(a, b, rate * fraction, rate, "per_year", "setting coaching_municipal_per_year"),
         period)
    for begin, last, fee, title in assigned:
        if begin <= a and (last is None or last >= a):
            emit(p, "host_contribution", Basis(a, b, -fee * fraction, fee, "per_year", f"task: {title}"), period)
    if period is None:
        return  # no contract: no wage, employership, subsidy or assistance saved
    terms = lookup(period.cao, a)
    try:
        if terms is None:
            raise MissingTerms(period.cao, a)
        cost = wage_cost_over(period, a, b, lookup)
        wage = hourly_wage(terms, a, period.wage_scale, period.wage_step, period.guaranteed_hourly_wage)
    except MissingTerms as exc:
        walk.note_missing(f"terms of {CAO_NAMES.get(exc.cao, exc.cao)}", exc.on)
    except MissingParameter as exc:
        walk.note_missing(exc.parameter, exc.on)
    else:
        if wage.provisional:
            walk.note_provisional(a)
        name = f"{terms.name} from {terms.effective_from.isoformat()}"
        emit(p, "wages", Basis(a, b, cost.pay, wage.amount, "per_hour", f"{name}; {wage.basis}",
                               period.hours_per_week), period)
        emit(p, "employer_charges", Basis(a, b, cost.employer_charges + cost.pension,
                                          terms.employer_charges_rate + terms.pension_rate, "fraction",
                                          f"{name}; employer charges and pension on the pay"), period)
        _subsidy(walk, emit, p, a, b, settings, period, assessed, terms)
    rate = settings["employership_cost_per_year"]
    emit(p, "employership", Basis(a, b, rate * fraction, rate, "per_year", "setting employership_cost_per_year"),
         period)
    try:
        monthly = assistance_monthly(a, household)
        norm = assistance_norm_on(a)
    except MissingParameter as exc:
        if not (walk.carry_forward and a > ASSISTANCE_PUBLISHED_UNTIL):
            walk.note_missing(exc.parameter, exc.on)
            return
        walk.note_provisional(a)
        monthly = assistance_monthly(ASSISTANCE_PUBLISHED_UNTIL, household)
        norm = assistance_norm_on(ASSISTANCE_PUBLISHED_UNTIL)
        emit(p, "assistance_saved", Basis(a, b, -monthly * 12 * fraction, monthly, "per_month",
                                          f"assistance norm from {norm.effective_from.isoformat()}, carried forward "
                                          "(assumed)"), period)
    else:
        kind = "couple" if monthly == norm.couple_monthly else "single"
        emit(p, "assistance_saved", Basis(a, b, -monthly * 12 * fraction, monthly, "per_month",
                                          f"assistance norm ({kind}) from {norm.effective_from.isoformat()}"), period)


def _subsidy(walk: Walk, emit: Emit, p, a: date, b: date, settings, period: TermsPeriod, assessed, terms) -> None:
    value, source = None, None
    for day, percent in assessed:
        if day <= a:
            value, source = percent, f"wage value assessed on {day.isoformat()}"
    if value is None and settings.get("default_wage_value_percent") is not None:
        value, source = settings["default_wage_value_percent"], "setting default_wage_value_percent"
    if value is None:
        return
    try:
        minimum = minimum_hourly_wage(a, terms.standard_week_hours)
    except MissingParameter as exc:
        walk.note_missing(exc.parameter, exc.on)
        return
    amount = wage_cost_subsidy(minimum, period.hours_per_week, (b - a).days, value)
    emit(p, "wage_cost_subsidy", Basis(a, b, -amount, Decimal(value), "wage_value_percent", source,
                                       period.hours_per_week), period)


def _check_period(start: date, end: date) -> None:
    if start >= end:
        raise InvalidInput("The period is empty.", {"to": [N_("Must be after the start date.")]})


@dataclass
class ParticipantCost:
    participant_id: uuid.UUID
    start: date
    end: date
    lines: dict[str, Line]
    totals: Totals
    missing: list[Missing]
    provisional_from: date | None


def participant_cost(session: Session, timeline: SettingsTimeline, participant: Participant, start: date,
                     end: date) -> ParticipantCost:
    """Every line of one participant's costs over [start, end), with how it was computed."""
    _check_period(start, end)
    data = load(session, start, end, participant_id=participant.id)
    lines = {code: Line(code) for code in LINES}
    totals = Totals()

    def emit(p, code, basis, period):
        lines[code].add(basis)
        totals.add(code, basis.amount)

    walk = _walk(data, timeline, start, end, emit)
    return ParticipantCost(participant.id, start, end, lines, totals, sorted(walk.missing, key=lambda m: m.first_day),
                           walk.provisional_from)


@dataclass
class ProgrammeCost:
    start: date
    end: date
    group_by: str | None
    groups: dict[Any, Totals]
    total: Totals
    participants: int
    missing: list[Missing]
    provisional_from: date | None
    suppressed: int = 0  # groups left out because they are too small to hide a person


def suppress_small(groups: dict[Any, Totals], sizes: dict[Any, int], minimum: int) -> tuple[dict[Any, Totals], int]:
    """Leave out groups of fewer than `minimum` participants, and when only one is left out, also the next
    smallest (otherwise the total minus the others gives it away)."""
    if minimum <= 0:
        return groups, 0
    hidden = {key for key in groups if sizes.get(key, 0) < minimum}
    if len(hidden) == 1 and len(groups) > 1:
        hidden.add(min((key for key in groups if key not in hidden), key=lambda key: (sizes.get(key, 0), str(key))))
    return {key: totals for key, totals in groups.items() if key not in hidden}, len(hidden)


def _key(group_by: str | None, data: CostData) -> Callable[[Participant, Basis, TermsPeriod | None], Any]:
    if group_by == "month":
        months: dict[tuple[int, int], str] = {}

        def month(p, basis, period):
            key = (basis.start.year, basis.start.month)
            if key not in months:
                months[key] = f"{key[0]}-{key[1]:02d}"
            return months[key]
        return month
    if group_by == "year":
        return lambda p, basis, period: basis.start.year
    if group_by == "employer":
        return lambda p, basis, period: data.employers.get(period.contract_id, NO_GROUP) if period else NO_GROUP
    if group_by == "cao":
        return lambda p, basis, period: period.cao if period else NO_GROUP
    if group_by == "participant":
        return lambda p, basis, period: p.id
    if group_by == "neighbourhood":
        return lambda p, basis, period: p.person.neighbourhood.name if p.person.neighbourhood else NO_GROUP
    return lambda p, basis, period: "total"


def programme_cost(session: Session, timeline: SettingsTimeline, start: date, end: date, group_by: str | None = None,
                   viewer: Viewer | None = None, group: Group = Group(), hide_below: int = 0) -> ProgrammeCost:
    """Totals per line over [start, end), grouped; no personal details in the result. Groups of fewer than
    `hide_below` participants are left out (for roles that may not see a person's costs)."""
    _check_period(start, end)
    if group_by is not None and group_by not in GROUP_BY:
        raise InvalidInput("Unknown grouping.", {"group_by": [N_("Unknown value.")]})
    data = load(session, start, end, viewer, group)
    key = _key(group_by, data)
    groups: dict[Any, Totals] = {}
    members: dict[Any, set] = {}
    total = Totals()
    counted: set = set()

    def emit(p, code, basis, period):
        found = key(p, basis, period)
        groups.setdefault(found, Totals()).add(code, basis.amount)
        members.setdefault(found, set()).add(p.id)
        total.add(code, basis.amount)
        counted.add(p.id)

    walk = _walk(data, timeline, start, end, emit, monthly=group_by == "month")
    shown, hidden = suppress_small(groups, {k: len(v) for k, v in members.items()}, hide_below if group_by else 0)
    ordered = dict(sorted(shown.items(), key=lambda item: (item[0] == NO_GROUP, str(item[0]))))
    return ProgrammeCost(start, end, group_by, ordered, total, len(counted),
                         sorted(walk.missing, key=lambda m: m.first_day), walk.provisional_from, hidden)
