"""Tasks, displacement checks and task packages through the API: the task catalogue (filters, pagination,
optimistic locking), the displacement check that must pass before anyone works on a task, assignments of
tasks to participants within their contracts, hours and the task's places, the package view, the work-list
items package_mismatch and displacement_recheck, the job coach's limits and the audit trail.

Every refusal is checked to save nothing (rows counted as the owner, audit events included)."""

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

from basisbaan.extensions import db
from basisbaan.models import AuditEvent, Task
from basisbaan.services import locking
from basisbaan.services import tenants as tenant_service
from basisbaan.services import tokens as token_service
from basisbaan.services.audit import Actor
from basisbaan.tenancy import tenant_scope
from tests.conftest import auth
from tests.employment_helpers import api, coaching, contract_body, employer, organisation, started_candidate

_counter = itertools.count(1)

COUNTED_TABLES = ("tasks", "displacement_checks", "assignments", "participants", "contracts", "contract_versions",
                  "audit_events")
QUESTIONS = ("done_by_paid_staff", "host_would_hire", "done_by_volunteers", "is_additional")
TODAY = date.today()


def _days(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


@dataclass(frozen=True)
class Env:
    tenant: object
    slug: str
    coach: dict
    admin: dict
    employer: str
    host: str
    neighbourhood: str


@pytest.fixture
def gr(app, client, make_tenant, make_token) -> Env:
    """Groningen (contracts of 20-36 hours) with a coach's and an admin's token, an employer, a host
    organisation and a neighbourhood."""
    tenant = make_tenant("groningen")
    coach, admin = auth(make_token(tenant, "coach")), auth(make_token(tenant, "admin"))
    hood = client.post(api(tenant.slug, "/neighbourhoods"), headers=admin, json={"name": "Beijum"})
    assert hood.status_code == 201, hood.json
    return Env(tenant, tenant.slug, coach, admin, employer(client, admin, tenant.slug, "Thermiek BV"),
               organisation(client, admin, tenant.slug, "Buurtcentrum De Wijert", is_host=True), hood.json["id"])


def counts(owner_engine, tenant) -> dict[str, int]:
    """Rows per table of `tenant`, read as the owner (no tenant scoping, no RLS)."""
    with owner_engine.connect() as conn:
        found = {}
        for name in COUNTED_TABLES:
            table = db.metadata.tables[name]
            found[name] = conn.execute(select(func.count()).select_from(table)
                                       .where(table.c.tenant_id == tenant.id)).scalar()
        return found


def refused(response, status: int, field: str) -> dict:
    assert response.status_code == status, (response.status_code, response.json)
    body = response.json
    assert set(body) == {"code", "status", "message", "errors"}
    assert field in body["errors"], body
    return body


def jobcoach(app, tenant, organisation_id: str | None) -> dict:
    with app.app_context():
        found = tenant_service.get_by_slug(db.session, tenant.slug)
        with tenant_scope(db.session, found.id):
            issued = token_service.create(db.session, found, role="jobcoach", name=f"jobcoach-{next(_counter)}",
                                          days=30, max_days=366, actor=Actor.system("test"),
                                          organisation=organisation_id)
        db.session.commit()
        db.session.remove()
    return auth(issued.plaintext)


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


def task_body(**overrides) -> dict:
    body = {"title": f"Zwerfafval rapen {next(_counter)}", "category": "litter", "hours_per_week": "8",
            "source": "area_team"}
    body.update(overrides)
    return body


def make_task(client, env: Env, headers=None, **overrides) -> dict:
    response = client.post(api(env.slug, "/tasks"), headers=headers or env.coach, json=task_body(**overrides))
    assert response.status_code == 201, response.json
    return response.json


def check_body(**overrides) -> dict:
    body = {"checked_on": _days(0), "done_by_paid_staff": False, "host_would_hire": False,
            "done_by_volunteers": False, "is_additional": True, "verdict": "approved",
            "reasons": "Extra werk naast wat de organisatie zelf doet."}
    body.update(overrides)
    return body


def record_check(client, env: Env, task_id: str, headers=None, expect=201, **overrides) -> dict:
    response = client.post(api(env.slug, f"/tasks/{task_id}/displacement-checks"), headers=headers or env.coach,
                           json=check_body(**overrides))
    assert response.status_code == expect, response.json
    return response.json


def approved_task(client, env: Env, checked_on: str | None = None, **overrides) -> dict:
    """A task with a passed check, by default 250 days ago (before the assignments of the tests start, and not
    yet due for its yearly re-check)."""
    task = make_task(client, env, **overrides)
    record_check(client, env, task["id"], checked_on=checked_on or _days(-250))
    return get_task(client, env, task["id"])


def get_task(client, env: Env, task_id: str, headers=None) -> dict:
    response = client.get(api(env.slug, f"/tasks/{task_id}"), headers=headers or env.coach)
    assert response.status_code == 200, response.json
    return response.json


def begin(client, env: Env, *, started_on=None, expect=201, coaching_organisation_id=None, family_name=None,
          **contract) -> dict:
    """A participant (a new started candidate); by default on a permanent contract of 32 hours from 200 days ago."""
    started_on = started_on or _days(-200)
    candidate = started_candidate(client, env.coach, env.slug,
                                  **({"family_name": family_name} if family_name else {}))
    body = {"candidate_id": candidate, "started_on": started_on,
            "contract": {**contract_body(env.employer, kind="permanent", end_on=None), **contract}}
    if coaching_organisation_id is not None:
        body["coaching_organisation_id"] = coaching_organisation_id
    response = client.post(api(env.slug, "/participants"), headers=env.coach, json=body)
    assert response.status_code == expect, response.json
    return response.json


def assignment_body(task_id: str, **overrides) -> dict:
    body = {"task_id": task_id, "hours_per_week": "8", "days": ["mon", "tue"], "start_on": _days(-30)}
    body.update(overrides)
    return body


def assign(client, env: Env, participant_id: str, task_id: str, expect=201, **overrides) -> dict:
    response = client.post(api(env.slug, f"/participants/{participant_id}/assignments"), headers=env.coach,
                           json=assignment_body(task_id, **overrides))
    assert response.status_code == expect, response.json
    return response.json


def package(client, env: Env, participant_id: str, on: str | None = None, headers=None) -> dict:
    response = client.get(api(env.slug, f"/participants/{participant_id}/assignments"), headers=headers or env.coach,
                          query_string={"on": on} if on else None)
    assert response.status_code == 200, response.json
    return response.json


def worklist(client, env: Env, headers=None, **query) -> list[dict]:
    response = client.get(api(env.slug, "/worklist"), headers=headers or env.coach, query_string=query)
    assert response.status_code == 200, response.json
    return response.json


# --- the task catalogue -------------------------------------------------------------------------------------

def test_a_new_task_is_proposed_and_not_yet_assignable(app, client, gr):
    minimal = make_task(client, gr, title="  Koffie schenken  ", category="hosting", hours_per_week="6")
    assert minimal["title"] == "Koffie schenken" and minimal["status"] == "proposed" and minimal["version"] == 1
    assert minimal["places"] == 1 and minimal["physical_demand"] == "light" and minimal["days"] == []
    assert minimal["demands"] == [] and minimal["description"] is None and Decimal(minimal["hours_per_week"]) == 6
    assert minimal["host"] is None and minimal["neighbourhood"] is None
    assert minimal["taken_places"] == 0 and minimal["assignable"] is False and minimal["latest_check"] is None
    full = make_task(client, gr, description="Rondje door de wijk", host_organisation_id=gr.host,
                     neighbourhood_id=gr.neighbourhood, hours_per_week="12.5", days=["mon", "wed"], places=3,
                     physical_demand="medium", demands=["outdoors", "walking"], source="neighbourhood_organisation")
    assert full["host_organisation_id"] == gr.host and full["host"] == "Buurtcentrum De Wijert"
    assert full["neighbourhood_id"] == gr.neighbourhood and full["neighbourhood"] == "Beijum"
    assert (full["days"], full["places"], full["physical_demand"]) == (["mon", "wed"], 3, "medium")
    assert full["demands"] == ["outdoors", "walking"] and Decimal(full["hours_per_week"]) == Decimal("12.5")
    assert get_task(client, gr, full["id"]) == full
    assert get_task(client, gr, full["id"], headers=gr.admin) == full
    [event] = audit_events(app, gr.tenant, "task.created", full["id"])
    assert event.entity_type == "task"
    admin_made = make_task(client, gr, headers=gr.admin)  # admins keep the catalogue too
    assert len(audit_events(app, gr.tenant, "task.created", admin_made["id"])) == 1


@pytest.mark.parametrize("change, field", [
    ({"title": None}, "title"),
    ({"title": "   "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"category": "gardening"}, "category"),
    ({"category": None}, "category"),
    ({"source": "the_mayor"}, "source"),
    ({"hours_per_week": "0"}, "hours_per_week"),
    ({"hours_per_week": "40.5"}, "hours_per_week"),
    ({"hours_per_week": "-2"}, "hours_per_week"),
    ({"places": 0}, "places"),
    ({"places": 101}, "places"),
    ({"days": ["mon", "mon"]}, "days"),
    ({"days": ["monday"]}, "days"),
    ({"demands": ["flying"]}, "demands"),
    ({"demands": ["lifting", "lifting"]}, "demands"),
    ({"physical_demand": "extreme"}, "physical_demand"),
    ({"host_organisation_id": str(uuid.uuid4())}, "host_organisation_id"),
    ({"neighbourhood_id": str(uuid.uuid4())}, "neighbourhood_id"),
    ({"status": "approved"}, "status"),  # a new task is always proposed
    ({"version": 3}, "version"),
])
def test_invalid_tasks_are_refused_naming_the_field_and_nothing_is_saved(client, gr, owner_engine, change, field):
    before = counts(owner_engine, gr.tenant)
    body = task_body(**change)
    refused(client.post(api(gr.slug, "/tasks"), headers=gr.coach, json=body), 422, field)
    assert counts(owner_engine, gr.tenant) == before


def test_required_task_fields_and_a_host_that_is_no_host(client, gr, owner_engine):
    before = counts(owner_engine, gr.tenant)
    for missing in ("title", "category", "hours_per_week", "source"):
        body = task_body()
        del body[missing]
        refused(client.post(api(gr.slug, "/tasks"), headers=gr.coach, json=body), 422, missing)
    # The employer is an organisation of the municipality, but not a host of tasks.
    refused(client.post(api(gr.slug, "/tasks"), headers=gr.coach, json=task_body(host_organisation_id=gr.employer)),
            422, "host_organisation_id")
    assert counts(owner_engine, gr.tenant) == before


def test_an_unknown_task_is_404(client, gr):
    for path in (f"/tasks/{uuid.uuid4()}", f"/tasks/{uuid.uuid4()}/displacement-checks"):
        response = client.get(api(gr.slug, path), headers=gr.coach)
        assert response.status_code == 404 and response.json["code"] == "not_found"
    assert client.patch(api(gr.slug, f"/tasks/{uuid.uuid4()}"), headers=gr.coach,
                        json={"version": 1, "title": "Nergens"}).status_code == 404
    assert client.post(api(gr.slug, f"/tasks/{uuid.uuid4()}/displacement-checks"), headers=gr.coach,
                       json=check_body()).status_code == 404


def test_the_catalogue_is_paginated_sorted_by_title_and_filtered(client, gr):
    other_hood = client.post(api(gr.slug, "/neighbourhoods"), headers=gr.admin, json={"name": "Paddepoel"}).json["id"]
    other_host = organisation(client, gr.admin, gr.slug, "Speeltuin Vinkhuizen", is_host=True)
    made = [
        make_task(client, gr, title="bladblazen", category="maintenance", neighbourhood_id=gr.neighbourhood,
                  host_organisation_id=gr.host),
        make_task(client, gr, title="Fietsen repareren", category="cycling", neighbourhood_id=other_hood,
                  description="In de FIETSENWERKPLAATS van 50% korting"),
        make_task(client, gr, title="Afval rapen", category="litter", neighbourhood_id=gr.neighbourhood,
                  host_organisation_id=other_host),
        make_task(client, gr, title="Nieuwsbrief bezorgen", category="newsletter"),
        make_task(client, gr, title="Computerles", category="residents", host_organisation_id=gr.host),
    ]
    record_check(client, gr, made[0]["id"])  # approved
    record_check(client, gr, made[3]["id"], verdict="rejected", done_by_paid_staff=True,
                 reasons="De bezorger doet dit nu.")  # closed
    response = client.get(api(gr.slug, "/tasks"), headers=gr.coach, query_string={"page_size": 2})
    assert response.status_code == 200
    assert json.loads(response.headers["X-Pagination"])["total"] == 5
    assert [t["title"] for t in response.json] == ["Afval rapen", "bladblazen"]  # case-insensitive
    second = client.get(api(gr.slug, "/tasks"), headers=gr.coach, query_string={"page_size": 2, "page": 3})
    assert [t["title"] for t in second.json] == ["Nieuwsbrief bezorgen"]
    pagination = json.loads(second.headers["X-Pagination"])
    assert pagination["total"] == 5 and pagination["total_pages"] == 3 and pagination["page"] == 3

    def titles(**query) -> list[str]:
        found = client.get(api(gr.slug, "/tasks"), headers=gr.coach, query_string=query)
        assert found.status_code == 200, found.json
        assert json.loads(found.headers["X-Pagination"])["total"] == len(found.json)
        return [t["title"] for t in found.json]

    assert titles(status="proposed") == ["Afval rapen", "Computerles", "Fietsen repareren"]
    assert titles(status="approved") == ["bladblazen"]
    assert titles(status="closed") == ["Nieuwsbrief bezorgen"]
    assert titles(status="active") == []
    assert titles(category="cycling") == ["Fietsen repareren"]
    assert titles(neighbourhood_id=gr.neighbourhood) == ["Afval rapen", "bladblazen"]
    assert titles(host_organisation_id=gr.host) == ["bladblazen", "Computerles"]
    assert titles(host_organisation_id=gr.host, status="approved") == ["bladblazen"]
    assert titles(q="BLAD") == ["bladblazen"]
    assert titles(q="fietsenwerkplaats") == ["Fietsen repareren"]  # the description too
    assert titles(q="50%") == ["Fietsen repareren"]  # % is a character, not a wildcard
    assert titles(q="%") == ["Fietsen repareren"]
    assert titles(q="_") == []
    for query, field in (({"status": "bogus"}, "status"), ({"category": "bogus"}, "category"),
                         ({"neighbourhood_id": "not-a-uuid"}, "neighbourhood_id"), ({"q": "x" * 101}, "q")):
        refused(client.get(api(gr.slug, "/tasks"), headers=gr.coach, query_string=query), 422, field)


def test_a_task_shows_its_taken_places_assignability_and_latest_check(client, gr):
    task = make_task(client, gr, places=2)
    record_check(client, gr, task["id"], checked_on=_days(-400))
    record_check(client, gr, task["id"], checked_on=_days(-20))
    shown = get_task(client, gr, task["id"])
    assert shown["status"] == "approved" and shown["assignable"] is True and shown["taken_places"] == 0
    checked = TODAY - timedelta(days=20)
    assert shown["latest_check"] == {"checked_on": checked.isoformat(), "verdict": "approved",
                                     "recheck_due": checked.replace(year=checked.year + 1).isoformat()}
    a, b = begin(client, gr), begin(client, gr)
    assign(client, gr, a["id"], task["id"], start_on=_days(-10))
    assign(client, gr, b["id"], task["id"], start_on=_days(5))  # not yet today
    shown = get_task(client, gr, task["id"])
    assert shown["status"] == "active" and shown["taken_places"] == 1 and shown["assignable"] is True
    listed = {t["id"]: t for t in client.get(api(gr.slug, "/tasks"), headers=gr.coach).json}
    assert listed[task["id"]] == shown
    rejected = make_task(client, gr)
    record_check(client, gr, rejected["id"], verdict="rejected", host_would_hire=True, reasons="Vacature.")
    shown = get_task(client, gr, rejected["id"])
    assert shown["status"] == "closed" and shown["assignable"] is False
    assert shown["latest_check"] == {"checked_on": _days(0), "verdict": "rejected", "recheck_due": None}


# --- changing a task ------------------------------------------------------------------------------------------

def test_a_change_bumps_the_version_and_a_stale_version_is_a_conflict(app, client, gr, owner_engine):
    task = make_task(client, gr)
    url = api(gr.slug, f"/tasks/{task['id']}")
    changed = client.patch(url, headers=gr.coach, json={"version": 1, "title": "Bladeren vegen", "places": 2,
                                                        "host_organisation_id": gr.host})
    assert changed.status_code == 200, changed.json
    assert changed.json["version"] == 2 and changed.json["title"] == "Bladeren vegen" and changed.json["places"] == 2
    assert changed.json["host"] == "Buurtcentrum De Wijert" and changed.json["category"] == task["category"]
    [event] = audit_events(app, gr.tenant, "task.updated", task["id"])
    assert set(event.details["fields"]) == {"title", "places", "host_organisation_id"}
    before = counts(owner_engine, gr.tenant)
    for body in ({"version": 1, "title": "Te laat"}, {"version": 1}, {"version": 1, "status": "closed"},
                 {"version": 3, "title": "Te vroeg"}):
        refused(client.patch(url, headers=gr.coach, json=body), 409, "version")
    assert counts(owner_engine, gr.tenant) == before
    assert get_task(client, gr, task["id"]) == changed.json
    # Sending the current version without a change changes nothing (no new version, no audit event).
    same = client.patch(url, headers=gr.admin, json={"version": 2, "title": "Bladeren vegen"})
    assert same.status_code == 200 and same.json == changed.json
    assert counts(owner_engine, gr.tenant) == before
    cleared = client.patch(url, headers=gr.admin, json={"version": 2, "host_organisation_id": None,
                                                        "description": "Met een bezem"})
    assert cleared.status_code == 200 and cleared.json["version"] == 3
    assert cleared.json["host"] is None and cleared.json["description"] == "Met een bezem"


def test_a_change_needs_the_version_read(client, gr, owner_engine):
    task = make_task(client, gr)
    before = counts(owner_engine, gr.tenant)
    refused(client.patch(api(gr.slug, f"/tasks/{task['id']}"), headers=gr.coach, json={"title": "Zonder versie"}),
            422, "version")
    assert counts(owner_engine, gr.tenant) == before
    assert get_task(client, gr, task["id"]) == task


@pytest.mark.parametrize("change, field", [
    ({"title": "  "}, "title"), ({"category": "x"}, "category"), ({"hours_per_week": "41"}, "hours_per_week"),
    ({"days": ["sun", "sun"]}, "days"), ({"host_organisation_id": str(uuid.uuid4())}, "host_organisation_id"),
    ({"neighbourhood_id": str(uuid.uuid4())}, "neighbourhood_id"), ({"places": 0}, "places"),
    ({"status": "approved"}, "status"), ({"status": "finished"}, "status"), ({"id": str(uuid.uuid4())}, "id"),
])
def test_invalid_changes_are_refused_and_nothing_is_saved(client, gr, owner_engine, change, field):
    task = make_task(client, gr)
    before = counts(owner_engine, gr.tenant)
    refused(client.patch(api(gr.slug, f"/tasks/{task['id']}"), headers=gr.coach, json={"version": 1, **change}),
            422, field)
    assert counts(owner_engine, gr.tenant) == before
    assert get_task(client, gr, task["id"]) == task


def test_statuses_a_person_may_set_and_active_only_after_a_passed_check(client, gr, owner_engine):
    task = make_task(client, gr)
    url = api(gr.slug, f"/tasks/{task['id']}")
    before = counts(owner_engine, gr.tenant)
    refused(client.patch(url, headers=gr.coach, json={"version": 1, "status": "active"}), 422, "status")
    refused(client.patch(url, headers=gr.coach, json={"version": 1, "status": "approved"}), 422, "status")
    assert counts(owner_engine, gr.tenant) == before
    version = 1
    for status in ("under_check", "proposed", "closed", "proposed"):
        response = client.patch(url, headers=gr.coach, json={"version": version, "status": status})
        assert response.status_code == 200, response.json
        assert response.json["status"] == status and response.json["version"] == version + 1
        version += 1
    record_check(client, gr, task["id"])
    shown = get_task(client, gr, task["id"])
    assert shown["status"] == "approved" and shown["version"] == version + 1
    active = client.patch(url, headers=gr.coach, json={"version": shown["version"], "status": "active"})
    assert active.status_code == 200 and active.json["status"] == "active" and active.json["assignable"] is True
    # After a rejection (the task closes) it cannot be made active, not even when reopened.
    record_check(client, gr, task["id"], verdict="rejected", done_by_volunteers=True, reasons="Vrijwilligers.")
    closed = get_task(client, gr, task["id"])
    assert closed["status"] == "closed"
    before = counts(owner_engine, gr.tenant)
    refused(client.patch(url, headers=gr.coach, json={"version": closed["version"], "status": "active"}),
            422, "status")
    assert counts(owner_engine, gr.tenant) == before
    reopened = client.patch(url, headers=gr.coach, json={"version": closed["version"], "status": "proposed"})
    assert reopened.status_code == 200 and reopened.json["status"] == "proposed"
    refused(client.patch(url, headers=gr.coach, json={"version": reopened.json["version"], "status": "active"}),
            422, "status")


# --- the displacement check ---------------------------------------------------------------------------------

def test_a_passed_check_approves_the_task_and_checks_are_listed_newest_first(app, client, gr):
    task = make_task(client, gr)
    first = record_check(client, gr, task["id"], checked_on=_days(-30), headers=gr.admin)
    assert {k: first[k] for k in (*QUESTIONS, "verdict", "checked_on")} == {
        "done_by_paid_staff": False, "host_would_hire": False, "done_by_volunteers": False, "is_additional": True,
        "verdict": "approved", "checked_on": _days(-30)}
    assert first["reasons"] == "Extra werk naast wat de organisatie zelf doet." and first["checked_by"]
    assert set(first) == {"id", *QUESTIONS, "verdict", "reasons", "checked_by", "checked_on"}
    shown = get_task(client, gr, task["id"])
    assert shown["status"] == "approved" and shown["assignable"] is True and shown["version"] == 2
    second = record_check(client, gr, task["id"], checked_on=_days(-1), reasons="  Opnieuw bekeken.  ")
    assert second["reasons"] == "Opnieuw bekeken."
    listed = client.get(api(gr.slug, f"/tasks/{task['id']}/displacement-checks"), headers=gr.coach)
    assert listed.status_code == 200 and [c["id"] for c in listed.json] == [second["id"], first["id"]]
    events = audit_events(app, gr.tenant, "task.displacement_checked", task["id"])
    assert [e.details["verdict"] for e in events] == ["approved", "approved"]
    assert all(e.entity_type == "task" for e in events)


@pytest.mark.parametrize("answer", [{"done_by_paid_staff": True}, {"host_would_hire": True},
                                    {"done_by_volunteers": True}, {"is_additional": False}])
def test_an_answer_that_shows_displacement_cannot_be_approved(client, gr, owner_engine, answer):
    task = make_task(client, gr)
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, f"/tasks/{task['id']}/displacement-checks"), headers=gr.coach,
                        json=check_body(**answer)), 422, "verdict")
    assert counts(owner_engine, gr.tenant) == before
    assert get_task(client, gr, task["id"]) == task
    # The same answers with the verdict rejected are recorded, and close the task.
    done = record_check(client, gr, task["id"], verdict="rejected", **answer)
    assert done["verdict"] == "rejected"
    assert get_task(client, gr, task["id"])["status"] == "closed"
    after = counts(owner_engine, gr.tenant)
    assert after["displacement_checks"] == before["displacement_checks"] + 1


