"""No municipality's pages reach another's: every page rule and method, enumerated from the url_map, and
every API route through the browser session.

A browser signed in for one municipality gets 404 on everything of another, exactly as if it did not
exist: the answer is the same as for an unknown municipality, holds nothing of the other's data, and
changes nothing. Path parameters are filled with ids of the other municipality's real rows.
"""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest

from basisbaan.api.context import declared_permission as api_permission
from basisbaan.auth.permissions import allowed
from basisbaan.models import ROLES
from tests.api.test_cross_tenant import _snapshot, _url as api_url, tenant_routes as api_routes
from tests.web.conftest import (assert_site_page, csrf_token, declared_permission, fill, html_of, is_public,
                                page_routes, row_ids, start_session, url_for_rule)
from tests.web.test_participant_pages import with_employment

UNKNOWN = "nergenshuizen"
TEXT_COLUMNS = {"name", "description", "area", "cbs_code", "display_name", "email", "subject", "client_id",
                "created_by", "issuer", "actor_label", "given_names", "family_name"}
PROBE_FORM = {"name": "Leaked", "kind": "neighbourhood", "is_active": "", "organisation_id": "",
              "issuer": "https://evil.example", "client_id": "evil", "client_secret": "evil-secret",
              "scopes": "openid", "role_claim": "groups", "role_admin": "everyone", "role": "admin", "days": "30"}
TENANT_NAMES = {"groningen": "Groningen", "tilburg": "Tilburg"}


# API routes that need a period in the query string.
PERIOD_ROUTES = ("funnel", "absence-rate", "coaching-hours", "wellbeing-change", "/costs")
YEARS_ROUTES = ("/budget",)
AS_OF_ROUTES = ("/kpis", "/reports/")


def control_query(url: str) -> dict | None:
    """A valid query string for an API route that needs one (so that the id decides the answer)."""
    if any(part in url for part in PERIOD_ROUTES):
        return {"from": "2020-01-01", "to": "2030-01-01"}
    if any(part in url for part in YEARS_ROUTES):
        return {"from_year": 2023, "to_year": 2024}
    if any(part in url for part in AS_OF_ROUTES):
        return {"as_of": date.today().isoformat()}
    return None


@pytest.fixture
def world(world, app, make_token):
    """The shared world with a participant (a contract, a sickness) in each municipality: the participant
    pages and API routes get the other municipality's real ids."""
    return with_employment(app, world, make_token)


def _values(snapshot) -> set[str]:
    values = set()
    for rows in snapshot.values():
        for row in rows:
            for key, value in row.items():
                if key == "id" and value is not None and not isinstance(value, int):
                    ident = uuid.UUID(str(value))
                    values |= {str(ident), ident.hex}
                elif key in TEXT_COLUMNS and isinstance(value, str) and len(value) > 3:
                    values.add(value)
    return values


def secrets_of(owner_engine, world, victim: str, attacker: str) -> set[str]:
    """What is the victim's own (ids, names, e-mail addresses, descriptions, the municipality's name)."""
    own = _values(_snapshot(owner_engine, world.tenants[victim].id))
    shared = _values(_snapshot(owner_engine, world.tenants[attacker].id))
    victim_tenant = world.tenants[victim]
    return (own - shared) | {str(victim_tenant.id), victim_tenant.id.hex, TENANT_NAMES[victim]}


def normalised(body: str) -> str:
    """The page without the echo of the requested path (the language switch links back to it)."""
    return re.sub(r'href="/language/([a-z]+)[^"]*"', r'href="/language/\1"', body)


def signed_in_client(app, world, slug: str, role: str = "admin"):
    client = app.test_client()
    start_session(client, world.tenants[slug], world.users[(slug, role)])
    return client, csrf_token(client, f"/t/{slug}/")


@pytest.mark.parametrize("attacker, victim", [("groningen", "tilburg"), ("tilburg", "groningen")])
def test_a_session_for_another_municipality_gets_404_on_every_page(app, owner_engine, world, attacker, victim):
    victim_tenant = world.tenants[victim]
    before = _snapshot(owner_engine, victim_tenant.id)
    secrets = secrets_of(owner_engine, world, victim, attacker)
    assert {"Beijum", "Reeshof"} & secrets and any("@" in s for s in secrets)  # the check below has teeth

    sessions = {}

    def session_of(slug, role):
        if (slug, role) not in sessions:
            sessions[(slug, role)] = signed_in_client(app, world, slug, role)
        return sessions[(slug, role)]

    client, token = session_of(attacker, "admin")
    routes = page_routes(app)
    checked = []
    for rule, method, view in routes:
        ids = row_ids(owner_engine, rule, victim_tenant.id)
        url = fill(rule, victim, ids)
        # A role that may use the page, so the 404 comes from tenancy and not from the role.
        role = "admin" if is_public(view) else next(r for r in ROLES if allowed({r}, declared_permission(view)))
        client, token = session_of(attacker, role)
        if method == "GET" and not is_public(view):
            # Control: the victim's own user reaches the same URL (so the ids are real and reachable).
            own, _ = session_of(victim, role)
            assert own.get(url).status_code == 200, url
        data = dict(PROBE_FORM, csrf_token=token) if method == "POST" else None
        response = client.open(url, method=method, data=data)
        assert response.status_code == 404, (method, url, response.status_code)
        assert_site_page(response)
        body = normalised(response.get_data(as_text=True))
        leaked = [s for s in secrets if s in body]
        assert not leaked, (method, url, leaked)
        # Exactly the answer for a municipality that does not exist: nothing hints that this one does.
        unknown = client.open(fill(rule, UNKNOWN, ids), method=method, data=data)
        assert unknown.status_code == 404
        assert normalised(unknown.get_data(as_text=True)) == body, (method, url)
        checked.append((method, rule.rule))
    assert len(checked) == len(routes) >= 15
    # Still signed in for the attacker's own municipality, and nothing of the victim's changed (audit
    # events of the victim's own control requests aside).
    assert client.get(f"/t/{attacker}/").status_code == 200
    after = _snapshot(owner_engine, victim_tenant.id)
    after.pop("audit_events"), before.pop("audit_events")
    assert after == before


