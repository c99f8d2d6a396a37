"""A participant's work pages as a coach and a job coach use them: the task package per week with its hours
against the contract, adding a task to the package (the service's rules named at the fields: more hours
than the contract, a task that did not pass the displacement check, no free place), ending an assignment,
the matching tasks (ranked, blocked ones hidden unless asked for, never assigned by themselves), and the
work profile (limitations encrypted and only for municipal coaches; a stale version is a conflict).

Pages are Dutch by default: expected interface texts come from the Dutch catalogue (`dutch`). Rows are
created through the API with tokens and read as the database owner.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from basisbaan.extensions import db
from basisbaan.tenancy import tenant_scope
from tests.conftest import auth
from tests.employment_helpers import api
from tests.web.conftest import (assert_site_page, dutch, error_summary_links, field_value, html_of, make_user,
                                start_session)
from tests.web.test_participant_pages import (add_employment, body_rows, coaching_organisation_id, count,
                                              errors_at, field_error, iso, link_job_coach, owner_rows, post,
                                              table_with_caption)

T = "/t/groningen"
TODAY = date.today()


# --- helpers --------------------------------------------------------------------------------------------

def work_url(employment, suffix: str = "/work") -> str:
    return f"{T}/participants/{employment['participant_id']}{suffix}"


def new_task(client, coach: dict, title: str, *, checked: bool = True, **fields) -> str:
    """A task through the API; with a passed displacement check a month ago unless `checked` is false."""
    body = {"title": title, "category": "other", "hours_per_week": "8", "source": "area_team", "places": 3,
            **fields}
    made = client.post(api("groningen", "/tasks"), headers=coach, json=body)
    assert made.status_code == 201, made.json
    if checked:
        check = client.post(api("groningen", f"/tasks/{made.json['id']}/displacement-checks"), headers=coach, json={
            "checked_on": iso(TODAY - timedelta(days=30)), "done_by_paid_staff": False, "host_would_hire": False,
            "done_by_volunteers": False, "is_additional": True, "verdict": "approved", "reasons": "Aanvullend."})
        assert check.status_code == 201, check.json
    return made.json["id"]


def as_list(stored) -> list:
    """A JSON column as the owner reads it (text on SQLite, a list on PostgreSQL)."""
    return json.loads(stored) if isinstance(stored, str) else stored


def assignment_form(task_id: str, **overrides) -> dict:
    data = {"task_id": task_id, "hours_per_week": "8", "days": ["tue"], "start_on": iso(TODAY), "end_on": "",
            "note": ""}
    data.update(overrides)
    return data


def profile_form(**overrides) -> dict:
    data = {"version": "", "preferred_categories": [], "available_days": [], "max_physical_demand": "",
            "limitations": []}
    data.update(overrides)
    return data


def assert_accessible(doc) -> None:
    """One h1, tables with a caption and scoped headers, a label for every control."""
    assert len(doc.find_all("h1")) == 1
    for table in doc.find_all("table"):
        assert table.find("caption") is not None
        assert all(th.get("scope") in ("col", "row") for th in table.find_all("th"))
    labels = {label.get("for") for label in doc.find_all("label")}
    for control in doc.find("main").find_all("input") + doc.find("main").find_all("select"):
        if control.get("type") in ("hidden", "submit"):
            continue
        assert control.get("id") in labels, control.attrs


def week(doc) -> dict[str, str]:
    """Weekday label -> the tasks in its cell."""
    table = table_with_caption(doc, dutch("Tasks per weekday on %(date)s") % {"date": ""})
    assert table is not None
    return {row[0]: row[1] for row in body_rows(table)}


def package_hours(hours: str, contract: str) -> str:
    return dutch("%(hours)s of %(contract)s contract hours per week in the package.") % {
        "hours": hours, "contract": contract}


def neighbourhood_id(app, tenant, name: str) -> uuid.UUID:
    from basisbaan.models import Neighbourhood

    with app.app_context():
        with tenant_scope(db.session, tenant.id):
            found = db.session.scalars(select(Neighbourhood.id).where(Neighbourhood.name == name)).one()
        db.session.remove()
    return found


def live_in(app, tenant, participant_id: str, hood: uuid.UUID) -> None:
    """Give the participant's person a neighbourhood (as the intake records it)."""
    from basisbaan.models import Participant

    with app.app_context():
        with tenant_scope(db.session, tenant.id):
            record = db.session.scalars(select(Participant).where(Participant.id == uuid.UUID(participant_id))).one()
            record.person.neighbourhood_id = hood
        db.session.commit()
        db.session.remove()


