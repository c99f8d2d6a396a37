"""The financing pages as finance, a coach and the roles without access use them: a participant's cost card
(every line with how it was computed, the totals, the notices, the audited view, the spreadsheet), recording a
wage value, the programme costs grouped by year and by employer (table, total row, chart, spreadsheet), and the
budget versus actual per year.

The participant is the one of Groningen's published cost table (tests/integration/test_published_costs.py):
32 hours under CAO SW from 2023, coached by a coaching organisation and a municipal coach, on a task whose
host contributes 100 a year, single; made through the API. Pages are Dutch by default (`dutch`).
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import text

from basisbaan.web.xlsx import MIMETYPE
from tests.conftest import auth
from tests.employment_helpers import api, employer, published_example, start, started_candidate
from tests.web.conftest import assert_site_page, dutch, dutch_plural, html_of, start_session
from tests.web.test_participant_pages import body_rows, count, errors_at, field_error, owner_rows, post

T = "/t/groningen"
YEAR_2023 = {"from": "2023-01-01", "to": "2023-12-31"}
CENT = Decimal("0.01")


def nl_money(amount: Decimal) -> str:
    """An amount as the Dutch pages show it: € 23.488,12 (a narrow space may follow the sign)."""
    whole, cents = f"{abs(amount.quantize(CENT)):,.2f}".split(".")
    return f"{'-' if amount < 0 else ''}{whole.replace(',', '.')},{cents}"


def amount_of(text: str) -> Decimal:
    """The Decimal in a shown amount ("€ -1.234,50" -> -1234.50)."""
    digits = "".join(c for c in text if c.isdigit() or c in ",-")
    return Decimal(digits.replace(",", "."))


@pytest.fixture
def groningen(world, owner_engine):
    """Groningen without the funding records the shared world holds (the budget tests allocate their own)."""
    with owner_engine.begin() as conn:
        for table in ("funding_allocations", "funding_sources", "forecasts"):
            conn.execute(text(f"DELETE FROM {table}"))
    return world.tenants["groningen"]


@pytest.fixture
def tokens(make_token, groningen):
    return {role: make_token(groningen, role) for role in ("coach", "admin", "finance")}


@pytest.fixture
def participant(app, client, world, groningen, tokens) -> dict:
    """Groningen's published example, through the API (as in tests/integration/test_published_costs.py)."""
    made = published_example(client, auth(tokens["coach"]), auth(tokens["admin"]))
    return {"id": made["id"], "name": f"{made['given_names']} {made['family_name']}", "employer": "Thermiek BV"}


def sign_in_as(client, world, groningen, role: str):
    start_session(client, groningen, world.users[("groningen", role)])
    return world.users[("groningen", role)]


def api_costs(client, tokens, participant_id: str, start: str, end: str) -> dict:
    response = client.get(api("groningen", f"/participants/{participant_id}/costs"),
                          headers=auth(tokens["finance"]), query_string={"from": start, "to": end})
    assert response.status_code == 200, response.json
    return response.json


def card_url(participant: dict) -> str:
    return f"{T}/participants/{participant['id']}/costs"


def totals_on_page(doc) -> dict[str, Decimal]:
    return {key: amount_of(doc.by_id(f"total-{key}").text) for key in ("costs", "contributions", "gross",
                                                                        "offsets", "net")}


# --- the cost card -------------------------------------------------------------------------------------------

