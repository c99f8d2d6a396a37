"""The funding pages as finance staff, an admin, a viewer and a job coach use them: funding sources (the
list with its filter, chart and spreadsheet; a new source with errors at the fields; changes with a stale
version; allocations to years, never more than the source has left) and forecast scenarios (a new scenario
with its projection, errors at the parameters, comparing scenarios, the spreadsheet).

Pages are Dutch by default: expected interface texts come from the Dutch catalogue (`dutch`). Rows for the
setting are created through the API and read as the database owner.
"""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import text

from tests.conftest import auth
from tests.employment_helpers import api
from tests.web.conftest import assert_site_page, dutch, field_value, html_of, start_session
from tests.web.test_participant_pages import (body_rows, count, errors_at, field_error, owner_rows, post,
                                              table_with_caption)

T = "/t/groningen"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- helpers (add_funding is also for the page matrix and the cross-tenant tests) -------------------------

def add_funding(client, slug: str, admin_token: str) -> dict:
    """A funding source with an allocation and two saved scenarios of `slug`, through the API."""
    admin = auth(admin_token)
    source = client.post(api(slug, "/funding-sources"), headers=admin, json={
        "name": f"NPG {slug.title()}", "kind": "grant", "funder": "Ministerie van SZW", "amount": "200000",
        "start_on": "2024-01-01", "end_on": "2026-12-31"})
    assert source.status_code == 201, source.json
    allocation = client.post(api(slug, f"/funding-sources/{source.json['id']}/allocations"), headers=admin,
                             json={"year": 2024, "amount": "50000"})
    assert allocation.status_code == 201, allocation.json
    forecasts = []
    for name, growth in ((f"Groei {slug.title()}", 20), (f"Rustig {slug.title()}", 5)):
        made = client.post(api(slug, "/forecasts"), headers=admin, json={
            "name": name, "parameters": {"start_year": 2024, "end_year": 2025, "growth_per_year": growth}})
        assert made.status_code == 201, made.json
        forecasts.append(made.json["id"])
    return {"source_id": source.json["id"], "forecast_id": forecasts[0], "other_forecast_id": forecasts[1]}


def source_form(**overrides) -> dict:
    data = {"name": "NPG 2024", "kind": "grant", "funder": "Ministerie van SZW", "amount": "250000,00",
            "start_on": "2024-01-01", "end_on": "2026-12-31", "conditions": "Alleen voor basisbanen.",
            "earmark": "Loonkosten"}
    data.update(overrides)
    return data


def forecast_form(**overrides) -> dict:
    data = {"name": "Groeiplan Groningen", "description": "Groei naar 250 basisbanen.", "start_year": "2024",
            "end_year": "2026", "current": "", "target": "250", "growth_per_year": "50", "start_month": "1",
            "exit_rate": "", "hours_per_week": "32", "cao": "cao_sw", "household_type": "single",
            "host_contribution_per_year": "", "carry_forward_norms": "y", "employership_cost_per_year": "",
            "coaching_external_first_year": "", "coaching_external_later_years": "",
            "coaching_municipal_per_year": "", "employer_charges_rate": "", "pension_rate": "",
            "default_wage_value_percent": ""}
    data.update({k: v for k, v in overrides.items() if v is not None})
    return {k: v for k, v in data.items() if not (k == "carry_forward_norms" and v == "")}


def euros(text: str) -> Decimal:
    """An amount as the Dutch pages show it (€ 250.000,00 or -€ 1.234,50) as a Decimal."""
    cleaned = re.sub(r"[^\d,\-]", "", text.replace("\u2212", "-"))
    return Decimal(cleaned.replace(",", "."))


def workbook(response):
    assert response.status_code == 200 and response.mimetype == XLSX, (response.status_code, response.mimetype)
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return openpyxl.load_workbook(io.BytesIO(response.data))


def sheet_rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def create_source(client, **overrides) -> str:
    response = post(client, f"{T}/funding/new", source_form(**overrides))
    assert response.status_code == 302, html_of(response).find("main").text
    return response.headers["Location"].rsplit("/", 1)[-1]


def create_forecast(client, **overrides) -> str:
    response = post(client, f"{T}/forecasts/new", forecast_form(**overrides))
    assert response.status_code == 302, html_of(response).find("main").text
    return response.headers["Location"].rsplit("/", 1)[-1]


