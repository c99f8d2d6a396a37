"""Every page under /t/<tenant>/ x every role: 200 when the role has the page's declared permission, 403
when it does not; public pages for everyone; a protected page sends strangers to the sign-in.

Pages and their permissions are read from the app (url_map -> view -> `permission` / `public`, set by
`basisbaan.web.context.page`), roles from `basisbaan.models.ROLES`, the expected answer from
`basisbaan.auth.permissions.PERMISSIONS`. A new page is covered without touching this file; a new public
page must be added to PUBLIC_PAGES below, deliberately.
"""

from __future__ import annotations

import itertools
from urllib.parse import parse_qs, urlsplit

import pytest

from basisbaan.auth.permissions import PERMISSIONS, allowed
from basisbaan.models import ROLES
from basisbaan.web.context import page, tenant_pages
from tests.web.conftest import (assert_site_page, csrf_token, declared_permission, dutch, html_of, is_public,
                                page_routes, sign_in, start_session, url_for_rule)
from tests.web.test_participant_pages import with_employment

# Public pages and what each answers on the test data (no identity provider configured):
# (anonymous GET, signed-in GET). Sign-in without a configured provider is a clear 503 page; the
# callback without a provider does not exist (404); a signed-in visitor of the sign-in goes to the start.
PUBLIC_PAGES = {
    "web_auth.login": (503, 302),
    "web_auth.callback": (404, 404),
    "web_auth.signed_out": (200, 200),
    "web_auth.logout": (None, None),  # POST only
    "web_tenant.theme": (200, 200),
}


@pytest.fixture
def world(world, app, make_token):
    """The shared world with a participant per municipality (the participant pages need real ids; the job
    coach belongs to the participant's coaching organisation, so that their pages answer 200)."""
    return with_employment(app, world, make_token)


def undeclared_pages(app):
    """(rule, method) of every page that is neither public nor declares a known permission."""
    return [(rule.rule, method) for rule, method, view in page_routes(app)
            if not is_public(view) and declared_permission(view) not in PERMISSIONS]


def get_pages(app, public: bool):
    return [(rule, view) for rule, method, view in page_routes(app) if method == "GET" and is_public(view) == public]


def test_the_enumeration_finds_the_known_pages(app):
    routes = {(rule.rule, method) for rule, method, _ in page_routes(app)}
    assert {
        ("/t/<tenant>/", "GET"),
        ("/t/<tenant>/neighbourhoods", "GET"),
        ("/t/<tenant>/neighbourhoods/new", "POST"),
        ("/t/<tenant>/organisations/new", "GET"),
        ("/t/<tenant>/admin/users/<uuid:user_id>", "POST"),
        ("/t/<tenant>/admin/tokens/<uuid:token_id>/revoke", "POST"),
        ("/t/<tenant>/admin/sso", "GET"),
        ("/t/<tenant>/admin/audit", "GET"),
        ("/t/<tenant>/login", "GET"),
        ("/t/<tenant>/participants", "GET"),
        ("/t/<tenant>/participants/<uuid:participant_id>", "GET"),
        ("/t/<tenant>/participants/<uuid:participant_id>/absences/<uuid:absence_id>/steps", "POST"),
        ("/t/<tenant>/worklist", "GET"),
        ("/t/<tenant>/admin/cao-transition", "POST"),
    } <= routes
    assert not [r for r, _ in routes if r.startswith("/api")]


def test_every_page_is_public_or_declares_a_known_permission(app):
    assert len(page_routes(app)) >= 15
    assert not undeclared_pages(app), "pages without a permission from basisbaan.auth.permissions.PERMISSIONS"
    public = {rule.endpoint for rule, _, view in page_routes(app) if is_public(view)}
    assert public == set(PUBLIC_PAGES), "a public page was added or removed: review it and update PUBLIC_PAGES"
    # A public page declares no permission: nothing suggests it is checked when it is not.
    assert not [rule.rule for rule, _, view in page_routes(app) if is_public(view) and declared_permission(view)]


def test_the_declaration_check_catches_a_page_without_a_permission(extra_app, make_tenant):
    """The check above is not vacuous, and the edge fails closed: such a page answers 403, even to an admin."""
    probe = extra_app()
    bp = tenant_pages("web_probe", __name__)

    @bp.get("/probe/undeclared")
    def undeclared():
        return "should never be served"

    @bp.get("/probe/misspelt")
    @page("reference.raed")
    def misspelt():
        return "should never be served"

    @bp.get("/probe/empty")
    @page()
    def empty():
        return "should never be served"

    @bp.get("/probe/fine")
    @page("reference.read")
    def fine():
        return "served"

    probe.register_blueprint(bp)
    assert set(undeclared_pages(probe)) == {("/t/<tenant>/probe/undeclared", "GET"),
                                            ("/t/<tenant>/probe/misspelt", "GET"), ("/t/<tenant>/probe/empty", "GET")}
    groningen = make_tenant("groningen")
    client = probe.test_client()
    sign_in(probe, client, groningen, *ROLES)
    for name in ("undeclared", "misspelt", "empty"):
        response = client.get(f"/t/groningen/probe/{name}")
        assert response.status_code == 403, name
        assert b"should never be served" not in response.data
    assert client.get("/t/groningen/probe/fine").data == b"served"