@pytest.mark.parametrize("change, field", [
    ({"checked_on": None}, "checked_on"),
    ({"checked_on": "1899-12-31"}, "checked_on"),
    ({"checked_on": (TODAY + timedelta(days=1)).isoformat()}, "checked_on"),
    ({"done_by_paid_staff": None}, "done_by_paid_staff"),
    ({"is_additional": "maybe"}, "is_additional"),
    ({"verdict": "perhaps"}, "verdict"),
    ({"reasons": ""}, "reasons"),
    ({"reasons": "   "}, "reasons"),
    ({"extra": 1}, "extra"),
])
def test_invalid_checks_are_refused_and_nothing_is_saved(client, gr, owner_engine, change, field):
    task = make_task(client, gr)
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, f"/tasks/{task['id']}/displacement-checks"), headers=gr.coach,
                        json=check_body(**change)), 422, field)
    for question in QUESTIONS:
        body = check_body()
        del body[question]
        refused(client.post(api(gr.slug, f"/tasks/{task['id']}/displacement-checks"), headers=gr.coach, json=body),
                422, question)
    assert counts(owner_engine, gr.tenant) == before
    assert get_task(client, gr, task["id"]) == task


def test_a_check_with_a_stale_task_version_is_a_conflict(client, gr, owner_engine):
    task = make_task(client, gr)
    assert client.patch(api(gr.slug, f"/tasks/{task['id']}"), headers=gr.coach,
                        json={"version": 1, "title": "Nieuwe naam"}).status_code == 200
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, f"/tasks/{task['id']}/displacement-checks"), headers=gr.coach,
                        json=check_body(version=1)), 409, "version")
    assert counts(owner_engine, gr.tenant) == before
    assert record_check(client, gr, task["id"], version=2)["verdict"] == "approved"


