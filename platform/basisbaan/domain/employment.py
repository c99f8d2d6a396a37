"""Employment arithmetic without a database: contract periods, absence rates, Gatekeeper deadlines, wages.

Conventions: every period here is half-open [start, end) in calendar days. Stored last days (inclusive)
become `end = last_day + 1 day`. Contracted hours per calendar day are hours per week / 7, the way
absence percentages are usually computed (calendar days weighted by part-time factor), so a week-end
inside a sickness counts as it does in the statistics of Statistics Netherlands (CBS).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Callable, Iterable, Sequence

from basisbaan.domain.cao import CaoTerms
from basisbaan.domain.national_parameters import minimum_hourly_wage, minimum_wage_is_provisional

DAY = timedelta(days=1)
SEVEN = Decimal(7)
HUNDRED = Decimal(100)
ZERO = Decimal(0)


def exclusive_end(last_day: date | None) -> date | None:
    """The day after `last_day`; None (open) for none, and for the last representable day."""
    return None if last_day is None or last_day == date.max else last_day + DAY


def overlap(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> tuple[date, date] | None:
    """The common part of two half-open periods (None end = open), or None."""
    start = max(a_start, b_start)
    ends = [e for e in (a_end, b_end) if e is not None]
    end = min(ends) if ends else None
    if end is not None and end <= start:
        return None
    return start, end  # type: ignore[return-value]


@dataclass(frozen=True)
class TermsPeriod:
    """A stretch of one contract with constant terms."""

    participant_id: object
    contract_id: object
    start: date
    end: date | None  # exclusive; None: open (a permanent contract)
    hours_per_week: Decimal
    cao: str
    wage_scale: str | None = None
    wage_step: str | None = None
    guaranteed_hourly_wage: Decimal | None = None

    def clipped(self, start: date, end: date) -> tuple[date, date] | None:
        return overlap(self.start, self.end, start, end)


@dataclass(frozen=True)
class VersionTerms:
    valid_from: date
    hours_per_week: Decimal
    cao: str
    wage_scale: str | None = None
    wage_step: str | None = None
    guaranteed_hourly_wage: Decimal | None = None


def contract_periods(participant_id, contract_id, start: date, last_day: date | None,
                     versions: Sequence[VersionTerms]) -> list[TermsPeriod]:
    """The contract cut at each version's valid_from; versions before the start or after the end are ignored."""
    end = exclusive_end(last_day)
    ordered = sorted(versions, key=lambda v: v.valid_from)
    periods = []
    for index, version in enumerate(ordered):
        v_start = max(version.valid_from, start)
        v_end = ordered[index + 1].valid_from if index + 1 < len(ordered) else None
        piece = overlap(v_start, v_end, start, end)
        if piece is None:
            continue
        periods.append(TermsPeriod(participant_id, contract_id, piece[0], piece[1], Decimal(version.hours_per_week),
                                   version.cao, version.wage_scale, version.wage_step,
                                   version.guaranteed_hourly_wage))
    return periods


def terms_on(periods: Iterable[TermsPeriod], on: date) -> TermsPeriod | None:
    for period in periods:
        if period.start <= on and (period.end is None or on < period.end):
            return period
    return None


# --- absence -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SickPeriod:
    participant_id: object
    start: date
    end: date | None  # exclusive; None while ongoing
    percentage: Decimal


@dataclass(frozen=True)
class AbsenceTotals:
    contracted_hours: Decimal
    sick_hours: Decimal

    @property
    def rate(self) -> Decimal | None:
        """Sick contracted hours / contracted hours, a fraction (None when nobody had a contract)."""
        if not self.contracted_hours:
            return None
        return self.sick_hours / self.contracted_hours


