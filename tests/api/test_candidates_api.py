"""Candidates through the API with a coach token: registration rules (BSN, dates, references), search and
filters, the audit trail of views, reveals and changes, special personal data, and eligibility on a date."""

from __future__ import annotations

import itertools
import json
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from basisbaan.extensions import db
from basisbaan.models import AuditEvent, Candidate, Person
from basisbaan.services import settings as settings_service
from basisbaan.services import tenants as tenant_service
from basisbaan.services import users as user_service
from basisbaan.services.audit import Actor
from basisbaan.tenancy import tenant_scope
from tests.conftest import auth

_counter = itertools.count(1)
NON_COACH_ROLES = ("admin", "jobcoach", "finance", "viewer")


def base(slug: str) -> str:
    return f"/api/v1/t/{slug}/candidates"


def body(**overrides) -> dict:
    n = next(_counter)
    data = {"given_names": "Sanne", "family_name": f"de Vries {n}", "referral_source": "colleague",
            "referral_date": "2024-01-15"}
    data.update(overrides)
    return data


def make_user(app, tenant, *roles: str, name: str = "Coach Anna") -> uuid.UUID:
    """A signed-in user of `tenant` with `roles` (as SSO creates them)."""
    n = next(_counter)
    with app.app_context():
        with tenant_scope(db.session, tenant.id):
            user = user_service.sign_in(db.session, issuer="https://login.example.test", subject=f"user-{n}",
                                        roles=list(roles), claims={"name": name})
            user_id = user.id
        db.session.commit()
        db.session.remove()
    return user_id


def scoped_rows(app, tenant, stmt):
    with app.app_context():
        with tenant_scope(db.session, tenant.id):
            rows = list(db.session.scalars(stmt))
        db.session.remove()
    return rows


def audit_events(app, tenant, action: str, entity_id=None) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    if entity_id is not None:
        stmt = stmt.where(AuditEvent.entity_id == str(entity_id))
    return scoped_rows(app, tenant, stmt)


def count_candidates(app, tenant) -> int:
    with app.app_context():
        with tenant_scope(db.session, tenant.id):
            found = db.session.scalar(select(func.count()).select_from(Candidate))
            persons = db.session.scalar(select(func.count()).select_from(Person))
        db.session.remove()
    assert found == persons  # never a person without its candidate (or the reverse)
    return found


@pytest.fixture
def groningen(make_tenant):
    return make_tenant("groningen")


@pytest.fixture
def coach(groningen, make_token):
    return auth(make_token(groningen, "coach"))


@pytest.fixture
def admin(groningen, make_token):
    return auth(make_token(groningen, "admin"))


def create(client, headers, slug="groningen", **overrides):
    response = client.post(base(slug), headers=headers, json=body(**overrides))
    assert response.status_code == 201, response.json
    return response.json


# --- registration: BSN ----------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, last3", [
    ("111222333", "333"),
    ("123456782", "782"),
    ("1112 22 333", "333"),
    ("111.222.333", "333"),
    ("11122237", "237"),  # 8 digits: a leading zero makes 011122237
])
def test_a_valid_bsn_is_accepted_and_only_returned_masked(app, client, groningen, coach, typed, last3):
    response = client.post(base("groningen"), headers=coach, json=body(bsn=typed))
    assert response.status_code == 201, response.json
    created = response.json
    assert created["bsn_masked"] == "******" + last3
    assert created["status"] == "referred"
    assert "bsn" not in created
    digits = typed.replace(" ", "").replace(".", "")
    assert digits not in response.get_data(as_text=True)
    # The stored number is the 9-digit form: revealing it shows the leading zero.
    revealed = client.get(f"{base('groningen')}/{created['id']}/bsn", headers=coach)
    assert revealed.status_code == 200
    assert revealed.json["bsn"] == digits.zfill(9)