def test_a_closed_task_is_reopened_before_it_can_be_approved(client, gr, owner_engine):
    task = make_task(client, gr)
    assert client.patch(api(gr.slug, f"/tasks/{task['id']}"), headers=gr.coach,
                        json={"version": 1, "status": "closed"}).status_code == 200
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, f"/tasks/{task['id']}/displacement-checks"), headers=gr.coach,
                        json=check_body()), 409, "verdict")
    assert counts(owner_engine, gr.tenant) == before
    assert get_task(client, gr, task["id"])["status"] == "closed"


def test_rejecting_a_task_participants_work_on_is_a_conflict(client, gr, owner_engine):
    task = approved_task(client, gr, checked_on=_days(-60), places=2)
    p = begin(client, gr)
    assignment = assign(client, gr, p["id"], task["id"], start_on=_days(-30))
    before = counts(owner_engine, gr.tenant)
    reject = {"verdict": "rejected", "done_by_paid_staff": True, "reasons": "Er is een vacature."}
    refused(client.post(api(gr.slug, f"/tasks/{task['id']}/displacement-checks"), headers=gr.coach,
                        json=check_body(**reject)), 409, "verdict")
    # Also when the assignment only starts later.
    q = begin(client, gr)
    assign(client, gr, q["id"], task["id"], start_on=_days(30))
    mid = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, f"/tasks/{task['id']}/displacement-checks"), headers=gr.coach,
                        json=check_body(**reject, checked_on=_days(-1))), 409, "verdict")
    assert counts(owner_engine, gr.tenant) == mid
    assert mid["assignments"] == before["assignments"] + 1
    assert get_task(client, gr, task["id"])["status"] == "active"
    # Ending the first one is not enough: the second one starts later and runs after the check's date.
    assert client.patch(api(gr.slug, f"/participants/{p['id']}/assignments/{assignment['id']}"), headers=gr.coach,
                        json={"end_on": _days(-2)}).status_code == 200
    refused(client.post(api(gr.slug, f"/tasks/{task['id']}/displacement-checks"), headers=gr.coach,
                        json=check_body(**reject)), 409, "verdict")
    assert len(client.get(api(gr.slug, f"/tasks/{task['id']}/displacement-checks"), headers=gr.coach).json) == 1


