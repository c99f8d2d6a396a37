"""`basisbaan demo` builds employment records from which the published figures come out, computed through
the API the way reports will compute them (no figure is stored or hard-coded)."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal

import pytest
from flask.cli import ScriptInfo

from basisbaan.cli import main
from basisbaan.extensions import db
from basisbaan.services import tokens as token_service
from basisbaan.services.audit import Actor
from basisbaan.services.tenants import get_by_slug
from basisbaan.tenancy import tenant_scope
from tests.conftest import TenantRef, auth
from tests.employment_helpers import start, started_candidate


@pytest.fixture
def demo(app, make_token):
    result = app.test_cli_runner().invoke(main, ["demo"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    assert "141 new participants" in result.output and "5 new participants" in result.output, result.output
    with app.app_context():
        refs = {slug: TenantRef(t.id, t.slug, t.plugin)
                for slug in ("groningen", "tilburg") for t in [get_by_slug(db.session, slug)]}
        db.session.remove()
    return {slug: auth(make_token(ref, "coach")) for slug, ref in refs.items()}, refs


def participants(client, headers, slug, **query):
    """Every participant matching `query` (all pages), and the total from the pagination header."""
    found, page = [], 1
    while True:
        response = client.get(f"/api/v1/t/{slug}/participants", headers=headers,
                              query_string={**query, "page": page, "page_size": 100})
        assert response.status_code == 200, response.json
        found += response.json
        total = json.loads(response.headers["X-Pagination"])["total"]
        if len(found) >= total:
            return found, total
        page += 1


def rate(client, headers, slug, start, end) -> float:
    response = client.get(f"/api/v1/t/{slug}/absence-rate", headers=headers, query_string={"from": start, "to": end})
    assert response.status_code == 200, response.json
    return float(Decimal(response.json["absence_rate"]))


def test_groningen_as_published(client, demo):
    tokens, _ = demo
    coach = tokens["groningen"]
    # 7 contracts on 1 March 2020, 25 working in February 2021, 56 in March 2023, 132 in April 2024.
    for on, expected in (("2020-03-01", 7), ("2021-02-03", 25), ("2023-03-01", 56), ("2024-04-01", 132)):
        assert participants(client, coach, "groningen", status="active", on=on)[1] == expected, on
    _, started_first_day = participants(client, coach, "groningen", status="active", on="2020-03-01")
    assert started_first_day == 7
    # 20 on a permanent contract in April 2024.
    assert participants(client, coach, "groningen", status="active", on="2024-04-01",
                        contract_kind="permanent")[1] == 20
    # Exits with the published reasons; none counts as drop-out.
    left_2023, _ = participants(client, coach, "groningen", status="exited", on="2023-03-01")
    assert Counter(p["exit_reason"] for p in left_2023) == {
        "deceased": 1, "pension_age": 1, "regular_job": 1, "self_employed": 1}
    left_2024, _ = participants(client, coach, "groningen", status="exited", on="2024-04-01")
    assert Counter(p["exit_reason"] for p in left_2024) == {
        "back_on_benefits": 1, "deceased": 2, "pension_age": 2, "regular_job": 2, "sheltered_work": 1,
        "self_employed": 1}
    assert not any(p["dropout"] for p in left_2024)
    # Hours on 1 March 2023: 60% 32 h, 14% 36 h, 26% 20-28 h, average almost 31; all with Thermiek BV, CAO SW.
    working, _ = participants(client, coach, "groningen", status="active", on="2023-03-01")
    hours = [Decimal(p["current_contract"]["hours_per_week"]) for p in working]
    assert round(sum(1 for h in hours if h == 32) / 56, 2) == 0.61
    assert round(sum(1 for h in hours if h == 36) / 56, 2) == 0.14
    assert round(sum(1 for h in hours if 20 <= h <= 28) / 56, 2) == 0.25
    assert 30.5 <= float(sum(hours) / len(hours)) < 31
    assert {p["current_contract"]["employer"] for p in working} == {"Thermiek BV"}
    assert {p["current_contract"]["cao"] for p in working} == {"cao_sw"}
    # Neighbourhoods with the most participants.
    top = Counter(p["neighbourhood"] for p in working).most_common(7)
    assert dict(top) == {"De Hoogte/Indische Buurt": 9, "Beijum": 7, "Paddepoel": 6, "De Wijert": 5,
                         "Rivierenbuurt": 5, "Oosterpark": 4, "Vinkhuizen": 4}
    assert Counter(p["neighbourhood"] for p in working).most_common(8)[-1][1] < 4
    # Absence: 3.6% over 2021, 11.7% over the last half year, 7.3% over the project (to one decimal).
    assert round(rate(client, coach, "groningen", "2021-01-01", "2022-01-01") * 100, 1) == 3.6
    assert round(rate(client, coach, "groningen", "2022-09-01", "2023-03-01") * 100, 1) == 11.7
    assert round(rate(client, coach, "groningen", "2020-03-01", "2023-03-01") * 100, 1) == 7.3


def test_tilburg_pilot_and_the_work_list(app, client, demo):
    tokens, refs = demo
    coach = tokens["tilburg"]
    pilot, total = participants(client, coach, "tilburg", status="active", on="2023-09-01")
    assert total == 5
    assert {p["current_contract"]["employer"] for p in pilot} == {"Diamant-groep"}
    assert all("2023-07-01" <= p["started_on"] <= "2023-08-31" for p in pilot)
    for p in pilot:  # two-year contracts
        contracts = client.get(f"/api/v1/t/tilburg/participants/{p['id']}/contracts", headers=coach).json
        first = contracts[0]
        assert first["kind"] == "temporary"
        start, end = first["start_on"], first["end_on"]
        assert int(end[:4]) - int(start[:4]) == 2 and end[5:] < start[5:]
    # Groningen's coach has ongoing sicknesses with Gatekeeper steps due on the work list.
    items = client.get("/api/v1/t/groningen/worklist", headers=tokens["groningen"]).json
    assert any(item["kind"] == "gatekeeper" for item in items)
    # The demo job coach's organisation sees only its own participants: a third of Groningen's.
    with app.app_context():
        tenant = get_by_slug(db.session, "groningen")
        with tenant_scope(db.session, refs["groningen"].id):
            issued = token_service.create(db.session, tenant, role="jobcoach", name="demo-jc", days=1, max_days=30,
                                          actor=Actor.system("test"), organisation="Begeleidende partij Noord")
        db.session.commit()
        db.session.remove()
    mine, total = participants(client, auth(issued.plaintext), "groningen", status="active", on="2024-04-01")
    assert 0 < total < 132
    assert {p["coaching_organisation"] for p in mine} == {"Begeleidende partij Noord"}
    assert all("date_of_birth" not in p for p in mine)


def test_groningen_tasks_are_checked_and_every_package_fits(client, demo):
    tokens, _ = demo
    coach = tokens["groningen"]
    response = client.get("/api/v1/t/groningen/tasks", headers=coach, query_string={"page_size": 100})
    assert response.status_code == 200, response.json
    tasks = response.json
    # The work listed in the letter of March 2023, in Groningen's neighbourhoods, each with a passed check.
    assert len(tasks) == 16 and all(t["assignable"] for t in tasks)
    assert {"litter", "hosting", "newsletter", "residents", "second_hand", "schools"} <= {t["category"] for t in tasks}
    assert all(t["taken_places"] <= t["places"] for t in tasks)
    # Every working participant's package adds up to the contract hours on the published dates.
    working, _ = participants(client, coach, "groningen", status="active", on="2023-03-01")
    for p in working[:20]:
        package = client.get(f"/api/v1/t/groningen/participants/{p['id']}/assignments",
                             headers=coach, query_string={"on": "2023-03-01"}).json
        assert package["fits"] and package["hours"] == p["current_contract"]["hours_per_week"], package
    items = client.get("/api/v1/t/groningen/worklist", headers=coach).json
    assert not [i for i in items if i["kind"] == "package_mismatch"]


def test_groningen_coaching_hours_and_credit_bank_support_as_published(client, demo):
    tokens, _ = demo
    coach = tokens["groningen"]

    def per_week(start, end):
        response = client.get("/api/v1/t/groningen/coaching-hours", headers=coach,
                              query_string={"from": start, "to": end})
        assert response.status_code == 200, response.json
        return response.json

    # Almost 7 hours a week at the start, 2.4 in the second half of 2021, 1.9 in the second half of 2022;
    # individual averages between 1 and 5 hours.
    assert 6.8 <= float(per_week("2020-03-01", "2020-06-01")["hours_per_participant_week"]) < 7
    for start, end, expected in (("2021-07-01", "2022-01-01", 2.4), ("2022-07-01", "2023-01-01", 1.9)):
        figures = per_week(start, end)
        assert round(float(figures["hours_per_participant_week"]), 1) == expected, figures
        assert 1 <= float(figures["lowest_individual"]) and float(figures["highest_individual"]) <= 5, figures
    # 13 of the 56 working on 1 March 2023 have credit-bank support running then.
    working, _ = participants(client, coach, "groningen", status="active", on="2023-03-01")
    helped = 0
    for p in working:
        records = client.get(f"/api/v1/t/groningen/participants/{p['id']}/support", headers=coach).json
        helped += any(d["kind"] == "credit_bank" and d["referred_on"] <= "2023-03-01"
                      and (d["ended_on"] is None or d["ended_on"] >= "2023-03-01") for d in records["debt_support"])
    assert helped == 13


def test_groningen_wellbeing_improves_on_every_domain_most_on_income_and_savings(client, demo):
    """The letter of 8 March 2023: improvement on every life domain of the monitor, most on income and the
    ability to save; computed from the demo's (encrypted) measurements through the API."""
    tokens, _ = demo
    response = client.get("/api/v1/t/groningen/wellbeing-change", headers=tokens["groningen"],
                          query_string={"from": "2020-03-01", "to": "2023-03-01"})
    assert response.status_code == 200, response.json
    body = response.json
    assert body["instrument"]["code"] == "groningen_brug" and body["participants"] >= 40
    change = {d["code"]: Decimal(d["change"]) for d in body["domains"]}
    assert set(change) == {"income", "savings", "debts", "social_contacts", "housing"}
    assert all(value > 0 for value in change.values()), change
    top_two = sorted(change, key=change.get, reverse=True)[:2]
    assert set(top_two) == {"income", "savings"}, change
    # Every participant has a work profile and is measured at the start and every six months.
    first = client.get("/api/v1/t/groningen/participants", headers=tokens["groningen"],
                       query_string={"status": "active", "on": "2023-03-01", "page_size": 1}).json[0]
    wellbeing = client.get(f"/api/v1/t/groningen/participants/{first['id']}/wellbeing",
                           headers=tokens["groningen"]).json
    days = [m["measured_on"] for m in wellbeing["measurements"]]
    assert len(days) >= 2 and days == sorted(days)
    profile = client.get(f"/api/v1/t/groningen/participants/{first['id']}/work-profile", headers=tokens["groningen"])
    assert profile.status_code == 200 and profile.json["version"] == 1 and profile.json["preferred_categories"]