def test_the_cost_card_shows_every_line_with_how_it_was_computed(client, owner_engine, world, groningen, tokens,
                                                                 participant):
    user = sign_in_as(client, world, groningen, "finance")
    response = client.get(card_url(participant), query_string=YEAR_2023)
    assert response.status_code == 200
    doc = assert_site_page(response)
    main = doc.find("main")
    assert main.find("h1").text == dutch("Costs of %(name)s") % {"name": participant["name"]}
    table = main.by_id("cost-lines")
    assert table.find("caption") is not None
    assert all(th.get("scope") == "col" for th in table.find("thead").find_all("th"))
    # A group of rows per line, in words, with its amount; under it the stretches it was computed over.
    expected = api_costs(client, tokens, participant["id"], "2023-01-01", "2024-01-01")
    api_lines = {line["code"]: line for line in expected["lines"]}
    labels = {"wages": "Wages", "employer_charges": "Employer charges and pension", "employership": "Employership",
              "coaching_external": "Coaching by the coaching organisation", "coaching_municipal": "Municipal coach",
              "training": "Training", "host_contribution": "Host contribution",
              "wage_cost_subsidy": "Wage-cost subsidy", "assistance_saved": "Social assistance no longer paid"}
    for code, label in labels.items():
        group = table.by_id(f"line-{code}")
        assert group is not None, code
        head = group.find("tr", class_="cost-line")
        assert head.find("th").get("scope") == "rowgroup" and head.find("th").text.startswith(dutch(label))
        assert amount_of(head.find("td").text) == Decimal(api_lines[code]["amount"]), code
        assert len(group.find_all("tr", class_="cost-basis")) == len(api_lines[code]["bases"]), code
    # Wages: 12,40 then 12,79 an hour for 32 hours, by the CAO SW's minimum wage (Dutch formatting).
    wages = [[cell.text for cell in row.find_all("td")]
             for row in table.by_id("line-wages").find_all("tr", class_="cost-basis")]
    assert [row[1] for row in wages] == ["181", "184"]
    assert "12,40" in wages[0][2] and "12,79" in wages[1][2]
    assert [row[3] for row in wages] == ["32", "32"]
    assert all("CAO SW" in row[4] and dutch("minimum wage") in row[4] for row in wages)
    [external] = [[cell.text for cell in row.find_all("td")]
                  for row in table.by_id("line-coaching_external").find_all("tr", class_="cost-basis")]
    assert external[1] == "365" and "4.000,00" in external[2]
    assert external[4] == dutch("Municipal setting: %(setting)s") % {
        "setting": dutch("coaching organisation's fee in the first year")}
    [host] = table.by_id("line-host_contribution").find_all("tr", class_="cost-basis")
    assert "Buurtcentrum beheren" in host.text and "-100,00" in host.text
    assistance = table.by_id("line-assistance_saved").text
    assert "1.195,66" in assistance and "1.216,62" in assistance
    # The totals are the sums of the lines as shown (rounded to cents): the table adds up to the cent, and
    # differs from the unrounded totals of the API by rounding only.
    shown = totals_on_page(doc)
    lines = {code: amount_of(table.by_id(f"line-{code}").find("tr", class_="cost-line").find("td").text)
             for code in labels}
    assert shown["costs"] == sum(lines[c] for c in ("wages", "employer_charges", "employership",
                                                    "coaching_external", "coaching_municipal", "training"))
    assert shown["contributions"] == lines["host_contribution"]
    assert shown["offsets"] == lines["wage_cost_subsidy"] + lines["assistance_saved"]
    assert shown["gross"] == shown["costs"] + shown["contributions"]
    assert shown["net"] == shown["gross"] + shown["offsets"]
    assert all(abs(shown[key] - Decimal(expected["totals"][key])) <= Decimal("0.05") for key in shown)
    assert doc.by_id("cost-notices") is None  # everything published for 2023
    # No wage value yet; finance may not record one.
    assert main.by_id("wage-value-list") is None and main.by_id("record-wage-value") is None
    # The view is audited, as the signed-in user.
    viewed = owner_rows(owner_engine, "SELECT * FROM audit_events WHERE action = 'participant.viewed' "
                                      "AND actor_type = 'user'")
    assert [(v["entity_id"], v["actor_id"]) for v in viewed] == [(str(participant["id"]), str(user))]