def assert_accessible(doc, url: str) -> None:
    """One h1, tables with a caption and scoped headers, a label for every control."""
    assert len(doc.find_all("h1")) == 1, url
    for table in doc.find_all("table"):
        assert table.find("caption") is not None, url
        assert all(th.get("scope") in ("col", "row") for th in table.find_all("th")), url
    labels = {label.get("for") for label in doc.find_all("label")}
    for control in doc.find("main").find_all("input") + doc.find("main").find_all("select") + \
            doc.find("main").find_all("textarea"):
        if control.get("type") in ("hidden", "submit"):
            continue
        assert control.get("id") in labels, (url, control.attrs)
    for svg in doc.find_all("svg"):
        assert svg.get("role") == "img" and svg.find("title") is not None, url


# --- fixtures -------------------------------------------------------------------------------------------

@pytest.fixture
def groningen(world, owner_engine):
    """Groningen, starting without funding records (whatever the shared world holds)."""
    with owner_engine.begin() as conn:
        for table in ("funding_allocations", "funding_sources", "forecasts"):
            conn.execute(text(f"DELETE FROM {table}"))
    return world.tenants["groningen"]


@pytest.fixture
def finance(client, world, groningen):
    """Groningen's finance officer, signed in."""
    start_session(client, groningen, world.users[("groningen", "finance")])
    return world.users[("groningen", "finance")]


# --- funding sources ----------------------------------------------------------------------------------------

