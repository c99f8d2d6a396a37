"""Work profiles, match suggestions and wellbeing through the API: the JSON shapes, the query parameters and
their validation, who may read and write what (limitations and wellbeing scores are health-derived: municipal
coaches only), optimistic locking, encryption at rest, suppression of the programme's wellbeing change for
small groups, and the audit trail (every read of a participant's wellbeing is a `participant.viewed`).

Every refusal is checked to save nothing (rows counted as the owner, audit events included)."""

from __future__ import annotations

import calendar
import itertools
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from basisbaan.extensions import db
from basisbaan.models import AuditEvent
from basisbaan.services import tenants as tenant_service
from basisbaan.services import tokens as token_service
from basisbaan.services.audit import Actor
from basisbaan.tenancy import tenant_scope
from tests.conftest import auth
from tests.employment_helpers import api, coaching, contract_body, employer, organisation, started_candidate

_counter = itertools.count(1)

COUNTED_TABLES = ("work_profiles", "wellbeing_measurements", "assignments", "participants", "audit_events")
TODAY = date.today()
BRUG = ("income", "savings", "debts", "social_contacts", "housing")
FACTORS = ["neighbourhood", "preferences", "hours", "days", "demands", "places"]
FACTOR_KEYS = {"factor", "points", "outcome", "blocks", "details"}