def test_a_rejection_after_every_assignment_ended_closes_the_task(client, gr):
    task = approved_task(client, gr, checked_on=_days(-60))
    p = begin(client, gr)
    assign(client, gr, p["id"], task["id"], start_on=_days(-30), end_on=_days(-5))
    record_check(client, gr, task["id"], verdict="rejected", done_by_paid_staff=True, reasons="Vacature.")
    shown = get_task(client, gr, task["id"])
    assert shown["status"] == "closed" and shown["assignable"] is False
    # A check dated before the assignment's last day still finds it running.
    other = approved_task(client, gr, checked_on=_days(-60))
    assign(client, gr, p["id"], other["id"], start_on=_days(-30), end_on=_days(-5))
    record_check(client, gr, other["id"], verdict="rejected", done_by_paid_staff=True, reasons="Vacature.",
                 checked_on=_days(-10), expect=409)


def test_a_passed_check_keeps_an_active_task_active(client, gr):
    task = approved_task(client, gr, checked_on=_days(-300))
    p = begin(client, gr)
    assign(client, gr, p["id"], task["id"])
    assert get_task(client, gr, task["id"])["status"] == "active"
    record_check(client, gr, task["id"])
    shown = get_task(client, gr, task["id"])
    assert shown["status"] == "active" and shown["latest_check"]["checked_on"] == _days(0)


def test_a_task_whose_status_says_approved_can_take_participants(client, gr, owner_engine):
    """A rejection closes the task; after reopening, a passed check approves it again. A check dated before
    the latest one is refused (the status and the latest check could disagree otherwise), so whenever the
    status says approved, the task is assignable."""
    task = make_task(client, gr)
    record_check(client, gr, task["id"], verdict="rejected", is_additional=False, reasons="Niet extra.")
    closed = get_task(client, gr, task["id"])
    assert client.patch(api(gr.slug, f"/tasks/{task['id']}"), headers=gr.coach,
                        json={"version": closed["version"], "status": "proposed"}).status_code == 200
    reopened = get_task(client, gr, task["id"])
    late = client.post(api(gr.slug, f"/tasks/{task['id']}/displacement-checks"), headers=gr.coach, json={
        "checked_on": _days(-3), "done_by_paid_staff": False, "host_would_hire": False,
        "done_by_volunteers": False, "is_additional": True, "verdict": "approved", "reasons": "Extra werk."})
    assert late.status_code == 422 and set(late.json["errors"]) == {"checked_on"}, late.json
    assert get_task(client, gr, task["id"]) == reopened
    record_check(client, gr, task["id"])
    shown = get_task(client, gr, task["id"])
    assert shown["status"] == "approved"
    assert shown["assignable"] is True, shown


# --- assignments ---------------------------------------------------------------------------------------------

def test_an_assignment_puts_the_task_in_the_package(app, client, gr):
    task = approved_task(client, gr, places=2)
    p = begin(client, gr)
    made = assign(client, gr, p["id"], task["id"], hours_per_week="12.5", days=["wed", "mon"], start_on=_days(-10),
                  note="  Samen met buurman  ")
    assert made["task_id"] == task["id"] and made["task_title"] == task["title"]
    assert Decimal(made["hours_per_week"]) == Decimal("12.5") and made["days"] == ["wed", "mon"]
    assert made["start_on"] == _days(-10) and made["end_on"] is None and made["note"] == "Samen met buurman"
    assert set(made) == {"id", "task_id", "task_title", "hours_per_week", "days", "start_on", "end_on", "note"}
    shown = get_task(client, gr, task["id"])
    assert shown["status"] == "active" and shown["taken_places"] == 1
    [event] = audit_events(app, gr.tenant, "assignment.added", p["id"])
    assert event.entity_type == "participant" and event.details["task_id"] == task["id"]
    view = package(client, gr, p["id"])
    assert [a["id"] for a in view["running"]] == [made["id"]] and view["history"] == view["running"]


