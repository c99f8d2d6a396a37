"""Every tenant-scoped view x every role: 403 exactly when the role lacks the view's declared permission.

Views and their permissions are read from the app (url_map -> view class -> method -> `permission`, set
by `basisbaan.api.context.require`), roles from `basisbaan.models.ROLES`, the expected answer from
`basisbaan.auth.permissions.PERMISSIONS`. A new view is covered without touching this file.
"""

from __future__ import annotations

import io
import itertools
import re
from datetime import date, timedelta

import pytest
from flask.views import MethodView

from basisbaan.api.context import TENANT_PREFIX, require
from basisbaan.auth.permissions import PERMISSIONS, allowed
from basisbaan.extensions import db
from basisbaan.models import ROLES
from basisbaan.models.employment import GATEKEEPER_STEPS
from basisbaan.services import tenants as tenant_service
from basisbaan.services import tokens as token_service
from basisbaan.services.audit import Actor
from basisbaan.tenancy import tenant_scope
from tests.conftest import auth, make_app
from tests.employment_helpers import coaching, contract_body, employer, started_candidate

SKIPPED_METHODS = {"HEAD", "OPTIONS"}
_counter = itertools.count()


def tenant_views(app):
    """(rule, method, permission or None) for every tenant-scoped view method of `app`."""
    found = []
    for rule in app.url_map.iter_rules():
        if not (rule.rule == TENANT_PREFIX or rule.rule.startswith(TENANT_PREFIX + "/")):
            continue
        view = app.view_functions[rule.endpoint]
        view_class = getattr(view, "view_class", None)
        for method in sorted(rule.methods - SKIPPED_METHODS):
            handler = getattr(view_class, method.lower(), None) if view_class else view
            found.append((rule, method, getattr(handler, "permission", None)))
    return found


def undeclared(app):
    return [(rule.rule, method) for rule, method, permission in tenant_views(app)
            if permission not in PERMISSIONS]


def test_every_tenant_view_declares_a_known_permission(app):
    views = tenant_views(app)
    assert len(views) >= 7
    assert not undeclared(app), "views without a permission from basisbaan.auth.permissions.PERMISSIONS"


def test_the_declaration_check_catches_a_view_without_a_permission(database, registry):
    """The check above is not vacuous: a view under the tenant prefix without `require` is reported."""
    probe = make_app(database, registry)

    class Undeclared(MethodView):
        def get(self, tenant):  # pragma: no cover - never called
            return {}

    class Misspelt(MethodView):
        @require("reference.raed")
        def get(self, tenant):  # pragma: no cover - never called
            return {}

    probe.add_url_rule(f"{TENANT_PREFIX}/probe", view_func=Undeclared.as_view("probe_undeclared"))
    probe.add_url_rule(f"{TENANT_PREFIX}/probe2", view_func=Misspelt.as_view("probe_misspelt"))
    probe.add_url_rule(f"{TENANT_PREFIX}/probe3", "probe_plain", lambda tenant: {})
    assert set(undeclared(probe)) == {(f"{TENANT_PREFIX}/probe", "GET"), (f"{TENANT_PREFIX}/probe2", "GET"),
                                      (f"{TENANT_PREFIX}/probe3", "GET")}


def test_every_permission_has_at_least_one_role_and_only_known_roles():
    for permission, roles in PERMISSIONS.items():
        assert roles, permission
        assert roles <= set(ROLES), (permission, roles - set(ROLES))
    assert allowed(ROLES, "no.such.permission") is False


def _jobcoach_token(app, tenant, organisation_id: str) -> str:
    """A job coach's token bound to a coaching organisation, so that it sees that organisation's participants."""
    with app.app_context():
        found = tenant_service.get_by_slug(db.session, tenant.slug)
        with tenant_scope(db.session, found.id):
            issued = token_service.create(db.session, found, role="jobcoach", name="test-jobcoach", days=30,
                                          max_days=366, actor=Actor.system("test"), organisation=organisation_id)
        db.session.commit()
        db.session.remove()
    return issued.plaintext