def _days(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


def six_months_after(day: date) -> date:
    year, month = divmod(day.month - 1 + 6, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Env:
    tenant: object
    slug: str
    coach: dict
    admin: dict
    employer: str
    host: str
    beijum: str  # area Noord
    lewenborg: str  # area Noord
    paddepoel: str  # area West
    org: str
    jobcoach: dict  # a job coach of `org`


@pytest.fixture
def gr(app, client, make_tenant, make_token) -> Env:
    tenant = make_tenant("groningen")
    coach, admin = auth(make_token(tenant, "coach")), auth(make_token(tenant, "admin"))
    hoods = {}
    for name, area in (("Beijum", "Noord"), ("Lewenborg", "Noord"), ("Paddepoel", "West")):
        made = client.post(api(tenant.slug, "/neighbourhoods"), headers=admin, json={"name": name, "area": area})
        assert made.status_code == 201, made.json
        hoods[name] = made.json["id"]
    org = coaching(client, admin, tenant.slug, "Begeleiding Noord")
    return Env(tenant, tenant.slug, coach, admin, employer(client, admin, tenant.slug, "Thermiek BV"),
               organisation(client, admin, tenant.slug, "Buurtcentrum De Wijert", is_host=True),
               hoods["Beijum"], hoods["Lewenborg"], hoods["Paddepoel"], org, token(app, tenant, "jobcoach", org))


def token(app, tenant, role: str, organisation_id: str | None = None) -> dict:
    with app.app_context():
        found = tenant_service.get_by_slug(db.session, tenant.slug)
        with tenant_scope(db.session, found.id):
            issued = token_service.create(db.session, found, role=role, name=f"{role}-{next(_counter)}", days=30,
                                          max_days=366, actor=Actor.system("test"), organisation=organisation_id)
        db.session.commit()
        db.session.remove()
    return auth(issued.plaintext)


def counts(owner_engine, tenant) -> dict[str, int]:
    with owner_engine.connect() as conn:
        found = {}
        for name in COUNTED_TABLES:
            table = db.metadata.tables[name]
            found[name] = conn.execute(select(func.count()).select_from(table)
                                       .where(table.c.tenant_id == tenant.id)).scalar()
        return found


def refused(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.json)
    body = response.json
    assert set(body) == {"code", "status", "message", "errors"}
    if field is not None:
        assert field in body["errors"], body
    return body


def audit_events(app, tenant, action: str, entity_id=None) -> list[AuditEvent]:
    with app.app_context():
        with tenant_scope(db.session, tenant.id):
            stmt = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            if entity_id is not None:
                stmt = stmt.where(AuditEvent.entity_id == str(entity_id))
            found = list(db.session.scalars(stmt))
            db.session.expunge_all()
        db.session.remove()
    return found


def begin(client, env: Env, *, started_on=None, neighbourhood_id=None, coaching_organisation_id=None,
          hours="32", family_name=None) -> str:
    """A participant (a new started candidate) on a permanent contract; returns its id."""
    overrides = {}
    if neighbourhood_id:
        overrides["neighbourhood_id"] = neighbourhood_id
    if family_name:
        overrides["family_name"] = family_name
    candidate = started_candidate(client, env.coach, env.slug, **overrides)
    body = {"candidate_id": candidate, "started_on": started_on or _days(-200),
            "contract": contract_body(env.employer, kind="permanent", end_on=None, hours_per_week=hours)}
    if coaching_organisation_id:
        body["coaching_organisation_id"] = coaching_organisation_id
    response = client.post(api(env.slug, "/participants"), headers=env.coach, json=body)
    assert response.status_code == 201, response.json
    return response.json["id"]


def approved_task(client, env: Env, checked_on=None, **overrides) -> dict:
    body = {"title": f"Taak {next(_counter)}", "category": "litter", "hours_per_week": "8", "source": "area_team",
            **overrides}
    made = client.post(api(env.slug, "/tasks"), headers=env.coach, json=body)
    assert made.status_code == 201, made.json
    check = client.post(api(env.slug, f"/tasks/{made.json['id']}/displacement-checks"), headers=env.coach, json={
        "checked_on": checked_on or _days(-250), "done_by_paid_staff": False, "host_would_hire": False,
        "done_by_volunteers": False, "is_additional": True, "verdict": "approved", "reasons": "Aanvullend werk."})
    assert check.status_code == 201, check.json
    return made.json


def assign(client, env: Env, pid: str, task_id: str, hours="8", start_on=None) -> dict:
    response = client.post(api(env.slug, f"/participants/{pid}/assignments"), headers=env.coach, json={
        "task_id": task_id, "hours_per_week": hours, "days": ["mon"], "start_on": start_on or _days(-30)})
    assert response.status_code == 201, response.json
    return response.json


def put_profile(client, env: Env, pid: str, body: dict, headers=None, expect=200, kind="participants"):
    response = client.put(api(env.slug, f"/{kind}/{pid}/work-profile"), headers=headers or env.coach, json=body)
    assert response.status_code == expect, response.json
    return response.json


def get_profile(client, env: Env, pid: str, headers=None, kind="participants"):
    response = client.get(api(env.slug, f"/{kind}/{pid}/work-profile"), headers=headers or env.coach)
    assert response.status_code == 200, response.json
    return response.json


PROFILE = {"preferred_categories": ["litter", "hosting"], "available_days": ["mon", "tue", "wed", "thu"],
           "max_physical_demand": "medium", "limitations": ["walking", "lifting"]}


# --- work profiles -------------------------------------------------------------------------------------------

def test_a_work_profile_is_recorded_read_and_its_limitations_encrypted(app, client, owner_engine, gr):
    pid = begin(client, gr)
    assert get_profile(client, gr, pid) == {"preferred_categories": [], "available_days": [],
                                            "max_physical_demand": None, "limitations": [], "version": None}
    saved = put_profile(client, gr, pid, PROFILE)
    assert saved == {"preferred_categories": ["litter", "hosting"], "available_days": ["mon", "tue", "wed", "thu"],
                     "max_physical_demand": "medium", "limitations": ["lifting", "walking"], "version": 1}
    assert get_profile(client, gr, pid) == saved
    table = db.metadata.tables["work_profiles"]
    with owner_engine.connect() as conn:
        [stored] = conn.execute(select(table.c.limitations_encrypted).where(table.c.tenant_id == gr.tenant.id)).all()
    assert stored[0] and "lifting" not in stored[0] and "walking" not in stored[0]
    [event] = audit_events(app, gr.tenant, "work_profile.saved")
    assert event.entity_type == "person"
    assert event.details["fields"] == ["available_days", "limitations", "max_physical_demand", "preferred_categories"]


def test_changing_a_work_profile_needs_the_version_read(client, owner_engine, gr):
    pid = begin(client, gr)
    put_profile(client, gr, pid, PROFILE)
    before = counts(owner_engine, gr.tenant)
    refused(client.put(api(gr.slug, f"/participants/{pid}/work-profile"), headers=gr.coach,
                       json={"available_days": ["fri"]}), 422, "version")
    refused(client.put(api(gr.slug, f"/participants/{pid}/work-profile"), headers=gr.coach,
                       json={"version": 2, "available_days": ["fri"]}), 409, "version")
    assert counts(owner_engine, gr.tenant) == before
    changed = put_profile(client, gr, pid, {"version": 1, "available_days": ["fri"], "limitations": []})
    assert changed["version"] == 2 and changed["available_days"] == ["fri"] and changed["limitations"] == []
    # What was not sent stays.
    assert changed["preferred_categories"] == ["litter", "hosting"] and changed["max_physical_demand"] == "medium"
    # The version read before is now stale.
    before = counts(owner_engine, gr.tenant)
    refused(client.put(api(gr.slug, f"/participants/{pid}/work-profile"), headers=gr.coach,
                       json={"version": 1, "max_physical_demand": None}), 409, "version")
    assert counts(owner_engine, gr.tenant) == before
    cleared = put_profile(client, gr, pid, {"version": 2, "max_physical_demand": None})
    assert cleared["max_physical_demand"] is None and cleared["version"] == 3


@pytest.mark.parametrize("body, field", [
    ({"preferred_categories": ["gardening"]}, "preferred_categories"),
    ({"preferred_categories": ["litter", "litter"]}, "preferred_categories"),
    ({"available_days": ["monday"]}, "available_days"),
    ({"available_days": ["mon", "mon"]}, "available_days"),
    ({"available_days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "mon"]}, "available_days"),
    ({"limitations": ["flying"]}, "limitations"),
    ({"limitations": ["lifting", "lifting"]}, "limitations"),
    ({"limitations": "lifting"}, "limitations"),
    ({"max_physical_demand": "extreme"}, "max_physical_demand"),
    ({"notes": "x"}, "notes"),
    ({"version": "one"}, "version"),
])
def test_an_invalid_work_profile_is_refused_naming_the_field(client, owner_engine, gr, body, field):
    pid = begin(client, gr)
    before = counts(owner_engine, gr.tenant)
    refused(client.put(api(gr.slug, f"/participants/{pid}/work-profile"), headers=gr.coach, json=body), 422, field)
    assert counts(owner_engine, gr.tenant) == before


def test_a_job_coach_reads_the_profile_without_limitations_and_may_not_change_it(app, client, owner_engine, gr):
    pid = begin(client, gr, coaching_organisation_id=gr.org)
    saved = put_profile(client, gr, pid, PROFILE)
    seen = client.get(api(gr.slug, f"/participants/{pid}/work-profile"), headers=gr.jobcoach)
    assert seen.status_code == 200
    assert seen.json == {**saved, "limitations": None}
    assert "lifting" not in seen.get_data(as_text=True)
    before = counts(owner_engine, gr.tenant)
    response = client.put(api(gr.slug, f"/participants/{pid}/work-profile"), headers=gr.jobcoach,
                          json={"version": 1, "preferred_categories": ["sports"]})
    assert response.status_code == 403 and response.json["code"] == "forbidden"
    assert counts(owner_engine, gr.tenant) == before
    # Without a profile the job coach also gets null, not an empty list (which would say "no limitations").
    other = begin(client, gr, coaching_organisation_id=gr.org)
    assert get_profile(client, gr, other, headers=gr.jobcoach)["limitations"] is None


def test_a_job_coach_reaches_only_their_organisations_profiles(client, gr):
    theirs = begin(client, gr)  # no coaching organisation
    put_profile(client, gr, theirs, PROFILE)
    assert client.get(api(gr.slug, f"/participants/{theirs}/work-profile"), headers=gr.jobcoach).status_code == 404
    assert client.get(api(gr.slug, f"/participants/{uuid.uuid4()}/work-profile"),
                      headers=gr.coach).status_code == 404
    assert client.put(api(gr.slug, f"/participants/{uuid.uuid4()}/work-profile"), headers=gr.coach,
                      json=PROFILE).status_code == 404


@pytest.mark.parametrize("role", ["admin", "viewer", "finance"])
def test_other_roles_neither_read_nor_write_work_profiles(app, client, owner_engine, gr, role):
    pid = begin(client, gr)
    cid = started_candidate(client, gr.coach, gr.slug)
    headers = gr.admin if role == "admin" else token(app, gr.tenant, role)
    before = counts(owner_engine, gr.tenant)
    for url in (f"/participants/{pid}/work-profile", f"/candidates/{cid}/work-profile"):
        assert client.get(api(gr.slug, url), headers=headers).status_code == 403, url
        assert client.put(api(gr.slug, url), headers=headers, json=PROFILE).status_code == 403, url
    assert counts(owner_engine, gr.tenant) == before


def test_a_candidates_profile_is_for_coaches_and_carries_over_into_employment(client, owner_engine, gr):
    cid = started_candidate(client, gr.coach, gr.slug)
    assert get_profile(client, gr, cid, kind="candidates")["version"] is None
    saved = put_profile(client, gr, cid, PROFILE, kind="candidates")
    assert saved["limitations"] == ["lifting", "walking"] and saved["version"] == 1
    assert get_profile(client, gr, cid, kind="candidates") == saved
    before = counts(owner_engine, gr.tenant)
    for method in ("get", "put"):
        response = getattr(client, method)(api(gr.slug, f"/candidates/{cid}/work-profile"), headers=gr.jobcoach,
                                           **({"json": PROFILE} if method == "put" else {}))
        assert response.status_code == 403, method
    assert counts(owner_engine, gr.tenant) == before
    assert client.get(api(gr.slug, f"/candidates/{uuid.uuid4()}/work-profile"),
                      headers=gr.coach).status_code == 404
    started = client.post(api(gr.slug, "/participants"), headers=gr.coach, json={
        "candidate_id": cid, "started_on": _days(-10),
        "contract": contract_body(gr.employer, kind="permanent", end_on=None)})
    assert started.status_code == 201, started.json
    assert get_profile(client, gr, started.json["id"]) == saved


# --- matches for a participant -----------------------------------------------------------------------------------

@pytest.fixture
def matched(client, gr):
    """A participant in Beijum with a 32-hour contract, 8 hours of work in the package (24 free) and a profile
    (litter or hosting, mon-thu, at most medium work, cannot lift or walk); tasks:

    Beijum rapen     Beijum, litter, 24 h, mon+tue           3 + 2 + 3 + 1 + 2 = 11
    Lewenborg koffie Lewenborg (Noord), hosting, 8 h         2 + 2 + 2 + 1 + 2 = 9
    Stad breed       municipality-wide, sports, 12 h, fri    1 + 0 + 2 + 0 + 2 = 5
    Sjouwen          Paddepoel, litter, 8 h, lifting         0 + 2 + 2 + 1 + 0 = 5, blocked
    Eigen taak       Beijum, 2 places, in the package (8 h): never offered to this participant
    """
    pid = begin(client, gr, neighbourhood_id=gr.beijum)
    put_profile(client, gr, pid, PROFILE)
    own = approved_task(client, gr, title="Eigen taak", neighbourhood_id=gr.beijum, places=2)
    assign(client, gr, pid, own["id"], hours="8")
    tasks = {
        "beijum": approved_task(client, gr, title="Beijum rapen", neighbourhood_id=gr.beijum, hours_per_week="24",
                                days=["mon", "tue"], host_organisation_id=gr.host),
        "lewenborg": approved_task(client, gr, title="Lewenborg koffie", category="hosting",
                                   neighbourhood_id=gr.lewenborg),
        "citywide": approved_task(client, gr, title="Stad breed", category="sports", hours_per_week="12",
                                  days=["fri"]),
        "lifting": approved_task(client, gr, title="Sjouwen", neighbourhood_id=gr.paddepoel,
                                 demands=["lifting", "outdoors"]),
    }
    return {"pid": pid, "own": own, **tasks}


def matches(client, env: Env, path: str, headers=None, expect=200, **query):
    response = client.get(api(env.slug, path), headers=headers or env.coach, query_string=query)
    assert response.status_code == expect, (response.status_code, response.json)
    return response.json


def test_the_tasks_that_fit_a_participant_best_first_with_the_reason_per_factor(client, gr, matched):
    found = matches(client, gr, f"/participants/{matched['pid']}/matches")
    assert set(found) == {"on", "free_hours", "total", "matches"}
    assert found["on"] == TODAY.isoformat()
    assert Decimal(found["free_hours"]) == 24  # 32 - 8
    assert found["total"] == 3
    assert [(m["task"]["title"], m["points"], m["blocked"]) for m in found["matches"]] == [
        ("Beijum rapen", 11, False), ("Lewenborg koffie", 9, False), ("Stad breed", 5, False)]
    best = found["matches"][0]
    assert set(best) == {"task", "points", "max_points", "blocked", "factors"}
    assert best["max_points"] == 11
    assert best["task"] == {"id": matched["beijum"]["id"], "title": "Beijum rapen", "category": "litter",
                            "neighbourhood": "Beijum", "host": "Buurtcentrum De Wijert",
                            "hours_per_week": best["task"]["hours_per_week"], "days": ["mon", "tue"]}
    assert Decimal(best["task"]["hours_per_week"]) == 24
    assert [f["factor"] for f in best["factors"]] == FACTORS
    assert all(set(f) == FACTOR_KEYS for m in found["matches"] for f in m["factors"])
    by = {f["factor"]: f for f in best["factors"]}
    assert by["neighbourhood"] == {"factor": "neighbourhood", "points": 3, "outcome": "same_neighbourhood",
                                   "blocks": False, "details": []}
    assert by["preferences"] == {"factor": "preferences", "points": 2, "outcome": "preferred", "blocks": False,
                                 "details": ["litter"]}
    assert (by["hours"]["points"], by["hours"]["outcome"]) == (3, "fits_exactly")
    assert [Decimal(d) for d in by["hours"]["details"]] == [24]
    assert by["days"] == {"factor": "days", "points": 1, "outcome": "available", "blocks": False, "details": []}
    assert by["demands"] == {"factor": "demands", "points": 2, "outcome": "no_conflict", "blocks": False,
                             "details": []}
    assert by["places"] == {"factor": "places", "points": 0, "outcome": "free", "blocks": False, "details": ["1"]}
    assert sum(f["points"] for f in best["factors"]) == best["points"]
    lewenborg = {f["factor"]: f for f in found["matches"][1]["factors"]}
    assert lewenborg["neighbourhood"]["outcome"] == "same_area"
    assert lewenborg["hours"]["outcome"] == "fits_partly"
    citywide = {f["factor"]: f for f in found["matches"][2]["factors"]}
    assert citywide["neighbourhood"]["outcome"] == "municipality_wide"
    assert citywide["preferences"] == {"factor": "preferences", "points": 0, "outcome": "not_preferred",
                                       "blocks": False, "details": ["sports"]}
    assert citywide["days"] == {"factor": "days", "points": 0, "outcome": "partly_available", "blocks": False,
                                "details": ["fri"]}
    assert found["matches"][2]["task"]["neighbourhood"] is None and found["matches"][2]["task"]["host"] is None
    # The task in the package is never suggested.
    assert matched["own"]["id"] not in {m["task"]["id"] for m in found["matches"]}


def test_blocked_tasks_on_request_last_with_the_conflicting_demands(client, gr, matched):
    found = matches(client, gr, f"/participants/{matched['pid']}/matches", include_blocked="true")
    assert found["total"] == 4
    assert [(m["task"]["title"], m["points"], m["blocked"]) for m in found["matches"]] == [
        ("Beijum rapen", 11, False), ("Lewenborg koffie", 9, False), ("Stad breed", 5, False), ("Sjouwen", 5, True)]
    demands = {f["factor"]: f for f in found["matches"][-1]["factors"]}["demands"]
    assert demands == {"factor": "demands", "points": 0, "outcome": "conflicts", "blocks": True,
                       "details": ["lifting"]}
    assert matches(client, gr, f"/participants/{matched['pid']}/matches", include_blocked="false")["total"] == 3


def test_the_limit_and_the_day_of_the_match(client, gr, matched):
    url = f"/participants/{matched['pid']}/matches"
    one = matches(client, gr, url, limit=1)
    assert [m["task"]["title"] for m in one["matches"]] == ["Beijum rapen"] and one["total"] == 3
    assert len(matches(client, gr, url, limit=100, include_blocked=1)["matches"]) == 4
    # Before the tasks passed their check (250 days ago) nothing is open, and there was no contract yet.
    early = matches(client, gr, url, on=_days(-260))
    assert early == {"on": _days(-260), "free_hours": None, "total": 0, "matches": []}
    # Before the package started (30 days ago): the task that is in it now is offered, and 32 hours are free.
    before = matches(client, gr, url, on=_days(-31))
    assert Decimal(before["free_hours"]) == 32 and before["on"] == _days(-31)
    assert "Eigen taak" in [m["task"]["title"] for m in before["matches"]]
    # A task checked today is open from today.
    approved_task(client, gr, title="Nieuw", neighbourhood_id=gr.beijum, checked_on=_days(0))
    assert "Nieuw" in [m["task"]["title"] for m in matches(client, gr, url)["matches"]]
    assert "Nieuw" not in [m["task"]["title"] for m in matches(client, gr, url, on=_days(-1))["matches"]]


@pytest.mark.parametrize("query, field", [
    ({"limit": 0}, "limit"),
    ({"limit": 101}, "limit"),
    ({"limit": -1}, "limit"),
    ({"limit": "many"}, "limit"),
    ({"on": "yesterday"}, "on"),
    ({"on": "2024-02-30"}, "on"),
    ({"include_blocked": "perhaps"}, "include_blocked"),
])
def test_bad_match_queries_are_refused_naming_the_parameter(client, gr, matched, query, field):
    for path in (f"/participants/{matched['pid']}/matches", f"/tasks/{matched['beijum']['id']}/matches"):
        response = client.get(api(gr.slug, path), headers=gr.coach, query_string=query)
        refused(response, 422, field)


def test_matches_of_unknown_participants_tasks_and_candidates_are_not_found(client, gr):
    for path in (f"/participants/{uuid.uuid4()}/matches", f"/tasks/{uuid.uuid4()}/matches",
                 f"/candidates/{uuid.uuid4()}/matches"):
        assert client.get(api(gr.slug, path), headers=gr.coach).status_code == 404, path


@pytest.mark.parametrize("role", ["jobcoach", "admin", "viewer", "finance"])
def test_only_municipal_coaches_see_matches(app, client, gr, matched, role):
    cid = started_candidate(client, gr.coach, gr.slug)
    headers = {"jobcoach": gr.jobcoach, "admin": gr.admin}.get(role) or token(app, gr.tenant, role)
    for path in (f"/participants/{matched['pid']}/matches", f"/tasks/{matched['beijum']['id']}/matches",
                 f"/candidates/{cid}/matches"):
        response = client.get(api(gr.slug, path), headers=headers)
        assert response.status_code == 403, (path, response.json)
        assert "lifting" not in response.get_data(as_text=True)


# --- matches for a task -------------------------------------------------------------------------------------------

def test_the_participants_that_fit_a_task(client, gr, matched):
    # Anna (the fixture's participant) 11; Bram in Lewenborg (same area), 20-hour contract, no profile:
    # 2 + 1 + 1 (24 > 20) + 1 + 2 = 7; Cees already on the task; Dirk starts tomorrow.
    bram = begin(client, gr, neighbourhood_id=gr.lewenborg, hours="20", family_name="Bos")
    cees = begin(client, gr, neighbourhood_id=gr.beijum, hours="24")
    assign(client, gr, cees, matched["beijum"]["id"], hours="24")
    begin(client, gr, neighbourhood_id=gr.beijum, started_on=_days(1))
    found = matches(client, gr, f"/tasks/{matched['beijum']['id']}/matches")
    assert set(found) == {"on", "task_id", "assignable", "free_places", "total", "matches"}
    assert found["on"] == TODAY.isoformat() and found["task_id"] == matched["beijum"]["id"] and found["assignable"] is True
    assert found["free_places"] == 0  # one place, Cees has it
    # A full task blocks everyone: nothing unless asked.
    assert found["total"] == 0 and found["matches"] == []
    everyone = matches(client, gr, f"/tasks/{matched['beijum']['id']}/matches", include_blocked="true")
    assert [(m["participant"]["id"], m["points"], m["blocked"]) for m in everyone["matches"]] == [
        (matched["pid"], 11, True), (bram, 7, True)]
    first = everyone["matches"][0]
    assert set(first) == {"participant", "points", "max_points", "blocked", "factors"}
    assert set(first["participant"]) == {"id", "name", "neighbourhood"}
    assert first["participant"]["neighbourhood"] == "Beijum" and first["max_points"] == 11
    assert [f["factor"] for f in first["factors"]] == FACTORS
    places = {f["factor"]: f for f in first["factors"]}["places"]
    assert places == {"factor": "places", "points": 0, "outcome": "full", "blocks": True, "details": []}
    assert everyone["matches"][1]["participant"]["name"].endswith("Bos")
    # A task with room: the same two, unblocked.
    roomy = approved_task(client, gr, title="Ruim", neighbourhood_id=gr.beijum, hours_per_week="24", places=5)
    found = matches(client, gr, f"/tasks/{roomy['id']}/matches", limit=1)
    assert found["free_places"] == 5 and found["total"] == 2  # Anna and Bram; Cees has no free hours left
    assert [m["participant"]["id"] for m in found["matches"]] == [matched["pid"]]
    everyone = matches(client, gr, f"/tasks/{roomy['id']}/matches", include_blocked="true")
    assert [(m["participant"]["id"], m["blocked"]) for m in everyone["matches"]] == [
        (matched["pid"], False), (bram, False), (cees, True)]
    assert everyone["total"] == 3


def test_a_participant_with_no_free_hours_is_blocked_for_a_task(client, gr, matched):
    cees = begin(client, gr, neighbourhood_id=gr.beijum, hours="24")
    assign(client, gr, cees, matched["lewenborg"]["id"], hours="24")
    roomy = approved_task(client, gr, title="Ruim", neighbourhood_id=gr.beijum, hours_per_week="8", places=5)
    found = matches(client, gr, f"/tasks/{roomy['id']}/matches")
    assert cees not in [m["participant"]["id"] for m in found["matches"]]
    everyone = matches(client, gr, f"/tasks/{roomy['id']}/matches", include_blocked="true")
    [blocked] = [m for m in everyone["matches"] if m["participant"]["id"] == cees]
    hours = {f["factor"]: f for f in blocked["factors"]}["hours"]
    assert (hours["outcome"], hours["blocks"], blocked["blocked"]) == ("no_free_hours", True, True)
    assert everyone["matches"][-1]["participant"]["id"] == cees


# --- matches for a candidate ----------------------------------------------------------------------------------------

def test_the_tasks_that_fit_a_candidate_use_the_hours_available(client, gr, matched):
    cid = started_candidate(client, gr.coach, gr.slug, neighbourhood_id=gr.beijum, available_hours=24)
    put_profile(client, gr, cid, {"preferred_categories": ["litter"], "limitations": ["lifting"]}, kind="candidates")
    found = matches(client, gr, f"/candidates/{cid}/matches", include_blocked="true")
    assert set(found) == {"on", "free_hours", "total", "matches"}
    assert Decimal(found["free_hours"]) == 24
    titles = [(m["task"]["title"], m["blocked"]) for m in found["matches"]]
    # No package yet: "Eigen taak" (one of two places taken) is offered too; lifting blocks "Sjouwen".
    assert titles[0] == ("Beijum rapen", False) and titles[-1] == ("Sjouwen", True)
    assert ("Eigen taak", False) in titles and found["total"] == 5


def test_a_candidate_available_zero_hours_has_no_free_hours(client, gr, matched):
    cid = started_candidate(client, gr.coach, gr.slug, neighbourhood_id=gr.beijum, available_hours=0)
    found = matches(client, gr, f"/candidates/{cid}/matches")
    assert found["free_hours"] is not None and Decimal(found["free_hours"]) == 0
    assert found["total"] == 0 and found["matches"] == []
    everyone = matches(client, gr, f"/candidates/{cid}/matches", include_blocked="true")
    assert everyone["matches"] and all(m["blocked"] for m in everyone["matches"])
    assert all({f["factor"]: f for f in m["factors"]}["hours"]["outcome"] == "no_free_hours"
               for m in everyone["matches"])


def test_a_candidate_in_the_intake_is_matched_but_not_one_decided_not_to_start(client, owner_engine, gr, matched):
    created = client.post(api(gr.slug, "/candidates"), headers=gr.coach, json={
        "given_names": "Nina", "family_name": "Nee", "referral_source": "colleague", "referral_date": _days(-30),
        "date_of_birth": "1970-01-01", "available_hours": 20})
    assert created.status_code == 201, created.json
    cid = created.json["id"]
    # Referred: matched on the 20 hours available, without a profile (nothing blocks but the full places).
    intake = matches(client, gr, f"/candidates/{cid}/matches")
    assert Decimal(intake["free_hours"]) == 20 and intake["total"] == 5
    assert sorted(m["task"]["title"] for m in intake["matches"]) == [
        "Beijum rapen", "Eigen taak", "Lewenborg koffie", "Sjouwen", "Stad breed"]
    talk = client.post(api(gr.slug, f"/candidates/{cid}/conversations"), headers=gr.coach,
                       json={"held_on": _days(-20)})
    assert talk.status_code == 201, talk.json
    decision = client.post(api(gr.slug, f"/candidates/{cid}/decision"), headers=gr.coach, json={
        "outcome": "not_started", "decided_on": _days(-10), "reason_category": "cannot"})
    assert decision.status_code == 201, decision.json
    before = counts(owner_engine, gr.tenant)
    body = refused(client.get(api(gr.slug, f"/candidates/{cid}/matches"), headers=gr.coach), 422, "candidate_id")
    assert body["code"] == "validation_error"
    assert counts(owner_engine, gr.tenant) == before


# --- wellbeing of a participant --------------------------------------------------------------------------------------

def wellbeing(client, env: Env, pid: str, headers=None) -> dict:
    response = client.get(api(env.slug, f"/participants/{pid}/wellbeing"), headers=headers or env.coach)
    assert response.status_code == 200, response.json
    return response.json


def measure(client, env: Env, pid: str, measured_on: str, scores: dict | int = 3, headers=None, expect=201):
    body = {"measured_on": measured_on,
            "scores": dict.fromkeys(BRUG, scores) if isinstance(scores, int) else scores}
    response = client.post(api(env.slug, f"/participants/{pid}/wellbeing"), headers=headers or env.coach, json=body)
    assert response.status_code == expect, response.json
    return response.json


def test_a_participants_wellbeing_on_groningens_instrument(app, client, owner_engine, gr):
    started = TODAY - timedelta(days=300)
    pid = begin(client, gr, started_on=started.isoformat())
    empty = wellbeing(client, gr, pid)
    assert set(empty) == {"instrument", "measurements", "change", "next_due"}
    assert empty["instrument"] == {
        "code": "groningen_brug", "name_nl": "Brug naar zelfredzaamheid", "name_en": "Bridge to self-sufficiency",
        "low": 1, "high": 5, "domains": [
            {"code": "income", "label_nl": "Inkomen", "label_en": "Income"},
            {"code": "savings", "label_nl": "Kunnen sparen", "label_en": "Savings"},
            {"code": "debts", "label_nl": "Schulden", "label_en": "Debts"},
            {"code": "social_contacts", "label_nl": "Sociale contacten", "label_en": "Social contacts"},
            {"code": "housing", "label_nl": "Wonen", "label_en": "Housing"}]}
    assert empty["measurements"] == [] and empty["change"] == []
    assert empty["next_due"] == (started + timedelta(weeks=4)).isoformat()  # the first: 4 weeks after the start
    first_day = started + timedelta(days=14)
    first = measure(client, gr, pid, first_day.isoformat(), {"income": 2, "savings": 1, "debts": 1,
                                                             "social_contacts": 3, "housing": 4})
    assert set(first) == {"id", "measured_on", "instrument", "scores", "measured_by"}
    assert first["instrument"] == "groningen_brug" and first["measured_on"] == first_day.isoformat()
    assert first["scores"] == {"income": 2, "savings": 1, "debts": 1, "social_contacts": 3, "housing": 4}
    assert first["measured_by"]
    one = wellbeing(client, gr, pid)
    assert one["measurements"] == [first] and one["change"] == []  # one measurement: no change yet
    latest_day = started + timedelta(days=200)
    latest = measure(client, gr, pid, latest_day.isoformat(), {"income": 4, "savings": 1, "debts": 3,
                                                               "social_contacts": 2, "housing": 4})
    two = wellbeing(client, gr, pid)
    assert two["measurements"] == [first, latest]
    assert two["change"] == [
        {"code": "income", "first": "2.00", "latest": "4.00", "change": "2.00"},
        {"code": "savings", "first": "1.00", "latest": "1.00", "change": "0.00"},
        {"code": "debts", "first": "1.00", "latest": "3.00", "change": "2.00"},
        {"code": "social_contacts", "first": "3.00", "latest": "2.00", "change": "-1.00"},
        {"code": "housing", "first": "4.00", "latest": "4.00", "change": "0.00"}]
    # The next: 6 months after the latest (the month's last day where it is shorter).
    assert two["next_due"] == six_months_after(latest_day).isoformat()
    # The scores are encrypted at rest.
    table = db.metadata.tables["wellbeing_measurements"]
    with owner_engine.connect() as conn:
        stored = [r[0] for r in conn.execute(select(table.c.scores_encrypted).where(table.c.tenant_id == gr.tenant.id))]
    assert len(stored) == 2 and not any("income" in s or "debts" in s for s in stored)
    assert len(audit_events(app, gr.tenant, "wellbeing.measured", pid)) == 2


def test_every_read_of_a_participants_wellbeing_is_audited(app, client, gr):
    pid = begin(client, gr)
    before = len(audit_events(app, gr.tenant, "participant.viewed", pid))
    wellbeing(client, gr, pid)
    wellbeing(client, gr, pid)
    events = audit_events(app, gr.tenant, "participant.viewed", pid)
    assert len(events) == before + 2
    assert all(e.entity_type == "participant" and e.actor_type == "token" for e in events[before:])
    # Refused reads are not recorded as views.
    assert client.get(api(gr.slug, f"/participants/{pid}/wellbeing"), headers=gr.jobcoach).status_code == 403
    assert client.get(api(gr.slug, f"/participants/{uuid.uuid4()}/wellbeing"), headers=gr.coach).status_code == 404
    assert len(audit_events(app, gr.tenant, "participant.viewed", pid)) == before + 2


@pytest.mark.parametrize("scores, field", [
    ({"income": 0}, "scores.income"),
    ({"income": 6}, "scores.income"),
    ({"savings": 2.5}, "scores.savings"),
    ({"savings": 3.0}, "scores.savings"),
    ({"debts": "3"}, "scores.debts"),
    ({"debts": True}, "scores.debts"),
    ({"housing": "MISSING"}, "scores.housing"),
    ({"mood": 3}, "scores.mood"),
])
def test_a_bad_score_is_refused_naming_the_domain_and_nothing_saved(app, client, owner_engine, gr, scores, field):
    pid = begin(client, gr)
    body = {**dict.fromkeys(BRUG, 3), **scores}
    body = {k: v for k, v in body.items() if v != "MISSING"}
    before = counts(owner_engine, gr.tenant)
    response = client.post(api(gr.slug, f"/participants/{pid}/wellbeing"), headers=gr.coach,
                           json={"measured_on": _days(-10), "scores": body})
    result = refused(response, 422, field)
    assert set(result["errors"]) == {field}
    assert counts(owner_engine, gr.tenant) == before
    assert wellbeing(client, gr, pid)["measurements"] == []


def test_a_null_score_is_refused_naming_scores_dot_the_domain(client, owner_engine, gr):
    pid = begin(client, gr)
    before = counts(owner_engine, gr.tenant)
    response = client.post(api(gr.slug, f"/participants/{pid}/wellbeing"), headers=gr.coach,
                           json={"measured_on": _days(-10), "scores": {**dict.fromkeys(BRUG, 3), "housing": None}})
    assert counts(owner_engine, gr.tenant) == before
    result = refused(response, 422, "scores.housing")
    assert "scores" not in result["errors"]


@pytest.mark.parametrize("body, field", [
    ({"measured_on": "FUTURE"}, "measured_on"),
    ({"measured_on": "BEFORE_START"}, "measured_on"),
    ({"measured_on": "1800-01-01"}, "measured_on"),
    ({"measured_on": "not a date"}, "measured_on"),
    ({"measured_on": None}, "measured_on"),
    ({"scores": {}}, "scores"),
    ({"scores": None}, "scores"),
    ({"scores": [3, 3, 3, 3, 3]}, "scores"),
    ({"scores": "MISSING"}, "scores"),
    ({"measured_on": "MISSING"}, "measured_on"),
    ({"note": "x"}, "note"),
])
def test_a_bad_measurement_is_refused_and_nothing_saved(client, owner_engine, gr, body, field):
    pid = begin(client, gr, started_on=_days(-200))
    values = {"FUTURE": _days(1), "BEFORE_START": _days(-201)}
    payload = {"measured_on": _days(-10), "scores": dict.fromkeys(BRUG, 3)}
    for key, value in body.items():
        if value == "MISSING":
            del payload[key]
        else:
            payload[key] = values.get(value, value) if isinstance(value, str) else value
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, f"/participants/{pid}/wellbeing"), headers=gr.coach, json=payload), 422, field)
    assert counts(owner_engine, gr.tenant) == before


def test_measurements_within_the_programme_only(client, owner_engine, gr):
    pid = begin(client, gr, started_on=_days(-200))
    leave = client.post(api(gr.slug, f"/participants/{pid}/exit"), headers=gr.coach,
                        json={"date": _days(-50), "reason": "other"})
    assert leave.status_code in (200, 201), leave.json
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, f"/participants/{pid}/wellbeing"), headers=gr.coach,
                        json={"measured_on": _days(-49), "scores": dict.fromkeys(BRUG, 3)}), 422, "measured_on")
    assert counts(owner_engine, gr.tenant) == before
    measure(client, gr, pid, _days(-200))  # the first day
    measure(client, gr, pid, _days(-50))  # the last day
    after = wellbeing(client, gr, pid)
    assert len(after["measurements"]) == 2
    assert after["next_due"] is None  # left: nothing due any more


