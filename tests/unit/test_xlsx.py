"""XLSX downloads (no database): amounts as numbers with a money format, dates as dates, a bold header, valid
and unique sheet titles, text never turned into a formula, and the same bytes for the same input."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from basisbaan.web.xlsx import MIMETYPE, MONEY_FORMAT, Sheet, sheet_titles, workbook_bytes, workbook_response


def load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def costs_sheet() -> Sheet:
    return Sheet("Costs", ["Line", "From", "Amount", "Days"],
                 [["Wages", date(2024, 1, 1), Decimal("23496.17"), 366],
                  ["Employer charges", date(2024, 7, 1), Decimal("-1234.5"), None]],
                 money_columns={2})


def test_values_keep_their_types_and_money_gets_a_number_format():
    sheet = load(workbook_bytes([costs_sheet()]))["Costs"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows == [["Line", "From", "Amount", "Days"],
                    ["Wages", datetime(2024, 1, 1), 23496.17, 366],
                    ["Employer charges", datetime(2024, 7, 1), -1234.5, None]]
    assert sheet["C2"].data_type == "n" and sheet["C2"].number_format == MONEY_FORMAT
    assert sheet["C3"].number_format == MONEY_FORMAT
    assert sheet["D2"].number_format == "General"  # not a money column
    assert sheet["B2"].is_date


def test_money_is_written_exactly_not_through_a_float():
    data = workbook_bytes([Sheet("s", ["Amount"], [[Decimal("0.10")], [Decimal("12345678901.23")]], {0})])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<v>0.1</v>" in xml and "<v>12345678901.23</v>" in xml


def test_the_header_is_bold_and_stays_in_view_and_columns_fit_their_content():
    sheet = load(workbook_bytes([costs_sheet()]))["Costs"]
    assert all(cell.font.b for cell in sheet[1])
    assert not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= len("Employer charges")
    assert 8 <= sheet.column_dimensions["D"].width <= 60


def test_long_values_do_not_make_a_column_wider_than_the_maximum():
    sheet = load(workbook_bytes([Sheet("s", ["Note"], [["x" * 500]])]))["s"]
    assert sheet.column_dimensions["A"].width == 60


def test_sheet_titles_are_valid_for_excel_and_unique():
    titles = sheet_titles(["Programme costs per neighbourhood and per year", "Costs: 2024/2025 [net]?",
                           "Programme costs per neighbourhood and per month", "costs", "COSTS", ""])
    assert all(len(title) <= 31 for title in titles)
    assert not any(char in "".join(titles) for char in "[]:*?/\\")
    assert len({title.casefold() for title in titles}) == len(titles)
    assert titles[1] == "Costs 2024 2025 net"
    assert titles[3:] == ["costs", "COSTS (2)", "Sheet 6"]
    workbook = load(workbook_bytes([Sheet(title, ["a"], []) for title in
                                    ["Programme costs per neighbourhood and per year",
                                     "Programme costs per neighbourhood and per month"]]))
    assert len(workbook.sheetnames) == 2 and len(set(workbook.sheetnames)) == 2


def test_text_is_never_a_formula_and_control_characters_are_dropped():
    sheet = load(workbook_bytes([Sheet("s", ["Name"], [["=HYPERLINK(\"http://x\")"], ["bell\x07 here"]])]))["s"]
    assert sheet["A2"].value == "=HYPERLINK(\"http://x\")" and sheet["A2"].data_type == "s"
    assert sheet["A3"].value == "bell here"


def test_the_same_input_gives_the_same_bytes():
    first = workbook_bytes([costs_sheet(), Sheet("Totals", ["Total"], [[Decimal(1)]], {0})])
    time.sleep(1.1)  # ZIP times have a resolution of two seconds; the document's own times of one
    second = workbook_bytes([costs_sheet(), Sheet("Totals", ["Total"], [[Decimal(1)]], {0})])
    assert first == second


def test_a_workbook_without_sheets_still_opens():
    assert len(load(workbook_bytes([])).sheetnames) == 1


@pytest.mark.parametrize(("filename", "expected"), [("costs-2024.xlsx", "costs-2024.xlsx"),
                                                    ("programme costs 2024", "programme-costs-2024.xlsx"),
                                                    ('a"b\r\n.xlsx', "a-b-.xlsx")])
def test_the_response_is_an_attachment_with_a_safe_name(filename, expected):
    response = workbook_response(filename, [costs_sheet()])
    assert response.mimetype == MIMETYPE
    assert response.headers["Content-Disposition"] == f'attachment; filename="{expected}"'
    assert load(response.get_data())["Costs"]["C2"].value == 23496.17