@pytest.fixture
def setup(app, client, make_tenant, make_token):
    groningen = make_tenant("groningen")
    tokens = {role: make_token(groningen, role) for role in ROLES}
    admin = auth(tokens["admin"])
    neighbourhood = client.post("/api/v1/t/groningen/neighbourhoods", headers=admin, json={"name": "Beijum"})
    organisation = client.post("/api/v1/t/groningen/organisations", headers=admin, json={"name": "Thermiek BV"})
    assert neighbourhood.status_code == organisation.status_code == 201
    coach = auth(tokens["coach"])
    candidate = client.post("/api/v1/t/groningen/candidates", headers=coach, json={
        "given_names": "Sam", "family_name": "Matrix", "referral_source": "self", "referral_date": "2023-01-01"})
    assert candidate.status_code == 201, candidate.json
    ids = {"neighbourhood_id": neighbourhood.json["id"], "organisation_id": organisation.json["id"],
           "candidate_id": candidate.json["id"]}
    # Employment: a participant coached by the job coach's organisation (a job coach sees no others), with a
    # temporary contract for 2023 and an absence in December; a second started candidate to start employment
    # with; a second participant on a permanent contract from 2025 for the CAO transition of 2025-06-01.
    coaching_organisation = coaching(client, admin, "groningen", "Begeleidende partij Noord")
    tokens["jobcoach"] = _jobcoach_token(app, groningen, coaching_organisation)
    employer_id = employer(client, admin, "groningen", "Stadsbedrijf")

    def start(started_on, **contract):
        response = client.post("/api/v1/t/groningen/participants", headers=coach, json={
            "candidate_id": started_candidate(client, coach, "groningen"), "started_on": started_on,
            "coaching_organisation_id": coaching_organisation, "contract": contract_body(employer_id, **contract)})
        assert response.status_code == 201, response.json
        return response.json["id"]

    participant = start("2023-01-01", end_on="2023-12-31")
    start("2025-01-01", kind="permanent", end_on=None)
    base = f"/api/v1/t/groningen/participants/{participant}"
    contract = client.get(f"{base}/contracts", headers=coach).json[0]["id"]
    absence = client.post(f"{base}/absences", headers=coach, json={"start_on": "2023-12-01", "end_on": "2023-12-05"})
    assert absence.status_code == 201, absence.json
    # The work: a task that passed its displacement check, in the participant's package for part of 2023.
    task = client.post("/api/v1/t/groningen/tasks", headers=coach, json={
        "title": "Matrix taak", "category": "other", "hours_per_week": "8", "places": 5, "source": "area_team"})
    assert task.status_code == 201, task.json
    check = client.post(f"/api/v1/t/groningen/tasks/{task.json['id']}/displacement-checks", headers=coach,
                        json=_check_body("2023-01-15"))
    assert check.status_code == 201, check.json
    assignment = client.post(f"{base}/assignments", headers=coach, json={
        "task_id": task.json["id"], "hours_per_week": "8", "start_on": "2023-02-01", "end_on": "2023-06-30"})
    assert assignment.status_code == 201, assignment.json
    # Support: a coaching session, a referral to the credit bank and a training of the participant.
    session = client.post("/api/v1/t/groningen/coaching-sessions", headers=coach, json={
        "participant_id": participant, "held_on": "2023-03-01", "kind": "work", "hours": "1.5"})
    assert session.status_code == 201, session.json
    debt = client.post(f"{base}/support/debt", headers=coach, json={"kind": "credit_bank", "referred_on": "2023-03-01"})
    assert debt.status_code == 201, debt.json
    training = client.post(f"{base}/support/trainings", headers=coach, json={
        "kind": "first_aid", "name": "BHV Matrix", "started_on": "2023-03-01"})
    assert training.status_code == 201, training.json
    # Financing: a funding source (with an allocation) and a saved scenario.
    source = client.post("/api/v1/t/groningen/funding-sources", headers=admin, json={
        "name": "NPG", "kind": "grant", "amount": "200000", "start_on": "2023-10-01", "end_on": "2025-12-31"})
    assert source.status_code == 201, source.json
    forecast = client.post("/api/v1/t/groningen/forecasts", headers=admin, json={
        "name": "Groei", "parameters": {"start_year": 2024, "end_year": 2025, "growth_per_year": 5}})
    assert forecast.status_code == 201, forecast.json
    snapshot = client.post("/api/v1/t/groningen/report-snapshots", headers=admin,
                           json={"format": "kpi-overview", "as_of": "2023-06-01"})
    assert snapshot.status_code == 201, snapshot.json
    ids.update({"source_id": source.json["id"], "forecast_id": forecast.json["id"], "snapshot_id": snapshot.json["id"]})
    ids.update({"participant_id": participant, "contract_id": contract, "absence_id": absence.json["id"],
                "employer_id": employer_id, "started_candidate_id": started_candidate(client, coach, "groningen"),
                "task_id": task.json["id"], "assignment_id": assignment.json["id"],
                "coaching_session_id": session.json["id"], "debt_id": debt.json["id"],
                "training_id": training.json["id"], "_client": client, "_coach": coach})
    return tokens, ids


