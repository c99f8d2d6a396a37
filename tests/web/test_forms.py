"""The forms of the pages, as an administrator uses them: create, correct mistakes, search, page through,
and the administration pages (users, tokens, sign-in settings, audit log)."""

from __future__ import annotations

import re
import uuid

import pytest

from basisbaan.auth import tokens as token_format
from babel.support import Translations
from sqlalchemy import select

from basisbaan.extensions import db
from basisbaan.models import ApiToken, AuditEvent, Neighbourhood, Organisation, SsoProvider, User
from basisbaan.tenancy import tenant_scope
from tests.conftest import auth
from tests.web.conftest import (TRANSLATIONS_DIR, assert_site_page, create_reference, csrf_token, dutch,
                                error_summary_links, field_value, html_of, make_user, start_session)

T = "/t/groningen"


def rows(app, tenant, model, *where):
    """Rows of `model` of `tenant`, read through the app's own (tenant-scoped) session."""
    with app.app_context():
        with tenant_scope(db.session, tenant.id):
            found = db.session.scalars(select(model).where(*where)).all()
            db.session.expunge_all()
        db.session.remove()
    return found


def count_text(n: int, lang: str = "nl") -> str:
    if lang == "en":
        return f"{n} result" if n == 1 else f"{n} results"
    translations = Translations.load(str(TRANSLATIONS_DIR), ["nl"])
    return translations.ngettext("%(num)d result", "%(num)d results", n) % {"num": n}


def table_names(doc) -> list[str]:
    """The first cell of each row of the page's table."""
    return [tr.find("td").text for tr in doc.find("tbody").find_all("tr")]


def assert_accessible_errors(doc, fields: set[str]):
    """The error summary links to exactly `fields`; each named control is marked invalid and described by
    its error message, and every aria-describedby points at an element that exists."""
    links = error_summary_links(doc)
    assert set(links) == {f"#{name}" for name in fields}, links
    summary = doc.by_id("error-summary")
    assert summary.get("role") == "alert" and summary.get("tabindex") == "-1"
    for name in fields:
        control = doc.by_id(name)
        assert control is not None, name
        assert control.get("aria-invalid") == "true", name
        assert f"{name}-error" in control.get("aria-describedby", "").split(), name
    for el in doc.iter():
        for ref in el.get("aria-describedby", "").split():
            assert doc.by_id(ref) is not None, f"aria-describedby={ref!r} points at nothing"


@pytest.fixture
def admin(app, client, world):
    """Groningen's admin, signed in; returns the tenant."""
    start_session(client, world.tenants["groningen"], world.users[("groningen", "admin")])
    return world.tenants["groningen"]


# --- neighbourhoods ----------------------------------------------------------------------------------

def test_admin_adds_a_neighbourhood_and_finds_it_in_the_list(app, client, admin):
    token = csrf_token(client, f"{T}/neighbourhoods/new")
    response = client.post(f"{T}/neighbourhoods/new", data={
        "csrf_token": token, "name": "  Paddepoel ", "kind": "village", "cbs_code": "WK001401", "area": "Noord"})
    assert response.status_code == 302 and response.headers["Location"] == f"{T}/neighbourhoods"
    doc = assert_site_page(client.get(f"{T}/neighbourhoods"))
    assert dutch("The neighbourhood has been added.") in doc.find("main").text
    row = [tr for tr in doc.find("tbody").find_all("tr") if tr.find("td").text == "Paddepoel"]
    assert row and dutch("Village") in row[0].text and "WK001401" in row[0].text
    saved = rows(app, admin, Neighbourhood, Neighbourhood.name == "Paddepoel")
    assert len(saved) == 1 and (saved[0].kind, saved[0].cbs_code, saved[0].area) == ("village", "WK001401", "Noord")


def test_a_post_without_csrf_token_is_refused_and_saves_nothing(app, client, admin):
    for path, data in ((f"{T}/neighbourhoods/new", {"name": "Zonder token", "kind": "neighbourhood"}),
                       (f"{T}/organisations/new", {"name": "Zonder token"}),
                       (f"{T}/admin/tokens", {"name": "Zonder token", "role": "viewer", "days": "30"})):
        for token in (None, "forged-token"):
            response = client.post(path, data=dict(data, **({"csrf_token": token} if token else {})))
            assert response.status_code == 400, path
            doc = assert_site_page(response)
            assert doc.find("h1").text == dutch("Bad request")
    assert not rows(app, admin, Neighbourhood, Neighbourhood.name == "Zonder token")
    assert not rows(app, admin, Organisation, Organisation.name == "Zonder token")
    assert not rows(app, admin, ApiToken, ApiToken.name == "Zonder token")


