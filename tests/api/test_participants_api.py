"""Participants and their employment through the API: starting employment, contracts with dated versions,
renewals with performance reports, absences with Gatekeeper steps, exits, the absence rate, the work list,
CAO terms and the CAO transition; the bad inputs of the issue (422 naming the field, nothing saved),
optimistic locking (409), job coaches scoped to their organisation, and the audit trail."""

from __future__ import annotations

import itertools
import json
import threading
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from basisbaan.errors import InvalidInput
from basisbaan.extensions import db
from basisbaan.models import AuditEvent
from basisbaan.services import settings as settings_service
from basisbaan.services import tenants as tenant_service
from basisbaan.services import tokens as token_service
from basisbaan.services import users as user_service
from basisbaan.services.audit import Actor
from basisbaan.tenancy import tenant_scope
from tests.conftest import auth
from tests.employment_helpers import api, coaching, contract_body, employer, organisation, started_candidate

_counter = itertools.count(1)

# Rows that a refused request must leave untouched (audit events too: a refusal records nothing).
COUNTED_TABLES = ("persons", "candidates", "participants", "contracts", "contract_versions", "performance_reports",
                  "absences", "gatekeeper_steps", "audit_events")


@dataclass(frozen=True)
class Env:
    tenant: object
    slug: str
    coach: dict
    admin: dict
    employer: str


@pytest.fixture
def gr(app, client, make_tenant, make_token) -> Env:
    """Groningen (CAO SW, contracts of 20-36 hours) with a coach's and an admin's token and an employer."""
    tenant = make_tenant("groningen")
    coach, admin = auth(make_token(tenant, "coach")), auth(make_token(tenant, "admin"))
    return Env(tenant, tenant.slug, coach, admin, employer(client, admin, tenant.slug, "Thermiek BV"))


def counts(owner_engine, tenant) -> dict[str, int]:
    """Rows per table of `tenant`, read as the owner (no tenant scoping, no RLS)."""
    with owner_engine.connect() as conn:
        found = {}
        for name in COUNTED_TABLES:
            table = db.metadata.tables[name]
            found[name] = conn.execute(select(func.count()).select_from(table)
                                       .where(table.c.tenant_id == tenant.id)).scalar()
        return found


def jobcoach(app, tenant, organisation: str | None) -> dict:
    """A job coach's token bound to a coaching organisation (name or id), or to none."""
    with app.app_context():
        found = tenant_service.get_by_slug(db.session, tenant.slug)
        with tenant_scope(db.session, found.id):
            issued = token_service.create(db.session, found, role="jobcoach", name=f"jobcoach-{next(_counter)}",
                                          days=30, max_days=366, actor=Actor.system("test"), organisation=organisation)
        db.session.commit()
        db.session.remove()
    return auth(issued.plaintext)


def coach_user(app, tenant, name="Coach Anna", roles=("coach",)) -> str:
    with app.app_context():
        with tenant_scope(db.session, tenant.id):
            user = user_service.sign_in(db.session, issuer="https://login.example.test",
                                        subject=f"user-{next(_counter)}", roles=list(roles), claims={"name": name})
            user_id = user.id
        db.session.commit()
        db.session.remove()
    return str(user_id)


def add_settings(app, registry, tenant, values: dict, effective_from: date) -> None:
    with app.app_context():
        found = tenant_service.get_by_slug(db.session, tenant.slug)
        with tenant_scope(db.session, found.id):
            settings_service.add_version(db.session, found, registry.for_tenant(found), values, effective_from,
                                         Actor.system("test"))
        db.session.commit()
        db.session.remove()


def audit_events(app, tenant, action: str, entity_id=None) -> list[AuditEvent]:
    with app.app_context():
        with tenant_scope(db.session, tenant.id):
            stmt = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            if entity_id is not None:
                stmt = stmt.where(AuditEvent.entity_id == str(entity_id))
            found = list(db.session.scalars(stmt))
        db.session.remove()
    return found


def begin(client, env: Env, *, started_on="2023-01-01", candidate: str | None = None, coach_id=None,
          coaching_organisation_id=None, expect=201, candidate_fields: dict | None = None, **contract) -> dict:
    """Start employment for a (new) started candidate; returns the participant (or the error body)."""
    candidate = candidate or started_candidate(client, env.coach, env.slug, **(candidate_fields or {}))
    body = {"candidate_id": candidate, "started_on": started_on,
            "contract": {**contract_body(env.employer), **contract}}
    if coach_id is not None:
        body["coach_id"] = coach_id
    if coaching_organisation_id is not None:
        body["coaching_organisation_id"] = coaching_organisation_id
    response = client.post(api(env.slug, "/participants"), headers=env.coach, json=body)
    assert response.status_code == expect, response.json
    return response.json


def contracts_of(client, env: Env, pid: str, headers=None) -> list[dict]:
    response = client.get(api(env.slug, f"/participants/{pid}/contracts"), headers=headers or env.coach)
    assert response.status_code == 200, response.json
    return response.json


def absences_of(client, env: Env, pid: str, headers=None) -> list[dict]:
    response = client.get(api(env.slug, f"/participants/{pid}/absences"), headers=headers or env.coach)
    assert response.status_code == 200, response.json
    return response.json


def renewal(env: Env, **overrides) -> dict:
    body = contract_body(env.employer, start_on="2024-01-01", end_on="2024-12-31",
                         performance_report={"written_on": "2023-11-15", "author": "Coach Anna", "advice": "renew"})
    body.update(overrides)
    return body


def refused(response, status: int, field: str) -> dict:
    assert response.status_code == status, (response.status_code, response.json)
    body = response.json
    assert set(body) == {"code", "status", "message", "errors"}
    assert field in body["errors"], body
    return body


def ids(items) -> set[str]:
    return {item["id"] for item in items}


# --- starting employment --------------------------------------------------------------------------------

def test_start_creates_the_participant_and_the_first_contract(app, client, gr):
    cid = started_candidate(client, gr.coach, gr.slug, date_of_birth="1966-05-02", gender="female")
    p = begin(client, gr, candidate=cid)
    assert p["candidate_id"] == cid and p["started_on"] == "2023-01-01" and p["version"] == 1
    assert p["status"] == "active" and p["exit_on"] is None and p["exit_reason"] is None and p["dropout"] is False
    assert p["given_names"] == "Piet" and p["family_name"].startswith("Jansen")
    assert p["date_of_birth"] == "1966-05-02" and p["gender"] == "female"  # a municipal coach sees them
    assert p["current_contract"] is None  # the first contract ended on 2023-12-31
    [contract] = contracts_of(client, gr, p["id"])
    assert contract["start_on"] == "2023-01-01"  # defaults to the participant's start
    assert contract["end_on"] == contract["last_day"] == "2023-12-31" and contract["terminated_on"] is None
    assert contract["kind"] == "temporary" and contract["employer"] == "Thermiek BV" and contract["version"] == 1
    assert contract["trial_period_months"] == 1 and contract["in_force"] is False
    [version] = contract["versions"]
    assert version["valid_from"] == "2023-01-01" and version["reason"] == "start" and version["cao"] == "cao_sw"
    assert Decimal(version["hours_per_week"]) == 32
    # 1934.40 a month x 3 / 13 / 36 hours (CAO SW's standard week) = 12.40
    assert version["hourly_wage"] == "12.40" and version["wage_basis"] == "minimum_wage"
    assert contract["performance_reports"] == []
    assert len(audit_events(app, gr.tenant, "participant.started", p["id"])) == 1
    assert len(audit_events(app, gr.tenant, "contract.created", p["id"])) == 1


def test_the_current_contract_is_the_one_in_force_today(client, gr):
    today = date.today()
    p = begin(client, gr, started_on="2023-01-01", kind="permanent", end_on=None)
    assert p["current_contract"]["kind"] == "permanent" and p["current_contract"]["cao"] == "cao_sw"
    assert p["current_contract"]["employer_id"] == gr.employer and p["current_contract"]["end_on"] is None
    [contract] = contracts_of(client, gr, p["id"])
    assert contract["in_force"] is True and contract["last_day"] is None
    listed = client.get(api(gr.slug, "/participants"), headers=gr.coach, query_string={"on": today.isoformat()})
    assert listed.json[0]["current_contract"]["id"] == contract["id"]


def test_the_coach_defaults_to_the_candidates_coach_and_can_be_given(app, client, gr):
    anna, bert = coach_user(app, gr.tenant, "Coach Anna"), coach_user(app, gr.tenant, "Coach Bert")
    org = coaching(client, gr.admin, gr.slug, "Begeleidende partij Noord")
    default = begin(client, gr, candidate_fields={"coach_id": anna})
    assert default["coach_id"] == anna and default["coach"] == "Coach Anna"
    given = begin(client, gr, candidate_fields={"coach_id": anna}, coach_id=bert, coaching_organisation_id=org)
    assert given["coach_id"] == bert and given["coach"] == "Coach Bert"
    assert given["coaching_organisation_id"] == org and given["coaching_organisation"] == "Begeleidende partij Noord"


def test_only_a_candidate_decided_to_start_can_start(app, client, gr, owner_engine):
    referred = client.post(api(gr.slug, "/candidates"), headers=gr.coach, json={
        "given_names": "Kim", "family_name": "Nog Niet", "referral_source": "self", "referral_date": "2022-10-01"})
    assert referred.status_code == 201
    before = counts(owner_engine, gr.tenant)
    for candidate in (referred.json["id"], str(uuid.uuid4())):
        response = client.post(api(gr.slug, "/participants"), headers=gr.coach, json={
            "candidate_id": candidate, "started_on": "2023-01-01", "contract": contract_body(gr.employer)})
        refused(response, 422, "candidate_id")
    assert counts(owner_engine, gr.tenant) == before


def test_a_start_before_the_decision_is_refused(client, gr, owner_engine):
    cid = started_candidate(client, gr.coach, gr.slug)  # decided on 2022-11-20
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, "/participants"), headers=gr.coach, json={
        "candidate_id": cid, "started_on": "2022-11-19", "contract": contract_body(gr.employer)}), 422, "started_on")
    assert counts(owner_engine, gr.tenant) == before


def test_unknown_coach_and_a_non_coaching_organisation_are_refused(app, client, gr, owner_engine):
    cid = started_candidate(client, gr.coach, gr.slug)
    admin_user = coach_user(app, gr.tenant, "Admin Only", roles=("admin",))
    before = counts(owner_engine, gr.tenant)
    for extra, field in (({"coach_id": str(uuid.uuid4())}, "coach_id"), ({"coach_id": admin_user}, "coach_id"),
                         ({"coaching_organisation_id": gr.employer}, "coaching_organisation_id"),
                         ({"coaching_organisation_id": str(uuid.uuid4())}, "coaching_organisation_id")):
        refused(client.post(api(gr.slug, "/participants"), headers=gr.coach, json={
            "candidate_id": cid, "started_on": "2023-01-01", "contract": contract_body(gr.employer), **extra}),
            422, field)
    assert counts(owner_engine, gr.tenant) == before


def test_a_start_with_an_invalid_contract_saves_nothing_at_all(client, gr, owner_engine):
    """The participant and its first contract are saved together or not at all."""
    cid = started_candidate(client, gr.coach, gr.slug)
    before = counts(owner_engine, gr.tenant)
    for contract, field in (({"hours_per_week": "38"}, "contract.hours_per_week"),
                            ({"end_on": "2022-12-31"}, "contract.end_on"),
                            ({"employer_id": str(uuid.uuid4())}, "contract.employer_id"),
                            ({"kind": "permanent"}, "contract.end_on"),  # a permanent contract has no end date
                            ({"end_on": None}, "contract.end_on")):  # a temporary contract needs one
        response = client.post(api(gr.slug, "/participants"), headers=gr.coach, json={
            "candidate_id": cid, "started_on": "2023-01-01", "contract": {**contract_body(gr.employer), **contract}})
        refused(response, 422, field)
    assert counts(owner_engine, gr.tenant) == before
    assert begin(client, gr, candidate=cid)["candidate_id"] == cid  # the candidate can still start


def test_a_start_while_a_participation_is_open_is_a_conflict(client, gr, owner_engine):
    cid = started_candidate(client, gr.coach, gr.slug)
    first = begin(client, gr, candidate=cid)
    before = counts(owner_engine, gr.tenant)
    response = client.post(api(gr.slug, "/participants"), headers=gr.coach, json={
        "candidate_id": cid, "started_on": "2025-01-01",
        "contract": contract_body(gr.employer, end_on="2025-12-31")})
    body = refused(response, 409, "candidate_id")
    assert body["code"] == "conflict" and body["errors"]["existing_participant_id"] == [first["id"]]
    assert counts(owner_engine, gr.tenant) == before


def test_a_restart_after_the_exit_is_a_second_participation_of_the_same_person(client, gr, owner_engine):
    cid = started_candidate(client, gr.coach, gr.slug)
    first = begin(client, gr, candidate=cid)
    ex = client.post(api(gr.slug, f"/participants/{first['id']}/exit"), headers=gr.coach,
                     json={"date": "2023-06-30", "reason": "regular_job", "version": first["version"]})
    assert ex.status_code == 200, ex.json
    before = counts(owner_engine, gr.tenant)
    # Not on or before the previous exit.
    for day in ("2023-06-30", "2023-03-01"):
        refused(client.post(api(gr.slug, "/participants"), headers=gr.coach, json={
            "candidate_id": cid, "started_on": day, "contract": contract_body(gr.employer)}), 422, "started_on")
    assert counts(owner_engine, gr.tenant) == before
    second = begin(client, gr, candidate=cid, started_on="2024-02-01", end_on="2025-01-31")
    assert second["id"] != first["id"]
    assert second["person_id"] == first["person_id"] and second["candidate_id"] == cid
    after = counts(owner_engine, gr.tenant)
    # One person, one history: no copy of the person or the candidate, a second participant and contract.
    assert after["persons"] == before["persons"] and after["candidates"] == before["candidates"]
    assert after["participants"] == before["participants"] + 1 and after["contracts"] == before["contracts"] + 1
    found = client.get(api(gr.slug, "/participants"), headers=gr.coach,
                       query_string={"q": first["family_name"], "on": "2024-03-01"})
    assert {p["id"]: p["status"] for p in found.json} == {first["id"]: "exited", second["id"]: "active"}
    assert {p["person_id"] for p in found.json} == {first["person_id"]}
    # Each participation keeps its own contracts.
    assert [c["start_on"] for c in contracts_of(client, gr, first["id"])] == ["2023-01-01"]
    assert [c["start_on"] for c in contracts_of(client, gr, second["id"])] == ["2024-02-01"]
    # And the new participation is open again: a third start is a conflict.
    assert client.post(api(gr.slug, "/participants"), headers=gr.coach, json={
        "candidate_id": cid, "started_on": "2026-01-01",
        "contract": contract_body(gr.employer, end_on="2026-12-31")}).status_code == 409


def test_a_candidate_with_a_participation_is_not_deleted_alone_but_erasing_the_person_removes_both(
        app, client, gr):
    from sqlalchemy import delete
    from sqlalchemy.exc import IntegrityError

    from basisbaan.models import Candidate, Participant, Person

    cid = started_candidate(client, gr.coach, gr.slug)
    p = begin(client, gr, candidate=cid)
    with app.app_context():
        with tenant_scope(db.session, gr.tenant.id):
            with pytest.raises(IntegrityError):
                db.session.execute(delete(Candidate).where(Candidate.id == uuid.UUID(cid)))
                db.session.flush()
            db.session.rollback()
        with tenant_scope(db.session, gr.tenant.id):
            kept = db.session.scalars(select(Participant).where(Participant.id == uuid.UUID(p["id"]))).one()
            assert str(kept.candidate_id) == cid
            # Right to erasure: deleting the person removes candidate and participation in one statement.
            db.session.execute(delete(Person).where(Person.id == uuid.UUID(p["person_id"])))
            db.session.commit()
        with tenant_scope(db.session, gr.tenant.id):
            assert db.session.scalars(select(Participant).where(Participant.id == uuid.UUID(p["id"]))).first() is None
            assert db.session.scalars(select(Candidate).where(Candidate.id == uuid.UUID(cid))).first() is None
        db.session.remove()


