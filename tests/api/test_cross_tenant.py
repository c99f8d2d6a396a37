"""No tenant reaches another: every tenant-scoped route and method, enumerated from the url_map.

A new endpoint under /api/v1/t/<tenant> is covered without touching this file. Its uuid path parameters
are filled with ids of the other tenant's real rows (found by the parameter's name: `<thing>_id` ->
the tenant-owned table for `<thing>`), so the test also proves those rows are not reachable.
"""

from __future__ import annotations

import json
import re
import uuid

import pytest
from sqlalchemy import select
from werkzeug.routing import UUIDConverter

from basisbaan.api.context import TENANT_PREFIX, declared_permission
from basisbaan.auth.permissions import allowed
from basisbaan.extensions import db
from basisbaan.models import ROLES
from tests.conftest import auth
from tests.employment_helpers import contract_body, started_candidate

SKIPPED_METHODS = {"HEAD", "OPTIONS"}
PROBE_BODY = {"name": "Leaked"}
TEXT_COLUMNS = {"name", "description", "area", "cbs_code", "given_names", "family_name", "bsn_last3", "author",
                "note", "title", "reasons", "certificate_number"}
# Query strings for GET routes that need one (the control requests of the victim's own users).
QUERIES = {"funnel": {"from": "2020-01-01", "to": "2030-01-01"},
           "absence-rate": {"from": "2020-01-01", "to": "2030-01-01"},
           "coaching-hours": {"from": "2020-01-01", "to": "2030-01-01"},
           "wellbeing-change": {"from": "2020-01-01", "to": "2030-01-01"},
           "/costs": {"from": "2023-01-01", "to": "2024-01-01"},
           "budget": {"from_year": 2023, "to_year": 2024},
           "kpis": {"as_of": "2023-06-01"},
           "/reports/": {"as_of": "2023-06-01"}}
# Path parameters whose table is not named after them.
TABLE_OF_PARAM = {"debt_id": "debt_support", "source_id": "funding_sources", "snapshot_id": "report_snapshots"}


def tenant_routes(app):
    """(rule, method) for every method of every rule under the tenant prefix."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule == TENANT_PREFIX or rule.rule.startswith(TENANT_PREFIX + "/"):
            for method in sorted(rule.methods - SKIPPED_METHODS):
                found.append((rule, method))
    return found


def test_the_enumeration_finds_the_known_routes(app):
    routes = {(rule.rule, method) for rule, method in tenant_routes(app)}
    assert {
        ("/api/v1/t/<tenant>", "GET"),
        ("/api/v1/t/<tenant>/neighbourhoods", "GET"),
        ("/api/v1/t/<tenant>/neighbourhoods", "POST"),
        ("/api/v1/t/<tenant>/neighbourhoods/<uuid:neighbourhood_id>", "GET"),
        ("/api/v1/t/<tenant>/organisations", "GET"),
        ("/api/v1/t/<tenant>/organisations", "POST"),
        ("/api/v1/t/<tenant>/organisations/<uuid:organisation_id>", "GET"),
    } <= routes


def _table_for(param: str):
    """The tenant-owned table a `<thing>_id` parameter points into."""
    assert param.endswith("_id"), f"uuid path parameter {param!r}: name it <thing>_id"
    stem = param[: -len("_id")]
    names = {TABLE_OF_PARAM[param]} if param in TABLE_OF_PARAM else {stem, stem + "s", stem + "es", stem[:-1] + "ies"}
    candidates = [t for t in db.metadata.sorted_tables if "tenant_id" in t.c and t.name in names]
    assert len(candidates) == 1, f"no single tenant-owned table for path parameter {param!r}"
    return candidates[0]


def _snapshot(owner_engine, tenant_id) -> dict:
    """Everything a tenant has, read as the owner: ids and text values per table."""
    snapshot = {}
    with owner_engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            if "tenant_id" not in table.c:
                continue
            rows = conn.execute(select(table).where(table.c.tenant_id == tenant_id)).mappings().all()
            snapshot[table.name] = [dict(r) for r in rows]
    return snapshot


def _secrets(snapshot: dict, tenant) -> set[str]:
    """Strings that must never appear in another tenant's response."""
    values = {str(tenant.id), tenant.id.hex}
    for rows in snapshot.values():
        for row in rows:
            for key, value in row.items():
                if key == "id" and value is not None and not isinstance(value, int):
                    ident = uuid.UUID(str(value))
                    values |= {str(ident), ident.hex}
                elif key in TEXT_COLUMNS and isinstance(value, str) and len(value) > 3:
                    values.add(value)
    return values