def api_role(app, rule, method) -> str:
    """A role with the permission the API route declares, so that a 404 comes from tenancy, not the role."""
    with app.app_context():
        permission = api_permission(rule.endpoint, method)
    assert permission, f"{method} {rule.rule} declares no permission"
    return next(role for role in ROLES if allowed({role}, permission))


def add_api_rows(app, world):
    """Rows for the API's path parameters that the pages do not create (candidates, when the API has them),
    through the API with a coach's browser session."""
    if not any(rule.rule.startswith("/api/v1/t/<tenant>/candidates") for rule in app.url_map.iter_rules()):
        return
    for slug in world.tenants:
        coach, token = signed_in_client(app, world, slug, "coach")
        created = coach.post(f"/api/v1/t/{slug}/candidates", headers={"X-CSRFToken": token}, json={
            "given_names": "Kandidaat", "family_name": f"Van {slug.title()}", "referral_source": "self",
            "referral_date": "2023-01-02"})
        assert created.status_code == 201, created.json
        frozen = coach.post(f"/api/v1/t/{slug}/report-snapshots", headers={"X-CSRFToken": token},
                            json={"format": "kpi-overview", "as_of": date.today().isoformat()})
        assert frozen.status_code == 201, frozen.json


@pytest.mark.parametrize("attacker, victim", [("groningen", "tilburg"), ("tilburg", "groningen")])
def test_a_session_for_another_municipality_gets_404_on_every_api_route(app, owner_engine, world, attacker,
                                                                        victim):
    add_api_rows(app, world)
    victim_tenant = world.tenants[victim]
    routes = api_routes(app)
    assert len(routes) >= 7
    clients = {}

    def session_of(slug, role):
        if (slug, role) not in clients:
            clients[(slug, role)] = signed_in_client(app, world, slug, role)
        return clients[(slug, role)]

    # Control: the victim's own people reach the same URLs with their sessions (the ids are real).
    for rule, method in routes:
        if method == "GET":
            url = api_url(rule, victim, owner_engine, victim_tenant.id)
            own, _ = session_of(victim, api_role(app, rule, method))
            query = control_query(url)
            assert own.get(url, query_string=query).status_code == 200, url
    before = _snapshot(owner_engine, victim_tenant.id)
    secrets = secrets_of(owner_engine, world, victim, attacker)
    for rule, method in routes:
        url = api_url(rule, victim, owner_engine, victim_tenant.id)
        client, token = session_of(attacker, api_role(app, rule, method))
        for headers in ({"X-CSRFToken": token}, {}):
            response = client.open(url, method=method, headers=headers, json={"name": "Leaked"})
            assert response.status_code == 404, (method, url, headers, response.status_code, response.json)
            assert response.json == {"code": "not_found", "status": 404, "message": "Not found.", "errors": {}}
            assert not [s for s in secrets if s in response.get_data(as_text=True)]
            unknown = client.open(url.replace(f"/t/{victim}", f"/t/{UNKNOWN}", 1), method=method, headers=headers,
                                  json={"name": "Leaked"})
            assert (unknown.status_code, unknown.json) == (404, response.json)
    assert _snapshot(owner_engine, victim_tenant.id) == before


def test_an_unknown_municipality_is_404_on_every_page_signed_in_or_not(app, client, owner_engine, world):
    groningen = world.tenants["groningen"]
    signed_in, token = signed_in_client(app, world, "groningen")
    for rule, method, _ in page_routes(app):
        url = fill(rule, UNKNOWN, row_ids(owner_engine, rule, groningen.id))
        if method == "GET":
            anonymous = client.get(url)
            assert anonymous.status_code == 404, url
            assert_site_page(anonymous)
        response = signed_in.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
        assert response.status_code == 404, (method, url)
        assert_site_page(response)