# --- the issue's bad inputs: 422 naming the field, nothing saved ----------------------------------------

def test_overlapping_contracts_are_refused(client, gr, owner_engine):
    p = begin(client, gr, end_on="2023-12-31")
    before = counts(owner_engine, gr.tenant)
    for start_on, end_on in (("2023-12-31", "2024-12-31"), ("2023-06-01", "2023-09-30"), ("2022-12-01", None)):
        body = renewal(gr, start_on=start_on, end_on=end_on, kind="temporary" if end_on else "permanent")
        refused(client.post(api(gr.slug, f"/participants/{p['id']}/contracts"), headers=gr.coach, json=body),
                422, "start_on")
    assert counts(owner_engine, gr.tenant) == before
    # The day after the previous contract is fine.
    ok = client.post(api(gr.slug, f"/participants/{p['id']}/contracts"), headers=gr.coach, json=renewal(gr))
    assert ok.status_code == 201, ok.json


def test_a_contract_after_a_permanent_one_overlaps(client, gr, owner_engine):
    p = begin(client, gr, kind="permanent", end_on=None)
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, f"/participants/{p['id']}/contracts"), headers=gr.coach,
                        json=renewal(gr, start_on="2030-01-01", end_on="2030-12-31", performance_report=None)),
            422, "start_on")
    assert counts(owner_engine, gr.tenant) == before


@pytest.mark.parametrize("hours", ["19", "19.5", "36.5", "37", "40"])
def test_hours_outside_groningens_range_are_refused_everywhere(client, gr, owner_engine, hours):
    cid = started_candidate(client, gr.coach, gr.slug)
    p = begin(client, gr)
    [contract] = contracts_of(client, gr, p["id"])
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, "/participants"), headers=gr.coach, json={
        "candidate_id": cid, "started_on": "2023-01-01",
        "contract": contract_body(gr.employer, hours_per_week=hours)}), 422, "contract.hours_per_week")
    refused(client.post(api(gr.slug, f"/participants/{p['id']}/contracts"), headers=gr.coach,
                        json=renewal(gr, hours_per_week=hours)), 422, "hours_per_week")
    refused(client.patch(api(gr.slug, f"/participants/{p['id']}/contracts/{contract['id']}"), headers=gr.coach,
                         json={"version": contract["version"], "valid_from": "2023-06-01", "hours_per_week": hours}),
            422, "hours_per_week")
    assert counts(owner_engine, gr.tenant) == before
    assert contracts_of(client, gr, p["id"]) == [contract]


@pytest.mark.parametrize("hours", ["20", "36"])
def test_the_ends_of_the_range_are_allowed(client, gr, hours):
    p = begin(client, gr, hours_per_week=hours)
    assert Decimal(contracts_of(client, gr, p["id"])[0]["versions"][0]["hours_per_week"]) == Decimal(hours)


@pytest.mark.parametrize("hours", ["0", "-4", "41", "abc"])
def test_impossible_hours_are_refused_by_the_schema(client, gr, hours):
    cid = started_candidate(client, gr.coach, gr.slug)
    response = client.post(api(gr.slug, "/participants"), headers=gr.coach, json={
        "candidate_id": cid, "started_on": "2023-01-01", "contract": contract_body(gr.employer, hours_per_week=hours)})
    body = refused(response, 422, "contract")
    assert "hours_per_week" in body["errors"]["contract"]


def test_a_settings_version_changes_the_allowed_hours_from_its_date(app, client, gr, registry):
    add_settings(app, registry, gr.tenant, {"hours_per_week_min": 24}, date(2024, 1, 1))
    p = begin(client, gr, hours_per_week="20")  # 2023: 20 hours allowed
    refused(client.post(api(gr.slug, f"/participants/{p['id']}/contracts"), headers=gr.coach,
                        json=renewal(gr, hours_per_week="20")), 422, "hours_per_week")
    assert client.post(api(gr.slug, f"/participants/{p['id']}/contracts"), headers=gr.coach,
                       json=renewal(gr, hours_per_week="24")).status_code == 201


def test_an_end_date_before_the_start_is_refused(client, gr, owner_engine):
    p = begin(client, gr)
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, f"/participants/{p['id']}/contracts"), headers=gr.coach,
                        json=renewal(gr, start_on="2024-01-01", end_on="2023-12-31")), 422, "end_on")
    refused(client.post(api(gr.slug, f"/participants/{p['id']}/absences"), headers=gr.coach,
                        json={"start_on": "2023-03-10", "end_on": "2023-03-09"}), 422, "end_on")
    assert counts(owner_engine, gr.tenant) == before


def test_a_contract_before_the_participants_start_is_refused(client, gr, owner_engine):
    p = begin(client, gr, started_on="2023-02-01", start_on=None)
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, f"/participants/{p['id']}/contracts"), headers=gr.coach,
                        json=renewal(gr, start_on="2023-01-01", end_on="2023-01-31", performance_report=None)),
            422, "start_on")
    assert counts(owner_engine, gr.tenant) == before


@pytest.mark.parametrize("day", ["9999-12-31", "2101-01-01", "1899-12-31"])
def test_dates_outside_1900_to_2100_are_refused_naming_the_field(client, gr, owner_engine, day):
    cid = started_candidate(client, gr.coach, gr.slug)
    p = begin(client, gr)  # a temporary contract, 2023
    [contract] = contracts_of(client, gr, p["id"])
    url = api(gr.slug, f"/participants/{p['id']}")
    absence = client.post(f"{url}/absences", headers=gr.coach, json={"start_on": "2023-03-01"})
    assert absence.status_code == 201, absence.json
    absence = absence.json
    requests = [
        ("POST", api(gr.slug, "/participants"),
         {"candidate_id": cid, "started_on": day, "contract": contract_body(gr.employer)}, "started_on"),
        ("POST", f"{url}/contracts", renewal(gr, start_on=day, end_on="2024-12-31"), "start_on"),
        ("POST", f"{url}/contracts", renewal(gr, end_on=day), "end_on"),  # a renewal from 2024-01-01
        ("PATCH", f"{url}/contracts/{contract['id']}",
         {"version": contract["version"], "valid_from": day, "hours_per_week": "36"}, "valid_from"),
        ("POST", f"{url}/contracts/{contract['id']}/performance-reports",
         {"written_on": day, "author": "Coach Anna", "advice": "renew"}, "performance_report.written_on"),
        ("POST", f"{url}/absences", {"start_on": day}, "start_on"),
        ("POST", f"{url}/absences", {"start_on": "2023-06-01", "end_on": day}, "end_on"),
        ("PATCH", f"{url}/absences/{absence['id']}", {"version": absence["version"], "end_on": day}, "end_on"),
        ("POST", f"{url}/absences/{absence['id']}/gatekeeper-steps",
         {"step": "problem_analysis", "done_on": day}, "done_on"),
        ("POST", f"{url}/exit", {"date": day, "reason": "resigned", "version": p["version"]}, "date"),
    ]
    before = counts(owner_engine, gr.tenant)
    for method, path, body, field in requests:
        response = client.open(path, method=method, headers=gr.coach, json=body)
        errors = refused(response, 422, field)["errors"]
        assert errors == {field: ["Between 1900 and 2100."]}, (method, path, errors)  # the date, nothing else
    assert counts(owner_engine, gr.tenant) == before
    assert contracts_of(client, gr, p["id"]) == [contract]
    assert absences_of(client, gr, p["id"])[0]["end_on"] is None


def test_the_last_accepted_day_is_2100_12_31(client, gr):
    p = begin(client, gr)
    made = client.post(api(gr.slug, f"/participants/{p['id']}/contracts"), headers=gr.coach,
                       json=renewal(gr, end_on="2100-12-31"))
    assert made.status_code == 201, made.json
    assert made.json["end_on"] == made.json["last_day"] == "2100-12-31"
    assert [c["last_day"] for c in contracts_of(client, gr, p["id"])] == ["2023-12-31", "2100-12-31"]


def test_no_contract_can_be_added_after_the_exit_whatever_its_date(client, gr, owner_engine):
    p = begin(client, gr, end_on="2023-06-30")
    left = client.post(api(gr.slug, f"/participants/{p['id']}/exit"), headers=gr.coach,
                       json={"date": "2023-12-31", "reason": "resigned", "version": p["version"]})
    assert left.status_code == 200, left.json
    report = {"written_on": "2023-06-01", "author": "Coach Anna", "advice": "renew"}
    before = counts(owner_engine, gr.tenant)
    # Before the exit date (within the participation, after the last contract), on it, and after it.
    for start_on, end_on in (("2023-08-01", "2023-12-31"), ("2023-12-31", "2024-06-30"), ("2024-01-01", "2024-12-31")):
        errors = refused(client.post(api(gr.slug, f"/participants/{p['id']}/contracts"), headers=gr.coach,
                                     json=renewal(gr, start_on=start_on, end_on=end_on, performance_report=report)),
                         422, "start_on")["errors"]
        assert errors == {"start_on": ["The participant has left; start a new participation instead."]}, start_on
    assert counts(owner_engine, gr.tenant) == before  # not the performance report either
    [contract] = contracts_of(client, gr, p["id"])
    assert contract["start_on"] == "2023-01-01" and contract["performance_reports"] == []


@pytest.mark.parametrize("period, field", [
    ({"start_on": "2022-12-31", "end_on": "2023-01-05"}, "start_on"),  # before the first contract
    ({"start_on": "2023-12-20", "end_on": "2024-01-05"}, "end_on"),  # runs past the contract
    ({"start_on": "2024-02-01"}, "start_on"),  # after the last contract
    ({"start_on": "2024-02-01", "end_on": "2024-02-02"}, "start_on"),
])
def test_an_absence_outside_any_contract_is_refused(client, gr, owner_engine, period, field):
    p = begin(client, gr)  # one contract, 2023
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, f"/participants/{p['id']}/absences"), headers=gr.coach, json=period), 422, field)
    assert counts(owner_engine, gr.tenant) == before


def test_an_absence_in_the_gap_between_two_contracts_is_refused(client, gr, owner_engine):
    p = begin(client, gr, end_on="2023-06-30")
    assert client.post(api(gr.slug, f"/participants/{p['id']}/contracts"), headers=gr.coach,
                       json=renewal(gr, start_on="2023-08-01", end_on="2024-07-31", performance_report={
                           "written_on": "2023-06-01", "author": "Coach", "advice": "renew"})).status_code == 201
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, f"/participants/{p['id']}/absences"), headers=gr.coach,
                        json={"start_on": "2023-07-10", "end_on": "2023-07-12"}), 422, "start_on")
    assert counts(owner_engine, gr.tenant) == before
    assert client.post(api(gr.slug, f"/participants/{p['id']}/absences"), headers=gr.coach,
                       json={"start_on": "2023-08-01", "end_on": "2023-08-03"}).status_code == 201


def test_an_absence_across_the_gap_between_two_contracts_is_refused(client, gr, owner_engine):
    p = begin(client, gr, end_on="2023-06-30")
    assert client.post(api(gr.slug, f"/participants/{p['id']}/contracts"), headers=gr.coach,
                       json=renewal(gr, start_on="2023-08-01", end_on="2024-07-31", performance_report={
                           "written_on": "2023-06-01", "author": "Coach", "advice": "renew"})).status_code == 201
    before = counts(owner_engine, gr.tenant)
    response = client.post(api(gr.slug, f"/participants/{p['id']}/absences"), headers=gr.coach,
                           json={"start_on": "2023-06-20", "end_on": "2023-08-05"})
    assert response.status_code == 422, response.json
    assert counts(owner_engine, gr.tenant) == before


def test_an_exit_before_the_start_is_refused(client, gr, owner_engine):
    p = begin(client, gr, started_on="2023-02-01", start_on=None)
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, f"/participants/{p['id']}/exit"), headers=gr.coach,
                        json={"date": "2023-01-31", "reason": "resigned", "version": p["version"]}), 422, "date")
    assert counts(owner_engine, gr.tenant) == before
    found = client.get(api(gr.slug, f"/participants/{p['id']}"), headers=gr.coach).json
    assert found["exit_on"] is None and found["version"] == p["version"]
    assert contracts_of(client, gr, p["id"])[0]["terminated_on"] is None


def test_cao_aan_de_slag_has_no_terms_before_july_2021(client, gr, owner_engine):
    cid = started_candidate(client, gr.coach, gr.slug, referral="2021-01-04", talked="2021-01-11",
                            decided="2021-01-18", date_of_birth="1960-01-01")
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, "/participants"), headers=gr.coach, json={
        "candidate_id": cid, "started_on": "2021-03-01",
        "contract": contract_body(gr.employer, cao="cao_aan_de_slag", end_on="2022-02-28")}), 422, "contract.cao")
    assert counts(owner_engine, gr.tenant) == before
    # Under CAO SW it can start, but a move to CAO Aan de Slag before 1 July 2021 is refused too.
    p = begin(client, gr, candidate=cid, started_on="2021-03-01", end_on="2022-02-28")
    [contract] = contracts_of(client, gr, p["id"])
    before = counts(owner_engine, gr.tenant)
    refused(client.patch(api(gr.slug, f"/participants/{p['id']}/contracts/{contract['id']}"), headers=gr.coach,
                         json={"version": contract["version"], "valid_from": "2021-06-30", "cao": "cao_aan_de_slag"}),
            422, "cao")
    assert counts(owner_engine, gr.tenant) == before
    moved = client.patch(api(gr.slug, f"/participants/{p['id']}/contracts/{contract['id']}"), headers=gr.coach,
                         json={"version": contract["version"], "valid_from": "2021-07-01", "cao": "cao_aan_de_slag"})
    assert moved.status_code == 200, moved.json
    assert [v["cao"] for v in moved.json["versions"]] == ["cao_sw", "cao_aan_de_slag"]


def test_amersfoort_offers_no_cao_sw(app, client, make_tenant, make_token, owner_engine):
    tenant = make_tenant("amersfoort")
    coach, admin = auth(make_token(tenant, "coach")), auth(make_token(tenant, "admin"))
    env = Env(tenant, tenant.slug, coach, admin, employer(client, admin, tenant.slug, "Gemeente Amersfoort"))
    cid = started_candidate(client, coach, tenant.slug)
    before = counts(owner_engine, tenant)
    refused(client.post(api(tenant.slug, "/participants"), headers=coach, json={
        "candidate_id": cid, "started_on": "2023-01-01",
        "contract": contract_body(env.employer, cao="cao_sw")}), 422, "contract.cao")
    assert counts(owner_engine, tenant) == before
    refused(client.get(api(tenant.slug, "/cao-terms"), headers=coach,
                       query_string={"cao": "cao_sw", "on": "2023-01-01"}), 422, "cao")
    p = begin(client, env, candidate=cid, cao="cao_aan_de_slag")
    version = contracts_of(client, env, p["id"])[0]["versions"][0]
    # 1934.40 x 3 / 13 / 38 hours (CAO Aan de Slag's standard week) = 11.75
    assert version["cao"] == "cao_aan_de_slag" and version["hourly_wage"] == "11.75"
    terms = client.get(api(tenant.slug, "/cao-terms"), headers=coach, query_string={"on": "2023-01-01"})
    assert terms.status_code == 200 and terms.json["cao"] == "cao_aan_de_slag"  # the municipality's default