def role_for(app, rule, method) -> str:
    """A role that has the permission the route declares (so a 404 comes from tenancy, not from the role)."""
    with app.app_context():
        permission = declared_permission(rule.endpoint, method)
    assert permission, f"{method} {rule.rule} declares no permission"
    return next(role for role in ROLES if allowed({role}, permission))


class RoleTokens(dict):
    """slug -> {role: token}; `tokens[slug]` alone is the admin's token."""

    def __getitem__(self, slug):
        return dict.__getitem__(self, slug)["admin"]

    def role(self, slug, role):
        return dict.__getitem__(self, slug)[role]


@pytest.fixture
def world(app, client, make_tenant, make_token, owner_engine):
    """Two municipalities with reference data, a candidate of their own and one participant (with one contract,
    one absence and one assignment of the one task, so that every `<thing>_id` of a route belongs together),
    and a token per role for each."""
    tenants = {"groningen": make_tenant("groningen"), "tilburg": make_tenant("tilburg")}
    tokens = RoleTokens({slug: {role: make_token(t, role) for role in ROLES} for slug, t in tenants.items()})
    data = {"groningen": ("Beijum", "Buurtcentrum Beijum", "111222333"),
            "tilburg": ("Reeshof", "Buurthuis Reeshof", "123456782")}
    for slug, (neighbourhood, organisation, bsn) in data.items():
        headers = auth(tokens[slug])
        created = client.post(f"/api/v1/t/{slug}/neighbourhoods", headers=headers,
                              json={"name": neighbourhood, "cbs_code": "WK001412", "area": f"Area of {slug}"})
        assert created.status_code == 201, created.json
        response = client.post(f"/api/v1/t/{slug}/organisations", headers=headers,
                               json={"name": organisation, "is_host": True, "neighbourhood_id": created.json["id"],
                                     "description": f"Described for {slug}", "is_employer": True})
        assert response.status_code == 201, response.json
        coach = auth(tokens.role(slug, "coach"))
        candidate = client.post(f"/api/v1/t/{slug}/candidates", headers=coach, json={
            "given_names": "Kandidaat", "family_name": f"Van {neighbourhood}", "bsn": bsn,
            "referral_source": "self", "referral_date": "2023-01-02", "neighbourhood_id": created.json["id"]})
        assert candidate.status_code == 201, candidate.json
        talk = client.post(f"/api/v1/t/{slug}/candidates/{candidate.json['id']}/conversations", headers=coach,
                           json={"held_on": "2023-01-05", "notes": f"Notes of {slug}"})
        assert talk.status_code == 201, talk.json
        employer_id = response.json["id"]  # the one organisation also employs (listings count one)
        started = client.post(f"/api/v1/t/{slug}/participants", headers=coach, json={
            "candidate_id": started_candidate(client, coach, slug, family_name=f"Deelnemer {neighbourhood}"),
            "started_on": "2023-01-01", "contract": contract_body(employer_id)})
        assert started.status_code == 201, started.json
        participant = f"/api/v1/t/{slug}/participants/{started.json['id']}"
        [contract] = client.get(f"{participant}/contracts", headers=coach).json
        changed = client.patch(f"{participant}/contracts/{contract['id']}", headers=coach, json={
            "version": contract["version"], "valid_from": "2023-06-01", "hours_per_week": "24",
            "note": f"Fewer hours in {neighbourhood}"})
        assert changed.status_code == 200, changed.json
        report = client.post(f"{participant}/contracts/{contract['id']}/performance-reports", headers=coach, json={
            "written_on": "2023-11-01", "author": f"Coach of {neighbourhood}", "advice": "renew",
            "summary": f"Report of {slug}"})
        assert report.status_code == 201, report.json
        absence = client.post(f"{participant}/absences", headers=coach, json={"start_on": "2023-03-01"})
        assert absence.status_code == 201, absence.json
        step = client.post(f"{participant}/absences/{absence.json['id']}/gatekeeper-steps", headers=coach,
                           json={"step": "problem_analysis", "done_on": "2023-03-10"})
        assert step.status_code == 201, step.json
        # The work: a task at the host, its passed displacement check, and the task in the participant's package.
        task = client.post(f"/api/v1/t/{slug}/tasks", headers=coach, json={
            "title": f"Taak in {neighbourhood}", "description": f"Task of {slug}", "category": "hosting",
            "host_organisation_id": employer_id, "neighbourhood_id": created.json["id"], "hours_per_week": "8",
            "places": 2, "source": "neighbourhood_organisation"})
        assert task.status_code == 201, task.json
        check = client.post(f"/api/v1/t/{slug}/tasks/{task.json['id']}/displacement-checks", headers=coach, json={
            "checked_on": "2023-01-15", "done_by_paid_staff": False, "host_would_hire": False,
            "done_by_volunteers": False, "is_additional": True, "verdict": "approved",
            "reasons": f"Checked in {neighbourhood}"})
        assert check.status_code == 201, check.json
        assignment = client.post(f"{participant}/assignments", headers=coach, json={
            "task_id": task.json["id"], "hours_per_week": "8", "days": ["tue"], "start_on": "2023-02-01",
            "end_on": "2023-05-31", "note": f"Assigned in {neighbourhood}"})
        assert assignment.status_code == 201, assignment.json
        # Support: a coaching session, debt support (with encrypted notes) and a training with a certificate.
        session = client.post(f"/api/v1/t/{slug}/coaching-sessions", headers=coach, json={
            "participant_id": started.json["id"], "held_on": "2023-02-15", "kind": "income_wellbeing",
            "hours": "1.25"})
        assert session.status_code == 201, session.json
        debt = client.post(f"{participant}/support/debt", headers=coach, json={
            "kind": "credit_bank", "referred_on": "2023-02-20", "notes": f"Debts in {neighbourhood}"})
        assert debt.status_code == 201, debt.json
        training = client.post(f"{participant}/support/trainings", headers=coach, json={
            "kind": "first_aid", "name": f"BHV in {neighbourhood}", "started_on": "2023-03-01",
            "completed_on": "2023-03-02", "certificate_number": f"CERT-{slug}-001",
            "certificate_valid_until": "2025-03-02"})
        assert training.status_code == 201, training.json
        # Matching and wellbeing: the participant's and the candidate's work profile, and two measurements.
        profile = client.put(f"{participant}/work-profile", headers=coach, json={
            "preferred_categories": ["hosting"], "limitations": ["lifting"]})
        assert profile.status_code == 200, profile.json
        profile = client.put(f"/api/v1/t/{slug}/candidates/{candidate.json['id']}/work-profile", headers=coach,
                             json={"available_days": ["mon"]})
        assert profile.status_code == 200, profile.json
        domains = client.get(f"{participant}/wellbeing", headers=coach).json["instrument"]["domains"]
        for day, score in (("2023-01-15", 2), ("2023-07-15", 4)):
            measured = client.post(f"{participant}/wellbeing", headers=coach, json={
                "measured_on": day, "scores": {d["code"]: score for d in domains}})
            assert measured.status_code == 201, measured.json
        # Financing: a wage value, a funding source with an allocation, a saved scenario.
        valued = client.post(f"{participant}/wage-values", headers=coach, json={
            "assessed_on": "2023-03-01", "wage_value_percent": "45", "assessor": f"Assessor {slug}"})
        assert valued.status_code == 201, valued.json
        finance = auth(tokens.role(slug, "finance"))
        source = client.post(f"/api/v1/t/{slug}/funding-sources", headers=finance, json={
            "name": f"Subsidie {neighbourhood}", "kind": "grant", "amount": "10000", "start_on": "2023-01-01",
            "conditions": f"Conditions of {slug}", "earmark": f"Earmark of {slug}"})
        assert source.status_code == 201, source.json
        allocated = client.post(f"/api/v1/t/{slug}/funding-sources/{source.json['id']}/allocations", headers=finance,
                                json={"year": 2023, "amount": "2500", "note": f"Note of {slug}"})
        assert allocated.status_code == 201, allocated.json
        forecast = client.post(f"/api/v1/t/{slug}/forecasts", headers=finance, json={
            "name": f"Scenario {neighbourhood}", "description": f"Plan of {slug}",
            "parameters": {"start_year": 2024, "end_year": 2025, "growth_per_year": 2}})
        assert forecast.status_code == 201, forecast.json
        frozen = client.post(f"/api/v1/t/{slug}/report-snapshots", headers=finance,
                             json={"format": "kpi-overview", "as_of": "2023-06-01"})
        assert frozen.status_code == 201, frozen.json
    return tenants, tokens