def _check_body(checked_on: str) -> dict:
    """A passed displacement check."""
    return {"checked_on": checked_on, "done_by_paid_staff": False, "host_would_hire": False,
            "done_by_volunteers": False, "is_additional": True, "verdict": "approved", "reasons": "Extra werk."}


def _url(rule, ids) -> str:
    path = rule.rule
    for name in rule.arguments:
        value = "groningen" if name == "tenant" else "kpi-overview" if name == "format_id" else ids.get(name)
        assert value is not None, f"{rule.rule}: add a real id for {name!r} to the setup fixture"
        path = re.sub(r"<(?:[^<>:]+:)?" + re.escape(name) + ">", value, path)
    return path


# Valid requests per route, so that allowed roles really succeed (a unique name so creating works twice).
BODIES = {
    ("/candidates", "POST"): lambda n: {"given_names": "Kim", "family_name": f"Matrix {n}",
                                        "referral_source": "self", "referral_date": "2023-01-01"},
    ("/candidates/<uuid:candidate_id>", "PATCH"): lambda n: {"phone": f"06{n:08d}"},
    ("/candidates/<uuid:candidate_id>/conversations", "POST"): lambda n: {"held_on": "2023-01-10"},
    ("/candidates/<uuid:candidate_id>/decision", "POST"): lambda n: {"outcome": "on_hold", "decided_on": "2023-01-11"},
    ("/tasks", "POST"): lambda n: {"title": f"Matrix {n}", "category": "other", "hours_per_week": "4",
                                   "source": "area_team"},
    ("/report-snapshots", "POST"): lambda n: {"format": "kpi-overview", "as_of": "2023-06-01",
                                              "lang": "en" if n % 2 else "nl"},
    ("/funding-sources", "POST"): lambda n: {"name": f"Bron {n}", "kind": "agreement", "amount": "5000",
                                             "start_on": "2024-01-01", "funder": "Woningcorporatie"},
    ("/forecasts", "POST"): lambda n: {"name": f"Scenario {n}", "parameters": {
        "start_year": 2024, "end_year": 2026, "growth_per_year": 10, "target": 100}},
    ("/participants/<uuid:participant_id>/wage-values", "POST"): lambda n: {
        "assessed_on": "2023-06-01", "wage_value_percent": str(40 + n % 20), "assessor": "UWV"},
    ("/funding-sources/<uuid:source_id>/allocations", "POST"): lambda n: {"year": 2024, "amount": "100"},
}
QUERIES = {("/funnel", "GET"): {"from": "2023-01-01", "to": "2024-01-01"},
           ("/absence-rate", "GET"): {"from": "2023-01-01", "to": "2024-01-01"},
           ("/coaching-hours", "GET"): {"from": "2023-01-01", "to": "2024-01-01"},
           ("/cao-terms", "GET"): {"cao": "cao_sw", "on": "2024-01-01"},
           ("/wellbeing-change", "GET"): {"from": "2023-01-01", "to": "2024-01-01"},
           ("/participants/<uuid:participant_id>/costs", "GET"): {"from": "2023-01-01", "to": "2024-01-01"},
           ("/costs", "GET"): {"from": "2023-01-01", "to": "2024-01-01", "group_by": "month"},
           ("/budget", "GET"): {"from_year": 2023, "to_year": 2024},
           ("/kpis", "GET"): {"as_of": "2023-06-01"},
           ("/reports/<string:format_id>", "GET"): {"as_of": "2023-06-01"}}
