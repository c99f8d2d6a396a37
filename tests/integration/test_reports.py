"""Reports of the demo municipalities (`basisbaan demo`, loaded once for this module: every test here only
reads): each format of each municipality as HTML, PDF and XLSX through the engine, the API and the CLI."""

from __future__ import annotations

import io
import re
import zlib
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from flask.cli import ScriptInfo
from sqlalchemy import text

from basisbaan.cli import main
from basisbaan.extensions import db
from basisbaan.reports import engine
from basisbaan.reports.formats import ReportFormat, Section, Text, VALUES
from basisbaan.services import kpis as kpi_service
from basisbaan.services import tenants as tenant_service
from basisbaan.services import tokens as token_service
from basisbaan.services.audit import Actor
from basisbaan.services.timeline import SettingsTimeline
from basisbaan.tenancy import tenant_scope
from tests.conftest import auth

# (reference date, start of the period or None for the programme's start, its own format, the date in words)
MUNICIPALITIES = {
    "groningen": (date(2023, 3, 1), None, "groningen-council-letter", ("1 maart 2023", "March 1, 2023")),
    "tilburg": (date(2024, 9, 1), None, "tilburg-pilot-monitor", ("1 september 2024", "September 1, 2024")),
    "amersfoort": (date(2025, 4, 1), date(2024, 9, 1), "amersfoort-feasibility", ("1 april 2025", "April 1, 2025")),
}
CASES = [(slug, fmt) for slug, (_, _, own, _) in MUNICIPALITIES.items() for fmt in (own, "kpi-overview", "data-export")]


@pytest.fixture(autouse=True)
def _empty_tables():
    """Overrides the conftest's fixture of the same name: the demo stays for the whole module (it is emptied
    once, at the end, by `demo`)."""
    yield


@pytest.fixture(scope="module")
def demo(app, owner_engine):
    """`basisbaan demo` once for the module; a viewer's token per municipality (reports are for those who report)."""
    result = app.test_cli_runner().invoke(main, ["demo"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    tokens = {}
    with app.app_context():
        for slug in MUNICIPALITIES:
            found = tenant_service.get_by_slug(db.session, slug)
            with tenant_scope(db.session, found.id):
                tokens[slug] = {role: token_service.create(db.session, found, role=role, name=f"reports-{role}",
                                                           days=30, max_days=366, actor=Actor.system("test")).plaintext
                                for role in ("viewer", "jobcoach")}
            db.session.commit()
        db.session.remove()
    yield tokens
    with app.app_context():
        db.session.remove()
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with owner_engine.begin() as conn:
        if owner_engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))


def build(app, slug: str, format_id: str, hooks_wrapper=None):
    """(report, html nl, html en, pdf or None, xlsx or None) through the engine, as the API and CLI call it."""
    as_of, start, _, _ = MUNICIPALITIES[slug]
    with app.app_context():
        found = tenant_service.get_by_slug(db.session, slug)
        hooks = app.extensions["basisbaan.plugins"].for_tenant(found)
        if hooks_wrapper:
            hooks = hooks_wrapper(hooks)
        with tenant_scope(db.session, found.id):
            period = kpi_service.check(db.session, as_of, start, None)
            report = engine.build(db.session, app.extensions["basisbaan.secrets"], SettingsTimeline(db.session, hooks),
                                  hooks, format_id, period, municipality=found.name)
            html = engine.render_html(report, "nl")
            english = engine.render_html(report, "en")
            pdf = engine.render_pdf(report, "nl") if "pdf" in report.format.outputs else None
            xlsx = engine.render_xlsx(report, "nl") if "xlsx" in report.format.outputs else None
        db.session.rollback()
        db.session.remove()
    return report, html, english, pdf, xlsx


def pdf_pages(pdf: bytes) -> int:
    try:
        from pypdf import PdfReader
    except ImportError:  # not a dependency: count the page objects in the (compressed) object streams
        found = pdf
        for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
            try:
                found += zlib.decompress(match.group(1))
            except zlib.error:
                pass
        return len(re.findall(rb"/Type\s*/Page(?![s\w])", found))
    return len(PdfReader(io.BytesIO(pdf)).pages)