def test_a_csrf_token_of_another_session_is_refused(app, client, admin, world):
    other = app.test_client()
    start_session(other, admin, world.users[("groningen", "admin")])
    foreign = csrf_token(other, f"{T}/neighbourhoods/new")
    csrf_token(client, f"{T}/neighbourhoods/new")  # this browser has a token of its own
    response = client.post(f"{T}/neighbourhoods/new", data={"csrf_token": foreign, "name": "Gestolen",
                                                            "kind": "neighbourhood"})
    assert response.status_code == 400
    assert not rows(app, admin, Neighbourhood, Neighbourhood.name == "Gestolen")


@pytest.mark.parametrize("data, fields", [
    ({"name": "", "kind": "district", "cbs_code": "WK001402", "area": "Zuid"}, {"name"}),
    ({"name": "   ", "kind": "district", "cbs_code": "", "area": "Zuid"}, {"name"}),
    ({"name": "Vinkhuizen", "kind": "district", "cbs_code": "WK123", "area": "Zuid"}, {"cbs_code"}),
    ({"name": "beijum", "kind": "district", "cbs_code": "WK001403", "area": "Zuid"}, {"name"}),  # exists as Beijum
    ({"name": "", "kind": "district", "cbs_code": "wk001401", "area": "Zuid"}, {"name", "cbs_code"}),
    ({"name": "Vinkhuizen", "kind": "castle", "cbs_code": "", "area": "Zuid"}, {"kind"}),
])
def test_invalid_neighbourhood_is_shown_again_with_errors_and_not_saved(app, client, admin, data, fields):
    before = rows(app, admin, Neighbourhood)
    token = csrf_token(client, f"{T}/neighbourhoods/new")
    response = client.post(f"{T}/neighbourhoods/new", data=dict(data, csrf_token=token))
    assert response.status_code == 422
    doc = assert_site_page(response)
    assert_accessible_errors(doc, fields)
    # What was typed is still there.
    assert field_value(doc, "name") == data["name"]
    assert field_value(doc, "cbs_code") == data["cbs_code"]
    assert field_value(doc, "area") == data["area"]
    if "kind" not in fields:
        assert field_value(doc, "kind") == data["kind"]
    assert len(rows(app, admin, Neighbourhood)) == len(before)


def test_neighbourhood_search_and_pagination(app, client, admin):
    create_reference(app, admin, neighbourhoods=[f"Wijk {i:02d}" for i in range(1, 31)] + ["100% Noord"])
    doc = html_of(client.get(f"{T}/neighbourhoods"))
    assert doc.find(class_="result-count").text == count_text(32)  # with Beijum
    assert len(table_names(doc)) == 25
    nav = doc.find("nav", class_="utrecht-pagination")
    assert nav is not None and nav.get("aria-label")
    assert nav.find("a", rel="next") is not None and nav.find("a", rel="prev") is None

    doc = html_of(client.get(f"{T}/neighbourhoods?page=2"))
    assert table_names(doc) == [f"Wijk {i:02d}" for i in range(24, 31)]
    assert doc.find("a", rel="prev").get("href").startswith(f"{T}/neighbourhoods?")

    doc = html_of(client.get(f"{T}/neighbourhoods?q=wijk+1"))
    assert table_names(doc) == [f"Wijk {i}" for i in range(10, 20)]
    assert doc.find(class_="result-count").text == count_text(10)
    assert field_value(doc, "q") == "wijk 1"
    assert doc.find("nav", class_="utrecht-pagination") is None

    # The search is a substring match, not a pattern: % and _ are plain characters.
    assert table_names(html_of(client.get(f"{T}/neighbourhoods?q=%25"))) == ["100% Noord"]
    assert html_of(client.get(f"{T}/neighbourhoods?q=_")).find(class_="result-count").text == count_text(0)

    # Paging keeps the search.
    create_reference(app, admin, neighbourhoods=[f"Wijk 1{i:02d}" for i in range(30)])  # Wijk 100 .. Wijk 129
    doc = html_of(client.get(f"{T}/neighbourhoods?q=wijk+1"))
    assert doc.find(class_="result-count").text == count_text(40)
    next_href = doc.find("a", rel="next").get("href")
    assert "q=wijk+1" in next_href or "q=wijk%201" in next_href
    doc = html_of(client.get(next_href))
    assert len(table_names(doc)) == 15 and all(name.lower().startswith("wijk 1") for name in table_names(doc))