def _unknown_field_requests(client, env: Env):
    """(method, url, body) for every endpoint that takes a body, each with an unknown field `bogus`."""
    cid = started_candidate(client, env.coach, env.slug)
    p = begin(client, env, end_on="2023-12-31")
    [contract] = contracts_of(client, env, p["id"])
    absence = client.post(api(env.slug, f"/participants/{p['id']}/absences"), headers=env.coach,
                          json={"start_on": "2023-03-01"}).json
    base = f"/participants/{p['id']}"
    return [
        ("POST", "/participants", {"candidate_id": cid, "started_on": "2023-01-01",
                                   "contract": contract_body(env.employer), "bogus": 1}),
        ("PATCH", base, {"version": p["version"], "bogus": 1}),
        ("POST", f"{base}/contracts", {**renewal(env), "bogus": 1}),
        ("PATCH", f"{base}/contracts/{contract['id']}", {"version": 1, "valid_from": "2023-06-01",
                                                         "hours_per_week": "36", "bogus": 1}),
        ("POST", f"{base}/contracts/{contract['id']}/performance-reports",
         {"written_on": "2023-11-01", "author": "Coach", "advice": "renew", "bogus": 1}),
        ("POST", f"{base}/absences", {"start_on": "2023-05-01", "bogus": 1}),
        ("PATCH", f"{base}/absences/{absence['id']}", {"version": absence["version"], "end_on": "2023-03-05",
                                                       "bogus": 1}),
        ("POST", f"{base}/absences/{absence['id']}/gatekeeper-steps",
         {"step": "problem_analysis", "done_on": "2023-03-10", "bogus": 1}),
        ("POST", f"{base}/exit", {"date": "2023-06-30", "reason": "resigned", "bogus": 1}),
        ("POST", "/cao-transition/preview", {"to_cao": "cao_aan_de_slag", "on": "2023-07-01", "bogus": 1}),
        ("POST", "/cao-transition", {"to_cao": "cao_aan_de_slag", "on": "2023-07-01", "bogus": 1}),
    ]


def test_unknown_fields_are_refused_on_every_endpoint_and_nothing_is_saved(client, gr, owner_engine):
    requests = _unknown_field_requests(client, gr)
    before = counts(owner_engine, gr.tenant)
    for method, path, body in requests:
        headers = gr.admin if "cao-transition" in path else gr.coach
        response = client.open(api(gr.slug, path), method=method, headers=headers, json=body)
        errors = refused(response, 422, "bogus")["errors"]
        assert list(errors) == ["bogus"], (method, path, errors)  # the rest of the body was fine
    assert counts(owner_engine, gr.tenant) == before


@pytest.mark.parametrize("path, query", [
    ("/participants", {"status": "sleeping"}),
    ("/participants", {"cao": "cao_unknown"}),
    ("/participants", {"contract_kind": "zero_hours"}),
    ("/participants", {"employer_id": "not-a-uuid"}),
    ("/worklist", {"kind": "birthday"}),
    ("/cao-terms", {"cao": "cao_unknown"}),
])
def test_bad_query_parameters_are_named(client, gr, path, query):
    name = next(k for k in query if k not in {"from", "to"})
    refused(client.get(api(gr.slug, path), headers=gr.coach, query_string=query), 422, name)


def test_an_unknown_field_in_the_nested_contract_is_named(client, gr, owner_engine):
    cid = started_candidate(client, gr.coach, gr.slug)
    before = counts(owner_engine, gr.tenant)
    body = refused(client.post(api(gr.slug, "/participants"), headers=gr.coach, json={
        "candidate_id": cid, "started_on": "2023-01-01",
        "contract": {**contract_body(gr.employer), "salary": "9999"}}), 422, "contract")
    assert "salary" in body["errors"]["contract"]
    assert counts(owner_engine, gr.tenant) == before


# --- contracts: changes of terms and optimistic locking -------------------------------------------------

def test_a_change_of_hours_is_a_new_version_and_earlier_versions_stay(app, client, gr):
    p = begin(client, gr)
    [contract] = contracts_of(client, gr, p["id"])
    url = api(gr.slug, f"/participants/{p['id']}/contracts/{contract['id']}")
    changed = client.patch(url, headers=gr.coach, json={"version": contract["version"], "valid_from": "2023-05-01",
                                                         "hours_per_week": "36", "note": "Meer uren"})
    assert changed.status_code == 200, changed.json
    assert changed.json["version"] == contract["version"] + 1
    first, second = changed.json["versions"]
    assert first == contract["versions"][0]
    assert second["valid_from"] == "2023-05-01" and Decimal(second["hours_per_week"]) == 36
    assert second["reason"] == "hours" and second["note"] == "Meer uren" and second["cao"] == "cao_sw"
    assert client.get(url, headers=gr.coach).json == changed.json
    [event] = audit_events(app, gr.tenant, "contract.terms_changed", p["id"])
    assert event.details["fields"] == ["hours_per_week"] and event.details["valid_from"] == "2023-05-01"
    assert "Meer uren" not in json.dumps(event.details)


@pytest.mark.parametrize("change, field", [
    ({"valid_from": "2023-01-01", "hours_per_week": "36"}, "valid_from"),  # the contract's own start
    ({"valid_from": "2022-12-01", "hours_per_week": "36"}, "valid_from"),
    ({"valid_from": "2024-01-01", "hours_per_week": "36"}, "valid_from"),  # after the last day
    ({"valid_from": "2023-05-01", "hours_per_week": "32"}, "hours_per_week"),  # nothing changes
    ({"valid_from": "2023-05-01"}, "hours_per_week"),
    ({"hours_per_week": "36"}, "valid_from"),
    ({"valid_from": "2023-05-01", "wage_scale": "B"}, "wage_scale"),  # Groningen has no wage table
])
def test_an_invalid_change_is_refused_and_nothing_is_saved(client, gr, owner_engine, change, field):
    p = begin(client, gr)
    [contract] = contracts_of(client, gr, p["id"])
    before = counts(owner_engine, gr.tenant)
    refused(client.patch(api(gr.slug, f"/participants/{p['id']}/contracts/{contract['id']}"), headers=gr.coach,
                         json={"version": contract["version"], **change}), 422, field)
    assert counts(owner_engine, gr.tenant) == before
    assert contracts_of(client, gr, p["id"]) == [contract]


def test_the_version_is_required_for_a_change(client, gr):
    p = begin(client, gr)
    [contract] = contracts_of(client, gr, p["id"])
    refused(client.patch(api(gr.slug, f"/participants/{p['id']}/contracts/{contract['id']}"), headers=gr.coach,
                         json={"valid_from": "2023-05-01", "hours_per_week": "36"}), 422, "version")


def test_a_second_version_from_the_same_date_is_refused(client, gr):
    p = begin(client, gr)
    [contract] = contracts_of(client, gr, p["id"])
    url = api(gr.slug, f"/participants/{p['id']}/contracts/{contract['id']}")
    assert client.patch(url, headers=gr.coach, json={"version": 1, "valid_from": "2023-05-01",
                                                     "hours_per_week": "36"}).status_code == 200
    refused(client.patch(url, headers=gr.coach, json={"version": 2, "valid_from": "2023-05-01",
                                                      "hours_per_week": "24"}), 422, "valid_from")


def test_two_changes_based_on_the_same_version_the_second_gets_409(client, gr, owner_engine):
    p = begin(client, gr)
    [contract] = contracts_of(client, gr, p["id"])
    url = api(gr.slug, f"/participants/{p['id']}/contracts/{contract['id']}")
    first = client.patch(url, headers=gr.coach, json={"version": contract["version"], "valid_from": "2023-05-01",
                                                      "hours_per_week": "36"})
    assert first.status_code == 200, first.json
    before = counts(owner_engine, gr.tenant)
    second = client.patch(url, headers=gr.coach, json={"version": contract["version"], "valid_from": "2023-08-01",
                                                       "hours_per_week": "24"})
    body = refused(second, 409, "version")
    assert body["code"] == "conflict"
    assert counts(owner_engine, gr.tenant) == before
    versions = contracts_of(client, gr, p["id"])[0]["versions"]
    assert [v["valid_from"] for v in versions] == ["2023-01-01", "2023-05-01"]  # only one new version
    # With the version read after the first change it goes through.
    assert client.patch(url, headers=gr.coach, json={"version": first.json["version"], "valid_from": "2023-08-01",
                                                     "hours_per_week": "24"}).status_code == 200


@pytest.mark.postgres_only
def test_two_concurrent_changes_with_the_same_version_only_one_wins(app, gr, owner_engine):
    """Really at the same time: the row lock makes the second wait and then find the version moved on."""
    client = app.test_client()
    p = begin(client, gr)
    [contract] = contracts_of(client, gr, p["id"])
    url = api(gr.slug, f"/participants/{p['id']}/contracts/{contract['id']}")
    barrier = threading.Barrier(2)
    results: list[int] = []

    def change(valid_from, hours):
        own = app.test_client()
        barrier.wait()
        response = own.patch(url, headers=gr.coach, json={"version": contract["version"], "valid_from": valid_from,
                                                          "hours_per_week": hours})
        results.append(response.status_code)

    threads = [threading.Thread(target=change, args=args) for args in (("2023-05-01", "36"), ("2023-08-01", "24"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [200, 409]
    [after] = contracts_of(client, gr, p["id"])
    assert len(after["versions"]) == 2 and after["version"] == contract["version"] + 1


@pytest.mark.postgres_only
def test_two_concurrent_starts_of_the_same_person_make_one_participant(app, gr, owner_engine):
    client = app.test_client()
    cid = started_candidate(client, gr.coach, gr.slug)
    before = counts(owner_engine, gr.tenant)
    barrier = threading.Barrier(2)
    results: list[int] = []

    def go(started_on):
        own = app.test_client()
        barrier.wait()
        response = own.post(api(gr.slug, "/participants"), headers=gr.coach, json={
            "candidate_id": cid, "started_on": started_on, "contract": contract_body(gr.employer)})
        results.append(response.status_code)

    threads = [threading.Thread(target=go, args=(day,)) for day in ("2023-01-01", "2023-01-02")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [201, 409]
    after = counts(owner_engine, gr.tenant)
    assert after["participants"] == before["participants"] + 1 and after["contracts"] == before["contracts"] + 1


def test_the_hourly_wage_follows_the_minimum_wage_without_editing_the_contract(client, gr, owner_engine):
    """The minimum wage changes on 1 January and 1 July; a contract at the minimum wage follows it without a
    new version. Each version shows the wage of its first day."""
    p = begin(client, gr, kind="permanent", end_on=None)
    [contract] = contracts_of(client, gr, p["id"])
    before = counts(owner_engine, gr.tenant)

    def minimum(on, cao="cao_sw"):
        response = client.get(api(gr.slug, "/cao-terms"), headers=gr.coach, query_string={"cao": cao, "on": on})
        assert response.status_code == 200, response.json
        return response.json["minimum_hourly_wage"]

    # 2023: a monthly minimum wage divided over CAO SW's 36-hour week; from 2024 a statutory hourly rate.
    assert [minimum(d) for d in ("2023-01-01", "2023-06-30", "2023-07-01", "2023-12-31", "2024-01-01",
                                 "2024-06-30", "2024-07-01", "2025-01-01", "2025-07-01", "2026-01-01")] == [
        "12.40", "12.40", "12.79", "12.79", "13.27", "13.27", "13.68", "14.06", "14.40", "14.71"]
    # Before 2024 the week of the agreement matters: CAO Aan de Slag's 38 hours give a lower hourly wage.
    assert minimum("2023-07-01", "cao_aan_de_slag") == "12.12" and minimum("2024-07-01", "cao_aan_de_slag") == "13.68"
    assert counts(owner_engine, gr.tenant) == before  # reading terms writes nothing
    assert contracts_of(client, gr, p["id"]) == [contract]  # no version was added for the new wages
    url = api(gr.slug, f"/participants/{p['id']}/contracts/{contract['id']}")
    version = contract["version"]
    for valid_from, hours, wage in (("2023-07-01", "36", "12.79"), ("2024-01-01", "32", "13.27"),
                                    ("2024-07-15", "30", "13.68")):
        changed = client.patch(url, headers=gr.coach, json={"version": version, "valid_from": valid_from,
                                                            "hours_per_week": hours})
        assert changed.status_code == 200, changed.json
        version = changed.json["version"]
        assert changed.json["versions"][-1]["hourly_wage"] == wage
    assert [v["hourly_wage"] for v in contracts_of(client, gr, p["id"])[0]["versions"]] == [
        "12.40", "12.79", "13.27", "13.68"]


# --- renewals and performance reports -------------------------------------------------------------------

def test_a_renewal_needs_a_performance_report(app, client, gr, owner_engine):
    p = begin(client, gr)
    url = api(gr.slug, f"/participants/{p['id']}/contracts")
    before = counts(owner_engine, gr.tenant)
    refused(client.post(url, headers=gr.coach, json=renewal(gr, performance_report=None)), 422, "performance_report")
    assert counts(owner_engine, gr.tenant) == before
    made = client.post(url, headers=gr.coach, json=renewal(gr, performance_report={
        "written_on": "2023-11-15", "author": "Coach Anna", "advice": "renew", "summary": "Goed op tijd, collegiaal."}))
    assert made.status_code == 201, made.json
    assert made.json["start_on"] == "2024-01-01" and made.json["performance_reports"] == []
    first, second = contracts_of(client, gr, p["id"])
    assert second["id"] == made.json["id"]
    [report] = first["performance_reports"]  # the report is on the previous contract
    assert report["advice"] == "renew" and report["author"] == "Coach Anna"
    assert report["summary"] == "Goed op tijd, collegiaal."  # the municipal coach reads it
    [event] = audit_events(app, gr.tenant, "contract.performance_report_added", p["id"])
    assert "collegiaal" not in json.dumps(event.details)
    created = [e.details for e in audit_events(app, gr.tenant, "contract.created", p["id"])]
    assert [d["renewal"] for d in created] == [False, True]


def test_a_report_recorded_before_is_enough_for_the_renewal(client, gr):
    p = begin(client, gr)
    [contract] = contracts_of(client, gr, p["id"])
    report = client.post(api(gr.slug, f"/participants/{p['id']}/contracts/{contract['id']}/performance-reports"),
                         headers=gr.coach, json={"written_on": "2023-10-01", "author": "Coach Anna",
                                                 "advice": "permanent", "summary": "Vaste baan aanbevolen."})
    assert report.status_code == 201, report.json
    assert report.json["advice"] == "permanent" and report.json["summary"] == "Vaste baan aanbevolen."
    made = client.post(api(gr.slug, f"/participants/{p['id']}/contracts"), headers=gr.coach,
                       json=renewal(gr, kind="permanent", end_on=None, performance_report=None))
    assert made.status_code == 201, made.json
    assert made.json["kind"] == "permanent" and made.json["end_on"] is None


@pytest.mark.parametrize("report, field", [
    ({"written_on": "2099-01-01", "author": "Coach", "advice": "renew"}, "performance_report.written_on"),
    ({"written_on": "2022-12-01", "author": "Coach", "advice": "renew"}, "performance_report.written_on"),
    ({"written_on": "2023-11-01", "author": "  ", "advice": "renew"}, "performance_report.author"),
])
def test_an_invalid_report_with_the_renewal_saves_nothing(client, gr, owner_engine, report, field):
    p = begin(client, gr)
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, f"/participants/{p['id']}/contracts"), headers=gr.coach,
                        json=renewal(gr, performance_report=report)), 422, field)
    assert counts(owner_engine, gr.tenant) == before


def test_a_report_belongs_to_a_renewal_of_a_temporary_contract(client, gr, owner_engine):
    permanent = begin(client, gr, kind="permanent", end_on=None)
    [contract] = contracts_of(client, gr, permanent["id"])
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, f"/participants/{permanent['id']}/contracts/{contract['id']}/performance-reports"),
                        headers=gr.coach, json={"written_on": "2023-10-01", "author": "Coach", "advice": "renew"}),
            422, "performance_report.contract")
    assert counts(owner_engine, gr.tenant) == before
    # A contract with no earlier contract before it is no renewal: a report with it is refused.
    cid = started_candidate(client, gr.coach, gr.slug)
    later = begin(client, gr, candidate=cid, started_on="2023-01-01", start_on="2023-03-01", end_on="2023-12-31")
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, f"/participants/{later['id']}/contracts"), headers=gr.coach,
                        json=renewal(gr, start_on="2023-01-01", end_on="2023-02-28")), 422, "performance_report")
    assert counts(owner_engine, gr.tenant) == before


# --- participants: detail, update, audit --------------------------------------------------------------