def test_every_funding_page_renders_accessibly_for_finance(app, client, world, groningen, finance):
    source_id = create_source(client)
    first = create_forecast(client)
    second = create_forecast(client, name="Voorzichtig", growth_per_year="20")
    urls = [f"{T}/funding", f"{T}/funding?kind=grant", f"{T}/funding/new", f"{T}/funding/{source_id}",
            f"{T}/funding/{source_id}/edit", f"{T}/forecasts", f"{T}/forecasts/new", f"{T}/forecasts/{first}",
            f"{T}/forecasts/compare?ids={first}&ids={second}", f"{T}/forecasts/compare"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert_accessible(assert_site_page(response), url)


def test_a_new_source_is_listed_filtered_charted_and_downloaded(app, client, world, groningen, finance,
                                                                owner_engine):
    create_source(client)
    create_source(client, name="Begroting basisbanen", kind="municipal_budget", funder="", amount="1000000",
                  end_on="", conditions="", earmark="")
    row = owner_rows(owner_engine, "SELECT amount, end_on, funder FROM funding_sources WHERE name = 'NPG 2024'")[0]
    assert Decimal(row["amount"]) == Decimal("250000.00") and row["funder"] == "Ministerie van SZW"
    doc = html_of(client.get(f"{T}/funding"))
    table = table_with_caption(doc, dutch("Funding sources: amount, period, allocated and remaining"))
    rows = body_rows(table)
    assert [r[0] for r in rows] == ["Begroting basisbanen", "NPG 2024"]  # by start date, then name
    assert rows[1][1] == dutch("Grant") and rows[0][1] == dutch("Municipal budget")
    assert euros(rows[1][3]) == Decimal("250000") and euros(rows[1][5]) == 0 and euros(rows[1][6]) == 250000
    assert doc.find("svg", class_="chart") is not None  # the chart, followed by the table
    assert doc.find("a", id="new-funding-link") is not None
    # Filtered by kind.
    doc = html_of(client.get(f"{T}/funding?kind=grant"))
    assert [r[0] for r in body_rows(doc.by_id("funding-sources"))] == ["NPG 2024"]
    assert field_value(doc, "kind") == "grant"
    # An unknown kind is no filter.
    assert len(body_rows(html_of(client.get(f"{T}/funding?kind=lottery")).by_id("funding-sources"))) == 2
    # The spreadsheet: every source of the filter, amounts as numbers.
    book = workbook(client.get(f"{T}/funding?kind=grant&format=xlsx"))
    sheet = book.worksheets[0]
    values = sheet_rows(sheet)
    assert values[0][0] == dutch("Name") and sheet["A1"].font.bold
    assert len(values) == 2 and values[1][0] == "NPG 2024" and values[1][3] == 250000
    assert sheet.cell(row=2, column=4).number_format == "#,##0.00"
    assert len(sheet_rows(workbook(client.get(f"{T}/funding?format=xlsx")).worksheets[0])) == 3


@pytest.mark.parametrize("overrides, fields", [
    ({"amount": "-5"}, {"amount"}),
    ({"end_on": "2023-06-30"}, {"end_on"}),
    ({"amount": "-5", "end_on": "2023-06-30"}, {"amount", "end_on"}),
    ({"amount": "200.000"}, {"amount"}),  # a thousands separator is refused, not read as 200
    ({"name": "", "kind": ""}, {"name", "kind"}),
])
def test_a_bad_source_is_named_at_its_fields_and_not_saved(app, client, world, groningen, finance, owner_engine,
                                                           overrides, fields):
    response = post(client, f"{T}/funding/new", source_form(**overrides))
    assert response.status_code == 422
    assert errors_at(html_of(response)) == fields
    assert count(owner_engine, "funding_sources") == 0


def test_a_duplicate_name_is_a_conflict_at_the_name(app, client, world, groningen, finance, owner_engine):
    create_source(client)
    response = post(client, f"{T}/funding/new", source_form(name="npg 2024"))
    assert response.status_code == 409
    doc = html_of(response)
    assert errors_at(doc) == {"name"}
    assert field_error(doc, "name") == dutch("A funding source with this name exists.")
    assert count(owner_engine, "funding_sources") == 1


def test_changing_a_source_and_a_stale_version(app, client, world, groningen, finance, owner_engine):
    source_id = create_source(client)
    url = f"{T}/funding/{source_id}/edit"
    form = html_of(client.get(url))
    read_version = field_value(form, "version")
    assert read_version == "1" and field_value(form, "amount") == "250000" and field_value(form, "kind") == "grant"
    data = {**source_form(amount="300000,50", earmark="Loonkosten en begeleiding"), "version": read_version}
    response = post(client, url, data)
    assert response.status_code == 302 and response.headers["Location"] == f"{T}/funding/{source_id}"
    row = owner_rows(owner_engine, "SELECT amount, earmark, version FROM funding_sources")[0]
    assert Decimal(row["amount"]) == Decimal("300000.50") and row["version"] == 2
    assert field_value(html_of(client.get(url)), "amount") == "300000,50"
    # The same form again (someone else saved in between): a clear conflict, nothing saved.
    response = post(client, url, {**data, "amount": "100"})
    assert response.status_code == 409
    doc = html_of(response)
    assert dutch("Someone else changed this in the meantime. Reload the page to see the current state, then "
                 "make your change again.") in doc.by_id("error-summary").text
    assert doc.find("a", href=url) is not None  # reload
    assert field_value(doc, "amount") == "100"  # what was typed stays
    assert Decimal(owner_rows(owner_engine, "SELECT amount FROM funding_sources")[0]["amount"]) == Decimal("300000.50")
    # A tampered version is refused the same way.
    assert post(client, url, {**data, "version": "x"}).status_code == 409


def test_allocating_lowers_what_is_left_and_never_goes_beyond_it(app, client, world, groningen, finance,
                                                                 owner_engine):
    source_id = create_source(client, amount="100000")
    page_url = f"{T}/funding/{source_id}"
    doc = html_of(client.get(page_url))
    assert euros(doc.by_id("remaining").text) == Decimal("100000")
    allocate = f"{page_url}/allocations"
    response = post(client, allocate, {"year": "2024", "amount": "60000,50", "note": "Eerste jaar"},
                    token_from=page_url)
    assert response.status_code == 302 and response.headers["Location"] == f"{page_url}#allocations"
    doc = html_of(client.get(page_url))
    assert euros(doc.by_id("allocated").text) == Decimal("60000.50")
    assert euros(doc.by_id("remaining").text) == Decimal("39999.50")
    per_year = body_rows(table_with_caption(doc, dutch("Allocated to each year")))
    assert per_year[0][0] == "2024" and euros(per_year[0][1]) == Decimal("60000.50")
    listed = body_rows(html_of(client.get(f"{T}/funding")).by_id("funding-sources"))
    assert euros(listed[0][6]) == Decimal("39999.50")
    # More than is left: the error at the amount, on the source's page, and no row.
    response = post(client, allocate, {"year": "2025", "amount": "40000", "note": ""}, token_from=page_url)
    assert response.status_code == 422
    doc = html_of(response)
    assert errors_at(doc) == {"amount"}
    assert doc.find("h1").text == "NPG 2024" and field_value(doc, "amount") == "40000"
    assert count(owner_engine, "funding_allocations") == 1
    # A year outside the source's period is named at the year.
    response = post(client, allocate, {"year": "2030", "amount": "10"}, token_from=page_url)
    assert response.status_code == 422 and errors_at(html_of(response)) == {"year"}
    assert count(owner_engine, "funding_allocations") == 1
    # The source cannot shrink below what it has allocated.
    edit = f"{page_url}/edit"
    response = post(client, edit, {**source_form(amount="50000"), "version": field_value(html_of(client.get(edit)),
                                                                                          "version")})
    assert response.status_code == 422 and errors_at(html_of(response)) == {"amount"}


def test_a_viewer_reads_the_funding_but_cannot_add_to_it(app, client, world, groningen, owner_engine, make_token):
    admin = auth(make_token(groningen, "admin"))
    made = client.post(api("groningen", "/funding-sources"), headers=admin, json={
        "name": "JTF", "kind": "grant", "amount": "5000", "start_on": "2024-01-01"})
    assert made.status_code == 201, made.json
    start_session(client, groningen, world.users[("groningen", "viewer")])
    doc = html_of(client.get(f"{T}/funding"))
    assert [r[0] for r in body_rows(doc.by_id("funding-sources"))] == ["JTF"]
    assert doc.find("a", id="new-funding-link") is None
    assert client.get(f"{T}/funding/new").status_code == 403
    detail = html_of(client.get(f"{T}/funding/{made.json['id']}"))
    assert detail.find("form", action=f"{T}/funding/{made.json['id']}/allocations") is None
    assert detail.find("a", id="edit-funding-link") is None
    assert client.get(f"{T}/funding/{made.json['id']}/edit").status_code == 403


# --- forecasts ------------------------------------------------------------------------------------------

def projection(doc) -> list[list[str]]:
    return body_rows(table_with_caption(doc, dutch("Projection per year: participants, costs, funding and the gap")))


def test_groningens_growth_plan_is_projected_per_year(app, client, world, groningen, finance, owner_engine):
    assert field_value(html_of(client.get(f"{T}/forecasts/new")), "household_type") == "single"
    forecast_id = create_forecast(client)
    stored = owner_rows(owner_engine, "SELECT name, parameters, created_by FROM forecasts")
    assert len(stored) == 1 and stored[0]["name"] == "Groeiplan Groningen"
    url = f"{T}/forecasts/{forecast_id}"
    doc = html_of(client.get(url))
    rows = projection(doc)
    assert [r[0] for r in rows] == ["2024", "2025", "2026"]
    # Nobody works yet: 50 start each year, towards the target of 250.
    assert [r[1] for r in rows] == ["0", "50", "100"]
    assert [r[2] for r in rows] == ["50", "50", "50"]
    assert [r[4] for r in rows] == ["50", "100", "150"]
    nets = [euros(r[7]) for r in rows]
    assert all(net > 0 for net in nets) and nets[0] < nets[1] < nets[2]
    assert doc.find("svg", class_="chart") is not None
    # The parameters as saved.
    assert "2024–2026" in doc.find("dl").text and dutch("CAO SW") in doc.find("dl").text
    # On the list, with its years and target.
    listed = body_rows(table_with_caption(html_of(client.get(f"{T}/forecasts")), dutch("Saved scenarios")))
    assert listed[0][1:4] == ["Groeiplan Groningen", "2024–2026", "250"]
    # The spreadsheet has the same figures, the money as numbers.
    values = sheet_rows(workbook(client.get(f"{url}?format=xlsx")).worksheets[0])
    assert [v[0] for v in values[1:]] == [2024, 2025, 2026]
    assert [v[4] for v in values[1:]] == [50, 100, 150]
    assert [Decimal(str(v[7])) for v in values[1:]] == [n.quantize(Decimal("0.01")) for n in nets]


def test_years_past_the_published_parameters_are_flagged(app, client, world, groningen, finance):
    """Without carrying the assistance norm forward, years after the last published one lack it (named);
    with it, they are provisional instead."""
    strict = create_forecast(client, name="Ver vooruit", start_year="2035", end_year="2036", carry_forward_norms="")
    doc = html_of(client.get(f"{T}/forecasts/{strict}"))
    alert = doc.by_id("missing-parameters")
    assert alert is not None and dutch("social-assistance norm") in alert.text
    remarks = [r[-1] for r in projection(doc)]
    assert all(dutch("social-assistance norm") in remark for remark in remarks)
    carried = create_forecast(client, name="Ver vooruit, aangenomen", start_year="2035", end_year="2036")
    doc = html_of(client.get(f"{T}/forecasts/{carried}"))
    assert doc.by_id("missing-parameters") is None
    assert "2035, 2036" in doc.by_id("provisional-years").text
    assert [r[-1] for r in projection(doc)] == [dutch("Provisional")] * 2


def test_a_target_below_the_current_number_is_named_at_the_target(app, client, world, groningen, finance,
                                                                  owner_engine):
    response = post(client, f"{T}/forecasts/new", forecast_form(current="100", target="50"))
    assert response.status_code == 422
    doc = html_of(response)
    assert errors_at(doc) == {"target"}
    assert field_error(doc, "target") == dutch("Below the current number of participants (%(count)s).") % {
        "count": 100}
    assert count(owner_engine, "forecasts") == 0
    # Years in the wrong order, and a percentage above 100, are named too.
    response = post(client, f"{T}/forecasts/new", forecast_form(end_year="2023", exit_rate="120"))
    assert response.status_code == 422 and errors_at(html_of(response)) == {"exit_rate"}
    response = post(client, f"{T}/forecasts/new", forecast_form(end_year="2023"))
    assert response.status_code == 422 and errors_at(html_of(response)) == {"end_year"}
    assert count(owner_engine, "forecasts") == 0


def test_the_exit_rate_and_cost_parameters_are_stored_as_the_service_reads_them(app, client, world, groningen,
                                                                                 finance, owner_engine):
    create_forecast(client, exit_rate="10", employer_charges_rate="21,5", pension_rate="7,85",
                    employership_cost_per_year="1500", default_wage_value_percent="40", current="20", target="",
                    carry_forward_norms="")
    parameters = owner_rows(owner_engine, "SELECT parameters FROM forecasts")[0]["parameters"]
    if isinstance(parameters, str):  # SQLite gives the JSON as text
        parameters = json.loads(parameters)
    assert Decimal(parameters["exit_rate"]) == Decimal("0.1")
    assert Decimal(parameters["employer_charges_rate"]) == Decimal("0.215")
    assert Decimal(parameters["pension_rate"]) == Decimal("0.0785")
    assert Decimal(parameters["employership_cost_per_year"]) == 1500
    assert Decimal(parameters["default_wage_value_percent"]) == 40
    assert parameters["current"] == 20 and parameters["target"] is None and parameters["carry_forward_norms"] is False


def test_comparing_scenarios_side_by_side(app, client, world, groningen, finance):
    fast = create_forecast(client)
    slow = create_forecast(client, name="Voorzichtig", growth_per_year="20", end_year="2025")
    url = f"{T}/forecasts/compare?ids={fast}&ids={slow}"
    doc = html_of(client.get(url))
    table = table_with_caption(doc, dutch("Net costs and participants at year end per scenario"))
    headers = [th.text for th in table.find("thead").find_all("th")]
    assert headers[1].startswith("Groeiplan Groningen") and headers[3].startswith("Voorzichtig")
    rows = body_rows(table)
    assert [r[0] for r in rows] == ["2024", "2025", "2026"]
    assert [r[2] for r in rows] == ["50", "100", "150"] and [r[4] for r in rows[:2]] == ["20", "40"]
    assert rows[2][3] == dutch("no data")  # the careful plan ends in 2025
    assert euros(rows[0][1]) > euros(rows[0][3]) > 0
    assert doc.find("svg", class_="chart") is not None
    values = sheet_rows(workbook(client.get(url + "&format=xlsx")).worksheets[0])
    assert values[1][0] == 2024 and values[1][2] == 50 and values[1][4] == 20 and values[3][3] is None
    # Fewer than two: a message; an unknown or malformed id: 404.
    one = html_of(client.get(f"{T}/forecasts/compare?ids={fast}"))
    assert one.by_id("compare-message") is not None and one.find("table") is None
    assert client.get(f"{T}/forecasts/compare?ids={fast}&ids=00000000-0000-0000-0000-000000000000").status_code == 404
    assert client.get(f"{T}/forecasts/compare?ids={fast}&ids=nonsense").status_code == 404
    # The list's checkboxes send the ids to the compare page.
    listed = html_of(client.get(f"{T}/forecasts"))
    form = listed.by_id("compare-form")
    assert form.get("action") == f"{T}/forecasts/compare" and form.get("method") == "get"
    assert {i.get("value") for i in form.find_all("input", name="ids")} == {fast, slow}


def test_who_may_see_and_make_scenarios(app, client, world, groningen, finance):
    forecast_id = create_forecast(client)
    start_session(client, groningen, world.users[("groningen", "jobcoach")])
    for url in (f"{T}/forecasts", f"{T}/forecasts/{forecast_id}", f"{T}/forecasts/new", f"{T}/funding"):
        assert client.get(url).status_code == 403, url
    start_session(client, groningen, world.users[("groningen", "coach")])
    doc = html_of(client.get(f"{T}/forecasts"))
    assert doc.find("a", id="new-forecast-link") is None
    assert client.get(f"{T}/forecasts/{forecast_id}").status_code == 200
    assert client.get(f"{T}/forecasts/new").status_code == 403
