"""The intake funnel through the API: conversations, the coach's decision against the municipality's
criteria, Tilburg's fixed number of places, the funnel counts over a half-open period, and a fixed number
of SQL statements for the list and the funnel whatever the amount of data."""

from __future__ import annotations

import itertools
import json
import uuid
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select

from basisbaan.extensions import db
from basisbaan.models import CandidateDecision, CandidateStatusChange
from basisbaan.services import users as user_service
from basisbaan.tenancy import tenant_scope
from tests.conftest import auth

_counter = itertools.count(1)


def base(slug: str) -> str:
    return f"/api/v1/t/{slug}/candidates"


def funnel_url(slug: str) -> str:
    return f"/api/v1/t/{slug}/funnel"


# Meets every Groningen criterion in 2024: 34 years old, on assistance since 2018, 32 hours, judged.
ELIGIBLE = {"date_of_birth": "1990-01-01", "social_assistance_since": "2018-01-01", "available_hours": 32,
            "no_prospect_of_work": True}


def create(client, headers, slug="groningen", **overrides):
    n = next(_counter)
    data = {"given_names": "Kees", "family_name": f"Smit {n}", "referral_source": "area_team",
            "referral_date": "2024-01-02", **ELIGIBLE}
    data.update(overrides)
    response = client.post(base(slug), headers=headers, json=data)
    assert response.status_code == 201, response.json
    return response.json


def converse(client, headers, candidate, held_on="2024-01-10", slug="groningen", **extra):
    response = client.post(f"{base(slug)}/{candidate['id']}/conversations", headers=headers,
                           json={"held_on": held_on, **extra})
    assert response.status_code == 201, response.json
    return response.json


def decide(client, headers, candidate, slug="groningen", **data):
    return client.post(f"{base(slug)}/{candidate['id']}/decision", headers=headers, json=data)


def decided(client, headers, candidate, slug="groningen", **data):
    response = decide(client, headers, candidate, slug=slug, **data)
    assert response.status_code == 201, response.json
    return response.json


def detail(client, headers, candidate, slug="groningen"):
    response = client.get(f"{base(slug)}/{candidate['id']}", headers=headers)
    assert response.status_code == 200
    return response.json


def decisions(client, headers, candidate, slug="groningen"):
    response = client.get(f"{base(slug)}/{candidate['id']}/decision", headers=headers)
    assert response.status_code == 200
    return response.json


def status_changes(app, tenant, candidate) -> list[tuple[str, date]]:
    with app.app_context():
        with tenant_scope(db.session, tenant.id):
            rows = db.session.execute(
                select(CandidateStatusChange.status, CandidateStatusChange.changed_on)
                .where(CandidateStatusChange.candidate_id == candidate_uuid(candidate))
                .order_by(CandidateStatusChange.created_at)).all()
        db.session.remove()
    return [tuple(row) for row in rows]


def candidate_uuid(candidate):
    return uuid.UUID(candidate["id"])


@pytest.fixture
def groningen(make_tenant):
    return make_tenant("groningen")


@pytest.fixture
def coach(groningen, make_token):
    return auth(make_token(groningen, "coach"))


# --- conversations and decisions ------------------------------------------------------------------------

def test_deciding_without_a_conversation_is_refused_and_nothing_is_saved(app, client, groningen, coach):
    candidate = create(client, coach)
    for outcome in ("started", "on_hold"):
        response = decide(client, coach, candidate, outcome=outcome, decided_on="2024-01-20")
        assert response.status_code == 422, response.json
        assert "outcome" in response.json["errors"]
    response = decide(client, coach, candidate, outcome="not_started", reason_category="will_not",
                      decided_on="2024-01-20")
    assert response.status_code == 422 and "outcome" in response.json["errors"]
    assert detail(client, coach, candidate)["status"] == "referred"
    assert decisions(client, coach, candidate) == []
    assert status_changes(app, groningen, candidate) == [("referred", date(2024, 1, 2))]


def test_a_decision_dated_before_the_first_conversation_is_refused(app, client, groningen, coach):
    candidate = create(client, coach)
    converse(client, coach, candidate, "2024-02-01")
    early = decide(client, coach, candidate, outcome="on_hold", decided_on="2024-01-31")
    assert early.status_code == 422 and "outcome" in early.json["errors"]
    same_day = decide(client, coach, candidate, outcome="on_hold", decided_on="2024-02-01")
    assert same_day.status_code == 201


