"""Candidates' personal data at rest and in the audit log: the BSN and special data are never stored in
plain text (read back as the database owner, past the application's walls), the BSN look-up hash is keyed,
the audit log names fields but holds no values, and only coaches reach any of it."""

from __future__ import annotations

import hashlib
import json
import uuid

import pytest
from sqlalchemy import select, text

from basisbaan.extensions import db
from basisbaan.models import AuditEvent
from basisbaan.tenancy import tenant_scope
from tests.conftest import auth


BSN = "111222333"
PERSONAL = {
    "given_names": "Wilhelmina", "family_name": "Oosterhuis-Kwast", "email": "w.oosterhuis@example.test",
    "phone": "0612349876", "date_of_birth": "1985-04-12", "bsn": "1112 22 333",
}
SPECIAL = {
    "has_debts": True, "debt_support": True,
    "health_notes": "Diabetes type 2 en COPD",
    "limitations": "Kan niet langer dan een uur staan",
    "support_needs": "Begeleiding bij plannen door maatschappelijk werk",
}
CONVERSATION_NOTES = "Vertelde over de scheiding en de schuldhulp"
SECRETS_AT_REST = (BSN, SPECIAL["health_notes"], SPECIAL["limitations"], SPECIAL["support_needs"],
                   CONVERSATION_NOTES)


def base(slug: str = "groningen") -> str:
    return f"/api/v1/t/{slug}/candidates"


@pytest.fixture
def groningen(make_tenant):
    return make_tenant("groningen")


@pytest.fixture
def coach(groningen, make_token):
    return auth(make_token(groningen, "coach"))


@pytest.fixture
def candidate(client, coach):
    """A candidate with a BSN, special data and an intake conversation with notes."""
    response = client.post(base(), headers=coach, json={
        **PERSONAL, **SPECIAL, "referral_source": "colleague", "referral_date": "2024-01-15"})
    assert response.status_code == 201, response.json
    created = response.json
    talked = client.post(f"{base()}/{created['id']}/conversations", headers=coach,
                         json={"held_on": "2024-01-20", "notes": CONVERSATION_NOTES})
    assert talked.status_code == 201, talked.json
    return created


def all_rows(owner_engine) -> dict[str, list[dict]]:
    """Every row of every table, read as the owner (no tenant scoping, no row-level security)."""
    found = {}
    with owner_engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            found[table.name] = [dict(row._mapping) for row in conn.execute(table.select())]
    return found


def tables_containing(owner_engine, needle: str) -> list[tuple[str, str]]:
    hits = []
    for table, rows in all_rows(owner_engine).items():
        for row in rows:
            for column, value in row.items():
                shown = json.dumps(value) if isinstance(value, (dict, list)) else str(value)
                if value is not None and needle in shown:
                    hits.append((table, column))
    return hits


def secrets(app):
    return app.extensions["basisbaan.secrets"]


# --- at rest ----------------------------------------------------------------------------------------------

def test_the_bsn_is_stored_encrypted_with_a_keyed_hash_and_the_last_three_digits(app, owner_engine, candidate):
    rows = all_rows(owner_engine)
    (person,) = rows["persons"]
    assert person["bsn_last3"] == "333"
    assert person["bsn_encrypted"] and BSN not in person["bsn_encrypted"]
    assert secrets(app).decrypt(person["bsn_encrypted"]) == BSN
    # The look-up hash is keyed: it is not the plain SHA-256 of the number (which anyone could recompute).
    assert len(person["bsn_hash"]) == 64
    assert person["bsn_hash"] != hashlib.sha256(BSN.encode()).hexdigest()
    # Keyed and salted with the municipality, so the same person cannot be linked across municipalities.
    assert person["bsn_hash"] == secrets(app).keyed_hash(f"{person['tenant_id']}:{BSN}")
    assert person["bsn_hash"] != secrets(app).keyed_hash(BSN)