# --- fixtures -------------------------------------------------------------------------------------------

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
def employment(app, client, world, groningen, tokens):
    """A participant of Groningen with a 32-hour contract, the 8-hour task "Zwerfafval groningen" on Mondays
    and a work profile (litter and hosting preferred, Monday to Thursday, medium work, no lifting)."""
    return add_employment(client, "groningen", tokens["coach"], tokens["admin"],
                          coaching_id=coaching_organisation_id(app, groningen))


@pytest.fixture
def coach(app, client, world, groningen):
    start_session(client, groningen, world.users[("groningen", "coach")])
    return world.users[("groningen", "coach")]


# --- the package per week ---------------------------------------------------------------------------------

def test_the_work_page_shows_the_week_the_hours_against_the_contract_and_the_history(app, client, employment,
                                                                                     coach):
    e = employment
    response = client.get(work_url(e))
    assert response.status_code == 200
    doc = assert_site_page(response)
    assert_accessible(doc)
    assert e["name"] in doc.find("h1").text
    days = week(doc)
    assert list(days) == [dutch(d) for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                                             "Sunday")]
    assert "Zwerfafval groningen" in days[dutch("Monday")]
    assert days[dutch("Tuesday")] == "–"
    hours = doc.by_id("package-hours").text
    assert package_hours("8", "32") in hours
    assert dutch("The package does not match the contract hours.") in hours
    history = table_with_caption(doc, dutch("All assignments of this participant"))
    [[task, hours_cell, days_cell, first, last, note, action]] = body_rows(history)
    assert task == "Zwerfafval groningen" and hours_cell == "8" and days_cell == dutch("Monday")
    assert last == dutch("No end date") and action.startswith(dutch("End"))
    links = {a.get("href") for a in doc.find("main").find_all("a")}
    assert {f"{T}/tasks/{e['task_id']}", work_url(e, f"/assignments/{e['assignment_id']}/end"),
            work_url(e, "/assignments/new"), work_url(e, "/matches"), work_url(e, "/work-profile")} <= links
    # The work profile (in the catalogue's order), limitations included for a municipal coach.
    assert doc.by_id("profile-categories").text == f"{dutch('Hosting')}, {dutch('Litter picking')}"
    assert doc.by_id("profile-physical").text == dutch("Medium")
    assert doc.by_id("profile-limitations").text == dutch("Lifting")
    # Another date: before the first working day there is no package and no contract.
    earlier = html_of(client.get(work_url(e) + f"?on={iso(TODAY - timedelta(days=400))}"))
    assert dutch("%(hours)s hours per week in the package; no contract on this date.") % {"hours": "0"} \
        in earlier.by_id("package-hours").text
    assert field_value(earlier, "on") == iso(TODAY - timedelta(days=400))
    # A date that is no date shows today.
    assert field_value(html_of(client.get(work_url(e) + "?on=gisteren")), "on") == iso(TODAY)


# --- adding a task ----------------------------------------------------------------------------------------