def test_a_conversation_moves_a_referred_candidate_to_in_conversation(app, client, groningen, coach):
    candidate = create(client, coach)
    assert candidate["status"] == "referred" and candidate["status_since"] == "2024-01-02"
    made = converse(client, coach, candidate, "2024-01-10", notes="Eerste kennismaking")
    assert made["held_on"] == "2024-01-10" and made["notes"] == "Eerste kennismaking"
    now = detail(client, coach, candidate)
    assert (now["status"], now["status_since"]) == ("in_conversation", "2024-01-10")
    # A second conversation keeps the status and its date.
    converse(client, coach, candidate, "2024-01-17")
    assert detail(client, coach, candidate)["status_since"] == "2024-01-10"
    listed = client.get(f"{base('groningen')}/{candidate['id']}/conversations", headers=coach).json
    assert [c["held_on"] for c in listed] == ["2024-01-10", "2024-01-17"]
    assert listed[0]["notes"] == "Eerste kennismaking" and listed[1]["notes"] is None
    assert status_changes(app, groningen, candidate) == [("referred", date(2024, 1, 2)),
                                                         ("in_conversation", date(2024, 1, 10))]


def test_a_conversation_cannot_be_before_the_referral_or_in_the_future(app, client, groningen, coach):
    candidate = create(client, coach)
    for held_on in ("2024-01-01", (date.today() + timedelta(days=1)).isoformat()):
        response = client.post(f"{base('groningen')}/{candidate['id']}/conversations", headers=coach,
                               json={"held_on": held_on})
        assert response.status_code == 422 and "held_on" in response.json["errors"], held_on
    assert detail(client, coach, candidate)["status"] == "referred"


def test_not_started_needs_a_reason_category(app, client, groningen, coach):
    candidate = create(client, coach)
    converse(client, coach, candidate)
    missing = decide(client, coach, candidate, outcome="not_started", decided_on="2024-01-20")
    assert missing.status_code == 422 and "reason_category" in missing.json["errors"]
    unknown = decide(client, coach, candidate, outcome="not_started", reason_category="does_not_want",
                     decided_on="2024-01-20")
    assert unknown.status_code == 422 and "reason_category" in unknown.json["errors"]
    assert decisions(client, coach, candidate) == []
    assert detail(client, coach, candidate)["status"] == "in_conversation"
    made = decided(client, coach, candidate, outcome="not_started", reason_category="will_not",
                   sub_reason="Wil eerst een opleiding afmaken", decided_on="2024-01-20")
    assert (made["outcome"], made["resulting_status"], made["reason_category"]) == (
        "not_started", "not_started", "will_not")
    assert made["sub_reason"] == "Wil eerst een opleiding afmaken"
    now = detail(client, coach, candidate)
    assert (now["status"], now["status_since"]) == ("not_started", "2024-01-20")


def test_a_reason_category_is_only_for_not_started(app, client, groningen, coach):
    candidate = create(client, coach)
    converse(client, coach, candidate)
    response = decide(client, coach, candidate, outcome="on_hold", reason_category="cannot", decided_on="2024-01-20")
    assert response.status_code == 422 and "reason_category" in response.json["errors"]
    assert decisions(client, coach, candidate) == []


def test_on_hold_then_started_and_then_no_more_decisions(app, client, groningen, coach):
    candidate = create(client, coach)
    converse(client, coach, candidate, "2024-01-10")
    on_hold = decided(client, coach, candidate, outcome="on_hold", decided_on="2024-01-20")
    assert on_hold["resulting_status"] == "on_hold"
    assert detail(client, coach, candidate)["status"] == "on_hold"
    started = decided(client, coach, candidate, outcome="started", decided_on="2024-02-01")
    assert (started["outcome"], started["resulting_status"], started["override"]) == ("started", "started", False)
    assert started["eligibility"] == "pass" and started["failed_criteria"] == []
    now = detail(client, coach, candidate)
    assert (now["status"], now["status_since"]) == ("started", "2024-02-01")
    again = decide(client, coach, candidate, outcome="not_started", reason_category="cannot",
                   decided_on="2024-02-10")
    assert again.status_code == 409, again.json
    assert client.post(f"{base('groningen')}/{candidate['id']}/conversations", headers=coach,
                       json={"held_on": "2024-02-10"}).status_code == 409
    assert [d["outcome"] for d in decisions(client, coach, candidate)] == ["on_hold", "started"]
    assert detail(client, coach, candidate)["status"] == "started"