def test_no_column_of_any_table_holds_the_bsn_or_special_data_in_plain_text(app, client, coach, owner_engine,
                                                                             candidate):
    # Use the record the way a coach does: view, search by BSN, reveal, change, decide.
    item = f"{base()}/{candidate['id']}"
    assert client.get(item, headers=coach).status_code == 200
    assert len(client.get(base(), headers=coach, query_string={"q": BSN}).json) == 1
    assert client.get(f"{item}/bsn", headers=coach).json == {"bsn": BSN}
    assert client.patch(item, headers=coach, json={"limitations": SPECIAL["limitations"],
                                                   "bsn": BSN}).status_code == 200
    assert client.post(f"{item}/decision", headers=coach,
                       json={"outcome": "on_hold", "decided_on": "2024-01-25"}).status_code == 201
    for secret in SECRETS_AT_REST:
        assert tables_containing(owner_engine, secret) == [], secret
    # The encrypted columns hold what was entered.
    (row,) = all_rows(owner_engine)["candidates"]
    assert secrets(app).decrypt(row["health_notes_encrypted"]) == SPECIAL["health_notes"]
    assert secrets(app).decrypt(row["support_needs_encrypted"]) == SPECIAL["support_needs"]
    (conversation,) = all_rows(owner_engine)["intake_conversations"]
    assert secrets(app).decrypt(conversation["notes_encrypted"]) == CONVERSATION_NOTES


def test_the_scan_would_see_a_plain_value(owner_engine, candidate):
    """The check above is not vacuous: plain personal fields (not special data) are found by the same scan."""
    assert ("persons", "family_name") in tables_containing(owner_engine, PERSONAL["family_name"])
    assert ("persons", "phone") in tables_containing(owner_engine, PERSONAL["phone"])


def test_a_raw_sql_search_for_the_bsn_finds_nothing(owner_engine, candidate):
    with owner_engine.connect() as conn:
        hits = conn.execute(text(
            "SELECT count(*) FROM persons WHERE bsn_encrypted LIKE :n OR bsn_hash LIKE :n OR bsn_last3 = :full"),
            {"n": f"%{BSN}%", "full": BSN}).scalar()
    assert hits == 0


# --- the audit log ----------------------------------------------------------------------------------------

def test_the_audit_log_names_fields_and_never_holds_their_values(app, client, coach, groningen, owner_engine,
                                                                 candidate):
    item = f"{base()}/{candidate['id']}"
    client.get(item, headers=coach)
    client.get(f"{item}/bsn", headers=coach)
    client.patch(item, headers=coach, json={"phone": "0687654321", "health_notes": "Ook hartproblemen",
                                            "email": "nieuw@example.test"})
    with app.app_context():
        with tenant_scope(db.session, groningen.id):
            events = list(db.session.scalars(select(AuditEvent).where(
                AuditEvent.entity_id == candidate["id"]).order_by(AuditEvent.id)))
        db.session.remove()
    actions = [e.action for e in events]
    assert actions == ["candidate.created", "candidate.conversation_added", "candidate.viewed",
                       "candidate.bsn_revealed", "candidate.updated"]
    assert events[-1].details == {"fields": ["email", "health_notes", "phone"]}
    assert {"bsn", "health_notes", "family_name"} <= set(events[0].details["fields"])
    dumped = json.dumps([e.details for e in events])
    values = [BSN, "0687654321", "Ook hartproblemen", "nieuw@example.test", CONVERSATION_NOTES,
              *(v for v in PERSONAL.values()), *(v for v in SPECIAL.values() if isinstance(v, str))]
    for value in values:
        assert value not in dumped, value
    # Nor does any other column of the audit table (actor labels, entity ids).
    for row in all_rows(owner_engine)["audit_events"]:
        flat = json.dumps({k: str(v) for k, v in row.items()})
        for value in values:
            assert value not in flat, value


def test_every_reveal_is_logged_with_who_revealed(app, client, coach, groningen, make_token, candidate):
    second_coach = auth(make_token(groningen, "coach"))
    for headers in (coach, second_coach, coach):
        assert client.get(f"{base()}/{candidate['id']}/bsn", headers=headers).json["bsn"] == BSN
    with app.app_context():
        with tenant_scope(db.session, groningen.id):
            events = list(db.session.scalars(select(AuditEvent).where(
                AuditEvent.action == "candidate.bsn_revealed").order_by(AuditEvent.id)))
        db.session.remove()
    assert [e.entity_id for e in events] == [candidate["id"]] * 3
    assert all(e.actor_type == "token" for e in events)
    assert events[0].actor_id == events[2].actor_id != events[1].actor_id


