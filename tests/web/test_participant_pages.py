"""The participant pages as a coach, a job coach and an admin use them: the list with filters, starting
employment from the candidate's page, the participant's page (contracts with their versions and reports,
sickness with the Gatekeeper steps, the absence rate, work-list items), new contracts and renewals,
changes of terms (with a stale version), performance reports, sickness, the exit, the work list, and the
CAO transition (preview, then apply after confirming).

Pages are Dutch by default: expected interface texts come from the Dutch catalogue (`dutch`). Rows are
created through the API (tests/employment_helpers.py) and read as the database owner.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from basisbaan.extensions import db
from basisbaan.models import User
from basisbaan.services.contracts import first_contract_end
from basisbaan.tenancy import tenant_scope
from tests.conftest import auth
from tests.employment_helpers import api, coaching, employer, start, started_candidate
from tests.web.conftest import (assert_site_page, csrf_token, dutch, error_summary_links, field_value, html_of,
                                make_user, start_session)

T = "/t/groningen"
TODAY = date.today()


# --- helpers (also used by the page matrix and the cross-tenant tests) -------------------------------------

def iso(day: date) -> str:
    return day.isoformat()


def add_employment(client, slug: str, coach_token: str, admin_token: str, *, coaching_id: str | None = None,
                   employer_id: str | None = None, family_name: str | None = None, absence: bool = True,
                   started_on: date | None = None, **contract) -> dict:
    """A participant in employment through the API: a started candidate, a temporary contract in force
    today (ending within the work list's notice) and, if asked, an ongoing sickness."""
    coach, admin = auth(coach_token), auth(admin_token)
    employer_id = employer_id or employer(client, admin, slug)
    overrides = {"family_name": family_name} if family_name else {}
    candidate_id = started_candidate(client, coach, slug, **overrides)
    started_on = started_on or TODAY - timedelta(days=300)
    contract.setdefault("end_on", None if contract.get("kind") == "permanent" else iso(TODAY + timedelta(days=30)))
    participant = start(client, coach, slug, candidate_id, employer_id, started_on=iso(started_on), **contract)
    if coaching_id:
        patched = client.patch(api(slug, f"/participants/{participant['id']}"), headers=coach,
                               json={"version": participant["version"], "coaching_organisation_id": coaching_id})
        assert patched.status_code == 200, patched.json
    contracts = client.get(api(slug, f"/participants/{participant['id']}/contracts"), headers=coach).json
    found = {"participant_id": participant["id"], "candidate_id": candidate_id, "employer_id": employer_id,
             "contract_id": contracts[0]["id"], "contract_version": contracts[0]["version"],
             "name": f"{participant['given_names']} {participant['family_name']}",
             "family_name": participant["family_name"]}
    if absence:
        made = client.post(api(slug, f"/participants/{participant['id']}/absences"), headers=coach,
                           json={"start_on": iso(TODAY - timedelta(days=50))})
        assert made.status_code == 201, made.json
        found["absence_id"] = made.json["id"]
        found.update(add_work_and_support(client, slug, coach, participant["id"], started_on))
    return found


def add_work_and_support(client, slug: str, coach: dict, participant_id: str, started_on: date) -> dict:
    """A checked task in the participant's package, a coaching session, debt support, a training, a work
    profile and two wellbeing measurements."""
    task = client.post(api(slug, "/tasks"), headers=coach, json={
        "title": f"Zwerfafval {slug}", "category": "litter", "hours_per_week": "8", "source": "area_team",
        "places": 5})
    assert task.status_code == 201, task.json
    check = client.post(api(slug, f"/tasks/{task.json['id']}/displacement-checks"), headers=coach, json={
        "checked_on": iso(started_on - timedelta(days=10)), "done_by_paid_staff": False, "host_would_hire": False,
        "done_by_volunteers": False, "is_additional": True, "verdict": "approved", "reasons": "Aanvullend werk."})
    assert check.status_code == 201, check.json
    assigned = client.post(api(slug, f"/participants/{participant_id}/assignments"), headers=coach, json={
        "task_id": task.json["id"], "hours_per_week": "8", "days": ["mon"], "start_on": iso(started_on)})
    assert assigned.status_code == 201, assigned.json
    coached = client.post(api(slug, "/coaching-sessions"), headers=coach, json={
        "participant_id": participant_id, "held_on": iso(started_on + timedelta(days=7)), "kind": "work",
        "hours": "2"})
    assert coached.status_code == 201, coached.json
    debt = client.post(api(slug, f"/participants/{participant_id}/support/debt"), headers=coach, json={
        "kind": "credit_bank", "referred_on": iso(started_on + timedelta(days=20))})
    assert debt.status_code == 201, debt.json
    training = client.post(api(slug, f"/participants/{participant_id}/support/trainings"), headers=coach, json={
        "kind": "first_aid", "name": "BHV", "started_on": iso(started_on + timedelta(days=30))})
    assert training.status_code == 201, training.json
    profile = client.put(api(slug, f"/participants/{participant_id}/work-profile"), headers=coach, json={
        "preferred_categories": ["litter", "hosting"], "available_days": ["mon", "tue", "wed", "thu"],
        "max_physical_demand": "medium", "limitations": ["lifting"]})
    assert profile.status_code == 200, profile.json
    instrument = client.get(api(slug, f"/participants/{participant_id}/wellbeing"), headers=coach).json["instrument"]
    for offset, score in ((14, 2), (200, 3)):
        measured = client.post(api(slug, f"/participants/{participant_id}/wellbeing"), headers=coach, json={
            "measured_on": iso(started_on + timedelta(days=offset)),
            "scores": {d["code"]: score for d in instrument["domains"]}})
        assert measured.status_code == 201, measured.json
    return {"task_id": task.json["id"], "assignment_id": assigned.json["id"], "debt_id": debt.json["id"],
            "training_id": training.json["id"]}


def link_job_coach(app, tenant, user_id, organisation_id) -> None:
    """Make a job coach a member of a coaching organisation (as an admin does on the user's page)."""
    with app.app_context():
        with tenant_scope(db.session, tenant.id):
            user = db.session.scalars(select(User).where(User.id == user_id)).one()
            user.organisation_id = uuid.UUID(str(organisation_id))
        db.session.commit()
        db.session.remove()


def coaching_organisation_id(app, tenant) -> str:
    """The world's coaching organisation of `tenant` (tests/web/conftest.py `world`)."""
    from basisbaan.models import Organisation

    with app.app_context():
        with tenant_scope(db.session, tenant.id):
            found = db.session.scalars(select(Organisation.id).where(
                Organisation.is_coaching, Organisation.description.startswith("Described for"))).one()
        db.session.remove()
    return str(found)


def with_employment(app, world, make_token):
    """The shared `world` (tests/web/conftest.py) plus employment, so that every participant page has real
    ids: one participant per municipality, coached by the world's coaching organisation (whose job coach
    is linked to it), with a temporary contract in force and an ongoing sickness."""
    client = app.test_client()  # API calls with tokens; the tests' own client keeps its session
    for slug, tenant in world.tenants.items():
        organisation = coaching_organisation_id(app, tenant)
        add_employment(client, slug, make_token(tenant, "coach"), world.tokens[slug], coaching_id=organisation,
                       family_name=f"Deelnemer {slug.title()}")
        link_job_coach(app, tenant, world.users[(slug, "jobcoach")], organisation)
    return world


def owner_rows(owner_engine, sql: str, **params) -> list[dict]:
    with owner_engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(text(sql), params)]


