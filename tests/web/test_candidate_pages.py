"""The candidate pages as a coach uses them: the list with filters, search and pages; registering and
editing; the candidate's page with the masked BSN, revealing it, special data, conversations, the decision
and the eligibility panel; import with a check first; the export; the funnel. Other roles get 403.

Pages are Dutch by default: expected texts come from the Dutch catalogue (`dutch`). Rows and audit events
are read as the database owner, past the application's tenant walls.
"""

from __future__ import annotations

import csv
import io
import itertools
import uuid
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from basisbaan.extensions import db
from basisbaan.services import candidates as candidate_service
from basisbaan.services import intake
from basisbaan.services.audit import Actor
from basisbaan.tenancy import tenant_scope
from tests.web.conftest import (assert_site_page, create_reference, csrf_token, dutch, error_summary_links,
                                field_value, html_of, make_user, start_session)

T = "/t/groningen"
TODAY = date.today()
_counter = itertools.count(1)
OTHER_ROLES = ("jobcoach", "finance", "viewer", "admin")


# --- helpers ----------------------------------------------------------------------------------------------

def add_candidate(app, tenant, *, talked_on: date | None = None, **fields) -> uuid.UUID:
    """A candidate through the service (faster than the form), with an intake conversation if asked."""
    data = {"given_names": "Sam", "family_name": f"Kandidaat {next(_counter):03d}", "referral_source": "colleague",
            "referral_date": date(2024, 1, 2)}
    data.update(fields)
    with app.app_context():
        with tenant_scope(db.session, tenant.id):
            secrets = app.extensions["basisbaan.secrets"]
            created = candidate_service.create(db.session, secrets, data, Actor.system("test"), TODAY)
            if talked_on is not None:
                intake.add_conversation(db.session, secrets, created, held_on=talked_on, coach_id=None, notes=None,
                                        actor=Actor.system("test"), today=TODAY)
            candidate_id = created.id
        db.session.commit()
        db.session.remove()
    return candidate_id


def decide(app, tenant, candidate_id, outcome: str, on: date, reason_category=None, reasons=None):
    with app.app_context():
        with tenant_scope(db.session, tenant.id):
            record = candidate_service.get(db.session, candidate_id)
            hooks = app.extensions["basisbaan.plugins"].for_tenant(tenant_obj(tenant))
            intake.decide(db.session, hooks, record, intake.DecisionInput(
                outcome=outcome, decided_on=on, reason_category=reason_category, reasons=reasons),
                Actor.system("test"), TODAY)
        db.session.commit()
        db.session.remove()


def tenant_obj(tenant):
    from basisbaan.services import tenants as tenant_service

    return tenant_service.get_by_slug(db.session, tenant.slug)


def owner_rows(owner_engine, sql: str, **params) -> list[dict]:
    with owner_engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(text(sql), params)]


def count(owner_engine, table: str) -> int:
    with owner_engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()


def events(owner_engine, action: str, entity_id=None) -> list[dict]:
    rows = owner_rows(owner_engine, "SELECT * FROM audit_events WHERE action = :a ORDER BY id", a=action)
    if entity_id is not None:
        rows = [r for r in rows if r["entity_id"] == str(entity_id)]
    return rows


def list_names(doc) -> list[str]:
    """The name links of the candidate list ("Family, Given"); empty when the list says nothing found."""
    return [tr.find("a").text for tr in doc.find("tbody").find_all("tr") if tr.find("a") is not None]


def result_count(n: int) -> str:
    from tests.web.conftest import _dutch_catalogue

    return _dutch_catalogue().ngettext("%(num)d result", "%(num)d results", n) % {"num": n}


def alerts(doc) -> list[str]:
    return [div.text for div in doc.find_all("div", class_="utrecht-alert")]


def table_with_caption(doc, caption: str):
    for table in doc.find_all("table"):
        found = table.find("caption")
        if found is not None and found.text.startswith(caption):
            return table
    return None


def body_rows(table) -> list[list[str]]:
    return [[cell.text for cell in tr.iter() if cell.tag in ("td", "th")] for tr in table.find("tbody").find_all("tr")]


def post(client, path: str, data: dict, token_from: str | None = None):
    token = csrf_token(client, token_from or path)
    return client.post(path, data={"csrf_token": token, **data})


@pytest.fixture
def groningen(world):
    return world.tenants["groningen"]


@pytest.fixture
def coach(app, client, world, groningen):
    """Groningen's coach, signed in; returns the coach's user id."""
    start_session(client, groningen, world.users[("groningen", "coach")])
    return world.users[("groningen", "coach")]


# --- the list -------------------------------------------------------------------------------------------

@pytest.fixture
def crowd(app, world, groningen):
    """Two more neighbourhoods and coaches, and candidates spread over them (plus the world's own)."""
    hoods = dict(zip(("Vinkhuizen", "Paddepoel"), create_reference(
        app, groningen, neighbourhoods=["Vinkhuizen", "Paddepoel"])["neighbourhoods"]))
    anna = make_user(app, groningen, ["coach"], name="Anna Coach")
    bram = make_user(app, groningen, ["coach"], name="Bram Coach")
    made = {
        "Amrani": add_candidate(app, groningen, given_names="Fatima", family_name="El Amrani", bsn="111222333",
                                neighbourhood_id=hoods["Vinkhuizen"], coach_id=anna),
        "Bakker": add_candidate(app, groningen, given_names="Johan", family_name="Bakker", bsn="123456782",
                                neighbourhood_id=hoods["Paddepoel"], coach_id=anna, talked_on=date(2024, 2, 1)),
        "Visser": add_candidate(app, groningen, given_names="Els", family_name="Visser",
                                neighbourhood_id=hoods["Vinkhuizen"], coach_id=bram),
    }
    return {"hoods": hoods, "anna": anna, "bram": bram, "made": made}