def number(value) -> str:
    """A count as the Dutch report writes it."""
    return f"{value:,}".replace(",", ".")


@pytest.mark.parametrize("slug,format_id", CASES)
def test_every_format_of_every_municipality(app, demo, slug, format_id):
    report, html, english, pdf, xlsx = build(app, slug, format_id)
    _, _, _, (day, english_day) = MUNICIPALITIES[slug]
    name = slug.capitalize()
    for document in (html, english):
        assert document.startswith("<!DOCTYPE html>") and "<script" not in document
        assert f"Gemeente {name}" in document and f"– {name}</title>" in document
        assert "@page" in document and "counter(pages)" in document
    assert day in html and 'lang="nl"' in html and english_day in english and 'lang="en"' in english
    # Each chart is an SVG followed by its data table, with a caption and column headers.
    for chart_id in report.charts:
        svg = html.index(f'id="chart-{chart_id}-title"')
        table = html.index(f'id="table-{chart_id}"')
        assert html.rfind("<svg", 0, svg) != -1 and svg < table, chart_id
        assert "<caption>" in html[table:table + 400] and 'scope="col"' in html[table:html.index("</table>", table)]
    for table_id in report.tables:
        assert f'id="table-{table_id}"' in html
    assert html.count("<h1>") == 1
    # The key figures appear: participants on the reference date.
    if "key_figures" in report.tables or "participants_active" in report.values:
        assert f">{number(report.figures['participants_active'])}<" in html or \
               f" {number(report.figures['participants_active'])} " in html
    if report.costs_missing:
        assert "left out" in english
    if pdf is not None:
        assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
        assert pdf_pages(pdf) >= 1
    if xlsx is not None:
        book = openpyxl.load_workbook(io.BytesIO(xlsx))
        assert len(book.worksheets) == len(report.tables) + (1 if report.costs_missing else 0)
        for sheet, table in zip(book.worksheets, report.tables.values()):
            header = [cell.value for cell in sheet[1]]
            assert len(header) == len(table.columns), sheet.title
            assert sheet.max_row == 1 + len(table.rows) + (1 if table.total else 0), sheet.title


def test_groningen_letter_as_the_council_reads_it(app, demo):
    report, html, english, pdf, _ = build(app, "groningen", "groningen-council-letter")
    # The figures of the letter of 8 March 2023 as the demo records give them.
    assert report.figures["participants_active"] == 56 and report.figures["exits_total"] == 4
    assert "Op 1 maart 2023 zijn 56 deelnemers aan het werk" in html
    assert "30,8 uur per week" in html and "7,3%" in html
    for heading in ("Stand van zaken", "Het uitgevoerde werk en de wijken", "De deelnemers", "Uren en verzuim",
                    "De waarde van het werk voor de deelnemers", "De begeleiding", "De financiën", "Vooruitblik"):
        assert f">{heading}</h2>" in html, heading
    for heading in ("State of affairs", "Finances", "Outlook"):
        assert f">{heading}</h2>" in english, heading
    assert "Inkomen" in html and "Income" in english  # the wellbeing domains in the reader's language
    assert "De Hoogte/Indische Buurt" in html  # the largest group of the letter (9)
    # The cost table per participant per year: the period's costs over its participant-years.
    table = report.tables["cost_per_participant_year"]
    assert len(table.rows) == 7  # wages and charges, coaching, training, hosts, total, offsets, net
    years = report.values["participant_years"].raw
    assert 90 < years < 100  # 56 people at the end, 7 at the start, over three years
    net_row = table.rows[-1]
    assert net_row[2] == report.figures["costs"]["net"]
    assert abs(net_row[1] * years - net_row[2]) / net_row[2] < Decimal("0.001")
    assert "Kosten per deelnemer per jaar" in html or "Costs per participant per year" in html
    # Outlook against the target of 250 in 2026.
    assert report.values["target"].raw == 250 and report.values["target_remaining"].raw == 250 - 56
    assert "nog 194 nodig" in html
    # Costs over the period lack the assistance norm before it was published: the text says so.
    assert report.costs_missing and "bijstandsnorm" in html.lower()
    assert pdf_pages(pdf) >= 3