def test_the_cost_card_defaults_to_the_current_calendar_year(client, world, groningen, participant):
    sign_in_as(client, world, groningen, "coach")
    response = client.get(card_url(participant))
    assert response.status_code == 200
    doc = html_of(response)
    this_year = date.today().year
    assert doc.by_id("from").get("value") == f"{this_year}-01-01"
    assert doc.by_id("to").get("value") == f"{this_year}-12-31"
    caption = doc.by_id("cost-lines").find("caption").text
    assert str(this_year) in caption and "31" in caption
    assert f"from={this_year}-01-01" in doc.by_id("download-xlsx").get("href")


def test_missing_parameters_are_listed(client, world, groningen, tokens, participant):
    """A permanent contract runs into 2026, where the social-assistance norm is not published here."""
    coach = auth(tokens["coach"])
    candidate = started_candidate(client, coach, "groningen", household_type="single")
    employer_id = employer(client, auth(tokens["admin"]), "groningen")
    made = start(client, coach, "groningen", candidate, employer_id, started_on="2025-01-01", kind="permanent",
                 end_on=None, hours_per_week="32", cao="cao_sw")
    expected = api_costs(client, tokens, made["id"], "2025-12-01", "2026-02-01")
    assert expected["missing"], expected  # the service reports it: the page must show it
    sign_in_as(client, world, groningen, "finance")
    doc = html_of(client.get(f"{T}/participants/{made['id']}/costs",
                             query_string={"from": "2025-12-01", "to": "2026-01-31"}))
    notices = doc.by_id("cost-notices")
    assert notices is not None and notices.get("role") == "note"
    items = notices.find_all("li", class_="cost-notice-missing")
    assert len(items) == len(expected["missing"])
    assert any(dutch("social-assistance norm") in item.text for item in items)
    assert any("2026" in item.text for item in items)
    if expected["provisional_from"]:
        assert doc.by_id("cost-notice-provisional") is not None


def test_the_cost_card_downloads_as_a_spreadsheet_with_the_same_totals(client, world, groningen, tokens,
                                                                       participant):
    sign_in_as(client, world, groningen, "finance")
    doc = html_of(client.get(card_url(participant), query_string=YEAR_2023))
    link = doc.by_id("download-xlsx").get("href")
    assert "format=xlsx" in link and "from=2023-01-01" in link and "to=2023-12-31" in link
    response = client.get(link)
    assert response.status_code == 200 and response.mimetype == MIMETYPE
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="costs-participant-2023-01-01-2023-12-31.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    costs_sheet, bases_sheet = workbook.worksheets
    rows = {row[0]: row[1] for row in costs_sheet.iter_rows(min_row=2, values_only=True)}
    shown = totals_on_page(doc)
    for key, label in (("costs", "Costs"), ("contributions", "Host contributions"), ("gross", "Gross costs"),
                       ("offsets", "Offsets"), ("net", "Net costs")):
        assert isinstance(rows[dutch(label)], (int, float)), key
        assert Decimal(str(rows[dutch(label)])) == shown[key], key
    assert costs_sheet["B2"].number_format == "#,##0.00" and costs_sheet["A1"].font.b
    bases = list(bases_sheet.iter_rows(min_row=2, values_only=True))
    wages = [row for row in bases if row[0] == dutch("Wages")]
    assert [(row[1].date(), row[2].date(), row[3], Decimal(str(row[4]))) for row in wages] == [
        (date(2023, 1, 1), date(2023, 6, 30), 181, Decimal("12.40")),
        (date(2023, 7, 1), date(2023, 12, 31), 184, Decimal("12.79"))]


@pytest.mark.parametrize(("role", "status"), [("jobcoach", 403), ("viewer", 403), ("admin", 403),
                                              ("finance", 200), ("coach", 200)])
def test_who_may_see_a_cost_card(client, world, groningen, participant, role, status):
    sign_in_as(client, world, groningen, role)
    assert client.get(card_url(participant)).status_code == status
    assert client.get(card_url(participant), query_string={"format": "xlsx"}).status_code == status


