"""National parameters as dated data: the statutory minimum wage (WML) and the social-assistance norm.

Source: ../shared/reference/facts.md (Staatscourant, SZW and SVB tables). Rows found only in secondary
sources carry verified=False so reports can say so. A date before the first row has no published rate
here: the functions raise MissingParameter naming the parameter and the date instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal


class MissingParameter(LookupError):
    """No published value for a national parameter on a date."""

    def __init__(self, parameter: str, on: date):
        super().__init__(f"No published {parameter} for {on.isoformat()}.")
        self.parameter = parameter
        self.on = on


@dataclass(frozen=True)
class MinimumWage:
    """WML for age 21 and over, gross. Before 2024 the law set a monthly amount; from 2024 an hourly one."""

    effective_from: date
    monthly: Decimal | None
    hourly: Decimal | None
    source: str
    verified: bool = True


MINIMUM_WAGE = (
    MinimumWage(date(2020, 1, 1), Decimal("1653.60"), None, "Staatscourant 2019, 56680"),
    MinimumWage(date(2020, 7, 1), Decimal("1680.00"), None, "Staatscourant 2020, 22092"),
    MinimumWage(date(2021, 1, 1), Decimal("1684.80"), None, "secondary source", verified=False),
    MinimumWage(date(2021, 7, 1), Decimal("1701.00"), None, "secondary source", verified=False),
    MinimumWage(date(2022, 1, 1), Decimal("1725.00"), None, "secondary source", verified=False),
    MinimumWage(date(2022, 7, 1), Decimal("1756.20"), None, "SZW tables"),
    MinimumWage(date(2023, 1, 1), Decimal("1934.40"), None, "Stb. 2022, 381"),
    MinimumWage(date(2023, 7, 1), Decimal("1995.00"), None, "SZW tables"),
    MinimumWage(date(2024, 1, 1), None, Decimal("13.27"), "SZW decision 08-10-2023"),
    MinimumWage(date(2024, 7, 1), None, Decimal("13.68"), "SZW tables"),
    MinimumWage(date(2025, 1, 1), None, Decimal("14.06"), "SVB table 1 January 2025"),
    MinimumWage(date(2025, 7, 1), None, Decimal("14.40"), "Staatscourant 2025, 12264"),
    MinimumWage(date(2026, 1, 1), None, Decimal("14.71"), "SZW (+2.153%)"),
)


@dataclass(frozen=True)
class AssistanceNorm:
    """Social-assistance norms (Participatiewet art. 21), 21 to pension age, net per month including holiday
    allowance: a single person or single parent, and a couple (married or living together)."""

    effective_from: date
    single_monthly: Decimal
    couple_monthly: Decimal
    source: str = "facts.md"
    verified: bool = True


# The single norm is 70% of the couple norm (art. 21); where only the single norm was at hand the couple norm
# is derived from it and marked unverified.
ASSISTANCE_NORMS = (
    AssistanceNorm(date(2023, 1, 1), Decimal("1195.66"), Decimal("1708.08"), "municipal norm tables, 1 January 2023"),
    AssistanceNorm(date(2023, 7, 1), Decimal("1216.62"), Decimal("1738.02"), "municipal norm tables, 1 July 2023"),
    AssistanceNorm(date(2024, 1, 1), Decimal("1283.83"), Decimal("1834.04"), "facts.md; municipal norm tables"),
    AssistanceNorm(date(2024, 7, 1), Decimal("1308.45"), Decimal("1869.21"), "facts.md; municipal norm tables"),
    AssistanceNorm(date(2025, 1, 1), Decimal("1345.45"), Decimal("1922.07"), "facts.md; couple derived (single / 0.7)",
                   verified=False),
    AssistanceNorm(date(2025, 7, 1), Decimal("1369.06"), Decimal("1955.80"), "facts.md; couple derived (single / 0.7)",
                   verified=False),
)
# After the last row no norm is published here: costs over later dates report the gap (MissingParameter).
ASSISTANCE_PUBLISHED_UNTIL = date(2025, 12, 31)
COUPLE_HOUSEHOLDS = ("couple", "couple_with_children")

# Wage-cost subsidy (Participatiewet art. 10d): WML minus the wage value, at most 70% of WML, plus a
# compensation for employer charges of 23.5% of that amount (the national regulation).
WAGE_COST_SUBSIDY_CAP = Decimal("0.70")
WAGE_COST_SUBSIDY_CHARGES = Decimal("0.235")
# The statutory holiday allowance on the WML, part of the wage the subsidy is based on.
WML_HOLIDAY_ALLOWANCE = Decimal("0.08")

CENT = Decimal("0.01")


def _in_force(rows, on: date, parameter: str):
    found = None
    for row in rows:
        if row.effective_from <= on:
            found = row
    if found is None:
        raise MissingParameter(parameter, on)
    return found


def minimum_wage_on(on: date) -> MinimumWage:
    return _in_force(MINIMUM_WAGE, on, "statutory minimum wage")


def _next_indexation(after: date) -> date:
    """The minimum wage is indexed on 1 January and 1 July."""
    return date(after.year, 7, 1) if after.month < 7 else date(after.year + 1, 1, 1)


# From this date the table has no published rate yet: the last one carries forward, marked provisional
# (shown as such), until a row for the next indexation is added here.
MINIMUM_WAGE_PROVISIONAL_FROM = _next_indexation(MINIMUM_WAGE[-1].effective_from)


def minimum_wage_is_provisional(on: date) -> bool:
    return on >= MINIMUM_WAGE_PROVISIONAL_FROM


def minimum_hourly_wage(on: date, standard_week_hours: Decimal) -> Decimal:
    """The WML per hour on `on`: from 2024 the statutory hourly rate; before, the monthly amount x 3 / 13
    divided by the employer's full-time week (the collective agreement's standard week)."""
    row = minimum_wage_on(on)
    if row.hourly is not None:
        return row.hourly
    return (row.monthly * 3 / 13 / Decimal(standard_week_hours)).quantize(CENT, rounding=ROUND_HALF_UP)


def assistance_norm_on(on: date) -> AssistanceNorm:
    if on > ASSISTANCE_PUBLISHED_UNTIL:
        raise MissingParameter("social-assistance norm", on)
    return _in_force(ASSISTANCE_NORMS, on, "social-assistance norm")


def assistance_monthly(on: date, household_type: str | None) -> Decimal:
    """The norm a household would receive per month: the couple norm for couples, else the single norm
    (single parents get the single norm since 2015; unknown households count as single)."""
    norm = assistance_norm_on(on)
    return norm.couple_monthly if household_type in COUPLE_HOUSEHOLDS else norm.single_monthly