@pytest.mark.parametrize("page", ["0", "-3", "abc", "1.5", "99999999999999999999", "9223372036854775807"])
def test_odd_page_numbers_show_a_page_not_an_error(app, client, admin, page):
    create_reference(app, admin, neighbourhoods=[f"Wijk {i:02d}" for i in range(1, 31)])
    response = client.get(f"{T}/neighbourhoods?page={page}")
    assert response.status_code == 200
    names = table_names(html_of(response))
    assert names  # the first or the last page, never an empty list or a server error


# --- organisations -----------------------------------------------------------------------------------

def test_admin_adds_an_organisation_and_finds_it_in_the_list(app, client, admin):
    hood = rows(app, admin, Neighbourhood, Neighbourhood.name == "Beijum")[0]
    doc = html_of(client.get(f"{T}/organisations/new"))
    options = [o.get("value") for o in doc.by_id("neighbourhood_id").find_all("option")]
    assert options == ["", str(hood.id)]
    token = doc.find("input", name="csrf_token").get("value")
    response = client.post(f"{T}/organisations/new", data={
        "csrf_token": token, "name": "Werkbedrijf Noord", "is_employer": "y", "is_host": "y",
        "description": "Biedt basisbanen aan.", "neighbourhood_id": str(hood.id)})
    assert response.status_code == 302 and response.headers["Location"] == f"{T}/organisations"
    doc = html_of(client.get(f"{T}/organisations"))
    assert dutch("The organisation has been added.") in doc.find("main").text
    row = [tr for tr in doc.find("tbody").find_all("tr") if tr.find("td").text == "Werkbedrijf Noord"][0]
    assert dutch("Employer") in row.text and dutch("Host organisation") in row.text
    assert "Biedt basisbanen aan." in row.text
    saved = rows(app, admin, Organisation, Organisation.name == "Werkbedrijf Noord")[0]
    assert (saved.is_employer, saved.is_host, saved.is_coaching, saved.neighbourhood_id) == (True, True, False, hood.id)


@pytest.mark.parametrize("data, fields", [
    ({"name": "", "is_host": "y", "description": "Iets"}, {"name"}),
    ({"name": "Buurtcentrum BEIJUM", "is_host": "y", "description": "Iets"}, {"name"}),
    ({"name": "Nieuw", "is_host": "y", "description": "Iets", "neighbourhood_id": str(uuid.uuid4())},
     {"neighbourhood_id"}),
    ({"name": "Nieuw", "is_host": "y", "description": "x" * 2001}, {"description"}),
])
def test_invalid_organisation_is_shown_again_with_errors_and_not_saved(app, client, admin, data, fields):
    before = rows(app, admin, Organisation)
    token = csrf_token(client, f"{T}/organisations/new")
    response = client.post(f"{T}/organisations/new", data={"neighbourhood_id": "", **data, "csrf_token": token})
    assert response.status_code == 422
    doc = assert_site_page(response)
    assert_accessible_errors(doc, fields)
    assert field_value(doc, "name") == data["name"]
    assert field_value(doc, "is_host") is True and field_value(doc, "is_employer") is False
    assert field_value(doc, "description") == data["description"]
    assert len(rows(app, admin, Organisation)) == len(before)


def test_organisation_search_kind_filter_and_pagination(app, client, admin):
    create_reference(app, admin, organisations=[{"name": f"Bedrijf {i:02d}", "is_employer": True}
                                                for i in range(1, 28)] + [{"name": "Zorg Noord", "is_host": True}])
    doc = html_of(client.get(f"{T}/organisations"))
    assert doc.find(class_="result-count").text == count_text(29)
    doc = html_of(client.get(f"{T}/organisations?kind=employer&page=2"))
    assert table_names(doc) == ["Bedrijf 26", "Bedrijf 27"]
    assert doc.find(class_="result-count").text == count_text(27)
    assert field_value(doc, "kind") == "employer"
    assert "kind=employer" in doc.find("a", rel="prev").get("href")
    doc = html_of(client.get(f"{T}/organisations?kind=host"))
    assert table_names(doc) == ["Zorg Noord"]
    doc = html_of(client.get(f"{T}/organisations?kind=coaching&q=beij"))
    assert table_names(doc) == ["Buurtcentrum Beijum"]
    doc = html_of(client.get(f"{T}/organisations?kind=nonsense&q=noord"))  # an unknown kind is ignored
    assert table_names(doc) == ["Zorg Noord"]