def test_a_task_is_added_through_the_form_and_the_package_grows(app, client, employment, coach, coach_api,
                                                                owner_engine):
    e = employment
    task_id = new_task(client, coach_api, "Gastvrouw buurthuis", category="hosting", days=["tue", "thu"])
    unchecked = new_task(client, coach_api, "Nog niet getoetst", checked=False)
    url = work_url(e, "/assignments/new")
    form = html_of(client.get(url))
    assert_accessible(form)
    offered = [o.get("value") for o in form.by_id("task_id").find_all("option")]
    assert task_id in offered and e["task_id"] in offered and unchecked not in offered
    # From a match: the task and its hours and days filled in.
    form = html_of(client.get(f"{url}?task_id={task_id}"))
    assert field_value(form, "task_id") == task_id and field_value(form, "hours_per_week") == "8"
    assert field_value(form, "days-1") is True and field_value(form, "days-3") is True
    assert field_value(form, "days-0") is False and field_value(form, "start_on") == iso(TODAY)
    response = post(client, url, assignment_form(task_id, days=["tue", "thu"], note="Dinsdag en donderdag"))
    assert response.status_code == 302, html_of(response).find("main").text
    assert response.headers["Location"] == work_url(e) + "#history"
    rows = owner_rows(owner_engine, "SELECT * FROM assignments ORDER BY created_at")
    assert len(rows) == 2
    assert as_list(rows[1]["days"]) == ["tue", "thu"]
    assert float(rows[1]["hours_per_week"]) == 8 and rows[1]["note"] == "Dinsdag en donderdag"
    doc = html_of(client.get(response.headers["Location"]))
    assert dutch("The task has been added to the package.") in doc.text
    assert package_hours("16", "32") in doc.by_id("package-hours").text
    days = week(doc)
    assert "Gastvrouw buurthuis" in days[dutch("Tuesday")] and "Gastvrouw buurthuis" in days[dutch("Thursday")]
    assert "Gastvrouw buurthuis" not in days[dutch("Monday")]


@pytest.mark.parametrize("overrides, field, message", [
    ({"hours_per_week": "30"}, "hours_per_week", ("More hours than the contract (%(hours)s) on %(day)s.",
                                                  {"hours": ("32", "32.0"), "day": iso(TODAY)})),
    ({"hours_per_week": "8,25"}, "hours_per_week", ("At most one decimal.", {})),
    ({"hours_per_week": "0"}, "hours_per_week", ("More than 0 and at most 40.", {})),
    ({"start_on": ""}, "start_on", None),
    ({"end_on": iso(TODAY - timedelta(days=1))}, "end_on", ("Cannot be before the start date.", {})),
    ({"start_on": iso(TODAY - timedelta(days=60))}, "start_on",
     ("Cannot be before the task passed its displacement check (%(day)s).",
      {"day": iso(TODAY - timedelta(days=30))})),
    ({"days": ["someday"]}, "days", None),
])
def test_bad_input_is_named_at_the_field_and_adds_nothing(app, client, employment, coach, coach_api, owner_engine,
                                                          overrides, field, message):
    e = employment
    task_id = new_task(client, coach_api, "Gastvrouw buurthuis", category="hosting")
    before = count(owner_engine, "assignments")
    response = post(client, work_url(e, "/assignments/new"), assignment_form(task_id, **overrides))
    assert response.status_code == 422
    doc = html_of(response)
    assert errors_at(doc) == {field}
    if message is not None:
        template, params = message
        hours = params.get("hours", (None,))  # the service writes the contract's hours as stored (32.0)
        assert field_error(doc, field) in {dutch(template) % {**params, "hours": h} if params else dutch(template)
                                           for h in hours}
    assert count(owner_engine, "assignments") == before
    # What was typed stays in the form.
    if "hours_per_week" in overrides:
        assert field_value(doc, "hours_per_week") == overrides["hours_per_week"]
    assert field_value(doc, "task_id") == task_id