def test_a_bad_period_is_an_error_on_the_page(client, world, groningen, participant):
    sign_in_as(client, world, groningen, "finance")
    response = client.get(card_url(participant), query_string={"from": "2023-12-31", "to": "2023-01-01"})
    assert response.status_code == 422
    doc = html_of(response)
    assert doc.by_id("period-error").text == dutch("The last day must not be before the first day.")
    assert doc.by_id("cost-lines") is None
    response = client.get(card_url(participant), query_string={"from": "gisteren", "format": "xlsx"})
    assert response.status_code == 422 and response.mimetype == "text/html"
    # A single day is a period.
    assert client.get(card_url(participant), query_string={"from": "2023-03-01", "to": "2023-03-01"}).status_code == 200


def test_another_municipalitys_participant_is_not_found(client, world, participant):
    start_session(client, world.tenants["tilburg"], world.users[("tilburg", "finance")])
    assert client.get(f"/t/tilburg/participants/{participant['id']}/costs").status_code == 404


# --- wage values ---------------------------------------------------------------------------------------------

def test_a_coach_records_a_wage_value(client, owner_engine, world, groningen, tokens, participant):
    sign_in_as(client, world, groningen, "coach")
    doc = html_of(client.get(card_url(participant), query_string={"from": "2024-01-01", "to": "2024-12-31"}))
    new = doc.by_id("record-wage-value").get("href")
    assert new == f"{T}/participants/{participant['id']}/wage-values/new"
    page = client.get(new)
    assert page.status_code == 200
    form = html_of(page)
    for ident in ("assessed_on", "wage_value_percent", "assessor"):
        assert form.find("label", **{"for": ident}) is not None
    # 150% is not a wage value: the message at the field, and nothing saved.
    bad = post(client, new, {"assessed_on": "2024-01-01", "wage_value_percent": "150", "assessor": "UWV"})
    assert bad.status_code == 422
    doc = html_of(bad)
    assert errors_at(doc) == {"wage_value_percent"}
    assert field_error(doc, "wage_value_percent") == dutch("From 0 to 100.")
    assert count(owner_engine, "wage_value_assessments") == 0
    # Form errors too: not a number, no assessor.
    bad = post(client, new, {"assessed_on": "2024-01-01", "wage_value_percent": "veel", "assessor": ""})
    assert bad.status_code == 422 and errors_at(html_of(bad)) == {"wage_value_percent", "assessor"}
    assert count(owner_engine, "wage_value_assessments") == 0
    # A decimal comma is fine.
    saved = post(client, new, {"assessed_on": "2024-01-01", "wage_value_percent": "52,5", "assessor": "UWV"})
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith(f"/participants/{participant['id']}/costs#wage-values")
    [row] = owner_rows(owner_engine, "SELECT * FROM wage_value_assessments")
    assert (str(row["assessed_on"]), Decimal(str(row["wage_value_percent"])), row["assessor"]) == \
        ("2024-01-01", Decimal("52.5"), "UWV")
    # The cost card lists it, and the wage-cost subsidy follows from it.
    doc = html_of(client.get(card_url(participant), query_string={"from": "2024-01-01", "to": "2024-12-31"}))
    assert body_rows(doc.by_id("wage-value-list")) == [["1 jan 2024", "52,5%", "UWV"]]
    subsidy = doc.by_id("line-wage_cost_subsidy")
    assert amount_of(subsidy.find("tr", class_="cost-line").find("td").text) < 0
    assert dutch("Wage value assessed on %(day)s") % {"day": "1 jan 2024"} in subsidy.text


@pytest.mark.parametrize("role", ["finance", "jobcoach", "viewer", "admin"])
def test_only_coaches_record_wage_values(client, owner_engine, world, groningen, participant, role):
    sign_in_as(client, world, groningen, role)
    path = f"{T}/participants/{participant['id']}/wage-values/new"
    assert client.get(path).status_code == 403
    assert post(client, path, {"assessed_on": "2024-01-01", "wage_value_percent": "50", "assessor": "UWV"},
                token_from=f"{T}/").status_code == 403
    assert count(owner_engine, "wage_value_assessments") == 0


# --- programme costs -----------------------------------------------------------------------------------------