def test_viewing_a_participant_is_audited_and_listing_is_not(app, client, gr):
    p = begin(client, gr)
    assert client.get(api(gr.slug, "/participants"), headers=gr.coach).status_code == 200
    contracts_of(client, gr, p["id"])
    assert audit_events(app, gr.tenant, "participant.viewed") == []
    detail = client.get(api(gr.slug, f"/participants/{p['id']}"), headers=gr.coach)
    assert detail.status_code == 200 and detail.json["id"] == p["id"]
    [event] = audit_events(app, gr.tenant, "participant.viewed", p["id"])
    assert event.entity_type == "participant" and event.actor_type == "token"
    client.get(api(gr.slug, f"/participants/{p['id']}"), headers=gr.coach)
    assert len(audit_events(app, gr.tenant, "participant.viewed", p["id"])) == 2


def test_unknown_participant_contract_and_absence_are_404(client, gr):
    p = begin(client, gr)
    [contract] = contracts_of(client, gr, p["id"])
    other = begin(client, gr)
    [other_contract] = contracts_of(client, gr, other["id"])
    missing = str(uuid.uuid4())
    for path in (f"/participants/{missing}", f"/participants/{missing}/contracts",
                 f"/participants/{missing}/absences", f"/participants/{p['id']}/contracts/{missing}",
                 # another participant's contract under this participant's URL
                 f"/participants/{p['id']}/contracts/{other_contract['id']}",
                 f"/participants/{other['id']}/contracts/{contract['id']}"):
        response = client.get(api(gr.slug, path), headers=gr.coach)
        assert response.status_code == 404, (path, response.json)
        assert response.json["code"] == "not_found"
    response = client.patch(api(gr.slug, f"/participants/{p['id']}/absences/{missing}"), headers=gr.coach,
                            json={"version": 1, "end_on": "2023-03-01"})
    assert response.status_code == 404


def test_changing_the_coach_and_the_coaching_organisation(app, client, gr, owner_engine):
    anna = coach_user(app, gr.tenant, "Coach Anna")
    org = coaching(client, gr.admin, gr.slug, "Begeleidende partij Zuid")
    p = begin(client, gr)
    url = api(gr.slug, f"/participants/{p['id']}")
    changed = client.patch(url, headers=gr.coach, json={"version": p["version"], "coach_id": anna,
                                                        "coaching_organisation_id": org})
    assert changed.status_code == 200, changed.json
    assert changed.json["coach_id"] == anna and changed.json["coach"] == "Coach Anna"
    assert changed.json["coaching_organisation"] == "Begeleidende partij Zuid"
    assert changed.json["version"] == p["version"] + 1
    [event] = audit_events(app, gr.tenant, "participant.updated", p["id"])
    assert sorted(event.details["fields"]) == ["coach_id", "coaching_organisation_id"]
    before = counts(owner_engine, gr.tenant)
    # A stale version, an unknown coach, an organisation that does not coach.
    refused(client.patch(url, headers=gr.coach, json={"version": p["version"], "coach_id": None}), 409, "version")
    refused(client.patch(url, headers=gr.coach, json={"version": changed.json["version"],
                                                      "coach_id": str(uuid.uuid4())}), 422, "coach_id")
    refused(client.patch(url, headers=gr.coach, json={"version": changed.json["version"],
                                                      "coaching_organisation_id": gr.employer}),
            422, "coaching_organisation_id")
    refused(client.patch(url, headers=gr.coach, json={"coach_id": None}), 422, "version")
    assert counts(owner_engine, gr.tenant) == before
    assert client.get(url, headers=gr.coach).json["coach_id"] == anna
    cleared = client.patch(url, headers=gr.coach, json={"version": changed.json["version"], "coach_id": None,
                                                        "coaching_organisation_id": None})
    assert cleared.status_code == 200 and cleared.json["coach_id"] is None
    assert cleared.json["coaching_organisation_id"] is None


# --- the list: pagination and filters ------------------------------------------------------------------

def test_the_list_is_paginated_with_a_header(client, gr):
    for n in range(5):
        begin(client, gr, candidate_fields={"family_name": f"Achternaam {n}"})
    first = client.get(api(gr.slug, "/participants"), headers=gr.coach, query_string={"page_size": 2})
    assert first.status_code == 200
    pagination = json.loads(first.headers["X-Pagination"])
    assert pagination["total"] == 5 and pagination["total_pages"] == 3 and pagination["page"] == 1
    assert [p["family_name"] for p in first.json] == ["Achternaam 0", "Achternaam 1"]
    last = client.get(api(gr.slug, "/participants"), headers=gr.coach, query_string={"page_size": 2, "page": 3})
    assert [p["family_name"] for p in last.json] == ["Achternaam 4"]
    assert json.loads(last.headers["X-Pagination"])["last_page"] == 3


def test_filters_on_the_contract_in_force(app, client, gr):
    other = employer(client, gr.admin, gr.slug, "Stadsbedrijf")
    # a: CAO SW at Thermiek, temporary 2023; b: permanent at Stadsbedrijf from 2023-03-01, CAO Aan de Slag
    # from 2023-07-01; c: starts in 2024.
    a = begin(client, gr, candidate_fields={"family_name": "Aap"})
    b = begin(client, gr, candidate_fields={"family_name": "Beer"}, started_on="2023-03-01", employer_id=other,
              kind="permanent", end_on=None)
    [b_contract] = contracts_of(client, gr, b["id"])
    assert client.patch(api(gr.slug, f"/participants/{b['id']}/contracts/{b_contract['id']}"), headers=gr.coach,
                        json={"version": 1, "valid_from": "2023-07-01", "cao": "cao_aan_de_slag"}).status_code == 200
    c = begin(client, gr, candidate_fields={"family_name": "Cavia"}, started_on="2024-01-01", end_on="2024-12-31")

    def names(**query):
        response = client.get(api(gr.slug, "/participants"), headers=gr.coach, query_string=query)
        assert response.status_code == 200, response.json
        return [p["family_name"] for p in response.json]

    assert names(on="2023-06-01") == ["Aap", "Beer", "Cavia"]
    assert names(on="2023-06-01", status="active") == ["Aap", "Beer"]
    assert names(on="2023-06-01", status="starting") == ["Cavia"]
    assert names(on="2023-06-01", status="exited") == []
    assert names(on="2023-06-01", employer_id=gr.employer) == ["Aap"]
    assert names(on="2023-06-01", employer_id=other) == ["Beer"]
    assert names(on="2024-06-01", employer_id=gr.employer) == ["Cavia"]  # Aap's contract ended
    assert names(on="2023-06-01", cao="cao_sw") == ["Aap", "Beer"]
    assert names(on="2023-07-01", cao="cao_sw") == ["Aap"]  # Beer's version from 2023-07-01
    assert names(on="2023-07-01", cao="cao_aan_de_slag") == ["Beer"]
    assert names(on="2023-06-01", contract_kind="permanent") == ["Beer"]
    assert names(on="2023-06-01", contract_kind="temporary") == ["Aap"]
    assert names(on="2024-06-01", contract_kind="temporary") == ["Cavia"]
    assert names(on="2022-06-01", contract_kind="temporary") == []
    assert names(q="bee") == ["Beer"] and names(q="PIET CAV") == ["Cavia"] and names(q="%") == []
    listed = client.get(api(gr.slug, "/participants"), headers=gr.coach, query_string={"on": "2023-07-01"}).json
    summary = {p["family_name"]: p["current_contract"] for p in listed}
    assert summary["Beer"]["cao"] == "cao_aan_de_slag" and summary["Beer"]["employer"] == "Stadsbedrijf"
    assert summary["Cavia"] is None and summary["Aap"]["id"] == contracts_of(client, gr, a["id"])[0]["id"]
    assert c["status"] == "active"  # today, 2024 is past


def test_filters_on_neighbourhood_coach_and_coaching_organisation(app, client, gr):
    hood = client.post(api(gr.slug, "/neighbourhoods"), headers=gr.admin, json={"name": "Beijum"}).json["id"]
    anna = coach_user(app, gr.tenant, "Coach Anna")
    org = coaching(client, gr.admin, gr.slug)
    begin(client, gr, candidate_fields={"family_name": "Aap", "neighbourhood_id": hood})
    begin(client, gr, candidate_fields={"family_name": "Beer"}, coach_id=anna)
    begin(client, gr, candidate_fields={"family_name": "Cavia"}, coaching_organisation_id=org)

    def names(**query):
        return [p["family_name"] for p in client.get(api(gr.slug, "/participants"), headers=gr.coach,
                                                     query_string=query).json]

    assert names(neighbourhood_id=hood) == ["Aap"]
    assert names(coach_id=anna) == ["Beer"]
    assert names(coaching_organisation_id=org) == ["Cavia"]
    assert names(coaching_organisation_id=str(uuid.uuid4())) == []
    listed = {p["family_name"]: p for p in client.get(api(gr.slug, "/participants"), headers=gr.coach).json}
    assert listed["Aap"]["neighbourhood"] == "Beijum"


def test_status_exited_follows_the_date(client, gr):
    p = begin(client, gr, candidate_fields={"family_name": "Weg"})
    assert client.post(api(gr.slug, f"/participants/{p['id']}/exit"), headers=gr.coach,
                       json={"date": "2023-06-30", "reason": "resigned"}).status_code == 200

    def statuses(on):
        return [x["status"] for x in client.get(api(gr.slug, "/participants"), headers=gr.coach,
                                                 query_string={"on": on}).json]

    assert statuses("2023-06-30") == ["active"]  # the exit date is the last day
    assert statuses("2023-07-01") == ["exited"]
    assert client.get(api(gr.slug, "/participants"), headers=gr.coach,
                      query_string={"on": "2023-07-01", "status": "active"}).json == []


# --- exit -------------------------------------------------------------------------------------------------

def test_the_exit_ends_the_running_contract_and_keeps_the_agreed_end(app, client, gr):
    p = begin(client, gr, end_on="2023-12-31")
    ex = client.post(api(gr.slug, f"/participants/{p['id']}/exit"), headers=gr.coach, json={
        "date": "2023-08-15", "reason": "regular_job", "notes": "Vaste baan bij de bakker.", "version": p["version"]})
    assert ex.status_code == 200, ex.json
    assert ex.json["exit_on"] == "2023-08-15" and ex.json["exit_reason"] == "regular_job"
    assert ex.json["status"] == "exited" and ex.json["exit_notes"] == "Vaste baan bij de bakker."
    assert ex.json["version"] == p["version"] + 1
    [contract] = contracts_of(client, gr, p["id"])
    assert contract["terminated_on"] == "2023-08-15" and contract["end_on"] == "2023-12-31"
    assert contract["last_day"] == "2023-08-15"
    [event] = audit_events(app, gr.tenant, "participant.exited", p["id"])
    assert event.details == {"reason": "regular_job", "date": "2023-08-15"}
    # After the exit: no sickness, no contract.
    refused(client.post(api(gr.slug, f"/participants/{p['id']}/absences"), headers=gr.coach,
                        json={"start_on": "2023-08-16"}), 422, "start_on")
    refused(client.post(api(gr.slug, f"/participants/{p['id']}/contracts"), headers=gr.coach,
                        json=renewal(gr)), 422, "start_on")


def test_an_exit_on_the_contracts_last_day_terminates_nothing(client, gr):
    p = begin(client, gr, end_on="2023-12-31")
    assert client.post(api(gr.slug, f"/participants/{p['id']}/exit"), headers=gr.coach,
                       json={"date": "2023-12-31", "reason": "pension_age"}).status_code == 200
    [contract] = contracts_of(client, gr, p["id"])
    assert contract["terminated_on"] is None and contract["last_day"] == "2023-12-31"


def test_an_exit_from_a_permanent_contract_terminates_it(client, gr):
    p = begin(client, gr, kind="permanent", end_on=None)
    assert client.post(api(gr.slug, f"/participants/{p['id']}/exit"), headers=gr.coach,
                       json={"date": "2024-03-31", "reason": "dismissed"}).status_code == 200
    [contract] = contracts_of(client, gr, p["id"])
    assert contract["terminated_on"] == "2024-03-31" and contract["end_on"] is None
    assert contract["last_day"] == "2024-03-31" and contract["in_force"] is False


def test_a_second_exit_and_a_stale_version_are_conflicts(client, gr, owner_engine):
    p = begin(client, gr)
    url = api(gr.slug, f"/participants/{p['id']}/exit")
    organisation = coaching(client, gr.admin, gr.slug)
    touched = client.patch(api(gr.slug, f"/participants/{p['id']}"), headers=gr.coach,
                           json={"version": p["version"], "coaching_organisation_id": organisation})
    assert touched.status_code == 200 and touched.json["version"] == p["version"] + 1
    before = counts(owner_engine, gr.tenant)
    refused(client.post(url, headers=gr.coach, json={"date": "2023-06-30", "reason": "resigned",
                                                     "version": p["version"]}), 409, "version")
    assert counts(owner_engine, gr.tenant) == before
    assert contracts_of(client, gr, p["id"])[0]["terminated_on"] is None
    assert client.post(url, headers=gr.coach, json={"date": "2023-06-30", "reason": "resigned",
                                                    "version": touched.json["version"]}).status_code == 200
    before = counts(owner_engine, gr.tenant)
    refused(client.post(url, headers=gr.coach, json={"date": "2023-07-31", "reason": "resigned"}), 409, "date")
    assert counts(owner_engine, gr.tenant) == before
    assert contracts_of(client, gr, p["id"])[0]["terminated_on"] == "2023-06-30"


def test_an_exit_before_a_later_contract_starts_is_refused(client, gr, owner_engine):
    p = begin(client, gr)
    assert client.post(api(gr.slug, f"/participants/{p['id']}/contracts"), headers=gr.coach,
                       json=renewal(gr)).status_code == 201
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, f"/participants/{p['id']}/exit"), headers=gr.coach,
                        json={"date": "2023-12-31", "reason": "resigned"}), 422, "date")
    refused(client.post(api(gr.slug, f"/participants/{p['id']}/exit"), headers=gr.coach,
                        json={"date": "2023-12-31", "reason": "bored"}), 422, "reason")
    refused(client.post(api(gr.slug, f"/participants/{p['id']}/exit"), headers=gr.coach,
                        json={"reason": "resigned"}), 422, "date")
    assert counts(owner_engine, gr.tenant) == before


def test_dropout_follows_the_municipalitys_setting(app, client, gr, registry):
    reasons = ("resigned", "dismissed", "regular_job", "back_on_benefits")
    made = {}
    for reason in reasons:
        p = begin(client, gr)
        ex = client.post(api(gr.slug, f"/participants/{p['id']}/exit"), headers=gr.coach,
                         json={"date": "2023-06-30", "reason": reason})
        assert ex.status_code == 200, ex.json
        made[reason] = p["id"]
        assert ex.json["dropout"] is (reason in ("resigned", "dismissed")), reason  # the default setting

    def dropout():
        listed = client.get(api(gr.slug, "/participants"), headers=gr.coach).json
        by_id = {p["id"]: p["dropout"] for p in listed}
        detail = {r: client.get(api(gr.slug, f"/participants/{pid}"), headers=gr.coach).json["dropout"]
                  for r, pid in made.items()}
        assert detail == {r: by_id[pid] for r, pid in made.items()}
        return {r for r, flag in detail.items() if flag}

    assert dropout() == {"resigned", "dismissed"}
    # A version from a later date does not count yet.
    add_settings(app, registry, gr.tenant, {"dropout_reasons": ["resigned"]}, date.today() + timedelta(days=30))
    assert dropout() == {"resigned", "dismissed"}
    add_settings(app, registry, gr.tenant, {"dropout_reasons": ["resigned", "back_on_benefits"]}, date(2023, 1, 1))
    assert dropout() == {"resigned", "back_on_benefits"}


# --- absences and the Gatekeeper Act --------------------------------------------------------------------