def count(owner_engine, table: str) -> int:
    with owner_engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()


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


def confirmed_contracts(doc) -> list[str]:
    """The preview's rows as the apply button sends them back: hidden inputs "<contract id>:<version>"."""
    return [i.get("value") for i in doc.find_all("input", name="contract") if i.get("type") == "hidden"]


def errors_at(doc) -> set[str]:
    """The fields the error summary links to (without '#')."""
    return {link.removeprefix("#") for link in error_summary_links(doc)}


def field_error(doc, ident: str) -> str:
    found = doc.by_id(f"{ident}-error")
    assert found is not None, f"no error message next to {ident}"
    return found.text


# --- fixtures -------------------------------------------------------------------------------------------

@pytest.fixture
def groningen(world):
    return world.tenants["groningen"]


@pytest.fixture
def tokens(make_token, groningen):
    return {"coach": make_token(groningen, "coach"), "admin": make_token(groningen, "admin")}


@pytest.fixture
def employment(app, client, world, groningen, tokens):
    """One participant of Groningen, coached by the world's coaching organisation, with an ongoing sickness."""
    return add_employment(client, "groningen", tokens["coach"], tokens["admin"],
                          coaching_id=coaching_organisation_id(app, groningen))


@pytest.fixture
def coach(app, client, world, groningen):
    """Groningen's coach, signed in (after the API calls above, which use the same client without a session)."""
    start_session(client, groningen, world.users[("groningen", "coach")])
    return world.users[("groningen", "coach")]


def participant_url(employment, suffix: str = "") -> str:
    return f"{T}/participants/{employment['participant_id']}{suffix}"


# --- every page renders --------------------------------------------------------------------------------------

def test_every_participant_page_renders_for_a_coach(app, client, employment, coach):
    e = employment
    urls = [f"{T}/participants", f"{T}/participants/new", f"{T}/participants/new?candidate={e['candidate_id']}",
            participant_url(e), participant_url(e, "/contracts/new"),
            participant_url(e, f"/contracts/{e['contract_id']}/change"),
            participant_url(e, f"/contracts/{e['contract_id']}/report"), participant_url(e, "/absences/new"),
            participant_url(e, f"/absences/{e['absence_id']}/edit"), participant_url(e, "/exit"), f"{T}/worklist"]
    for url in urls:
        response = client.get(url)
        if url.endswith(f"?candidate={e['candidate_id']}"):
            # Employment has started already: the start page leads to the participant instead.
            assert response.status_code == 302 and response.headers["Location"] == participant_url(e), url
            continue
        assert response.status_code == 200, (url, response.status_code)
        doc = assert_site_page(response)
        assert len(doc.find_all("h1")) == 1, url
        for table in doc.find_all("table"):
            assert table.find("caption") is not None, url
            assert all(th.get("scope") in ("col", "row") for th in table.find_all("th")), url
        for control in doc.find("main").find_all("input") + doc.find("main").find_all("select"):
            if control.get("type") in ("hidden", "submit"):
                continue
            assert control.get("id") in {label.get("for") for label in doc.find_all("label")}, (url, control.attrs)


def test_other_roles_get_403_on_the_participant_pages(app, client, world, groningen, employment, owner_engine):
    e = employment
    for role in ("finance", "viewer", "admin"):
        start_session(client, groningen, world.users[("groningen", role)])
        for url in (f"{T}/participants", participant_url(e), f"{T}/worklist", participant_url(e, "/exit")):
            assert client.get(url).status_code == 403, (role, url)
    # A job coach reads, but may not start, exit or change contracts.
    link_job_coach(app, groningen, world.users[("groningen", "jobcoach")], coaching_organisation_id(app, groningen))
    start_session(client, groningen, world.users[("groningen", "jobcoach")])
    assert client.get(participant_url(e)).status_code == 200
    for url in (f"{T}/participants/new", participant_url(e, "/exit"), participant_url(e, "/contracts/new"),
                participant_url(e, f"/contracts/{e['contract_id']}/change")):
        assert client.get(url).status_code == 403, url


# --- the list --------------------------------------------------------------------------------------------

def list_names(doc) -> list[str]:
    return [tr.find("a").text for tr in doc.find("tbody").find_all("tr") if tr.find("a") is not None]


def test_the_list_filters_on_status_contract_and_name(app, client, world, groningen, tokens, coach, owner_engine):
    admin = auth(tokens["admin"])
    other_employer = employer(client, admin, "groningen", "Werkbedrijf Noord")
    add_employment(client, "groningen", tokens["coach"], tokens["admin"], family_name="Alfa", absence=False)
    add_employment(client, "groningen", tokens["coach"], tokens["admin"], family_name="Bravo",
                   employer_id=other_employer, absence=False, kind="permanent", cao="cao_aan_de_slag")
    left = add_employment(client, "groningen", tokens["coach"], tokens["admin"], family_name="Charlie", absence=False)
    gone = client.post(api("groningen", f"/participants/{left['participant_id']}/exit"), headers=auth(tokens["coach"]),
                       json={"date": iso(TODAY - timedelta(days=10)), "reason": "regular_job"})
    assert gone.status_code == 200, gone.json
    start_session(client, groningen, coach)

    def names(query: str = "") -> list[str]:
        response = client.get(f"{T}/participants{query}")
        assert response.status_code == 200, query
        return list_names(html_of(response))

    assert names() == ["Alfa, Piet", "Bravo, Piet"]  # active today by default
    assert names("?status=exited") == ["Charlie, Piet"]
    assert names("?status=") == ["Alfa, Piet", "Bravo, Piet", "Charlie, Piet"]  # "All"
    assert names(f"?employer={other_employer}") == ["Bravo, Piet"]
    assert names("?cao=cao_aan_de_slag") == ["Bravo, Piet"]
    assert names("?kind=temporary") == ["Alfa, Piet"]
    assert names("?q=alf") == ["Alfa, Piet"]
    assert names("?q=nobody") == []
    # Unknown filter values are ignored rather than an error.
    assert names("?cao=cao_x&kind=forever&neighbourhood=not-a-uuid") == ["Alfa, Piet", "Bravo, Piet"]
    doc = html_of(client.get(f"{T}/participants"))
    row = next(tr for tr in doc.find("tbody").find_all("tr") if "Bravo" in tr.text)
    cells = [td.text for td in row.find_all("td")]
    assert cells[3] == "Werkbedrijf Noord" and cells[4] == dutch("Permanent") and cells[5] == "32"
    assert cells[6] == "CAO Aan de Slag" and cells[8] == dutch("Employed")
    assert field_value(doc, "status") == "active"