def _url(rule, tenant_slug, owner_engine, tenant_id) -> str:
    values = {}
    for name in rule.arguments:
        if name == "tenant":
            values[name] = tenant_slug
            continue
        if name == "format_id":  # report formats are named, not rows: the core's exist for every tenant
            values[name] = "kpi-overview"
            continue
        converter = rule._converters[name]
        assert isinstance(converter, UUIDConverter), (
            f"{rule.rule}: path parameter {name!r} is not a uuid; extend this test to fill it")
        table = _table_for(name)
        with owner_engine.connect() as conn:
            row_id = conn.execute(select(table.c.id).where(table.c.tenant_id == tenant_id)
                                  .order_by(table.c.id).limit(1)).scalar()
        assert row_id is not None, f"the test data has no {table.name} row of {tenant_slug}; add one"
        values[name] = uuid.UUID(str(row_id))
    path = rule.rule
    for name, value in values.items():
        path = re.sub(r"<(?:[^<>:]+:)?" + re.escape(name) + ">", str(value), path)
    assert "<" not in path, path
    return path


@pytest.mark.parametrize("attacker, victim", [("tilburg", "groningen"), ("groningen", "tilburg")])
def test_another_tenants_token_gets_404_on_every_route(app, client, owner_engine, world, attacker, victim):
    tenants, tokens = world
    victim_tenant = tenants[victim]
    routes = tenant_routes(app)
    assert routes
    # Control: the victim's own users reach the same URLs (so the ids are real and reachable).
    for rule, method in routes:
        if method == "GET":
            url = _url(rule, victim, owner_engine, victim_tenant.id)
            own = client.get(url, headers=auth(tokens.role(victim, role_for(app, rule, method))),
                             query_string=next((q for part, q in QUERIES.items() if part in url), None))
            assert own.status_code == 200, (url, own.status_code, own.json)
    before = _snapshot(owner_engine, victim_tenant.id)
    secrets = _secrets(before, victim_tenant)
    assert any("Beijum" in s or "Reeshof" in s for s in secrets)  # the check below has teeth
    for table in ("participants", "contracts", "contract_versions", "performance_reports", "absences",
                  "gatekeeper_steps", "tasks", "displacement_checks", "assignments", "coaching_sessions",
                  "debt_support", "trainings"):
        assert before[table], f"the test data has no {table} row of {victim}"
    checked = []
    for rule, method in routes:
        url = _url(rule, victim, owner_engine, victim_tenant.id)
        token = tokens.role(attacker, role_for(app, rule, method))
        response = client.open(url, method=method, headers=auth(token), json=PROBE_BODY)
        assert response.status_code == 404, (method, url, response.status_code, response.json)
        body = response.json
        assert set(body) == {"code", "status", "message", "errors"}
        assert body["code"] == "not_found" and body["status"] == 404 and body["errors"] == {}
        text_body = response.get_data(as_text=True)
        leaked = [s for s in secrets if s in text_body]
        assert not leaked, (method, url, leaked)
        assert victim not in text_body.lower()
        checked.append((method, rule.rule))
    assert len(checked) == len(routes)
    # Nothing was written to the victim's data.
    assert _snapshot(owner_engine, victim_tenant.id) == before


