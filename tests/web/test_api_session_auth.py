"""The platform's own pages call the API with the browser session: reads just work, writes need the
X-CSRFToken header, and the role's permissions apply exactly as for tokens."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from basisbaan.extensions import db
from basisbaan.models import Neighbourhood
from basisbaan.tenancy import tenant_scope
from tests.conftest import auth
from tests.web.conftest import csrf_token, sign_in, start_session

API = "/api/v1/t/groningen"
ERROR_KEYS = {"code", "status", "message", "errors"}


def names(app, tenant) -> list[str]:
    with app.app_context():
        with tenant_scope(db.session, tenant.id):
            found = list(db.session.scalars(select(Neighbourhood.name).order_by(Neighbourhood.name)))
        db.session.remove()
    return found


def test_a_signed_in_browser_reads_the_api_of_its_municipality(app, client, world):
    start_session(client, world.tenants["groningen"], world.users[("groningen", "viewer")])
    response = client.get(f"{API}/neighbourhoods")
    assert response.status_code == 200
    assert [n["name"] for n in response.json] == ["Beijum"]
    assert client.get(API).json["slug"] == "groningen"
    assert client.head(f"{API}/neighbourhoods").status_code == 200


def test_a_write_without_the_csrf_header_is_refused(app, client, world):
    groningen = world.tenants["groningen"]
    start_session(client, groningen, world.users[("groningen", "admin")])
    csrf_token(client, "/t/groningen/")  # the browser has a token; it just does not send it
    for headers in ({}, {"X-CSRFToken": ""}, {"X-CSRFToken": "forged"}):
        response = client.post(f"{API}/neighbourhoods", json={"name": "Zonder token"}, headers=headers)
        assert response.status_code == 400, headers
        assert set(response.json) == ERROR_KEYS
        assert response.json["code"] == "bad_request" and response.json["status"] == 400
        assert "X-CSRFToken" in response.json["message"]
    # The token in the body, as a form would send it, is not accepted by the API either.
    response = client.post(f"{API}/neighbourhoods", json={"name": "Zonder token",
                                                          "csrf_token": csrf_token(client, "/t/groningen/")})
    assert response.status_code == 400
    assert names(app, groningen) == ["Beijum"]


def test_a_write_with_the_csrf_header_is_accepted(app, client, world):
    groningen = world.tenants["groningen"]
    start_session(client, groningen, world.users[("groningen", "admin")])
    token = csrf_token(client, "/t/groningen/neighbourhoods")
    response = client.post(f"{API}/neighbourhoods", json={"name": "Via de browser"}, headers={"X-CSRFToken": token})
    assert response.status_code == 201, response.json
    assert response.json["name"] == "Via de browser"
    assert names(app, groningen) == ["Beijum", "Via de browser"]
    # The audit log names the person, not a token.
    audit = client.get("/t/groningen/admin/audit?action=neighbourhood.created").get_data(as_text=True)
    assert "Admin of Groningen" in audit


def test_a_csrf_token_of_another_browser_is_refused(app, client, world):
    groningen = world.tenants["groningen"]
    other = app.test_client()
    start_session(other, groningen, world.users[("groningen", "admin")])
    foreign = csrf_token(other, "/t/groningen/")
    start_session(client, groningen, world.users[("groningen", "admin")])
    response = client.post(f"{API}/neighbourhoods", json={"name": "Gestolen"}, headers={"X-CSRFToken": foreign})
    assert response.status_code == 400
    assert names(app, groningen) == ["Beijum"]


@pytest.mark.parametrize("role", ["coach", "jobcoach", "finance", "viewer"])
def test_a_role_without_the_permission_gets_403(app, client, world, role):
    groningen = world.tenants["groningen"]
    start_session(client, groningen, world.users[("groningen", role)])
    token = csrf_token(client, "/t/groningen/")
    response = client.post(f"{API}/neighbourhoods", json={"name": "Niet toegestaan"}, headers={"X-CSRFToken": token})
    assert response.status_code == 403
    assert set(response.json) == ERROR_KEYS and response.json["code"] == "forbidden"
    # Forbidden wins over a bad body, as for tokens.
    response = client.post(f"{API}/organisations", json=[{"bogus": True}], headers={"X-CSRFToken": token})
    assert response.status_code == 403
    assert client.get(f"{API}/organisations").status_code == 200  # reading is allowed to every role
    assert names(app, groningen) == ["Beijum"]


def test_a_bearer_token_wins_over_the_session(app, client, world, make_token):
    """With an Authorization header the session is ignored: the token's tenant and role count."""
    groningen = world.tenants["groningen"]
    start_session(client, groningen, world.users[("groningen", "admin")])
    viewer = make_token(groningen, "viewer")
    response = client.post(f"{API}/neighbourhoods", json={"name": "Met token"}, headers=auth(viewer))
    assert response.status_code == 403  # the viewer token, not the admin session
    response = client.get(f"{API}/neighbourhoods", headers=auth("bb_groningen_nonsense"))
    assert response.status_code == 401
    # A token needs no CSRF header: it is not sent by the browser on its own.
    response = client.post(f"{API}/neighbourhoods", json={"name": "Met token"}, headers=auth(world.tokens["groningen"]))
    assert response.status_code == 201


def test_no_session_and_no_token_is_401(app, client, world, owner_engine):
    response = client.get(f"{API}/neighbourhoods")
    assert response.status_code == 401 and set(response.json) == ERROR_KEYS
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    # A session of someone without any role left is no sign-in either (on the API and on the pages).
    user_id = sign_in(app, client, world.tenants["groningen"], "viewer")
    assert client.get(f"{API}/neighbourhoods").status_code == 200
    table = db.metadata.tables["user_roles"]
    with owner_engine.begin() as conn:
        conn.execute(table.delete().where(table.c.user_id == user_id))
    assert client.get(f"{API}/neighbourhoods").status_code == 401
    assert client.get("/t/groningen/neighbourhoods").status_code == 302