def test_a_viewer_gets_no_group_small_enough_to_reveal_a_person(client, world, groningen, tokens, participant):
    """One participant: per year each group would be that person's costs. A viewer sees the total only."""
    sign_in_as(client, world, groningen, "viewer")
    response = client.get(f"{T}/costs", query_string={"from": "2023-01-01", "to": "2025-12-31"})
    assert response.status_code == 200
    doc = assert_site_page(response)
    assert doc.by_id("suppressed") is not None
    assert [row[0] for row in body_rows(doc.by_id("programme-costs"))] == [dutch("No costs in this period.")]
    assert doc.by_id("costs-total") is None or doc.by_id("costs-total").find_all("td")


def test_programme_costs_per_year(client, world, groningen, tokens, participant):
    sign_in_as(client, world, groningen, "finance")
    response = client.get(f"{T}/costs", query_string={"from": "2023-01-01", "to": "2025-12-31"})
    assert response.status_code == 200
    doc = assert_site_page(response)
    assert doc.by_id("group_by").find("option", selected="") is not None
    table = doc.by_id("programme-costs")
    headers = [th.text for th in table.find("thead").find_all("th")]
    assert headers[0] == dutch("Year") and headers[-3:] == [dutch("Gross costs"), dutch("Offsets"), dutch("Net costs")]
    rows = body_rows(table)
    assert [row[0] for row in rows] == ["2023", "2024", "2025"]
    total = [cell.text for cell in doc.by_id("costs-total").find_all("td")]
    for column in range(1, len(headers)):
        assert sum(amount_of(row[column]) for row in rows) == amount_of(total[column - 1]), headers[column]
    # The year column agrees with the participant's cost card (the only participant of the programme).
    card = api_costs(client, tokens, participant["id"], "2023-01-01", "2024-01-01")
    assert abs(amount_of(rows[0][-1]) - Decimal(card["totals"]["net"])) <= Decimal("0.05")
    assert abs(amount_of(rows[0][-3]) - Decimal(card["totals"]["gross"])) <= Decimal("0.05")
    # No personal details.
    assert participant["name"] not in doc.text
    # The chart: gross, offsets as positive amounts and net per year; its table follows it.
    svg = doc.find("figure", id="costs-figure").find("svg")
    assert svg.get("role") == "img"
    assert dutch("Offsets (as a positive amount)") in svg.text
    assert [t for t in ("2023", "2024", "2025") if t in svg.text] == ["2023", "2024", "2025"]


def test_programme_costs_per_employer_and_as_a_spreadsheet(client, world, groningen, tokens, participant):
    coach, admin = auth(tokens["coach"]), auth(tokens["admin"])
    other = employer(client, admin, "groningen", "Stadswerk NV")
    start(client, coach, "groningen", started_candidate(client, coach, "groningen", household_type="single"), other,
          started_on="2023-07-01", kind="temporary", end_on="2023-12-31", hours_per_week="24", cao="cao_sw")
    sign_in_as(client, world, groningen, "finance")
    query = {**YEAR_2023, "group_by": "employer"}
    doc = html_of(client.get(f"{T}/costs", query_string=query))
    table = doc.by_id("programme-costs")
    assert table.find("thead").find("th").text == dutch("Employer")
    rows = body_rows(table)
    assert sorted(row[0] for row in rows) == ["Stadswerk NV", "Thermiek BV"]
    total = [cell.text for cell in doc.by_id("costs-total").find_all("td")]
    for column in range(1, len(rows[0])):
        assert sum(amount_of(row[column]) for row in rows) == amount_of(total[column - 1])
    assert dutch_plural("%(num)d participant in the period.", "%(num)d participants in the period.", 2) in doc.text
    # The spreadsheet: the same groups, every line separately, the same totals as numbers.
    response = client.get(doc.by_id("download-xlsx").get("href"))
    assert response.status_code == 200 and response.mimetype == MIMETYPE
    assert "programme-costs-employer-2023-01-01-2023-12-31.xlsx" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[0] == dutch("Employer") and dutch("Net costs") in header and dutch("Wages") in header
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert sorted(row[0] for row in values[:-1]) == ["Stadswerk NV", "Thermiek BV"]
    assert values[-1][0] == dutch("Total")
    net = header.index(dutch("Net costs"))
    assert Decimal(str(values[-1][net])) == amount_of(total[-1])
    assert Decimal(str(values[-1][net])) == sum(Decimal(str(row[net])) for row in values[:-1])