MULTIPART = {("/candidates/import", "POST"): lambda n: {
    "file": (io.BytesIO(f"voornamen;achternaam\nKim;Import {n}\n".encode()), "candidates.csv"), "dry_run": "true"}}


def _read(ids, path: str):
    """GET a participant's resource as the coach (changes need the `version` last read)."""
    response = ids["_client"].get(f"/api/v1/t/groningen/participants/{ids['participant_id']}{path}",
                                  headers=ids["_coach"])
    assert response.status_code == 200, response.json
    return response.json


def _task_version(ids) -> int:
    response = ids["_client"].get(f"/api/v1/t/groningen/tasks/{ids['task_id']}", headers=ids["_coach"])
    assert response.status_code == 200, response.json
    return response.json["version"]


def _support_version(ids, part: str, key: str) -> int:
    return next(row for row in _read(ids, "/support")[part] if row["id"] == ids[key])["version"]


def _absence_version(ids) -> int:
    return next(a for a in _read(ids, "/absences") if a["id"] == ids["absence_id"])["version"]


def _one_day(n: int) -> dict:
    """A one-day absence on a day of its own within the 2023 contract (before the December absence)."""
    day = (date(2023, 1, 2) + timedelta(days=n % 300)).isoformat()
    return {"start_on": day, "end_on": day}


