"""Spreadsheet (XLSX) downloads of a page's tables: one sheet per table.

`workbook_response("costs-2024.xlsx", [Sheet(title, header, rows, money_columns={2, 3})])` answers with the
workbook as an attachment. Values keep their type: Decimal and int as numbers (money columns with the format
'#,##0.00'; never via float), dates as dates, None as an empty cell, everything else as text. Text is always
text: a value that starts with "=" is not turned into a formula. The header row is bold and stays in view,
column widths follow the content, and sheet titles are made valid for Excel (at most 31 characters, no
[]:*?/\\, unique). The same input always gives the same bytes (fixed document and ZIP timestamps).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "dd-mm-yyyy"
DATETIME_FORMAT = "dd-mm-yyyy hh:mm"
TITLE_MAX = 31  # Excel's limit for a sheet title
MIN_WIDTH, MAX_WIDTH = 8, 60
FIXED_TIME = datetime(2000, 1, 1)  # document properties: no "created now", so the bytes are reproducible
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass
class Sheet:
    """One table: `money_columns` holds the 0-based indexes of the columns with amounts."""

    title: str
    header: list[str]
    rows: list[list[Any]]
    money_columns: set[int] = field(default_factory=set)


def sheet_titles(titles: Sequence[str]) -> list[str]:
    """Valid, unique (case-insensitively, as Excel compares) titles of at most 31 characters."""
    result: list[str] = []
    taken: set[str] = set()
    for index, title in enumerate(titles, start=1):
        base = " ".join(_TITLE_FORBIDDEN.sub(" ", str(title)).split()).strip("'") or f"Sheet {index}"
        candidate, counter = base[:TITLE_MAX], 1
        while candidate.casefold() in taken:
            counter += 1
            suffix = f" ({counter})"
            candidate = base[:TITLE_MAX - len(suffix)].rstrip() + suffix
        taken.add(candidate.casefold())
        result.append(candidate)
    return result


def _text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _shown(value: Any, money: bool) -> str:
    """The text as Excel would roughly show it, for the column width."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return "00-00-0000 00:00"
    if isinstance(value, date):
        return "00-00-0000"
    if money and isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        return f"{value:,.2f}"
    return str(value)


def _write_cell(cell: Any, value: Any, money: bool) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        cell.value = value
    elif isinstance(value, (Decimal, int, float)):
        cell.value = value
        if money:
            cell.number_format = MONEY_FORMAT
    elif isinstance(value, datetime):
        cell.value = value
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    else:
        cell.value = _text(str(value))
        cell.data_type = "s"  # never a formula, whatever the text starts with


def _fill(worksheet: Any, sheet: Sheet) -> None:
    bold = Font(bold=True)
    widths = [len(str(name)) for name in sheet.header]
    for column, name in enumerate(sheet.header, start=1):
        cell = worksheet.cell(row=1, column=column)
        cell.value = _text(str(name))
        cell.data_type = "s"
        cell.font = bold
    for row_number, row in enumerate(sheet.rows, start=2):
        for index, value in enumerate(row):
            money = index in sheet.money_columns
            _write_cell(worksheet.cell(row=row_number, column=index + 1), value, money)
            shown = len(_shown(value, money))
            if index < len(widths):
                widths[index] = max(widths[index], shown)
            else:
                widths.append(shown)
    for index, width in enumerate(widths, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, max(MIN_WIDTH, width + 2))
    if sheet.header:
        worksheet.freeze_panes = "A2"


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with every entry dated ZIP_TIME, in the same order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The XLSX file of `sheets` (a workbook needs at least one sheet: an empty one if none is given)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheets = list(sheets) or [Sheet("Sheet 1", [], [])]
    for title, sheet in zip(sheet_titles([s.title for s in sheets]), sheets, strict=True):
        _fill(workbook.create_sheet(title=title), sheet)
    workbook.properties.creator = "Basisbaan"
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    # ExcelWriter rather than Workbook.save, which stamps the document with the current time.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).save()
    return _fixed_zip(buffer.getvalue())


def _filename(filename: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-.") or "export"
    return name if name.lower().endswith(".xlsx") else f"{name}.xlsx"


def workbook_response(filename: str, sheets: list[Sheet]) -> Response:
    """The workbook as a download (an attachment named `filename`, made safe and ending in .xlsx)."""
    return Response(workbook_bytes(sheets), mimetype=MIMETYPE,
                    headers={"Content-Disposition": f'attachment; filename="{_filename(filename)}"',
                             "Cache-Control": "no-store"})