def test_only_a_task_that_passed_the_check_can_be_assigned(client, gr, owner_engine):
    p = begin(client, gr)
    proposed = make_task(client, gr)
    under_check = make_task(client, gr)
    assert client.patch(api(gr.slug, f"/tasks/{under_check['id']}"), headers=gr.coach,
                        json={"version": 1, "status": "under_check"}).status_code == 200
    rejected = make_task(client, gr)
    record_check(client, gr, rejected["id"], verdict="rejected", host_would_hire=True, reasons="Vacature.")
    # Approved, then put back under check by hand: no new participants until a check passes again.
    paused = approved_task(client, gr)
    assert client.patch(api(gr.slug, f"/tasks/{paused['id']}"), headers=gr.coach,
                        json={"version": paused["version"], "status": "under_check"}).status_code == 200
    before = counts(owner_engine, gr.tenant)
    for task_id in (proposed["id"], under_check["id"], rejected["id"], paused["id"], str(uuid.uuid4())):
        refused(client.post(api(gr.slug, f"/participants/{p['id']}/assignments"), headers=gr.coach,
                            json=assignment_body(task_id)), 422, "task_id")
    assert counts(owner_engine, gr.tenant) == before
    assert package(client, gr, p["id"])["history"] == []


def test_an_assignment_cannot_start_before_the_task_passed_its_check(client, gr, owner_engine):
    task = make_task(client, gr)
    record_check(client, gr, task["id"], checked_on=_days(-10))
    p = begin(client, gr)
    before = counts(owner_engine, gr.tenant)
    response = client.post(api(gr.slug, f"/participants/{p['id']}/assignments"), headers=gr.coach,
                           json=assignment_body(task["id"], start_on=_days(-30)))
    assert response.status_code == 422, response.json
    assert set(response.json["errors"]) & {"start_on", "task_id"}, response.json
    assert counts(owner_engine, gr.tenant) == before
    assign(client, gr, p["id"], task["id"], start_on=_days(-10))


def test_the_same_task_twice_at_once_is_refused(client, gr, owner_engine):
    task = approved_task(client, gr, places=5)
    p = begin(client, gr)
    assign(client, gr, p["id"], task["id"], start_on=_days(-30), end_on=_days(10))
    before = counts(owner_engine, gr.tenant)
    for start, end in ((_days(10), None), (_days(-60), _days(-30)), (_days(-60), None), (_days(0), _days(5))):
        refused(client.post(api(gr.slug, f"/participants/{p['id']}/assignments"), headers=gr.coach,
                            json=assignment_body(task["id"], start_on=start, end_on=end, hours_per_week="1")),
                422, "task_id")
    assert counts(owner_engine, gr.tenant) == before
    # Before and after, the same task again; another task at the same time.
    assign(client, gr, p["id"], task["id"], start_on=_days(11))
    assign(client, gr, p["id"], task["id"], start_on=_days(-60), end_on=_days(-31))
    assign(client, gr, p["id"], approved_task(client, gr)["id"], start_on=_days(0))
    assert len(package(client, gr, p["id"])["history"]) == 4


def test_an_assignment_lies_within_the_participants_contracts(client, gr, owner_engine):
    task = approved_task(client, gr)
    p = begin(client, gr, started_on=_days(-100), kind="temporary", start_on=_days(-100), end_on=_days(100))
    before = counts(owner_engine, gr.tenant)
    body = refused(client.post(api(gr.slug, f"/participants/{p['id']}/assignments"), headers=gr.coach,
                               json=assignment_body(task["id"], start_on=_days(-101))), 422, "start_on")
    assert _days(-101) in json.dumps(body["errors"])
    body = refused(client.post(api(gr.slug, f"/participants/{p['id']}/assignments"), headers=gr.coach,
                               json=assignment_body(task["id"], start_on=_days(0), end_on=_days(101))), 422, "end_on")
    assert _days(101) in json.dumps(body["errors"])
    refused(client.post(api(gr.slug, f"/participants/{p['id']}/assignments"), headers=gr.coach,
                        json=assignment_body(task["id"], start_on=_days(150), end_on=_days(160))), 422, "start_on")
    assert counts(owner_engine, gr.tenant) == before
    # The last day of the contract is the assignment's last possible day; a renewal takes it further.
    assign(client, gr, p["id"], task["id"], start_on=_days(50), end_on=_days(100))
    renewal = client.post(api(gr.slug, f"/participants/{p['id']}/contracts"), headers=gr.coach, json=contract_body(
        gr.employer, start_on=_days(101), end_on=_days(400),
        performance_report={"written_on": _days(0), "author": "Coach", "advice": "renew"}))
    assert renewal.status_code == 201, renewal.json
    assign(client, gr, p["id"], task["id"], start_on=_days(101), end_on=_days(200))


def test_never_more_hours_at_once_than_the_contract(client, gr, owner_engine):
    p = begin(client, gr, hours_per_week="32")
    first, second, third = (approved_task(client, gr) for _ in range(3))
    assign(client, gr, p["id"], first["id"], hours_per_week="20", start_on=_days(-30))
    before = counts(owner_engine, gr.tenant)
    body = refused(client.post(api(gr.slug, f"/participants/{p['id']}/assignments"), headers=gr.coach,
                               json=assignment_body(second["id"], hours_per_week="12.5", start_on=_days(0))),
                   422, "hours_per_week")
    assert _days(0) in json.dumps(body["errors"]) and "32" in json.dumps(body["errors"])
    # Alone, more than the contract.
    fresh = begin(client, gr, hours_per_week="20")
    mid = counts(owner_engine, gr.tenant)
    body = refused(client.post(api(gr.slug, f"/participants/{fresh['id']}/assignments"), headers=gr.coach,
                               json=assignment_body(second["id"], hours_per_week="21", start_on=_days(-5))),
                   422, "hours_per_week")
    assert _days(-5) in json.dumps(body["errors"])
    assert counts(owner_engine, gr.tenant) == mid
    assert mid["assignments"] == before["assignments"]
    # Exactly the contract's hours fit; another task starting after the first ends fits too.
    assign(client, gr, p["id"], second["id"], hours_per_week="12", start_on=_days(0), end_on=_days(20))
    assign(client, gr, p["id"], third["id"], hours_per_week="12", start_on=_days(21))
    # A later task of 12 hours that would overlap the third one from its start is refused on that day.
    body = refused(client.post(api(gr.slug, f"/participants/{p['id']}/assignments"), headers=gr.coach,
                               json=assignment_body(second["id"], hours_per_week="1", start_on=_days(21))),
                   422, "hours_per_week")
    assert _days(21) in json.dumps(body["errors"])


def test_fewer_contract_hours_later_limit_the_package_from_that_day(client, gr, owner_engine):
    p = begin(client, gr, hours_per_week="32")
    [contract] = client.get(api(gr.slug, f"/participants/{p['id']}/contracts"), headers=gr.coach).json
    fewer = client.patch(api(gr.slug, f"/participants/{p['id']}/contracts/{contract['id']}"), headers=gr.coach,
                         json={"version": contract["version"], "valid_from": _days(40), "hours_per_week": "24"})
    assert fewer.status_code == 200, fewer.json
    first, second = approved_task(client, gr), approved_task(client, gr)
    assign(client, gr, p["id"], first["id"], hours_per_week="16", start_on=_days(-10))
    before = counts(owner_engine, gr.tenant)
    # 16 + 12 = 28 fits the 32 hours of today, not the 24 from day 40 on: the day is named.
    body = refused(client.post(api(gr.slug, f"/participants/{p['id']}/assignments"), headers=gr.coach,
                               json=assignment_body(second["id"], hours_per_week="12", start_on=_days(0))),
                   422, "hours_per_week")
    assert _days(40) in json.dumps(body["errors"]) and "24" in json.dumps(body["errors"])
    assert counts(owner_engine, gr.tenant) == before
    # Ending before that day, it fits.
    assign(client, gr, p["id"], second["id"], hours_per_week="12", start_on=_days(0), end_on=_days(39))


def test_a_full_task_is_a_conflict(client, gr, owner_engine):
    task = approved_task(client, gr, places=2)
    a, b, c = begin(client, gr), begin(client, gr), begin(client, gr)
    assign(client, gr, a["id"], task["id"], start_on=_days(-30))
    assign(client, gr, b["id"], task["id"], start_on=_days(10), end_on=_days(20))
    before = counts(owner_engine, gr.tenant)
    for start, end in ((_days(0), None), (_days(15), _days(15)), (_days(-100), None)):
        body = refused(client.post(api(gr.slug, f"/participants/{c['id']}/assignments"), headers=gr.coach,
                                   json=assignment_body(task["id"], start_on=start, end_on=end)), 409, "task_id")
        assert "2" in json.dumps(body["errors"])
    assert counts(owner_engine, gr.tenant) == before
    # Before and after the second participant's weeks there is a free place.
    assign(client, gr, c["id"], task["id"], start_on=_days(0), end_on=_days(9))
    assign(client, gr, c["id"], task["id"], start_on=_days(21))
    assert get_task(client, gr, task["id"])["taken_places"] == 2


