"""Neighbourhoods and organisations through the API: listing, search, filters, creation, errors, roles."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import select

from basisbaan.extensions import db
from basisbaan.models import AuditEvent, Neighbourhood, Organisation
from basisbaan.tenancy import tenant_scope
from tests.conftest import auth

BASE = "/api/v1/t/groningen"
NEIGHBOURHOODS = f"{BASE}/neighbourhoods"
ORGANISATIONS = f"{BASE}/organisations"


@pytest.fixture
def groningen(make_tenant):
    return make_tenant("groningen")


@pytest.fixture
def admin(groningen, make_token):
    return auth(make_token(groningen, "admin"))


@pytest.fixture
def viewer(groningen, make_token):
    return auth(make_token(groningen, "viewer"))


def _error(response, status):
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    body = response.json
    assert set(body) == {"code", "status", "message", "errors"}
    assert body["status"] == status
    return body


def _neighbourhood(client, headers, name, **extra):
    response = client.post(NEIGHBOURHOODS, headers=headers, json={"name": name, **extra})
    assert response.status_code == 201, response.json
    return response.json


def _organisation(client, headers, name, **extra):
    response = client.post(ORGANISATIONS, headers=headers, json={"name": name, **extra})
    assert response.status_code == 201, response.json
    return response.json


def _audit(app, tenant_id):
    with app.app_context():
        with tenant_scope(db.session, tenant_id):
            events = [(e.action, e.entity_type, e.entity_id, e.actor_type, e.actor_label, e.details)
                      for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        db.session.remove()
    return events


# --- neighbourhoods ----------------------------------------------------------------------------------


def test_create_neighbourhood(app, client, groningen, admin):
    created = client.post(NEIGHBOURHOODS, headers=admin,
                          json={"name": "Beijum", "cbs_code": "WK001412", "area": "Noord"})
    assert created.status_code == 201, created.json
    body = created.json
    assert body["name"] == "Beijum" and body["kind"] == "neighbourhood"  # default kind
    assert body["cbs_code"] == "WK001412" and body["area"] == "Noord"
    uuid.UUID(body["id"])

    fetched = client.get(f"{NEIGHBOURHOODS}/{body['id']}", headers=admin)
    assert fetched.status_code == 200
    assert fetched.json == body


def test_creating_records_an_audit_event_without_personal_data(app, client, groningen, admin):
    neighbourhood = _neighbourhood(client, admin, "Selwerd", area="Noordwest")
    organisation = _organisation(client, admin, "Buurtcentrum Selwerd", is_host=True,
                                 description="Contact: Jan Jansen, 06-12345678",
                                 neighbourhood_id=neighbourhood["id"])
    events = _audit(app, groningen.id)
    created = [e for e in events if e[0] in {"neighbourhood.created", "organisation.created"}]
    assert [(e[0], e[1]) for e in created] == [("neighbourhood.created", "neighbourhood"),
                                               ("organisation.created", "organisation")]
    assert uuid.UUID(created[0][2]) == uuid.UUID(neighbourhood["id"])
    assert uuid.UUID(created[1][2]) == uuid.UUID(organisation["id"])
    for event in created:
        assert event[3] == "token"
        assert event[4] == "token:test-admin"
        # Names, descriptions and other values are not copied into the log.
        serialised = json.dumps(event[5]) + (event[4] or "")
        for value in ("Selwerd", "Noordwest", "Jan Jansen", "06-12345678"):
            assert value not in serialised


def test_duplicate_neighbourhood_name_is_a_conflict(client, groningen, admin):
    _neighbourhood(client, admin, "Beijum")
    body = _error(client.post(NEIGHBOURHOODS, headers=admin, json={"name": "beijum"}), 409)
    assert body["code"] == "conflict"
    assert "name" in body["errors"]


def test_neighbourhood_validation_names_the_field(client, groningen, admin):
    body = _error(client.post(NEIGHBOURHOODS, headers=admin, json={"name": "X", "kind": "planet"}), 422)
    assert list(body["errors"]) == ["kind"]
    body = _error(client.post(NEIGHBOURHOODS, headers=admin, json={"name": "X", "cbs_code": "GM0014"}), 422)
    assert list(body["errors"]) == ["cbs_code"]
    body = _error(client.post(NEIGHBOURHOODS, headers=admin, json={"kind": "village"}), 422)
    assert list(body["errors"]) == ["name"]
    body = _error(client.post(NEIGHBOURHOODS, headers=admin, json={"name": ""}), 422)
    assert list(body["errors"]) == ["name"]


def test_list_neighbourhoods_paginated(client, groningen, admin):
    names = [f"Wijk {i:02d}" for i in range(25)]
    for name in reversed(names):
        _neighbourhood(client, admin, name)

    first = client.get(NEIGHBOURHOODS, headers=admin)
    assert first.status_code == 200
    assert [n["name"] for n in first.json] == names[:10]  # sorted by name, default page size 10
    pagination = json.loads(first.headers["X-Pagination"])
    assert pagination["total"] == 25 and pagination["total_pages"] == 3
    assert pagination["page"] == 1 and pagination["next_page"] == 2

    page = client.get(f"{NEIGHBOURHOODS}?page=3&page_size=10", headers=admin)
    assert [n["name"] for n in page.json] == names[20:]
    assert json.loads(page.headers["X-Pagination"])["page"] == 3

    big = client.get(f"{NEIGHBOURHOODS}?page_size=100", headers=admin)
    assert len(big.json) == 25

    beyond = client.get(f"{NEIGHBOURHOODS}?page=4", headers=admin)
    assert beyond.status_code == 200, beyond.json
    assert beyond.json == []
    assert json.loads(beyond.headers["X-Pagination"])["total"] == 25


@pytest.mark.parametrize("query, field", [
    ("page_size=101", "page_size"),
    ("page_size=0", "page_size"),
    ("page=0", "page"),
    ("page=abc", "page"),
    ("q=" + "x" * 101, "q"),
])
def test_bad_paging_and_search_parameters_name_the_field(client, groningen, admin, query, field):
    body = _error(client.get(f"{NEIGHBOURHOODS}?{query}", headers=admin), 422)
    assert body["code"] == "validation_error"
    assert field in body["errors"]


def test_search_neighbourhoods(client, groningen, admin):
    for name in ("Beijum", "Paddepoel", "De Hoogte/Indische Buurt", "100%_wijk", "Oosterpark"):
        _neighbourhood(client, admin, name)
    found = client.get(f"{NEIGHBOURHOODS}?q=PADDE", headers=admin)
    assert [n["name"] for n in found.json] == ["Paddepoel"]
    assert json.loads(found.headers["X-Pagination"])["total"] == 1
    assert [n["name"] for n in client.get(f"{NEIGHBOURHOODS}?q=er", headers=admin).json] == ["Oosterpark"]
    # LIKE wildcards in the search are literal characters.
    assert [n["name"] for n in client.get(f"{NEIGHBOURHOODS}?q=%25_", headers=admin).json] == ["100%_wijk"]
    assert [n["name"] for n in client.get(f"{NEIGHBOURHOODS}?q=_", headers=admin).json] == ["100%_wijk"]
    assert client.get(f"{NEIGHBOURHOODS}?q=zzz", headers=admin).json == []


def test_unknown_neighbourhood_is_404(client, groningen, admin):
    body = _error(client.get(f"{NEIGHBOURHOODS}/{uuid.uuid4()}", headers=admin), 404)
    assert body["code"] == "not_found"


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "123", "00000000-0000-0000-0000-00000000000g"])
def test_malformed_id_is_404(client, groningen, admin, bad_id):
    _error(client.get(f"{NEIGHBOURHOODS}/{bad_id}", headers=admin), 404)
    _error(client.get(f"{ORGANISATIONS}/{bad_id}", headers=admin), 404)


# --- organisations -----------------------------------------------------------------------------------


def test_create_and_get_organisation(client, groningen, admin):
    beijum = _neighbourhood(client, admin, "Beijum")
    created = client.post(ORGANISATIONS, headers=admin, json={
        "name": "Buurtcentrum Beijum", "is_host": True, "neighbourhood_id": beijum["id"],
        "description": "Werkbiedende partij"})
    assert created.status_code == 201, created.json
    body = created.json
    assert body["is_host"] is True and body["is_employer"] is False and body["is_coaching"] is False
    assert body["neighbourhood_id"] == beijum["id"]
    fetched = client.get(f"{ORGANISATIONS}/{body['id']}", headers=admin)
    assert fetched.status_code == 200 and fetched.json == body


def test_organisation_with_unknown_neighbourhood_is_422_naming_it(app, client, groningen, admin):
    body = _error(client.post(ORGANISATIONS, headers=admin,
                              json={"name": "Nergens BV", "neighbourhood_id": str(uuid.uuid4())}), 422)
    assert list(body["errors"]) == ["neighbourhood_id"]
    body = _error(client.post(ORGANISATIONS, headers=admin,
                              json={"name": "Nergens BV", "neighbourhood_id": "nope"}), 422)
    assert list(body["errors"]) == ["neighbourhood_id"]
    with app.app_context():
        with tenant_scope(db.session, groningen.id):
            assert db.session.scalars(select(Organisation)).all() == []
        db.session.remove()


def test_organisation_cannot_use_another_tenants_neighbourhood(client, groningen, admin, make_tenant,
                                                               make_token):
    tilburg = make_tenant("tilburg")
    tilburg_admin = auth(make_token(tilburg, "admin"))
    reeshof = client.post("/api/v1/t/tilburg/neighbourhoods", headers=tilburg_admin, json={"name": "Reeshof"})
    assert reeshof.status_code == 201
    body = _error(client.post(ORGANISATIONS, headers=admin,
                              json={"name": "Buurthuis", "neighbourhood_id": reeshof.json["id"]}), 422)
    assert "neighbourhood_id" in body["errors"]


def test_duplicate_organisation_name_is_409_naming_name(client, groningen, admin):
    _organisation(client, admin, "Thermiek BV", is_employer=True)
    body = _error(client.post(ORGANISATIONS, headers=admin, json={"name": "THERMIEK BV"}), 409)
    assert list(body["errors"]) == ["name"]


def test_same_name_in_another_tenant_is_fine(client, groningen, admin, make_tenant, make_token):
    tilburg = make_tenant("tilburg")
    _organisation(client, admin, "Gemeente")
    other = client.post("/api/v1/t/tilburg/organisations", headers=auth(make_token(tilburg, "admin")),
                        json={"name": "Gemeente"})
    assert other.status_code == 201


def test_list_organisations_with_kind_and_search(client, groningen, admin):
    _organisation(client, admin, "Thermiek BV", is_employer=True)
    _organisation(client, admin, "Gemeente Groningen", is_employer=True, is_coaching=True)
    _organisation(client, admin, "Begeleidende partij Noord", is_coaching=True)
    _organisation(client, admin, "Buurtcentrum Beijum", is_host=True)

    def names(query=""):
        response = client.get(f"{ORGANISATIONS}{query}", headers=admin)
        assert response.status_code == 200, response.json
        return [o["name"] for o in response.json]

    assert names() == ["Begeleidende partij Noord", "Buurtcentrum Beijum", "Gemeente Groningen", "Thermiek BV"]
    assert names("?kind=employer") == ["Gemeente Groningen", "Thermiek BV"]
    assert names("?kind=coaching") == ["Begeleidende partij Noord", "Gemeente Groningen"]
    assert names("?kind=host") == ["Buurtcentrum Beijum"]
    assert names("?kind=employer&q=therm") == ["Thermiek BV"]
    assert names("?q=gemeente&kind=host") == []
    paged = client.get(f"{ORGANISATIONS}?page_size=3&page=2", headers=admin)
    assert [o["name"] for o in paged.json] == ["Thermiek BV"]
    assert json.loads(paged.headers["X-Pagination"])["total"] == 4

    body = _error(client.get(f"{ORGANISATIONS}?kind=school", headers=admin), 422)
    assert list(body["errors"]) == ["kind"]
    body = _error(client.get(f"{ORGANISATIONS}?page_size=500", headers=admin), 422)
    assert "page_size" in body["errors"]


def test_unknown_organisation_is_404(client, groningen, admin):
    neighbourhood = _neighbourhood(client, admin, "Beijum")
    # A neighbourhood's id is not an organisation's.
    _error(client.get(f"{ORGANISATIONS}/{neighbourhood['id']}", headers=admin), 404)
    _error(client.get(f"{ORGANISATIONS}/{uuid.uuid4()}", headers=admin), 404)


# --- roles -------------------------------------------------------------------------------------------


def test_viewer_may_read_but_not_create(app, client, groningen, admin, viewer):
    beijum = _neighbourhood(client, admin, "Beijum")
    thermiek = _organisation(client, admin, "Thermiek BV")
    assert client.get(NEIGHBOURHOODS, headers=viewer).status_code == 200
    assert client.get(f"{NEIGHBOURHOODS}/{beijum['id']}", headers=viewer).status_code == 200
    assert client.get(ORGANISATIONS, headers=viewer).status_code == 200
    assert client.get(f"{ORGANISATIONS}/{thermiek['id']}", headers=viewer).status_code == 200

    body = _error(client.post(NEIGHBOURHOODS, headers=viewer, json={"name": "Paddepoel"}), 403)
    assert body["code"] == "forbidden"
    _error(client.post(ORGANISATIONS, headers=viewer, json={"name": "Wijkblad"}), 403)
    # Forbidden even when the body is invalid: the role is checked first, nothing is validated for it.
    _error(client.post(NEIGHBOURHOODS, headers=viewer, json={"bogus": 1}), 403)
    with app.app_context():
        with tenant_scope(db.session, groningen.id):
            assert sorted(db.session.scalars(select(Neighbourhood.name))) == ["Beijum"]
            assert sorted(db.session.scalars(select(Organisation.name))) == ["Thermiek BV"]
        db.session.remove()