def test_a_task_without_a_passed_check_or_a_free_place_is_refused_at_the_task(app, client, world, groningen, tokens,
                                                                              employment, coach_api, owner_engine):
    e = employment
    unchecked = new_task(client, coach_api, "Nog niet getoetst", checked=False)
    full = new_task(client, coach_api, "Eén plek", places=1)
    other = add_employment(client, "groningen", tokens["coach"], tokens["admin"], family_name="Ander", absence=False)
    taken = client.post(api("groningen", f"/participants/{other['participant_id']}/assignments"), headers=coach_api,
                        json={"task_id": full, "hours_per_week": "8", "days": ["tue"], "start_on": iso(TODAY)})
    assert taken.status_code == 201, taken.json
    start_session(client, groningen, world.users[("groningen", "coach")])
    before = count(owner_engine, "assignments")
    url = work_url(e, "/assignments/new")
    # Named in the link (or posted), the task is shown chosen; saving it is refused.
    assert field_value(html_of(client.get(f"{url}?task_id={unchecked}")), "task_id") == unchecked
    response = post(client, url, assignment_form(unchecked))
    assert response.status_code == 422
    doc = html_of(response)
    assert errors_at(doc) == {"task_id"}
    assert field_error(doc, "task_id") == dutch("The task has not passed the displacement check.")
    response = post(client, url, assignment_form(full))
    assert response.status_code == 409  # a conflict with the other participant's place
    doc = html_of(response)
    assert errors_at(doc) == {"task_id"}
    assert field_error(doc, "task_id") == dutch("No free place on this task in this period (%(places)s places).") \
        % {"places": 1}
    # No task at all, or one that does not exist.
    response = post(client, url, assignment_form(""))
    assert response.status_code == 422 and errors_at(html_of(response)) == {"task_id"}
    response = post(client, url, assignment_form(str(uuid.uuid4())))
    assert response.status_code == 422
    assert field_error(html_of(response), "task_id") == dutch("No such task.")
    assert count(owner_engine, "assignments") == before


# --- ending an assignment ---------------------------------------------------------------------------------

def test_an_assignment_is_ended_on_a_last_day_and_stays_in_the_history(app, client, employment, coach, owner_engine):
    e = employment
    url = work_url(e, f"/assignments/{e['assignment_id']}/end")
    form = html_of(client.get(url))
    assert_accessible(form)
    assert field_value(form, "end_on") == iso(TODAY)
    assert "Zwerfafval groningen" in form.find("main").text
    # Before the start: named, nothing changed.
    response = post(client, url, {"end_on": iso(TODAY - timedelta(days=1000))})
    assert response.status_code == 422
    doc = html_of(response)
    assert errors_at(doc) == {"end_on"} and field_error(doc, "end_on") == dutch("Cannot be before the start date.")
    response = post(client, url, {"end_on": ""})
    assert response.status_code == 422 and errors_at(html_of(response)) == {"end_on"}
    last = TODAY - timedelta(days=1)
    response = post(client, url, {"end_on": iso(last)})
    assert response.status_code == 302
    assert response.headers["Location"] == work_url(e) + "#history"
    [row] = owner_rows(owner_engine, "SELECT * FROM assignments")
    assert str(row["end_on"]) == iso(last)
    doc = html_of(client.get(response.headers["Location"]))
    assert dutch("The assignment has been ended.") in doc.text
    [[task, *_rest, action]] = body_rows(table_with_caption(doc, dutch("All assignments of this participant")))
    assert task == "Zwerfafval groningen" and action == ""  # over: nothing left to end
    assert package_hours("0", "32") in doc.by_id("package-hours").text
    # Extending an ended assignment is not possible: add a new one instead.
    response = post(client, url, {"end_on": iso(TODAY + timedelta(days=10))})
    assert response.status_code == 422 and errors_at(html_of(response)) == {"end_on"}
    # Another participant's assignment id (or none) is not found.
    assert client.get(work_url(e, f"/assignments/{uuid.uuid4()}/end")).status_code == 404


# --- matching tasks ---------------------------------------------------------------------------------------

def match_rows(doc) -> list[list[str]]:
    return body_rows(table_with_caption(doc, dutch("Open tasks for this participant, best first")))