def test_programme_costs_with_a_bad_choice(client, world, groningen, participant):
    sign_in_as(client, world, groningen, "admin")
    response = client.get(f"{T}/costs", query_string={"group_by": "person"})
    assert response.status_code == 422 and dutch("Choose a grouping from the list.") in html_of(response).text
    response = client.get(f"{T}/costs", query_string={"from": "2024-01-01", "to": "2023-01-01"})
    assert response.status_code == 422 and html_of(response).by_id("programme-costs") is None
    for group_by in ("month", "cao", "neighbourhood"):
        assert client.get(f"{T}/costs", query_string={**YEAR_2023, "group_by": group_by}).status_code == 200
    sign_in_as(client, world, groningen, "finance")  # sees a person's costs: no group left out
    rows = body_rows(html_of(client.get(f"{T}/costs", query_string={**YEAR_2023, "group_by": "month"}))
                     .by_id("programme-costs"))
    assert len(rows) == 12 and rows[0][0] == "januari 2023"
    sign_in_as(client, world, groningen, "jobcoach")
    assert client.get(f"{T}/costs").status_code == 403


# --- budget versus actual ------------------------------------------------------------------------------------

def test_budget_versus_actual(client, world, groningen, tokens, participant):
    finance = auth(tokens["finance"])
    source = client.post(api("groningen", "/funding-sources"), headers=finance, json={
        "name": "Gemeentebegroting", "kind": "municipal_budget", "amount": "100000", "start_on": "2023-01-01",
        "end_on": "2025-12-31"})
    assert source.status_code == 201, source.json
    for year, amount in ((2023, "10000"), (2024, "25000")):
        allocated = client.post(api("groningen", f"/funding-sources/{source.json['id']}/allocations"),
                                headers=finance, json={"year": year, "amount": amount})
        assert allocated.status_code == 201, allocated.json
    grant = client.post(api("groningen", "/funding-sources"), headers=finance, json={
        "name": "NPG", "kind": "grant", "amount": "5000", "start_on": "2023-01-01"})
    assert grant.status_code == 201, grant.json
    assert client.post(api("groningen", f"/funding-sources/{grant.json['id']}/allocations"), headers=finance,
                       json={"year": 2023, "amount": "5000"}).status_code == 201
    expected = client.get(api("groningen", "/budget"), headers=finance,
                          query_string={"from_year": 2023, "to_year": 2024}).json
    sign_in_as(client, world, groningen, "viewer")
    response = client.get(f"{T}/budget", query_string={"from_year": "2023", "to_year": "2024"})
    assert response.status_code == 200
    doc = assert_site_page(response)
    rows = body_rows(doc.by_id("budget-years"))
    assert [row[0] for row in rows] == ["2023", "2024"]
    for row, year in zip(rows, expected["years"], strict=True):
        assert amount_of(row[1]) == Decimal(year["budget"]) == sum(Decimal(v) for v in year["by_source"].values())
        assert abs(amount_of(row[2]) - Decimal(year["actual"]["gross"])) <= Decimal("0.05")
        assert abs(amount_of(row[4]) - Decimal(year["actual"]["net"])) <= Decimal("0.05")
        assert amount_of(row[5].split("(")[0]) == amount_of(row[4]) - amount_of(row[1])  # the gap
    assert amount_of(rows[0][1]) == Decimal(15000) and amount_of(rows[1][1]) == Decimal(25000)
    # 2023 (net about 18,800) costs more than its budget: money short; 2024 less: money left.
    assert Decimal(expected["years"][0]["gap"]) > 0 and rows[0][5].endswith(f"({dutch('short')})")
    assert Decimal(expected["years"][1]["gap"]) < 0 and rows[1][5].endswith(f"({dutch('left')})")
    # Per source.
    sources = body_rows(doc.by_id("budget-sources"))
    assert [[row[0]] + [amount_of(cell) for cell in row[1:]] for row in sources] == [
        ["Gemeentebegroting", Decimal(10000), Decimal(25000)], ["NPG", Decimal(5000), Decimal(0)]]
    assert nl_money(Decimal(10000)) in sources[0][1]
    # The chart: budget and actual net per year.
    svg = doc.find("figure", id="budget-figure").find("svg")
    assert dutch("Budget") in svg.text and dutch("Actual net costs") in svg.text
    # The spreadsheet has the same figures as numbers.
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(doc.by_id("download-xlsx").get("href")).get_data()))
    years_sheet, sources_sheet = workbook.worksheets
    values = list(years_sheet.iter_rows(min_row=2, values_only=True))
    assert [(row[0], Decimal(str(row[1]))) for row in values] == [(2023, Decimal(15000)), (2024, Decimal(25000))]
    assert [Decimal(str(row[4])) for row in values] == [amount_of(row[4]) for row in rows]
    assert [Decimal(str(row[5])) for row in values] == [amount_of(row[5].split("(")[0]) for row in rows]
    assert [row[0] for row in sources_sheet.iter_rows(min_row=2, values_only=True)] == \
        ["Gemeentebegroting", "NPG", dutch("Total")]