def test_page_matrix(app, client, owner_engine, world):
    """Each role, signed in, on each protected GET page: 200 exactly when the role has the permission."""
    groningen = world.tenants["groningen"]
    pages = get_pages(app, public=False)
    assert len(pages) >= 9
    outcomes = []
    for (rule, view), role in itertools.product(pages, ROLES):
        start_session(client, groningen, world.users[("groningen", role)])
        url = url_for_rule(owner_engine, rule, groningen)
        response = client.get(url)
        expected = 200 if allowed({role}, declared_permission(view)) else 403
        assert response.status_code == expected, (role, url, response.status_code)
        if expected == 200 and response.mimetype != "text/html":  # a download (the candidate export)
            assert response.headers["Content-Disposition"].startswith("attachment"), url
            outcomes.append((role, rule.rule, expected))
            continue
        doc = assert_site_page(response)
        if expected == 403:
            # The site's own error page, for the signed-in person (their menu still works).
            assert doc.find("nav", class_="site-nav") is not None
            assert doc.find("h1").text == dutch("No permission")
        outcomes.append((role, rule.rule, expected))
    # Both sides of the matrix were exercised, for every role.
    assert {o[2] for o in outcomes} == {200, 403}
    for role in ROLES:
        assert any(o[0] == role and o[2] == 200 for o in outcomes), role


def test_the_menu_offers_exactly_the_areas_the_role_may_open(app, client, world):
    """No link in the main menu leads to a 403, and every permitted area is in the menu."""
    from basisbaan.web.helpers import NAV_ITEMS

    groningen = world.tenants["groningen"]
    with app.test_request_context():
        from flask import url_for

        areas = {url_for(endpoint, tenant="groningen"): permission for endpoint, _, permission in NAV_ITEMS}
    for role in ROLES:
        start_session(client, groningen, world.users[("groningen", role)])
        doc = html_of(client.get("/t/groningen/"))
        links = [a.get("href") for a in doc.find("nav", class_="site-nav").find_all("a")]
        assert set(links) == {url for url, permission in areas.items() if allowed({role}, permission)}, role
        for href in links:
            assert client.get(href).status_code == 200, (role, href)


def test_several_roles_give_the_union_of_their_permissions(app, client, world):
    groningen = world.tenants["groningen"]
    sign_in(app, client, groningen, "coach", "finance")
    assert client.get("/t/groningen/neighbourhoods").status_code == 200
    assert client.get("/t/groningen/admin/users").status_code == 403
    sign_in(app, client, groningen, "viewer", "admin")
    assert client.get("/t/groningen/admin/users").status_code == 200


def test_forbidden_roles_get_403_on_every_form_post(app, client, owner_engine, world):
    """A role without the permission gets 403 on every POST, with a valid CSRF token, and nothing changes."""
    from tests.api.test_cross_tenant import _snapshot

    groningen = world.tenants["groningen"]
    before = _snapshot(owner_engine, groningen.id)
    posts = [(rule, view) for rule, method, view in page_routes(app) if method == "POST" and not is_public(view)]
    assert len(posts) >= 6
    checked = 0
    for (rule, view), role in itertools.product(posts, ROLES):
        if allowed({role}, declared_permission(view)):
            continue
        start_session(client, groningen, world.users[("groningen", role)])
        token = csrf_token(client, "/t/groningen/")
        url = url_for_rule(owner_engine, rule, groningen)
        response = client.post(url, data={"csrf_token": token, "name": "Forbidden", "is_active": "",
                                          "issuer": "https://evil.example", "client_id": "x", "client_secret": "y",
                                          "role_admin": "everyone", "role": "admin", "days": "30"})
        assert response.status_code == 403, (role, url, response.status_code)
        checked += 1
    assert checked >= 20
    # Nothing changed, and nothing was audited either.
    assert _snapshot(owner_engine, groningen.id) == before


