"""What a built report holds (basisbaan.reports.engine.build): data only, in no language yet.

Labels are lazy translations (flask_babel.lazy_gettext, English msgids) or `Text(nl, en)` for what a plugin
or the records give in both languages (a wellbeing domain); they become text when rendered in a language
(`localise`). Numbers keep their type (int, Decimal, date) until formatted for a reader or written to a
spreadsheet; None means "not available" (hidden, not published, nothing to divide by), never 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from basisbaan.reports.formats import ReportFormat, Section, Text
from basisbaan.services.kpis import Period

# How a number reads: count (12), number (30,8), percent (7,3%), money (€ 18.400), money_exact (€ 14,06),
# date, year (2026), text; "missing": [(parameter, first day)] in words; "value" (a column only): each cell
# is a Value with its own kind.
KINDS = ("text", "count", "number", "percent", "money", "money_exact", "date", "year", "missing", "value")


@dataclass(frozen=True)
class Value:
    """A figure with the kind that says how to show it."""

    kind: str
    raw: Any


class Msg:
    """An interface text (an English msgid, marked for extraction with N_) whose values are formatted for the
    reader when rendered: `Msg(N_("Divided by %(years)s participant-years."), years=Value("number", y))`."""

    def __init__(self, template: str, **params: Any):
        self.template = template
        self.params = params

    def __repr__(self) -> str:
        return f"Msg({self.template!r}, {self.params!r})"


@dataclass(frozen=True)
class Column:
    label: Any
    kind: str = "text"  # "value": each cell is a Value with its own kind


@dataclass
class Table:
    """A table: the first column names the row (and is a chart's category); `total` is a footer row that
    charts leave out; `note` says what the figures leave out or how they were made."""

    id: str
    title: Any
    columns: list[Column]
    rows: list[list[Any]]
    total: list[Any] | None = None
    note: Any = None


@dataclass(frozen=True)
class Series:
    column: int  # index of the table column holding the values
    label: Any = None  # default: the column's label
    negate: bool = False  # shown as a positive amount (offsets)


@dataclass
class Chart:
    """A bar chart of a table (same id): categories from its first column, one series per `series`."""

    id: str
    title: Any
    description: Any
    series: tuple[Series, ...]
    kind: str = "count"
    max_value: Decimal | int | None = None

    @property
    def table(self) -> str:
        return self.id


@dataclass
class Report:
    """Everything a page or an output needs; `build` fills it, the render functions only format.

    - format: the ReportFormat; sections: its sections (the key-figure overview for a format without any)
    - municipality / logo_text: the municipality's name and how its documents are headed
    - period: as_of (stocks), start and end (flows over [start, end))
    - figures: the key figures exactly as basisbaan.services.kpis.compute returns them
    - values: the named values the format's texts and figure lists use (formats.VALUES)
    - tables / charts: by id, in the order the sections show them (charts[id] draws tables[id])
    - costs_missing: national parameters not published for part of the period ([{parameter, first_day}]);
      provisional_from: the first day wages rest on a minimum wage carried forward (or None)
    """

    format: ReportFormat
    municipality: str
    logo_text: str
    period: Period
    figures: dict[str, Any]
    values: dict[str, Value]
    tables: dict[str, Table]
    charts: dict[str, Chart]
    sections: tuple[Section, ...]
    costs_missing: list[dict[str, Any]] = field(default_factory=list)
    provisional_from: date | None = None

    @property
    def last_day(self) -> date:
        return self.period.end - timedelta(days=1)


def localise(value: Any, language: str) -> Any:
    """A label in `language` (call inside flask_babel.force_locale for lazy translations)."""
    if isinstance(value, Text):
        return value(language)
    if value is None or isinstance(value, (int, Decimal, float, date, bool)):
        return value
    return str(value)
