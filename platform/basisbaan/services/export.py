"""Exports to CSV and XLSX that spreadsheet programs cannot turn into formulas."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any, Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would read as a formula gets a leading apostrophe (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)  # the joined text can start a formula as well
    return neutralise(value) if isinstance(value, str) else value


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """Semicolon-separated with a BOM, as Dutch Excel opens it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def xml_safe(value: Any) -> Any:
        # Control characters (allowed in CSV) cannot be stored in a worksheet: openpyxl would raise. Removing
        # them can uncover a formula ("\x07=cmd"), so the text is neutralised after that.
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value)) if isinstance(value, str) else value

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([xml_safe(neutralise(h)) for h in headers])
    for row in rows:
        sheet.append([xml_safe(_cell(v)) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