@pytest.mark.parametrize("typed", ["123456789", "1234567", "1234567890", "12345678a", "111-222-333"])
def test_an_invalid_bsn_is_refused_and_nothing_is_saved(app, client, groningen, coach, typed):
    response = client.post(base("groningen"), headers=coach, json=body(bsn=typed))
    assert response.status_code == 422, response.json
    assert "bsn" in response.json["errors"]
    assert typed not in response.get_data(as_text=True)  # the message never repeats the number
    assert count_candidates(app, groningen) == 0


def test_a_duplicate_bsn_in_the_same_municipality_is_a_conflict_naming_the_existing_candidate(
        app, client, groningen, coach):
    first = create(client, coach, bsn="123456782")
    again = client.post(base("groningen"), headers=coach, json=body(bsn="1234 56 782"))
    assert again.status_code == 409, again.json
    assert "bsn" in again.json["errors"]
    assert again.json["errors"]["existing_candidate_id"] == [first["id"]]
    assert "123456782" not in again.get_data(as_text=True)
    assert count_candidates(app, groningen) == 1


def test_the_same_bsn_in_another_municipality_is_fine_and_reveals_nothing(
        app, client, groningen, coach, make_tenant, make_token):
    tilburg = make_tenant("tilburg")
    tilburg_coach = auth(make_token(tilburg, "coach"))
    create(client, coach, bsn="123456782", given_names="Groninger")
    response = client.post(base("tilburg"), headers=tilburg_coach, json=body(bsn="123456782"))
    assert response.status_code == 201, response.json
    # The same shape as any new candidate: nothing hints at the other municipality's record.
    assert set(response.json) == set(create(client, tilburg_coach, slug="tilburg"))
    assert response.json["status"] == "referred" and response.json["special"]["has_debts"] is None
    # Searching Tilburg by the number finds only Tilburg's own candidate.
    found = client.get(base("tilburg"), headers=tilburg_coach, query_string={"q": "123456782"})
    assert [c["id"] for c in found.json] == [response.json["id"]]
    assert "Groninger" not in found.get_data(as_text=True)
    assert count_candidates(app, groningen) == 1


def test_the_same_bsn_can_be_kept_but_not_taken_from_another_candidate_on_update(app, client, groningen, coach):
    first = create(client, coach, bsn="111222333")
    second = create(client, coach, bsn="123456782")
    same = client.patch(f"{base('groningen')}/{first['id']}", headers=coach, json={"bsn": "111 222 333"})
    assert same.status_code == 200, same.json
    taken = client.patch(f"{base('groningen')}/{second['id']}", headers=coach, json={"bsn": "111222333"})
    assert taken.status_code == 409
    assert taken.json["errors"]["existing_candidate_id"] == [first["id"]]
    assert client.get(f"{base('groningen')}/{second['id']}/bsn", headers=coach).json["bsn"] == "123456782"


# --- registration: other fields -------------------------------------------------------------------------

def test_a_date_of_birth_in_the_future_is_refused(app, client, groningen, coach):
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = client.post(base("groningen"), headers=coach, json=body(date_of_birth=tomorrow))
    assert response.status_code == 422
    assert "date_of_birth" in response.json["errors"]
    assert count_candidates(app, groningen) == 0
    today = client.post(base("groningen"), headers=coach, json=body(date_of_birth=date.today().isoformat()))
    assert today.status_code == 201


def test_a_referral_date_in_the_future_is_refused(app, client, groningen, coach):
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = client.post(base("groningen"), headers=coach, json=body(referral_date=tomorrow))
    assert response.status_code == 422
    assert "referral_date" in response.json["errors"]


