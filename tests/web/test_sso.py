"""Single sign-on through a real, independently written OpenID provider (panva's oidc-provider) and, for
defects a real provider will not produce, a deliberately misbehaving one (tests/oidc/harness.py)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from basisbaan.extensions import db
from basisbaan.models import AuditEvent, User
from basisbaan.services import sso as sso_service
from basisbaan.services.audit import Actor
from basisbaan.services.tenants import get_by_slug
from basisbaan.tenancy import tenant_scope
from tests.oidc.harness import (FakeProvider, NodeProvider, callback_path_and_query, free_port, http_session,
                                login_at_provider, logout_at_provider)

BASE = "http://localhost"
SCOPES = "openid profile email groups"
ACCOUNTS = {
    "coach1": {"name": "Coach Een", "email": "coach1@example.nl", "groups": ["basisbaan-coach", "other"]},
    "boss": {"name": "Beheer Der", "email": "boss@example.nl", "groups": ["basisbaan-admin", "basisbaan-coach"]},
    "nobody": {"name": "Geen Rol", "email": "nobody@example.nl", "groups": ["unrelated"]},
}
ROLE_MAP = {"coach": ["basisbaan-coach"], "admin": ["basisbaan-admin"]}


def client_for(slug: str) -> dict:
    return {"client_id": f"basisbaan-{slug}", "client_secret": f"{slug}-secret",
            "redirect_uris": [f"{BASE}/t/{slug}/auth/callback"],
            "post_logout_redirect_uris": [f"{BASE}/t/{slug}/signed-out"]}


@pytest.fixture(scope="module")
def provider():
    with NodeProvider([client_for("groningen"), client_for("tilburg")], ACCOUNTS) as node:
        yield node


def configure(app, slug: str, issuer: str, **overrides):
    settings = dict(issuer=issuer, client_id=f"basisbaan-{slug}", client_secret=f"{slug}-secret",
                    scopes=SCOPES, role_claim="groups", role_map=ROLE_MAP)
    settings.update(overrides)
    with app.app_context():
        tenant = get_by_slug(db.session, slug)
        with tenant_scope(db.session, tenant.id):
            sso_service.configure(db.session, tenant, app.extensions["basisbaan.secrets"],
                                  sso_service.SsoSettings(**settings), Actor.system("test"))
        db.session.commit()
        db.session.remove()


@pytest.fixture
def groningen(app, make_tenant, provider):
    tenant = make_tenant("groningen")
    configure(app, "groningen", provider.issuer)
    return tenant


def start_login(client, slug="groningen", next_path=None):
    response = client.get(f"/t/{slug}/login" + (f"?next={next_path}" if next_path else ""))
    assert response.status_code == 302, response.data[:500]
    return response.headers["Location"]


def users(app, slug):
    with app.app_context():
        tenant = get_by_slug(db.session, slug)
        with tenant_scope(db.session, tenant.id):
            found = {u.subject: (u.display_name, sorted(u.roles)) for u in db.session.scalars(select(User))}
        db.session.remove()
    return found


def test_authorization_request_uses_pkce_s256_state_and_nonce(client, groningen, provider):
    location = start_login(client)
    assert location.startswith(provider.discovery()["authorization_endpoint"])
    params = parse_qs(urlsplit(location).query)
    assert params["response_type"] == ["code"]
    assert params["code_challenge_method"] == ["S256"]
    assert len(params["code_challenge"][0]) >= 43
    assert params["state"][0] and params["nonce"][0]
    assert params["client_id"] == ["basisbaan-groningen"]
    assert params["redirect_uri"] == [f"{BASE}/t/groningen/auth/callback"]
    assert set(params["scope"][0].split()) == set(SCOPES.split())


def test_full_sign_in_creates_the_user_with_mapped_roles(app, client, groningen, provider):
    callback = login_at_provider(start_login(client, next_path="/t/groningen/neighbourhoods"), "coach1")
    assert "iss=" in callback
    response = client.get(callback_path_and_query(callback))
    assert response.status_code == 302
    assert response.headers["Location"] == "/t/groningen/neighbourhoods"
    page = client.get("/t/groningen/")
    assert page.status_code == 200
    assert "Coach Een" in page.get_data(as_text=True)
    assert users(app, "groningen") == {"coach1": ("Coach Een", ["coach"])}
    # A second sign-in finds the same user and applies the provider's current roles.
    other = app.test_client()
    other.get(callback_path_and_query(login_at_provider(start_login(other), "boss")))
    assert users(app, "groningen")["boss"] == ("Beheer Der", ["admin", "coach"])
    # Admin pages follow the mapped roles: the coach may not, the admin may.
    assert client.get("/t/groningen/admin/users").status_code == 403
    assert other.get("/t/groningen/admin/users").status_code == 200


def test_no_matching_role_means_no_access_and_no_user(app, client, groningen):
    response = client.get(callback_path_and_query(login_at_provider(start_login(client), "nobody")))
    assert response.status_code == 403
    assert "rol" in response.get_data(as_text=True).lower()
    assert users(app, "groningen") == {}
    assert client.get("/t/groningen/").status_code == 302  # still not signed in


def test_deactivated_user_gets_no_access(app, client, groningen):
    client.get(callback_path_and_query(login_at_provider(start_login(client), "coach1")))
    with app.app_context():
        tenant = get_by_slug(db.session, "groningen")
        with tenant_scope(db.session, tenant.id):
            db.session.scalars(select(User)).one().is_active = False
        db.session.commit()
    assert client.get("/t/groningen/").status_code == 302  # the live session ends too
    again = app.test_client()
    response = again.get(callback_path_and_query(login_at_provider(start_login(again), "coach1")))
    assert response.status_code == 403


def test_wrong_iss_parameter_is_rejected(app, client, groningen):
    callback = login_at_provider(start_login(client), "coach1")
    forged = re.sub(r"iss=[^&]+", "iss=http%3A%2F%2F127.0.0.1%3A1", callback)
    response = client.get(callback_path_and_query(forged))
    assert response.status_code == 400
    assert users(app, "groningen") == {}
    assert client.get("/t/groningen/").status_code == 302


def test_missing_iss_parameter_is_rejected_when_the_provider_supports_it(client, groningen):
    callback = login_at_provider(start_login(client), "coach1")
    stripped = re.sub(r"&?iss=[^&]+", "", callback)
    assert client.get(callback_path_and_query(stripped)).status_code == 400


def test_replayed_and_forged_callbacks_get_400_not_500(app, client, groningen):
    callback = login_at_provider(start_login(client), "coach1")
    assert client.get(callback_path_and_query(callback)).status_code == 302
    replay = app.test_client()  # another browser replays the same callback
    assert replay.get(callback_path_and_query(callback)).status_code == 400
    assert client.get(callback_path_and_query(callback)).status_code == 400  # and the same browser too
    forged = "/t/groningen/auth/callback?code=abc&state=forged&iss=" + groningen.slug
    assert app.test_client().get(forged).status_code == 400
    assert app.test_client().get("/t/groningen/auth/callback").status_code == 400
    error = app.test_client().get("/t/groningen/auth/callback?error=access_denied&state=x")
    assert error.status_code == 400


def test_a_callback_for_another_municipality_is_rejected(app, client, make_tenant, groningen, provider):
    make_tenant("tilburg")
    configure(app, "tilburg", provider.issuer)
    callback = login_at_provider(start_login(client, "groningen"), "coach1")
    crossed = callback.replace("/t/groningen/", "/t/tilburg/")
    assert client.get(callback_path_and_query(crossed)).status_code == 400
    assert users(app, "tilburg") == {}


def test_another_tenants_provider_cannot_sign_in_here(app, client, make_tenant, groningen):
    """Tilburg uses another provider; a code from Groningen's provider fails Tilburg's iss check."""
    make_tenant("tilburg")
    with FakeProvider([client_for("tilburg")], ACCOUNTS) as fake:
        configure(app, "tilburg", fake.issuer)
        start_login(client, "tilburg")
        callback = login_at_provider(start_login(client, "groningen"), "coach1")
        crossed = callback.replace("/t/groningen/", "/t/tilburg/")
        assert client.get(callback_path_and_query(crossed)).status_code == 400
    assert users(app, "tilburg") == {}


@pytest.mark.parametrize("mode", ["wrong_audience", "expired_id_token", "bad_nonce", "missing_id_token",
                                  "wrong_token_issuer", "bad_signature", "wrong_iss_parameter"])
def test_defective_provider_answers_are_rejected(app, make_tenant, mode):
    make_tenant("groningen")
    with FakeProvider([client_for("groningen")], ACCOUNTS) as fake:
        configure(app, "groningen", fake.issuer)
        client = app.test_client()
        fake.next_login = "coach1"
        fake.mode = "ok"
        location = start_login(client)
        fake.mode = mode
        # The fake's authorization endpoint redirects straight back with code, state and iss.
        redirect = http_session().get(location, allow_redirects=False).headers["Location"]
        response = client.get(callback_path_and_query(redirect))
        assert response.status_code == 400, (mode, response.status_code)
        assert client.get("/t/groningen/").status_code == 302
    assert users(app, "groningen") == {}


def test_the_same_fake_provider_in_ok_mode_signs_in(app, make_tenant):
    """Control for the test above: only the defect makes it fail."""
    make_tenant("groningen")
    with FakeProvider([client_for("groningen")], ACCOUNTS) as fake:
        configure(app, "groningen", fake.issuer)
        client = app.test_client()
        fake.next_login = "coach1"
        redirect = http_session().get(start_login(client), allow_redirects=False).headers["Location"]
        assert client.get(callback_path_and_query(redirect)).status_code == 302
        assert client.get("/t/groningen/").status_code == 200


def test_discovery_document_naming_another_issuer_is_refused(app, make_tenant, caplog):
    make_tenant("groningen")
    with FakeProvider([client_for("groningen")], ACCOUNTS, mode="discovery_issuer_mismatch") as fake:
        configure(app, "groningen", fake.issuer)
        response = app.test_client().get("/t/groningen/login")
    assert response.status_code == 503
    assert "another issuer" in caplog.text


def test_provider_down_gives_a_clear_page_and_keeps_signed_in_sessions(app, client, groningen, caplog):
    client.get(callback_path_and_query(login_at_provider(start_login(client), "coach1")))
    configure(app, "groningen", f"http://127.0.0.1:{free_port()}", client_secret=None)
    response = app.test_client().get("/t/groningen/login")
    assert response.status_code == 503
    assert "<h1" in response.get_data(as_text=True)
    assert "discovery failed" in caplog.text
    assert client.get("/t/groningen/").status_code == 200  # already signed in: keeps working


def test_sign_out_ends_the_session_and_the_provider_session(app, client, groningen, provider):
    browser = http_session()
    client.get(callback_path_and_query(login_at_provider(start_login(client), "coach1", session=browser)))
    page = client.get("/t/groningen/").get_data(as_text=True)
    # The sign-out form may redirect to the provider: CSP form-action allows exactly its origin.
    csp = client.get("/t/groningen/").headers["Content-Security-Policy"]
    assert f"form-action 'self' {provider.issuer}" in csp
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/t/groningen/logout", data={"csrf_token": token})
    assert response.status_code == 302
    end_session = response.headers["Location"]
    assert end_session.startswith(provider.discovery()["end_session_endpoint"])
    params = parse_qs(urlsplit(end_session).query)
    assert params["post_logout_redirect_uri"] == [f"{BASE}/t/groningen/signed-out"]
    assert params["id_token_hint"][0].count(".") == 2
    assert logout_at_provider(end_session, session=browser).startswith(f"{BASE}/t/groningen/signed-out")
    assert client.get("/t/groningen/").status_code == 302
    assert client.get("/t/groningen/signed-out").status_code == 200


def test_sign_out_requires_csrf(client, groningen):
    client.get(callback_path_and_query(login_at_provider(start_login(client), "coach1")))
    assert client.post("/t/groningen/logout").status_code == 400
    assert client.get("/t/groningen/").status_code == 200


def test_signed_in_for_one_municipality_is_404_on_another(app, client, make_tenant, groningen):
    make_tenant("tilburg")
    client.get(callback_path_and_query(login_at_provider(start_login(client), "coach1")))
    assert client.get("/t/tilburg/").status_code == 404
    assert client.get("/t/tilburg/login").status_code == 404
    assert client.get("/api/v1/t/tilburg/neighbourhoods").status_code == 404
    assert client.get("/api/v1/t/groningen/neighbourhoods").status_code == 200


def test_sign_ins_are_audited_without_personal_data(app, client, groningen):
    client.get(callback_path_and_query(login_at_provider(start_login(client), "coach1")))
    with app.app_context():
        tenant = get_by_slug(db.session, "groningen")
        with tenant_scope(db.session, tenant.id):
            events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "signin")).all()
            dumped = repr([(e.details, e.entity_id) for e in events])
        db.session.remove()
    assert len(events) == 1 and events[0].details["roles"] == ["coach"]
    assert "coach1@example.nl" not in dumped and "Coach Een" not in dumped


def test_the_client_secret_is_stored_encrypted(app, groningen, owner_engine):
    with owner_engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT client_secret_encrypted FROM sso_providers").scalar_one()
    assert "groningen-secret" not in stored
    assert app.extensions["basisbaan.secrets"].decrypt(stored) == "groningen-secret"