def test_wellbeing_is_for_municipal_coaches_only(app, client, owner_engine, gr):
    pid = begin(client, gr, coaching_organisation_id=gr.org)
    measure(client, gr, pid, _days(-10))
    roles = (gr.jobcoach, gr.admin, token(app, gr.tenant, "viewer"), token(app, gr.tenant, "finance"))
    before = counts(owner_engine, gr.tenant)
    for headers in roles:
        read = client.get(api(gr.slug, f"/participants/{pid}/wellbeing"), headers=headers)
        assert read.status_code == 403 and "income" not in read.get_data(as_text=True)
        written = client.post(api(gr.slug, f"/participants/{pid}/wellbeing"), headers=headers,
                              json={"measured_on": _days(-5), "scores": dict.fromkeys(BRUG, 3)})
        assert written.status_code == 403
    assert counts(owner_engine, gr.tenant) == before
    assert client.get(api(gr.slug, f"/participants/{uuid.uuid4()}/wellbeing"), headers=gr.coach).status_code == 404
    assert client.post(api(gr.slug, f"/participants/{uuid.uuid4()}/wellbeing"), headers=gr.coach,
                       json={"measured_on": _days(-5), "scores": dict.fromkeys(BRUG, 3)}).status_code == 404


def test_the_work_list_shows_wellbeing_due_to_coaches_not_to_job_coaches(client, gr):
    due_now = begin(client, gr, started_on=_days(-40), coaching_organisation_id=gr.org)  # due 12 days ago
    measured = begin(client, gr, started_on=_days(-40), coaching_organisation_id=gr.org)
    measure(client, gr, measured, _days(-5))  # next in 6 months: not yet on the list

    def listed(headers):
        response = client.get(api(gr.slug, "/worklist"), headers=headers, query_string={"kind": "wellbeing_due"})
        assert response.status_code == 200, response.json
        return response.json

    items = listed(gr.coach)
    assert [(i["participant_id"], i["due_on"], i["overdue"]) for i in items] == [(due_now, _days(-12), True)]
    assert items[0]["kind"] == "wellbeing_due" and items[0]["participant_name"]
    assert listed(gr.jobcoach) == []