def test_unknown_neighbourhood_and_coach_are_refused(app, client, groningen, coach, admin, make_tenant,
                                                     make_token):
    jobcoach_user = make_user(app, groningen, "jobcoach", name="Job Coach")
    response = client.post(base("groningen"), headers=coach, json=body(
        neighbourhood_id=str(uuid.uuid4()), coach_id=str(jobcoach_user)))
    assert response.status_code == 422, response.json
    assert {"neighbourhood_id", "coach_id"} <= set(response.json["errors"])
    # A neighbourhood and a coach of another municipality are unknown here as well.
    tilburg = make_tenant("tilburg")
    tilburg_coach = make_user(app, tilburg, "coach")
    tilburg_admin = auth(make_token(tilburg, "admin"))
    other = client.post("/api/v1/t/tilburg/neighbourhoods", headers=tilburg_admin, json={"name": "Reeshof"})
    assert other.status_code == 201
    response = client.post(base("groningen"), headers=coach, json=body(
        neighbourhood_id=other.json["id"], coach_id=str(tilburg_coach)))
    assert response.status_code == 422
    assert {"neighbourhood_id", "coach_id"} <= set(response.json["errors"])
    assert count_candidates(app, groningen) == 0
    # A real neighbourhood and a real coach are accepted.
    beijum = client.post("/api/v1/t/groningen/neighbourhoods", headers=admin, json={"name": "Beijum"}).json
    coach_user = make_user(app, groningen, "coach", name="Coach Bram")
    created = create(client, coach, neighbourhood_id=beijum["id"], coach_id=str(coach_user))
    assert (created["neighbourhood"], created["coach"]) == ("Beijum", "Coach Bram")


@pytest.mark.parametrize("extra", [{"bsn_hash": "x"}, {"status": "started"}, {"special": {}}, {"id": "x"}])
def test_unknown_fields_are_refused(app, client, groningen, coach, extra):
    response = client.post(base("groningen"), headers=coach, json=body(**extra))
    assert response.status_code == 422
    assert set(extra) <= set(response.json["errors"])
    assert count_candidates(app, groningen) == 0


def test_required_fields_are_named(app, client, groningen, coach):
    response = client.post(base("groningen"), headers=coach, json={})
    assert response.status_code == 422
    assert {"given_names", "family_name", "referral_source", "referral_date"} <= set(response.json["errors"])


def test_a_deactivated_coach_does_not_block_other_changes_but_cannot_be_assigned(app, client, groningen, coach):
    anna = make_user(app, groningen, "coach", name="Coach Anna")
    created = create(client, coach, coach_id=str(anna))
    with app.app_context():
        with tenant_scope(db.session, groningen.id):
            user_service.update(db.session, user_service.get(db.session, anna), is_active=False,
                                organisation_id=None, actor=Actor.system("test"))
        db.session.commit()
        db.session.remove()
    item = f"{base('groningen')}/{created['id']}"
    changed = client.patch(item, headers=coach, json={"phone": "0612345678"})
    assert changed.status_code == 200, changed.json
    assert (changed.json["phone"], changed.json["coach_id"]) == ("0612345678", str(anna))
    assigned = client.post(base("groningen"), headers=coach, json=body(coach_id=str(anna)))
    assert assigned.status_code == 422 and "coach_id" in assigned.json["errors"]
    bram = make_user(app, groningen, "coach", name="Coach Bram")
    moved = client.patch(item, headers=coach, json={"coach_id": str(bram)})
    assert moved.status_code == 200 and moved.json["coach"] == "Coach Bram"


# --- list: search, filters, pagination ------------------------------------------------------------------

def test_search_by_full_bsn_and_by_part_of_a_name(app, client, groningen, coach):
    wanted = create(client, coach, given_names="Fatima", family_name="El Amrani", bsn="111222333")
    create(client, coach, given_names="Johan", family_name="Bakker", bsn="123456782")
    for q in ("111222333", "1112 22 333", "111.222.333"):
        found = client.get(base("groningen"), headers=coach, query_string={"q": q})
        assert found.status_code == 200
        assert [c["id"] for c in found.json] == [wanted["id"]], q
    for q in ("amra", "FATI", "fatima el"):
        found = client.get(base("groningen"), headers=coach, query_string={"q": q})
        assert [c["id"] for c in found.json] == [wanted["id"]], q
    # Part of a BSN finds nothing (only the full number is searchable), and neither does a wrong number.
    for q in ("111222", "333", "123456789"):
        assert client.get(base("groningen"), headers=coach, query_string={"q": q}).json == [], q


