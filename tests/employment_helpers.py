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