def test_tilburg_and_amersfoort_say_what_their_councils_asked(app, demo):
    tilburg, html, _, _, _ = build(app, "tilburg", "tilburg-pilot-monitor")
    assert "De pilot heeft 5 plaatsen" in html
    assert [row[1].raw for row in tilburg.tables["places"].rows][:2] == [5, 5]
    assert tilburg.tables["host_tasks"].rows and tilburg.values["host_contributions_total"].raw > 0
    assert tilburg.tables["contracts_ending"].total[1] == 5  # the five two-year contracts end in summer 2025
    amersfoort, html, english, _, _ = build(app, "amersfoort", "amersfoort-feasibility")
    assert ">1. Mogelijkheden</h2>" in html and ">2. Voorwaarden</h2>" in html and ">3. Kostenraming</h2>" in html
    assert "CAO Aan de Slag" in html and "Gemeente Amersfoort als werkgever" in html
    assert "Haalbaarheid 20 basisbanen" in html  # the saved scenario of 20 jobs
    years = amersfoort.tables["forecast"].rows
    assert [row[0] for row in years] == ["2026", "2027", "2028"] and years[-1][1] == 20
    assert "3. Cost projection" in english


def test_the_same_data_gives_the_same_bytes(app, demo):
    _, first, first_en, first_pdf, first_xlsx = build(app, "tilburg", "tilburg-pilot-monitor")
    _, second, second_en, second_pdf, second_xlsx = build(app, "tilburg", "tilburg-pilot-monitor")
    assert first == second and first_en == second_en and first_xlsx == second_xlsx
    assert first != first_en


def test_every_value_a_text_may_use_is_computed(app, demo):
    every = ReportFormat("every-value", "Alles", "Everything", "Every value.", ("html",), (
        Section("all", Text("Alles", "All"),
                paragraphs=(Text(" | ".join(f"{name}={{{name}}}" for name in VALUES), "-"),)),))

    class WithFormat:
        def __init__(self, hooks):
            self._hooks = hooks

        def report_formats(self):
            return [[every], *self._hooks.report_formats()]

        def __getattr__(self, name):
            return getattr(self._hooks, name)

    report, html, _, _, _ = build(app, "groningen", "every-value", WithFormat)
    assert set(report.values) == set(VALUES)
    assert "{" not in html.split("<body>", 1)[1].split("<style>")[0]
    assert "participants_active=56" in html and "target=250" in html


# --- the API -----------------------------------------------------------------------------------------------

def url(slug: str, path: str = "") -> str:
    return f"/api/v1/t/{slug}/reports{path}"


def test_api_lists_the_formats(client, demo):
    for slug, (_, _, own, _) in MUNICIPALITIES.items():
        response = client.get(url(slug), headers=auth(demo[slug]["viewer"]))
        assert response.status_code == 200, response.json
        found = {f["id"]: f for f in response.json}
        assert set(found) == {own, "kpi-overview", "data-export"}
        assert found["data-export"]["outputs"] == ["xlsx"] and found[own]["title_nl"] and found[own]["title_en"]


def test_api_renders_html_pdf_and_xlsx(client, demo):
    viewer = auth(demo["tilburg"]["viewer"])
    query = {"as_of": "2024-09-01"}
    html = client.get(url("tilburg", "/tilburg-pilot-monitor"), headers=viewer, query_string=query)
    assert html.status_code == 200 and html.mimetype == "text/html"
    assert "Content-Disposition" not in html.headers
    assert "style-src 'sha256-" in html.headers["Content-Security-Policy"] and "script-src" not in \
        html.headers["Content-Security-Policy"]
    body = html.get_data(as_text=True)
    assert "Gemeente Tilburg" in body and "1 september 2024" in body and "<svg" in body
    again = client.get(url("tilburg", "/tilburg-pilot-monitor"), headers=viewer, query_string=query)
    assert again.get_data() == html.get_data()
    english = client.get(url("tilburg", "/tilburg-pilot-monitor"), headers=viewer, query_string={**query, "lang": "en"})
    assert "September 1, 2024" in english.get_data(as_text=True)
    pdf = client.get(url("tilburg", "/tilburg-pilot-monitor"), headers=viewer, query_string={**query, "output": "pdf"})
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Disposition"] == \
        'attachment; filename="tilburg-pilot-monitor-tilburg-2024-09-01.pdf"'
    xlsx = client.get(url("tilburg", "/data-export"), headers=viewer, query_string=query)  # its only output
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")
    assert xlsx.headers["Content-Disposition"].startswith("attachment;")
    assert "Plaatsen" in [s.title for s in openpyxl.load_workbook(io.BytesIO(xlsx.data)).worksheets]