def test_the_list_pages_through_many_participants(app, client, world, groningen, coach):
    from basisbaan.models import Participant, Person

    with app.app_context():  # rows made directly: faster than through the API
        with tenant_scope(db.session, groningen.id):
            for n in range(27):
                person = Person(given_names="Veel", family_name=f"Deelnemer {n:02d}")
                db.session.add(person)
                db.session.flush()
                db.session.add(Participant(person_id=person.id, started_on=TODAY - timedelta(days=5)))
        db.session.commit()
        db.session.remove()
    first = html_of(client.get(f"{T}/participants"))
    assert len(list_names(first)) == 25
    nxt = first.find("a", rel="next").get("href")
    assert "status=active" in nxt
    second = html_of(client.get(nxt))
    assert list_names(second) == ["Deelnemer 25, Veel", "Deelnemer 26, Veel"]


# --- starting employment ------------------------------------------------------------------------------------

@pytest.fixture
def started(app, client, world, groningen, tokens):
    """A candidate decided to start (not in employment yet) and an employer."""
    candidate_id = started_candidate(client, auth(tokens["coach"]), "groningen", family_name="Starter")
    employer_id = employer(client, auth(tokens["admin"]), "groningen", "Thermiek BV")
    return {"candidate_id": candidate_id, "employer_id": employer_id}


def start_form(started, **overrides) -> dict:
    data = {"started_on": iso(TODAY - timedelta(days=20)), "coach_id": "", "coaching_organisation_id": "",
            "employer_id": started["employer_id"], "kind": "temporary", "end_on": "", "hours_per_week": "",
            "cao": "cao_sw", "wage_scale": "", "wage_step": "", "trial_period_months": ""}
    data.update(overrides)
    return data


def test_a_started_candidate_gets_a_start_link_and_employment_starts_with_the_defaults(
        app, client, started, coach, owner_engine, groningen):
    candidate_page = html_of(client.get(f"{T}/candidates/{started['candidate_id']}"))
    link = candidate_page.by_id("start-employment-link")
    assert link is not None and link.text == dutch("Start employment")
    url = link.get("href")
    assert url == f"{T}/participants/new?candidate={started['candidate_id']}"
    # The start page without a candidate offers the ones waiting.
    chooser = html_of(client.get(f"{T}/participants/new"))
    assert url in [a.get("href") for a in chooser.find("main").find_all("a")]
    form = html_of(client.get(url))
    assert field_value(form, "employer_id") == started["employer_id"]  # Groningen's usual employer, Thermiek
    assert field_value(form, "hours_per_week") == "32" and field_value(form, "cao") == "cao_sw"
    assert field_value(form, "trial_period_months") == "0"
    coach_id = str(coach)
    start_on = TODAY - timedelta(days=20)
    response = post(client, url, start_form(started, coach_id=coach_id, hours_per_week="30,5", trial_period_months="1",
                                            coaching_organisation_id=coaching_organisation_id(app, groningen)))
    assert response.status_code == 302, html_of(response).find("main").text
    participant = owner_rows(owner_engine, "SELECT * FROM participants")
    assert len(participant) == 1
    assert response.headers["Location"] == f"{T}/participants/{uuid.UUID(str(participant[0]['id']))}"
    assert participant[0]["coach_id"] is not None and participant[0]["coaching_organisation_id"] is not None
    contract = owner_rows(owner_engine, "SELECT * FROM contracts")[0]
    version = owner_rows(owner_engine, "SELECT * FROM contract_versions")[0]
    assert str(contract["start_on"]) == iso(start_on) and contract["kind"] == "temporary"
    assert str(contract["end_on"]) == iso(first_contract_end(start_on, 12))  # Groningen: a year
    assert contract["trial_period_months"] == 1
    assert float(version["hours_per_week"]) == 30.5 and version["cao"] == "cao_sw"
    page = html_of(client.get(response.headers["Location"]))
    assert "Starter" in page.find("h1").text
    assert dutch("Employment has started.") in page.text
    # The candidate's page now links to the participant instead of offering another start.
    candidate_page = html_of(client.get(f"{T}/candidates/{started['candidate_id']}"))
    assert candidate_page.by_id("start-employment-link") is None
    assert candidate_page.by_id("participation-link").get("href") == response.headers["Location"]
    assert client.get(url).status_code == 302


@pytest.mark.parametrize("overrides, fields", [
    ({"hours_per_week": "50"}, {"hours_per_week"}),  # the service's contract.hours_per_week
    ({"started_on": "2020-01-01"}, {"started_on"}),  # before the decision to start
    ({"started_on": ""}, {"started_on"}),
    ({"employer_id": ""}, {"employer_id"}),
    ({"kind": "permanent", "end_on": iso(TODAY + timedelta(days=200))}, {"end_on"}),
    ({"hours_per_week": "32.25"}, {"hours_per_week"}),
    ({"trial_period_months": "3"}, {"trial_period_months"}),
    ({"wage_scale": "Z9"}, {"wage_scale"}),
])
def test_a_start_with_bad_input_names_the_field_and_saves_nothing(app, client, started, coach, owner_engine,
                                                                  overrides, fields):
    url = f"{T}/participants/new?candidate={started['candidate_id']}"
    before = count(owner_engine, "participants"), count(owner_engine, "contracts")
    response = post(client, url, start_form(started, **overrides))
    assert response.status_code == 422
    doc = html_of(response)
    assert errors_at(doc) == fields
    for name in fields:
        assert doc.by_id(name).get("aria-invalid") == "true"
        assert field_error(doc, name)
    assert (count(owner_engine, "participants"), count(owner_engine, "contracts")) == before
    # What was typed stays in the form.
    for name, value in overrides.items():
        if name not in ("kind",) and value:
            assert field_value(doc, name) == value, name