# --- users -------------------------------------------------------------------------------------------

def test_users_search_and_role_filter(app, client, admin):
    make_user(app, admin, ["coach"], name="Fenna de Vries", email="fenna@groningen.example.nl")
    make_user(app, admin, ["coach", "jobcoach"], name="Jan Jansen", email="jan@werkbedrijf.example.nl")
    doc = html_of(client.get(f"{T}/admin/users?q=vries"))
    assert table_names(doc) == ["Fenna de Vries"]
    doc = html_of(client.get(f"{T}/admin/users?q=WERKBEDRIJF"))  # e-mail, any case
    assert table_names(doc) == ["Jan Jansen"]
    assert dutch("Coach") in doc.find("tbody").text and dutch("Job coach") in doc.find("tbody").text
    doc = html_of(client.get(f"{T}/admin/users?role=jobcoach"))
    assert sorted(table_names(doc)) == ["Jan Jansen", "Jobcoach of Groningen"]
    assert field_value(doc, "role") == "jobcoach"
    doc = html_of(client.get(f"{T}/admin/users?role=coach&q=jan"))
    assert table_names(doc) == ["Jan Jansen"]
    doc = html_of(client.get(f"{T}/admin/users?role=superuser"))  # unknown role: no filter
    assert doc.find(class_="result-count").text == count_text(7)


def test_deactivating_a_user_signs_them_out(app, client, admin, world):
    coach_id = world.users[("groningen", "coach")]
    coach = app.test_client()
    start_session(coach, admin, coach_id)
    assert coach.get(f"{T}/neighbourhoods").status_code == 200

    doc = html_of(client.get(f"{T}/admin/users/{coach_id}"))
    assert field_value(doc, "is_active") is True
    response = client.post(f"{T}/admin/users/{coach_id}", data={
        "csrf_token": doc.find("input", name="csrf_token").get("value"), "organisation_id": ""})
    assert response.status_code == 302 and response.headers["Location"] == f"{T}/admin/users"
    assert rows(app, admin, User, User.id == coach_id)[0].is_active is False
    doc = html_of(client.get(f"{T}/admin/users"))
    assert dutch("The user has been saved.") in doc.find("main").text
    row = [tr for tr in doc.find("tbody").find_all("tr") if tr.find("td").text == "Coach of Groningen"][0]
    assert dutch("Deactivated") in row.text

    # The coach's next request: signed out, sent to the sign-in, the session emptied.
    response = coach.get(f"{T}/neighbourhoods")
    assert response.status_code == 302
    assert response.headers["Location"] == f"{T}/login?next=/t/groningen/neighbourhoods"
    with coach.session_transaction() as flask_session:
        assert "user_id" not in flask_session
    # ... also on the API with the browser session.
    start_session(coach, admin, coach_id)
    assert coach.get("/api/v1/t/groningen/neighbourhoods").status_code == 401

    # Reactivated, the same session works again (roles and state are read on every request).
    doc = html_of(client.get(f"{T}/admin/users/{coach_id}"))
    client.post(f"{T}/admin/users/{coach_id}", data={"csrf_token": doc.find("input", name="csrf_token").get("value"),
                                                      "is_active": "y", "organisation_id": ""})
    assert coach.get(f"{T}/neighbourhoods").status_code == 200