def test_the_demo_finances_groningen_tilburg_and_amersfoort(app, client, demo, make_token):
    """Groningen's NPG grant of 200,000 (autumn 2023) and the housing corporations' agreement, allocated per
    year; small host contributions in Groningen and host fees in Tilburg; the growth plan to 250 and
    Amersfoort's feasibility scenario under the CAO its council asked for."""
    tokens, refs = demo
    coach = tokens["groningen"]
    sources = {s["name"]: s for s in client.get("/api/v1/t/groningen/funding-sources", headers=coach).json}
    npg = sources["Nationaal Programma Groningen"]
    assert (npg["kind"], npg["amount"], npg["start_on"]) == ("grant", "200000.00", "2023-10-01")
    assert npg["allocated"] == "200000.00" and npg["remaining"] == "0.00"
    assert sources["Prestatieafspraken woningcorporaties"]["kind"] == "agreement"
    budget = client.get("/api/v1/t/groningen/budget", headers=coach, query_string={"from_year": 2024, "to_year": 2025})
    assert budget.status_code == 200, budget.json
    for year in budget.json["years"]:
        assert Decimal(year["budget"]) == 150000 and Decimal(year["actual"]["net"]) > Decimal(year["budget"])
        assert Decimal(year["gap"]) == Decimal(year["actual"]["net"]) - Decimal(year["budget"])
    costs = client.get("/api/v1/t/groningen/costs", headers=coach,
                       query_string={"from": "2023-01-01", "to": "2024-01-01"}).json
    contributions = Decimal(costs["total"]["lines"]["host_contribution"])
    assert 0 < -contributions < Decimal("0.01") * Decimal(costs["total"]["gross"])  # small, as the letter says
    [plan] = client.get("/api/v1/t/groningen/forecasts", headers=coach).json
    projection = client.get(f"/api/v1/t/groningen/forecasts/{plan['id']}", headers=coach).json["projection"]
    assert [p["year"] for p in projection] == [2024, 2025, 2026]
    assert Decimal(projection[-1]["participants_end"]) == 250
    assert all(Decimal(p["starters"]) <= 50 for p in projection)
    tilburg = auth(make_token(refs["tilburg"], "finance"))
    fees = client.get("/api/v1/t/tilburg/costs", headers=tilburg,
                      query_string={"from": "2024-01-01", "to": "2025-01-01"}).json["total"]["lines"]
    assert Decimal(fees["host_contribution"]) < -1000
    with app.app_context():
        amersfoort = get_by_slug(db.session, "amersfoort")
        ref = TenantRef(amersfoort.id, amersfoort.slug, amersfoort.plugin)
        db.session.remove()
    viewer = auth(make_token(ref, "viewer"))
    [scenario] = client.get("/api/v1/t/amersfoort/forecasts", headers=viewer).json
    assert scenario["parameters"]["cao"] == "cao_aan_de_slag" and scenario["parameters"]["target"] == 20
    first = client.get(f"/api/v1/t/amersfoort/forecasts/{scenario['id']}", headers=viewer).json["projection"][0]
    assert Decimal(first["starters"]) == 20 and Decimal(first["totals"]["lines"]["employer_charges"]) > 0