def test_a_stranger_cannot_tell_an_existing_municipality_from_an_unknown_one(app, client, owner_engine, world):
    """Not signed in: protected pages redirect to sign-in for both; form posts without a token are refused
    for both alike."""
    tilburg = world.tenants["tilburg"]
    for rule, method, view in page_routes(app):
        ids = row_ids(owner_engine, rule, tilburg.id)
        existing = client.open(fill(rule, "tilburg", ids), method=method, data={"name": "x"})
        unknown = client.open(fill(rule, UNKNOWN, ids), method=method, data={"name": "x"})
        if method == "POST":
            assert existing.status_code == unknown.status_code == 400, rule.rule
        elif is_public(view):
            assert unknown.status_code == 404
        else:
            assert existing.status_code == 302 and unknown.status_code == 404, rule.rule


@pytest.mark.parametrize("attacker, victim", [("groningen", "tilburg"), ("tilburg", "groningen")])
def test_another_municipalitys_ids_on_ones_own_pages_are_not_found(app, owner_engine, world, attacker, victim):
    """An admin on their own municipality's URLs with the other's ids: a 404 page, as if they did not exist."""
    victim_tenant = world.tenants[victim]
    before = _snapshot(owner_engine, victim_tenant.id)
    secrets = secrets_of(owner_engine, world, victim, attacker)
    with_ids = [(rule, method, view) for rule, method, view in page_routes(app) if set(rule.arguments) - {"tenant"}]
    assert len(with_ids) >= 3
    for rule, method, view in with_ids:
        role = next(r for r in ROLES if allowed({r}, declared_permission(view)))
        client, token = signed_in_client(app, world, attacker, role)
        url = fill(rule, attacker, row_ids(owner_engine, rule, victim_tenant.id))
        data = dict(PROBE_FORM, csrf_token=token) if method == "POST" else None
        response = client.open(url, method=method, data=data)
        assert response.status_code == 404, (method, url, response.status_code)
        assert_site_page(response)  # the site's 404 page, not the API's JSON
        body = normalised(response.get_data(as_text=True))
        assert not [s for s in secrets if s in body], (method, url)
    # A made-up id on one's own pages is the same 404 page.
    client, _ = signed_in_client(app, world, attacker, "admin")
    response = client.get(f"/t/{attacker}/admin/users/{uuid.uuid4()}")
    assert response.status_code == 404
    assert_site_page(response)
    assert _snapshot(owner_engine, victim_tenant.id) == before


def test_lists_show_only_the_municipalitys_own_rows(app, owner_engine, world):
    for slug, other in (("groningen", "tilburg"), ("tilburg", "groningen")):
        client, _ = signed_in_client(app, world, slug)
        secrets = secrets_of(owner_engine, world, other, slug)
        for path in ("/", "/neighbourhoods", "/organisations", "/admin/users", "/admin/tokens", "/admin/audit",
                     "/admin/sso", "/neighbourhoods/new", "/organisations/new", "/admin/cao-transition"):
            response = client.get(f"/t/{slug}{path}")
            assert response.status_code == 200, path
            body = response.get_data(as_text=True)
            assert not [s for s in secrets if s in body], (slug, path)
        users_page = html_of(client.get(f"/t/{slug}/admin/users"))
        names = users_page.find("tbody").text
        assert f"Admin of {slug.title()}" in names and f"Admin of {other.title()}" not in names


def test_every_permitted_page_of_the_own_municipality_still_works(app, owner_engine, world):
    """The control for the tests above: the same rules, one's own municipality, one's own ids."""
    client, _ = signed_in_client(app, world, "groningen")
    for rule, method, view in page_routes(app):
        if method == "GET" and not is_public(view) and allowed({"admin"}, declared_permission(view)):
            assert client.get(url_for_rule(owner_engine, rule, world.tenants["groningen"])).status_code == 200


def test_participant_lists_the_work_list_and_the_transition_preview_hold_only_own_participants(app, owner_engine,
                                                                                              world):
    for slug, other in (("groningen", "tilburg"), ("tilburg", "groningen")):
        secrets = secrets_of(owner_engine, world, other, slug)
        own, theirs = f"Deelnemer {slug.title()}", f"Deelnemer {other.title()}"
        coach, _ = signed_in_client(app, world, slug, "coach")
        jobcoach, _ = signed_in_client(app, world, slug, "jobcoach")
        pages = [(coach, "/participants?status="), (coach, "/worklist?scope=all"), (jobcoach, "/participants"),
                 (jobcoach, "/worklist"), (coach, "/participants/new")]
        for client, path in pages:
            response = client.get(f"/t/{slug}{path}")
            assert response.status_code == 200, path
            body = response.get_data(as_text=True)
            assert not [s for s in secrets if s in body], (slug, path)
            assert theirs not in body, (slug, path)
        assert own in coach.get(f"/t/{slug}/participants").get_data(as_text=True)
        admin, token = signed_in_client(app, world, slug, "admin")
        preview = admin.post(f"/t/{slug}/admin/cao-transition", data={
            "csrf_token": token, "to_cao": "cao_aan_de_slag", "on": date.today().isoformat(), "from_cao": "",
            "keep_old_wage": "y", "action": "preview"})
        assert preview.status_code == 200
        body = preview.get_data(as_text=True)
        assert own in body and theirs not in body and not [s for s in secrets if s in body]