def test_filters_by_status_neighbourhood_and_coach(app, client, groningen, coach, admin):
    beijum = client.post("/api/v1/t/groningen/neighbourhoods", headers=admin, json={"name": "Beijum"}).json
    vinkhuizen = client.post("/api/v1/t/groningen/neighbourhoods", headers=admin, json={"name": "Vinkhuizen"}).json
    anna = make_user(app, groningen, "coach", name="Coach Anna")
    bram = make_user(app, groningen, "coach", name="Coach Bram")
    one = create(client, coach, neighbourhood_id=beijum["id"], coach_id=str(anna))
    two = create(client, coach, neighbourhood_id=vinkhuizen["id"], coach_id=str(anna))
    three = create(client, coach, neighbourhood_id=beijum["id"], coach_id=str(bram))
    talked = client.post(f"{base('groningen')}/{two['id']}/conversations", headers=coach,
                         json={"held_on": "2024-02-01"})
    assert talked.status_code == 201

    def ids(**query):
        response = client.get(base("groningen"), headers=coach, query_string=query)
        assert response.status_code == 200, response.json
        return {c["id"] for c in response.json}

    assert ids() == {one["id"], two["id"], three["id"]}
    assert ids(status="in_conversation") == {two["id"]}
    assert ids(status="referred") == {one["id"], three["id"]}
    assert ids(neighbourhood_id=beijum["id"]) == {one["id"], three["id"]}
    assert ids(coach_id=str(anna)) == {one["id"], two["id"]}
    assert ids(coach_id=str(bram), neighbourhood_id=beijum["id"]) == {three["id"]}
    assert ids(coach_id=str(bram), status="in_conversation") == set()
    bad = client.get(base("groningen"), headers=coach, query_string={"status": "hired"})
    assert bad.status_code == 422 and "status" in bad.json["errors"]


def test_the_list_is_paginated_with_a_header_and_never_has_special_data(app, client, groningen, coach):
    for n in range(7):
        create(client, coach, family_name=f"Jansen {n}", health_notes="Rugklachten", has_debts=True)
    first = client.get(base("groningen"), headers=coach, query_string={"page_size": 3})
    assert first.status_code == 200
    pagination = json.loads(first.headers["X-Pagination"])
    assert pagination["total"] == 7 and pagination["total_pages"] == 3
    assert [c["family_name"] for c in first.json] == ["Jansen 0", "Jansen 1", "Jansen 2"]
    last = client.get(base("groningen"), headers=coach, query_string={"page_size": 3, "page": 3})
    assert [c["family_name"] for c in last.json] == ["Jansen 6"]
    assert all(c["special"] is None for c in first.json + last.json)
    assert "Rugklachten" not in first.get_data(as_text=True)


# --- audit trail ----------------------------------------------------------------------------------------

def test_revealing_the_bsn_is_audited(app, client, groningen, coach):
    created = create(client, coach, bsn="111222333")
    assert audit_events(app, groningen, "candidate.bsn_revealed") == []
    revealed = client.get(f"{base('groningen')}/{created['id']}/bsn", headers=coach)
    assert revealed.status_code == 200 and revealed.json == {"bsn": "111222333"}
    events = audit_events(app, groningen, "candidate.bsn_revealed", created["id"])
    assert len(events) == 1
    assert events[0].actor_type == "token" and events[0].entity_type == "candidate"
    assert "111222333" not in json.dumps(events[0].details)
    client.get(f"{base('groningen')}/{created['id']}/bsn", headers=coach)
    assert len(audit_events(app, groningen, "candidate.bsn_revealed", created["id"])) == 2


def test_viewing_a_candidate_is_audited_and_listing_is_not(app, client, groningen, coach):
    created = create(client, coach)
    client.get(base("groningen"), headers=coach)
    assert audit_events(app, groningen, "candidate.viewed") == []
    detail = client.get(f"{base('groningen')}/{created['id']}", headers=coach)
    assert detail.status_code == 200 and detail.json["id"] == created["id"]
    events = audit_events(app, groningen, "candidate.viewed", created["id"])
    assert len(events) == 1 and events[0].entity_type == "candidate"