def test_registering_and_ending_an_absence(app, client, gr, owner_engine):
    p = begin(client, gr)
    url = api(gr.slug, f"/participants/{p['id']}/absences")
    made = client.post(url, headers=gr.coach, json={"start_on": "2023-03-01"})
    assert made.status_code == 201, made.json
    absence = made.json
    assert absence["end_on"] is None and Decimal(absence["percentage"]) == 100 and absence["version"] == 1
    assert absence["episode_start"] == "2023-03-01" and absence["episode_absence_id"] == absence["id"]
    # Deadlines: the last day of week 6, 8, 42, 52 and 91 of sickness.
    assert {s["step"]: s["due_on"] for s in absence["gatekeeper"]} == {
        "problem_analysis": "2023-04-11", "action_plan": "2023-04-25", "uwv_report": "2023-12-19",
        "first_year_evaluation": "2024-02-27", "wia_application": "2024-11-26"}
    assert all(s["done_on"] is None for s in absence["gatekeeper"])
    ended = client.patch(f"{url}/{absence['id']}", headers=gr.coach,
                         json={"version": absence["version"], "end_on": "2023-03-14"})
    assert ended.status_code == 200, ended.json
    assert ended.json["end_on"] == "2023-03-14" and ended.json["version"] == 2
    assert len(audit_events(app, gr.tenant, "absence.registered", p["id"])) == 1
    [event] = audit_events(app, gr.tenant, "absence.updated", p["id"])
    assert event.details["fields"] == ["end_on"]
    before = counts(owner_engine, gr.tenant)
    refused(client.patch(f"{url}/{absence['id']}", headers=gr.coach,
                         json={"version": absence["version"], "end_on": "2023-03-20"}), 409, "version")
    refused(client.patch(f"{url}/{absence['id']}", headers=gr.coach, json={"end_on": "2023-03-20"}), 422, "version")
    refused(client.patch(f"{url}/{absence['id']}", headers=gr.coach,
                         json={"version": 2, "end_on": "2023-02-28"}), 422, "end_on")
    assert counts(owner_engine, gr.tenant) == before
    assert absences_of(client, gr, p["id"])[0]["end_on"] == "2023-03-14"


@pytest.mark.parametrize("body, field", [
    ({"start_on": "2023-03-10", "end_on": "2023-03-12"}, "start_on"),  # overlaps 2023-03-01..14
    ({"start_on": "2023-02-20", "end_on": "2023-03-01"}, "start_on"),
    ({"start_on": "2023-02-20"}, "start_on"),  # open: overlaps everything after
    ({"start_on": "2023-05-01", "percentage": "0"}, "percentage"),
    ({"start_on": "2023-05-01", "percentage": "100.5"}, "percentage"),
    ({"end_on": "2023-05-01"}, "start_on"),
])
def test_invalid_absences_are_refused(client, gr, owner_engine, body, field):
    p = begin(client, gr)
    url = api(gr.slug, f"/participants/{p['id']}/absences")
    made = client.post(url, headers=gr.coach, json={"start_on": "2023-03-01", "end_on": "2023-03-14"})
    assert made.status_code == 201, made.json
    before = counts(owner_engine, gr.tenant)
    refused(client.post(url, headers=gr.coach, json=body), 422, field)
    assert counts(owner_engine, gr.tenant) == before


def test_an_absence_cannot_start_in_the_future(client, gr, owner_engine):
    p = begin(client, gr, kind="permanent", end_on=None)
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, f"/participants/{p['id']}/absences"), headers=gr.coach,
                        json={"start_on": (date.today() + timedelta(days=1)).isoformat()}), 422, "start_on")
    assert counts(owner_engine, gr.tenant) == before


def test_an_absence_can_be_corrected_without_overlapping_itself(client, gr):
    p = begin(client, gr)
    url = api(gr.slug, f"/participants/{p['id']}/absences")
    a = client.post(url, headers=gr.coach, json={"start_on": "2023-03-01", "end_on": "2023-03-14"}).json
    b = client.post(url, headers=gr.coach, json={"start_on": "2023-05-01", "end_on": "2023-05-03"}).json
    moved = client.patch(f"{url}/{a['id']}", headers=gr.coach,
                         json={"version": 1, "start_on": "2023-03-02", "percentage": "50"})
    assert moved.status_code == 200, moved.json
    assert moved.json["start_on"] == "2023-03-02" and Decimal(moved.json["percentage"]) == 50
    refused(client.patch(f"{url}/{a['id']}", headers=gr.coach, json={"version": 2, "end_on": "2023-05-02"}),
            422, "start_on")
    assert {x["id"]: x["end_on"] for x in absences_of(client, gr, p["id"])} == {a["id"]: "2023-03-14",
                                                                              b["id"]: "2023-05-03"}


def test_gatekeeper_steps_belong_to_the_episode(app, client, gr, owner_engine):
    p = begin(client, gr, kind="permanent", end_on=None)
    url = api(gr.slug, f"/participants/{p['id']}/absences")
    first = client.post(url, headers=gr.coach, json={"start_on": "2023-03-01", "end_on": "2023-03-14"}).json
    # Back within four weeks: the same episode; later: a new one.
    second = client.post(url, headers=gr.coach, json={"start_on": "2023-04-05", "end_on": "2023-04-20"}).json
    third = client.post(url, headers=gr.coach, json={"start_on": "2023-06-01"}).json
    assert second["episode_absence_id"] == first["id"] and second["episode_start"] == "2023-03-01"
    assert second["gatekeeper"] == []
    assert third["episode_absence_id"] == third["id"] and len(third["gatekeeper"]) == 5
    done = client.post(f"{url}/{second['id']}/gatekeeper-steps", headers=gr.coach,
                       json={"step": "problem_analysis", "done_on": "2023-04-10"})
    assert done.status_code == 201, done.json
    assert done.json["absence_id"] == first["id"] and done.json["step"] == "problem_analysis"
    schedule = {x["id"]: x for x in absences_of(client, gr, p["id"])}
    steps = {s["step"]: s["done_on"] for s in schedule[first["id"]]["gatekeeper"]}
    assert steps["problem_analysis"] == "2023-04-10" and steps["action_plan"] is None
    assert all(s["done_on"] is None for s in schedule[third["id"]]["gatekeeper"])
    assert len(audit_events(app, gr.tenant, "absence.gatekeeper_step", p["id"])) == 1
    before = counts(owner_engine, gr.tenant)
    refused(client.post(f"{url}/{first['id']}/gatekeeper-steps", headers=gr.coach,
                        json={"step": "problem_analysis", "done_on": "2023-04-11"}), 409, "step")
    refused(client.post(f"{url}/{third['id']}/gatekeeper-steps", headers=gr.coach,
                        json={"step": "action_plan", "done_on": "2023-05-31"}), 422, "done_on")
    refused(client.post(f"{url}/{third['id']}/gatekeeper-steps", headers=gr.coach,
                        json={"step": "action_plan", "done_on": (date.today() + timedelta(days=2)).isoformat()}),
            422, "done_on")
    refused(client.post(f"{url}/{third['id']}/gatekeeper-steps", headers=gr.coach,
                        json={"step": "coffee", "done_on": "2023-06-10"}), 422, "step")
    refused(client.post(f"{url}/{third['id']}/gatekeeper-steps", headers=gr.coach,
                        json={"step": "action_plan"}), 422, "done_on")
    assert counts(owner_engine, gr.tenant) == before


# --- the absence rate -------------------------------------------------------------------------------------

def test_the_absence_rate_over_a_period(client, gr):
    p = begin(client, gr, kind="permanent", end_on=None)
    url = api(gr.slug, f"/participants/{p['id']}/absences")
    made = client.post(url, headers=gr.coach, json={"start_on": "2023-03-01", "end_on": "2023-03-14"})
    assert made.status_code == 201, made.json

    def rate(**query):
        response = client.get(api(gr.slug, "/absence-rate"), headers=gr.coach, query_string=query)
        assert response.status_code == 200, response.json
        return response.json

    four_weeks = rate(**{"from": "2023-03-01", "to": "2023-03-29"})
    assert four_weeks["absence_rate"] == "0.5000" and four_weeks["participants"] == 1
    assert four_weeks["suppressed"] is False
    # 32 hours a week over 28 days: 128 contracted hours, 64 of them sick.
    assert Decimal(four_weeks["contracted_hours"]) == 128 and Decimal(four_weeks["sick_hours"]) == 64
    assert rate(**{"from": "2023-04-01", "to": "2023-05-01"})["absence_rate"] == "0.0000"
    # Before anyone had a contract there is no rate at all.
    empty = rate(**{"from": "2022-01-01", "to": "2022-02-01"})
    assert empty["absence_rate"] is None and empty["participants"] == 0
    # Partial sickness counts its share.
    assert client.post(url, headers=gr.coach, json={"start_on": "2023-06-01", "end_on": "2023-06-14",
                                                    "percentage": "50"}).status_code == 201
    assert rate(**{"from": "2023-06-01", "to": "2023-06-29"})["absence_rate"] == "0.2500"
    assert rate(**{"from": "2023-03-01", "to": "2023-03-29"}, participant_id=p["id"])["absence_rate"] == "0.5000"


def test_the_absence_rate_of_a_group(app, client, gr):
    other = employer(client, gr.admin, gr.slug, "Stadsbedrijf")
    org = coaching(client, gr.admin, gr.slug)
    sick = begin(client, gr, kind="permanent", end_on=None, coaching_organisation_id=org)
    begin(client, gr, kind="permanent", end_on=None, employer_id=other)
    assert client.post(api(gr.slug, f"/participants/{sick['id']}/absences"), headers=gr.coach,
                       json={"start_on": "2023-03-01", "end_on": "2023-03-28"}).status_code == 201
    period = {"from": "2023-03-01", "to": "2023-03-29"}

    def rate(**query):
        response = client.get(api(gr.slug, "/absence-rate"), headers=gr.coach, query_string={**period, **query})
        assert response.status_code == 200, response.json
        return response.json["participants"], response.json["absence_rate"]

    assert rate() == (2, "0.5000")
    assert rate(employer_id=gr.employer) == (1, "1.0000")
    assert rate(employer_id=other) == (1, "0.0000")
    assert rate(coaching_organisation_id=org) == (1, "1.0000")
    assert rate(coaching_organisation_id=str(uuid.uuid4())) == (0, None)


def test_the_absence_rate_answer_names_its_period(client, gr):
    response = client.get(api(gr.slug, "/absence-rate"), headers=gr.coach,
                          query_string={"from": "2023-03-01", "to": "2023-03-29"})
    assert response.status_code == 200
    assert response.json["from"] == "2023-03-01" and response.json["to"] == "2023-03-29"


def test_an_empty_or_missing_period_is_refused(client, gr):
    refused(client.get(api(gr.slug, "/absence-rate"), headers=gr.coach,
                       query_string={"from": "2023-03-01", "to": "2023-03-01"}), 422, "from")
    refused(client.get(api(gr.slug, "/absence-rate"), headers=gr.coach, query_string={"to": "2023-03-01"}), 422, "from")
    refused(client.get(api(gr.slug, "/absence-rate"), headers=gr.coach, query_string={"from": "2023-03-01"}), 422, "to")


def test_roles_that_do_not_see_participants_get_small_groups_suppressed(client, gr, make_token):
    viewer = auth(make_token(gr.tenant, "viewer"))
    p = begin(client, gr, kind="permanent", end_on=None)
    assert client.post(api(gr.slug, f"/participants/{p['id']}/absences"), headers=gr.coach,
                       json={"start_on": "2023-03-01", "end_on": "2023-03-14"}).status_code == 201
    period = {"from": "2023-03-01", "to": "2023-03-29"}
    for headers in (gr.admin, viewer):
        response = client.get(api(gr.slug, "/absence-rate"), headers=headers, query_string=period)
        assert response.status_code == 200, response.json
        assert response.json == {"from": "2023-03-01", "to": "2023-03-29", "participants": None,
                                 "contracted_hours": None, "sick_hours": None, "absence_rate": None,
                                 "suppressed": True}
        forbidden = client.get(api(gr.slug, "/absence-rate"), headers=headers,
                               query_string={**period, "participant_id": p["id"]})
        assert forbidden.status_code == 403 and forbidden.json["code"] == "forbidden"
    assert client.get(api(gr.slug, "/absence-rate"), headers=gr.coach, query_string=period).json["suppressed"] is False


def _five_with_one_sick(client, gr):
    people = [begin(client, gr, kind="permanent", end_on=None) for _ in range(5)]
    assert client.post(api(gr.slug, f"/participants/{people[0]['id']}/absences"), headers=gr.coach,
                       json={"start_on": "2023-03-01", "end_on": "2023-03-28"}).status_code == 201
    return {"from": "2023-03-01", "to": "2023-03-29"}


def test_an_admin_sees_the_rate_of_a_group_of_five(client, gr):
    period = _five_with_one_sick(client, gr)
    response = client.get(api(gr.slug, "/absence-rate"), headers=gr.admin, query_string=period)
    assert response.status_code == 200
    assert response.json["suppressed"] is False and response.json["participants"] == 5
    assert response.json["absence_rate"] == "0.2000"


def test_a_viewer_sees_the_rate_of_a_group_of_five(client, gr, make_token):
    viewer = auth(make_token(gr.tenant, "viewer"))
    period = _five_with_one_sick(client, gr)
    response = client.get(api(gr.slug, "/absence-rate"), headers=viewer, query_string=period)
    assert response.status_code == 200
    assert response.json["suppressed"] is False and response.json["participants"] == 5
    assert response.json["absence_rate"] == "0.2000"


GROUP_FILTERS = ("participant_id", "neighbourhood_id", "coach_id", "coaching_organisation_id", "employer_id")


def test_roles_that_do_not_see_participants_get_no_group_at_all(app, client, gr, make_token):
    """Two groups that differ by one person would give that person's sickness away by subtraction: without
    participants.read only the programme as a whole is answered, whatever the size of a group."""
    viewer, finance = auth(make_token(gr.tenant, "viewer")), auth(make_token(gr.tenant, "finance"))
    hood = client.post(api(gr.slug, "/neighbourhoods"), headers=gr.admin, json={"name": "Beijum"}).json["id"]
    anna = coach_user(app, gr.tenant, "Coach Anna")
    org = coaching(client, gr.admin, gr.slug)
    period = _five_with_one_sick(client, gr)  # the five work for gr.employer
    other = employer(client, gr.admin, gr.slug, "Stadsbedrijf")
    alone = begin(client, gr, kind="permanent", end_on=None, employer_id=other, coach_id=anna,
                  coaching_organisation_id=org, candidate_fields={"neighbourhood_id": hood})
    assert client.post(api(gr.slug, f"/participants/{alone['id']}/absences"), headers=gr.coach,
                       json={"start_on": "2023-03-01", "end_on": "2023-03-28"}).status_code == 201
    # Each group with what a coach gets for it: (participants, absence rate).
    groups = [({"participant_id": alone["id"]}, (1, "1.0000")), ({"neighbourhood_id": hood}, (1, "1.0000")),
              ({"coach_id": anna}, (1, "1.0000")), ({"coaching_organisation_id": org}, (1, "1.0000")),
              ({"employer_id": other}, (1, "1.0000")),
              ({"employer_id": gr.employer}, (5, "0.2000")),  # five people: large enough, refused all the same
              ({"employer_id": str(uuid.uuid4())}, (0, None))]  # nobody: refused for asking, not for the answer
    assert {name for group, _ in groups for name in group} == set(GROUP_FILTERS)
    for headers in (gr.admin, viewer):
        whole = client.get(api(gr.slug, "/absence-rate"), headers=headers, query_string=period)
        assert whole.status_code == 200, whole.json
        assert whole.json["suppressed"] is False and whole.json["participants"] == 6
        assert whole.json["absence_rate"] == "0.3333"  # two of six sick the whole period
        for group, _ in groups:
            forbidden = client.get(api(gr.slug, "/absence-rate"), headers=headers,
                                   query_string={**period, **group})
            assert forbidden.status_code == 403, (group, forbidden.json)
            assert forbidden.json["code"] == "forbidden" and "absence_rate" not in forbidden.json
    for group, _ in groups:  # finance gets no absence rate at all
        assert client.get(api(gr.slug, "/absence-rate"), headers=finance,
                          query_string={**period, **group}).status_code == 403
    # A coach sees participants and may ask about any group, however small.
    for group, (people, rate) in groups:
        response = client.get(api(gr.slug, "/absence-rate"), headers=gr.coach, query_string={**period, **group})
        assert response.status_code == 200, (group, response.json)
        assert (response.json["participants"], response.json["absence_rate"], response.json["suppressed"]) == (
            people, rate, False), group


# --- job coaches: their organisation's participants only, no sensitive fields ---------------------------