def test_a_candidate_not_decided_to_start_cannot_start(app, client, world, groningen, coach, owner_engine):
    from tests.web.conftest import create_candidate

    referred = create_candidate(app, groningen, family_name="Nog Niet")
    response = client.get(f"{T}/participants/new?candidate={referred}")
    assert response.status_code == 409
    doc = html_of(response)
    assert dutch("Only a candidate decided to start can start employment.") in doc.find("main").text
    assert doc.find("main").find("form", method="post") is None
    assert client.get(f"{T}/participants/new?candidate={uuid.uuid4()}").status_code == 404
    assert html_of(client.get(f"{T}/candidates/{referred}")).by_id("start-employment-link") is None


# --- the participant's page -----------------------------------------------------------------------------

def test_the_participant_page_shows_employment_sickness_and_tasks_and_is_audited(app, client, employment, coach,
                                                                                 owner_engine):
    e = employment
    response = client.get(participant_url(e))
    assert response.status_code == 200
    doc = html_of(response)
    main = doc.find("main")
    assert doc.find("h1").text == e["name"]
    assert "1 apr 1965" in main.text  # the date of birth: a municipal coach sees it
    assert "Buurtcentrum Beijum" in main.text
    terms = table_with_caption(doc, dutch("Terms of the contract from %(date)s") % {"date": ""})
    assert terms is not None
    [[valid_from, hours, cao, wage, reason]] = body_rows(terms)
    assert hours == "32" and cao == "CAO SW" and wage.startswith("€") and "14,71" in wage
    assert reason == dutch("Start of the contract")
    assert "%" in doc.by_id("absence-rate").text
    steps = table_with_caption(doc, dutch("Steps of the Gatekeeper Act for the sickness from %(date)s") % {"date": ""})
    rows = body_rows(steps)
    assert [r[0] for r in rows][:2] == [dutch("Problem analysis"), dutch("Action plan")]
    assert dutch("overdue") in rows[0][1]  # due after six weeks; the sickness began 50 days ago
    todo = body_rows(table_with_caption(doc, dutch("Work-list items of this participant")))
    kinds = {row[1] for row in todo}
    assert dutch("Contract ends") in kinds
    assert f"{dutch('Gatekeeper Act step due')}: {dutch('Problem analysis')}" in kinds
    links = {a.get("href") for a in main.find_all("a")}
    assert {participant_url(e, "/contracts/new"), participant_url(e, "/absences/new"), participant_url(e, "/exit"),
            participant_url(e, f"/contracts/{e['contract_id']}/change"),
            participant_url(e, f"/contracts/{e['contract_id']}/report"),
            participant_url(e, f"/absences/{e['absence_id']}/edit")} <= links
    # The page view is audited (the setup's API read of the wellbeing scores is too, as the token).
    viewed = owner_rows(owner_engine, "SELECT * FROM audit_events WHERE action = 'participant.viewed' "
                                      "AND actor_type = 'user'")
    assert len(viewed) == 1 and viewed[0]["entity_id"] == str(e["participant_id"])


def test_a_job_coach_sees_only_their_organisations_participants_without_sensitive_fields(
        app, client, world, groningen, tokens, employment, owner_engine):
    e = employment
    elsewhere = add_employment(client, "groningen", tokens["coach"], tokens["admin"], family_name="Elders",
                               coaching_id=coaching(client, auth(tokens["admin"]), "groningen", "Andere Begeleider"))
    # The exit notes and a report summary exist, for the municipal coach's eyes only.
    coach_api = auth(tokens["coach"])
    reports = f"/participants/{e['participant_id']}/contracts/{e['contract_id']}/performance-reports"
    report = client.post(api("groningen", reports), headers=coach_api, json={
        "written_on": iso(TODAY), "author": "Jobcoach Jan", "advice": "renew", "summary": "Geheime samenvatting"})
    assert report.status_code == 201, report.json
    link_job_coach(app, groningen, world.users[("groningen", "jobcoach")], coaching_organisation_id(app, groningen))
    start_session(client, groningen, world.users[("groningen", "jobcoach")])
    listed = html_of(client.get(f"{T}/participants?status="))
    assert list_names(listed) == [f"{e['family_name']}, Piet"]
    page = client.get(participant_url(e))
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "1965" not in body and dutch("Date of birth") not in body
    assert "Geheime samenvatting" not in body and "Jobcoach Jan" in body
    assert participant_url(e, "/exit") not in body and participant_url(e, "/contracts/new") not in body
    assert participant_url(e, "/absences/new") in body  # job coaches record sickness
    # Another organisation's participant does not exist for this job coach, on any page.
    other = elsewhere
    for suffix in ("", "/absences/new", f"/absences/{other['absence_id']}/edit"):
        response = client.get(participant_url(other, suffix))
        assert response.status_code == 404, suffix
        assert "Elders" not in response.get_data(as_text=True)
    before = count(owner_engine, "absences")
    response = post(client, participant_url(other, "/absences/new"), {"start_on": iso(TODAY), "end_on": "",
                                                                       "percentage": "100"}, token_from=f"{T}/worklist")
    assert response.status_code == 404 and count(owner_engine, "absences") == before
    response = post(client, participant_url(other, f"/absences/{other['absence_id']}/steps"),
                    {"step": "problem_analysis", "done_on": iso(TODAY)}, token_from=f"{T}/worklist")
    assert response.status_code == 404 and count(owner_engine, "gatekeeper_steps") == 0
    # The work list holds only the job coach's own organisation's participants.
    worklist = html_of(client.get(f"{T}/worklist"))
    names = {tr.find("a").text for tr in worklist.find("tbody").find_all("tr") if tr.find("a")}
    assert names == {e["name"]}
    # A job coach without an organisation sees no participant at all.
    start_session(client, groningen, make_user(app, groningen, ["jobcoach"]))
    assert list_names(html_of(client.get(f"{T}/participants?status="))) == []
    assert client.get(participant_url(e)).status_code == 404


# --- contracts ----------------------------------------------------------------------------------------------

def contract_form(employment, **overrides) -> dict:
    data = {"employer_id": employment["employer_id"], "kind": "temporary",
            "start_on": iso(TODAY + timedelta(days=31)), "end_on": iso(TODAY + timedelta(days=31 + 364)),
            "hours_per_week": "32", "cao": "cao_sw", "wage_scale": "", "wage_step": "", "trial_period_months": "",
            "report_written_on": "", "report_author": "", "report_advice": "", "report_summary": ""}
    data.update(overrides)
    return data