def test_the_matches_rank_the_tasks_that_fit_and_hide_the_ones_that_do_not(app, client, world, groningen, employment,
                                                                          coach, coach_api, owner_engine):
    e = employment
    beijum = neighbourhood_id(app, groningen, "Beijum")
    live_in(app, groningen, e["participant_id"], beijum)
    near = new_task(client, coach_api, "Gastvrouw Beijum", category="hosting", neighbourhood_id=str(beijum),
                    days=["tue"])
    elsewhere = new_task(client, coach_api, "Sportdag", category="sports")
    heavy = new_task(client, coach_api, "Verhuishulp", category="residents", demands=["lifting"])
    new_task(client, coach_api, "Niet getoetst", category="hosting", checked=False)
    before = count(owner_engine, "assignments")
    response = client.get(work_url(e, "/matches"))
    assert response.status_code == 200
    doc = assert_site_page(response)
    assert_accessible(doc)
    rows = match_rows(doc)
    # The task in the package already, the unchecked one and the one demanding lifting are left out.
    assert [row[0].split(" (")[0] for row in rows] == ["Gastvrouw Beijum", "Sportdag"]
    points = dutch("%(points)s of %(max)s")
    assert rows[0][3] == points % {"points": 10, "max": 11} and rows[1][3] == points % {"points": 6, "max": 11}
    assert rows[0][1] == "Beijum"
    assert dutch("Same neighbourhood") in rows[0][4]
    assert dutch("Preferred kind of work: %(kind)s") % {"kind": dutch("Hosting")} in rows[0][4]
    assert "24" in doc.by_id("free-hours").text  # 32 contract hours, 8 in the package
    links = [a.get("href") for a in doc.find("main").find_all("a")]
    assert work_url(e, f"/assignments/new?task_id={near}") in links
    assert work_url(e, f"/assignments/new?task_id={elsewhere}") in links
    assert f"{T}/tasks/{near}" in links
    # Also the ones that do not fit: last, marked with the reason, and not offered for the package.
    doc = html_of(client.get(work_url(e, "/matches") + "?include_blocked=1"))
    assert field_value(doc, "include_blocked") is True
    rows = match_rows(doc)
    assert [row[0].split(" (")[0] for row in rows] == ["Gastvrouw Beijum", "Sportdag", "Verhuishulp"]
    assert dutch("Does not fit") in rows[2][4] and dutch("Lifting") in rows[2][4]
    assert rows[2][5] == ""
    assert work_url(e, f"/assignments/new?task_id={heavy}") not in [a.get("href") for a in doc.find_all("a")]
    blocked = [tr for tr in doc.find("tbody").find_all("tr") if "blocked" in tr.classes]
    assert len(blocked) == 1 and "Verhuishulp" in blocked[0].text
    # A suggestion never assigns.
    assert count(owner_engine, "assignments") == before


# --- the work profile -------------------------------------------------------------------------------------

def test_the_work_profile_form_saves_encrypted_limitations_and_refuses_a_stale_version(app, client, employment,
                                                                                       coach, coach_api,
                                                                                       owner_engine):
    e = employment
    url = work_url(e, "/work-profile")
    form = html_of(client.get(url))
    assert_accessible(form)
    read_version = field_value(form, "version")
    assert read_version == "1"
    assert field_value(form, "limitations-1") is True  # lifting
    assert field_value(form, "available_days-0") is True and field_value(form, "available_days-4") is False
    assert field_value(form, "max_physical_demand") == "medium"
    data = profile_form(version=read_version, preferred_categories=["sports"], available_days=["mon", "fri"],
                        max_physical_demand="heavy", limitations=["lifting", "early_hours"])
    # An unknown value first: named, nothing saved.
    response = post(client, url, {**data, "limitations": ["flying"]})
    assert response.status_code == 422 and errors_at(html_of(response)) == {"limitations"}
    response = post(client, url, data)
    assert response.status_code == 302
    assert response.headers["Location"] == work_url(e) + "#work-profile"
    [row] = owner_rows(owner_engine, "SELECT * FROM work_profiles")
    assert row["version"] == 2 and row["max_physical_demand"] == "heavy"
    assert as_list(row["preferred_categories"]) == ["sports"]
    assert "lifting" not in row["limitations_encrypted"] and "early_hours" not in row["limitations_encrypted"]
    saved = client.get(api("groningen", f"/participants/{e['participant_id']}/work-profile"), headers=coach_api).json
    assert saved["limitations"] == ["early_hours", "lifting"] and saved["available_days"] == ["mon", "fri"]
    page = html_of(client.get(response.headers["Location"]))
    assert dutch("The work profile has been saved.") in page.text
    assert page.by_id("profile-limitations").text == f"{dutch('Lifting')}, {dutch('Early hours')}"
    # The same form again (someone else saved in between): a clear conflict, nothing saved.
    response = post(client, url, {**data, "limitations": []})
    assert response.status_code == 409
    doc = html_of(response)
    assert dutch("Someone else changed this in the meantime. Reload the page to see the current state, then make "
                 "your change again.") in doc.by_id("error-summary").text
    assert error_summary_links(doc) == []
    [row] = owner_rows(owner_engine, "SELECT * FROM work_profiles")
    assert row["version"] == 2 and row["limitations_encrypted"] is not None
    # Without the version an existing profile is not overwritten either.
    assert post(client, url, {**data, "version": ""}).status_code == 409


