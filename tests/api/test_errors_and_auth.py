"""One error shape for every failure, bearer-token authentication, and the health check."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from basisbaan.auth import tokens as token_format
from basisbaan.extensions import db
from basisbaan.models import ApiToken
from basisbaan.services import tenants as tenant_service
from basisbaan.services import tokens as token_service
from basisbaan.services.audit import Actor
from basisbaan.tenancy import tenant_scope
from tests.conftest import auth, make_app

TENANT_URL = "/api/v1/t/groningen"
NEIGHBOURHOODS = f"{TENANT_URL}/neighbourhoods"


def assert_error(response, status, code=None):
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == "application/json"
    body = response.json
    assert set(body) == {"code", "status", "message", "errors"}, body
    assert body["status"] == status
    assert isinstance(body["code"], str) and body["code"]
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], dict)
    if code:
        assert body["code"] == code
    return body


def assert_unauthorised(response):
    body = assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].lower().startswith("bearer")
    return body


@pytest.fixture
def groningen(make_tenant):
    return make_tenant("groningen")


@pytest.fixture
def admin_token(groningen, make_token):
    return make_token(groningen, "admin")


def _issue(app, slug, *, now=None, days=30, role="admin"):
    with app.app_context():
        tenant = tenant_service.get_by_slug(db.session, slug)
        with tenant_scope(db.session, tenant.id):
            issued = token_service.create(db.session, tenant, role=role, name="crafted", days=days, max_days=366,
                                          actor=Actor.system("test"), now=now)
            token_id = issued.token.id
        db.session.commit()
        db.session.remove()
    return issued.plaintext, token_id


# --- authentication ----------------------------------------------------------------------------------


def test_a_valid_token_works(client, admin_token):
    assert client.get(TENANT_URL, headers=auth(admin_token)).status_code == 200


def test_no_token_is_401(client, groningen):
    assert_unauthorised(client.get(TENANT_URL))
    assert_unauthorised(client.get(NEIGHBOURHOODS))
    assert_unauthorised(client.post(NEIGHBOURHOODS, json={"name": "Beijum"}))


@pytest.mark.parametrize("header", [
    "Bearer",
    "Bearer ",
    "Bearer garbage",
    "Bearer bb_groningen_nothex_secret",
    "Token {token}",
    "Basic {token}",
    "{token}",
    "Bearer {token}x",
    "Bearer {token_upper_slug}",
])
def test_malformed_token_is_401(client, admin_token, header):
    value = header.format(token=admin_token, token_upper_slug=admin_token.replace("groningen", "GRONINGEN", 1))
    assert_unauthorised(client.get(TENANT_URL, headers={"Authorization": value}))


def test_wrong_secret_is_401(client, app, admin_token):
    parsed = token_format.parse(admin_token)
    forged = token_format.format_token("groningen", parsed.token_id, token_format.new_secret())
    assert_unauthorised(client.get(TENANT_URL, headers=auth(forged)))


def test_unknown_token_id_is_401(client, admin_token):
    parsed = token_format.parse(admin_token)
    forged = token_format.format_token("groningen", uuid.uuid4(), parsed.secret)
    assert_unauthorised(client.get(TENANT_URL, headers=auth(forged)))


def test_expired_token_is_401(app, client, groningen):
    # Issued 31 days ago for 30 days: expired a day ago.
    expired, _ = _issue(app, "groningen", now=datetime.now(timezone.utc) - timedelta(days=31), days=30)
    assert_unauthorised(client.get(TENANT_URL, headers=auth(expired)))
    # Issued 29 days ago for 30 days: still valid for a day.
    alive, _ = _issue(app, "groningen", now=datetime.now(timezone.utc) - timedelta(days=29), days=30)
    assert client.get(TENANT_URL, headers=auth(alive)).status_code == 200


def test_revoked_token_is_401(app, client, groningen):
    token, token_id = _issue(app, "groningen")
    assert client.get(TENANT_URL, headers=auth(token)).status_code == 200
    with app.app_context():
        tenant = tenant_service.get_by_slug(db.session, "groningen")
        with tenant_scope(db.session, tenant.id):
            token_service.revoke(db.session, token_id, Actor.system("test"))
        db.session.commit()
        db.session.remove()
    assert_unauthorised(client.get(TENANT_URL, headers=auth(token)))
    assert_unauthorised(client.get(NEIGHBOURHOODS, headers=auth(token)))


def test_use_is_recorded_on_the_token(app, client, groningen):
    token, token_id = _issue(app, "groningen")
    assert client.get(TENANT_URL, headers=auth(token)).status_code == 200
    with app.app_context():
        tenant = tenant_service.get_by_slug(db.session, "groningen")
        with tenant_scope(db.session, tenant.id):
            assert db.session.get(ApiToken, token_id).last_used_at is not None
        db.session.remove()


def test_token_of_another_tenant_is_404(client, groningen, make_tenant, make_token):
    tilburg_token = make_token(make_tenant("tilburg"), "admin")
    body = assert_error(client.get(TENANT_URL, headers=auth(tilburg_token)), 404, "not_found")
    assert "tilburg" not in body["message"].lower() and "groningen" not in body["message"].lower()
    assert_error(client.get(NEIGHBOURHOODS, headers=auth(tilburg_token)), 404, "not_found")
    assert_error(client.post(NEIGHBOURHOODS, headers=auth(tilburg_token), json={"name": "X"}), 404)


def test_the_slug_in_a_token_is_not_trusted(client, groningen, make_tenant, make_token):
    # Tilburg's real token id and secret, relabelled as a Groningen token: no such token in Groningen.
    parsed = token_format.parse(make_token(make_tenant("tilburg"), "admin"))
    relabelled = token_format.format_token("groningen", parsed.token_id, parsed.secret)
    assert_unauthorised(client.get(TENANT_URL, headers=auth(relabelled)))
    assert_unauthorised(client.post(NEIGHBOURHOODS, headers=auth(relabelled), json={"name": "X"}))


def test_unknown_tenant_is_404(client, admin_token):
    # A valid token of Groningen on a municipality that does not exist.
    assert_error(client.get("/api/v1/t/utrecht", headers=auth(admin_token)), 404, "not_found")
    assert_error(client.get("/api/v1/t/utrecht/neighbourhoods", headers=auth(admin_token)), 404)
    # A well-formed token naming the unknown municipality itself.
    parsed = token_format.parse(admin_token)
    forged = token_format.format_token("utrecht", parsed.token_id, parsed.secret)
    assert_error(client.get("/api/v1/t/utrecht", headers=auth(forged)), 404, "not_found")


def test_unknown_and_existing_tenants_look_alike_to_a_caller_without_a_token(client, groningen):
    # No token: 401 for both, so the answer does not tell which municipalities exist.
    known = client.get(TENANT_URL)
    unknown = client.get("/api/v1/t/utrecht")
    assert_unauthorised(known)
    assert_unauthorised(unknown)
    assert known.json == unknown.json


# --- request bodies and parameters -------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, field", [
    ({"json": [{"name": "Beijum"}]}, "_schema"),
    ({"json": "Beijum"}, "_schema"),
    ({"json": {"name": "Beijum", "colour": "red"}}, "colour"),
    ({"json": {"name": 42}}, "name"),
    ({"json": {"name": None}}, "name"),
    ({"json": {}}, "name"),
    ({"data": "{not json", "content_type": "application/json"}, "_body"),
    ({"data": "name=Beijum", "content_type": "application/x-www-form-urlencoded"}, "name"),
])
def test_wrong_body_is_a_4xx_naming_the_field(client, admin_token, kwargs, field):
    response = client.post(NEIGHBOURHOODS, headers=auth(admin_token), **kwargs)
    assert 400 <= response.status_code < 500
    body = assert_error(response, response.status_code)
    assert field in body["errors"], body


def test_wrong_query_parameter_is_422_naming_it(client, admin_token):
    body = assert_error(client.get(f"{TENANT_URL}?on=yesterday", headers=auth(admin_token)), 422,
                        "validation_error")
    assert list(body["errors"]) == ["on"]


def test_unknown_route_and_wrong_method_have_the_error_shape(client, admin_token):
    assert_error(client.get(f"{TENANT_URL}/nothing-here", headers=auth(admin_token)), 404, "not_found")
    assert_error(client.get("/api/v1/nothing-here"), 404, "not_found")
    assert_error(client.delete(NEIGHBOURHOODS, headers=auth(admin_token)), 405, "method_not_allowed")


def test_internal_errors_have_the_shape_and_no_details(app, client, admin_token, monkeypatch):
    from basisbaan.services import reference

    def explode(*args, **kwargs):
        raise RuntimeError("secret personal data: Jan Jansen")

    monkeypatch.setattr(reference, "neighbourhoods_query", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = client.get(NEIGHBOURHOODS, headers=auth(admin_token))
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    body = assert_error(response, 500, "internal_error")
    assert "Jan Jansen" not in response.get_data(as_text=True)
    assert body["errors"] == {}


# --- health ------------------------------------------------------------------------------------------


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_needs_no_token_and_ignores_a_bad_one(client):
    response = client.get("/healthz", headers={"Authorization": "Bearer garbage"})
    assert response.status_code == 200


def test_healthz_503_when_the_database_is_unreachable(database, registry):
    # Port 1 on localhost: nothing listens, the connection is refused at once.
    broken = make_app(database, registry,
                      SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "unreachable"}
    with broken.app_context():
        db.engine.dispose()