def test_a_renewal_needs_the_performance_report_and_saves_it_with_the_contract(app, client, employment, coach,
                                                                               owner_engine):
    e = employment
    url = participant_url(e, "/contracts/new")
    form = html_of(client.get(url))
    # Prefilled from the latest contract: the day after it ends, the same employer and terms.
    assert field_value(form, "start_on") == iso(TODAY + timedelta(days=31))
    assert field_value(form, "employer_id") == e["employer_id"] and field_value(form, "hours_per_week") == "32"
    response = post(client, url, contract_form(e))
    assert response.status_code == 422
    doc = html_of(response)
    assert errors_at(doc) == {"report_written_on"}
    assert field_error(doc, "report_written_on") == dutch("Add the performance report on the previous contract.")
    assert count(owner_engine, "contracts") == 1 and count(owner_engine, "performance_reports") == 0
    # A report with a bad date and no author: both named, nothing saved.
    response = post(client, url, contract_form(e, report_written_on=iso(TODAY + timedelta(days=3)),
                                               report_advice="renew"))
    doc = html_of(response)
    assert response.status_code == 422 and errors_at(doc) == {"report_written_on", "report_author"}
    assert count(owner_engine, "contracts") == 1 and count(owner_engine, "performance_reports") == 0
    response = post(client, url, contract_form(e, report_written_on=iso(TODAY), report_author="Jobcoach Jan",
                                               report_advice="renew", report_summary="Gaat goed"))
    assert response.status_code == 302
    assert response.headers["Location"] == participant_url(e) + "#contracts"
    assert count(owner_engine, "contracts") == 2
    page = html_of(client.get(participant_url(e)))
    reports = table_with_caption(page, dutch("Performance reports on the contract from %(date)s") % {"date": ""})
    [[written, author, advice, summary]] = body_rows(reports)
    assert author == "Jobcoach Jan" and advice == dutch("Renew the contract") and summary == "Gaat goed"


@pytest.mark.parametrize("overrides, fields", [
    ({"start_on": iso(TODAY - timedelta(days=5))}, {"start_on"}),  # overlaps the running contract
    ({"kind": "temporary", "end_on": ""}, {"end_on"}),
    ({"cao": "not-a-cao"}, {"cao"}),
    ({"employer_id": str(uuid.uuid4())}, {"employer_id"}),
    ({"hours_per_week": "10"}, {"hours_per_week"}),
])
def test_a_bad_contract_is_named_and_not_saved(app, client, employment, coach, owner_engine, overrides, fields):
    response = post(client, participant_url(employment, "/contracts/new"), contract_form(
        employment, report_written_on=iso(TODAY), report_author="Jan", report_advice="renew", **overrides))
    assert response.status_code == 422
    assert errors_at(html_of(response)) == fields
    assert count(owner_engine, "contracts") == 1 and count(owner_engine, "performance_reports") == 0


def test_changing_the_hours_adds_a_version_and_a_stale_form_shows_the_conflict(app, client, employment, coach,
                                                                               owner_engine):
    e = employment
    url = participant_url(e, f"/contracts/{e['contract_id']}/change")
    form = html_of(client.get(url))
    read_version = field_value(form, "version")
    assert read_version == str(e["contract_version"]) and field_value(form, "hours_per_week") == "32"
    data = {"version": read_version, "valid_from": iso(TODAY - timedelta(days=10)), "hours_per_week": "36",
            "cao": "cao_sw", "wage_scale": "", "wage_step": "", "note": "Meer uren"}
    # Bad input first: hours outside Groningen's range, named and nothing saved.
    response = post(client, url, {**data, "hours_per_week": "40"})
    assert response.status_code == 422 and errors_at(html_of(response)) == {"hours_per_week"}
    response = post(client, url, {**data, "valid_from": ""})
    assert response.status_code == 422 and errors_at(html_of(response)) == {"valid_from"}
    assert count(owner_engine, "contract_versions") == 1
    response = post(client, url, data)
    assert response.status_code == 302, html_of(response).find("main").text
    assert count(owner_engine, "contract_versions") == 2
    page = html_of(client.get(participant_url(e)))
    terms = body_rows(table_with_caption(page, dutch("Terms of the contract from %(date)s") % {"date": ""}))
    assert [row[1] for row in terms] == ["32", "36"] and terms[1][4].endswith("Meer uren")
    # The same form again (someone else saved in between): a clear conflict, nothing saved.
    response = post(client, url, {**data, "valid_from": iso(TODAY - timedelta(days=3)), "hours_per_week": "30"})
    assert response.status_code == 409
    doc = html_of(response)
    summary = doc.by_id("error-summary")
    assert summary is not None and dutch("Someone else changed this in the meantime. Reload the page to see the "
                                         "current state, then make your change again.") in summary.text
    assert error_summary_links(doc) == []  # no link to a hidden field
    assert doc.find("a", href=url) is not None  # reload
    assert field_value(doc, "hours_per_week") == "30"  # what was typed stays
    assert count(owner_engine, "contract_versions") == 2
    # Reloaded, the form carries the new version and the change goes through.
    fresh = field_value(html_of(client.get(url)), "version")
    assert fresh == str(int(read_version) + 1)
    response = post(client, url, {**data, "version": fresh, "valid_from": iso(TODAY - timedelta(days=3)),
                                  "hours_per_week": "30"})
    assert response.status_code == 302 and count(owner_engine, "contract_versions") == 3
    # A tampered version is refused the same way.
    response = post(client, url, {**data, "version": "x", "valid_from": iso(TODAY - timedelta(days=2))})
    assert response.status_code == 409 and count(owner_engine, "contract_versions") == 3


def test_a_performance_report_on_its_own(app, client, employment, coach, owner_engine):
    e = employment
    url = participant_url(e, f"/contracts/{e['contract_id']}/report")
    assert field_value(html_of(client.get(url)), "written_on") == iso(TODAY)
    response = post(client, url, {"written_on": iso(TODAY + timedelta(days=1)), "author": "", "advice": "",
                                  "summary": ""})
    assert response.status_code == 422
    assert errors_at(html_of(response)) == {"author", "advice"}
    response = post(client, url, {"written_on": iso(TODAY + timedelta(days=1)), "author": "Jan", "advice": "end",
                                  "summary": ""})
    doc = html_of(response)
    assert response.status_code == 422 and errors_at(doc) == {"written_on"}
    assert field_error(doc, "written_on") == dutch("Cannot be in the future.")
    assert count(owner_engine, "performance_reports") == 0
    response = post(client, url, {"written_on": iso(TODAY), "author": "Jan", "advice": "permanent", "summary": ""})
    assert response.status_code == 302 and count(owner_engine, "performance_reports") == 1
    page = html_of(client.get(participant_url(e)))
    assert dutch("Offer a permanent contract") in page.find("main").text