def kpis(client, headers, slug, **query) -> dict:
    response = client.get(f"/api/v1/t/{slug}/kpis", headers=headers, query_string=query)
    assert response.status_code == 200, response.json
    return response.json


def test_the_key_figures_reproduce_groningens_published_figures(app, client, demo, make_token):
    """Every published figure of seed-figures.md through GET /kpis: stocks on the letter's date, flows over
    the period the letter reports on."""
    tokens, refs = demo
    viewer = auth(make_token(refs["groningen"], "viewer"))
    project = kpis(client, viewer, "groningen", as_of="2023-03-01", **{"from": "2020-01-01", "to": "2023-03-01"})
    assert project["participants_active"] == 56
    assert project["exits_total"] == 4 and project["dropouts"] == 0
    assert project["exits_by_reason"] == {"deceased": 1, "pension_age": 1, "regular_job": 1, "self_employed": 1}
    assert project["candidates_spoken"] == 151
    assert project["candidates_not_started_by_reason"] == {"cannot": 20, "will_not": 40, "may_not": 40}
    assert Decimal(project["conversion_rate"]) == pytest.approx(Decimal("0.33"), abs=Decimal("0.005"))
    bands = project["hours_distribution"]
    assert (bands["32"], bands["36"], bands["20_28"]) == (34, 8, 14)  # 60%, 14%, 26% of 56
    assert Decimal("30.5") <= Decimal(project["average_hours"]) < 31  # "almost 31"
    hoods = project["participants_by_neighbourhood"]
    assert {k: hoods[k] for k in ("De Hoogte/Indische Buurt", "Beijum", "Paddepoel", "De Wijert", "Rivierenbuurt",
                                  "Oosterpark", "Vinkhuizen")} == {
        "De Hoogte/Indische Buurt": 9, "Beijum": 7, "Paddepoel": 6, "De Wijert": 5, "Rivierenbuurt": 5,
        "Oosterpark": 4, "Vinkhuizen": 4}
    assert "Haren" in hoods
    assert project["debt_support_count"] == 13
    assert Decimal(project["share_over_50"]) > Decimal("0.5")  # most are over 50
    assert project["by_gender"]["male"] > project["by_gender"]["female"]
    assert project["by_household"]["single"] > sum(n for k, n in project["by_household"].items() if k != "single")
    assert (project["target"], project["target_year"]) == (250, 2026)
    change = {k: Decimal(v) for k, v in project["wellbeing_change"].items()}
    assert all(v > 0 for v in change.values()) and set(sorted(change, key=change.get)[-2:]) == {"income", "savings"}
    assert Decimal(project["costs"]["gross"]) > 0
    whole = kpis(client, viewer, "groningen", as_of="2023-03-01", **{"from": "2020-03-01", "to": "2023-03-01"})
    assert Decimal(whole["absence_rate"]) == pytest.approx(Decimal("0.073"), abs=Decimal("0.0005"))
    for start, end, rate in (("2021-01-01", "2022-01-01", "0.036"), ("2022-09-01", "2023-03-01", "0.117")):
        found = kpis(client, viewer, "groningen", as_of="2023-03-01", **{"from": start, "to": end})
        assert Decimal(found["absence_rate"]) == pytest.approx(Decimal(rate), abs=Decimal("0.0005")), start
    for start, end, hours in (("2021-07-01", "2022-01-01", "2.4"), ("2022-07-01", "2023-01-01", "1.9")):
        found = kpis(client, viewer, "groningen", as_of="2023-03-01", **{"from": start, "to": end})
        assert Decimal(found["coaching_hours_per_participant_week"]) == pytest.approx(Decimal(hours),
                                                                                        abs=Decimal("0.05")), start
    later = kpis(client, viewer, "groningen", as_of="2024-04-01")
    assert (later["participants_active"], later["permanent_contracts"], later["exits_total"]) == (132, 20, 9)
    assert later["exits_by_reason"] == {"back_on_benefits": 1, "deceased": 2, "pension_age": 2, "regular_job": 2,
                                        "self_employed": 1, "sheltered_work": 1}
    assert kpis(client, viewer, "groningen", as_of="2021-02-03")["participants_active"] == 25
    assert kpis(client, viewer, "groningen", as_of="2020-03-01")["participants_active"] == 7