def test_public_pages_are_reachable_without_and_with_signing_in(app, client, owner_engine, world):
    groningen = world.tenants["groningen"]
    public = get_pages(app, public=True)
    assert public
    for signed_in in (False, True):
        if signed_in:
            start_session(client, groningen, world.users[("groningen", "viewer")])
        else:
            client = app.test_client()
        for rule, view in public:
            url = url_for_rule(owner_engine, rule, groningen)
            response = client.get(url)
            expected = PUBLIC_PAGES[rule.endpoint][int(signed_in)]
            assert response.status_code == expected, (signed_in, url, response.status_code)
            location = response.headers.get("Location", "")
            assert "/login" not in location, (url, location)
            if response.mimetype == "text/html" and response.status_code != 302:
                assert_site_page(response)
    # Signed in, the sign-in page leads to the start page instead.
    assert client.get("/t/groningen/login").headers["Location"] == "/t/groningen/"


def test_not_signed_in_a_protected_page_redirects_to_the_sign_in_with_next(app, client, owner_engine, world):
    groningen = world.tenants["groningen"]
    pages = get_pages(app, public=False)
    for rule, _ in pages:
        url = url_for_rule(owner_engine, rule, groningen)
        for requested in (url, url + "?q=Beij&page=1"):
            response = client.get(requested)
            assert response.status_code == 302, (requested, response.status_code)
            location = urlsplit(response.headers["Location"])
            assert not location.netloc and location.path == "/t/groningen/login", location
            assert parse_qs(location.query) == {"next": [requested]}, (requested, location.query)
    # Also for the form posts: no page is served, the sign-in is asked for (CSRF is checked first: 400).
    for rule, method, view in page_routes(app):
        if method == "POST" and not is_public(view):
            response = client.post(url_for_rule(owner_engine, rule, groningen), data={"name": "Stranger"})
            assert response.status_code == 400, rule.rule
            assert_site_page(response)


def test_a_session_for_a_removed_user_or_a_user_without_roles_is_sent_to_sign_in(app, client, world):
    groningen = world.tenants["groningen"]
    import uuid

    start_session(client, groningen, uuid.uuid4())
    response = client.get("/t/groningen/neighbourhoods")
    assert response.status_code == 302 and response.headers["Location"].startswith("/t/groningen/login")
    with client.session_transaction() as flask_session:
        assert "user_id" not in flask_session and "tenant_id" not in flask_session
    with client.session_transaction() as flask_session:
        flask_session["tenant_id"] = str(groningen.id)
        flask_session["user_id"] = "not-a-uuid"
    assert client.get("/t/groningen/").status_code == 302