@pytest.fixture
def two_organisations(app, client, gr):
    """Participants coached by Noord (one sick, with a performance report and exit notes) and by Zuid."""
    noord = coaching(client, gr.admin, gr.slug, "Begeleidende partij Noord")
    zuid = coaching(client, gr.admin, gr.slug, "Begeleidende partij Zuid")
    ours = begin(client, gr, coaching_organisation_id=noord,
                 candidate_fields={"family_name": "Noorderling", "date_of_birth": "1971-09-17", "gender": "male"})
    theirs = begin(client, gr, coaching_organisation_id=zuid, candidate_fields={"family_name": "Zuiderling"})
    nobody = begin(client, gr, candidate_fields={"family_name": "Zonderling"})
    assert client.post(api(gr.slug, f"/participants/{ours['id']}/contracts"), headers=gr.coach, json=renewal(
        gr, performance_report={"written_on": "2023-11-15", "author": "Coach Anna", "advice": "renew",
                                "summary": "Geheime beoordeling"})).status_code == 201
    for p in (ours, theirs):
        assert client.post(api(gr.slug, f"/participants/{p['id']}/absences"), headers=gr.coach,
                           json={"start_on": "2023-03-01", "end_on": "2023-03-14"}).status_code == 201
    assert client.post(api(gr.slug, f"/participants/{ours['id']}/exit"), headers=gr.coach,
                       json={"date": "2024-06-30", "reason": "regular_job", "notes": "Vertrouwelijke notitie"}
                       ).status_code == 200
    return {"noord": noord, "zuid": zuid, "ours": ours, "theirs": theirs, "nobody": nobody}


@pytest.mark.parametrize("by", ["name", "id"])
def test_a_job_coach_sees_only_their_organisations_participants(app, client, gr, two_organisations, by):
    w = two_organisations
    jc = jobcoach(app, gr.tenant, "Begeleidende partij Noord" if by == "name" else w["noord"])
    listed = client.get(api(gr.slug, "/participants"), headers=jc)
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json] == [w["ours"]["id"]]
    assert json.loads(listed.headers["X-Pagination"])["total"] == 1
    # Asking for another organisation's participants finds nothing either.
    assert client.get(api(gr.slug, "/participants"), headers=jc,
                      query_string={"coaching_organisation_id": w["zuid"]}).json == []
    assert client.get(api(gr.slug, f"/participants/{w['ours']['id']}"), headers=jc).status_code == 200
    assert client.get(api(gr.slug, f"/participants/{w['ours']['id']}/contracts"), headers=jc).status_code == 200
    assert client.get(api(gr.slug, f"/participants/{w['ours']['id']}/absences"), headers=jc).status_code == 200
    theirs = w["theirs"]["id"]
    [their_absence] = absences_of(client, gr, theirs)
    [their_contract] = contracts_of(client, gr, theirs)
    for path in (f"/participants/{theirs}", f"/participants/{theirs}/contracts", f"/participants/{theirs}/absences",
                 f"/participants/{theirs}/contracts/{their_contract['id']}", f"/participants/{w['nobody']['id']}"):
        response = client.get(api(gr.slug, path), headers=jc)
        assert response.status_code == 404, (path, response.json)
        assert "Zuiderling" not in response.get_data(as_text=True)
    # Nor can they write to them (absences.write is a job coach's permission).
    response = client.post(api(gr.slug, f"/participants/{theirs}/absences"), headers=jc,
                           json={"start_on": "2023-05-01"})
    assert response.status_code == 404
    response = client.patch(api(gr.slug, f"/participants/{theirs}/absences/{their_absence['id']}"), headers=jc,
                            json={"version": their_absence["version"], "end_on": "2023-03-10"})
    assert response.status_code == 404
    response = client.post(api(gr.slug, f"/participants/{theirs}/absences/{their_absence['id']}/gatekeeper-steps"),
                           headers=jc, json={"step": "problem_analysis", "done_on": "2023-03-05"})
    assert response.status_code == 404
    assert absences_of(client, gr, theirs) == [their_absence]


def test_a_job_coach_records_absence_of_their_own_participant(app, client, gr, two_organisations):
    w = two_organisations
    jc = jobcoach(app, gr.tenant, w["noord"])
    ours = w["ours"]["id"]
    made = client.post(api(gr.slug, f"/participants/{ours}/absences"), headers=jc,
                       json={"start_on": "2023-05-01", "end_on": "2023-05-02"})
    assert made.status_code == 201, made.json
    step = client.post(api(gr.slug, f"/participants/{ours}/absences/{made.json['id']}/gatekeeper-steps"), headers=jc,
                       json={"step": "problem_analysis", "done_on": "2023-05-02"})
    assert step.status_code == 201, step.json
    # Employment itself is the municipal coach's: 403 before anything is read.
    [contract, _] = contracts_of(client, gr, ours)
    for method, path, body in (
            ("PATCH", f"/participants/{ours}", {"version": 1, "coach_id": None}),
            ("POST", f"/participants/{ours}/exit", {"date": "2024-07-01", "reason": "resigned"}),
            ("POST", f"/participants/{ours}/contracts", renewal(gr, start_on="2025-01-01", end_on="2025-12-31")),
            ("PATCH", f"/participants/{ours}/contracts/{contract['id']}",
             {"version": 1, "valid_from": "2023-06-01", "hours_per_week": "36"}),
            ("POST", f"/participants/{ours}/contracts/{contract['id']}/performance-reports",
             {"written_on": "2023-11-01", "author": "Job coach", "advice": "renew"}),
            ("POST", "/participants", {}), ("POST", "/cao-transition/preview", {}), ("POST", "/cao-transition", {})):
        response = client.open(api(gr.slug, path), method=method, headers=jc, json=body)
        assert response.status_code == 403, (method, path, response.json)


def test_a_job_coach_never_sees_sensitive_fields(app, client, gr, two_organisations):
    w = two_organisations
    jc = jobcoach(app, gr.tenant, w["noord"])
    ours = w["ours"]["id"]
    coach_view = client.get(api(gr.slug, f"/participants/{ours}"), headers=gr.coach).json
    assert coach_view["date_of_birth"] == "1971-09-17" and coach_view["gender"] == "male"
    assert coach_view["exit_notes"] == "Vertrouwelijke notitie"
    assert contracts_of(client, gr, ours)[0]["performance_reports"][0]["summary"] == "Geheime beoordeling"
    responses = [client.get(api(gr.slug, path), headers=jc) for path in (
        f"/participants/{ours}", "/participants", f"/participants/{ours}/contracts", f"/participants/{ours}/absences",
        "/worklist")]
    assert all(r.status_code == 200 for r in responses)
    detail, listed, contracts = responses[0].json, responses[1].json, responses[2].json
    for view in (detail, listed[0]):
        assert view["family_name"] == "Noorderling" and view["exit_reason"] == "regular_job"
        for field in ("date_of_birth", "gender", "exit_notes"):
            assert field not in view, field
    [report] = contracts[0]["performance_reports"]
    assert report["advice"] == "renew" and report["summary"] is None
    for response in responses:
        text = response.get_data(as_text=True)
        for secret in ("1971-09-17", "Vertrouwelijke", "Geheime", '"male"'):
            assert secret not in text, (response.request.path, secret)


def test_a_job_coach_without_an_organisation_sees_no_participants(app, client, gr, two_organisations):
    jc = jobcoach(app, gr.tenant, None)
    listed = client.get(api(gr.slug, "/participants"), headers=jc)
    assert listed.status_code == 200 and listed.json == []
    assert client.get(api(gr.slug, f"/participants/{two_organisations['ours']['id']}"), headers=jc).status_code == 404
    assert client.get(api(gr.slug, "/worklist"), headers=jc).json == []
    rate = client.get(api(gr.slug, "/absence-rate"), headers=jc,
                      query_string={"from": "2023-03-01", "to": "2023-03-29"})
    assert rate.status_code == 200 and rate.json["participants"] == 0


def test_a_token_for_an_organisation_that_does_not_coach_is_refused(app, gr):
    with pytest.raises(InvalidInput) as refused_token:
        jobcoach(app, gr.tenant, "Thermiek BV")  # an employer, not a coaching organisation
    assert "organisation" in refused_token.value.errors


def test_a_job_coachs_absence_rate_covers_their_organisation(app, client, gr, two_organisations):
    jc = jobcoach(app, gr.tenant, two_organisations["noord"])
    period = {"from": "2023-03-01", "to": "2023-03-29"}
    mine = client.get(api(gr.slug, "/absence-rate"), headers=jc, query_string=period)
    everyone = client.get(api(gr.slug, "/absence-rate"), headers=gr.coach, query_string=period)
    assert mine.status_code == everyone.status_code == 200
    assert mine.json["participants"] == 1 and everyone.json["participants"] == 3
    assert mine.json["suppressed"] is False  # a job coach sees participants: no suppression
    # Another organisation's participant is answered as a participant that does not exist: nothing.
    theirs = client.get(api(gr.slug, "/absence-rate"), headers=jc,
                        query_string={**period, "participant_id": two_organisations["theirs"]["id"]})
    unknown = client.get(api(gr.slug, "/absence-rate"), headers=jc,
                         query_string={**period, "participant_id": str(uuid.uuid4())})
    assert theirs.status_code == 200 and theirs.json == unknown.json
    assert theirs.json["participants"] == 0 and theirs.json["absence_rate"] is None
    own = client.get(api(gr.slug, "/absence-rate"), headers=jc,
                     query_string={**period, "participant_id": two_organisations["ours"]["id"]})
    assert own.json["participants"] == 1 and own.json["absence_rate"] == "0.5000"


def test_another_municipalitys_ids_in_bodies_and_queries_find_nothing(app, client, gr, make_tenant, make_token,
                                                                     owner_engine):
    """Path ids are covered by tests/api/test_cross_tenant.py; these are ids in bodies and query strings."""
    theirs_p = begin(client, gr, kind="permanent", end_on=None)
    assert client.post(api(gr.slug, f"/participants/{theirs_p['id']}/absences"), headers=gr.coach,
                       json={"start_on": "2023-03-01", "end_on": "2023-03-14"}).status_code == 201
    theirs_org = coaching(client, gr.admin, gr.slug)
    theirs_candidate = started_candidate(client, gr.coach, gr.slug)
    anna = coach_user(app, gr.tenant, "Coach Anna")
    tenant = make_tenant("tilburg")
    coach, admin = auth(make_token(tenant, "coach")), auth(make_token(tenant, "admin"))
    tilburg = Env(tenant, tenant.slug, coach, admin, employer(client, admin, tenant.slug, "Tilburgs bedrijf"))
    own = begin(client, tilburg, kind="permanent", end_on=None)
    period = {"from": "2023-03-01", "to": "2023-03-29"}
    rate = client.get(api(tilburg.slug, "/absence-rate"), headers=coach,
                      query_string={**period, "participant_id": theirs_p["id"]})
    assert rate.status_code == 200 and rate.json["participants"] == 0 and rate.json["absence_rate"] is None
    for name, value in (("employer_id", gr.employer), ("coaching_organisation_id", theirs_org), ("coach_id", anna)):
        assert client.get(api(tilburg.slug, "/participants"), headers=coach, query_string={name: value}).json == []
        assert client.get(api(tilburg.slug, "/absence-rate"), headers=coach,
                          query_string={**period, name: value}).json["participants"] == 0
    assert client.get(api(tilburg.slug, "/worklist"), headers=coach,
                      query_string={"participant_id": theirs_p["id"]}).json == []
    before = counts(owner_engine, gr.tenant), counts(owner_engine, tenant)
    refused(client.post(api(tilburg.slug, "/participants"), headers=coach, json={
        "candidate_id": theirs_candidate, "started_on": "2023-01-01",
        "contract": contract_body(tilburg.employer)}), 422, "candidate_id")
    cid = started_candidate(client, coach, tilburg.slug)
    before = counts(owner_engine, gr.tenant), counts(owner_engine, tenant)
    for extra, field in (({"coach_id": anna}, "coach_id"), ({"coaching_organisation_id": theirs_org},
                                                            "coaching_organisation_id")):
        refused(client.post(api(tilburg.slug, "/participants"), headers=coach, json={
            "candidate_id": cid, "started_on": "2023-01-01", "contract": contract_body(tilburg.employer), **extra}),
            422, field)
    refused(client.post(api(tilburg.slug, "/participants"), headers=coach, json={
        "candidate_id": cid, "started_on": "2023-01-01", "contract": contract_body(gr.employer)}),
        422, "contract.employer_id")
    refused(client.patch(api(tilburg.slug, f"/participants/{own['id']}"), headers=coach,
                         json={"version": own["version"], "coaching_organisation_id": theirs_org}),
            422, "coaching_organisation_id")
    assert (counts(owner_engine, gr.tenant), counts(owner_engine, tenant)) == before
    with pytest.raises(InvalidInput):
        jobcoach(app, tenant, theirs_org)  # a token cannot be bound to another municipality's organisation


# --- the work list ----------------------------------------------------------------------------------------

def _days(n: int) -> str:
    return (date.today() + timedelta(days=n)).isoformat()


def test_the_work_list(app, client, gr):
    anna = coach_user(app, gr.tenant, "Coach Anna")
    # Ends in three weeks, no performance report: both items. Started almost three years ago: the moment to
    # consider a permanent contract (Groningen: after three years) is within the notice weeks.
    cid = started_candidate(client, gr.coach, gr.slug, family_name="Eindigt")
    ending = begin(client, gr, candidate=cid, started_on=_days(-3 * 365 + 20), start_on=_days(-300),
                   end_on=_days(20), coach_id=anna)
    # Sick for 40 days, ongoing: the problem analysis (week 6) is due in two days.
    sick = begin(client, gr, candidate_fields={"family_name": "Ziek"}, started_on=_days(-200), kind="permanent",
                 end_on=None)
    absence = client.post(api(gr.slug, f"/participants/{sick['id']}/absences"), headers=gr.coach,
                          json={"start_on": _days(-40)})
    assert absence.status_code == 201, absence.json
    # Sick for 60 days: the problem analysis is overdue.
    late = begin(client, gr, candidate_fields={"family_name": "Laat"}, started_on=_days(-200), kind="permanent",
                 end_on=None)
    late_absence = client.post(api(gr.slug, f"/participants/{late['id']}/absences"), headers=gr.coach,
                               json={"start_on": _days(-60)}).json
    # Nothing to do: a long temporary contract.
    begin(client, gr, candidate_fields={"family_name": "Rustig"}, started_on=_days(-30), end_on=_days(300))
    response = client.get(api(gr.slug, "/worklist"), headers=gr.coach)
    assert response.status_code == 200, response.json
    # Everyone started more than four weeks ago without a wellbeing measurement: the first one is due.
    assert {i["participant_name"].split()[-1] for i in response.json if i["kind"] == "wellbeing_due"} == {
        "Eindigt", "Ziek", "Laat", "Rustig"}
    items = [i for i in response.json if i["kind"] != "wellbeing_due"]
    found = {(i["participant_name"].split()[-1], i["kind"], i.get("step")) for i in items}
    [ending_contract] = contracts_of(client, gr, ending["id"])
    assert ("Eindigt", "contract_ending", None) in found
    assert ("Eindigt", "performance_report_due", None) in found
    assert ("Eindigt", "permanent_moment", None) in found
    assert ("Ziek", "gatekeeper", "problem_analysis") in found
    assert ("Laat", "gatekeeper", "problem_analysis") in found and ("Laat", "gatekeeper", "action_plan") in found
    assert not any(name == "Rustig" for name, _, _ in found)
    by_key = {(i["participant_name"].split()[-1], i["kind"], i.get("step")): i for i in items}
    assert by_key[("Eindigt", "contract_ending", None)]["due_on"] == _days(20)
    assert by_key[("Eindigt", "contract_ending", None)]["contract_id"] == ending_contract["id"]
    assert by_key[("Eindigt", "contract_ending", None)]["overdue"] is False
    assert by_key[("Ziek", "gatekeeper", "problem_analysis")]["due_on"] == _days(-40 + 41)
    assert by_key[("Laat", "gatekeeper", "problem_analysis")]["overdue"] is True
    assert by_key[("Laat", "gatekeeper", "problem_analysis")]["absence_id"] == late_absence["id"]
    assert [i["due_on"] for i in items] == sorted(i["due_on"] for i in items)  # soonest first
    # Filters.
    kinds = client.get(api(gr.slug, "/worklist"), headers=gr.coach, query_string={"kind": "gatekeeper"}).json
    assert kinds and {i["kind"] for i in kinds} == {"gatekeeper"}
    mine = client.get(api(gr.slug, "/worklist"), headers=gr.coach, query_string={"coach_id": anna}).json
    assert mine and {i["participant_id"] for i in mine} == {ending["id"]}
    one = client.get(api(gr.slug, "/worklist"), headers=gr.coach, query_string={"participant_id": late["id"]}).json
    assert one and {i["participant_id"] for i in one} == {late["id"]}
    # Done steps, a report, recovery and a next contract take items off the list.
    assert client.post(api(gr.slug, f"/participants/{late['id']}/absences/{late_absence['id']}/gatekeeper-steps"),
                       headers=gr.coach, json={"step": "problem_analysis", "done_on": _days(0)}).status_code == 201
    assert client.post(api(gr.slug, f"/participants/{ending['id']}/contracts/{ending_contract['id']}"
                                    "/performance-reports"),
                       headers=gr.coach, json={"written_on": _days(0), "author": "Coach Anna",
                                               "advice": "renew"}).status_code == 201
    assert client.patch(api(gr.slug, f"/participants/{sick['id']}/absences/{absence.json['id']}"), headers=gr.coach,
                        json={"version": 1, "end_on": _days(-1)}).status_code == 200
    after = {(i["participant_name"].split()[-1], i["kind"], i.get("step"))
             for i in client.get(api(gr.slug, "/worklist"), headers=gr.coach).json if i["kind"] != "wellbeing_due"}
    assert ("Laat", "gatekeeper", "problem_analysis") not in after and ("Laat", "gatekeeper", "action_plan") in after
    assert ("Eindigt", "performance_report_due", None) not in after and ("Eindigt", "contract_ending", None) in after
    assert not any(name == "Ziek" for name, _, _ in after)
    assert client.post(api(gr.slug, f"/participants/{ending['id']}/contracts"), headers=gr.coach, json=contract_body(
        gr.employer, start_on=_days(21), end_on=_days(400))).status_code == 201
    after = {(i["participant_name"].split()[-1], i["kind"]) for i in client.get(api(gr.slug, "/worklist"),
                                                                                headers=gr.coach).json}
    assert ("Eindigt", "contract_ending") not in after