def test_the_key_figures_follow_the_data_and_name_bad_parameters(app, client, demo, make_token):
    tokens, refs = demo
    coach = tokens["groningen"]
    before = kpis(client, coach, "groningen", as_of="2024-04-01")
    # A new participant from 1 March 2024 on 20 hours: one more active, one more start, a new hours count.
    employer_id = client.get("/api/v1/t/groningen/organisations", headers=coach,
                             query_string={"kind": "employer", "q": "Thermiek"}).json[0]["id"]
    candidate = started_candidate(client, coach, "groningen", referral="2024-01-05", talked="2024-01-10",
                                  decided="2024-01-20")
    start(client, coach, "groningen", candidate, employer_id, started_on="2024-03-01", end_on="2025-02-28",
          hours_per_week="20")
    after = kpis(client, coach, "groningen", as_of="2024-04-01")
    assert after["participants_active"] == before["participants_active"] + 1
    assert after["participants_started_total"] == before["participants_started_total"] + 1
    assert after["hours_distribution"]["20_28"] == before["hours_distribution"]["20_28"] + 1
    assert Decimal(after["average_hours"]) < Decimal(before["average_hours"])
    for query, name in (({"as_of": "2019-01-01"}, "as_of"), ({"as_of": "2023-02-30"}, "as_of"),
                        ({"as_of": "2023-03-01", "from": "2023-03-01", "to": "2023-01-01"}, "from"),
                        ({}, "as_of")):
        response = client.get("/api/v1/t/groningen/kpis", headers=coach, query_string=query)
        assert response.status_code == 422 and name in response.json["errors"], (query, response.json)
    jobcoach = auth(make_token(refs["groningen"], "jobcoach"))
    assert client.get("/api/v1/t/groningen/kpis", headers=jobcoach,
                      query_string={"as_of": "2024-04-01"}).status_code == 403