# Employment routes, valid whatever ran before them: every allowed role may call each once. The exit is dated
# late (2030) so that contracts, absences and changes dated earlier stay possible after it; the transition
# moves only the permanent contract of 2025 (the others ended before its date).
ID_BODIES = {
    ("/participants", "POST"): lambda n, ids: {
        "candidate_id": ids["started_candidate_id"], "started_on": "2023-02-01",
        "contract": contract_body(ids["employer_id"], end_on="2023-12-31")},
    ("/participants/<uuid:participant_id>", "PATCH"): lambda n, ids: {"version": _read(ids, "")["version"]},
    ("/participants/<uuid:participant_id>/contracts", "POST"): lambda n, ids: contract_body(
        ids["employer_id"], start_on="2024-01-01", end_on="2024-12-31",
        performance_report={"written_on": "2023-11-15", "author": "Coach", "advice": "renew"}),
    ("/participants/<uuid:participant_id>/contracts/<uuid:contract_id>", "PATCH"): lambda n, ids: {
        "version": _read(ids, f"/contracts/{ids['contract_id']}")["version"], "valid_from": "2023-06-01",
        "hours_per_week": "36"},
    ("/participants/<uuid:participant_id>/contracts/<uuid:contract_id>/performance-reports", "POST"): lambda n, ids: {
        "written_on": "2023-11-01", "author": "Coach", "advice": "renew"},
    ("/participants/<uuid:participant_id>/absences", "POST"): lambda n, ids: _one_day(n),
    ("/participants/<uuid:participant_id>/absences/<uuid:absence_id>", "PATCH"): lambda n, ids: {
        "version": _absence_version(ids), "percentage": str(50 + n % 40)},
    ("/participants/<uuid:participant_id>/absences/<uuid:absence_id>/gatekeeper-steps", "POST"): lambda n, ids: {
        "step": GATEKEEPER_STEPS[n % len(GATEKEEPER_STEPS)], "done_on": "2023-12-02"},
    ("/participants/<uuid:participant_id>/exit", "POST"): lambda n, ids: {"date": "2030-12-31", "reason": "other"},
    ("/cao-transition/preview", "POST"): lambda n, ids: {"to_cao": "cao_aan_de_slag", "on": "2025-06-01"},
    ("/cao-transition", "POST"): lambda n, ids: {"to_cao": "cao_aan_de_slag", "on": "2025-06-01"},
    # The work: a change of the task and a (passed) re-check for the coach and the admin each; the coach adds
    # the task to the package again in July (no overlap with the assignment of the setup) and shortens that one.
    ("/tasks/<uuid:task_id>", "PATCH"): lambda n, ids: {"version": _task_version(ids), "title": f"Matrix taak {n}"},
    ("/tasks/<uuid:task_id>/displacement-checks", "POST"): lambda n, ids: _check_body("2023-01-20"),
    ("/participants/<uuid:participant_id>/assignments", "POST"): lambda n, ids: {
        "task_id": ids["task_id"], "hours_per_week": "8", "start_on": "2023-07-01", "end_on": "2023-07-31"},
    ("/participants/<uuid:participant_id>/assignments/<uuid:assignment_id>", "PATCH"): lambda n, ids: {
        "end_on": "2023-06-15"},
    # Support: work coaching (job coaches log it for their organisation's participants), debt support (the
    # municipal coach only) and training.
    ("/coaching-sessions", "POST"): lambda n, ids: {
        "participant_id": ids["participant_id"], "held_on": "2023-04-03", "kind": "work", "hours": "2"},
    ("/participants/<uuid:participant_id>/support/debt", "POST"): lambda n, ids: {
        "kind": "debt_counselling", "referred_on": "2023-05-01", "notes": f"Matrix {n}"},
    ("/participants/<uuid:participant_id>/support/debt/<uuid:debt_id>", "PATCH"): lambda n, ids: {
        "version": _support_version(ids, "debt_support", "debt_id"), "status": "active"},
    ("/participants/<uuid:participant_id>/support/trainings", "POST"): lambda n, ids: {
        "kind": "social_hygiene", "name": f"Sociale hygiëne {n}", "started_on": "2023-05-01"},
    ("/participants/<uuid:participant_id>/support/trainings/<uuid:training_id>", "PATCH"): lambda n, ids: {
        "version": _support_version(ids, "trainings", "training_id"), "name": f"BHV Matrix {n}"},
    # Work profiles (the version read, once one exists) and wellbeing on Groningen's five domains.
    ("/participants/<uuid:participant_id>/work-profile", "PUT"): lambda n, ids: {
        "version": _read(ids, "/work-profile")["version"], "preferred_categories": ["litter"],
        "limitations": ["lifting"] if n % 2 else []},
    ("/candidates/<uuid:candidate_id>/work-profile", "PUT"): lambda n, ids: {
        "version": _candidate_profile_version(ids), "available_days": ["mon", "tue"]},
    ("/funding-sources/<uuid:source_id>", "PATCH"): lambda n, ids: {
        "version": ids["_client"].get(f"/api/v1/t/groningen/funding-sources/{ids['source_id']}",
                                      headers=ids["_coach"]).json["version"], "earmark": f"Banen {n}"},
    ("/participants/<uuid:participant_id>/wellbeing", "POST"): lambda n, ids: {
        "measured_on": "2023-06-01", "scores": dict.fromkeys(GRONINGEN_DOMAINS, 1 + n % 5)},
}
GRONINGEN_DOMAINS = ("income", "savings", "debts", "social_contacts", "housing")


def _candidate_profile_version(ids) -> int | None:
    response = ids["_client"].get(f"/api/v1/t/groningen/candidates/{ids['candidate_id']}/work-profile",
                                  headers=ids["_coach"])
    assert response.status_code == 200, response.json
    return response.json["version"]