def test_the_list_shows_this_municipalitys_candidates_with_a_count(app, client, coach, crowd, owner_engine):
    response = client.get(f"{T}/candidates")
    doc = assert_site_page(response)
    assert response.status_code == 200
    assert list_names(doc) == ["Bakker, Johan", "El Amrani, Fatima", "Kandidaat Groningen, Sam", "Visser, Els"]
    assert doc.find(class_="result-count").text == result_count(4)
    assert "Tilburg" not in doc.find("main").text
    row = [tr for tr in doc.find("tbody").find_all("tr") if "Bakker" in tr.text][0]
    cells = [td.text for td in row.find_all("td")]
    assert cells[1:4] == [dutch("In conversation"), "Paddepoel", "Anna Coach"]
    assert row.find("a").get("href") == f"{T}/candidates/{crowd['made']['Bakker']}"
    # Neither the BSN nor its masked form is in the list, and listing is not recorded as viewing.
    assert "111222333" not in response.get_data(as_text=True) and "******" not in response.get_data(as_text=True)
    assert events(owner_engine, "candidate.viewed") == []


def test_the_list_filters_by_status_neighbourhood_and_coach(app, client, coach, crowd, owner_engine):
    hoods, anna, bram = crowd["hoods"], crowd["anna"], crowd["bram"]

    def names(**query):
        response = client.get(f"{T}/candidates", query_string=query)
        assert response.status_code == 200
        return html_of(response), list_names(html_of(response))

    doc, found = names(status="referred")
    assert found == ["El Amrani, Fatima", "Visser, Els"]
    assert field_value(doc, "status") == "referred"
    assert doc.find(class_="result-count").text == result_count(2)
    doc, found = names(neighbourhood=str(hoods["Vinkhuizen"]))
    assert found == ["El Amrani, Fatima", "Visser, Els"]
    assert field_value(doc, "neighbourhood") == str(hoods["Vinkhuizen"])
    doc, found = names(coach=str(anna))
    assert found == ["Bakker, Johan", "El Amrani, Fatima"]
    assert field_value(doc, "coach") == str(anna)
    assert names(coach=str(bram), neighbourhood=str(hoods["Vinkhuizen"]))[1] == ["Visser, Els"]
    assert names(coach=str(bram), status="in_conversation")[1] == []
    assert names(status="in_conversation")[1] == ["Bakker, Johan", "Kandidaat Groningen, Sam"]
    # The filters offer this municipality's neighbourhoods and coaches only.
    options = {o.text for o in doc.by_id("neighbourhood").find_all("option")}
    assert {"Beijum", "Vinkhuizen", "Paddepoel"} <= options and "Reeshof" not in options
    coaches = {o.text for o in doc.by_id("coach").find_all("option")}
    assert {"Anna Coach", "Bram Coach", "Coach of Groningen"} <= coaches and "Coach of Tilburg" not in coaches
    # Unknown values are ignored rather than failing the page.
    doc, found = names(status="hired", neighbourhood="not-a-uuid", coach=str(uuid.uuid4())[:8])
    assert len(found) == 4
    # A neighbourhood of Tilburg finds nothing here.
    tilburg_hood = owner_rows(owner_engine, "SELECT id FROM neighbourhoods WHERE name = 'Reeshof'")[0]["id"]
    assert names(neighbourhood=str(uuid.UUID(str(tilburg_hood))))[1] == []


@pytest.mark.parametrize("q, expected", [
    ("amra", ["El Amrani, Fatima"]),
    ("FATIMA el", ["El Amrani, Fatima"]),
    ("kker", ["Bakker, Johan"]),
    ("111222333", ["El Amrani, Fatima"]),
    ("1112 22 333", ["El Amrani, Fatima"]),
    ("123456782", ["Bakker, Johan"]),
    ("111222", []),
    ("123456789", []),
    ("Tilburg", []),
])
def test_search_by_name_and_by_full_bsn(app, client, coach, crowd, q, expected):
    doc = html_of(client.get(f"{T}/candidates", query_string={"q": q}))
    assert list_names(doc) == expected
    assert field_value(doc, "q") == q
    assert doc.find(class_="result-count").text == result_count(len(expected))
    if not expected:
        assert dutch("Nothing found.") in doc.find("tbody").text


def test_the_list_has_pages_of_25_and_the_links_keep_the_filters(app, client, coach, groningen):
    for n in range(30):
        add_candidate(app, groningen, family_name=f"Jansen {n:02d}")
    doc = html_of(client.get(f"{T}/candidates"))
    assert doc.find(class_="result-count").text == result_count(31)
    assert list_names(doc)[:3] == ["Jansen 00, Sam", "Jansen 01, Sam", "Jansen 02, Sam"]
    assert len(list_names(doc)) == 25
    nav = doc.find("nav", class_="utrecht-pagination")
    assert nav.find("a", rel="prev") is None
    assert nav.find("a", rel="next").get("href") is not None
    second = html_of(client.get(nav.find("a", rel="next").get("href")))
    assert list_names(second) == [f"Jansen {n}, Sam" for n in range(25, 30)] + ["Kandidaat Groningen, Sam"]
    assert second.find("nav", class_="utrecht-pagination").find("a", rel="next") is None
    # Filtered: 30 referred candidates; the next page link keeps the filter and the search.
    doc = html_of(client.get(f"{T}/candidates", query_string={"status": "referred", "q": "jansen"}))
    assert doc.find(class_="result-count").text == result_count(30)
    href = doc.find("nav", class_="utrecht-pagination").find("a", rel="next").get("href")
    assert "status=referred" in href and "q=jansen" in href and "page=2" in href
    assert list_names(html_of(client.get(href))) == [f"Jansen {n}, Sam" for n in range(25, 30)]
    # Past the end: the last page.
    assert len(list_names(html_of(client.get(f"{T}/candidates?page=99")))) == 6