# --- sickness -------------------------------------------------------------------------------------------------

def test_registering_sickness_and_recording_recovery(app, client, world, groningen, tokens, coach, owner_engine):
    e = add_employment(client, "groningen", tokens["coach"], tokens["admin"], absence=False)
    start_session(client, groningen, coach)
    url = participant_url(e, "/absences/new")
    assert field_value(html_of(client.get(url)), "percentage") == "100"
    for data, fields in (({"start_on": iso(TODAY - timedelta(days=400)), "end_on": "", "percentage": "100"},
                          {"start_on"}),  # before the contract
                         ({"start_on": iso(TODAY - timedelta(days=9)), "end_on": "", "percentage": "0"},
                          {"percentage"}),
                         ({"start_on": iso(TODAY - timedelta(days=9)), "end_on": iso(TODAY - timedelta(days=12)),
                           "percentage": "50"}, {"end_on"}),
                         ({"start_on": "", "end_on": "", "percentage": "50"}, {"start_on"}),
                         ({"start_on": iso(TODAY), "end_on": "", "percentage": "veel"}, {"percentage"})):
        response = post(client, url, data)
        assert response.status_code == 422, data
        assert errors_at(html_of(response)) == fields, data
    assert count(owner_engine, "absences") == 0
    response = post(client, url, {"start_on": iso(TODAY - timedelta(days=9)), "end_on": "", "percentage": "50"})
    assert response.status_code == 302 and response.headers["Location"] == participant_url(e) + "#absences"
    [absence] = owner_rows(owner_engine, "SELECT * FROM absences")
    assert absence["end_on"] is None and float(absence["percentage"]) == 50
    edit = participant_url(e, f"/absences/{uuid.UUID(str(absence['id']))}/edit")
    form = html_of(client.get(edit))
    version = field_value(form, "version")
    assert field_value(form, "percentage") == "50" and field_value(form, "end_on") == ""
    recovered = {"version": version, "start_on": iso(TODAY - timedelta(days=9)),
                 "end_on": iso(TODAY - timedelta(days=2)), "percentage": "50"}
    assert post(client, edit, recovered).status_code == 302
    [absence] = owner_rows(owner_engine, "SELECT * FROM absences")
    assert str(absence["end_on"]) == iso(TODAY - timedelta(days=2))
    page = html_of(client.get(participant_url(e)))
    [[first, last, percentage, _]] = body_rows(table_with_caption(page, dutch("Periods of sickness")))
    assert percentage == "50%" and last != dutch("ongoing")
    # The same (now stale) form again: the conflict is shown, nothing changes.
    response = post(client, edit, {**recovered, "end_on": iso(TODAY - timedelta(days=1))})
    assert response.status_code == 409
    assert dutch("Someone else changed this in the meantime. Reload the page to see the current state, then make "
                 "your change again.") in html_of(response).by_id("error-summary").text
    [absence] = owner_rows(owner_engine, "SELECT * FROM absences")
    assert str(absence["end_on"]) == iso(TODAY - timedelta(days=2))


def test_marking_a_gatekeeper_step_done(app, client, employment, coach, owner_engine):
    e = employment
    action = participant_url(e, f"/absences/{e['absence_id']}/steps")
    page = html_of(client.get(participant_url(e)))
    forms = [f for f in page.find_all("form") if f.get("action") == action]
    assert len(forms) == 5  # every step of an ongoing sickness is open
    assert {f.find("input", name="step").get("value") for f in forms} == {
        "problem_analysis", "action_plan", "uwv_report", "first_year_evaluation", "wia_application"}
    # A date in the future: the page again, with the error next to that step's date.
    response = post(client, action, {"step": "problem_analysis", "done_on": iso(TODAY + timedelta(days=1))},
                    token_from=participant_url(e))
    assert response.status_code == 422
    doc = html_of(response)
    ident = f"done-{e['absence_id']}-problem_analysis"
    assert errors_at(doc) == {ident}
    assert doc.by_id(ident).get("aria-invalid") == "true"
    assert field_error(doc, ident) == dutch("Cannot be in the future.")
    assert count(owner_engine, "gatekeeper_steps") == 0
    response = post(client, action, {"step": "no_such_step", "done_on": iso(TODAY)}, token_from=participant_url(e))
    assert response.status_code == 422 and count(owner_engine, "gatekeeper_steps") == 0
    assert dutch("Unknown step.") in html_of(response).by_id("error-summary").text
    done_on = TODAY - timedelta(days=3)
    done = {"step": "problem_analysis", "done_on": iso(done_on)}
    response = post(client, action, done, token_from=participant_url(e))
    assert response.status_code == 302 and response.headers["Location"] == participant_url(e) + "#absences"
    [step] = owner_rows(owner_engine, "SELECT * FROM gatekeeper_steps")
    assert step["step"] == "problem_analysis" and str(step["done_on"]) == iso(done_on)
    page = html_of(client.get(participant_url(e)))
    rows = body_rows(table_with_caption(page, dutch("Steps of the Gatekeeper Act for the sickness from %(date)s")
                                        % {"date": ""}))
    assert dutch("overdue") not in rows[0][1]
    assert len([f for f in page.find_all("form") if f.get("action") == action]) == 4
    # Recorded twice: refused, next to the step.
    response = post(client, action, done, token_from=participant_url(e))
    assert response.status_code == 422 and count(owner_engine, "gatekeeper_steps") == 1


# --- the exit -----------------------------------------------------------------------------------------------