def test_the_work_list_leaves_out_those_who_left_and_other_organisations(app, client, gr):
    noord = coaching(client, gr.admin, gr.slug)
    ours = begin(client, gr, candidate_fields={"family_name": "Onze"}, started_on=_days(-100), start_on=_days(-100),
                 end_on=_days(10), coaching_organisation_id=noord)
    theirs = begin(client, gr, candidate_fields={"family_name": "Andere"}, started_on=_days(-100),
                   end_on=_days(10))
    gone = begin(client, gr, candidate_fields={"family_name": "Vertrokken"}, started_on=_days(-100), end_on=_days(10))
    assert client.post(api(gr.slug, f"/participants/{gone['id']}/exit"), headers=gr.coach,
                       json={"date": _days(-1), "reason": "resigned"}).status_code == 200
    everyone = {i["participant_id"] for i in client.get(api(gr.slug, "/worklist"), headers=gr.coach).json}
    assert everyone == {ours["id"], theirs["id"]}
    jc = jobcoach(app, gr.tenant, noord)
    assert {i["participant_id"] for i in client.get(api(gr.slug, "/worklist"), headers=jc).json} == {ours["id"]}


# --- CAO terms ---------------------------------------------------------------------------------------------

def test_cao_terms_for_a_date(client, gr, make_token):
    viewer = auth(make_token(gr.tenant, "viewer"))
    sw = client.get(api(gr.slug, "/cao-terms"), headers=viewer, query_string={"on": "2023-03-01"})
    assert sw.status_code == 200, sw.json
    assert sw.json["cao"] == "cao_sw" and sw.json["name"] == "CAO SW"  # Groningen's agreement
    assert sw.json["on"] == "2023-03-01" and sw.json["effective_from"] == "2021-01-01"
    assert Decimal(sw.json["standard_week_hours"]) == 36
    assert Decimal(sw.json["year_end_payment_rate"]) == Decimal("0.0375")
    assert Decimal(sw.json["holiday_allowance_rate"]) == Decimal("0.08") and sw.json["minimum_hourly_wage"] == "12.40"
    assert sw.json["verified"] is False and sw.json["source"]
    ads = client.get(api(gr.slug, "/cao-terms"), headers=viewer,
                     query_string={"cao": "cao_aan_de_slag", "on": "2027-02-01"})
    assert ads.status_code == 200
    assert ads.json["effective_from"] == "2027-01-01" and Decimal(ads.json["standard_week_hours"]) == 36
    assert Decimal(ads.json["year_end_payment_rate"]) == 0
    today = client.get(api(gr.slug, "/cao-terms"), headers=viewer)
    assert today.status_code == 200 and today.json["on"] == date.today().isoformat()
    refused(client.get(api(gr.slug, "/cao-terms"), headers=viewer,
                       query_string={"cao": "cao_aan_de_slag", "on": "2021-06-30"}), 422, "cao")
    assert client.get(api(gr.slug, "/cao-terms"), headers=viewer,
                      query_string={"cao": "cao_aan_de_slag", "on": "2021-07-01"}).status_code == 200
    # CAO SW has terms from 2019 (Groningen's first contracts, March 2020): the same rates, not verified.
    early = client.get(api(gr.slug, "/cao-terms"), headers=viewer, query_string={"on": "2020-12-31"})
    assert early.status_code == 200, early.json
    assert early.json["cao"] == "cao_sw" and early.json["effective_from"] == "2019-01-01"
    assert Decimal(early.json["standard_week_hours"]) == 36 and early.json["verified"] is False
    assert Decimal(early.json["year_end_payment_rate"]) == Decimal("0.0375")
    assert Decimal(early.json["holiday_allowance_rate"]) == Decimal("0.08")
    # 1680.00 a month x 3 / 13 / 36 hours = 10.77
    assert early.json["minimum_hourly_wage"] == "10.77"
    first = client.get(api(gr.slug, "/cao-terms"), headers=viewer, query_string={"on": "2020-01-01"})
    assert first.status_code == 200 and first.json["effective_from"] == "2019-01-01"
    # In 2019 the terms exist, but the minimum wage table starts in 2020: the date is named.
    refused(client.get(api(gr.slug, "/cao-terms"), headers=viewer, query_string={"on": "2019-01-01"}), 422, "on")
    refused(client.get(api(gr.slug, "/cao-terms"), headers=viewer, query_string={"on": "2018-12-31"}), 422, "cao")
    refused(client.get(api(gr.slug, "/cao-terms"), headers=viewer, query_string={"on": "1 March"}), 422, "on")


# --- the CAO transition -------------------------------------------------------------------------------------

TRANSITION = {"to_cao": "cao_aan_de_slag", "on": "2024-07-01"}
PREVIEW_KEYS = {"to_cao", "on", "keep_old_wage", "rows", "earning_less", "annual_before", "annual_after"}
ROW_KEYS = {"participant_id", "participant_name", "contract_id", "contract_version", "effective_from",
            "hours_per_week", "from_cao", "hourly_before", "hourly_after", "annual_before", "annual_after",
            "earns_less", "guaranteed_hourly_wage", "replaced_versions"}


def _on_cao_sw(client, gr, **overrides):
    p = begin(client, gr, started_on="2024-01-01", kind="permanent", end_on=None, **overrides)
    [contract] = contracts_of(client, gr, p["id"])
    return p, contract


def _confirmed(preview: dict) -> list[dict]:
    """The rows of a preview as apply takes them back (`contracts`)."""
    return [{"contract_id": r["contract_id"], "contract_version": r["contract_version"]} for r in preview["rows"]]


def _terms(contract: dict) -> list[tuple]:
    """A contract's current versions from the API: date, agreement, reason, hours, guarantee, wage, basis."""
    return [(v["valid_from"], v["cao"], v["reason"], Decimal(v["hours_per_week"]), v["guaranteed_hourly_wage"],
             v["hourly_wage"], v["wage_basis"]) for v in contract["versions"]]


def version_rows(owner_engine, contract_id: str) -> list[dict]:
    """Every stored version of a contract, superseded ones included, read as the owner."""
    table = db.metadata.tables["contract_versions"]
    with owner_engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(
            select(table).where(table.c.contract_id == uuid.UUID(contract_id))
            .order_by(table.c.valid_from, table.c.created_at))]


def test_the_preview_flags_those_who_would_earn_less(client, gr, owner_engine):
    p, contract = _on_cao_sw(client, gr)
    before = counts(owner_engine, gr.tenant)
    response = client.post(api(gr.slug, "/cao-transition/preview"), headers=gr.admin, json=TRANSITION)
    assert response.status_code == 200, response.json
    result = response.json
    assert counts(owner_engine, gr.tenant) == before  # a preview saves nothing
    assert result["to_cao"] == "cao_aan_de_slag" and result["on"] == "2024-07-01" and result["keep_old_wage"] is True
    assert set(result) == PREVIEW_KEYS and result["earning_less"] == 1  # no "blocked" list any more
    [row] = result["rows"]
    assert set(row) == ROW_KEYS
    assert row["participant_id"] == p["id"] and row["contract_id"] == contract["id"] and row["from_cao"] == "cao_sw"
    # Running on the date: it moves from the date, under the version the preview read; nothing later to replace.
    assert row["effective_from"] == "2024-07-01" and row["contract_version"] == contract["version"]
    assert row["replaced_versions"] == 0 and Decimal(row["hours_per_week"]) == 32
    # The same minimum hourly wage (13.68 from July 2024), but CAO SW pays a 3.75% year-end payment on top:
    # over a year the move would cost the participant money.
    assert row["hourly_before"] == "13.68" and row["earns_less"] is True
    # 13.68 x 1.1175 / 1.08, rounded up to the cent: the guarantee that keeps the annual pay.
    assert row["guaranteed_hourly_wage"] == "14.16" and row["hourly_after"] == "14.16"
    before_pay = Decimal(row["annual_before"]["gross"]) + Decimal(row["annual_before"]["holiday_allowance"]) + \
        Decimal(row["annual_before"]["year_end_payment"])
    after_pay = Decimal(row["annual_after"]["gross"]) + Decimal(row["annual_after"]["holiday_allowance"]) + \
        Decimal(row["annual_after"]["year_end_payment"])
    assert after_pay >= before_pay and Decimal(row["annual_after"]["year_end_payment"]) == 0
    assert Decimal(row["annual_before"]["year_end_payment"]) > 0
    assert Decimal(result["annual_before"]) == Decimal(row["annual_before"]["total"])
    # Without the transition arrangement: no guarantee, the new minimum wage.
    plain = client.post(api(gr.slug, "/cao-transition/preview"), headers=gr.admin,
                        json={**TRANSITION, "keep_old_wage": False}).json
    [row] = plain["rows"]
    assert row["earns_less"] is True and row["guaranteed_hourly_wage"] is None and row["hourly_after"] == "13.68"
    assert plain["earning_less"] == 1 and Decimal(plain["annual_after"]) < Decimal(plain["annual_before"])


def test_before_2024_the_longer_week_lowers_the_hourly_wage(client, gr):
    begin(client, gr, started_on="2023-01-01", kind="permanent", end_on=None)
    result = client.post(api(gr.slug, "/cao-transition/preview"), headers=gr.admin,
                         json={"to_cao": "cao_aan_de_slag", "on": "2023-07-01", "keep_old_wage": False}).json
    [row] = result["rows"]
    assert row["hourly_before"] == "12.79" and row["hourly_after"] == "12.12" and row["earns_less"] is True


def test_applying_the_transition_adds_versions_and_leaves_the_old_ones(app, client, gr, owner_engine):
    p, contract = _on_cao_sw(client, gr)
    other, other_contract = _on_cao_sw(client, gr)
    applied = client.post(api(gr.slug, "/cao-transition"), headers=gr.admin, json=TRANSITION)
    assert applied.status_code == 201, applied.json
    assert len(applied.json["rows"]) == 2 and applied.json["earning_less"] == 2
    for pid, old in ((p["id"], contract), (other["id"], other_contract)):
        [now] = contracts_of(client, gr, pid)
        assert now["versions"][0] == old["versions"][0]  # untouched
        new = now["versions"][1]
        assert new["valid_from"] == "2024-07-01" and new["cao"] == "cao_aan_de_slag"
        assert new["reason"] == "cao_transition"
        assert new["guaranteed_hourly_wage"] == "14.16" and new["hourly_wage"] == "14.16"
        assert new["wage_basis"] == "guarantee" and Decimal(new["hours_per_week"]) == 32
        assert now["version"] == old["version"] + 1
        # A version at the date is added; nothing was dated on or after it, so nothing is superseded.
        stored = version_rows(owner_engine, old["id"])
        assert len(stored) == 2 and all(v["superseded_at"] is None for v in stored)
    [event] = audit_events(app, gr.tenant, "cao_transition.applied")
    assert event.details["contracts"] == 2 and event.details["to_cao"] == "cao_aan_de_slag"
    # The list filters on the new agreement from the date.
    names = client.get(api(gr.slug, "/participants"), headers=gr.coach,
                       query_string={"on": "2024-07-01", "cao": "cao_aan_de_slag"}).json
    assert {x["id"] for x in names} == {p["id"], other["id"]}
    assert client.get(api(gr.slug, "/participants"), headers=gr.coach,
                      query_string={"on": "2024-06-30", "cao": "cao_aan_de_slag"}).json == []
    # Nothing moves a second time.
    refused(client.post(api(gr.slug, "/cao-transition"), headers=gr.admin, json=TRANSITION), 422, "to_cao")
    again = client.post(api(gr.slug, "/cao-transition/preview"), headers=gr.admin, json=TRANSITION).json
    assert set(again) == PREVIEW_KEYS and again["rows"] == [] and again["earning_less"] == 0


def test_the_guarantee_carries_over_until_the_minimum_wage_passes_it(client, gr):
    p, contract = _on_cao_sw(client, gr)
    assert client.post(api(gr.slug, "/cao-transition"), headers=gr.admin, json=TRANSITION).status_code == 201
    [now] = contracts_of(client, gr, p["id"])
    url = api(gr.slug, f"/participants/{p['id']}/contracts/{contract['id']}")
    changed = client.patch(url, headers=gr.coach, json={"version": now["version"], "valid_from": "2025-01-01",
                                                        "hours_per_week": "36"})
    assert changed.status_code == 200, changed.json
    kept = changed.json["versions"][-1]
    assert kept["guaranteed_hourly_wage"] == "14.16" and kept["hourly_wage"] == "14.16"  # above 14.06
    passed = client.patch(url, headers=gr.coach, json={"version": changed.json["version"], "valid_from": "2025-07-01",
                                                       "hours_per_week": "32"}).json["versions"][-1]
    assert passed["hourly_wage"] == "14.40" and passed["wage_basis"] == "minimum_wage"  # the minimum wage took over