def test_a_participant_who_left_gets_no_new_tasks(client, gr, owner_engine):
    task = approved_task(client, gr, places=3)
    gone = begin(client, gr)
    assert client.post(api(gr.slug, f"/participants/{gone['id']}/exit"), headers=gr.coach,
                       json={"date": _days(-5), "reason": "regular_job"}).status_code == 200
    leaving = begin(client, gr)
    assert client.post(api(gr.slug, f"/participants/{leaving['id']}/exit"), headers=gr.coach,
                       json={"date": _days(30), "reason": "regular_job"}).status_code == 200
    before = counts(owner_engine, gr.tenant)
    for pid, start, end in ((gone["id"], _days(0), None), (gone["id"], _days(-4), _days(10)),
                            (leaving["id"], _days(0), None), (leaving["id"], _days(0), _days(31))):
        refused(client.post(api(gr.slug, f"/participants/{pid}/assignments"), headers=gr.coach,
                            json=assignment_body(task["id"], start_on=start, end_on=end)), 422, "start_on")
    assert counts(owner_engine, gr.tenant) == before
    # Up to the last day, it is allowed.
    assign(client, gr, leaving["id"], task["id"], start_on=_days(0), end_on=_days(30))


@pytest.mark.parametrize("change, field", [
    ({"start_on": None}, "start_on"),
    ({"start_on": "1899-01-01"}, "start_on"),
    ({"end_on": "2101-01-01"}, "end_on"),
    ({"end_on": (TODAY - timedelta(days=31)).isoformat()}, "end_on"),
    ({"hours_per_week": "0"}, "hours_per_week"),
    ({"hours_per_week": "40.5"}, "hours_per_week"),
    ({"hours_per_week": None}, "hours_per_week"),
    ({"days": ["mon", "mon"]}, "days"),
    ({"days": ["maandag"]}, "days"),
    ({"task_id": None}, "task_id"),
    ({"task_id": "not-a-uuid"}, "task_id"),
    ({"note": "x" * 501}, "note"),
    ({"participant_id": str(uuid.uuid4())}, "participant_id"),
])
def test_invalid_assignments_are_refused_naming_the_field(client, gr, owner_engine, change, field):
    task = approved_task(client, gr)
    p = begin(client, gr)
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, f"/participants/{p['id']}/assignments"), headers=gr.coach,
                        json={**assignment_body(task["id"]), **change}), 422, field)
    assert counts(owner_engine, gr.tenant) == before


def test_assignments_of_an_unknown_participant_are_404(client, gr, owner_engine):
    task = approved_task(client, gr)
    before = counts(owner_engine, gr.tenant)
    base = api(gr.slug, f"/participants/{uuid.uuid4()}/assignments")
    assert client.get(base, headers=gr.coach).status_code == 404
    assert client.post(base, headers=gr.coach, json=assignment_body(task["id"])).status_code == 404
    assert client.patch(f"{base}/{uuid.uuid4()}", headers=gr.coach, json={"end_on": _days(0)}).status_code == 404
    assert counts(owner_engine, gr.tenant) == before


def test_an_assignment_is_shortened_never_extended(app, client, gr, owner_engine):
    task = approved_task(client, gr)
    p, other = begin(client, gr), begin(client, gr)
    made = assign(client, gr, p["id"], task["id"], start_on=_days(-30))
    url = api(gr.slug, f"/participants/{p['id']}/assignments/{made['id']}")
    ended = client.patch(url, headers=gr.coach, json={"end_on": _days(60)})
    assert ended.status_code == 200 and ended.json["end_on"] == _days(60) and ended.json["id"] == made["id"]
    assert len(audit_events(app, gr.tenant, "assignment.ended", p["id"])) == 1
    before = counts(owner_engine, gr.tenant)
    for end, status in ((_days(61), 422), (_days(-31), 422), ("2101-01-01", 422), (None, 422)):
        refused(client.patch(url, headers=gr.coach, json={"end_on": end}), status, "end_on")
    refused(client.patch(url, headers=gr.coach, json={}), 422, "end_on")
    refused(client.patch(url, headers=gr.coach, json={"end_on": _days(10), "hours_per_week": "4"}), 422,
            "hours_per_week")
    # Another participant's URL does not reach it; an unknown id neither.
    assert client.patch(api(gr.slug, f"/participants/{other['id']}/assignments/{made['id']}"), headers=gr.coach,
                        json={"end_on": _days(0)}).status_code == 404
    assert client.patch(api(gr.slug, f"/participants/{p['id']}/assignments/{uuid.uuid4()}"), headers=gr.coach,
                        json={"end_on": _days(0)}).status_code == 404
    assert counts(owner_engine, gr.tenant) == before
    shorter = client.patch(url, headers=gr.coach, json={"end_on": _days(-30)})  # its first day is its last
    assert shorter.status_code == 200 and shorter.json["end_on"] == _days(-30)
    view = package(client, gr, p["id"])
    assert view["running"] == [] and [a["end_on"] for a in view["history"]] == [_days(-30)]


# --- the package view ----------------------------------------------------------------------------------------

def test_the_package_on_a_date_against_the_contract_hours(client, gr):
    p = begin(client, gr, hours_per_week="32")
    tasks = [approved_task(client, gr, title=f"Taak {n}") for n in range(3)]
    a = assign(client, gr, p["id"], tasks[0]["id"], hours_per_week="20", start_on=_days(-30))
    b = assign(client, gr, p["id"], tasks[1]["id"], hours_per_week="12", start_on=_days(-30), end_on=_days(9))
    c = assign(client, gr, p["id"], tasks[2]["id"], hours_per_week="8", start_on=_days(10))
    today = package(client, gr, p["id"])
    assert today["on"] == _days(0)
    assert Decimal(today["hours"]) == 32 and Decimal(today["contract_hours"]) == 32 and today["fits"] is True
    assert [x["id"] for x in today["running"]] == [a["id"], b["id"]]
    assert [x["id"] for x in today["history"]] == [a["id"], b["id"], c["id"]]
    later = package(client, gr, p["id"], on=_days(10))
    assert Decimal(later["hours"]) == 28 and later["fits"] is False
    assert [x["id"] for x in later["running"]] == [a["id"], c["id"]] and later["history"] == today["history"]
    assert [x["task_title"] for x in later["running"]] == ["Taak 0", "Taak 2"]
    before_contract = package(client, gr, p["id"], on=_days(-300))
    assert before_contract["running"] == [] and Decimal(before_contract["hours"]) == 0
    assert before_contract["contract_hours"] is None and before_contract["fits"] is True
    # A participant without a package: no hours against 32.
    empty = package(client, gr, begin(client, gr)["id"])
    assert Decimal(empty["hours"]) == 0 and Decimal(empty["contract_hours"]) == 32 and empty["fits"] is False
    refused(client.get(api(gr.slug, f"/participants/{p['id']}/assignments"), headers=gr.coach,
                       query_string={"on": "yesterday"}), 422, "on")


def test_the_package_follows_changes_of_the_contract_hours(client, gr):
    p = begin(client, gr, hours_per_week="32")
    [contract] = client.get(api(gr.slug, f"/participants/{p['id']}/contracts"), headers=gr.coach).json
    assert client.patch(api(gr.slug, f"/participants/{p['id']}/contracts/{contract['id']}"), headers=gr.coach,
                        json={"version": contract["version"], "valid_from": _days(40),
                              "hours_per_week": "24"}).status_code == 200
    assign(client, gr, p["id"], approved_task(client, gr)["id"], hours_per_week="24", start_on=_days(-10))
    now, later = package(client, gr, p["id"]), package(client, gr, p["id"], on=_days(40))
    assert (Decimal(now["contract_hours"]), now["fits"]) == (32, False)
    assert (Decimal(later["contract_hours"]), later["fits"]) == (24, True)