def test_the_budget_defaults_to_three_years_and_refuses_years_in_the_wrong_order(client, world, groningen,
                                                                                 participant):
    sign_in_as(client, world, groningen, "finance")
    this_year = date.today().year
    doc = html_of(client.get(f"{T}/budget"))
    assert [row[0] for row in body_rows(doc.by_id("budget-years"))] == [str(y) for y in range(this_year - 2,
                                                                                              this_year + 1)]
    assert dutch("No funding has been allocated to these years.") in doc.text
    # To before from: the message on the page, answered 422, no figures.
    response = client.get(f"{T}/budget", query_string={"from_year": "2025", "to_year": "2023"})
    assert response.status_code == 422
    doc = html_of(response)
    assert doc.by_id("period-error").text == dutch("Must not be before the first year.")
    assert doc.by_id("budget-years") is None
    assert doc.by_id("from_year").get("aria-invalid") == "true"
    response = client.get(f"{T}/budget", query_string={"from_year": "twintig"})
    assert response.status_code == 422 and html_of(response).by_id("budget-years") is None
    sign_in_as(client, world, groningen, "jobcoach")
    assert client.get(f"{T}/budget").status_code == 403


def test_finance_reaches_each_participants_cost_card_from_the_costs_per_participant(client, world, groningen,
                                                                                    participant, make_token):
    """Finance has no participant list: the costs per participant link to each cost card. Roles that may not
    see a person's costs are not offered that grouping and are refused it."""
    sign_in_as(client, world, groningen, "finance")
    doc = html_of(client.get(f"{T}/costs", query_string={**YEAR_2023, "group_by": "participant"}))
    [row] = doc.by_id("programme-costs").find("tbody").find_all("tr")
    link = row.find("a")
    assert link.text == participant["name"] and link.get("href") == card_url(participant)
    assert client.get(link.get("href")).status_code == 200
    sign_in_as(client, world, groningen, "viewer")
    response = client.get(f"{T}/costs", query_string={**YEAR_2023, "group_by": "participant"})
    assert response.status_code == 422 and participant["name"] not in html_of(response).text
    assert html_of(client.get(f"{T}/costs")).by_id("group_by").find("option", value="participant") is None
    refused = client.get(api("groningen", "/costs"), headers=auth(make_token(groningen, "viewer")),
                         query_string={**YEAR_2023, "group_by": "participant"})
    assert refused.status_code == 403