def test_a_decision_in_the_future_is_refused(app, client, groningen, coach):
    candidate = create(client, coach)
    converse(client, coach, candidate)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = decide(client, coach, candidate, outcome="on_hold", decided_on=tomorrow)
    assert response.status_code == 422 and "decided_on" in response.json["errors"]


@pytest.mark.parametrize("change, failing", [
    ({"date_of_birth": "1999-03-01"}, ["minimum_age"]),  # 25 on the decision date
    ({"social_assistance_since": "2023-06-01"}, ["social_assistance"]),  # on assistance since last year
    ({"reintegration_track": "Taaltraject"}, ["no_reintegration_track"]),
    ({"no_prospect_of_work": False}, ["no_prospect_of_work"]),
    ({"date_of_birth": "1999-03-01", "social_assistance_since": "2023-06-01"}, ["social_assistance", "minimum_age"]),
])
def test_starting_against_a_failed_criterion_needs_reasons_and_is_an_override(app, client, groningen, coach,
                                                                               change, failing):
    candidate = create(client, coach, **change)
    converse(client, coach, candidate, "2024-03-01")
    for reasons in (None, "", "   "):
        refused = decide(client, coach, candidate, outcome="started", decided_on="2024-04-01", reasons=reasons)
        assert refused.status_code == 422, refused.json
        assert "reasons" in refused.json["errors"]
    assert decisions(client, coach, candidate) == []
    assert detail(client, coach, candidate)["status"] == "in_conversation"
    made = decided(client, coach, candidate, outcome="started", decided_on="2024-04-01",
                   reasons="Sterk gemotiveerd; de leeftijdsgrens staat een goede start niet in de weg.")
    assert made["override"] is True
    assert made["failed_criteria"] == failing
    assert made["eligibility"] == "fail"
    assert made["resulting_status"] == "started"
    assert made["reasons"].startswith("Sterk gemotiveerd")
    assert detail(client, coach, candidate)["status"] == "started"


def test_not_starting_or_holding_against_a_failed_criterion_needs_no_reasons(app, client, groningen, coach):
    young = create(client, coach, date_of_birth="2000-01-01")
    converse(client, coach, young)
    made = decided(client, coach, young, outcome="on_hold", decided_on="2024-01-20")
    assert made["override"] is False and made["failed_criteria"] == ["minimum_age"]
    made = decided(client, coach, young, outcome="not_started", reason_category="may_not", decided_on="2024-01-21")
    assert made["override"] is False and made["resulting_status"] == "not_started"


def test_a_judgement_only_result_starts_without_reasons_and_is_no_override(app, client, groningen, coach):
    candidate = create(client, coach, no_prospect_of_work=None, available_hours=24)  # two judgements, no fail
    converse(client, coach, candidate)
    eligibility = client.get(f"{base('groningen')}/{candidate['id']}/eligibility?on=2024-01-20", headers=coach).json
    assert eligibility["overall"] == "judgement"
    assert {c["verdict"] for c in eligibility["criteria"]} == {"pass", "judgement"}
    made = decided(client, coach, candidate, outcome="started", decided_on="2024-01-20")
    assert (made["override"], made["eligibility"], made["failed_criteria"]) == (False, "judgement", [])
    assert made["resulting_status"] == "started" and made["reasons"] is None


def test_the_criteria_are_evaluated_on_the_decision_date(app, client, groningen, coach):
    # 27 on 2024-05-01: a decision the day before fails minimum_age, on the birthday it does not.
    candidate = create(client, coach, date_of_birth="1997-05-01")
    converse(client, coach, candidate, "2024-03-01")
    assert decided(client, coach, candidate, outcome="on_hold", decided_on="2024-04-30")["failed_criteria"] == [
        "minimum_age"]
    made = decided(client, coach, candidate, outcome="started", decided_on="2024-05-01")
    assert made["failed_criteria"] == [] and made["override"] is False


# --- a fixed number of places (Tilburg) -----------------------------------------------------------------