# --- the programme's wellbeing change -----------------------------------------------------------------------------

def change(client, env: Env, headers=None, expect=200, **query):
    response = client.get(api(env.slug, "/wellbeing-change"), headers=headers or env.coach, query_string=query)
    assert response.status_code == expect, (response.status_code, response.json)
    return response.json


def measured_pair(client, env: Env, first: int, latest: int, **begin_options) -> str:
    pid = begin(client, env, started_on=_days(-300), **begin_options)
    measure(client, env, pid, _days(-280), first)
    measure(client, env, pid, _days(-100), latest)
    return pid


PERIOD = {"from": _days(-150), "to": _days(1)}


def test_a_coach_sees_the_programmes_change_per_domain(client, gr):
    measured_pair(client, gr, 1, 3, neighbourhood_id=gr.beijum)
    measured_pair(client, gr, 2, 5)
    once = begin(client, gr, started_on=_days(-300))
    measure(client, gr, once, _days(-100), 1)  # once: not counted
    result = change(client, gr, **PERIOD)
    assert set(result) == {"from", "to", "instrument", "suppressed", "participants", "domains"}
    assert result["from"] == PERIOD["from"] and result["to"] == PERIOD["to"]
    assert result["instrument"]["code"] == "groningen_brug"
    assert result["suppressed"] is False and result["participants"] == 2
    assert result["domains"] == [{"code": code, "first": "1.50", "latest": "4.00", "change": "2.50"}
                                 for code in BRUG]
    # A group (the coach sees participants): Beijum has one.
    beijum = change(client, gr, neighbourhood_id=gr.beijum, **PERIOD)
    assert beijum["participants"] == 1 and beijum["suppressed"] is False
    assert beijum["domains"][0] == {"code": "income", "first": "1.00", "latest": "3.00", "change": "2.00"}
    # A period in which no latest measurement lies.
    empty = change(client, gr, **{"from": _days(-99), "to": _days(1)})
    assert empty["participants"] == 0 and empty["domains"] == [] and empty["suppressed"] is False