def test_a_first_work_profile_is_made_without_a_version(app, client, world, groningen, tokens, coach_api,
                                                        owner_engine):
    other = add_employment(client, "groningen", tokens["coach"], tokens["admin"], family_name="Nieuw", absence=False)
    start_session(client, groningen, world.users[("groningen", "coach")])
    url = work_url(other, "/work-profile")
    form = html_of(client.get(url))
    assert field_value(form, "version") == "" and field_value(form, "max_physical_demand") == ""
    assert dutch("No work profile yet.") in html_of(client.get(work_url(other))).by_id("main").text
    response = post(client, url, profile_form(preferred_categories=["litter"]))
    assert response.status_code == 302
    [row] = owner_rows(owner_engine, "SELECT * FROM work_profiles")
    assert row["version"] == 1 and row["limitations_encrypted"] is None and row["max_physical_demand"] is None


# --- a job coach ------------------------------------------------------------------------------------------

def test_a_job_coach_sees_the_package_without_limitations_and_may_not_change_the_work(app, client, world, groningen,
                                                                                     employment, owner_engine):
    e = employment
    link_job_coach(app, groningen, world.users[("groningen", "jobcoach")], coaching_organisation_id(app, groningen))
    start_session(client, groningen, world.users[("groningen", "jobcoach")])
    response = client.get(work_url(e))
    assert response.status_code == 200
    doc = html_of(response)
    assert "Zwerfafval groningen" in week(doc)[dutch("Monday")]
    assert doc.by_id("profile-categories") is not None  # preferences: yes
    assert doc.by_id("profile-limitations") is None  # limitations (health-derived): no
    body = response.get_data(as_text=True)
    assert dutch("Lifting") not in body
    for suffix in ("/matches", "/assignments/new", "/work-profile", f"/assignments/{e['assignment_id']}/end"):
        assert work_url(e, suffix) not in body, suffix
        assert client.get(work_url(e, suffix)).status_code == 403, suffix
    before = count(owner_engine, "assignments"), owner_rows(owner_engine, "SELECT version FROM work_profiles")
    token_page = work_url(e)
    assert post(client, work_url(e, "/assignments/new"), assignment_form(e["task_id"]),
                token_from=token_page).status_code == 403
    assert post(client, work_url(e, "/work-profile"), profile_form(version="1"), token_from=token_page).status_code \
        == 403
    assert post(client, work_url(e, f"/assignments/{e['assignment_id']}/end"), {"end_on": iso(TODAY)},
                token_from=token_page).status_code == 403
    assert (count(owner_engine, "assignments"), owner_rows(owner_engine, "SELECT version FROM work_profiles")) \
        == before
    # A job coach of no (or another) organisation does not see this participant's work at all.
    start_session(client, groningen, make_user(app, groningen, ["jobcoach"]))
    assert client.get(work_url(e)).status_code == 404
