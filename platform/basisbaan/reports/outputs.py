"""A built report as HTML, PDF or XLSX, in Dutch or English.

- `render_html(report, language)`: one standalone document (no scripts, no external files: the CSS is in a
  <style> element whose hash `CSP` allows, the charts are inline SVG), printable on A4 with the
  municipality's name, the title, the reference date and page numbers in the margins (@page). The same
  report and language always give the same bytes: snapshots hash them.
- `render_pdf(report, language)`: that document through WeasyPrint (needs Pango from the system).
- `render_xlsx(report, language)`: one sheet per table (basisbaan.web.xlsx), numbers as numbers, amounts in
  cents; a last sheet lists the national parameters missing for the period, when any are.

Outside a request (CLI, tests) call these inside an app context; the language is forced with
flask_babel.force_locale, so interface texts come from the translation catalogue like the pages'.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

from flask import render_template
from flask_babel import force_locale, format_currency, format_date, format_decimal, format_percent, gettext
from markupsafe import Markup

from basisbaan.reports.formats import PLACEHOLDER
from basisbaan.reports.model import Chart, Column, Msg, Report, Table, Value, localise
from basisbaan.web.charts import bar_chart
from basisbaan.web.xlsx import MIMETYPE as XLSX_MIMETYPE
from basisbaan.web.xlsx import Sheet, workbook_bytes

__all__ = ["CSP", "HTML_MIMETYPE", "LANGUAGES", "PDF_MIMETYPE", "XLSX_MIMETYPE", "chart_svg", "fill", "formatted",
           "missing_texts", "render_html", "render_pdf", "render_xlsx", "text"]

HTML_MIMETYPE = "text/html"
PDF_MIMETYPE = "application/pdf"
LANGUAGES = ("nl", "en")
TEMPLATE = "reports/report.html"
DASH = "–"


# --- numbers for readers -----------------------------------------------------------------------------------

def formatted(kind: str, value: Any, language: str) -> str:
    """`value` as text in the current locale (inside force_locale)."""
    if isinstance(value, Value):
        return formatted(value.kind, value.raw, language)
    if value is None:
        return DASH
    if kind == "count":
        return format_decimal(value, "#,##0")
    if kind == "number":
        return format_decimal(value, "#,##0.##")
    if kind == "percent":
        return format_percent(value, "#,##0.0%")
    if kind == "money":
        return format_currency(value, "EUR", "¤\xa0#,##0;¤\xa0-#,##0", currency_digits=False)
    if kind == "money_exact":
        return format_currency(value, "EUR")
    if kind == "date":
        return format_date(value, "long") if isinstance(value, date) else str(value)
    if kind == "year":
        return str(value)
    if kind == "missing":
        from basisbaan.web.funding_forms import missing_label

        return "; ".join(f"{missing_label(p)} ({formatted('date', d, language)})" for p, d in value)
    return text(value, language)


def text(value: Any, language: str) -> str:
    """A label or message in the reader's language (inside force_locale)."""
    if value is None:
        return DASH
    if isinstance(value, Value):
        return formatted(value.kind, value.raw, language)
    if isinstance(value, Msg):
        return gettext(value.template, **{k: text(v, language) for k, v in value.params.items()})
    return str(localise(value, language))


def _cell(column: Column, value: Any, language: str) -> str:
    if isinstance(value, Value):
        return formatted(value.kind, value.raw, language)
    if column.kind in ("text", "value") or not isinstance(value, (int, Decimal, date)) or isinstance(value, bool):
        return text(value, language)
    return formatted(column.kind, value, language)


def fill(text: str, values: dict[str, Value], language: str) -> str:
    """A format's paragraph with its {names} replaced by the report's values."""
    return PLACEHOLDER.sub(lambda m: formatted("value", values.get(m.group(1)), language), text)


# --- charts ------------------------------------------------------------------------------------------------

