"""The support pages as a municipal coach and a job coach use them: the coaching log with the average
coaching hours, logging coaching time, a participant's wellbeing (measurements, the change per domain as
an accessible chart and its table, the audited view), recording a measurement, debt support and training
(with a stale version).

Rows are made through the API (tests/web/test_participant_pages.py `add_employment`: the participant has a
coaching session, debt support, a training and two wellbeing measurements, all scores 2 then 3, on
Groningen's instrument) and read as the database owner. Pages are Dutch by default (`dutch`).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.conftest import auth
from tests.employment_helpers import coaching
from tests.web.conftest import assert_site_page, csrf_token, dutch, field_value, html_of, start_session
from tests.web.test_participant_pages import (add_employment, body_rows, coaching_organisation_id, count, errors_at,
                                              field_error, iso, link_job_coach, owner_rows, post, table_with_caption)

T = "/t/groningen"
TODAY = date.today()
STARTED = TODAY - timedelta(days=300)  # add_employment's default first working day
DOMAINS_NL = ["Inkomen", "Kunnen sparen", "Schulden", "Sociale contacten", "Wonen"]
CODES = ["income", "savings", "debts", "social_contacts", "housing"]
STALE = ("Someone else changed this in the meantime. Reload the page to see the current state, then make your "
         "change again.")


@pytest.fixture
def groningen(world):
    return world.tenants["groningen"]


@pytest.fixture
def tokens(make_token, groningen):
    return {"coach": make_token(groningen, "coach"), "admin": make_token(groningen, "admin")}


@pytest.fixture
def employment(app, client, world, groningen, tokens):
    """Groningen's participant, coached by the world's coaching organisation, with work and support."""
    return add_employment(client, "groningen", tokens["coach"], tokens["admin"],
                          coaching_id=coaching_organisation_id(app, groningen))


@pytest.fixture
def coach(client, world, groningen, employment):
    start_session(client, groningen, world.users[("groningen", "coach")])
    return world.users[("groningen", "coach")]


@pytest.fixture
def job_coach(app, client, world, groningen, employment):
    """Groningen's job coach, a member of the participant's coaching organisation, signed in."""
    user_id = world.users[("groningen", "jobcoach")]
    link_job_coach(app, groningen, user_id, coaching_organisation_id(app, groningen))
    start_session(client, groningen, user_id)
    return user_id


def url(employment, suffix: str = "") -> str:
    return f"{T}/participants/{employment['participant_id']}{suffix}"


def radio_values(doc, name: str) -> list[str]:
    return [i.get("value") for i in doc.find_all("input", name=name) if i.get("type") == "radio"]


def option_values(doc, ident: str) -> list[str]:
    return [o.get("value") for o in doc.by_id(ident).find_all("option")]


# --- every page renders ----------------------------------------------------------------------------------

def test_every_support_page_renders_for_a_coach(app, client, employment, coach):
    e = employment
    urls = [f"{T}/coaching", f"{T}/coaching/new", url(e, "/wellbeing"), url(e, "/wellbeing/new"), url(e, "/support"),
            url(e, "/support/debt/new"), url(e, f"/support/debt/{e['debt_id']}/edit"),
            url(e, "/support/trainings/new"), url(e, f"/support/trainings/{e['training_id']}/edit")]
    for page in urls:
        response = client.get(page)
        assert response.status_code == 200, (page, response.status_code)
        doc = assert_site_page(response)
        assert len(doc.find_all("h1")) == 1, page
        for table in doc.find_all("table"):
            assert table.find("caption") is not None, page
            assert all(th.get("scope") in ("col", "row") for th in table.find_all("th")), page
        labelled = {label.get("for") for label in doc.find_all("label")}
        for control in doc.find("main").find_all("input") + doc.find("main").find_all("select") \
                + doc.find("main").find_all("textarea"):
            if control.get("type") in ("hidden", "submit"):
                continue
            assert control.get("id") in labelled, (page, control.attrs)
    # A participant that does not exist is a 404 on every participant page.
    missing = {"participant_id": str(uuid.uuid4()), "debt_id": e["debt_id"], "training_id": e["training_id"]}
    for suffix in ("/wellbeing", "/wellbeing/new", "/support", f"/support/debt/{e['debt_id']}/edit"):
        assert client.get(url(missing, suffix)).status_code == 404, suffix
    assert client.get(url(e, f"/support/debt/{uuid.uuid4()}/edit")).status_code == 404
    assert client.get(url(e, f"/support/trainings/{uuid.uuid4()}/edit")).status_code == 404


# --- coaching ---------------------------------------------------------------------------------------------

def log_rows(doc) -> list[list[str]]:
    return body_rows(table_with_caption(doc, dutch("Coaching sessions, newest first")))


def test_the_coaching_log_lists_the_session_and_the_average(app, client, employment, coach):
    e = employment
    doc = html_of(client.get(f"{T}/coaching"))
    [[held_on, name, kind, hours, _coach]] = log_rows(doc)
    assert name == f"{e['family_name']}, Piet" and kind == dutch("Work") and hours == "2"
    row = table_with_caption(doc, dutch("Coaching sessions, newest first")).find("tbody").find("a")
    assert row.get("href") == url(e)
    assert doc.find("a", href=f"{T}/coaching/new") is not None  # "Log coaching time"
    # The last 13 weeks by default: the session lies before them.
    average = doc.by_id("coaching-average")
    assert average is not None and doc.by_id("hours-per-week").text == "0"
    # Over 13 weeks from the first working day: 2 hours in 13 participant-weeks.
    first, last = iso(STARTED), iso(STARTED + timedelta(days=90))
    doc = html_of(client.get(f"{T}/coaching?from={first}&to={last}&participant_id={e['participant_id']}"))
    figures = [dd.text for dd in doc.by_id("coaching-average").find_all("dd")]
    assert figures == ["0,15", "1", "13", "2", "0,15", "0,15"]
    assert len(log_rows(doc)) == 1
    assert field_value(doc, "participant_id") == e["participant_id"] and field_value(doc, "from") == first
    # Filters: another kind, or a period without the session, show nothing.
    assert log_rows(html_of(client.get(f"{T}/coaching?kind=income_wellbeing")))[0] == [dutch("Nothing found.")]
    assert log_rows(html_of(client.get(f"{T}/coaching?to={iso(STARTED)}")))[0] == [dutch("Nothing found.")]
    # A 'from' after the 'to' is said, not a crash.
    doc = html_of(client.get(f"{T}/coaching?from={iso(TODAY)}&to={iso(TODAY - timedelta(days=5))}"))
    assert doc.by_id("coaching-average") is None
    assert client.get(f"{T}/coaching?from=garbage&to=2024-13-45&participant_id=x&kind=y").status_code == 200


def test_the_coaching_log_pages_through_many_sessions_keeping_its_filters(app, client, groningen, employment, coach):
    from basisbaan.extensions import db
    from basisbaan.models import CoachingSession
    from basisbaan.tenancy import tenant_scope

    with app.app_context():  # rows made directly: faster than through the form
        with tenant_scope(db.session, groningen.id):
            for n in range(26):
                db.session.add(CoachingSession(participant_id=uuid.UUID(employment["participant_id"]),
                                               held_on=TODAY - timedelta(days=n), kind="income_wellbeing",
                                               hours=Decimal("0.5"), coach_label="Coach"))
        db.session.commit()
        db.session.remove()
    first = html_of(client.get(f"{T}/coaching?kind=income_wellbeing&from={iso(STARTED)}"))
    assert len(log_rows(first)) == 25
    nxt = first.find("a", rel="next").get("href")
    assert "kind=income_wellbeing" in nxt and f"from={iso(STARTED)}" in nxt
    assert len(log_rows(html_of(client.get(nxt)))) == 1
    # The average over the last 13 weeks counts these 13 hours.
    doc = html_of(client.get(f"{T}/coaching"))
    assert [dd.text for dd in doc.by_id("coaching-average").find_all("dd")][3] == "13"


def coaching_form(employment, **overrides) -> dict:
    data = {"participant_id": employment["participant_id"], "held_on": iso(TODAY), "kind": "income_wellbeing",
            "hours": "1,25"}
    data.update(overrides)
    return data


def test_logging_coaching_time_through_the_form(app, client, employment, coach, owner_engine):
    e = employment
    page = f"{T}/coaching/new?participant_id={e['participant_id']}"
    form = html_of(client.get(page))
    assert field_value(form, "participant_id") == e["participant_id"] and field_value(form, "held_on") == iso(TODAY)
    assert radio_values(form, "kind") == ["work", "income_wellbeing"]
    for overrides, fields in (({"hours": "0"}, {"hours"}), ({"hours": "1,255"}, {"hours"}),
                              ({"hours": "25"}, {"hours"}), ({"held_on": iso(TODAY + timedelta(days=1))}, {"held_on"}),
                              ({"held_on": iso(STARTED - timedelta(days=1))}, {"held_on"}),
                              ({"participant_id": ""}, {"participant_id"}), ({"kind": ""}, {"kind"})):
        response = post(client, page, coaching_form(e, **overrides))
        assert response.status_code == 422, overrides
        assert errors_at(html_of(response)) == fields, overrides
    assert count(owner_engine, "coaching_sessions") == 1
    response = post(client, page, coaching_form(e))
    assert response.status_code == 302
    assert response.headers["Location"] == f"{T}/coaching?participant_id={e['participant_id']}"
    [logged] = owner_rows(owner_engine, "SELECT * FROM coaching_sessions WHERE kind = 'income_wellbeing'")
    assert float(logged["hours"]) == 1.25 and str(logged["held_on"]) == iso(TODAY)
    assert uuid.UUID(str(logged["coach_id"])) == coach and logged["organisation_id"] is None
    doc = html_of(client.get(response.headers["Location"]))
    assert dutch("The coaching time has been logged.") in doc.text
    assert [row[2:4] for row in log_rows(doc)] == [[dutch("Income and wellbeing"), "1,25"], [dutch("Work"), "2"]]


def test_a_job_coach_logs_only_work_and_only_for_their_own_organisation(app, client, world, groningen, tokens,
                                                                         employment, owner_engine):
    e = employment
    elsewhere = add_employment(client, "groningen", tokens["coach"], tokens["admin"], family_name="Elders",
                               coaching_id=coaching(client, auth(tokens["admin"]), "groningen", "Andere Begeleider"))
    link_job_coach(app, groningen, world.users[("groningen", "jobcoach")], coaching_organisation_id(app, groningen))
    start_session(client, groningen, world.users[("groningen", "jobcoach")])
    page = f"{T}/coaching/new"
    form = html_of(client.get(page))
    assert radio_values(form, "kind") == ["work"] and field_value(form, "kind") is not None
    assert form.by_id("kind-0").get("checked") is not None
    assert option_values(form, "participant_id") == ["", e["participant_id"]]
    # The log holds only their own organisation's participant.
    assert {row[1] for row in log_rows(html_of(client.get(f"{T}/coaching")))} == {f"{e['family_name']}, Piet"}
    before = count(owner_engine, "coaching_sessions")
    response = post(client, page, coaching_form(elsewhere, kind="work"))
    assert response.status_code == 422
    doc = html_of(response)
    assert errors_at(doc) == {"participant_id"}
    assert field_error(doc, "participant_id") == dutch("Not one of the participants you coach.")
    response = post(client, page, coaching_form(e, kind="income_wellbeing"))
    assert response.status_code == 422 and errors_at(html_of(response)) == {"kind"}
    assert count(owner_engine, "coaching_sessions") == before
    assert post(client, page, coaching_form(e, kind="work")).status_code == 302
    # The other organisation's participant has no support page or forms for this job coach.
    for suffix in ("/support", "/support/trainings/new", f"/support/trainings/{elsewhere['training_id']}/edit"):
        assert client.get(url(elsewhere, suffix)).status_code == 404, suffix
    [logged] = owner_rows(owner_engine, "SELECT * FROM coaching_sessions WHERE held_on = :day", day=TODAY)
    assert logged["kind"] == "work" and logged["organisation_id"] is not None


# --- wellbeing -------------------------------------------------------------------------------------------

def test_the_wellbeing_page_shows_the_chart_and_the_change_and_is_audited(app, client, groningen, tokens, employment,
                                                                          coach, owner_engine):
    e = employment
    response = client.get(url(e, "/wellbeing"))
    assert response.status_code == 200
    doc = html_of(response)
    main = doc.find("main")
    assert "Brug naar zelfredzaamheid" in main.text
    svg = main.find("svg")
    assert svg is not None and svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby").split()
    assert svg.find("title").get("id") == title_id and svg.find("desc").get("id") == desc_id
    assert svg.find("title").text == dutch("Wellbeing per domain: first and latest measurement")
    assert len(svg.find_all("rect", class_="chart-bar")) == 10  # first and latest for five domains
    assert [t.text for t in svg.find_all("text") if t.text in DOMAINS_NL] == DOMAINS_NL
    # The chart's data table follows it: first 2, latest 3, a change of +1 in every domain.
    table = table_with_caption(doc, dutch("Wellbeing per domain: first and latest measurement"))
    assert body_rows(table) == [[label, "2", "3", "+1"] for label in DOMAINS_NL]
    measured = body_rows(table_with_caption(doc, dutch("Measurements, oldest first")))
    assert [row[1:6] for row in measured] == [["2"] * 5, ["3"] * 5]
    assert doc.by_id("next-due").text  # six months after the latest measurement
    assert main.find("a", href=url(e, "/wellbeing/new")) is not None
    # The same figures give the same chart, byte for byte (no random ids, no timestamps).
    again = html_of(client.get(url(e, "/wellbeing"))).find("main").find("svg")
    assert str(again.attrs) == str(svg.attrs) and again.text == svg.text
    # Viewing the scores is audited, as the signed-in user.
    viewed = owner_rows(owner_engine, "SELECT * FROM audit_events WHERE action = 'participant.viewed' "
                                      "AND actor_type = 'user'")
    assert len(viewed) == 2 and {v["entity_id"] for v in viewed} == {str(e["participant_id"])}
    assert {v["actor_id"] for v in viewed} == {str(coach)}
    # Someone without measurements: when the first is due, and no chart.
    new = add_employment(client, "groningen", tokens["coach"], tokens["admin"], absence=False, started_on=TODAY)
    start_session(client, groningen, coach)
    doc = html_of(client.get(url(new, "/wellbeing")))
    assert doc.find("main").find("svg") is None and table_with_caption(doc, dutch("Measurements, oldest first")) is None
    assert dutch("No measurements yet.") in doc.text and doc.by_id("next-due").text
    # In English, the domains have their English labels.
    english = html_of(client.get(url(e, "/wellbeing?lang=en")))
    assert body_rows(table_with_caption(english, "Wellbeing per domain"))[0][0] == "Income"


def measurement(**overrides) -> dict:
    data = {"measured_on": iso(TODAY), **{f"score_{code}": "4" for code in CODES}}
    data.update(overrides)
    return data


def test_recording_a_measurement(app, client, employment, coach, owner_engine):
    e = employment
    page = url(e, "/wellbeing/new")
    form = html_of(client.get(page))
    assert field_value(form, "measured_on") == iso(TODAY)
    legends = [fs.find("legend").text for fs in form.find("main").find_all("fieldset")]
    assert legends == DOMAINS_NL
    assert radio_values(form, "score_income") == ["1", "2", "3", "4", "5"]
    response = post(client, page, measurement())
    assert response.status_code == 302 and response.headers["Location"] == url(e, "/wellbeing")
    assert count(owner_engine, "wellbeing_measurements") == 3
    doc = html_of(client.get(url(e, "/wellbeing")))
    assert dutch("The measurement has been recorded.") in doc.text
    table = table_with_caption(doc, dutch("Wellbeing per domain: first and latest measurement"))
    assert body_rows(table)[0] == ["Inkomen", "2", "4", "+2"]


@pytest.mark.parametrize("overrides, fields", [
    ({"score_income": None}, {"score_income"}),  # not answered
    ({"score_savings": "7"}, {"score_savings"}),  # outside the scale
    ({"score_debts": "0", "score_housing": "twee"}, {"score_debts", "score_housing"}),
    ({"measured_on": iso(TODAY + timedelta(days=1))}, {"measured_on"}),
    ({"measured_on": ""}, {"measured_on"}),
])
def test_a_missing_or_wrong_score_is_named_at_its_domain_and_nothing_is_saved(app, client, employment, coach,
                                                                              owner_engine, overrides, fields):
    data = {k: v for k, v in measurement(**overrides).items() if v is not None}
    response = post(client, url(employment, "/wellbeing/new"), data)
    assert response.status_code == 422
    doc = html_of(response)
    assert errors_at(doc) == fields
    for name in fields:
        assert field_error(doc, name)
    assert count(owner_engine, "wellbeing_measurements") == 2
    if "score_savings" in fields:
        assert field_error(doc, "score_savings") == dutch("A whole number from %(low)s to %(high)s.") % {
            "low": 1, "high": 5}


# --- support: debt and training ------------------------------------------------------------------------

def test_a_job_coach_sees_training_but_no_wellbeing_or_debt(app, client, employment, job_coach, owner_engine):
    e = employment
    for suffix in ("/wellbeing", "/wellbeing/new", "/support/debt/new", f"/support/debt/{e['debt_id']}/edit"):
        assert client.get(url(e, suffix)).status_code == 403, suffix
    response = client.get(url(e, "/support"))
    assert response.status_code == 200
    doc = html_of(response)
    assert doc.by_id("debt") is None and table_with_caption(doc, dutch("Debt support")) is None
    assert dutch("Municipal credit bank") not in doc.text
    [training] = body_rows(table_with_caption(doc, dutch("Training")))
    assert training[:2] == [dutch("First aid and emergency response (BHV)"), "BHV"]
    assert doc.find("a", href=url(e, "/support/trainings/new")) is not None
    assert doc.find("a", href=url(e, "/wellbeing")) is None
    assert client.get(url(e, "/support/trainings/new")).status_code == 200
    token = csrf_token(client, url(e, "/support"))
    response = client.post(url(e, "/support/debt/new"), data={"csrf_token": token, "kind": "credit_bank",
                                                              "referred_on": iso(TODAY), "status": "referred"})
    assert response.status_code == 403 and count(owner_engine, "debt_support") == 1


def test_debt_support_is_recorded_and_changed_and_a_stale_version_gives_409(app, client, employment, coach,
                                                                           owner_engine):
    e = employment
    page = url(e, "/support/debt/new")
    form = html_of(client.get(page))
    assert field_value(form, "referred_on") == iso(TODAY) and field_value(form, "status") == "referred"
    data = {"kind": "debt_counselling", "referred_on": iso(TODAY - timedelta(days=30)), "status": "active",
            "ended_on": "", "notes": "Schuldhulp via wijkteam"}
    response = post(client, page, {**data, "kind": ""})
    assert response.status_code == 422 and errors_at(html_of(response)) == {"kind"}
    response = post(client, page, {**data, "status": "completed"})
    assert response.status_code == 422 and errors_at(html_of(response)) == {"ended_on"}
    assert count(owner_engine, "debt_support") == 1
    response = post(client, page, data)
    assert response.status_code == 302 and response.headers["Location"] == url(e, "/support#debt")
    [row] = owner_rows(owner_engine, "SELECT * FROM debt_support WHERE kind = 'debt_counselling'")
    assert "Schuldhulp" not in (row["notes_encrypted"] or "")  # stored encrypted
    doc = html_of(client.get(url(e, "/support")))
    rows = body_rows(table_with_caption(doc, dutch("Debt support")))
    assert [r[0] for r in rows] == [dutch("Municipal credit bank"), dutch("Debt counselling")]
    assert rows[1][2] == dutch("Active") and rows[1][4] == "Schuldhulp via wijkteam"
    edit = url(e, f"/support/debt/{uuid.UUID(str(row['id']))}/edit")
    form = html_of(client.get(edit))
    version = field_value(form, "version")
    assert field_value(form, "notes") == "Schuldhulp via wijkteam" and field_value(form, "status") == "active"
    done = {"version": version, "status": "completed", "ended_on": iso(TODAY - timedelta(days=1)),
            "notes": "Afgerond"}
    response = post(client, edit, {**done, "ended_on": iso(TODAY - timedelta(days=60))})
    assert response.status_code == 422 and errors_at(html_of(response)) == {"ended_on"}  # before the referral
    response = post(client, edit, done)
    assert response.status_code == 302
    [row] = owner_rows(owner_engine, "SELECT * FROM debt_support WHERE kind = 'debt_counselling'")
    assert row["status"] == "completed" and str(row["ended_on"]) == iso(TODAY - timedelta(days=1))
    # The same form again: someone else saved in between.
    response = post(client, edit, {**done, "status": "stopped"})
    assert response.status_code == 409
    doc = html_of(response)
    assert dutch(STALE) in doc.by_id("error-summary").text
    assert doc.find("a", href=edit) is not None and field_value(doc, "status") == "stopped"
    assert owner_rows(owner_engine, "SELECT status FROM debt_support WHERE kind = 'debt_counselling'") == [
        {"status": "completed"}]
    response = post(client, edit, {**done, "version": "x"})
    assert response.status_code == 409


def test_a_training_is_recorded_and_completed_and_a_stale_version_gives_409(app, client, employment, coach,
                                                                           owner_engine):
    e = employment
    page = url(e, "/support/trainings/new")
    data = {"kind": "social_hygiene", "name": "Sociale hygiëne", "started_on": iso(TODAY - timedelta(days=20)),
            "completed_on": "", "certificate_number": "", "certificate_valid_until": "", "cost": "450,50"}
    for overrides, fields in (({"name": ""}, {"name"}), ({"cost": "12,345"}, {"cost"}),
                              ({"certificate_valid_until": iso(TODAY + timedelta(days=300))},
                               {"certificate_valid_until"}),
                              ({"completed_on": iso(TODAY - timedelta(days=30))}, {"completed_on"})):
        response = post(client, page, {**data, **overrides})
        assert response.status_code == 422, overrides
        assert errors_at(html_of(response)) == fields, overrides
    assert count(owner_engine, "trainings") == 1
    response = post(client, page, data)
    assert response.status_code == 302 and response.headers["Location"] == url(e, "/support#trainings")
    [row] = owner_rows(owner_engine, "SELECT * FROM trainings WHERE kind = 'social_hygiene'")
    assert float(row["cost"]) == 450.5
    edit = url(e, f"/support/trainings/{uuid.UUID(str(row['id']))}/edit")
    form = html_of(client.get(edit))
    assert field_value(form, "cost") == "450.5"
    done = {"version": field_value(form, "version"), "completed_on": iso(TODAY - timedelta(days=2)),
            "certificate_number": "SH-123", "certificate_valid_until": iso(TODAY + timedelta(days=1000)),
            "cost": "450,50"}
    response = post(client, edit, done)
    assert response.status_code == 302
    doc = html_of(client.get(url(e, "/support")))
    rows = body_rows(table_with_caption(doc, dutch("Training")))
    hygiene = next(r for r in rows if r[1] == "Sociale hygiëne")
    assert hygiene[4] == "SH-123" and "450,50" in hygiene[6]
    response = post(client, edit, {**done, "certificate_number": "SH-999"})
    assert response.status_code == 409
    assert dutch(STALE) in html_of(response).by_id("error-summary").text
    [row] = owner_rows(owner_engine, "SELECT * FROM trainings WHERE kind = 'social_hygiene'")
    assert row["certificate_number"] == "SH-123"