def absence_totals(periods: Iterable[TermsPeriod], sickness: Iterable[SickPeriod], start: date,
                   end: date) -> AbsenceTotals:
    """Contracted and sick hours over [start, end) for everyone in `periods`; sickness outside a contract
    counts nothing (there are no contracted hours to miss)."""
    by_participant: dict[object, list[TermsPeriod]] = {}
    contracted = ZERO
    for period in periods:
        piece = period.clipped(start, end)
        if piece is None:
            continue
        by_participant.setdefault(period.participant_id, []).append(period)
        contracted += period.hours_per_week / SEVEN * (piece[1] - piece[0]).days
    sick = ZERO
    for spell in sickness:
        window = overlap(spell.start, spell.end, start, end)
        if window is None:
            continue
        for period in by_participant.get(spell.participant_id, ()):
            piece = period.clipped(*window)
            if piece is not None:
                sick += period.hours_per_week / SEVEN * (piece[1] - piece[0]).days * spell.percentage / HUNDRED
    return AbsenceTotals(contracted, sick)


# --- Gatekeeper Act (Wet verbetering poortwachter) ------------------------------------------------------

# Step -> the week of sickness by the end of which it is due.
GATEKEEPER_WEEKS = (
    ("problem_analysis", 6),
    ("action_plan", 8),
    ("uwv_report", 42),
    ("first_year_evaluation", 52),
    ("wia_application", 91),
)
# Sickness periods less than four weeks apart count as one (as the Sickness Benefits Act adds them up).
EPISODE_GAP = timedelta(weeks=4)


def gatekeeper_deadlines(first_day: date) -> list[tuple[str, date]]:
    """Each step with its deadline: the last day of the step's week of sickness."""
    return [(step, first_day + timedelta(weeks=week) - DAY) for step, week in GATEKEEPER_WEEKS]


@dataclass
class Episode:
    """Sickness periods of one participant that follow each other within four weeks."""

    first_absence_id: object
    first_day: date
    last_day: date | None  # None while ongoing
    absence_ids: list = field(default_factory=list)


def episodes(absences: Sequence[tuple[object, date, date | None]]) -> list[Episode]:
    """Group (id, start, last day or None) of ONE participant into episodes, oldest first."""
    found: list[Episode] = []
    for absence_id, start, last in sorted(absences, key=lambda a: a[1]):
        current = found[-1] if found else None
        if current is not None and (current.last_day is None or start <= current.last_day + EPISODE_GAP):
            current.absence_ids.append(absence_id)
            if current.last_day is not None:
                current.last_day = None if last is None else max(current.last_day, last)
            continue
        found.append(Episode(absence_id, start, last, [absence_id]))
    return found


# --- wages -------------------------------------------------------------------------------------------

CENT = Decimal("0.01")


@dataclass(frozen=True)
class HourlyWage:
    amount: Decimal
    basis: str  # minimum_wage | scale | guarantee
    minimum_wage: Decimal
    # The date lies after the last published minimum wage in the table: the last rate carried forward.
    provisional: bool = False


def hourly_wage(terms: CaoTerms, on: date, wage_scale: str | None = None, wage_step: str | None = None,
                guaranteed: Decimal | None = None) -> HourlyWage:
    """At least the statutory minimum wage on `on` (for the CAO's standard week before 2024); the CAO
    scale where higher; a transition guarantee where higher still. Raises MissingParameter for a date
    without a published minimum wage."""
    minimum = minimum_hourly_wage(on, terms.standard_week_hours)
    amount, basis = minimum, "minimum_wage"
    scale = terms.scale_wage(wage_scale, wage_step)
    if scale is not None and scale > amount:
        amount, basis = scale, "scale"
    if guaranteed is not None and guaranteed > amount:
        amount, basis = Decimal(guaranteed), "guarantee"
    return HourlyWage(amount, basis, minimum, minimum_wage_is_provisional(on))