def chart_svg(report: Report, chart: Chart, language: str) -> Markup:
    """The chart as SVG (inside force_locale: its texts are translated)."""
    table = report.tables[chart.table]
    categories = [_cell(table.columns[0], row[0], language) for row in table.rows]
    series = []
    for item in chart.series:
        label = item.label if item.label is not None else table.columns[item.column].label
        values = [None if row[item.column] is None else (-row[item.column] if item.negate else row[item.column])
                  for row in table.rows]
        series.append((text(label, language), values))
    return bar_chart(text(chart.title, language), text(chart.description, language), categories, series,
                     chart.max_value,
                     chart_id=f"chart-{chart.id}", value_format=lambda v: formatted(chart.kind, v, language))


# --- HTML --------------------------------------------------------------------------------------------------

def _table_view(table: Table, language: str) -> dict[str, Any]:
    numeric = [c.kind not in ("text",) for c in table.columns]
    return {"id": table.id, "title": text(table.title, language),
            "columns": [{"label": text(c.label, language), "numeric": n}
                        for c, n in zip(table.columns, numeric)],
            "rows": [[_cell(c, v, language) for c, v in zip(table.columns, row)] for row in table.rows],
            "total": [_cell(c, v, language) if v is not None else "" for c, v in zip(table.columns, table.total)]
            if table.total else None,
            "note": text(table.note, language) if table.note is not None else None}


def missing_texts(report: Report, language: str) -> list[str]:
    """The national parameters missing for the period, in words (the report must say so)."""
    from basisbaan.web.funding_forms import missing_label

    return [gettext("Not published for the %(parameter)s from %(day)s: the days from then on are left out of the "
                    "line concerned.", parameter=missing_label(m["parameter"]),
                    day=formatted("date", m["first_day"], language)) for m in report.costs_missing]


def _view(report: Report, language: str) -> dict[str, Any]:
    values = report.values
    sections = []
    shown: set[str] = set()
    for section in report.sections:
        blocks = []
        for chart_id in section.charts:
            blocks.append({"chart": chart_svg(report, report.charts[chart_id], language),
                           "chart_title": text(report.charts[chart_id].title, language),
                           "table": _table_view(report.tables[chart_id], language)})
            shown.add(chart_id)
        for table_id in section.tables:
            if table_id not in shown:
                blocks.append({"chart": None, "chart_title": None,
                               "table": _table_view(report.tables[table_id], language)})
                shown.add(table_id)
        sections.append({
            "id": section.id, "title": section.title(language),
            "paragraphs": [fill(p(language), values, language) for p in section.paragraphs],
            "blocks": blocks})
    period = report.period
    return {
        "language": language, "title": report.format.title(language), "municipality": report.municipality,
        "logo_text": report.logo_text, "as_of": formatted("date", period.as_of, language),
        "as_of_iso": period.as_of.isoformat(), "from": formatted("date", period.start, language),
        "to_last": formatted("date", report.last_day, language),
        "intro": [fill(p(language), values, language) for p in report.format.intro],
        "sections": sections, "missing": missing_texts(report, language),
        "provisional": gettext("From %(day)s the minimum wage is the last published one, carried forward: the "
                               "wages from then on are provisional.",
                               day=formatted("date", report.provisional_from, language))
        if report.provisional_from else None,
        "definition_version": report.figures.get("definition_version"),
    }


def render_html(report: Report, language: str = "nl") -> str:
    """The report as one standalone HTML document in `language` (nl or en)."""
    language = language if language in LANGUAGES else "nl"
    with force_locale(language):
        return render_template(TEMPLATE, r=_view(report, language), css=Markup(CSS))


# --- PDF ---------------------------------------------------------------------------------------------------

def render_pdf(report: Report, language: str = "nl") -> bytes:
    """The HTML document as A4 PDF (WeasyPrint)."""
    try:
        import weasyprint
    except OSError as error:  # Pango missing: `make install` installs it (Makefile target pdf-libs)
        raise RuntimeError("WeasyPrint cannot load its system libraries (Pango); run `make install`.") from error
    html = render_html(report, language)
    return weasyprint.HTML(string=html, base_url=None).write_pdf()


# --- XLSX --------------------------------------------------------------------------------------------------

MONEY_KINDS = ("money", "money_exact")


def _xlsx_value(column: Column, value: Any, language: str) -> Any:
    if isinstance(value, Value):
        value = value.raw
    if column.kind == "year" and isinstance(value, (str, int)) and str(value).isdigit():
        return int(value)
    if value is None or isinstance(value, (int, Decimal, date)) and not isinstance(value, bool):
        return value
    return text(value, language)