def test_setting_a_job_coachs_coaching_organisation(app, client, admin, world):
    create_reference(app, admin, organisations=[{"name": "Werkgever BV", "is_employer": True}])
    coaching = rows(app, admin, Organisation, Organisation.name == "Buurtcentrum Beijum")[0]
    jobcoach_id = world.users[("groningen", "jobcoach")]
    doc = html_of(client.get(f"{T}/admin/users/{jobcoach_id}"))
    options = {o.get("value"): o.text for o in doc.by_id("organisation_id").find_all("option")}
    assert options == {"": dutch("None"), str(coaching.id): "Buurtcentrum Beijum"}  # coaching organisations only
    assert field_value(doc, "organisation_id") == ""
    response = client.post(f"{T}/admin/users/{jobcoach_id}", data={
        "csrf_token": doc.find("input", name="csrf_token").get("value"), "is_active": "y",
        "organisation_id": str(coaching.id)})
    assert response.status_code == 302
    saved = rows(app, admin, User, User.id == jobcoach_id)[0]
    assert saved.organisation_id == coaching.id and saved.is_active
    doc = html_of(client.get(f"{T}/admin/users/{jobcoach_id}"))
    assert field_value(doc, "organisation_id") == str(coaching.id)

    # An organisation that is not a coaching organisation (or does not exist) is refused.
    employer = rows(app, admin, Organisation, Organisation.name == "Werkgever BV")[0]
    for bad in (str(employer.id), str(uuid.uuid4()), "not-a-uuid"):
        response = client.post(f"{T}/admin/users/{jobcoach_id}", data={
            "csrf_token": doc.find("input", name="csrf_token").get("value"), "is_active": "y",
            "organisation_id": bad})
        assert response.status_code == 422, bad
        assert_accessible_errors(html_of(response), {"organisation_id"})
    assert rows(app, admin, User, User.id == jobcoach_id)[0].organisation_id == coaching.id


def test_an_admin_cannot_deactivate_themselves(app, client, admin, world):
    admin_id = world.users[("groningen", "admin")]
    doc = html_of(client.get(f"{T}/admin/users/{admin_id}"))
    response = client.post(f"{T}/admin/users/{admin_id}", data={
        "csrf_token": doc.find("input", name="csrf_token").get("value"), "organisation_id": ""})
    assert response.status_code == 422
    doc = assert_site_page(response)
    assert_accessible_errors(doc, {"is_active"})
    assert dutch("You cannot deactivate yourself.") in doc.by_id("error-summary").text
    assert rows(app, admin, User, User.id == admin_id)[0].is_active is True
    assert client.get(f"{T}/admin/users").status_code == 200  # still signed in


# --- API tokens --------------------------------------------------------------------------------------

def test_a_token_is_shown_once_works_and_stops_working_when_revoked(app, client, admin):
    token = csrf_token(client, f"{T}/admin/tokens")
    response = client.post(f"{T}/admin/tokens", data={"csrf_token": token, "name": "Uitkeringssysteem",
                                                      "role": "viewer", "days": "30"})
    assert response.status_code == 201
    body = response.get_data(as_text=True)
    found = re.findall(r"bb_groningen_[A-Za-z0-9_\-]+", body)
    assert len(set(found)) == 1
    plaintext = found[0]
    doc = html_of(response)
    assert doc.by_id("new-token").text == plaintext
    assert field_value(doc, "name") == ""  # the form is empty again for the next token

    api = app.test_client()
    assert api.get("/api/v1/t/groningen/neighbourhoods", headers=auth(plaintext)).status_code == 200
    # A viewer token cannot write.
    assert api.post("/api/v1/t/groningen/neighbourhoods", headers=auth(plaintext),
                    json={"name": "Via token"}).status_code == 403

    listing = client.get(f"{T}/admin/tokens")
    assert listing.status_code == 200
    text = listing.get_data(as_text=True)
    secret = token_format.parse(plaintext).secret  # the 43-character secret (it may itself contain "_")
    assert plaintext not in text and secret not in text and "bb_groningen_" not in text
    doc = html_of(listing)
    row = [tr for tr in doc.find("tbody").find_all("tr") if tr.find("td").text == "Uitkeringssysteem"][0]
    assert dutch("Viewer") in row.text and dutch("Active") in row.text
    assert listing.headers["Cache-Control"] == "no-store"

    form = row.find("form")
    response = client.post(form.get("action"), data={"csrf_token": form.find("input", name="csrf_token").get("value")})
    assert response.status_code == 302 and response.headers["Location"] == f"{T}/admin/tokens"
    assert api.get("/api/v1/t/groningen/neighbourhoods", headers=auth(plaintext)).status_code == 401
    doc = html_of(client.get(f"{T}/admin/tokens"))
    assert dutch("The token has been revoked.") in doc.find("main").text
    row = [tr for tr in doc.find("tbody").find_all("tr") if tr.find("td").text == "Uitkeringssysteem"][0]
    assert dutch("Revoked") in row.text and row.find("form") is None