def test_tilburg_starts_beyond_its_places_go_to_the_waiting_list(app, client, make_tenant, make_token):
    tilburg = make_tenant("tilburg", settings={"pilot_places": 2})
    coach = auth(make_token(tilburg, "coach"))
    people = [create(client, coach, slug="tilburg") for _ in range(4)]
    for person in people:
        converse(client, coach, person, slug="tilburg")
    # Not starting and holding take no place.
    decided(client, coach, people[3], slug="tilburg", outcome="on_hold", decided_on="2024-01-15")
    results = [decided(client, coach, person, slug="tilburg", outcome="started", decided_on=f"2024-01-{20 + i}")
               for i, person in enumerate(people[:3])]
    assert [r["resulting_status"] for r in results] == ["started", "started", "waiting_list"]
    assert all(r["outcome"] == "started" for r in results)
    statuses = [detail(client, coach, p, slug="tilburg")["status"] for p in people]
    assert statuses == ["started", "started", "waiting_list", "on_hold"]
    # Still full: the candidate on hold who starts waits too, and the waiting one stays waiting.
    assert decided(client, coach, people[3], slug="tilburg", outcome="started",
                   decided_on="2024-02-01")["resulting_status"] == "waiting_list"
    assert decided(client, coach, people[2], slug="tilburg", outcome="started",
                   decided_on="2024-02-02")["resulting_status"] == "waiting_list"


def test_tilburg_places_are_per_municipality_and_default_to_five(app, client, make_tenant, make_token):
    groningen = make_tenant("groningen")
    groningen_coach = auth(make_token(groningen, "coach"))
    for _ in range(3):  # Groningen has no limit; its starts do not take Tilburg's places
        candidate = create(client, groningen_coach)
        converse(client, groningen_coach, candidate)
        assert decided(client, groningen_coach, candidate, outcome="started",
                       decided_on="2024-01-20")["resulting_status"] == "started"
    tilburg = make_tenant("tilburg")  # default: 5 places
    coach = auth(make_token(tilburg, "coach"))
    outcomes = []
    for _ in range(6):
        candidate = create(client, coach, slug="tilburg")
        converse(client, coach, candidate, slug="tilburg")
        outcomes.append(decided(client, coach, candidate, slug="tilburg", outcome="started",
                                decided_on="2024-01-20")["resulting_status"])
    assert outcomes == ["started"] * 5 + ["waiting_list"]


# --- the funnel -----------------------------------------------------------------------------------------

def funnel(client, headers, date_from, date_to, slug="groningen"):
    response = client.get(funnel_url(slug), headers=headers, query_string={"from": date_from, "to": date_to})
    assert response.status_code == 200, response.json
    return response.json


@pytest.fixture
def scenario(app, client, groningen, coach, make_tenant, make_token):
    """Groningen's first half of 2024, with a busy Tilburg alongside that must never count."""
    a = create(client, coach, referral_date="2023-12-01")  # referred before the period
    converse(client, coach, a, "2024-01-10")
    converse(client, coach, a, "2024-01-20")  # two conversations: spoken once
    decided(client, coach, a, outcome="started", decided_on="2024-02-01")
    b = create(client, coach, referral_date="2024-01-05")
    converse(client, coach, b, "2024-01-20")
    decided(client, coach, b, outcome="on_hold", decided_on="2024-02-01")
    decided(client, coach, b, outcome="started", decided_on="2024-03-01")  # the last decision counts
    for reason in ("cannot", "will_not", "may_not"):
        c = create(client, coach, referral_date="2024-02-01")
        converse(client, coach, c, "2024-02-10")
        decided(client, coach, c, outcome="not_started", reason_category=reason, decided_on="2024-03-01")
    f = create(client, coach, referral_date="2024-03-01")
    converse(client, coach, f, "2024-03-10")
    decided(client, coach, f, outcome="on_hold", decided_on="2024-04-01")
    g = create(client, coach, referral_date="2024-04-01")
    converse(client, coach, g, "2024-06-30")  # the period's last day: spoken
    decided(client, coach, g, outcome="started", decided_on="2024-07-01")  # on `to`: not in the period
    h = create(client, coach, referral_date="2024-05-01")
    converse(client, coach, h, "2024-07-01")  # on `to`: not spoken in the period
    create(client, coach, referral_date="2024-06-30")  # referred on the last day, nothing else
    create(client, coach, referral_date="2024-07-01")  # referred on `to`: not counted
    j = create(client, coach, referral_date="2024-01-01", date_of_birth="2000-01-01")  # 24: fails minimum_age
    converse(client, coach, j, "2024-04-01")
    decided(client, coach, j, outcome="started", decided_on="2024-04-15", reasons="Uitzondering, besproken.")

    tilburg = make_tenant("tilburg", settings={"pilot_places": 1})
    other = auth(make_token(tilburg, "coach"))
    for n in range(3):
        t = create(client, other, slug="tilburg", referral_date="2024-02-01")
        converse(client, other, t, "2024-02-10", slug="tilburg")
        decided(client, other, t, slug="tilburg", outcome="started", decided_on=f"2024-03-0{n + 1}")
    t = create(client, other, slug="tilburg", referral_date="2024-02-01")
    converse(client, other, t, "2024-02-10", slug="tilburg")
    decided(client, other, t, slug="tilburg", outcome="not_started", reason_category="cannot",
            decided_on="2024-03-05")
    return {"tilburg": tilburg, "tilburg_coach": other}