def test_expected_permissions_of_todays_pages(app):
    """Spelled out for today's pages, so that a change of a page's permission is a deliberate one."""
    table = {(rule.rule.removeprefix("/t/<tenant>"), method): declared_permission(view)
             for rule, method, view in page_routes(app) if not is_public(view)}
    expected = {
        ("/", "GET"): "dashboard.view",
        ("/neighbourhoods", "GET"): "reference.read",
        ("/neighbourhoods/new", "GET"): "reference.write",
        ("/neighbourhoods/new", "POST"): "reference.write",
        ("/organisations", "GET"): "reference.read",
        ("/organisations/new", "GET"): "reference.write",
        ("/organisations/new", "POST"): "reference.write",
        ("/admin/users", "GET"): "users.manage",
        ("/admin/users/<uuid:user_id>", "GET"): "users.manage",
        ("/admin/users/<uuid:user_id>", "POST"): "users.manage",
        ("/admin/sso", "GET"): "sso.manage",
        ("/admin/sso", "POST"): "sso.manage",
        ("/admin/tokens", "GET"): "tokens.manage",
        ("/admin/tokens", "POST"): "tokens.manage",
        ("/admin/tokens/<uuid:token_id>/revoke", "POST"): "tokens.manage",
        ("/admin/audit", "GET"): "audit.read",
        ("/participants", "GET"): "participants.read",
        ("/participants/new", "GET"): "participants.write",
        ("/participants/new", "POST"): "participants.write",
        ("/participants/<uuid:participant_id>", "GET"): "participants.read",
        ("/participants/<uuid:participant_id>/contracts/new", "GET"): "contracts.write",
        ("/participants/<uuid:participant_id>/contracts/new", "POST"): "contracts.write",
        ("/participants/<uuid:participant_id>/contracts/<uuid:contract_id>/change", "GET"): "contracts.write",
        ("/participants/<uuid:participant_id>/contracts/<uuid:contract_id>/change", "POST"): "contracts.write",
        ("/participants/<uuid:participant_id>/contracts/<uuid:contract_id>/report", "GET"): "contracts.write",
        ("/participants/<uuid:participant_id>/contracts/<uuid:contract_id>/report", "POST"): "contracts.write",
        ("/participants/<uuid:participant_id>/absences/new", "GET"): "absences.write",
        ("/participants/<uuid:participant_id>/absences/new", "POST"): "absences.write",
        ("/participants/<uuid:participant_id>/absences/<uuid:absence_id>/edit", "GET"): "absences.write",
        ("/participants/<uuid:participant_id>/absences/<uuid:absence_id>/edit", "POST"): "absences.write",
        ("/participants/<uuid:participant_id>/absences/<uuid:absence_id>/steps", "POST"): "absences.write",
        ("/participants/<uuid:participant_id>/exit", "GET"): "participants.write",
        ("/participants/<uuid:participant_id>/exit", "POST"): "participants.write",
        ("/worklist", "GET"): "worklist.view",
        ("/participants/<uuid:participant_id>/work", "GET"): "participants.read",
        ("/participants/<uuid:participant_id>/assignments/new", "GET"): "assignments.write",
        ("/participants/<uuid:participant_id>/assignments/new", "POST"): "assignments.write",
        ("/participants/<uuid:participant_id>/assignments/<uuid:assignment_id>/end", "GET"): "assignments.write",
        ("/participants/<uuid:participant_id>/assignments/<uuid:assignment_id>/end", "POST"): "assignments.write",
        ("/participants/<uuid:participant_id>/matches", "GET"): "matching.view",
        ("/participants/<uuid:participant_id>/work-profile", "GET"): "work_profiles.write",
        ("/participants/<uuid:participant_id>/work-profile", "POST"): "work_profiles.write",
        ("/tasks", "GET"): "tasks.read",
        ("/tasks/new", "GET"): "tasks.write",
        ("/tasks/new", "POST"): "tasks.write",
        ("/tasks/<uuid:task_id>", "GET"): "tasks.read",
        ("/tasks/<uuid:task_id>/edit", "GET"): "tasks.write",
        ("/tasks/<uuid:task_id>/edit", "POST"): "tasks.write",
        ("/tasks/<uuid:task_id>/check", "GET"): "displacement.check",
        ("/tasks/<uuid:task_id>/check", "POST"): "displacement.check",
        ("/tasks/<uuid:task_id>/matches", "GET"): "matching.view",
        ("/coaching", "GET"): "coaching.read",
        ("/coaching/new", "GET"): "coaching.write",
        ("/coaching/new", "POST"): "coaching.write",
        ("/participants/<uuid:participant_id>/wellbeing", "GET"): "wellbeing.read",
        ("/participants/<uuid:participant_id>/wellbeing/new", "GET"): "wellbeing.write",
        ("/participants/<uuid:participant_id>/wellbeing/new", "POST"): "wellbeing.write",
        ("/participants/<uuid:participant_id>/support", "GET"): "support.read",
        ("/participants/<uuid:participant_id>/support/debt/new", "POST"): "support.debt",
        ("/participants/<uuid:participant_id>/support/debt/<uuid:debt_id>/edit", "POST"): "support.debt",
        ("/participants/<uuid:participant_id>/support/trainings/new", "POST"): "trainings.write",
        ("/participants/<uuid:participant_id>/support/trainings/<uuid:training_id>/edit", "POST"): "trainings.write",
        ("/participants/<uuid:participant_id>/costs", "GET"): "costs.participant",
        ("/participants/<uuid:participant_id>/wage-values/new", "GET"): "wage_values.write",
        ("/participants/<uuid:participant_id>/wage-values/new", "POST"): "wage_values.write",
        ("/costs", "GET"): "costs.view",
        ("/budget", "GET"): "costs.view",
        ("/funding", "GET"): "funding.read",
        ("/funding/new", "GET"): "funding.write",
        ("/funding/new", "POST"): "funding.write",
        ("/funding/<uuid:source_id>", "GET"): "funding.read",
        ("/funding/<uuid:source_id>/allocations", "POST"): "funding.write",
        ("/funding/<uuid:source_id>/edit", "GET"): "funding.write",
        ("/funding/<uuid:source_id>/edit", "POST"): "funding.write",
        ("/forecasts", "GET"): "forecasts.read",
        ("/forecasts/new", "GET"): "forecasts.write",
        ("/forecasts/new", "POST"): "forecasts.write",
        ("/forecasts/<uuid:forecast_id>", "GET"): "forecasts.read",
        ("/forecasts/compare", "GET"): "forecasts.read",
        ("/admin/cao-transition", "GET"): "cao_transition.manage",
        ("/admin/cao-transition", "POST"): "cao_transition.manage",
    }
    assert {key: table.get(key) for key in expected} == expected
    assert PERMISSIONS["reference.write"] == PERMISSIONS["users.manage"] == {"admin"}
    assert PERMISSIONS["participants.write"] == PERMISSIONS["contracts.write"] == {"coach"}
    assert PERMISSIONS["participants.read"] == PERMISSIONS["absences.write"] == {"coach", "jobcoach"}
    assert PERMISSIONS["cao_transition.manage"] == {"admin"}
