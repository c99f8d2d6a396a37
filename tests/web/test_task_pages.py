"""The task catalogue pages as a coach, a job coach and a viewer use them: the list with filters and pages,
a new task (and a bad one), the task's page with its displacement checks and the participants on it, the
structured check (passed, and an approval the answers do not allow), editing with a stale version, and
the participants who fit a task, with the reason of each factor.

Pages are Dutch by default: expected interface texts come from the Dutch catalogue (`dutch`). Rows are
created through the API (tests/employment_helpers.py) or the services, and read as the database owner.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest

from basisbaan.domain.dates import add_years
from basisbaan.extensions import db
from basisbaan.services import tasks as task_service
from basisbaan.services.audit import Actor
from basisbaan.tenancy import tenant_scope
from tests.conftest import auth
from tests.employment_helpers import api, coaching, organisation
from tests.web.conftest import assert_site_page, dutch, error_summary_links, field_value, html_of, start_session
from tests.web.test_participant_pages import (add_employment, body_rows, coaching_organisation_id, count, errors_at,
                                              field_error, iso, link_job_coach, owner_rows, post, table_with_caption)

T = "/t/groningen"
TODAY = date.today()


# --- helpers -------------------------------------------------------------------------------------------------

def as_list(value) -> list:
    """A JSON column read as the owner (text on SQLite, a list on PostgreSQL)."""
    return json.loads(value) if isinstance(value, str) else list(value)


def api_task(client, headers, **overrides) -> dict:
    body = {"title": f"Taak {uuid.uuid4().hex[:6]}", "category": "hosting", "hours_per_week": "24",
            "source": "area_team", "places": 2}
    body.update(overrides)
    made = client.post(api("groningen", "/tasks"), headers=headers, json=body)
    assert made.status_code == 201, made.json
    return made.json


def api_check(client, headers, task_id, *, expect: int = 201, **overrides) -> dict:
    body = {"checked_on": iso(TODAY - timedelta(days=30)), "done_by_paid_staff": False, "host_would_hire": False,
            "done_by_volunteers": False, "is_additional": True, "verdict": "approved", "reasons": "Aanvullend werk."}
    body.update(overrides)
    made = client.post(api("groningen", f"/tasks/{task_id}/displacement-checks"), headers=headers, json=body)
    assert made.status_code == expect, made.json
    return made.json


def task_form(**overrides) -> dict:
    data = {"title": "Buurtmoestuin", "description": "Onderhoud van de moestuin", "category": "maintenance",
            "source": "neighbourhood_organisation", "host_organisation_id": "", "neighbourhood_id": "",
            "hours_per_week": "12,5", "places": "3", "days": ["tue", "mon"], "physical_demand": "medium",
            "demands": ["outdoors", "lifting"]}
    data.update(overrides)
    return data


def check_form(version: str, **overrides) -> dict:
    data = {"version": version, "checked_on": iso(TODAY), "done_by_paid_staff": "no", "host_would_hire": "no",
            "done_by_volunteers": "no", "is_additional": "yes", "verdict": "approved",
            "reasons": "Het werk blijft liggen zonder basisbaan."}
    data.update(overrides)
    return data


def task_url(task_id, suffix: str = "") -> str:
    return f"{T}/tasks/{task_id}{suffix}"


def list_titles(doc) -> list[str]:
    return [tr.find("a").text for tr in doc.find("tbody").find_all("tr") if tr.find("a") is not None]


def checked_values(doc, name: str) -> list[str]:
    return [i.get("value") for i in doc.find_all("input", name=name) if "checked" in i.attrs]


# --- fixtures ------------------------------------------------------------------------------------------------

@pytest.fixture
def groningen(world):
    return world.tenants["groningen"]


@pytest.fixture
def tokens(make_token, groningen):
    return {"coach": make_token(groningen, "coach"), "admin": make_token(groningen, "admin")}


@pytest.fixture
def coach_api(tokens):
    return auth(tokens["coach"])


@pytest.fixture
def host(client, tokens):
    return organisation(client, auth(tokens["admin"]), "groningen", "Wijkhuis De Kast", is_host=True)


@pytest.fixture
def coach(client, world, groningen):
    start_session(client, groningen, world.users[("groningen", "coach")])
    return world.users[("groningen", "coach")]


def as_role(client, world, role: str):
    start_session(client, world.tenants["groningen"], world.users[("groningen", role)])


# --- every page renders ----------------------------------------------------------------------------------------

def test_every_task_page_renders_accessibly_for_a_coach(app, client, coach_api, host, coach):
    made = api_task(client, coach_api, host_organisation_id=host, days=["mon"], demands=["outdoors"])
    api_check(client, coach_api, made["id"])
    for url in (f"{T}/tasks", f"{T}/tasks/new", task_url(made["id"]), task_url(made["id"], "/edit"),
                task_url(made["id"], "/check"), task_url(made["id"], "/matches"),
                task_url(made["id"], "/matches?include_blocked=1&on=" + iso(TODAY))):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        doc = assert_site_page(response)
        assert len(doc.find_all("h1")) == 1, url
        for table in doc.find_all("table"):
            assert table.find("caption") is not None, url
            assert all(th.get("scope") in ("col", "row") for th in table.find_all("th")), url
        labels = {label.get("for") for label in doc.find_all("label")}
        for control in doc.find("main").find_all("input") + doc.find("main").find_all("select") \
                + doc.find("main").find_all("textarea"):
            if control.get("type") in ("hidden", "submit"):
                continue
            assert control.get("id") in labels, (url, control.attrs)
        for fieldset in doc.find("main").find_all("fieldset"):
            assert fieldset.find("legend") is not None, url
    assert client.get(task_url(uuid.uuid4())).status_code == 404


# --- a new task -----------------------------------------------------------------------------------------------

def test_a_coach_adds_a_task_through_the_form(app, client, host, coach, owner_engine):
    form = html_of(client.get(f"{T}/tasks/new"))
    hosts = [o.get("value") for o in form.by_id("host_organisation_id").find_all("option")]
    assert hosts == ["", host]  # only host organisations (the world's coaching organisation is none)
    assert [i.get("value") for i in form.find_all("input", name="days")] == [
        "mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert form.by_id("days").tag == "fieldset" and form.by_id("days").find("legend").text == dutch("Days")
    response = post(client, f"{T}/tasks/new", task_form(host_organisation_id=host))
    assert response.status_code == 302, html_of(response).find("main").text
    [row] = owner_rows(owner_engine, "SELECT * FROM tasks")
    assert response.headers["Location"] == task_url(uuid.UUID(str(row["id"])))
    assert row["title"] == "Buurtmoestuin" and row["status"] == "proposed" and row["category"] == "maintenance"
    assert Decimal(str(row["hours_per_week"])) == Decimal("12.5") and row["places"] == 3
    assert as_list(row["days"]) == ["mon", "tue"] and as_list(row["demands"]) == ["outdoors", "lifting"]
    assert row["physical_demand"] == "medium" and row["source"] == "neighbourhood_organisation"
    assert str(uuid.UUID(str(row["host_organisation_id"]))) == host and row["neighbourhood_id"] is None
    page = html_of(client.get(response.headers["Location"]))
    main = page.find("main")
    assert page.find("h1").text == "Buurtmoestuin"
    assert page.by_id("task-status").text == dutch("Proposed")
    assert "Wijkhuis De Kast" in main.text and "12,5" in main.text
    assert dutch("Not checked yet.") in main.text
    assert dutch("Anywhere in the municipality") in main.text
    audited = owner_rows(owner_engine, "SELECT * FROM audit_events WHERE action = 'task.created'")
    assert len(audited) == 1 and audited[0]["actor_type"] == "user"


def test_a_bad_task_names_the_fields_and_saves_nothing(app, client, coach, owner_engine):
    response = post(client, f"{T}/tasks/new", task_form(title="", hours_per_week="50"))
    assert response.status_code == 422
    doc = html_of(response)
    assert errors_at(doc) == {"title", "hours_per_week"}
    assert field_error(doc, "title") == dutch("Required.")
    assert field_error(doc, "hours_per_week") == dutch("More than 0 and at most 40.")
    assert doc.by_id("hours_per_week").get("aria-invalid") == "true"
    assert count(owner_engine, "tasks") == 0
    # What was typed stays.
    assert field_value(doc, "hours_per_week") == "50" and checked_values(doc, "days") == ["mon", "tue"]
    # Required choices are asked for by the form itself.
    response = post(client, f"{T}/tasks/new", task_form(category="", source=""))
    assert response.status_code == 422 and errors_at(html_of(response)) == {"category", "source"}
    assert owner_rows(owner_engine, "SELECT id FROM tasks") == []


# --- the list ------------------------------------------------------------------------------------------------

def test_the_list_filters_and_pages_through_the_catalogue(app, client, groningen, coach_api, host, coach):
    with app.app_context():  # many rows through the service: faster than through the API
        with tenant_scope(db.session, groningen.id):
            for n in range(26):
                task_service.create(db.session, {"title": f"Veeg {n:02d}", "category": "litter",
                                                 "hours_per_week": Decimal(4), "source": "area_team"},
                                    Actor.system("test"))
        db.session.commit()
        db.session.remove()
    tuin = api_task(client, coach_api, title="Tuin bij het wijkhuis", category="maintenance",
                    host_organisation_id=host, description="Snoeien en harken", hours_per_week="6", places=3)
    api_check(client, coach_api, tuin["id"], checked_on=iso(TODAY - timedelta(days=400)))

    def titles(query: str = "") -> list[str]:
        response = client.get(f"{T}/tasks{query}")
        assert response.status_code == 200, query
        return list_titles(html_of(response))

    first = html_of(client.get(f"{T}/tasks?category=litter"))
    assert len(list_titles(first)) == 25 and list_titles(first)[0] == "Veeg 00"
    nxt = first.find("a", rel="next").get("href")
    assert "category=litter" in nxt and "page=2" in nxt
    assert list_titles(html_of(client.get(nxt))) == ["Veeg 25"]
    assert titles("?category=maintenance") == ["Tuin bij het wijkhuis"]
    assert titles(f"?host={host}") == ["Tuin bij het wijkhuis"]
    assert titles("?status=approved") == ["Tuin bij het wijkhuis"]
    assert len(titles("?status=proposed")) == 25
    assert titles("?q=HARKEN") == ["Tuin bij het wijkhuis"]  # the description too, any case
    assert titles("?q=nothing-like-it") == []
    # Unknown filter values are ignored.
    assert titles("?category=maintenance&status=flying&neighbourhood=x&host=y") == ["Tuin bij het wijkhuis"]
    doc = html_of(client.get(f"{T}/tasks?category=maintenance"))
    [cells] = body_rows(doc.find("table"))
    assert cells[1] == dutch("Maintenance of public space") and cells[3] == "Wijkhuis De Kast"
    assert cells[4] == "6" and cells[5] == dutch("%(taken)s of %(places)s") % {"taken": 0, "places": 3}
    assert cells[6] == dutch("Approved") and cells[7].startswith(dutch("Approved"))
    # Checked 400 days ago: the yearly re-check is overdue.
    assert dutch("overdue") in cells[8]
    assert doc.find("a", href=task_url(tuin["id"])) is not None
    assert field_value(doc, "category") == "maintenance"
    assert doc.by_id("new-task-link").get("href") == f"{T}/tasks/new"


# --- a task's page and its checks ------------------------------------------------------------------------------

def test_the_task_page_shows_the_check_history_and_the_recheck_date(app, client, coach_api, coach):
    made = api_task(client, coach_api, title="Fietsles", category="cycling", days=["wed", "mon"])
    api_check(client, coach_api, made["id"], checked_on=iso(TODAY - timedelta(days=200)), verdict="rejected",
              done_by_volunteers=True, reasons="Vrijwilligers doen dit al.")
    fetched = client.get(api("groningen", f"/tasks/{made['id']}"), headers=coach_api).json
    reopened = client.patch(api("groningen", f"/tasks/{made['id']}"), headers=coach_api,
                            json={"version": fetched["version"], "status": "proposed"})
    assert reopened.status_code == 200, reopened.json
    passed_on = TODAY - timedelta(days=20)
    api_check(client, coach_api, made["id"], checked_on=iso(passed_on), reasons="De vrijwilligers zijn gestopt.")
    doc = html_of(client.get(task_url(made["id"])))
    table = table_with_caption(doc, dutch("Displacement checks of this task, newest first"))
    rows = body_rows(table)
    assert len(rows) == 2
    newest, oldest = rows
    yes, no = dutch("Yes"), dutch("No")
    assert newest[1:5] == [no, no, no, yes] and newest[5] == dutch("Approved")
    assert newest[6] == "De vrijwilligers zijn gestopt." and newest[7]  # checked by the token's label
    assert oldest[1:5] == [no, no, yes, yes] and oldest[5] == dutch("Rejected")
    assert oldest[6] == "Vrijwilligers doen dit al."
    recheck = doc.by_id("recheck").text  # a year after the passed check
    assert dutch("Check again by") in recheck and str(add_years(passed_on, 1).year) in recheck
    assert doc.by_id("task-status").text == dutch("Approved")
    assert dutch("Monday") in doc.find("main").text and dutch("Wednesday") in doc.find("main").text
    links = {a.get("href") for a in doc.find("main").find_all("a")}
    assert {task_url(made["id"], "/edit"), task_url(made["id"], "/check"), task_url(made["id"], "/matches")} <= links


def test_a_passed_check_through_the_form_approves_the_task(app, client, coach_api, coach, owner_engine):
    made = api_task(client, coach_api, title="Gastvrouw buurthuis")
    url = task_url(made["id"], "/check")
    form = html_of(client.get(url))
    assert field_value(form, "checked_on") == iso(TODAY) and field_value(form, "version") == str(made["version"])
    question = form.by_id("done_by_paid_staff")
    assert question.tag == "fieldset"
    assert question.find("legend").text == dutch("Is or was this work done by paid staff?")
    response = post(client, url, check_form(field_value(form, "version")))
    assert response.status_code == 302, html_of(response).find("main").text
    assert response.headers["Location"] == task_url(made["id"], "#checks")
    [check] = owner_rows(owner_engine, "SELECT * FROM displacement_checks")
    assert check["verdict"] == "approved" and str(check["checked_on"]) == iso(TODAY)
    assert [bool(check[q]) for q in task_service.QUESTIONS] == [False, False, False, True]
    assert check["reasons"] == "Het werk blijft liggen zonder basisbaan." and check["checked_by"] == "Coach of Groningen"
    [task] = owner_rows(owner_engine, "SELECT status, version FROM tasks")
    assert task["status"] == "approved" and task["version"] == made["version"] + 1
    page = html_of(client.get(task_url(made["id"])))
    assert dutch("The displacement check has been recorded.") in page.text
    rows = body_rows(table_with_caption(page, dutch("Displacement checks of this task, newest first")))
    assert len(rows) == 1 and rows[0][-1] == "Coach of Groningen"


def test_approving_what_the_answers_show_as_displacement_is_refused(app, client, coach_api, coach, owner_engine):
    made = api_task(client, coach_api)
    url = task_url(made["id"], "/check")
    version = str(made["version"])
    response = post(client, url, check_form(version, done_by_paid_staff="yes"))
    assert response.status_code == 422
    doc = html_of(response)
    assert errors_at(doc) == {"verdict"}
    assert field_error(doc, "verdict") == dutch("The answers show displacement: the task cannot be approved.")
    assert checked_values(doc, "done_by_paid_staff") == ["yes"]  # what was chosen stays
    assert count(owner_engine, "displacement_checks") == 0
    assert owner_rows(owner_engine, "SELECT status FROM tasks") == [{"status": "proposed"}]
    # Unanswered questions and no reasons: each named at its own field.
    response = post(client, url, check_form(version, host_would_hire="", is_additional="", reasons="  "))
    assert response.status_code == 422
    doc = html_of(response)
    assert errors_at(doc) == {"host_would_hire", "is_additional", "reasons"}
    assert field_error(doc, "host_would_hire") == dutch("Answer yes or no.")
    assert count(owner_engine, "displacement_checks") == 0
    # A rejection with the same answers is recorded, and closes the task.
    response = post(client, url, check_form(version, done_by_paid_staff="yes", verdict="rejected",
                                            reasons="Dit doet de gemeente zelf."))
    assert response.status_code == 302
    assert owner_rows(owner_engine, "SELECT status FROM tasks") == [{"status": "closed"}]
    assert count(owner_engine, "displacement_checks") == 1


def test_editing_a_task_and_a_stale_version(app, client, coach_api, coach, owner_engine):
    made = api_task(client, coach_api, title="Klusjes", category="residents", days=["fri"])
    api_check(client, coach_api, made["id"])
    url = task_url(made["id"], "/edit")
    form = html_of(client.get(url))
    read_version = field_value(form, "version")
    assert field_value(form, "title") == "Klusjes" and field_value(form, "status") == "approved"
    assert checked_values(form, "days") == ["fri"]
    statuses = [o.get("value") for o in form.by_id("status").find_all("option")]
    assert statuses == ["approved", "proposed", "under_check", "active", "closed"]
    data = task_form(title="Klusjes voor bewoners", category="residents", source="area_team", hours_per_week="24",
                     places="2", days=["fri"], physical_demand="light", demands=[], description="",
                     status="approved", version=read_version)
    # Saved without touching the status: the task stays approved.
    response = post(client, url, data)
    assert response.status_code == 302, html_of(response).find("main").text
    [row] = owner_rows(owner_engine, "SELECT title, status, version FROM tasks")
    assert row == {"title": "Klusjes voor bewoners", "status": "approved", "version": int(read_version) + 1}
    # The same form again (its version is stale now): a clear conflict, nothing saved.
    response = post(client, url, {**data, "title": "Iets anders"})
    assert response.status_code == 409
    doc = html_of(response)
    assert dutch("Someone else changed this in the meantime. Reload the page to see the current state, then make "
                 "your change again.") in doc.by_id("error-summary").text
    assert error_summary_links(doc) == [] and doc.find("a", href=url) is not None
    assert field_value(doc, "title") == "Iets anders"
    assert owner_rows(owner_engine, "SELECT title FROM tasks") == [{"title": "Klusjes voor bewoners"}]
    # Reloaded: a change of status goes through; "approved" cannot be chosen by hand.
    fresh = field_value(html_of(client.get(url)), "version")
    response = post(client, url, {**data, "version": fresh, "status": "active"})
    assert response.status_code == 302
    assert owner_rows(owner_engine, "SELECT status FROM tasks") == [{"status": "active"}]
    fresh = field_value(html_of(client.get(url)), "version")
    response = post(client, url, {**data, "version": fresh, "status": "approved"})
    assert response.status_code == 422 and errors_at(html_of(response)) == {"status"}
    assert owner_rows(owner_engine, "SELECT status FROM tasks") == [{"status": "active"}]


# --- who fits a task ------------------------------------------------------------------------------------------

def test_the_matches_page_lists_a_fitting_participant_with_the_reasons(app, client, groningen, tokens, coach_api):
    # A 32-hour contract with an 8-hour task: 24 hours free. Prefers litter and hosting, available
    # Monday to Thursday, at most medium physical work, cannot lift.
    e = add_employment(client, "groningen", tokens["coach"], tokens["admin"],
                       coaching_id=coaching_organisation_id(app, groningen), family_name="Matchbaar")
    fits = api_task(client, coach_api, title="Gastheer wijkhuis", category="hosting", hours_per_week="24",
                    days=["tue"], physical_demand="light", places=2)
    api_check(client, coach_api, fits["id"])
    heavy = api_task(client, coach_api, title="Verhuizen", category="transport", hours_per_week="8",
                     demands=["lifting"])
    api_check(client, coach_api, heavy["id"])
    start_session(client, groningen, make_coach(app, groningen))
    response = client.get(task_url(fits["id"], "/matches"))
    assert response.status_code == 200
    doc = html_of(response)
    table = table_with_caption(doc, dutch("Participants for this task, best fit first"))
    [row] = body_rows(table)
    name, points, fit, hood, preferences, hours, days, demands = row
    assert name == e["name"]
    assert points == dutch("%(points)s of %(max)s") % {"points": 9, "max": 11}
    assert fit == dutch("Yes")
    assert hood == dutch("Anywhere in the municipality")
    assert preferences == dutch("Preferred kind of work: %(kind)s") % {"kind": dutch("Hosting")}
    assert hours == dutch("Fills the %(hours)s free hours") % {"hours": "24"}
    assert days == dutch("Available on the task's days")
    assert demands == dutch("No conflict with limitations")
    assert table.find("a", href=f"{T}/participants/{e['participant_id']}") is not None
    assert not [f for f in doc.find("main").find_all("form") if f.get("method") == "post"]  # never assigns
    assert field_value(doc, "on") == iso(TODAY) and field_value(doc, "include_blocked") is False
    # A task the participant cannot do: hidden unless asked for, then marked with the reason.
    assert body_rows(table_with_caption(html_of(client.get(task_url(heavy["id"], "/matches"))),
                                        dutch("Participants for this task, best fit first")))[0][0] \
        == dutch("Nobody fits this task on this date.")
    doc = html_of(client.get(task_url(heavy["id"], "/matches?include_blocked=1")))
    assert field_value(doc, "include_blocked") is True
    [row] = body_rows(table_with_caption(doc, dutch("Participants for this task, best fit first")))
    conflict = dutch("Conflicts with limitations: %(demands)s") % {"demands": dutch("Lifting")}
    assert row[0] == e["name"] and row[2].startswith(dutch("Does not fit")) and conflict in row[2]
    assert row[7] == conflict
    assert "blocked" in doc.find("tbody").find("tr").classes
    # On a date before the participant started, nobody is there to fit; a nonsense date means today.
    before = iso(TODAY - timedelta(days=3000))
    doc = html_of(client.get(task_url(fits["id"], f"/matches?on={before}")))
    assert field_value(doc, "on") == before
    assert body_rows(table_with_caption(doc, dutch("Participants for this task, best fit first")))[0][0] \
        == dutch("Nobody fits this task on this date.")
    doc = html_of(client.get(task_url(fits["id"], "/matches?on=31-02-2020")))
    assert field_value(doc, "on") == iso(TODAY) and len(body_rows(doc.find("table"))) == 1


def make_coach(app, tenant):
    from tests.web.conftest import make_user

    return make_user(app, tenant, ["coach"], name="Tweede Coach")


# --- other roles ----------------------------------------------------------------------------------------------

def test_a_job_coach_reads_tasks_and_sees_only_their_own_participants_on_it(app, client, world, groningen, tokens,
                                                                             coach_api):
    own = add_employment(client, "groningen", tokens["coach"], tokens["admin"],
                         coaching_id=coaching_organisation_id(app, groningen), family_name="Eigen")
    other = add_employment(client, "groningen", tokens["coach"], tokens["admin"], absence=False,
                           coaching_id=coaching(client, auth(tokens["admin"]), "groningen", "Andere Begeleider"),
                           family_name="Vreemd")
    assigned = client.post(api("groningen", f"/participants/{other['participant_id']}/assignments"),
                           headers=coach_api, json={"task_id": own["task_id"], "hours_per_week": "8",
                                                    "days": ["mon"], "start_on": iso(TODAY - timedelta(days=5))})
    assert assigned.status_code == 201, assigned.json
    # The coach sees both participants on the task.
    as_role(client, world, "coach")
    doc = html_of(client.get(task_url(own["task_id"])))
    working = table_with_caption(doc, dutch("Participants working on this task today"))
    assert sorted(r[0] for r in body_rows(working)) == sorted([own["name"], other["name"]])
    assert dutch("%(taken)s of %(places)s taken today, %(free)s free") % {"taken": 2, "places": 5, "free": 3} \
        == doc.by_id("places").text
    # The job coach reads the catalogue, sees only their organisation's participant, and changes nothing.
    link_job_coach(app, groningen, world.users[("groningen", "jobcoach")], coaching_organisation_id(app, groningen))
    as_role(client, world, "jobcoach")
    assert client.get(f"{T}/tasks").status_code == 200
    response = client.get(task_url(own["task_id"]))
    assert response.status_code == 200
    doc = html_of(response)
    working = table_with_caption(doc, dutch("Participants working on this task today"))
    assert [r[0] for r in body_rows(working)] == [own["name"]]
    assert "Vreemd" not in response.get_data(as_text=True)
    assert doc.by_id("edit-task-link") is None and doc.by_id("check-link") is None
    assert doc.by_id("matches-link") is None
    for url in (f"{T}/tasks/new", task_url(own["task_id"], "/matches"), task_url(own["task_id"], "/edit"),
                task_url(own["task_id"], "/check")):
        assert client.get(url).status_code == 403, url


def test_a_viewer_reads_the_catalogue_without_changing_it_or_seeing_participants(app, client, world, tokens,
                                                                                 groningen, coach_api, owner_engine):
    e = add_employment(client, "groningen", tokens["coach"], tokens["admin"],
                       coaching_id=coaching_organisation_id(app, groningen), family_name="Verborgen")
    as_role(client, world, "viewer")
    response = client.get(f"{T}/tasks")
    assert response.status_code == 200
    doc = html_of(response)
    assert list_titles(doc) == ["Zwerfafval groningen"]
    assert doc.by_id("new-task-link") is None and f"{T}/tasks/new" not in response.get_data(as_text=True)
    assert body_rows(doc.find("table"))[0][5] == dutch("%(taken)s of %(places)s") % {"taken": 1, "places": 5}
    response = client.get(task_url(e["task_id"]))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Verborgen" not in body and dutch("Working on this task") not in body
    assert html_of(response).by_id("edit-task-link") is None
    for url in (f"{T}/tasks/new", task_url(e["task_id"], "/edit"), task_url(e["task_id"], "/check"),
                task_url(e["task_id"], "/matches")):
        assert client.get(url).status_code == 403, url
    before = count(owner_engine, "tasks")
    response = post(client, f"{T}/tasks/new", task_form(), token_from=f"{T}/tasks")
    assert response.status_code == 403 and count(owner_engine, "tasks") == before


# --- the words for the codes ------------------------------------------------------------------------------------

def test_every_code_has_a_label_and_every_factor_outcome_an_explanation(app):
    from basisbaan.domain.matching import Factor
    from basisbaan.models.work import (DEMANDS, PHYSICAL_DEMANDS, TASK_CATEGORIES, TASK_SOURCES, TASK_STATUSES,
                                       VERDICTS, WEEKDAYS)
    from basisbaan.web import match_labels as m

    for labels, codes in ((m.TASK_CATEGORY_LABELS, TASK_CATEGORIES), (m.DEMAND_LABELS, DEMANDS),
                          (m.WEEKDAY_LABELS, WEEKDAYS), (m.PHYSICAL_DEMAND_LABELS, PHYSICAL_DEMANDS),
                          (m.TASK_SOURCE_LABELS, TASK_SOURCES), (m.TASK_STATUS_LABELS, TASK_STATUSES),
                          (m.CHECK_VERDICT_LABELS, VERDICTS)):
        assert set(labels) == set(codes)
    outcomes = {
        "neighbourhood": [("same_neighbourhood", ()), ("same_area", ()), ("municipality_wide", ()), ("elsewhere", ()),
                          ("unknown", ())],
        "preferences": [("preferred", ("litter",)), ("not_preferred", ("litter",)), ("unknown", ())],
        "hours": [("fits_exactly", ("24",)), ("fits_partly", ("24.5",)), ("more_than_free", ("8",)),
                  ("no_free_hours", ("0",)), ("unknown", ())],
        "days": [("available", ()), ("any_day", ()), ("partly_available", ("fri", "sat"))],
        "demands": [("no_conflict", ()), ("conflicts", ("physical:heavy", "lifting"))],
        "places": [("free", ("1",)), ("free", ("3",)), ("full", ())],
    }
    with app.test_request_context("/?lang=en"):  # English: the msgids themselves
        said = {(code, outcome, details): m.explain(Factor(code, 0, outcome, details=details))
                for code, cases in outcomes.items() for outcome, details in cases}
    assert all(text and text != outcome for (code, outcome, details), text in said.items())
    assert said[("neighbourhood", "same_area", ())] == "Nearby (same area)"
    assert said[("preferences", "preferred", ("litter",))] == "Preferred kind of work: Litter picking"
    assert said[("hours", "fits_partly", ("24.5",))] == "Takes part of the 24.5 free hours"
    assert said[("hours", "more_than_free", ("8",))] == "More hours than the 8 free; assign fewer"
    assert said[("days", "partly_available", ("fri", "sat"))] == "Not available on: Friday, Saturday"
    assert said[("demands", "conflicts", ("physical:heavy", "lifting"))] == (
        "Conflicts with limitations: physical demand too heavy (heavy), Lifting")
    assert said[("places", "free", ("1",))] == "1 place free" and said[("places", "free", ("3",))] == "3 places free"
    assert said[("places", "full", ())] == "No free place"