def _body(rule=None, method=None, ids=None):
    key = (rule.rule.removeprefix(TENANT_PREFIX), method) if rule is not None else None
    n = next(_counter)
    if key in ID_BODIES:
        assert ids is not None, key
        return ID_BODIES[key](n, ids)
    return BODIES[key](n) if key in BODIES else {"name": f"Matrix {n}"}


def _query(rule, method):
    return QUERIES.get((rule.rule.removeprefix(TENANT_PREFIX), method))


def test_permission_matrix(app, client, setup):
    tokens, ids = setup
    views = tenant_views(app)
    outcomes = []
    for (rule, method, permission), role in itertools.product(views, ROLES):
        url = _url(rule, ids)
        key = (rule.rule.removeprefix(TENANT_PREFIX), method)
        if key in MULTIPART:
            response = client.open(url, method=method, headers=auth(tokens[role]), data=MULTIPART[key](next(_counter)),
                                   content_type="multipart/form-data")
        else:
            response = client.open(url, method=method, headers=auth(tokens[role]), json=_body(rule, method, ids),
                                   query_string=_query(rule, method))
        expected_allowed = role in PERMISSIONS[permission]
        if expected_allowed:
            assert response.status_code not in (401, 403), (role, method, url, response.json)
            assert response.status_code < 400, (role, method, url, response.status_code, response.json)
        else:
            assert response.status_code == 403, (role, method, url, response.status_code, response.json)
            assert response.json["code"] == "forbidden"
        outcomes.append((role, method, rule.rule, expected_allowed))
    # Both sides of the matrix were exercised.
    assert any(o[3] for o in outcomes) and not all(o[3] for o in outcomes)


def test_forbidden_wins_over_a_bad_request(app, client, setup):
    """A role without the permission gets 403 whatever it sends: the role is checked before the body."""
    tokens, ids = setup
    for rule, method, permission in tenant_views(app):
        url = _url(rule, ids)
        for role in ROLES:
            if role in PERMISSIONS[permission]:
                continue
            response = client.open(url, method=method, headers=auth(tokens[role]), json=[{"bogus": True}])
            assert response.status_code == 403, (role, method, url, response.status_code, response.json)