@pytest.mark.parametrize("path,query,status,field", [
    ("/no-such-format", {"as_of": "2024-09-01"}, 404, "format"),
    ("/groningen-council-letter", {"as_of": "2024-09-01"}, 404, "format"),  # another municipality's format
    ("/kpi-overview", {"as_of": "2024-13-01"}, 422, "as_of"),
    ("/kpi-overview", {}, 422, "as_of"),
    ("/kpi-overview", {"as_of": "2020-01-01"}, 422, "as_of"),  # before the programme started
    ("/kpi-overview", {"as_of": "2024-09-01", "from": "2024-06-01", "to": "2024-01-01"}, 422, "from"),
    ("/kpi-overview", {"as_of": "2024-09-01", "from": "gisteren"}, 422, "from"),
    ("/kpi-overview", {"as_of": "2024-09-01", "to": "2024-02-30"}, 422, "to"),
    ("/data-export", {"as_of": "2024-09-01", "output": "html"}, 422, "output"),
    ("/kpi-overview", {"as_of": "2024-09-01", "output": "docx"}, 422, "output"),
    ("/kpi-overview", {"as_of": "2024-09-01", "lang": "de"}, 422, "lang"),
])
def test_api_names_what_is_wrong(client, demo, path, query, status, field):
    response = client.get(url("tilburg", path), headers=auth(demo["tilburg"]["viewer"]), query_string=query)
    assert response.status_code == status, response.json
    assert field in response.json["errors"], response.json


def test_api_reports_need_the_key_figures_permission(client, demo):
    response = client.get(url("tilburg", "/kpi-overview"), headers=auth(demo["tilburg"]["jobcoach"]),
                          query_string={"as_of": "2024-09-01"})
    assert response.status_code == 403
    # Another municipality's token never sees this one's reports.
    response = client.get(url("tilburg"), headers=auth(demo["groningen"]["viewer"]))
    assert response.status_code == 404


# --- the CLI -----------------------------------------------------------------------------------------------

def test_cli_writes_the_report_to_a_file(app, demo, tmp_path):
    runner = app.test_cli_runner()

    def run(*args):
        return runner.invoke(main, ["report", *args], obj=ScriptInfo(create_app=lambda: app))

    target = tmp_path / "monitor.pdf"
    result = run("--tenant", "tilburg", "--format", "tilburg-pilot-monitor", "--as-of", "2024-09-01",
                 "--output", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF") and "monitor.pdf" in result.output
    sheet = tmp_path / "export.xlsx"
    result = run("--tenant", "amersfoort", "--format", "data-export", "--as-of", "2025-04-01", "--from",
                 "2024-09-01", "--to", "2025-04-02", "--output", str(sheet))
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(sheet).worksheets
    page = tmp_path / "letter.html"
    result = run("--tenant", "groningen", "--format", "groningen-council-letter", "--as-of", "2023-03-01",
                 "--output", str(page), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "State of affairs" in page.read_text(encoding="utf-8")
    # Refused by name: an output the format lacks, an unknown format, an unknown file type.
    result = run("--tenant", "tilburg", "--format", "data-export", "--as-of", "2024-09-01", "--output",
                 str(tmp_path / "x.pdf"))
    assert result.exit_code != 0 and "output" in result.output
    result = run("--tenant", "tilburg", "--format", "nope", "--as-of", "2024-09-01", "--output",
                 str(tmp_path / "x.pdf"))
    assert result.exit_code != 0 and "format" in result.output
    result = run("--tenant", "tilburg", "--format", "kpi-overview", "--as-of", "2024-09-01", "--output",
                 str(tmp_path / "x.docx"))
    assert result.exit_code != 0 and "--output" in result.output
    assert not (tmp_path / "x.pdf").exists()
