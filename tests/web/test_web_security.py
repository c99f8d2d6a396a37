"""Security of the pages: headers on every page, the session cookie, rate limits on sign-in, the demo
sign-in switch, sign-out, and error pages that are pages (while the API keeps its JSON)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import pytest

from basisbaan.crypto import generate_key
from basisbaan.extensions import db
from basisbaan.services import sso as sso_service
from basisbaan.services.audit import Actor
from basisbaan.services.tenants import get_by_slug
from basisbaan.tenancy import tenant_scope
from tests.conftest import auth, make_app
from tests.web.conftest import (assert_site_page, csrf_token, declared_permission, dutch, html_of, is_public,
                                page_routes, parse_html, sign_in, start_session, url_for_rule)
from basisbaan.auth.permissions import allowed

T = "/t/groningen"
PRODUCTION = {"BASISBAAN_ENV": "production", "SECRET_KEY": "production-secret-key-" + "x" * 30}


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, response.request.path
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_secure_page(response, signed_in: bool):
    where = (response.request.path, response.status_code)
    csp = csp_directives(response)
    assert "script-src" in csp, where
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"], where
    assert "*" not in csp["script-src"] and "data:" not in csp["script-src"], where
    assert csp.get("frame-ancestors") == ["'none'"], where
    assert csp.get("object-src") == ["'none'"] and csp.get("base-uri") == ["'none'"], where
    assert response.headers["X-Frame-Options"] == "DENY", where
    assert response.headers["X-Content-Type-Options"] == "nosniff", where
    assert response.headers["Referrer-Policy"] in {"no-referrer", "same-origin", "strict-origin",
                                                   "strict-origin-when-cross-origin"}, where
    if signed_in:
        assert response.headers.get("Cache-Control") == "no-store", where
    if not response.request.path.startswith("/api/v1/docs"):
        assert "form-action" in csp, where
        # What the policy forbids is not used: no inline script, no event handlers, no inline styles.
        doc = parse_html(response.get_data(as_text=True))
        for el in doc.iter():
            assert not (el.tag == "script" and not el.get("src")), where
            assert el.tag != "style", where
            assert "style" not in el.attrs, (where, el.tag)
            assert not [a for a in el.attrs if a.startswith("on")], (where, el.tag)
            if el.tag == "a":
                assert not el.get("href", "").lower().startswith("javascript:"), where


def html_responses(app, client, owner_engine, world):
    """(response, signed_in) for a wide range of pages: every GET page for a signed-in admin, error pages of
    each kind, form errors, the public pages."""
    groningen = world.tenants["groningen"]
    made = client.post("/api/v1/t/groningen/tasks", headers=auth(world.tokens["groningen"]), json={
        "title": "Zwerfafval", "category": "litter", "hours_per_week": "8", "source": "area_team"})
    assert made.status_code == 201, made.json
    anonymous = app.test_client()
    found = [(anonymous.get(path), False) for path in
             ("/", f"{T}/login", f"{T}/signed-out", "/nothing-here", "/t/nergenshuizen/", "/api/v1/docs",
              "/demo-login")]
    found.append((anonymous.post(f"{T}/logout"), False))  # 400: no CSRF token
    found.append((anonymous.get(f"{T}/logout"), False))  # 405
    start_session(client, groningen, world.users[("groningen", "admin")])
    for rule, method, view in page_routes(app):
        if method == "GET" and rule.endpoint not in {"web_tenant.theme", "web_auth.login"} and (
                is_public(view) or allowed({"admin"}, declared_permission(view))):
            found.append((client.get(url_for_rule(owner_engine, rule, groningen)), True))
    token = csrf_token(client, f"{T}/")
    found.append((client.post(f"{T}/neighbourhoods/new", data={"csrf_token": token, "name": ""}), True))  # 422
    found.append((client.post(f"{T}/admin/tokens", data={"csrf_token": token, "name": "t", "role": "viewer",
                                                         "days": "5"}), True))  # 201
    found.append((client.get(f"{T}/admin/users/00000000-0000-0000-0000-000000000000"), True))  # 404
    coach = app.test_client()
    start_session(coach, groningen, world.users[("groningen", "coach")])
    found.append((coach.get(f"{T}/admin/users"), True))  # 403
    return found


def test_every_html_page_has_the_security_headers(app, client, owner_engine, world):
    responses = html_responses(app, client, owner_engine, world)
    statuses = {r.status_code for r, _ in responses}
    assert {200, 201, 400, 403, 404, 405, 422, 503} <= statuses
    for response, signed_in in responses:
        assert response.mimetype == "text/html", (response.request.path, response.status_code)
        assert_secure_page(response, signed_in)


def test_signed_in_api_answers_are_not_stored_but_the_theme_may_be_cached(app, client, world):
    start_session(client, world.tenants["groningen"], world.users[("groningen", "viewer")])
    response = client.get("/api/v1/t/groningen/neighbourhoods")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # The theme holds no personal data (a colour): cached for a few minutes, not fetched on every page.
    theme = client.get(f"{T}/theme.css")
    assert theme.status_code == 200 and theme.mimetype == "text/css"
    assert theme.headers["Cache-Control"] == "max-age=300"
    assert theme.headers["X-Content-Type-Options"] == "nosniff"


def test_production_sends_strict_transport_security(extra_app):
    production = extra_app(BASISBAAN_ENV="production", SECRET_KEY="p" * 40,
                           BASISBAAN_ENCRYPTION_KEYS=generate_key())
    assert production.test_client().get("/").headers["Strict-Transport-Security"].startswith("max-age=")


def test_the_session_cookie_is_httponly_and_samesite_lax(app, client):
    response = client.get("/language/en")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("basisbaan_session=")
    attributes = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")[1:]}
    assert "httponly" in attributes and attributes["samesite"].lower() == "samesite=lax"
    assert "secure" not in attributes  # development over plain http


def test_the_session_cookie_is_secure_in_production(extra_app, world):
    production = extra_app(BASISBAAN_ENCRYPTION_KEYS=generate_key(), **PRODUCTION)
    client = production.test_client()
    cookie = client.get("/language/en", base_url="https://localhost").headers["Set-Cookie"]
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "samesite"} <= attributes
    # The headers are the same in production.
    page = client.get("/", base_url="https://localhost")
    assert page.status_code == 200 and "Groningen" in page.get_data(as_text=True)
    assert_secure_page(page, signed_in=False)
    assert client.get("/demo-login", base_url="https://localhost").status_code == 404


def test_production_refuses_demo_sign_in(database, registry):
    from basisbaan.config import ConfigError

    with pytest.raises(ConfigError, match="DEMO_LOGIN"):
        make_app(database, registry, BASISBAAN_ENCRYPTION_KEYS=generate_key(), BASISBAAN_DEMO_LOGIN=True, **PRODUCTION)


# --- rate limits -------------------------------------------------------------------------------------

def test_the_sign_in_is_rate_limited_per_address(app, client, world):
    for attempt in range(20):
        assert client.get(f"{T}/login").status_code == 503, attempt  # no provider configured: a clear page
    response = client.get(f"{T}/login")
    assert response.status_code == 429
    doc = assert_site_page(response)
    assert doc.find("h1").text == dutch("Too many attempts")
    assert int(response.headers["Retry-After"]) > 0
    assert_secure_page(response, signed_in=False)
    # Another tenant's sign-in from the same address is limited too (the limit is per address).
    assert client.get("/t/tilburg/login").status_code == 429
    # Another address is not affected.
    other = client.get(f"{T}/login", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 503


def test_the_sign_in_callback_and_token_creation_are_rate_limited(app, client, world):
    for _ in range(20):
        client.get(f"{T}/auth/callback")
    assert client.get(f"{T}/auth/callback").status_code == 429
    start_session(client, world.tenants["groningen"], world.users[("groningen", "admin")])
    token = csrf_token(client, f"{T}/")
    data = {"csrf_token": token, "name": "", "role": "viewer", "days": "30"}  # invalid: nothing is created
    statuses = [client.post(f"{T}/admin/tokens", data=data).status_code for _ in range(31)]
    assert statuses[:30] == [422] * 30 and statuses[30] == 429
    assert client.post(f"{T}/admin/tokens", data=dict(data, name="Export")).status_code == 429


# --- the sign-in's next page -------------------------------------------------------------------------

def configure_unreachable_provider(app, slug="groningen"):
    """A provider whose discovery fails at once (nothing listens on port 9): the sign-in shows a clear page."""
    with app.app_context():
        tenant = get_by_slug(db.session, slug)
        with tenant_scope(db.session, tenant.id):
            sso_service.configure(db.session, tenant, app.extensions["basisbaan.secrets"], sso_service.SsoSettings(
                issuer="http://127.0.0.1:9", client_id="basisbaan", client_secret="secret",
                role_map={"admin": ["admins"]}), Actor.system("test"))
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("target, kept", [
    ("/t/groningen/neighbourhoods?q=a", "/t/groningen/neighbourhoods?q=a"),
    ("//evil.example", ""), ("https://evil.example", ""), ("/\t/evil.example", ""), ("/\n/evil.example", ""),
    ("/\\evil.example", ""),
])
def test_the_sign_in_keeps_only_a_local_next_page(app, client, world, target, kept, caplog):
    configure_unreachable_provider(app)
    response = client.get(f"{T}/login", query_string={"next": target})
    assert response.status_code == 503
    assert html_of(response).find("h1").text == dutch("Sign-in temporarily unavailable")
    with client.session_transaction() as flask_session:
        assert flask_session.get("signin_next") == kept


# --- front page, demo sign-in, sign-out -----------------------------------------------------------------

def test_the_front_page_lists_the_municipalities(app, client, world, make_tenant):
    make_tenant("amersfoort")
    doc = assert_site_page(client.get("/"))
    links = {a.text: a.get("href") for a in doc.find("main").find_all("a")}
    assert links == {"Amersfoort": "/t/amersfoort/login", "Groningen": "/t/groningen/login",
                     "Tilburg": "/t/tilburg/login"}
    names = [a.text for a in doc.find("main").find("ul").find_all("a")]
    assert names == sorted(names)


def test_the_demo_sign_in_is_off_unless_enabled(app, client, world):
    assert client.get("/demo-login").status_code == 404
    assert client.post("/demo-login", data={"tenant": "groningen", "role": "admin"}).status_code in (400, 404)
    assert "/demo-login" not in client.get("/").get_data(as_text=True)
    with client.session_transaction() as flask_session:
        assert "user_id" not in flask_session


def test_the_demo_sign_in_signs_in_as_the_chosen_role_and_municipality(extra_app, world):
    demo = extra_app(BASISBAAN_DEMO_LOGIN=True)
    client = demo.test_client()
    assert "/demo-login" in client.get("/").get_data(as_text=True)
    doc = assert_site_page(client.get("/demo-login"))
    forms = doc.find("main").find_all("form")
    choices = {(f.find("input", name="tenant").get("value"), f.find("input", name="role").get("value")) for f in forms}
    assert ("tilburg", "coach") in choices and ("groningen", "admin") in choices and len(choices) == 10
    token = forms[0].find("input", name="csrf_token").get("value")

    assert client.post("/demo-login", data={"tenant": "tilburg", "role": "coach"}).status_code == 400  # no CSRF
    for tenant, role in (("nergens", "coach"), ("tilburg", "root"), ("", "")):
        response = client.post("/demo-login", data={"csrf_token": token, "tenant": tenant, "role": role})
        assert response.status_code == 400, (tenant, role)

    with client.session_transaction() as flask_session:
        flask_session["planted"] = "by an attacker"
    response = client.post("/demo-login", data={"csrf_token": token, "tenant": "tilburg", "role": "coach"})
    assert response.status_code == 302 and response.headers["Location"] == "/t/tilburg/"
    cookie = response.headers["Set-Cookie"]
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    assert expires <= datetime.now(timezone.utc) + timedelta(hours=8, minutes=1)  # a working day, no longer
    with client.session_transaction() as flask_session:
        assert "planted" not in flask_session  # a fresh session: no fixation
        assert flask_session["tenant_id"] == str(world.tenants["tilburg"].id)
    doc = assert_site_page(client.get("/t/tilburg/"))
    assert "Demo coach" in doc.find("header").text
    assert client.get("/t/tilburg/neighbourhoods").status_code == 200
    assert client.get("/t/tilburg/admin/users").status_code == 403
    assert client.get("/t/groningen/").status_code == 404  # signed in for Tilburg only

    # The same role again is the same demo user.
    token = csrf_token(client, "/demo-login")
    client.post("/demo-login", data={"csrf_token": token, "tenant": "tilburg", "role": "admin"})
    client.post("/demo-login", data={"csrf_token": csrf_token(client, "/demo-login"), "tenant": "tilburg",
                                     "role": "coach"})
    admin = demo.test_client()
    sign_in(demo, admin, world.tenants["tilburg"], "admin")
    users_page = html_of(admin.get("/t/tilburg/admin/users?q=demo"))
    assert sorted(tr.find("td").text for tr in users_page.find("tbody").find_all("tr")) == [
        "Demo admin", "Demo coach"]


def test_signing_out_ends_the_session(app, client, world):
    start_session(client, world.tenants["groningen"], world.users[("groningen", "admin")])
    client.get("/language/en")
    token = csrf_token(client, f"{T}/")
    assert client.get(f"{T}/logout").status_code == 405
    assert client.post(f"{T}/logout").status_code == 400  # without the token
    assert client.get(f"{T}/").status_code == 200
    response = client.post(f"{T}/logout", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == f"{T}/signed-out"
    with client.session_transaction() as flask_session:
        assert set(flask_session) <= {"lang", "_fresh"} and flask_session.get("lang") == "en"
    assert client.get(f"{T}/").status_code == 302
    assert client.get("/api/v1/t/groningen/neighbourhoods").status_code == 401
    doc = assert_site_page(client.get(f"{T}/signed-out"))
    assert doc.find("button") is None  # no sign-out button any more


# --- error pages ------------------------------------------------------------------------------------

def test_error_pages_are_pages_in_the_site_layout(app, client, world):
    for path, code, title in (("/nothing-here", 404, "Page not found"), (f"{T}/nothing-here", 404, "Page not found"),
                              ("/t/nergenshuizen/", 404, "Page not found")):
        response = client.get(path)
        assert response.status_code == code
        doc = assert_site_page(response)
        assert doc.find("h1").text == dutch(title)
        assert doc.find("main").find("a").get("href") == "/"
    start_session(client, world.tenants["groningen"], world.users[("groningen", "finance")])
    response = client.get(f"{T}/admin/audit")
    assert response.status_code == 403
    doc = assert_site_page(response)
    assert doc.find("h1").text == dutch("No permission")
    assert doc.find("title").text.startswith(dutch("No permission"))
    response = client.get(f"{T}/admin/users/{world.users[('groningen', 'admin')]}")
    assert response.status_code == 403
    response = client.put(f"{T}/neighbourhoods")
    assert response.status_code == 405
    assert assert_site_page(response).find("h1").text == dutch("Not allowed")


def test_api_paths_keep_the_json_error_shape(app, client, world):
    start_session(client, world.tenants["groningen"], world.users[("groningen", "finance")])
    for path, code in (("/api/v1/nothing-here", 404), ("/api/v1/t/nergenshuizen/neighbourhoods", 404),
                       ("/api/v1/t/groningen/neighbourhoods/00000000-0000-0000-0000-000000000000", 404)):
        response = client.get(path)
        assert response.status_code == code, path
        assert response.mimetype == "application/json", path
        assert set(response.json) == {"code", "status", "message", "errors"} and response.json["status"] == code
    response = client.post("/api/v1/t/groningen/neighbourhoods", json={"name": "x"},
                           headers={"X-CSRFToken": csrf_token(client, f"{T}/")})
    assert response.status_code == 403 and response.json["code"] == "forbidden"
    response = app.test_client().get("/api/v1/t/groningen/neighbourhoods")
    assert response.status_code == 401 and response.json["code"] == "unauthorized"


def test_only_the_listed_front_end_files_are_served(app, client):
    for name, mimetype in (("utrecht-components.css", "text/css"), ("utrecht-tokens.css", "text/css"),
                           ("redoc.standalone.js", "text/javascript")):
        response = client.get(f"/static/vendor/{name}")
        assert response.status_code == 200, f"{name}: run `npm ci` (make install)"
        assert response.mimetype == mimetype and response.headers["X-Content-Type-Options"] == "nosniff"
    for name in ("package.json", "..%2Fpackage.json", "%2E%2E%2F%2E%2E%2Fpyproject.toml", "index.css"):
        assert client.get(f"/static/vendor/{name}").status_code == 404, name