@pytest.mark.parametrize("role", ["viewer", "admin", "finance"])
def test_roles_without_participants_get_the_programme_only_and_small_groups_suppressed(app, client, gr, role):
    headers = gr.admin if role == "admin" else token(app, gr.tenant, role)
    for _ in range(4):
        measured_pair(client, gr, 2, 3)
    small = change(client, gr, headers=headers, **PERIOD)
    assert small["suppressed"] is True and small["participants"] is None and small["domains"] is None
    assert small["instrument"]["code"] == "groningen_brug" and small["from"] == PERIOD["from"]
    for name, value in (("neighbourhood_id", gr.beijum), ("coach_id", str(uuid.uuid4())),
                        ("coaching_organisation_id", gr.org)):
        response = client.get(api(gr.slug, "/wellbeing-change"), headers=headers,
                              query_string={name: value, **PERIOD})
        assert response.status_code == 403, (name, response.json)
        assert response.json["code"] == "forbidden"
    assert change(client, gr, **PERIOD)["participants"] == 4  # the coach sees it at any size
    measured_pair(client, gr, 2, 3)
    shown = change(client, gr, headers=headers, **PERIOD)
    assert shown["suppressed"] is False and shown["participants"] == 5
    assert shown["domains"] == [{"code": code, "first": "2.00", "latest": "3.00", "change": "1.00"} for code in BRUG]
    assert change(client, gr, **PERIOD) == shown


def test_a_job_coach_has_no_wellbeing_change(client, gr):
    response = client.get(api(gr.slug, "/wellbeing-change"), headers=gr.jobcoach, query_string=PERIOD)
    assert response.status_code == 403


@pytest.mark.parametrize("query, field", [
    ({"to": "2024-01-01"}, "from"),
    ({"from": "2024-01-01"}, "to"),
    ({"from": "2024-02-01", "to": "2024-01-01"}, "to"),
    ({"from": "2024-01-01", "to": "2024-01-01"}, "to"),
    ({"from": "soon", "to": "2024-01-01"}, "from"),
    ({"from": "2024-01-01", "to": "2024-01-01", "neighbourhood_id": "not-a-uuid"}, "neighbourhood_id"),
])
def test_the_wellbeing_change_period_must_be_valid(client, gr, query, field):
    refused(client.get(api(gr.slug, "/wellbeing-change"), headers=gr.coach, query_string=query), 422, field)