def test_an_update_is_audited_with_the_names_of_changed_fields_only(app, client, groningen, coach):
    created = create(client, coach, phone="0611111111", available_hours=32)
    response = client.patch(f"{base('groningen')}/{created['id']}", headers=coach, json={
        "phone": "0698765432", "available_hours": 32, "health_notes": "Astma, geen stoffig werk"})
    assert response.status_code == 200, response.json
    assert response.json["phone"] == "0698765432"
    events = audit_events(app, groningen, "candidate.updated", created["id"])
    assert len(events) == 1
    details = events[0].details
    assert details["fields"] == ["health_notes", "phone"]  # available_hours did not change
    dumped = json.dumps(details)
    for value in ("0698765432", "0611111111", "Astma"):
        assert value not in dumped
    # The creation event names fields too, never their values.
    created_event = audit_events(app, groningen, "candidate.created", created["id"])
    assert len(created_event) == 1 and "phone" in created_event[0].details["fields"]
    assert "0611111111" not in json.dumps(created_event[0].details)


def test_an_update_that_changes_nothing_writes_no_event(app, client, groningen, coach):
    created = create(client, coach, phone="0611111111")
    response = client.patch(f"{base('groningen')}/{created['id']}", headers=coach, json={"phone": "0611111111"})
    assert response.status_code == 200
    assert audit_events(app, groningen, "candidate.updated", created["id"]) == []


def test_an_invalid_update_changes_nothing(app, client, groningen, coach):
    created = create(client, coach, phone="0611111111")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = client.patch(f"{base('groningen')}/{created['id']}", headers=coach, json={
        "phone": "0622222222", "date_of_birth": tomorrow})
    assert response.status_code == 422 and "date_of_birth" in response.json["errors"]
    assert client.get(f"{base('groningen')}/{created['id']}", headers=coach).json["phone"] == "0611111111"
    assert audit_events(app, groningen, "candidate.updated") == []


# --- special personal data -------------------------------------------------------------------------------

SPECIAL = {"has_debts": True, "debt_support": True, "health_notes": "Chronische rugpijn",
           "limitations": "Niet tillen", "support_needs": "Vaste begeleider"}


def test_special_data_is_in_the_detail_for_coaches_only_in_special(app, client, groningen, coach):
    created = create(client, coach, **SPECIAL)
    assert created["special"] == SPECIAL
    detail = client.get(f"{base('groningen')}/{created['id']}", headers=coach).json
    assert detail["special"] == SPECIAL
    for key in SPECIAL:
        assert key not in detail  # only inside `special`
    listed = client.get(base("groningen"), headers=coach).json
    assert listed[0]["id"] == created["id"] and listed[0]["special"] is None
    # Clearing a note.
    cleared = client.patch(f"{base('groningen')}/{created['id']}", headers=coach, json={"health_notes": ""})
    assert cleared.status_code == 200 and cleared.json["special"]["health_notes"] is None
    assert cleared.json["special"]["limitations"] == "Niet tillen"