def test_a_renewal_under_the_same_agreement_keeps_the_transition_guarantee(client, gr):
    kept = begin(client, gr, started_on="2024-01-01", end_on="2024-12-31")
    other = begin(client, gr, started_on="2024-01-01", end_on="2024-12-31")
    applied = client.post(api(gr.slug, "/cao-transition"), headers=gr.admin, json=TRANSITION)
    assert applied.status_code == 201, applied.json
    assert [r["guaranteed_hourly_wage"] for r in applied.json["rows"]] == ["14.16", "14.16"]
    report = {"written_on": "2024-10-01", "author": "Coach Anna", "advice": "renew"}
    same = client.post(api(gr.slug, f"/participants/{kept['id']}/contracts"), headers=gr.coach, json=renewal(
        gr, start_on="2025-01-01", end_on="2025-12-31", cao="cao_aan_de_slag", performance_report=report))
    assert same.status_code == 201, same.json
    # The guarantee stays with the person: above the minimum wage of 2025 (14.06).
    assert _terms(same.json) == [
        ("2025-01-01", "cao_aan_de_slag", "start", Decimal(32), "14.16", "14.16", "guarantee")]
    assert _terms(contracts_of(client, gr, kept["id"])[1]) == _terms(same.json)
    # Back under the old agreement there is no transition guarantee to keep.
    back = client.post(api(gr.slug, f"/participants/{other['id']}/contracts"), headers=gr.coach, json=renewal(
        gr, start_on="2025-01-01", end_on="2025-12-31", cao="cao_sw", performance_report=report))
    assert back.status_code == 201, back.json
    assert _terms(back.json) == [("2025-01-01", "cao_sw", "start", Decimal(32), None, "14.06", "minimum_wage")]
    # Until the minimum wage passes it (14.40 from 2025-07-01).
    changed = client.patch(api(gr.slug, f"/participants/{kept['id']}/contracts/{same.json['id']}"), headers=gr.coach,
                           json={"version": same.json["version"], "valid_from": "2025-07-01", "hours_per_week": "30"})
    assert changed.status_code == 200, changed.json
    assert _terms(changed.json)[-1] == (
        "2025-07-01", "cao_aan_de_slag", "hours", Decimal(30), "14.16", "14.40", "minimum_wage")


def test_a_change_planned_after_the_date_moves_too(app, client, gr, owner_engine):
    """A change of hours recorded for a later date is replaced by the same change under the new agreement;
    the replaced version stays in the database, marked superseded."""
    p, contract = _on_cao_sw(client, gr, candidate_fields={"family_name": "Later"})
    fine, fine_contract = _on_cao_sw(client, gr)
    planned = client.patch(api(gr.slug, f"/participants/{p['id']}/contracts/{contract['id']}"), headers=gr.coach,
                           json={"version": contract["version"], "valid_from": "2024-09-01", "hours_per_week": "36",
                                 "note": "Meer uren"})
    assert planned.status_code == 200, planned.json
    start_version, planned_version = planned.json["versions"]
    preview = client.post(api(gr.slug, "/cao-transition/preview"), headers=gr.admin, json=TRANSITION).json
    assert set(preview) == PREVIEW_KEYS
    rows = {r["participant_id"]: r for r in preview["rows"]}
    assert set(rows) == {p["id"], fine["id"]}
    later = rows[p["id"]]
    assert later["participant_name"] == "Piet Later" and later["contract_id"] == contract["id"]
    assert later["contract_version"] == planned.json["version"] == contract["version"] + 1
    assert later["effective_from"] == "2024-07-01" and later["replaced_versions"] == 1
    assert Decimal(later["hours_per_week"]) == 32  # the terms in force on the date
    assert (later["hourly_before"], later["guaranteed_hourly_wage"]) == ("13.68", "14.16")
    assert (rows[fine["id"]]["replaced_versions"], rows[fine["id"]]["effective_from"]) == (0, "2024-07-01")
    before = counts(owner_engine, gr.tenant)
    applied = client.post(api(gr.slug, "/cao-transition"), headers=gr.admin,
                          json={**TRANSITION, "contracts": _confirmed(preview)})
    assert applied.status_code == 201, applied.json
    assert applied.json["rows"] == preview["rows"]
    # Later: a version at the date and the replacement of the planned one; the other: one at the date.
    assert counts(owner_engine, gr.tenant)["contract_versions"] == before["contract_versions"] + 3
    [now] = contracts_of(client, gr, p["id"])
    assert now["version"] == planned.json["version"] + 1
    assert now["versions"][0] == start_version  # earlier terms untouched
    assert _terms(now)[1:] == [
        ("2024-07-01", "cao_aan_de_slag", "cao_transition", Decimal(32), "14.16", "14.16", "guarantee"),
        ("2024-09-01", "cao_aan_de_slag", "cao_transition", Decimal(36), "14.16", "14.16", "guarantee")]
    assert now["versions"][1]["note"] == "CAO transition"
    assert now["versions"][2]["note"] == "CAO transition (Meer uren)"
    assert now["versions"][1]["wage_scale"] is None and now["versions"][2]["wage_step"] is None
    assert planned_version["id"] not in {v["id"] for v in now["versions"]}  # only current versions are shown
    stored = version_rows(owner_engine, contract["id"])
    assert len(stored) == 4
    [replaced] = [v for v in stored if v["superseded_at"] is not None]
    assert str(replaced["id"]) == planned_version["id"]
    assert (replaced["valid_from"], replaced["cao"], replaced["reason"], replaced["hours_per_week"],
            replaced["note"]) == (date(2024, 9, 1), "cao_sw", "hours", Decimal(36), "Meer uren")
    [kept] = [v for v in stored if str(v["id"]) == start_version["id"]]
    assert kept["superseded_at"] is None and kept["cao"] == "cao_sw" and kept["reason"] == "start"
    assert _terms(contracts_of(client, gr, fine["id"])[0]) == [
        ("2024-01-01", "cao_sw", "start", Decimal(32), None, "13.27", "minimum_wage"),
        ("2024-07-01", "cao_aan_de_slag", "cao_transition", Decimal(32), "14.16", "14.16", "guarantee")]
    # Current-version readers ignore the superseded row: the list, and the contracted hours (36 a week
    # over four weeks of September, counted once).
    assert client.get(api(gr.slug, "/participants"), headers=gr.coach,
                      query_string={"on": "2024-10-01", "cao": "cao_sw"}).json == []
    moved = client.get(api(gr.slug, "/participants"), headers=gr.coach,
                       query_string={"on": "2024-10-01", "cao": "cao_aan_de_slag"}).json
    assert {x["id"] for x in moved} == {p["id"], fine["id"]}
    hours = client.get(api(gr.slug, "/absence-rate"), headers=gr.coach,
                       query_string={"from": "2024-09-01", "to": "2024-09-29", "participant_id": p["id"]}).json
    assert Decimal(hours["contracted_hours"]) == 144 and hours["participants"] == 1


def test_renewals_recorded_in_advance_move_too(client, gr, owner_engine):
    """Contracts that start on or after the date move from their own start, with wages of that day."""
    p = begin(client, gr, started_on="2024-01-01", end_on="2024-12-31", candidate_fields={"family_name": "Verlengd"})
    renewed = client.post(api(gr.slug, f"/participants/{p['id']}/contracts"), headers=gr.coach, json=renewal(
        gr, start_on="2025-01-01", end_on="2025-12-31",
        performance_report={"written_on": "2024-06-01", "author": "Coach Anna", "advice": "renew"}))
    assert renewed.status_code == 201, renewed.json
    same_day = begin(client, gr, started_on="2024-07-01", kind="permanent", end_on=None,
                     candidate_fields={"family_name": "Zelfde"})
    already = begin(client, gr, started_on="2024-09-01", kind="permanent", end_on=None, cao="cao_aan_de_slag")
    first, second = contracts_of(client, gr, p["id"])
    [same] = contracts_of(client, gr, same_day["id"])
    [new_already] = contracts_of(client, gr, already["id"])
    preview = client.post(api(gr.slug, "/cao-transition/preview"), headers=gr.admin, json=TRANSITION).json
    rows = {r["contract_id"]: r for r in preview["rows"]}
    assert set(rows) == {first["id"], second["id"], same["id"]}  # not the one under the new agreement already
    assert [r["contract_id"] for r in preview["rows"]] == [first["id"], second["id"], same["id"]]
    assert (rows[first["id"]]["effective_from"], rows[first["id"]]["replaced_versions"]) == ("2024-07-01", 0)
    assert (rows[same["id"]]["effective_from"], rows[same["id"]]["replaced_versions"]) == ("2024-07-01", 1)
    assert (rows[same["id"]]["hourly_before"], rows[same["id"]]["guaranteed_hourly_wage"]) == ("13.68", "14.16")
    renewal_row = rows[second["id"]]
    assert (renewal_row["effective_from"], renewal_row["replaced_versions"]) == ("2025-01-01", 1)
    assert renewal_row["contract_version"] == second["version"] and renewal_row["participant_id"] == p["id"]
    # The wages of 2025-01-01 (14.06): 14.06 x 1.1175 / 1.08 = 14.548..., rounded up: 14.55.
    assert (renewal_row["hourly_before"], renewal_row["hourly_after"], renewal_row["guaranteed_hourly_wage"],
            renewal_row["earns_less"]) == ("14.06", "14.55", "14.55", True)
    assert preview["earning_less"] == 3
    before = counts(owner_engine, gr.tenant)
    applied = client.post(api(gr.slug, "/cao-transition"), headers=gr.admin, json=TRANSITION)  # recomputed
    assert applied.status_code == 201, applied.json
    assert applied.json["rows"] == preview["rows"]
    assert counts(owner_engine, gr.tenant)["contract_versions"] == before["contract_versions"] + 3
    moved_first, moved_second = contracts_of(client, gr, p["id"])
    assert moved_first["versions"][0] == first["versions"][0]  # earlier versions untouched
    assert _terms(moved_first)[1:] == [
        ("2024-07-01", "cao_aan_de_slag", "cao_transition", Decimal(32), "14.16", "14.16", "guarantee")]
    # The renewal and the contract starting on the date: only the replacement is current, from the same day.
    assert _terms(moved_second) == [
        ("2025-01-01", "cao_aan_de_slag", "cao_transition", Decimal(32), "14.55", "14.55", "guarantee")]
    [moved_same] = contracts_of(client, gr, same_day["id"])
    assert _terms(moved_same) == [
        ("2024-07-01", "cao_aan_de_slag", "cao_transition", Decimal(32), "14.16", "14.16", "guarantee")]
    for old, moved in ((second, moved_second), (same, moved_same)):
        assert moved["version"] == old["version"] + 1
        assert (moved["start_on"], moved["end_on"]) == (old["start_on"], old["end_on"])
        stored = version_rows(owner_engine, old["id"])
        assert len(stored) == 2
        [replaced] = [v for v in stored if v["superseded_at"] is not None]
        assert str(replaced["id"]) == old["versions"][0]["id"]
        assert (replaced["valid_from"].isoformat(), replaced["cao"], replaced["reason"],
                replaced["hours_per_week"]) == (old["start_on"], "cao_sw", "start", Decimal(32))
    assert contracts_of(client, gr, already["id"]) == [new_already]
    # The contract in force follows the current versions.
    assert client.get(api(gr.slug, "/participants"), headers=gr.coach,
                      query_string={"on": "2025-02-01", "cao": "cao_sw"}).json == []
    assert {x["id"] for x in client.get(api(gr.slug, "/participants"), headers=gr.coach,
                                        query_string={"on": "2025-02-01", "cao": "cao_aan_de_slag"}).json} == {
        p["id"], same_day["id"], already["id"]}
    again = client.post(api(gr.slug, "/cao-transition/preview"), headers=gr.admin, json=TRANSITION).json
    assert again["rows"] == []


def test_only_contracts_in_force_and_of_from_cao_move(client, gr):
    ended = begin(client, gr, started_on="2023-01-01", end_on="2023-12-31")
    left = begin(client, gr, started_on="2024-01-01", kind="permanent", end_on=None)
    assert client.post(api(gr.slug, f"/participants/{left['id']}/exit"), headers=gr.coach,
                       json={"date": "2024-06-30", "reason": "resigned"}).status_code == 200
    staying, _ = _on_cao_sw(client, gr)
    preview = client.post(api(gr.slug, "/cao-transition/preview"), headers=gr.admin, json=TRANSITION).json
    assert [r["participant_id"] for r in preview["rows"]] == [staying["id"]]
    assert ended["id"] not in json.dumps(preview) and left["id"] not in json.dumps(preview)
    only_sw = client.post(api(gr.slug, "/cao-transition/preview"), headers=gr.admin,
                          json={**TRANSITION, "from_cao": "cao_sw"}).json
    assert [r["participant_id"] for r in only_sw["rows"]] == [staying["id"]]


def test_invalid_transitions_are_refused(client, gr, owner_engine):
    _on_cao_sw(client, gr)
    before = counts(owner_engine, gr.tenant)
    for path in ("/cao-transition/preview", "/cao-transition"):
        refused(client.post(api(gr.slug, path), headers=gr.admin,
                            json={**TRANSITION, "from_cao": "cao_aan_de_slag"}), 422, "to_cao")
        refused(client.post(api(gr.slug, path), headers=gr.admin,
                            json={"to_cao": "cao_aan_de_slag", "on": "2021-06-30"}), 422, "to_cao")
        refused(client.post(api(gr.slug, path), headers=gr.admin, json={"on": "2024-07-01"}), 422, "to_cao")
        refused(client.post(api(gr.slug, path), headers=gr.admin, json={"to_cao": "cao_aan_de_slag"}), 422, "on")
        refused(client.post(api(gr.slug, path), headers=gr.admin, json={**TRANSITION, "to_cao": "cao_x"}),
                422, "to_cao")
    assert counts(owner_engine, gr.tenant) == before


def test_apply_refuses_when_the_contracts_differ_from_the_confirmed_preview(app, client, gr, owner_engine):
    """The apply recomputes; with `contracts` (the rows of the preview the admin confirmed) any difference
    since then is a 409 and nothing moves, so a change made after the preview is never moved unseen."""
    p, contract = _on_cao_sw(client, gr)
    preview = client.post(api(gr.slug, "/cao-transition/preview"), headers=gr.admin, json=TRANSITION).json
    confirmed = _confirmed(preview)
    assert confirmed == [{"contract_id": contract["id"], "contract_version": contract["version"]}]
    # The contract changed after the preview.
    changed = client.patch(api(gr.slug, f"/participants/{p['id']}/contracts/{contract['id']}"), headers=gr.coach,
                           json={"version": contract["version"], "valid_from": "2024-08-01", "hours_per_week": "36"})
    assert changed.status_code == 200, changed.json
    before = counts(owner_engine, gr.tenant)
    body = refused(client.post(api(gr.slug, "/cao-transition"), headers=gr.admin,
                               json={**TRANSITION, "contracts": confirmed}), 409, "contracts")
    assert body["code"] == "conflict" and set(body["errors"]) == {"contracts"}
    assert counts(owner_engine, gr.tenant) == before
    assert contracts_of(client, gr, p["id"]) == [changed.json]
    assert all(v["superseded_at"] is None for v in version_rows(owner_engine, contract["id"]))
    # A contract added since the preview: the rows differ too.
    current = _confirmed(client.post(api(gr.slug, "/cao-transition/preview"), headers=gr.admin, json=TRANSITION).json)
    assert current == [{"contract_id": contract["id"], "contract_version": changed.json["version"]}]
    newcomer, newcomer_contract = _on_cao_sw(client, gr)
    before = counts(owner_engine, gr.tenant)
    for stale in (current, [], [*current, {"contract_id": str(uuid.uuid4()), "contract_version": 1}]):
        refused(client.post(api(gr.slug, "/cao-transition"), headers=gr.admin,
                            json={**TRANSITION, "contracts": stale}), 409, "contracts")
    assert counts(owner_engine, gr.tenant) == before
    assert audit_events(app, gr.tenant, "cao_transition.applied") == []
    assert contracts_of(client, gr, newcomer["id"]) == [newcomer_contract]
    # The rows of the current preview go through.
    latest = client.post(api(gr.slug, "/cao-transition/preview"), headers=gr.admin, json=TRANSITION).json
    assert {r["contract_id"] for r in latest["rows"]} == {contract["id"], newcomer_contract["id"]}
    applied = client.post(api(gr.slug, "/cao-transition"), headers=gr.admin,
                          json={**TRANSITION, "contracts": _confirmed(latest)})
    assert applied.status_code == 201, applied.json
    assert applied.json["rows"] == latest["rows"]
    assert [(v["valid_from"], v["cao"], v["reason"]) for v in contracts_of(client, gr, p["id"])[0]["versions"]] == [
        ("2024-01-01", "cao_sw", "start"), ("2024-07-01", "cao_aan_de_slag", "cao_transition"),
        ("2024-08-01", "cao_aan_de_slag", "cao_transition")]