def test_the_funnel_counts_a_half_open_period(app, client, groningen, coach, scenario):
    counts = funnel(client, coach, "2024-01-01", "2024-07-01")
    assert counts == {
        "from": "2024-01-01", "to": "2024-07-01",
        "referred": 9,  # b, c x3, f, g, h, the one on 06-30, j
        "spoken": 8,  # a, b, c x3, f, g, j
        "started": 3,  # a, b (on hold first), j
        "not_started": 3,
        "not_started_by_reason": {"cannot": 1, "will_not": 1, "may_not": 1},
        "on_hold": 1,  # f
        "waiting_list": 0,
        "overrides": 1,  # j
        "conversion_rate": 0.375,  # 3 / 8
    }


def test_the_funnel_takes_each_candidates_last_decision_within_the_period(app, client, groningen, coach, scenario):
    # February: b's on-hold counts (its start on 03-01 is outside); a started.
    february = funnel(client, coach, "2024-02-01", "2024-03-01")
    assert (february["started"], february["on_hold"], february["not_started"]) == (1, 1, 0)
    assert february["spoken"] == 3 and february["referred"] == 3
    assert february["conversion_rate"] == pytest.approx(1 / 3, abs=1e-4)
    # The day after the period: g's start and h's conversation, nothing referred.
    july = funnel(client, coach, "2024-07-01", "2024-08-01")
    assert (july["referred"], july["spoken"], july["started"], july["overrides"]) == (1, 1, 1, 0)
    assert july["conversion_rate"] == 1.0
    # A single day: [2024-03-01, 2024-03-02) holds b's start and the three who did not start.
    day = funnel(client, coach, "2024-03-01", "2024-03-02")
    assert (day["started"], day["not_started"], day["spoken"]) == (1, 3, 0)
    assert day["conversion_rate"] is None  # nobody spoken: no rate


def test_the_funnel_counts_the_waiting_list_and_only_its_own_municipality(app, client, scenario):
    tilburg = funnel(client, scenario["tilburg_coach"], "2024-01-01", "2024-07-01", slug="tilburg")
    assert (tilburg["referred"], tilburg["spoken"], tilburg["started"], tilburg["waiting_list"]) == (4, 4, 1, 2)
    assert tilburg["not_started_by_reason"] == {"cannot": 1, "will_not": 0, "may_not": 0}
    assert tilburg["overrides"] == 0 and tilburg["on_hold"] == 0
    assert tilburg["conversion_rate"] == 0.25


def test_an_empty_period_has_zero_counts(app, client, groningen, coach, scenario):
    counts = funnel(client, coach, "2020-01-01", "2021-01-01")
    assert counts["referred"] == counts["spoken"] == counts["started"] == counts["overrides"] == 0
    assert counts["not_started_by_reason"] == {"cannot": 0, "will_not": 0, "may_not": 0}
    assert counts["conversion_rate"] is None


@pytest.mark.parametrize("query, named", [
    ({"from": "2024-07-01", "to": "2024-01-01"}, "from"),
    ({"from": "2024-01-01", "to": "2024-01-01"}, "from"),
    ({"to": "2024-07-01"}, "from"),
    ({"from": "2024-01-01"}, "to"),
    ({"from": "2024-13-01", "to": "2024-07-01"}, "from"),
    ({"from": "2024-01-01", "to": "1 juli 2024"}, "to"),
])
def test_the_funnel_refuses_a_bad_period(app, client, groningen, coach, query, named):
    response = client.get(funnel_url("groningen"), headers=coach, query_string=query)
    assert response.status_code == 422, response.json
    assert named in response.json["errors"]


@pytest.mark.parametrize("role, status", [("coach", 200), ("admin", 200), ("viewer", 200),
                                          ("jobcoach", 403), ("finance", 403)])