def test_expected_matrix_for_the_current_views(app):
    """The matrix spelled out for today's views, so a change to PERMISSIONS is a deliberate one."""
    table = {(rule.rule.removeprefix(TENANT_PREFIX), method): permission
             for rule, method, permission in tenant_views(app)}
    assert table[("", "GET")] == "tenant.read"
    assert table[("/neighbourhoods", "GET")] == "reference.read"
    assert table[("/neighbourhoods", "POST")] == "reference.write"
    assert table[("/organisations/<uuid:organisation_id>", "GET")] == "reference.read"
    assert PERMISSIONS["reference.write"] == {"admin"}
    assert PERMISSIONS["tenant.read"] == set(ROLES)
    assert table[("/candidates", "GET")] == "candidates.read"
    assert table[("/candidates/<uuid:candidate_id>/bsn", "GET")] == "candidates.bsn"
    assert table[("/funnel", "GET")] == "funnel.view"
    # Candidates are personal data: coaches only; the funnel is an aggregate.
    for permission in ("candidates.read", "candidates.write", "candidates.bsn", "candidates.special"):
        assert PERMISSIONS[permission] == {"coach"}
    assert PERMISSIONS["funnel.view"] == {"coach", "admin", "viewer"}
    # Employment: participants and contracts for municipal coaches (job coaches read, and record absence, for
    # their own organisation's participants); the absence rate is an aggregate; the CAO transition is the admin's.
    participant = "/participants/<uuid:participant_id>"
    contract = f"{participant}/contracts/<uuid:contract_id>"
    absence = f"{participant}/absences/<uuid:absence_id>"
    assert {key: table[key] for key in table if key[0].startswith(("/participants", "/absence-rate", "/worklist",
                                                                   "/cao-"))} == {
        ("/participants", "GET"): "participants.read",
        ("/participants", "POST"): "participants.write",
        (participant, "GET"): "participants.read",
        (participant, "PATCH"): "participants.write",
        (f"{participant}/contracts", "GET"): "participants.read",
        (f"{participant}/contracts", "POST"): "contracts.write",
        (contract, "GET"): "participants.read",
        (contract, "PATCH"): "contracts.write",
        (f"{contract}/performance-reports", "POST"): "contracts.write",
        (f"{participant}/absences", "GET"): "absences.read",
        (f"{participant}/absences", "POST"): "absences.write",
        (absence, "PATCH"): "absences.write",
        (f"{absence}/gatekeeper-steps", "POST"): "absences.write",
        (f"{participant}/exit", "POST"): "participants.write",
        (f"{participant}/assignments", "GET"): "participants.read",
        (f"{participant}/assignments", "POST"): "assignments.write",
        (f"{participant}/assignments/<uuid:assignment_id>", "PATCH"): "assignments.write",
        (f"{participant}/support", "GET"): "support.read",
        (f"{participant}/support/debt", "POST"): "support.debt",
        (f"{participant}/support/debt/<uuid:debt_id>", "PATCH"): "support.debt",
        (f"{participant}/support/trainings", "POST"): "trainings.write",
        (f"{participant}/support/trainings/<uuid:training_id>", "PATCH"): "trainings.write",
        (f"{participant}/work-profile", "GET"): "work_profiles.read",
        (f"{participant}/work-profile", "PUT"): "work_profiles.write",
        (f"{participant}/matches", "GET"): "matching.view",
        (f"{participant}/wellbeing", "GET"): "wellbeing.read",
        (f"{participant}/wellbeing", "POST"): "wellbeing.write",
        (f"{participant}/costs", "GET"): "costs.participant",
        (f"{participant}/wage-values", "GET"): "costs.participant",
        (f"{participant}/wage-values", "POST"): "wage_values.write",
        ("/absence-rate", "GET"): "absence_rate.view",
        ("/worklist", "GET"): "worklist.view",
        ("/cao-terms", "GET"): "tenant.read",
        ("/cao-transition/preview", "POST"): "cao_transition.manage",
        ("/cao-transition", "POST"): "cao_transition.manage",
    }
    for permission in ("participants.write", "contracts.write"):
        assert PERMISSIONS[permission] == {"coach"}
    for permission in ("participants.read", "absences.read", "absences.write", "worklist.view"):
        assert PERMISSIONS[permission] == {"coach", "jobcoach"}
    assert PERMISSIONS["absence_rate.view"] == {"coach", "jobcoach", "admin", "viewer"}
    assert PERMISSIONS["cao_transition.manage"] == {"admin"}
    # The work: the task catalogue holds no personal data (every role reads it); coaches and admins keep it and
    # record displacement checks; only the municipal coach decides a participant's package (reading a package is
    # reading the participant).
    task = "/tasks/<uuid:task_id>"
    assert {key: table[key] for key in table if key[0].startswith("/tasks")} == {
        ("/tasks", "GET"): "tasks.read",
        ("/tasks", "POST"): "tasks.write",
        (task, "GET"): "tasks.read",
        (task, "PATCH"): "tasks.write",
        (f"{task}/displacement-checks", "GET"): "tasks.read",
        (f"{task}/displacement-checks", "POST"): "displacement.check",
        (f"{task}/matches", "GET"): "matching.view",
    }
    assert PERMISSIONS["tasks.read"] == set(ROLES)
    assert PERMISSIONS["tasks.write"] == PERMISSIONS["displacement.check"] == {"coach", "admin"}
    assert PERMISSIONS["assignments.write"] == {"coach"}
    # Support: coaching time for both kinds of coach (the average per participant-week is an aggregate every
    # role may see for the programme); debt support is special personal data, the municipal coach's only.
    assert {key: table[key] for key in table if key[0].startswith("/coaching")} == {
        ("/coaching-sessions", "GET"): "coaching.read",
        ("/coaching-sessions", "POST"): "coaching.write",
        ("/coaching-hours", "GET"): "coaching_hours.view",
    }
    for permission in ("coaching.read", "coaching.write", "support.read", "trainings.write"):
        assert PERMISSIONS[permission] == {"coach", "jobcoach"}
    assert PERMISSIONS["coaching_hours.view"] == set(ROLES)
    assert PERMISSIONS["support.debt"] == {"coach"}
    # Matching uses limitations (health-derived) and wellbeing scores include mental health: municipal coaches
    # only; job coaches read a work profile without the limitations. The programme's wellbeing change is an
    # aggregate for the roles that report (not job coaches: it stems from health data).
    candidate = "/candidates/<uuid:candidate_id>"
    assert {key: table[key] for key in table if key[0].startswith((f"{candidate}/work", f"{candidate}/matches",
                                                                   "/wellbeing"))} == {
        (f"{candidate}/work-profile", "GET"): "work_profiles.write",
        (f"{candidate}/work-profile", "PUT"): "work_profiles.write",
        (f"{candidate}/matches", "GET"): "matching.view",
        ("/wellbeing-change", "GET"): "wellbeing_change.view",
    }
    for permission in ("work_profiles.write", "work_profiles.limitations", "matching.view", "wellbeing.read",
                       "wellbeing.write"):
        assert PERMISSIONS[permission] == {"coach"}
    assert PERMISSIONS["work_profiles.read"] == {"coach", "jobcoach"}
    assert PERMISSIONS["wellbeing_change.view"] == {"coach", "admin", "viewer", "finance"}
    # Financing: a participant's cost card for finance and municipal coaches; programme figures, budgets and
    # scenarios for every reporting role (no personal details); finance and admins keep funding and scenarios.
    assert {key: table[key] for key in table if key[0].startswith(("/costs", "/funding", "/budget", "/forecasts",
                                                                   f"{participant}/costs", f"{participant}/wage"))} == {
        (f"{participant}/costs", "GET"): "costs.participant",
        (f"{participant}/wage-values", "GET"): "costs.participant",
        (f"{participant}/wage-values", "POST"): "wage_values.write",
        ("/costs", "GET"): "costs.view",
        ("/budget", "GET"): "costs.view",
        ("/funding-sources", "GET"): "funding.read",
        ("/funding-sources", "POST"): "funding.write",
        ("/funding-sources/<uuid:source_id>", "GET"): "funding.read",
        ("/funding-sources/<uuid:source_id>", "PATCH"): "funding.write",
        ("/funding-sources/<uuid:source_id>/allocations", "POST"): "funding.write",
        ("/forecasts", "GET"): "forecasts.read",
        ("/forecasts", "POST"): "forecasts.write",
        ("/forecasts/<uuid:forecast_id>", "GET"): "forecasts.read",
    }
    assert PERMISSIONS["costs.participant"] == {"coach", "finance"}
    assert PERMISSIONS["funding.write"] == PERMISSIONS["forecasts.write"] == {"admin", "finance"}
    assert PERMISSIONS["wage_values.write"] == {"coach"}
    # Key figures: aggregates for every role that reports.
    assert table[("/kpis", "GET")] == "kpis.view"
    assert {key: table[key] for key in table if key[0].startswith("/report-snapshots")} == {
        ("/report-snapshots", "GET"): "snapshots.read",
        ("/report-snapshots", "POST"): "snapshots.write",
        ("/report-snapshots/<uuid:snapshot_id>", "GET"): "snapshots.read",
    }
    assert PERMISSIONS["snapshots.write"] == {"coach", "admin", "finance"}
    # Reports are built from the key figures: the same roles.
    assert table[("/reports", "GET")] == table[("/reports/<string:format_id>", "GET")] == "kpis.view"
    assert PERMISSIONS["kpis.view"] == {"coach", "admin", "viewer", "finance"}
