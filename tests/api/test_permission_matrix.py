"""Every tenant-scoped view x every role: 403 exactly when the role lacks the view's declared permission.

Views and their permissions are read from the app (url_map -> view class -> method -> `permission`, set
by `basisbaan.api.context.require`), roles from `basisbaan.models.ROLES`, the expected answer from
`basisbaan.auth.permissions.PERMISSIONS`. A new view is covered without touching this file.
"""

from __future__ import annotations

import io
import itertools
import re

import pytest
from flask.views import MethodView

from basisbaan.api.context import TENANT_PREFIX, require
from basisbaan.auth.permissions import PERMISSIONS, allowed
from basisbaan.models import ROLES
from tests.conftest import auth, make_app

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
    return tokens, ids


def _url(rule, ids) -> str:
    path = rule.rule
    for name in rule.arguments:
        value = "groningen" if name == "tenant" else ids.get(name)
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
}
QUERIES = {("/funnel", "GET"): {"from": "2023-01-01", "to": "2024-01-01"}}
MULTIPART = {("/candidates/import", "POST"): lambda n: {
    "file": (io.BytesIO(f"voornamen;achternaam\nKim;Import {n}\n".encode()), "candidates.csv"), "dry_run": "true"}}


def _body(rule=None, method=None):
    key = (rule.rule.removeprefix(TENANT_PREFIX), method) if rule is not None else None
    n = next(_counter)
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
            response = client.open(url, method=method, headers=auth(tokens[role]), json=_body(rule, method),
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
