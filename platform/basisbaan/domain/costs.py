"""Cost lines of a basisbaan and how each was computed.

A participant's costs over a period are a sum of constant stretches (a "basis": dates, days, rate, hours,
and the source of the rate), one line per kind. Amounts are unrounded Decimals; pages and exports round.

Costs: wages (gross, holiday allowance, year-end payment), employer charges (social premiums and pension),
employership, coaching by the coaching organisation (by employment year) and by the municipal coach,
training. Contributions: what hosts pay (negative). Offsets: the wage-cost subsidy and the social assistance
no longer paid (negative). gross = costs + contributions; net = gross + offsets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from basisbaan.domain.national_parameters import (WAGE_COST_SUBSIDY_CAP, WAGE_COST_SUBSIDY_CHARGES,
                                                  WML_HOLIDAY_ALLOWANCE)

COSTS = ("wages", "employer_charges", "employership", "coaching_external", "coaching_municipal", "training")
CONTRIBUTIONS = ("host_contribution",)
OFFSETS = ("wage_cost_subsidy", "assistance_saved")
LINES = COSTS + CONTRIBUTIONS + OFFSETS
ZERO = Decimal(0)
SEVEN = Decimal(7)
DAY = timedelta(days=1)


def year_fraction(start: date, end: date) -> Decimal:
    """Days of [start, end) over the length of start's calendar year (a whole year is exactly 1); callers
    cut periods at 1 January."""
    length = 366 if (start.year % 4 == 0 and (start.year % 100 != 0 or start.year % 400 == 0)) else 365
    return Decimal((end - start).days) / Decimal(length)


def employment_year(started_on: date, on: date) -> int:
    """0 in the first year of employment, 1 in the second ..."""
    years = on.year - started_on.year
    if (on.month, on.day) < (started_on.month, started_on.day):
        years -= 1
    return max(years, 0)


def wage_cost_subsidy(wml_hourly: Decimal, hours_per_week: Decimal, days: int, wage_value_percent: Decimal) -> Decimal:
    """Participatiewet art. 10d over `days`: the minimum wage for the hours (with the statutory holiday
    allowance) minus the wage value, at most 70% of it, plus 23.5% for employer charges."""
    wml = wml_hourly * hours_per_week / SEVEN * days * (1 + WML_HOLIDAY_ALLOWANCE)
    gap = wml * (100 - Decimal(wage_value_percent)) / 100
    return min(gap, wml * WAGE_COST_SUBSIDY_CAP) * (1 + WAGE_COST_SUBSIDY_CHARGES)


@dataclass
class Basis:
    """A constant stretch of a line: [start, end), the rate and its unit, the hours, and where the rate
    comes from (a setting, the CAO, a national parameter, a record)."""

    start: date
    end: date
    amount: Decimal
    rate: Decimal
    unit: str  # per_year, per_hour, per_month, one_off, fraction
    source: str
    hours: Decimal | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days


@dataclass
class Line:
    code: str
    amount: Decimal = ZERO
    bases: list[Basis] = field(default_factory=list)

    def add(self, basis: Basis) -> None:
        """Add a stretch; it extends the stretch it continues (same rate, unit, hours and source), also when
        stretches of another source (a second task) come in between."""
        self.amount += basis.amount
        for earlier in reversed(self.bases[-4:]):
            if (earlier.end == basis.start and earlier.rate == basis.rate and earlier.unit == basis.unit
                    and earlier.source == basis.source and earlier.hours == basis.hours):
                earlier.end, earlier.amount = basis.end, earlier.amount + basis.amount
                return
        self.bases.append(basis)


@dataclass(frozen=True)
class Missing:
    """A national parameter or CAO terms not published for days in the period: those days are left out of
    the line concerned, and the result says so."""

    parameter: str
    first_day: date


@dataclass
class Totals:
    lines: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(LINES, ZERO))

    def add(self, code: str, amount: Decimal) -> None:
        self.lines[code] += amount

    def merge(self, other: "Totals") -> None:
        for code, amount in other.lines.items():
            self.lines[code] += amount

    @property
    def costs(self) -> Decimal:
        return sum((self.lines[c] for c in COSTS), ZERO)

    @property
    def contributions(self) -> Decimal:
        return sum((self.lines[c] for c in CONTRIBUTIONS), ZERO)

    @property
    def gross(self) -> Decimal:
        return self.costs + self.contributions

    @property
    def offsets(self) -> Decimal:
        return sum((self.lines[c] for c in OFFSETS), ZERO)

    @property
    def net(self) -> Decimal:
        return self.gross + self.offsets


def cut_points(start: date, end: date, *marks) -> list[date]:
    """Sorted boundaries within [start, end): start, every mark strictly inside, end."""
    inside = {m for group in marks for m in group if m is not None and start < m < end}
    return [start, *sorted(inside), end]


def month_starts(start: date, end: date) -> list[date]:
    found, current = [], date(start.year, start.month, 1)
    while current < end:
        found.append(current)
        current = date(current.year + (current.month == 12), current.month % 12 + 1, 1)
    return found


def anniversaries(started_on: date, end: date) -> list[date]:
    """The start of each employment year after the first, before `end` (29 February -> 1 March)."""
    found, n = [], 1
    while True:
        try:
            day = started_on.replace(year=started_on.year + n)
        except ValueError:
            day = date(started_on.year + n, 3, 1)
        if day >= end:
            return found
        found.append(day)
        n += 1