# --- the work list --------------------------------------------------------------------------------------------

def mismatches(client, env, headers=None) -> dict[str, dict]:
    return {i["participant_id"]: i for i in worklist(client, env, headers=headers) if i["kind"] == "package_mismatch"}


def test_a_package_that_does_not_match_the_contract_hours_is_on_the_work_list(client, gr):
    short = begin(client, gr, hours_per_week="32", family_name="Tekort")
    equal = begin(client, gr, hours_per_week="24", family_name="Precies")
    none = begin(client, gr, hours_per_week="32", family_name="Zonder")
    ended = begin(client, gr, hours_per_week="32", family_name="Afgelopen")
    tasks = [approved_task(client, gr, places=5) for _ in range(2)]
    assign(client, gr, short["id"], tasks[0]["id"], hours_per_week="20", start_on=_days(-10))
    assign(client, gr, equal["id"], tasks[0]["id"], hours_per_week="16", start_on=_days(-10))
    assign(client, gr, equal["id"], tasks[1]["id"], hours_per_week="8", start_on=_days(-10))
    assign(client, gr, ended["id"], tasks[0]["id"], hours_per_week="8", start_on=_days(-30), end_on=_days(-1))
    found = mismatches(client, gr)
    assert set(found) == {short["id"]}, found
    [contract] = client.get(api(gr.slug, f"/participants/{short['id']}/contracts"), headers=gr.coach).json
    item = found[short["id"]]
    assert item["due_on"] == _days(0) and item["overdue"] is False and item["contract_id"] == contract["id"]
    assert item["participant_name"].endswith("Tekort") and item["task_id"] is None
    only = worklist(client, gr, kind="package_mismatch")
    assert [i["participant_id"] for i in only] == [short["id"]]
    # Making the package whole takes it off the list; fewer contract hours put the other one on it.
    assign(client, gr, short["id"], tasks[1]["id"], hours_per_week="12", start_on=_days(0))
    [contract] = client.get(api(gr.slug, f"/participants/{equal['id']}/contracts"), headers=gr.coach).json
    assert client.patch(api(gr.slug, f"/participants/{equal['id']}/contracts/{contract['id']}"), headers=gr.coach,
                        json={"version": contract["version"], "valid_from": _days(-2),
                              "hours_per_week": "20"}).status_code == 200
    assert set(mismatches(client, gr)) == {equal["id"]}
    assert none["id"] not in mismatches(client, gr)


def recheck_items(client, env, headers=None, **query) -> dict[str, dict]:
    return {i["task_id"]: i for i in worklist(client, env, headers=headers, **query)
            if i["kind"] == "displacement_recheck"}


def test_a_yearly_displacement_recheck_is_on_the_coaches_work_list(app, client, gr):
    due_soon = approved_task(client, gr, title="Bijna een jaar", checked_on=(TODAY - timedelta(days=365 - 30)).isoformat())
    overdue = approved_task(client, gr, title="Over tijd", checked_on=(TODAY - timedelta(days=400)).isoformat())
    recent = approved_task(client, gr, title="Net bekeken", checked_on=(TODAY - timedelta(days=365 - 70)).isoformat())
    closed = make_task(client, gr, title="Afgewezen")
    record_check(client, gr, closed["id"], verdict="rejected", done_by_paid_staff=True, reasons="Betaald werk.",
                 checked_on=(TODAY - timedelta(days=400)).isoformat())
    never = make_task(client, gr, title="Nooit bekeken")
    p = begin(client, gr)
    assign(client, gr, p["id"], overdue["id"], hours_per_week="32")  # active tasks are re-checked too
    found = recheck_items(client, gr)
    assert set(found) == {due_soon["id"], overdue["id"]}, found
    assert recent["id"] not in found and closed["id"] not in found and never["id"] not in found
    soon = found[due_soon["id"]]
    assert soon["task_title"] == "Bijna een jaar" and soon["participant_id"] is None
    assert soon["participant_name"] is None and soon["overdue"] is False
    assert soon["due_on"] == get_task(client, gr, due_soon["id"])["latest_check"]["recheck_due"]
    late = found[overdue["id"]]
    assert late["overdue"] is True and late["due_on"] < _days(0)
    # Soonest first, the task items among the participants' items.
    items = worklist(client, gr)
    assert [i["due_on"] for i in items] == sorted(i["due_on"] for i in items)
    assert [i["task_id"] for i in worklist(client, gr, kind="displacement_recheck")] == [overdue["id"], due_soon["id"]]
    # Not for one participant's list.
    assert recheck_items(client, gr, participant_id=p["id"]) == {}
    # A new passed check takes the task off the list.
    record_check(client, gr, due_soon["id"])
    assert set(recheck_items(client, gr)) == {overdue["id"]}
    record_check(client, gr, overdue["id"], checked_on=_days(-1))
    assert recheck_items(client, gr) == {}


def test_job_coaches_do_not_get_displacement_rechecks(app, client, gr):
    noord = coaching(client, gr.admin, gr.slug, "Begeleidende partij Noord")
    ours = begin(client, gr, coaching_organisation_id=noord)
    task = approved_task(client, gr, checked_on=(TODAY - timedelta(days=400)).isoformat())
    assign(client, gr, ours["id"], task["id"], hours_per_week="10")
    jc = jobcoach(app, gr.tenant, noord)
    items = worklist(client, gr, headers=jc)
    assert {i["kind"] for i in items} == {"package_mismatch"} and items[0]["participant_id"] == ours["id"]
    assert recheck_items(client, gr) and not recheck_items(client, gr, headers=jc)


def test_admins_find_the_due_rechecks_in_the_task_catalogue(client, gr):
    # Admins have no work list (it lists participants); the catalogue tells them when a check is due.
    checked = TODAY - timedelta(days=400)
    task = approved_task(client, gr, checked_on=checked.isoformat())
    assert client.get(api(gr.slug, "/worklist"), headers=gr.admin).status_code == 403
    found = client.get(api(gr.slug, f"/tasks/{task['id']}"), headers=gr.admin).json
    assert found["latest_check"]["recheck_due"] == checked.replace(year=checked.year + 1).isoformat()
    assert found["latest_check"]["recheck_due"] < TODAY.isoformat()


# --- who may do what ------------------------------------------------------------------------------------------

def test_a_job_coach_reads_tasks_but_neither_writes_them_nor_assigns(app, client, gr, owner_engine):
    noord = coaching(client, gr.admin, gr.slug, "Begeleidende partij Noord")
    zuid = coaching(client, gr.admin, gr.slug, "Begeleidende partij Zuid")
    ours = begin(client, gr, coaching_organisation_id=noord)
    theirs = begin(client, gr, coaching_organisation_id=zuid)
    nobodys = begin(client, gr)
    task = approved_task(client, gr, places=5)
    mine = assign(client, gr, ours["id"], task["id"])
    assign(client, gr, theirs["id"], task["id"])
    jc = jobcoach(app, gr.tenant, noord)
    listed = client.get(api(gr.slug, "/tasks"), headers=jc)
    assert listed.status_code == 200 and [t["id"] for t in listed.json] == [task["id"]]
    assert get_task(client, gr, task["id"], headers=jc) == get_task(client, gr, task["id"])
    checks = client.get(api(gr.slug, f"/tasks/{task['id']}/displacement-checks"), headers=jc)
    assert checks.status_code == 200 and len(checks.json) == 1
    # The own organisation's participant's package; others' are not found.
    view = package(client, gr, ours["id"], headers=jc)
    assert [a["id"] for a in view["running"]] == [mine["id"]]
    for other in (theirs["id"], nobodys["id"]):
        response = client.get(api(gr.slug, f"/participants/{other}/assignments"), headers=jc)
        assert response.status_code == 404 and response.json["code"] == "not_found"
    before = counts(owner_engine, gr.tenant)
    forbidden = [
        ("POST", "/tasks", task_body()),
        ("PATCH", f"/tasks/{task['id']}", {"version": 2, "title": "Anders"}),
        ("POST", f"/tasks/{task['id']}/displacement-checks", check_body()),
        ("POST", f"/participants/{ours['id']}/assignments", assignment_body(task["id"], start_on=_days(100))),
        ("PATCH", f"/participants/{ours['id']}/assignments/{mine['id']}", {"end_on": _days(0)}),
    ]
    for method, path, body in forbidden:
        response = client.open(api(gr.slug, path), method=method, headers=jc, json=body)
        assert response.status_code == 403, (method, path, response.json)
        assert response.json["code"] == "forbidden"
    assert counts(owner_engine, gr.tenant) == before


