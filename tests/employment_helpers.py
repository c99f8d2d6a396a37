"""Shared steps for the employment tests: a started candidate, organisations, and starting employment
through the API, the way a coach and an admin would."""

from __future__ import annotations

import itertools

_counter = itertools.count(1)


def api(slug: str, path: str = "") -> str:
    return f"/api/v1/t/{slug}{path}"


def organisation(client, admin, slug, name=None, **kinds) -> str:
    body = {"name": name or f"Organisatie {next(_counter)}", **kinds}
    response = client.post(api(slug, "/organisations"), headers=admin, json=body)
    assert response.status_code == 201, response.json
    return response.json["id"]


def employer(client, admin, slug, name=None) -> str:
    return organisation(client, admin, slug, name or f"Werkgever {next(_counter)}", is_employer=True)


def coaching(client, admin, slug, name=None) -> str:
    return organisation(client, admin, slug, name or f"Begeleider {next(_counter)}", is_coaching=True)


def started_candidate(client, coach, slug, *, referral="2022-11-01", talked="2022-11-10", decided="2022-11-20",
                      **overrides) -> str:
    """A candidate with an intake conversation and the decision to start (an override where the
    municipality's criteria are not met by the test data)."""
    n = next(_counter)
    body = {"given_names": "Piet", "family_name": f"Jansen {n}", "referral_source": "colleague",
            "referral_date": referral, "date_of_birth": "1965-04-01", "social_assistance_since": "2015-01-01",
            "available_hours": 32, "no_prospect_of_work": True, **overrides}
    created = client.post(api(slug, "/candidates"), headers=coach, json=body)
    assert created.status_code == 201, created.json
    cid = created.json["id"]
    talk = client.post(api(slug, f"/candidates/{cid}/conversations"), headers=coach, json={"held_on": talked})
    assert talk.status_code == 201, talk.json
    decision = client.post(api(slug, f"/candidates/{cid}/decision"), headers=coach,
                           json={"outcome": "started", "decided_on": decided, "reasons": "Test start."})
    assert decision.status_code == 201, decision.json
    assert decision.json["resulting_status"] == "started", decision.json
    return cid


def contract_body(employer_id: str, **overrides) -> dict:
    body = {"employer_id": employer_id, "kind": "temporary", "end_on": "2023-12-31", "hours_per_week": "32",
            "cao": "cao_sw", "trial_period_months": 1}
    body.update(overrides)
    return body


def start(client, coach, slug, candidate_id, employer_id, started_on="2023-01-01", expect=201, **contract):
    body = {"candidate_id": candidate_id, "started_on": started_on, "contract": contract_body(employer_id, **contract)}
    response = client.post(api(slug, "/participants"), headers=coach, json=body)
    assert response.status_code == expect, response.json
    return response.json


def published_example(client, coach, admin, slug: str = "groningen") -> dict:
    """Groningen's published cost example through the API: a single person starting 2023-01-01 on a 32-hour
    CAO SW contract to 2025-12-31 at Thermiek BV, coached by a coaching organisation, on a task whose host
    contributes 100 a year (tests/integration/test_published_costs.py)."""
    employer_id = employer(client, admin, slug, "Thermiek BV")
    organisation = coaching(client, admin, slug, "Begeleidende partij")
    host = client.post(api(slug, "/organisations"), headers=admin, json={"name": "Buurtcentrum", "is_host": True})
    assert host.status_code == 201, host.json
    candidate = started_candidate(client, coach, slug, household_type="single")
    made = start(client, coach, slug, candidate, employer_id, started_on="2023-01-01", kind="temporary",
                 end_on="2025-12-31", hours_per_week="32", cao="cao_sw")
    patched = client.patch(api(slug, f"/participants/{made['id']}"), headers=coach,
                           json={"version": made["version"], "coaching_organisation_id": organisation})
    assert patched.status_code == 200, patched.json
    task = client.post(api(slug, "/tasks"), headers=coach, json={
        "title": "Buurtcentrum beheren", "category": "maintenance", "hours_per_week": "32", "source": "area_team",
        "host_organisation_id": host.json["id"], "host_contribution_per_year": "100"})
    assert task.status_code == 201, task.json
    checked = client.post(api(slug, f"/tasks/{task.json['id']}/displacement-checks"), headers=coach, json={
        "checked_on": "2022-12-01", "done_by_paid_staff": False, "host_would_hire": False, "done_by_volunteers": False,
        "is_additional": True, "verdict": "approved", "reasons": "Aanvullend."})
    assert checked.status_code == 201, checked.json
    assigned = client.post(api(slug, f"/participants/{made['id']}/assignments"), headers=coach, json={
        "task_id": task.json["id"], "hours_per_week": "32", "start_on": "2023-01-01", "end_on": "2025-12-31"})
    assert assigned.status_code == 201, assigned.json
    return made