def _sheet(table: Table, language: str) -> Sheet:
    header = [text(c.label, language) for c in table.columns]
    rows = [[_xlsx_value(c, v, language) for c, v in zip(table.columns, row)] for row in table.rows]
    if table.total:
        rows.append([_xlsx_value(c, v, language) for c, v in zip(table.columns, table.total)])
    money = {i for i, c in enumerate(table.columns) if c.kind in MONEY_KINDS}
    return Sheet(text(table.title, language), header, rows, money)


def render_xlsx(report: Report, language: str = "nl") -> bytes:
    """One sheet per table of the report, in the order shown; then the missing parameters, if any."""
    language = language if language in LANGUAGES else "nl"
    with force_locale(language):
        sheets = [_sheet(table, language) for table in report.tables.values()]
        if report.costs_missing:
            from basisbaan.web.funding_forms import missing_label

            sheets.append(Sheet(gettext("Not published"), [gettext("Parameter"), gettext("From")],
                                [[missing_label(m["parameter"]), m["first_day"]] for m in report.costs_missing]))
        return workbook_bytes(sheets)


# --- the document's style ----------------------------------------------------------------------------------

# Static, so that its hash in the Content-Security-Policy below never changes. Texts in the page margins come
# from the document (string-set), not from here.
CSS = """
@page { size: A4; margin: 24mm 18mm 22mm 18mm;
  @top-left { content: string(municipality); font-size: 8.5pt; color: #4b4b4b; }
  @top-right { content: string(doctitle); font-size: 8.5pt; color: #4b4b4b; }
  @bottom-left { content: string(docdate); font-size: 8.5pt; color: #4b4b4b; }
  @bottom-right { content: string(pagelabel) " " counter(page) " " string(oflabel) " " counter(pages);
                  font-size: 8.5pt; color: #4b4b4b; } }
html { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1a1a1a; line-height: 1.45; }
body { margin: 0 auto; max-width: 48rem; padding: 1rem; font-size: 11pt; }
.report-header { border-bottom: 3px solid #154273; margin-bottom: 1.5rem; padding-bottom: .5rem; }
.report-header .municipality { string-set: municipality content(); font-weight: bold; margin: 0; }
.report-header h1 { string-set: doctitle content(); font-size: 20pt; margin: .3rem 0; color: #154273; }
.report-header .date { string-set: docdate content(); margin: 0; }
.report-header .period { margin: 0; }
.pages { string-set: pagelabel attr(data-page), oflabel attr(data-of); }
h2 { font-size: 14pt; color: #154273; margin: 1.6rem 0 .4rem; break-after: avoid; }
p { margin: .4rem 0; orphans: 3; widows: 3; }
.notice { border-left: 4px solid #8a4500; background: #fdf3e7; padding: .4rem .8rem; margin: 1rem 0; }
figure { margin: 1rem 0 .3rem; break-inside: avoid; }
svg.chart { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 1rem; font-size: 9.5pt; break-inside: auto; }
caption { text-align: left; font-weight: bold; padding: .3rem 0; caption-side: top; }
th, td { border-bottom: 1px solid #c8c8c8; padding: .2rem .4rem; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #1a1a1a; }
tbody th { font-weight: normal; }
figcaption { font-weight: bold; margin-bottom: .3rem; }
tr { break-inside: avoid; }
.num { text-align: right; }
td.num { white-space: nowrap; }
thead th { hyphens: auto; }
tfoot td, tfoot th { font-weight: bold; border-top: 2px solid #1a1a1a; }
.note { font-size: 9pt; color: #4b4b4b; margin-top: -.6rem; }
.report-footer { border-top: 1px solid #c8c8c8; margin-top: 2rem; padding-top: .4rem; font-size: 9pt; color: #4b4b4b; }
@media print { body { max-width: none; padding: 0; font-size: 10pt; } }
""".strip()

CSP = ("default-src 'none'; style-src 'sha256-" + base64.b64encode(hashlib.sha256(CSS.encode()).digest()).decode()
       + "'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