def test_the_exit_with_its_reason_in_the_interface_language(app, client, employment, coach, owner_engine):
    e = employment
    url = participant_url(e, "/exit")
    form = html_of(client.get(url))
    reasons = {o.get("value"): o.text for o in form.by_id("reason").find_all("option")}
    assert reasons["deceased"] == dutch("Deceased") and reasons["regular_job"] == dutch("Regular job")
    data = {"version": field_value(form, "version"), "date": iso(TODAY - timedelta(days=1)), "reason": "",
            "notes": "Vertrouwelijk vertrek"}
    response = post(client, url, data)
    assert response.status_code == 422 and errors_at(html_of(response)) == {"reason"}
    response = post(client, url, {**data, "reason": "deceased", "date": "2000-01-01"})
    assert response.status_code == 422 and errors_at(html_of(response)) == {"date"}
    assert owner_rows(owner_engine, "SELECT exit_on FROM participants")[0]["exit_on"] is None
    response = post(client, url, {**data, "reason": "deceased"})
    assert response.status_code == 302 and response.headers["Location"] == participant_url(e)
    [row] = owner_rows(owner_engine, "SELECT * FROM participants")
    assert row["exit_reason"] == "deceased" and "Vertrouwelijk" not in (row["exit_notes_encrypted"] or "")
    contract = owner_rows(owner_engine, "SELECT terminated_on FROM contracts")[0]
    assert str(contract["terminated_on"]) == iso(TODAY - timedelta(days=1))
    response = client.get(participant_url(e))
    assert participant_url(e, "/exit") not in response.get_data(as_text=True)  # no second exit offered
    page = html_of(response)
    exit_text = page.by_id("exit").text
    assert dutch("Deceased") in exit_text and "deceased" not in exit_text
    if dutch("Deceased") != "Deceased":  # once the catalogue has it: the Dutch word from the brief
        assert "Overleden" in exit_text
    assert "Vertrouwelijk vertrek" in page.find("main").text  # the notes, for the municipal coach
    client.get("/language/en")
    english = html_of(client.get(participant_url(e)))
    assert "Deceased" in english.by_id("exit").text
    client.get("/language/nl")
    # A second exit is refused on the page; the form is not offered again.
    response = post(client, url, {**data, "reason": "other"}, token_from=participant_url(e))
    assert response.status_code == 409
    assert owner_rows(owner_engine, "SELECT exit_reason FROM participants")[0]["exit_reason"] == "deceased"
    assert html_of(response).find("main").find("form", method="post") is None


# --- the work list --------------------------------------------------------------------------------------------

def worklist_rows(doc) -> list[list[str]]:
    return [[td.text for td in tr.find_all("td")] for tr in doc.find("tbody").find_all("tr") if tr.find("a")]


def test_the_work_list_shows_the_coachs_own_participants_by_default(app, client, world, groningen, tokens, coach,
                                                                    owner_engine):
    mine = add_employment(client, "groningen", tokens["coach"], tokens["admin"], family_name="Mijn")
    theirs = add_employment(client, "groningen", tokens["coach"], tokens["admin"], family_name="Ander", absence=False)
    coach_api = auth(tokens["coach"])
    assign = client.patch(api("groningen", f"/participants/{mine['participant_id']}"), headers=coach_api,
                          json={"version": 1, "coach_id": str(coach)})
    assert assign.status_code == 200, assign.json
    start_session(client, groningen, coach)
    doc = html_of(client.get(f"{T}/worklist"))
    assert field_value(doc, "scope") == "mine"
    rows = worklist_rows(doc)
    assert rows and {row[1] for row in rows} == {mine["name"]}
    # Each item links to the participant; overdue ones say so in words.
    links = {a.get("href") for a in doc.find("tbody").find_all("a")}
    assert links <= {participant_url(mine, "#contracts"), participant_url(mine, "#absences")}
    overdue = [row for row in rows if dutch("overdue") in row[0]]
    assert overdue and all(tr.find("strong") is not None for tr in doc.find("tbody").find_all("tr", class_="overdue"))
    everyone = worklist_rows(html_of(client.get(f"{T}/worklist?scope=all")))
    assert {row[1] for row in everyone} == {mine["name"], theirs["name"]}
    only_steps = worklist_rows(html_of(client.get(f"{T}/worklist?scope=all&kind=gatekeeper")))
    assert only_steps and all(row[2].startswith(dutch("Gatekeeper Act step due")) for row in only_steps)
    assert {row[1] for row in only_steps} == {mine["name"]}


# --- the CAO transition (admin) ----------------------------------------------------------------------------------

def test_the_admin_previews_and_then_applies_a_cao_transition(app, client, world, groningen, employment, owner_engine):
    start_session(client, groningen, world.users[("groningen", "admin")])
    url = f"{T}/admin/cao-transition"
    form = html_of(client.get(url))
    assert field_value(form, "keep_old_wage") is True
    data = {"to_cao": "cao_aan_de_slag", "on": iso(TODAY), "from_cao": "", "keep_old_wage": "y"}
    response = post(client, url, {**data, "action": "preview"})
    assert response.status_code == 200
    doc = html_of(response)
    caption = dutch("Per participant: hourly wage and annual wage cost on %(date)s") % {"date": ""}
    table = table_with_caption(doc, caption)
    [[name, current, hours, before, after, cost_before, cost_after, less, guarantee]] = body_rows(table)
    assert name == employment["name"] and current == "CAO SW" and hours == "32"
    assert less == dutch("Yes") and guarantee.startswith("€")  # CAO SW's year-end payment is lost: a guarantee
    totals = [td.text for td in table.find("tfoot").find_all("td")]
    assert totals[0] == cost_before and totals[1] == cost_after
    assert count(owner_engine, "contract_versions") == 1  # a preview changes nothing
    # The apply button sends back the rows of the preview that was checked.
    rows = confirmed_contracts(doc)
    assert rows == [f"{employment['contract_id']}:{employment['contract_version']}"]
    # Applying needs the confirmation.
    response = post(client, url, {**data, "contract": rows, "action": "apply"})
    assert response.status_code == 422
    refused = html_of(response)
    assert errors_at(refused) == {"confirm"} and confirmed_contracts(refused) == rows
    assert count(owner_engine, "contract_versions") == 1
    # Without the preview's rows, or with rows that do not read as "<id>:<version>", nothing is applied.
    for sent in ([], [f"{employment['contract_id']}:x"], [rows[0], f"{uuid.uuid4()}:1"]):
        response = post(client, url, {**data, "contract": sent, "action": "apply", "confirm": "y"})
        assert response.status_code == 409, sent
        assert confirmed_contracts(html_of(response)) == rows  # the current preview, to check again
    assert count(owner_engine, "contract_versions") == 1
    response = post(client, url, {**data, "contract": rows, "action": "apply", "confirm": "y"})
    assert response.status_code == 200
    doc = html_of(response)
    assert doc.by_id("transition-applied") is not None
    versions = owner_rows(owner_engine, "SELECT * FROM contract_versions ORDER BY valid_from")
    assert [v["cao"] for v in versions] == ["cao_sw", "cao_aan_de_slag"] and versions[1]["reason"] == "cao_transition"
    assert versions[1]["guaranteed_hourly_wage"] is not None
    assert all(v["superseded_at"] is None for v in versions)  # nothing was dated after the date
    assert confirmed_contracts(doc) == []  # applied: no apply button any more
    assert owner_rows(owner_engine, "SELECT * FROM audit_events WHERE action = 'cao_transition.applied'")
    # Nothing more to move: said next to the agreement, nothing saved.
    response = post(client, url, {**data, "contract": rows, "action": "apply", "confirm": "y"})
    assert response.status_code == 422 and errors_at(html_of(response)) == {"to_cao"}
    assert count(owner_engine, "contract_versions") == 2
    # No personal data in any URL: both are POSTs to the same address.
    assert all(f.get("method") == "post" and not f.get("action") for f in doc.find("main").find_all("form"))