# --- registering ----------------------------------------------------------------------------------------

def form_data(**overrides) -> dict:
    data = {"given_names": "Wilhelmina", "family_name": "Oosterhuis", "bsn": "1112 22 333",
            "date_of_birth": "1985-04-12", "gender": "female", "household_type": "single", "neighbourhood_id": "",
            "email": "", "phone": "0612349876", "referral_source": "area_team",
            "referral_date": "2024-01-15", "coach_id": "", "social_assistance_since": "2019-01-01",
            "reintegration_track": "", "available_hours": "32", "preferred_work": "groen, schoonmaak",
            "no_prospect_of_work": "yes", "health_notes": "Astma, geen stoffig werk", "limitations": "",
            "support_needs": "Vaste begeleider"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("overrides, fields", [
    ({"bsn": "123456789"}, {"bsn"}),
    ({"bsn": "12345"}, {"bsn"}),
    ({"date_of_birth": (TODAY + timedelta(days=1)).isoformat()}, {"date_of_birth"}),
    ({"bsn": "123456789", "date_of_birth": (TODAY + timedelta(days=400)).isoformat()}, {"bsn", "date_of_birth"}),
    ({"referral_date": (TODAY + timedelta(days=1)).isoformat()}, {"referral_date"}),
    ({"family_name": "", "available_hours": "61"}, {"family_name", "available_hours"}),
])
def test_an_invalid_registration_is_shown_again_with_errors_and_not_saved(app, client, coach, owner_engine,
                                                                          overrides, fields):
    before = count(owner_engine, "candidates")
    data = form_data(**overrides)
    response = post(client, f"{T}/candidates/new", data)
    assert response.status_code == 422
    doc = assert_site_page(response)
    assert set(error_summary_links(doc)) == {f"#{name}" for name in fields}
    for name in fields:
        control = doc.by_id(name)
        assert control.get("aria-invalid") == "true" and doc.by_id(f"{name}-error") is not None
    # What was typed is still there, the special data included.
    for name in ("given_names", "family_name", "bsn", "date_of_birth", "email", "phone", "referral_date",
                 "available_hours", "preferred_work", "health_notes", "support_needs"):
        assert field_value(doc, name) == data[name], name
    for name in ("gender", "household_type", "referral_source", "no_prospect_of_work"):
        assert field_value(doc, name) == data[name], name
    assert count(owner_engine, "candidates") == before
    assert count(owner_engine, "persons") == before
    assert [e for e in events(owner_engine, "candidate.created") if e["actor_type"] == "user"] == []


def test_the_invalid_bsn_message_is_dutch_and_never_repeats_the_number(app, client, coach):
    response = post(client, f"{T}/candidates/new", form_data(bsn="123456789"))
    doc = html_of(response)
    assert doc.by_id("bsn-error").text == dutch("This is not a valid BSN (11-check).")
    future = post(client, f"{T}/candidates/new", form_data(date_of_birth=(TODAY + timedelta(days=1)).isoformat()))
    assert html_of(future).by_id("date_of_birth-error").text == dutch("Cannot be in the future.")


def test_a_valid_registration_creates_the_candidate_and_opens_its_page(app, client, coach, groningen, world,
                                                                       owner_engine):
    hood = owner_rows(owner_engine, "SELECT id FROM neighbourhoods WHERE name = 'Beijum'")[0]["id"]
    coach_id = world.users[("groningen", "coach")]
    page = html_of(client.get(f"{T}/candidates/new"))
    assert field_value(page, "referral_date") == TODAY.isoformat()
    assert str(coach_id) in {o.get("value") for o in page.by_id("coach_id").find_all("option")}
    response = post(client, f"{T}/candidates/new", form_data(neighbourhood_id=str(uuid.UUID(str(hood))),
                                                             coach_id=str(coach_id)))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    (created,) = owner_rows(owner_engine, "SELECT id, status, available_hours, no_prospect_of_work "
                                          "FROM candidates WHERE person_id IN "
                                          "(SELECT id FROM persons WHERE family_name = 'Oosterhuis')")
    created_id = uuid.UUID(str(created["id"]))
    assert response.headers["Location"] == f"{T}/candidates/{created_id}"
    assert (created["status"], created["available_hours"], bool(created["no_prospect_of_work"])) == (
        "referred", 32, True)
    doc = assert_site_page(client.get(response.headers["Location"]))
    main = doc.find("main").text
    assert doc.find("h1").text == "Wilhelmina Oosterhuis"
    assert dutch("The candidate has been registered.") in alerts(doc)
    assert "******333" in main and "111222333" not in main
    assert "Beijum" in main and "Coach of Groningen" in main and "Astma, geen stoffig werk" in main
    (person,) = owner_rows(owner_engine, "SELECT * FROM persons WHERE family_name = 'Oosterhuis'")
    assert person["bsn_last3"] == "333" and "111222333" not in person["bsn_encrypted"]
    (event,) = events(owner_engine, "candidate.created", created_id)
    assert event["actor_type"] == "user" and event["actor_id"] == str(coach_id)


def test_editing_shows_the_stored_values_and_saves_changes(app, client, coach, groningen, owner_engine):
    candidate_id = add_candidate(app, groningen, given_names="Els", family_name="Visser", bsn="111222333",
                                 phone="0611111111", available_hours=24, preferred_work=["groen", "post"],
                                 health_notes="Rugklachten", no_prospect_of_work=False)
    path = f"{T}/candidates/{candidate_id}/edit"
    doc = assert_site_page(client.get(path))
    assert (field_value(doc, "family_name"), field_value(doc, "phone"), field_value(doc, "available_hours")) == (
        "Visser", "0611111111", "24")
    assert field_value(doc, "preferred_work") == "groen, post"
    assert field_value(doc, "health_notes") == "Rugklachten"
    assert field_value(doc, "no_prospect_of_work") == "no"
    assert field_value(doc, "bsn") == ""  # the stored number is never put in the form
    values = {name: field_value(doc, name) or "" for name in form_data()}
    values.update(phone="0622222222", date_of_birth=(TODAY + timedelta(days=3)).isoformat())
    refused = post(client, path, values)
    assert refused.status_code == 422
    assert error_summary_links(html_of(refused)) == ["#date_of_birth"]
    assert field_value(html_of(refused), "phone") == "0622222222"
    assert owner_rows(owner_engine, "SELECT phone FROM persons WHERE family_name = 'Visser'") == [
        {"phone": "0611111111"}]
    values["date_of_birth"] = "1980-01-01"
    saved = post(client, path, values)
    assert saved.status_code == 302 and saved.headers["Location"] == f"{T}/candidates/{candidate_id}"
    (person,) = owner_rows(owner_engine, "SELECT phone, bsn_last3 FROM persons WHERE family_name = 'Visser'")
    assert person == {"phone": "0622222222", "bsn_last3": "333"}  # an empty BSN field keeps the number
    doc = html_of(client.get(saved.headers["Location"]))
    assert dutch("The candidate has been saved.") in alerts(doc)
    (event,) = events(owner_engine, "candidate.updated", candidate_id)
    assert "0622222222" not in str(event["details"])


# --- the candidate's page -------------------------------------------------------------------------------

def test_the_page_shows_the_masked_bsn_and_special_data_and_records_the_view(app, client, coach, groningen,
                                                                             owner_engine):
    candidate_id = add_candidate(app, groningen, given_names="Johan", family_name="Bakker", bsn="123456782",
                                 has_debts=True, health_notes="Chronische rugpijn", limitations="Niet tillen",
                                 support_needs="Vaste begeleider")
    assert events(owner_engine, "candidate.viewed", candidate_id) == []
    response = client.get(f"{T}/candidates/{candidate_id}")
    doc = assert_site_page(response)
    body = response.get_data(as_text=True)
    assert "******782" in doc.find("main").text and "123456782" not in body
    assert doc.by_id("bsn-value") is None
    for text_ in (dutch("Support needs (coaches only)"), "Chronische rugpijn", "Niet tillen", "Vaste begeleider"):
        assert text_ in doc.find("main").text, text_
    (viewed,) = events(owner_engine, "candidate.viewed", candidate_id)
    assert viewed["actor_type"] == "user" and viewed["actor_id"] == str(coach)
    client.get(f"{T}/candidates/{candidate_id}")
    assert len(events(owner_engine, "candidate.viewed", candidate_id)) == 2
    assert events(owner_engine, "candidate.bsn_revealed") == []


def test_revealing_the_bsn_needs_csrf_and_is_audited(app, client, coach, groningen, owner_engine):
    candidate_id = add_candidate(app, groningen, bsn="123456782")
    path = f"{T}/candidates/{candidate_id}"
    doc = html_of(client.get(path))
    form = [f for f in doc.find_all("form") if f.get("action") == f"{path}/bsn"]
    assert len(form) == 1 and form[0].get("method") == "post"
    forged = client.post(f"{path}/bsn", data={"csrf_token": "forged"})
    assert forged.status_code == 400 and b"123456782" not in forged.data
    assert client.post(f"{path}/bsn").status_code == 400
    assert events(owner_engine, "candidate.bsn_revealed") == []
    response = post(client, f"{path}/bsn", {}, token_from=path)
    assert response.status_code == 200
    doc = assert_site_page(response)
    assert doc.by_id("bsn-value").text == "123456782"
    (event,) = events(owner_engine, "candidate.bsn_revealed", candidate_id)
    assert event["actor_type"] == "user" and event["actor_id"] == str(coach)
    assert "123456782" not in str(event["details"])
    # The next plain view is masked again.
    assert b"123456782" not in client.get(path).data


def test_revealing_without_a_registered_bsn_says_so(app, client, coach, groningen, owner_engine):
    candidate_id = add_candidate(app, groningen)
    path = f"{T}/candidates/{candidate_id}"
    doc = html_of(client.get(path))
    assert not [f for f in doc.find_all("form") if f.get("action") == f"{path}/bsn"]
    response = post(client, f"{path}/bsn", {}, token_from=path)
    assert html_of(response).by_id("bsn-value").text == dutch("No BSN registered")
    assert len(events(owner_engine, "candidate.bsn_revealed", candidate_id)) == 1


# --- conversations and decisions ------------------------------------------------------------------------

def decisions_of(owner_engine, candidate_id) -> list[dict]:
    return [r for r in owner_rows(owner_engine, "SELECT * FROM candidate_decisions")
            if uuid.UUID(str(r["candidate_id"])) == candidate_id]


def status_of(owner_engine, candidate_id) -> str:
    rows = owner_rows(owner_engine, "SELECT id, status FROM candidates")
    return next(r["status"] for r in rows if uuid.UUID(str(r["id"])) == candidate_id)


def decision(outcome: str, **extra) -> dict:
    return {"outcome": outcome, "decided_on": TODAY.isoformat(), "reason_category": "", "sub_reason": "",
            "reasons": "", **extra}


def test_deciding_without_a_conversation_names_the_decision_field(app, client, coach, groningen, owner_engine):
    candidate_id = add_candidate(app, groningen)
    path = f"{T}/candidates/{candidate_id}"
    response = post(client, f"{path}/decision", decision("on_hold"), token_from=path)
    assert response.status_code == 422
    doc = assert_site_page(response)
    assert error_summary_links(doc) == ["#outcome"]
    assert doc.by_id("outcome-error").text == dutch("Hold at least one intake conversation before deciding.")
    assert "checked" in doc.by_id("outcome-2").attrs  # the chosen option (on hold) stays chosen
    assert decisions_of(owner_engine, candidate_id) == []
    assert status_of(owner_engine, candidate_id) == "referred"


def test_a_conversation_and_then_a_decision(app, client, coach, groningen, owner_engine):
    candidate_id = add_candidate(app, groningen)
    path = f"{T}/candidates/{candidate_id}"
    talked = post(client, f"{path}/conversations", {"held_on": TODAY.isoformat(), "notes": "Goed gesprek over werk"},
                  token_from=path)
    assert talked.status_code == 302 and talked.headers["Location"] == path
    doc = html_of(client.get(path))
    assert dutch("The conversation has been recorded.") in alerts(doc)
    assert "Goed gesprek over werk" in doc.find("main").text
    assert status_of(owner_engine, candidate_id) == "in_conversation"
    decided = post(client, f"{path}/decision", decision("on_hold"), token_from=path)
    assert decided.status_code == 302 and decided.headers["Location"] == path
    doc = html_of(client.get(path))
    expected = dutch("The decision has been recorded: %(status)s.") % {"status": dutch("On hold")}
    assert expected in alerts(doc)
    assert status_of(owner_engine, candidate_id) == "on_hold"
    (made,) = decisions_of(owner_engine, candidate_id)
    assert (made["outcome"], made["resulting_status"]) == ("on_hold", "on_hold")


@pytest.mark.parametrize("held_on, message", [
    ((TODAY + timedelta(days=1)).isoformat(), "Cannot be in the future."),
    ("2023-12-31", "Cannot be before the referral date."),
])
def test_an_invalid_conversation_names_the_date(app, client, coach, groningen, owner_engine, held_on, message):
    candidate_id = add_candidate(app, groningen)
    path = f"{T}/candidates/{candidate_id}"
    response = post(client, f"{path}/conversations", {"held_on": held_on, "notes": "Niet bewaard"}, token_from=path)
    assert response.status_code == 422
    doc = html_of(response)
    assert error_summary_links(doc) == ["#held_on"]
    assert doc.by_id("held_on-error").text == dutch(message)
    assert field_value(doc, "held_on") == held_on and field_value(doc, "notes") == "Niet bewaard"
    assert count(owner_engine, "intake_conversations") == 2  # the world's two candidates' conversations


def test_not_started_needs_a_reason_category(app, client, coach, groningen, owner_engine):
    candidate_id = add_candidate(app, groningen, talked_on=date(2024, 1, 9))
    path = f"{T}/candidates/{candidate_id}"
    response = post(client, f"{path}/decision", decision("not_started", sub_reason="Mantelzorg"), token_from=path)
    assert response.status_code == 422
    doc = html_of(response)
    assert error_summary_links(doc) == ["#reason_category"]
    assert field_value(doc, "sub_reason") == "Mantelzorg"
    assert decisions_of(owner_engine, candidate_id) == []
    response = post(client, f"{path}/decision", decision("not_started", reason_category="will_not"), token_from=path)
    assert response.status_code == 302
    assert status_of(owner_engine, candidate_id) == "not_started"


def test_starting_against_a_failed_criterion_needs_an_explanation(app, client, coach, groningen, owner_engine):
    # Not on social assistance: Groningen's first criterion fails.
    candidate_id = add_candidate(app, groningen, date_of_birth=date(1970, 1, 1), available_hours=32,
                                 talked_on=date(2024, 1, 9))
    path = f"{T}/candidates/{candidate_id}"
    response = post(client, f"{path}/decision", decision("started"), token_from=path)
    assert response.status_code == 422
    doc = html_of(response)
    assert error_summary_links(doc) == ["#reasons"]
    assert doc.by_id("reasons-error").text == dutch(
        "Explain why the candidate starts although a criterion is not met.")
    assert decisions_of(owner_engine, candidate_id) == []
    response = post(client, f"{path}/decision", decision("started", reasons="Bijstand aangevraagd, besluit volgt"),
                    token_from=path)
    assert response.status_code == 302
    (made,) = decisions_of(owner_engine, candidate_id)
    assert bool(made["override"]) is True and "social_assistance" in str(made["failed_criteria"])
    assert status_of(owner_engine, candidate_id) == "started"
    # Started: the forms are gone from the page.
    doc = html_of(client.get(path))
    assert not [f for f in doc.find_all("form") if f.get("action", "").endswith("/decision")]


# --- eligibility ----------------------------------------------------------------------------------------

def criteria_rows(doc) -> dict[str, tuple[str, str]]:
    table = table_with_caption(doc, dutch("Criteria of the municipality"))
    if table is None:
        table = table_with_caption(doc, "Criteria of the municipality")
    assert table is not None
    return {row[0]: (row[1], row[2]) for row in body_rows(table)}


def test_the_eligibility_panel_explains_every_criterion_on_a_date(app, client, coach, groningen):
    candidate_id = add_candidate(app, groningen, date_of_birth=date(1998, 6, 15),
                                 social_assistance_since=date(2020, 1, 1), available_hours=32)
    path = f"{T}/candidates/{candidate_id}"
    doc = html_of(client.get(path, query_string={"on": "2025-06-15"}))
    assert field_value(doc, "on") == "2025-06-15"
    rows = criteria_rows(doc)
    assert set(rows) == {"Langdurig in de bijstand", "Minimumleeftijd", "Geen lopend re-integratietraject",
                         "Geen uitzicht op betaald werk", "Beschikbare uren"}
    assert rows["Minimumleeftijd"] == (dutch("Met"), "27 jaar, minimaal 27.")
    assert rows["Langdurig in de bijstand"] == (dutch("Met"), "5 jaar in de bijstand, minimaal 3.")
    assert rows["Geen uitzicht op betaald werk"][0] == dutch("Coach's judgement")
    assert rows["Beschikbare uren"] == (dutch("Met"), "32 uur per week beschikbaar (32-36).")
    # The day before the 27th birthday the age criterion fails.
    doc = html_of(client.get(path, query_string={"on": "2025-06-14"}))
    assert field_value(doc, "on") == "2025-06-14"
    assert criteria_rows(doc)["Minimumleeftijd"] == (dutch("Not met"), "26 jaar, jonger dan 27.")
    assert dutch("Not met") in doc.find("main").text
    # Without a date, or with a wrong one: today.
    for query in ({}, {"on": "15-06-2025"}):
        assert field_value(html_of(client.get(path, query_string=query)), "on") == TODAY.isoformat()
    # In English after choosing it.
    assert client.get("/language/en").status_code == 302
    doc = html_of(client.get(path, query_string={"on": "2025-06-15"}))
    rows = criteria_rows(doc)
    assert rows["Minimum age"] == ("Met", "Aged 27, minimum 27.")
    assert rows["Long-term social assistance"] == ("Met", "5 years on social assistance, minimum 3.")
    assert "Minimumleeftijd" not in doc.find("main").text


# --- import ---------------------------------------------------------------------------------------------

def csv_file(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def upload(client, content: bytes, *, commit: bool, filename: str = "kandidaten.csv", path=f"{T}/candidates/import"):
    data = {"csrf_token": csrf_token(client, path), "file": (io.BytesIO(content), filename)}
    if commit:
        data["commit"] = "y"
    return client.post(path, data=data, content_type="multipart/form-data")


PROBLEMS = [["bsn", "voornamen", "achternaam", "geboortedatum", "wijk"],
            ["111222333", "Jan", "Jansen", "15-03-1980", "Beijum"],
            ["123456789", "Piet", "Pietersen", "", ""],
            ["111222333", "Kees", "Kopie", "", "Atlantis"],
            ["", "Truus", "Toekomst", (TODAY + timedelta(days=1)).strftime("%d-%m-%Y"), ""]]


@pytest.mark.parametrize("commit", [False, True])
def test_a_file_with_problems_shows_them_by_row_and_imports_nothing(app, client, coach, owner_engine, commit):
    before = count(owner_engine, "candidates")
    response = upload(client, csv_file(PROBLEMS), commit=commit)
    assert response.status_code == 422
    doc = assert_site_page(response)
    table = table_with_caption(doc, dutch("Rows with problems"))
    assert table is not None
    assert body_rows(table) == [
        ["3", "bsn", dutch("This is not a valid BSN (11-check).")],
        ["4", "neighbourhood", dutch("Unknown neighbourhood.")],
        ["4", "bsn", dutch("Same BSN as row %(row)s.") % {"row": 2}],
        ["5", "date_of_birth", dutch("Cannot be in the future.")]]
    status = doc.find("p", role="status").text
    assert dutch("%(valid)s of %(total)s rows are correct.") % {"valid": 1, "total": 4} in status
    assert dutch("Nothing has been imported. Correct the rows below and upload the file again.") in status
    assert "111222333" not in response.get_data(as_text=True)
    assert count(owner_engine, "candidates") == before
    assert events(owner_engine, "candidate.imported") == []


def test_a_clean_file_is_checked_first_and_imported_when_ticked(app, client, coach, owner_engine):
    rows = [["bsn", "voornamen", "achternaam", "geboortedatum", "wijk", "uren"],
            ["111222333", "Jürgen", "Müller", "15-03-1980", "beijum", "32"],
            ["", "François", "Ündüz", "1990-07-04", "", ""]]
    before = count(owner_engine, "candidates")
    checked = upload(client, csv_file(rows), commit=False)
    assert checked.status_code == 200
    doc = assert_site_page(checked)
    status = doc.find("p", role="status").text
    assert dutch("%(valid)s of %(total)s rows are correct.") % {"valid": 2, "total": 2} in status
    assert dutch("Tick 'Import now' and upload the file again to import them.") in status
    assert table_with_caption(doc, dutch("Rows with problems")) is None
    assert count(owner_engine, "candidates") == before
    imported = upload(client, csv_file(rows), commit=True)
    assert imported.status_code == 302 and imported.headers["Location"] == f"{T}/candidates"
    doc = html_of(client.get(imported.headers["Location"]))
    assert dutch("%(n)s candidates have been imported.") % {"n": 2} in alerts(doc)
    assert {"Müller, Jürgen", "Ündüz, François"} <= set(list_names(doc))
    assert count(owner_engine, "candidates") == before + 2
    (event,) = events(owner_engine, "candidate.imported")
    assert event["actor_type"] == "user" and event["actor_id"] == str(coach)
    assert "Müller" not in str(event["details"]) and "111222333" not in str(event["details"])


@pytest.mark.parametrize("content, filename, message", [
    (b"", "leeg.csv", "The file is empty."),
    (b"bsn;geboortedatum\r\n111222333;1980-01-01\r\n", "k.csv", None),
    (bytes(range(256)) * 4, "k.csv", "Not a readable CSV or XLSX file."),
    (b"not a workbook", "k.xlsx", "Not a readable XLSX file."),
])
def test_a_file_that_cannot_be_used_is_named_in_the_error_summary(app, client, coach, owner_engine, content,
                                                                  filename, message):
    response = upload(client, content, commit=True, filename=filename)
    assert response.status_code == 422
    doc = assert_site_page(response)
    assert error_summary_links(doc) == ["#file"]
    shown = doc.by_id("file-error").text
    if message is None:
        assert shown == dutch("Missing columns: %(names)s") % {"names": "given_names, family_name"}
    else:
        assert shown == dutch(message)
    assert doc.find("p", role="status") is None
    assert count(owner_engine, "candidates") == 2  # the world's


def test_no_file_chosen_is_an_error_on_the_file_field(app, client, coach):
    response = client.post(f"{T}/candidates/import", data={"csrf_token": csrf_token(client, f"{T}/candidates/import")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert error_summary_links(html_of(response)) == ["#file"]


def test_a_file_over_the_size_limit_is_refused_on_the_page(app, extra_app, world, groningen, owner_engine):
    small = extra_app(BASISBAAN_IMPORT_MAX_BYTES=1000)
    client = small.test_client()
    start_session(client, groningen, world.users[("groningen", "coach")])
    rows = [["voornamen", "achternaam"]] + [[f"Naam {n}", "Jansen"] for n in range(100)]
    content = csv_file(rows)
    assert len(content) > 1000
    response = upload(client, content, commit=True)
    assert response.status_code == 422
    doc = assert_site_page(response)
    assert error_summary_links(doc) == ["#file"]
    assert doc.by_id("file-error").text == dutch("The file is larger than the limit of %(size)s.") % {"size": "1 kB"}
    assert "0 MB" not in doc.find("main").text
    assert count(owner_engine, "candidates") == 2


# --- export ---------------------------------------------------------------------------------------------

def test_the_export_downloads_this_municipalitys_list_without_bsn_or_special_data(app, client, coach, groningen,
                                                                                  owner_engine):
    add_candidate(app, groningen, given_names="Johan", family_name='=HYPERLINK("http://x")', bsn="123456782",
                  health_notes="Chronische rugpijn", has_debts=True)
    response = client.get(f"{T}/candidates/export")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="kandidaten-')
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert sorted(r[1] for r in rows[1:]) == ["'=HYPERLINK(\"http://x\")", "Kandidaat Groningen"]
    body = response.data.decode("utf-8-sig")
    for secret in ("123456782", "******", "Chronische rugpijn", "Health of", "Notes about", "Tilburg"):
        assert secret not in body, secret
    xlsx = client.get(f"{T}/candidates/export?format=xlsx")
    assert xlsx.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    cells = [c for row in load_workbook(io.BytesIO(xlsx.data)).active.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    values = [str(c.value) for c in cells if c.value is not None]
    assert any(v.endswith('=HYPERLINK("http://x")') for v in values)
    assert not [v for v in values if "123456782" in v or "rugpijn" in v or "Tilburg" in v]
    exported = events(owner_engine, "candidate.exported")
    assert [e["actor_type"] for e in exported] == ["user", "user"]


# --- the funnel -----------------------------------------------------------------------------------------

def funnel_rows(doc) -> dict[str, str]:
    table = doc.find("table")
    return {row[0]: row[1] for row in body_rows(table)}


def test_the_funnel_counts_a_period(app, client, coach, groningen):
    # The world's candidate: referred 2024-01-02, spoken 2024-01-09.
    cannot = add_candidate(app, groningen, referral_date=date(2024, 3, 1), talked_on=date(2024, 3, 5))
    decide(app, groningen, cannot, "not_started", date(2024, 3, 10), reason_category="cannot")
    held = add_candidate(app, groningen, referral_date=date(2024, 4, 1), talked_on=date(2024, 4, 2))
    decide(app, groningen, held, "on_hold", date(2024, 4, 3))
    started = add_candidate(app, groningen, referral_date=date(2024, 5, 1), talked_on=date(2024, 5, 2),
                            date_of_birth=date(1970, 1, 1))  # not on assistance: an override
    decide(app, groningen, started, "started", date(2024, 5, 3), reasons="Toch starten")
    add_candidate(app, groningen, referral_date=date(2025, 2, 1))  # outside the period
    response = client.get("/t/groningen/funnel", query_string={"from": "2024-01-01", "to": "2025-01-01"})
    assert response.status_code == 200
    doc = assert_site_page(response)
    assert field_value(doc, "from") == "2024-01-01" and field_value(doc, "to") == "2025-01-01"
    rows = funnel_rows(doc)
    assert rows == {
        dutch("Referred"): "4", dutch("Spoken (at least one intake conversation)"): "4", dutch("Started"): "1",
        dutch("On the waiting list"): "0", dutch("On hold"): "1", dutch("Not started"): "1",
        dutch("– cannot"): "1", dutch("– will not"): "0", dutch("– may not"): "0",
        dutch("Started against a failed criterion"): "1"}
    assert "25%" in doc.find("main").text  # 1 started of 4 spoken
    # Another period: only what happened in it.
    doc = html_of(client.get("/t/groningen/funnel", query_string={"from": "2024-03-01", "to": "2024-04-02"}))
    rows = funnel_rows(doc)
    assert (rows[dutch("Referred")], rows[dutch("Spoken (at least one intake conversation)")],
            rows[dutch("Not started")], rows[dutch("On hold")]) == ("2", "1", "1", "0")


@pytest.mark.parametrize("query", [{"from": "2024-06-01", "to": "2024-01-01"},
                                   {"from": "2024-06-01", "to": "2024-06-01"}])
def test_a_period_that_ends_before_it_starts_is_an_error_without_a_table(app, client, coach, query):
    response = client.get("/t/groningen/funnel", query_string=query)
    assert response.status_code == 422
    doc = assert_site_page(response)
    error = doc.by_id("period-error")
    assert error is not None and error.text == dutch("The start date must be before the end date.")
    assert doc.by_id("from").get("aria-invalid") == "true"
    assert doc.find("table") is None


# --- who may ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_get_403_on_every_candidate_page(app, client, world, groningen, owner_engine, role):
    candidate_id = add_candidate(app, groningen, bsn="123456782", health_notes="Chronische rugpijn")
    start_session(client, groningen, world.users[("groningen", role)])
    token = csrf_token(client, "/t/groningen/")
    item = f"{T}/candidates/{candidate_id}"
    gets = [f"{T}/candidates", f"{T}/candidates?q=123456782", f"{T}/candidates/new", item, f"{item}/edit",
            f"{T}/candidates/import", f"{T}/candidates/export", f"{T}/candidates/export?format=xlsx"]
    posts = {f"{T}/candidates/new": form_data(), f"{item}/edit": form_data(), f"{item}/bsn": {},
             f"{item}/conversations": {"held_on": "2024-02-01"}, f"{item}/decision": decision("on_hold"),
             f"{T}/candidates/import": {"file": (io.BytesIO(csv_file(PROBLEMS[:2])), "k.csv"), "commit": "y"}}
    before = {table: count(owner_engine, table) for table in ("candidates", "intake_conversations", "audit_events")}
    for path in gets:
        response = client.get(path)
        assert response.status_code == 403, (role, path)
        assert html_of(response).find("h1").text == dutch("No permission")
    for path, data in posts.items():
        response = client.post(path, data={"csrf_token": token, **data}, content_type="multipart/form-data")
        assert response.status_code == 403, (role, path)
        for secret in (b"123456782", b"******782", b"rugpijn", b"Kandidaat"):
            assert secret not in response.data, (role, path, secret)
    assert {table: count(owner_engine, table) for table in before} == before
    # The funnel has counts only: viewers and administrators may see it.
    funnel = client.get("/t/groningen/funnel")
    assert funnel.status_code == (200 if role in ("viewer", "admin") else 403), role
    if funnel.status_code == 200:
        assert assert_site_page(funnel).find("table") is not None


def test_the_coach_may_open_every_candidate_page(app, client, coach, groningen, owner_engine):
    """The control for the test above: the same pages open for a coach."""
    candidate_id = add_candidate(app, groningen, bsn="123456782")
    item = f"{T}/candidates/{candidate_id}"
    for path in (f"{T}/candidates", f"{T}/candidates/new", item, f"{item}/edit", f"{T}/candidates/import",
                 f"{T}/candidates/export", "/t/groningen/funnel"):
        assert client.get(path).status_code == 200, path


def test_another_municipalitys_candidate_is_not_found(app, client, coach, world):
    theirs = add_candidate(app, world.tenants["tilburg"], family_name="Tilburger", bsn="123456782")
    for suffix in ("", "/edit"):
        response = client.get(f"{T}/candidates/{theirs}{suffix}")
        assert response.status_code == 404
        assert b"Tilburger" not in response.data
    token = csrf_token(client, f"{T}/candidates")
    response = client.post(f"{T}/candidates/{theirs}/bsn", data={"csrf_token": token})
    assert response.status_code == 404 and b"123456782" not in response.data
    found = client.get(f"{T}/candidates?q=123456782")
    assert list_names(html_of(found)) == [] and b"Tilburger" not in found.data


def test_registering_with_an_email_address_works_and_a_bad_one_is_named(app, world):
    """The page's e-mail check (WTForms Email, with email-validator) neither crashes nor lets nonsense in."""
    from tests.web.conftest import csrf_token, error_summary_links, sign_in

    client = app.test_client()
    sign_in(app, client, world.tenants["groningen"], "coach")
    form = {"csrf_token": csrf_token(client, "/t/groningen/candidates/new"), "given_names": "Eva",
            "family_name": "Mailtest", "gender": "female", "referral_source": "self", "referral_date": "2024-02-01",
            "no_prospect_of_work": "", "household_type": "", "neighbourhood_id": "", "coach_id": "",
            "email": "not-an-address"}
    bad = client.post("/t/groningen/candidates/new", data=form)
    assert bad.status_code == 422
    assert "#email" in error_summary_links(html_of(bad))
    good = client.post("/t/groningen/candidates/new", data={**form, "email": "eva@example.nl"})
    assert good.status_code == 302, error_summary_links(html_of(good))