def test_revoking_needs_a_csrf_token(app, client, admin, world):
    live = rows(app, admin, ApiToken)
    assert len(live) == 1
    response = client.post(f"{T}/admin/tokens/{live[0].id}/revoke")
    assert response.status_code == 400
    assert rows(app, admin, ApiToken)[0].revoked_at is None
    assert app.test_client().get("/api/v1/t/groningen", headers=auth(world.tokens["groningen"])).status_code == 200


@pytest.mark.parametrize("data, fields", [
    ({"name": "", "role": "viewer", "days": "30"}, {"name"}),
    ({"name": "Export", "role": "root", "days": "30"}, {"role"}),
    ({"name": "Export", "role": "viewer", "days": "0"}, {"days"}),
    ({"name": "Export", "role": "viewer", "days": "367"}, {"days"}),
    ({"name": "Export", "role": "viewer", "days": "veel"}, {"days"}),
])
def test_invalid_token_requests_are_refused(app, client, admin, data, fields):
    token = csrf_token(client, f"{T}/admin/tokens")
    response = client.post(f"{T}/admin/tokens", data=dict(data, csrf_token=token))
    assert response.status_code == 422
    assert "bb_groningen_" not in response.get_data(as_text=True)
    assert_accessible_errors(html_of(response), fields)
    assert len(rows(app, admin, ApiToken)) == 1  # the world's own token only


# --- sign-in settings --------------------------------------------------------------------------------

SSO = {"issuer": "https://login.groningen.example", "client_id": "basisbaan-groningen",
       "client_secret": "plaintext-client-secret-4711", "scopes": "openid profile email", "role_claim": "groups",
       "role_admin": "bb-admin", "role_coach": "bb-coach, bb-coach-extern", "role_jobcoach": "", "role_finance": "",
       "role_viewer": ""}


def post_sso(client, **changes):
    token = csrf_token(client, f"{T}/admin/sso")
    return client.post(f"{T}/admin/sso", data=dict(SSO, csrf_token=token, **changes))


def stored_provider(owner_engine, tenant):
    with owner_engine.connect() as conn:
        return conn.execute(select(SsoProvider.__table__).where(SsoProvider.__table__.c.tenant_id == tenant.id)
                            ).mappings().all()


def test_sso_settings_need_issuer_client_id_secret_and_a_role_mapping(app, client, admin, owner_engine):
    empty = {key: "" for key in SSO}
    response = post_sso(client, **empty)
    assert response.status_code == 422
    assert_accessible_errors(html_of(response), {"issuer", "client_id", "scopes", "role_claim"})

    response = post_sso(client, client_secret="", role_admin="", role_coach="")
    assert response.status_code == 422
    doc = html_of(response)
    assert_accessible_errors(doc, {"client_secret", "role_admin"})
    assert dutch("Map at least one role to a claim value.") in doc.by_id("error-summary").text
    assert field_value(doc, "issuer") == SSO["issuer"] and field_value(doc, "client_id") == SSO["client_id"]

    for issuer in ("http://login.groningen.example", "https://login.example/?x=1", "login.example", "https://"):
        response = post_sso(client, issuer=issuer)
        assert response.status_code == 422, issuer
        assert_accessible_errors(html_of(response), {"issuer"})
        assert SSO["client_secret"] not in response.get_data(as_text=True)  # not echoed into the form
    response = post_sso(client, scopes="profile email")
    assert response.status_code == 422
    assert_accessible_errors(html_of(response), {"scopes"})
    assert stored_provider(owner_engine, admin) == []


