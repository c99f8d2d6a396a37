"""The range of dates the platform accepts: wide enough for any employment history and plan, narrow
enough that date arithmetic (a last day + 1, a contract + 12 months) never overflows."""

from __future__ import annotations

from datetime import date

EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)


def out_of_range(value: date | None) -> bool:
    return value is not None and not EARLIEST <= value <= LATEST


def add_years(day: date, years: int) -> date:
    """The same day `years` later (or earlier); 29 February becomes 1 March in a year without it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def add_months(day: date, months: int) -> date:
    """The same day `months` later; a day the month lacks becomes its last day (31 Jan + 1 -> 28/29 Feb)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")