def test_roles_without_participants_see_tasks_but_no_packages(client, gr, make_token, owner_engine):
    task = approved_task(client, gr)
    p = begin(client, gr)
    made = assign(client, gr, p["id"], task["id"])
    for role in ("viewer", "finance", "admin"):
        headers = auth(make_token(gr.tenant, role))
        assert client.get(api(gr.slug, "/tasks"), headers=headers).status_code == 200
        assert client.get(api(gr.slug, f"/participants/{p['id']}/assignments"), headers=headers).status_code == 403
        before = counts(owner_engine, gr.tenant)
        for method, path, body in (
                ("POST", f"/participants/{p['id']}/assignments", assignment_body(task["id"], start_on=_days(100))),
                ("PATCH", f"/participants/{p['id']}/assignments/{made['id']}", {"end_on": _days(0)})):
            assert client.open(api(gr.slug, path), method=method, headers=headers, json=body).status_code == 403
        if role != "admin":
            assert client.post(api(gr.slug, "/tasks"), headers=headers, json=task_body()).status_code == 403
            assert client.post(api(gr.slug, f"/tasks/{task['id']}/displacement-checks"), headers=headers,
                               json=check_body()).status_code == 403
        assert counts(owner_engine, gr.tenant) == before


def test_ids_of_another_municipality_in_a_body_are_unknown(client, gr, make_tenant, make_token, owner_engine):
    tilburg = make_tenant("tilburg")
    admin, coach = auth(make_token(tilburg, "admin")), auth(make_token(tilburg, "coach"))
    their_host = organisation(client, admin, tilburg.slug, "Buurthuis Reeshof", is_host=True)
    their_hood = client.post(api(tilburg.slug, "/neighbourhoods"), headers=admin, json={"name": "Reeshof"}).json["id"]
    their_task = client.post(api(tilburg.slug, "/tasks"), headers=coach, json=task_body()).json
    assert client.post(api(tilburg.slug, f"/tasks/{their_task['id']}/displacement-checks"), headers=coach,
                       json=check_body()).status_code == 201
    own_task = approved_task(client, gr)
    p = begin(client, gr)
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, "/tasks"), headers=gr.coach, json=task_body(host_organisation_id=their_host)),
            422, "host_organisation_id")
    refused(client.post(api(gr.slug, "/tasks"), headers=gr.coach, json=task_body(neighbourhood_id=their_hood)),
            422, "neighbourhood_id")
    refused(client.patch(api(gr.slug, f"/tasks/{own_task['id']}"), headers=gr.coach,
                         json={"version": own_task["version"], "host_organisation_id": their_host}),
            422, "host_organisation_id")
    refused(client.post(api(gr.slug, f"/participants/{p['id']}/assignments"), headers=gr.coach,
                        json=assignment_body(their_task["id"])), 422, "task_id")
    assert counts(owner_engine, gr.tenant) == before
    for path in (f"/tasks/{their_task['id']}", f"/tasks/{their_task['id']}/displacement-checks"):
        assert client.get(api(gr.slug, path), headers=gr.coach).status_code == 404
    assert client.get(api(tilburg.slug, "/tasks"), headers=coach).json[0]["id"] == their_task["id"]
    assert [t["id"] for t in client.get(api(gr.slug, "/tasks"), headers=gr.coach).json] == [own_task["id"]]


def test_a_job_coach_without_an_organisation_sees_no_package(app, client, gr):
    p = begin(client, gr)
    jc = jobcoach(app, gr.tenant, None)
    assert client.get(api(gr.slug, "/tasks"), headers=jc).status_code == 200
    assert client.get(api(gr.slug, f"/participants/{p['id']}/assignments"), headers=jc).status_code == 404


# --- at the same time (PostgreSQL: row locks) ---------------------------------------------------------------

def _together(app, *requests):
    """Run each (method, url, headers, body) in its own thread, released at once; the status codes in order."""
    barrier = threading.Barrier(len(requests))
    results: dict[int, int] = {}

    def go(index, method, url, headers, body):
        own = app.test_client()
        barrier.wait()
        results[index] = own.open(url, method=method, headers=headers, json=body).status_code

    threads = [threading.Thread(target=go, args=(i, *r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return [results.get(i) for i in range(len(requests))]


@pytest.mark.postgres_only
def test_two_participants_for_the_last_place_at_once_get_one_place(app, gr, owner_engine):
    client = app.test_client()
    task = approved_task(client, gr, places=1)
    a, b = begin(client, gr), begin(client, gr)
    before = counts(owner_engine, gr.tenant)
    statuses = _together(app, *(("POST", api(gr.slug, f"/participants/{p['id']}/assignments"), gr.coach,
                                 assignment_body(task["id"])) for p in (a, b)))
    assert sorted(statuses) == [201, 409], statuses
    assert counts(owner_engine, gr.tenant)["assignments"] == before["assignments"] + 1
    assert get_task(client, gr, task["id"])["taken_places"] == 1


@pytest.mark.postgres_only
def test_two_tasks_for_one_participant_at_once_stay_within_the_contract(app, gr, owner_engine):
    client = app.test_client()
    first, second = approved_task(client, gr), approved_task(client, gr)
    p = begin(client, gr, hours_per_week="32")
    url = api(gr.slug, f"/participants/{p['id']}/assignments")
    statuses = _together(app, ("POST", url, gr.coach, assignment_body(first["id"], hours_per_week="20")),
                         ("POST", url, gr.coach, assignment_body(second["id"], hours_per_week="20")))
    assert sorted(statuses) == [201, 422], statuses
    assert Decimal(package(client, gr, p["id"])["hours"]) == 20


@pytest.mark.postgres_only
def test_a_rejection_while_an_assignment_is_added_leaves_nobody_on_the_rejected_task(app, gr, monkeypatch):
    """Deterministic: the assignment's request is held just before it locks the task, the rejection runs
    meanwhile, then the assignment goes on."""
    client = app.test_client()
    task = approved_task(client, gr, checked_on=_days(-60))
    p = begin(client, gr)
    paused, resume = threading.Event(), threading.Event()
    original = locking.lock
    adder: dict = {}

    def held_lock(session, model, row_id):
        if model is Task and threading.current_thread() is adder.get("thread"):
            paused.set()
            assert resume.wait(30)
        return original(session, model, row_id)

    monkeypatch.setattr(locking, "lock", held_lock)
    results: dict = {}

    def add():
        results["add"] = app.test_client().post(api(gr.slug, f"/participants/{p['id']}/assignments"),
                                                headers=gr.coach, json=assignment_body(task["id"])).status_code

    adder["thread"] = thread = threading.Thread(target=add)
    thread.start()
    try:
        assert paused.wait(30)
        rejection = client.post(api(gr.slug, f"/tasks/{task['id']}/displacement-checks"), headers=gr.coach,
                                json=check_body(verdict="rejected", done_by_paid_staff=True, reasons="Vacature."))
    finally:
        resume.set()
        thread.join(30)
    shown = get_task(client, gr, task["id"])
    running = package(client, gr, p["id"])["running"]
    # Either the rejection sees the assignment (409) or the assignment sees the rejection (422).
    assert (rejection.status_code, results.get("add")) in ((409, 201), (201, 422)), (
        rejection.status_code, results, shown["status"], shown["latest_check"], len(running))
    assert not (shown["latest_check"]["verdict"] == "rejected" and running), (shown, running)
    assert shown["status"] == ("closed" if shown["latest_check"]["verdict"] == "rejected" else "active")