def test_sso_settings_are_saved_with_the_secret_encrypted_and_never_shown(app, client, admin, owner_engine):
    response = post_sso(client)
    assert response.status_code == 302 and response.headers["Location"] == f"{T}/admin/sso"
    [stored] = stored_provider(owner_engine, admin)
    assert SSO["client_secret"] not in stored["client_secret_encrypted"]
    secrets = app.extensions["basisbaan.secrets"]
    assert secrets.decrypt(stored["client_secret_encrypted"]) == SSO["client_secret"]
    assert stored["version"] == 1 and stored["issuer"] == SSO["issuer"]
    assert stored["role_map"] == {"admin": ["bb-admin"], "coach": ["bb-coach", "bb-coach-extern"]}

    page = client.get(f"{T}/admin/sso")
    text = page.get_data(as_text=True)
    assert SSO["client_secret"] not in text and stored["client_secret_encrypted"] not in text
    doc = html_of(page)
    assert dutch("The sign-in settings have been saved.") in doc.find("main").text
    assert doc.by_id("client_secret").get("type") == "password" and field_value(doc, "client_secret") == ""
    assert field_value(doc, "issuer") == SSO["issuer"] and field_value(doc, "client_id") == SSO["client_id"]
    assert field_value(doc, "role_coach") == "bb-coach, bb-coach-extern"
    assert "/t/groningen/auth/callback" in doc.find("main").text  # the redirect address to register

    # Saved again without a secret: the stored one stays, the version goes up.
    response = post_sso(client, client_secret="", client_id="basisbaan-groningen-2")
    assert response.status_code == 302
    [again] = stored_provider(owner_engine, admin)
    assert again["client_secret_encrypted"] == stored["client_secret_encrypted"]
    assert again["version"] == 2 and again["client_id"] == "basisbaan-groningen-2"
    # A new secret replaces it.
    post_sso(client, client_secret="a-new-secret-0815")
    [third] = stored_provider(owner_engine, admin)
    assert third["version"] == 3 and secrets.decrypt(third["client_secret_encrypted"]) == "a-new-secret-0815"
    for text in (client.get(f"{T}/admin/sso").get_data(as_text=True),
                 client.get(f"{T}/admin/audit").get_data(as_text=True)):
        assert "a-new-secret-0815" not in text and SSO["client_secret"] not in text


# --- audit log ---------------------------------------------------------------------------------------

def test_the_audit_log_lists_what_was_done_filters_and_stays_within_the_municipality(app, client, admin, world):
    admin_id = world.users[("groningen", "admin")]
    coach_id = world.users[("groningen", "coach")]
    token = csrf_token(client, f"{T}/neighbourhoods/new")
    client.post(f"{T}/neighbourhoods/new", data={"csrf_token": token, "name": "Selwerd", "kind": "neighbourhood"})
    client.post(f"{T}/admin/tokens", data={"csrf_token": token, "name": "Export", "role": "viewer", "days": "7"})
    [export] = rows(app, admin, ApiToken, ApiToken.name == "Export")
    client.post(f"{T}/admin/tokens/{export.id}/revoke", data={"csrf_token": token})
    client.post(f"{T}/admin/users/{coach_id}", data={"csrf_token": token, "organisation_id": ""})
    post_sso(client)
    # Tilburg acts too; none of it may show up in Groningen's log.
    tilburg = app.test_client()
    start_session(tilburg, world.tenants["tilburg"], world.users[("tilburg", "admin")])
    tilburg_token = csrf_token(tilburg, "/t/tilburg/neighbourhoods/new")
    tilburg.post("/t/tilburg/neighbourhoods/new", data={"csrf_token": tilburg_token, "name": "Tilburg-Noord",
                                                        "kind": "neighbourhood"})
    tilburg_events = rows(app, world.tenants["tilburg"], AuditEvent)
    assert any(e.action == "neighbourhood.created" for e in tilburg_events)

    doc = html_of(client.get(f"{T}/admin/audit"))
    actions = [code.text for code in doc.find("tbody").find_all("code")]
    for expected in ("neighbourhood.created", "token.created", "token.revoked", "user.updated", "sso.configured"):
        assert expected in actions, (expected, actions)
    assert actions[0] == "sso.configured"  # newest first
    body = doc.find("tbody").text
    assert "Admin of Groningen" in body
    page_text = client.get(f"{T}/admin/audit").get_data(as_text=True)
    for event in tilburg_events:
        if event.entity_id:
            assert event.entity_id not in page_text
    assert "Admin of Tilburg" not in page_text and "Tilburg" not in page_text

    doc = html_of(client.get(f"{T}/admin/audit?action=token."))
    assert sorted(code.text for code in doc.find("tbody").find_all("code")) == [
        "token.created", "token.created", "token.revoked"]  # the world's token and the one above
    assert field_value(doc, "action") == "token."
    doc = html_of(client.get(f"{T}/admin/audit?action=user&entity=user"))
    assert {code.text for code in doc.find("tbody").find_all("code")} == {"user.updated"}
    doc = html_of(client.get(f"{T}/admin/audit?action=%25"))  # a plain character, not a pattern
    assert doc.find(class_="result-count").text == count_text(0)
    assert str(admin_id) in html_of(client.get(f"{T}/admin/audit?action=signin")).find("tbody").text