@pytest.mark.parametrize("role", NON_COACH_ROLES)
def test_other_roles_get_403_on_every_candidates_endpoint(app, client, groningen, coach, make_token, role):
    created = create(client, coach, bsn="111222333", **SPECIAL)
    talked = client.post(f"{base('groningen')}/{created['id']}/conversations", headers=coach,
                         json={"held_on": "2024-02-01", "notes": "Gesprek over schulden"})
    assert talked.status_code == 201
    headers = auth(make_token(groningen, role))
    item = f"{base('groningen')}/{created['id']}"
    # Every route under /candidates the app has (import and export included), with a valid body where the
    # view takes one, and a search by BSN.
    payloads = {("/candidates", "POST"): body(),
                ("/candidates/<uuid:candidate_id>", "PATCH"): {"phone": "0612345678"},
                ("/candidates/<uuid:candidate_id>/conversations", "POST"): {"held_on": "2024-02-02"},
                ("/candidates/<uuid:candidate_id>/decision", "POST"): {"outcome": "on_hold", "decided_on": "2024-02-03"}}
    requests = [("GET", f"{base('groningen')}?q=111222333", None)]
    for rule in app.url_map.iter_rules():
        path = rule.rule.removeprefix("/api/v1/t/<tenant>")
        if not path.startswith("/candidates"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            url = base("groningen") + path.removeprefix("/candidates").replace("<uuid:candidate_id>", created["id"])
            requests.append((method, url, payloads.get((path, method), {})))
    routes = {(method, url.removeprefix(base("groningen"))) for method, url, _ in requests}
    assert {("GET", ""), ("POST", ""), ("GET", f"/{created['id']}"), ("PATCH", f"/{created['id']}"),
            ("GET", f"/{created['id']}/bsn"), ("POST", f"/{created['id']}/decision"),
            ("GET", f"/{created['id']}/eligibility"), ("POST", f"/{created['id']}/conversations")} <= routes
    for method, url, payload in requests:
        response = client.open(url, method=method, headers=headers, json=payload)
        assert response.status_code == 403, (role, method, url, response.status_code)
        text = response.get_data(as_text=True)
        for secret in ("111222333", "******333", created["family_name"], "rugpijn", "schulden"):
            assert secret not in text, (role, method, url)
    # Nothing was changed or logged on their behalf.
    assert count_candidates(app, groningen) == 1
    detail = client.get(item, headers=coach).json
    assert detail["phone"] is None and detail["status"] == "in_conversation"
    assert audit_events(app, groningen, "candidate.bsn_revealed") == []


def test_a_candidate_of_another_municipality_is_not_found(app, client, groningen, coach, make_tenant, make_token):
    tilburg = make_tenant("tilburg")
    theirs = create(client, auth(make_token(tilburg, "coach")), slug="tilburg", bsn="111222333")
    for suffix in ("", "/bsn", "/conversations", "/eligibility", "/decision"):
        response = client.get(f"{base('groningen')}/{theirs['id']}{suffix}", headers=coach)
        assert response.status_code == 404, suffix
    patched = client.patch(f"{base('groningen')}/{theirs['id']}", headers=coach, json={"phone": "0600000000"})
    assert patched.status_code == 404
    assert audit_events(app, tilburg, "candidate.bsn_revealed") == []


# --- eligibility on a date ------------------------------------------------------------------------------

def eligible_groninger(**overrides):
    """Meets every Groningen criterion on 2025-06-15 except the coach's judgement (not judged yet)."""
    data = dict(date_of_birth="1998-06-15", social_assistance_since="2020-01-01", available_hours=32,
                referral_date="2024-01-15")
    data.update(overrides)
    return data


def eligibility(client, coach, candidate_id, on=None, slug="groningen"):
    response = client.get(f"{base(slug)}/{candidate_id}/eligibility", headers=coach,
                          query_string={"on": on} if on else None)
    assert response.status_code == 200, response.json
    return response.json


def test_eligibility_explains_every_criterion_in_dutch_and_english(app, client, groningen, coach):
    created = create(client, coach, **eligible_groninger())
    result = eligibility(client, coach, created["id"], "2025-06-15")
    assert result["on"] == "2025-06-15"
    by_code = {c["code"]: c for c in result["criteria"]}
    assert set(by_code) == {"social_assistance", "minimum_age", "no_reintegration_track", "no_prospect_of_work",
                            "available_hours"}
    assert {code: c["verdict"] for code, c in by_code.items()} == {
        "social_assistance": "pass", "minimum_age": "pass", "no_reintegration_track": "pass",
        "no_prospect_of_work": "judgement", "available_hours": "pass"}
    assert result["overall"] == "judgement"
    for criterion in result["criteria"]:
        assert criterion["explanation_nl"] and criterion["explanation_en"]
        assert criterion["explanation_nl"] != criterion["explanation_en"]
    assert by_code["minimum_age"]["explanation_nl"] == "27 jaar, minimaal 27."
    assert by_code["minimum_age"]["explanation_en"] == "Aged 27, minimum 27."


def test_the_evaluation_date_matters(app, client, groningen, coach):
    created = create(client, coach, **eligible_groninger())

    def verdicts(on):
        return {c["code"]: c["verdict"] for c in eligibility(client, coach, created["id"], on)["criteria"]}

    assert verdicts("2025-06-14")["minimum_age"] == "fail"  # the day before the 27th birthday: 26
    assert verdicts("2025-06-15")["minimum_age"] == "pass"
    assert verdicts("2024-06-15")["minimum_age"] == "fail"
    # Three years on assistance from 2020-01-01: reached on 2023-01-01.
    assert verdicts("2022-12-31")["social_assistance"] == "fail"
    assert verdicts("2023-01-01")["social_assistance"] == "pass"
    assert eligibility(client, coach, created["id"], "2025-06-14")["overall"] == "fail"
    # Without a date: today.
    assert eligibility(client, coach, created["id"])["on"] == date.today().isoformat()
    bad = client.get(f"{base('groningen')}/{created['id']}/eligibility?on=15-06-2025", headers=coach)
    assert bad.status_code == 422 and "on" in bad.json["errors"]


def test_a_settings_version_changes_the_result_from_its_date_only(app, client, groningen, coach, registry):
    created = create(client, coach, **eligible_groninger(date_of_birth="2000-03-01"))  # 25 on 2025-03-01

    def age_verdict(on):
        found = {c["code"]: c for c in eligibility(client, coach, created["id"], on)["criteria"]}
        return found["minimum_age"]["verdict"]

    assert age_verdict("2025-06-01") == "fail"
    with app.app_context():
        tenant = tenant_service.get_by_slug(db.session, "groningen")
        with tenant_scope(db.session, tenant.id):
            settings_service.add_version(db.session, tenant, registry.for_tenant(tenant), {"minimum_age": 25},
                                         date(2025, 6, 1), Actor.system("test"))
        db.session.commit()
        db.session.remove()
    assert age_verdict("2025-05-31") == "fail"  # before the new version: minimum 27
    assert age_verdict("2025-06-01") == "pass"  # from the version's date: minimum 25
    on_date = {c["code"]: c for c in eligibility(client, coach, created["id"], "2025-06-01")["criteria"]}
    assert on_date["minimum_age"]["explanation_en"] == "Aged 25, minimum 25."


def test_hours_outside_the_range_need_agreement(app, client, groningen, coach):
    created = create(client, coach, **eligible_groninger(available_hours=24))

    def hours():
        found = {c["code"]: c for c in eligibility(client, coach, created["id"], "2025-06-15")["criteria"]}
        return found["available_hours"]["verdict"]

    assert hours() == "judgement"
    assert client.patch(f"{base('groningen')}/{created['id']}", headers=coach,
                        json={"hours_agreed": True}).status_code == 200
    assert hours() == "pass"


def test_other_municipalities_apply_their_own_criteria(app, client, make_tenant, make_token):
    tilburg = auth(make_token(make_tenant("tilburg"), "coach"))  # on assistance, no re-integration track
    created = create(client, tilburg, slug="tilburg", social_assistance_since="2025-01-01",
                     reintegration_track="taaltraject")
    result = eligibility(client, tilburg, created["id"], "2025-06-01", slug="tilburg")
    assert {c["code"]: c["verdict"] for c in result["criteria"]} == {
        "social_assistance": "pass", "no_reintegration_track": "fail"}
    # Amersfoort: long-term assistance, or no work after a participation job.
    amersfoort = auth(make_token(make_tenant("amersfoort"), "coach"))
    short = create(client, amersfoort, slug="amersfoort", social_assistance_since="2024-01-01")
    after_job = create(client, amersfoort, slug="amersfoort", social_assistance_since="2024-01-01",
                       after_participation_job=True)

    def verdicts(candidate):
        found = eligibility(client, amersfoort, candidate["id"], "2025-06-01", slug="amersfoort")
        return {c["code"]: c["verdict"] for c in found["criteria"]}

    assert verdicts(short) == {"long_term_or_after_participation_job": "fail", "no_reintegration_track": "pass"}
    assert verdicts(after_job) == {"long_term_or_after_participation_job": "pass", "no_reintegration_track": "pass"}