def test_a_transition_changed_since_the_preview_is_refused_and_shown_again(app, client, world, groningen, employment,
                                                                         tokens, owner_engine):
    """A change of hours planned after the date moves too; a change made after the preview makes the apply
    a conflict that shows the current preview, and nothing moves until that one is applied."""
    e = employment
    contract_url = api("groningen", f"/participants/{e['participant_id']}/contracts/{e['contract_id']}")
    planned = client.patch(contract_url, headers=auth(tokens["coach"]), json={
        "version": e["contract_version"], "valid_from": iso(TODAY + timedelta(days=5)), "hours_per_week": "30"})
    assert planned.status_code == 200, planned.json
    start_session(client, groningen, world.users[("groningen", "admin")])
    url = f"{T}/admin/cao-transition"
    data = {"to_cao": "cao_aan_de_slag", "on": iso(TODAY), "from_cao": "cao_sw", "keep_old_wage": "y"}
    response = post(client, url, {**data, "action": "preview"})
    assert response.status_code == 200
    doc = html_of(response)
    assert doc.by_id("blocked") is None  # no list of blocked contracts any more: the planned change moves too
    seen = confirmed_contracts(doc)
    assert seen == [f"{e['contract_id']}:{planned.json['version']}"]
    # Another change after the preview was checked.
    again = client.patch(contract_url, headers=auth(tokens["coach"]), json={
        "version": planned.json["version"], "valid_from": iso(TODAY + timedelta(days=10)), "hours_per_week": "28"})
    assert again.status_code == 200, again.json
    response = post(client, url, {**data, "contract": seen, "action": "apply", "confirm": "y"})
    assert response.status_code == 409
    doc = html_of(response)
    assert errors_at(doc) == set()  # the form as a whole, no field
    summary = [li.text for li in doc.by_id("error-summary").find_all("li")]
    assert dutch("The contracts changed since the preview. Preview again before applying.") in summary
    assert confirmed_contracts(doc) == [f"{e['contract_id']}:{again.json['version']}"]  # the current preview
    [[name, *_]] = body_rows(table_with_caption(
        doc, dutch("Per participant: hourly wage and annual wage cost on %(date)s") % {"date": ""}))
    assert name == e["name"]
    versions = owner_rows(owner_engine, "SELECT * FROM contract_versions ORDER BY valid_from")
    assert [(v["cao"], v["superseded_at"]) for v in versions] == [("cao_sw", None)] * 3  # nothing moved
    assert not owner_rows(owner_engine, "SELECT * FROM audit_events WHERE action = 'cao_transition.applied'")
    # The preview shown now applies: both planned changes move, the replaced versions stay in the history.
    response = post(client, url, {**data, "contract": confirmed_contracts(doc), "action": "apply", "confirm": "y"})
    assert response.status_code == 200
    assert html_of(response).by_id("transition-applied") is not None
    versions = owner_rows(owner_engine, "SELECT * FROM contract_versions ORDER BY valid_from, created_at")
    current = [(v["valid_from"], v["cao"], v["hours_per_week"], v["reason"]) for v in versions
               if v["superseded_at"] is None]
    replaced = [(v["valid_from"], v["cao"], v["hours_per_week"], v["reason"]) for v in versions
                if v["superseded_at"] is not None]
    assert [(str(day), cao, float(hours), reason) for day, cao, hours, reason in current] == [
        (iso(TODAY - timedelta(days=300)), "cao_sw", 32.0, "start"),
        (iso(TODAY), "cao_aan_de_slag", 32.0, "cao_transition"),
        (iso(TODAY + timedelta(days=5)), "cao_aan_de_slag", 30.0, "cao_transition"),
        (iso(TODAY + timedelta(days=10)), "cao_aan_de_slag", 28.0, "cao_transition")]
    assert [(str(day), cao, float(hours), reason) for day, cao, hours, reason in replaced] == [
        (iso(TODAY + timedelta(days=5)), "cao_sw", 30.0, "hours"),
        (iso(TODAY + timedelta(days=10)), "cao_sw", 28.0, "hours")]
    # The participant's page shows the current terms only.
    start_session(client, groningen, world.users[("groningen", "coach")])
    page = html_of(client.get(participant_url(e)))
    terms = body_rows(table_with_caption(page, dutch("Terms of the contract from %(date)s") % {"date": ""}))
    ads, transition = dutch("CAO Aan de Slag"), dutch("CAO transition")
    assert [(row[1], row[2], row[4]) for row in terms] == [
        ("32", dutch("CAO SW"), dutch("Start of the contract")), ("32", ads, f"{transition}: CAO transition"),
        ("30", ads, f"{transition}: CAO transition"), ("28", ads, f"{transition}: CAO transition")]
    start_session(client, groningen, world.users[("groningen", "admin")])
    # Bad input: named, nothing done.
    response = post(client, url, {**data, "to_cao": "cao_sw", "action": "preview"})
    assert response.status_code == 422 and errors_at(html_of(response)) == {"to_cao"}
    response = post(client, url, {**data, "on": "", "action": "preview"})
    assert response.status_code == 422 and errors_at(html_of(response)) == {"on"}


def test_a_transition_changed_since_the_preview_is_said_once_in_dutch(app, client, world, groningen, employment,
                                                                     tokens):
    e = employment
    start_session(client, groningen, world.users[("groningen", "admin")])
    url = f"{T}/admin/cao-transition"
    data = {"to_cao": "cao_aan_de_slag", "on": iso(TODAY), "from_cao": "", "keep_old_wage": "y"}
    seen = confirmed_contracts(html_of(post(client, url, {**data, "action": "preview"})))
    assert seen == [f"{e['contract_id']}:{e['contract_version']}"]
    changed = client.patch(api("groningen", f"/participants/{e['participant_id']}/contracts/{e['contract_id']}"),
                           headers=auth(tokens["coach"]), json={"version": e["contract_version"],
                                                                "valid_from": iso(TODAY + timedelta(days=5)),
                                                                "hours_per_week": "30"})
    assert changed.status_code == 200, changed.json
    response = post(client, url, {**data, "contract": seen, "action": "apply", "confirm": "y"})
    assert response.status_code == 409
    summary = [li.text for li in html_of(response).by_id("error-summary").find_all("li")]
    assert summary == [dutch("The contracts changed since the preview. Preview again before applying.")]