def test_another_tenants_ids_are_not_reachable_on_ones_own_url(app, client, owner_engine, world):
    """Tilburg on Tilburg's own URLs with Groningen's ids: answered exactly as for ids that do not exist."""
    tenants, tokens = world
    victim = tenants["groningen"]
    before = _snapshot(owner_engine, victim.id)
    secrets = _secrets(before, victim)
    with_ids = [(rule, method) for rule, method in tenant_routes(app)
                if any(isinstance(rule._converters[name], UUIDConverter) for name in set(rule.arguments) - {"tenant"})]
    assert with_ids
    for rule, method in with_ids:
        url = _url(rule, "groningen", owner_engine, victim.id).replace("/t/groningen", "/t/tilburg", 1)
        unknown = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", str(uuid.uuid4()), url)
        token = auth(tokens.role("tilburg", role_for(app, rule, method)))
        query = next((q for part, q in QUERIES.items() if part in url), None)  # a valid query, so the id decides
        response = client.open(url, method=method, headers=token, json=PROBE_BODY, query_string=query)
        nonexistent = client.open(unknown, method=method, headers=token, json=PROBE_BODY, query_string=query)
        assert response.status_code in (404, 422), (method, url, response.status_code, response.json)
        assert (response.status_code, response.json) == (nonexistent.status_code, nonexistent.json), url
        assert set(response.json) == {"code", "status", "message", "errors"}
        assert not [s for s in secrets if s in response.get_data(as_text=True)]
        if method == "GET":
            assert response.status_code == 404
    assert _snapshot(owner_engine, victim.id) == before


def test_listings_show_only_the_tenants_own_rows(client, world):
    _, tokens = world
    for slug, own, other in (("groningen", "Beijum", "Reeshof"), ("tilburg", "Reeshof", "Beijum")):
        for resource in ("neighbourhoods", "organisations", "tasks"):
            response = client.get(f"/api/v1/t/{slug}/{resource}?page_size=100", headers=auth(tokens[slug]))
            assert response.status_code == 200
            names = " ".join(item.get("name") or item["title"] for item in response.json)
            assert own in names and other not in names
            assert json.loads(response.headers["X-Pagination"])["total"] == 1