@dataclass(frozen=True)
class WageCost:
    """Wage cost lines in euros (unrounded Decimal; round at presentation)."""

    gross: Decimal = ZERO
    holiday_allowance: Decimal = ZERO
    year_end_payment: Decimal = ZERO
    employer_charges: Decimal = ZERO
    pension: Decimal = ZERO

    @property
    def pay(self) -> Decimal:
        """What the employee receives (gross wage, holiday allowance, year-end payment)."""
        return self.gross + self.holiday_allowance + self.year_end_payment

    @property
    def total(self) -> Decimal:
        return self.gross + self.holiday_allowance + self.year_end_payment + self.employer_charges + self.pension

    def __add__(self, other: "WageCost") -> "WageCost":
        return WageCost(self.gross + other.gross, self.holiday_allowance + other.holiday_allowance,
                        self.year_end_payment + other.year_end_payment,
                        self.employer_charges + other.employer_charges, self.pension + other.pension)


def wage_cost(terms: CaoTerms, hourly: Decimal, hours_per_week: Decimal, days: int) -> WageCost:
    """The cost of `days` calendar days at `hours_per_week` and `hourly` under `terms`."""
    gross = hourly * Decimal(hours_per_week) / SEVEN * days
    holiday = gross * terms.holiday_allowance_rate
    year_end = gross * terms.year_end_payment_rate
    base = gross + holiday + year_end
    return WageCost(gross, holiday, year_end, base * terms.employer_charges_rate, base * terms.pension_rate)


def pay_factor(terms: CaoTerms) -> Decimal:
    """Pay per euro of hourly wage: 1 + holiday allowance + year-end payment."""
    return 1 + terms.holiday_allowance_rate + terms.year_end_payment_rate


def annual_wage_cost(terms: CaoTerms, hourly: Decimal, hours_per_week: Decimal) -> WageCost:
    """A year of 365 days at constant terms (for comparisons such as a CAO transition preview)."""
    return wage_cost(terms, hourly, hours_per_week, 365)


TermsLookup = Callable[[str, date], "CaoTerms | None"]


class MissingTerms(LookupError):
    """The municipality has no terms of a CAO for a date."""

    def __init__(self, cao: str, on: date):
        super().__init__(f"No terms of {cao} for {on.isoformat()}.")
        self.cao = cao
        self.on = on


def _month_starts(start: date, end: date) -> list[date]:
    marks = []
    current = date(start.year, start.month, 1)
    while current < end:
        if current > start:
            marks.append(current)
        current = date(current.year + (current.month == 12), current.month % 12 + 1, 1)
    return marks


def wage_cost_over(period: TermsPeriod, start: date, end: date, lookup: TermsLookup) -> WageCost:
    """Day-accurate wage cost of one terms period within [start, end): split at every month start (the
    minimum wage changes on 1 January and 1 July) and wherever the CAO terms change within a month."""
    piece = period.clipped(start, end)
    if piece is None:
        return WageCost()
    marks = [piece[0], *_month_starts(*piece), piece[1]]
    total = WageCost()
    for a, b in zip(marks, marks[1:]):
        for sub_start, sub_end in _split_at_terms_change(period.cao, a, b, lookup):
            terms = lookup(period.cao, sub_start)
            if terms is None:
                raise MissingTerms(period.cao, sub_start)
            wage = hourly_wage(terms, sub_start, period.wage_scale, period.wage_step, period.guaranteed_hourly_wage)
            total = total + wage_cost(terms, wage.amount, period.hours_per_week, (sub_end - sub_start).days)
    return total


def _split_at_terms_change(cao: str, start: date, end: date, lookup: TermsLookup) -> list[tuple[date, date]]:
    """Cut [start, end) wherever another version of the terms takes effect (found from the end backwards:
    each version names the day it begins)."""
    cuts: list[date] = []
    probe = end - DAY
    while probe >= start:
        terms = lookup(cao, probe)
        # Stop at the start, at a gap, or at terms that claim to begin after the day asked for.
        if terms is None or terms.effective_from <= start or terms.effective_from > probe:
            break
        cuts.append(terms.effective_from)
        probe = terms.effective_from - DAY
    marks = [start, *reversed(cuts), end]
    return list(zip(marks, marks[1:]))