def test_who_may_see_the_funnel(app, client, groningen, coach, make_token, scenario, role, status):
    response = client.get(funnel_url("groningen"), headers=auth(make_token(groningen, role)),
                          query_string={"from": "2024-01-01", "to": "2024-07-01"})
    assert response.status_code == status, response.json
    if status == 200:
        assert response.json == funnel(client, coach, "2024-01-01", "2024-07-01")
        # Aggregates only: no names or ids of candidates.
        assert "Smit" not in response.get_data(as_text=True)
    else:
        assert response.json["code"] == "forbidden" and "referred" not in response.json


# --- a fixed number of SQL statements -------------------------------------------------------------------

@contextmanager
def counted_statements(app):
    """The SQL statements the app's engine executes inside the block."""
    statements: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
        event.listen(engine, "before_cursor_execute", listener)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", listener)


def statements_for(app, client, url, headers, query):
    client.get(url, headers=headers, query_string=query)  # warm-up: token use is recorded at most once a minute
    with counted_statements(app) as statements:
        response = client.get(url, headers=headers, query_string=query)
    assert response.status_code == 200, response.json
    return response, list(statements)


def test_the_list_takes_a_fixed_number_of_statements(app, client, groningen, coach, make_token):
    admin = auth(make_token(groningen, "admin"))
    names = [f"Wijk {n}" for n in range(8)]
    places = [client.post("/api/v1/t/groningen/neighbourhoods", headers=admin, json={"name": name}).json["id"]
              for name in names]
    coaches = []
    for n in range(5):
        with app.app_context():
            with tenant_scope(db.session, groningen.id):
                user = user_service.sign_in(db.session, issuer="https://login.example.test", subject=f"coach-{n}",
                                            roles=["coach"], claims={"name": f"Coach {n}"})
                coaches.append(str(user.id))
            db.session.commit()
            db.session.remove()

    # Five candidates share one neighbourhood and one coach; the next 35 spread over all of them, so that
    # loading related rows one by one (even once per distinct row) would add statements.
    for _ in range(5):
        create(client, coach, neighbourhood_id=places[0], coach_id=coaches[0], health_notes="Niet in de lijst")
    small, few = statements_for(app, client, base("groningen"), coach, {"page_size": 5})
    for n in range(35):
        create(client, coach, neighbourhood_id=places[n % 8], coach_id=coaches[n % 5])
    large, many = statements_for(app, client, base("groningen"), coach, {"page_size": 40})
    assert len(small.json) == 5 and len(large.json) == 40
    assert json.loads(large.headers["X-Pagination"])["total"] == 40
    # Every row shows its neighbourhood and coach by name, so both were loaded...
    assert {c["neighbourhood"] for c in large.json} == set(names)
    assert {c["coach"] for c in large.json} == {f"Coach {n}" for n in range(5)}
    # ...in the same statements: the count does not grow with the page or the data.
    assert len(few) == len(many), (few, many)
    assert len(many) <= 12, many
    candidate_selects = [s for s in many if "FROM candidates" in s and "count(" not in s.lower()]
    assert len(candidate_selects) == 1, candidate_selects
    assert "neighbourhoods" in candidate_selects[0] and "users" in candidate_selects[0]
    assert not [s for s in many if "FROM neighbourhoods" in s or "FROM persons" in s]


def test_the_funnel_takes_a_fixed_number_of_statements(app, client, groningen, coach):
    def add(count):
        for n in range(count):
            candidate = create(client, coach, referral_date="2024-01-02")
            converse(client, coach, candidate, "2024-01-10")
            outcome = ("started", "on_hold", "not_started")[n % 3]
            extra = {"reason_category": "cannot"} if outcome == "not_started" else {}
            decided(client, coach, candidate, outcome=outcome, decided_on="2024-02-01", **extra)

    query = {"from": "2024-01-01", "to": "2025-01-01"}
    add(5)
    small, few = statements_for(app, client, funnel_url("groningen"), coach, query)
    add(35)
    large, many = statements_for(app, client, funnel_url("groningen"), coach, query)
    assert (small.json["referred"], large.json["referred"]) == (5, 40)
    assert (small.json["started"], large.json["started"]) == (2, 14)
    assert len(few) == len(many), (few, many)
    assert len(many) <= 12, many
    with app.app_context():
        with tenant_scope(db.session, groningen.id):
            assert db.session.scalar(select(func.count()).select_from(CandidateDecision)) == 40
        db.session.remove()
