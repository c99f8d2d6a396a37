"""A first walk through employment (start, renewal, hours change, absence, exit, work list, transition)."""

from tests.conftest import auth
from tests.employment_helpers import api, contract_body, employer, start, started_candidate


def test_walk(app, client, make_tenant, make_token):
    t = make_tenant("groningen")
    coach, admin = auth(make_token(t, "coach")), auth(make_token(t, "admin"))
    emp = employer(client, admin, t.slug, "Thermiek BV")
    cid = started_candidate(client, coach, t.slug)
    p = start(client, coach, t.slug, cid, emp)
    pid = p["id"]
    # The 2023 contract is over today: no contract in force now.
    assert p["current_contract"] is None and p["status"] == "active"
    contracts = client.get(api(t.slug, f"/participants/{pid}/contracts"), headers=coach).json
    assert len(contracts) == 1 and contracts[0]["versions"][0]["hourly_wage"] == "12.40"
    c = contracts[0]
    r = client.patch(api(t.slug, f"/participants/{pid}/contracts/{c['id']}"), headers=coach,
                     json={"version": c["version"], "valid_from": "2023-06-01", "hours_per_week": "36"})
    assert r.status_code == 200, r.json
    stale = client.patch(api(t.slug, f"/participants/{pid}/contracts/{c['id']}"), headers=coach,
                         json={"version": c["version"], "valid_from": "2023-07-01", "hours_per_week": "32"})
    assert stale.status_code == 409, stale.json
    renewal = client.post(api(t.slug, f"/participants/{pid}/contracts"), headers=coach,
                          json=contract_body(emp, start_on="2024-01-01", end_on="2024-12-31"))
    assert renewal.status_code == 422 and "performance_report" in renewal.json["errors"], renewal.json
    renewal = client.post(api(t.slug, f"/participants/{pid}/contracts"), headers=coach, json=contract_body(
        emp, start_on="2024-01-01", end_on="2024-12-31",
        performance_report={"written_on": "2023-11-15", "author": "Coach", "advice": "renew"}))
    assert renewal.status_code == 201, renewal.json
    a = client.post(api(t.slug, f"/participants/{pid}/absences"), headers=coach,
                    json={"start_on": "2023-03-01", "end_on": "2023-03-14"})
    assert a.status_code == 201, a.json
    rate = client.get(api(t.slug, "/absence-rate?from=2023-03-01&to=2023-03-29"), headers=coach)
    assert rate.status_code == 200 and rate.json["absence_rate"] == "0.5000", rate.json
    wl = client.get(api(t.slug, "/worklist", ), headers=coach)
    assert wl.status_code == 200, wl.json
    # The last contract ended (2024-12-31) without a next one: it stands on the list, overdue.
    assert [(i["kind"], i["due_on"], i["overdue"]) for i in wl.json if i["kind"] == "contract_ending"] == [
        ("contract_ending", "2024-12-31", True)]
    prev = client.post(api(t.slug, "/cao-transition/preview"), headers=admin,
                       json={"to_cao": "cao_aan_de_slag", "on": "2024-07-01"})
    assert prev.status_code == 200, prev.json
    [row] = prev.json["rows"]
    assert (row["hourly_before"], row["earns_less"], row["guaranteed_hourly_wage"]) == ("13.68", True, "14.16")
    ex = client.post(api(t.slug, f"/participants/{pid}/exit"), headers=coach,
                     json={"date": "2024-05-31", "reason": "regular_job"})
    assert ex.status_code == 200, ex.json
    assert ex.json["exit_reason"] == "regular_job"
    terms = client.get(api(t.slug, "/cao-terms?on=2023-03-01"), headers=coach)
    assert terms.status_code == 200 and terms.json["minimum_hourly_wage"] == "12.40", terms.json
    assert terms.json["minimum_wage_provisional"] is False
    later = client.get(api(t.slug, "/cao-terms?on=2026-11-01"), headers=coach).json
    assert later["minimum_hourly_wage"] == "14.71" and later["minimum_wage_provisional"] is True