def test_a_reveal_for_an_unknown_candidate_logs_nothing(app, client, coach, groningen, candidate):
    response = client.get(f"{base()}/{uuid.uuid4()}/bsn", headers=coach)
    assert response.status_code == 404
    with app.app_context():
        with tenant_scope(db.session, groningen.id):
            assert list(db.session.scalars(select(AuditEvent).where(
                AuditEvent.action == "candidate.bsn_revealed"))) == []
        db.session.remove()


# --- who sees what ----------------------------------------------------------------------------------------

def test_responses_carry_the_masked_bsn_only(client, coach, candidate):
    item = f"{base()}/{candidate['id']}"
    for response in (client.get(item, headers=coach), client.get(base(), headers=coach),
                     client.get(base(), headers=coach, query_string={"q": BSN}),
                     client.patch(item, headers=coach, json={"phone": "0600000001"})):
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert BSN not in body and "1112 22 333" not in body
        assert "******333" in body
    assert candidate["bsn_masked"] == "******333" and "bsn" not in candidate


def test_special_data_is_in_the_coachs_detail_and_nowhere_else(client, coach, candidate):
    detail = client.get(f"{base()}/{candidate['id']}", headers=coach).json
    assert detail["special"] == SPECIAL
    listing = client.get(base(), headers=coach)
    assert listing.json[0]["special"] is None
    for value in (SPECIAL["health_notes"], SPECIAL["limitations"], SPECIAL["support_needs"]):
        assert value not in listing.get_data(as_text=True)
    assert "has_debts" not in listing.json[0] and "has_debts" not in detail


@pytest.mark.parametrize("role", ["admin", "jobcoach", "finance", "viewer"])
def test_other_roles_reach_no_personal_data(app, client, groningen, make_token, candidate, role):
    headers = auth(make_token(groningen, role))
    item = f"{base()}/{candidate['id']}"
    for url in (base(), f"{base()}?q={BSN}", item, f"{item}/bsn", f"{item}/conversations", f"{item}/eligibility",
                f"{item}/decision"):
        response = client.get(url, headers=headers)
        assert response.status_code == 403, (role, url)
        body = response.get_data(as_text=True)
        for value in (BSN, "******333", PERSONAL["family_name"], SPECIAL["health_notes"], CONVERSATION_NOTES):
            assert value not in body, (role, url)
    # The funnel, for those who may see it, is counts only.
    funnel = client.get("/api/v1/t/groningen/funnel?from=2024-01-01&to=2025-01-01", headers=headers)
    if role in ("admin", "viewer"):
        assert funnel.status_code == 200 and funnel.json["referred"] == 1 and funnel.json["spoken"] == 1
        body = funnel.get_data(as_text=True)
        assert PERSONAL["family_name"] not in body and candidate["id"] not in body
    else:
        assert funnel.status_code == 403


def test_another_municipality_with_the_same_bsn_learns_nothing(app, client, candidate, make_tenant, make_token):
    tilburg = make_tenant("tilburg")
    other = auth(make_token(tilburg, "coach"))
    # Searching for the number finds nothing there, and registering it is an ordinary registration.
    assert client.get(base("tilburg"), headers=other, query_string={"q": BSN}).json == []
    response = client.post(base("tilburg"), headers=other, json={
        "given_names": "Piet", "family_name": "Tilburger", "bsn": BSN, "referral_source": "self",
        "referral_date": "2024-02-01"})
    assert response.status_code == 201
    body = response.get_data(as_text=True)
    assert candidate["id"] not in body and PERSONAL["family_name"] not in body
    # Each municipality's coach sees only its own candidate under that number.
    assert [c["id"] for c in client.get(base("tilburg"), headers=other, query_string={"q": BSN}).json] == [
        response.json["id"]]
    assert client.get(f"{base('tilburg')}/{candidate['id']}/bsn", headers=other).status_code == 404
