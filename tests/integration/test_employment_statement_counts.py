"""Computing the absence rate or wage costs for a programme of 250 participants over three years takes a
fixed number of SQL statements: the count is the same for 3 participants as for 30 (each with two or three
contracts, changes of hours and agreement, several absences), and small. The same holds for the pages that
list participants and the work list.

Statements are counted with SQLAlchemy's `before_cursor_execute` on the app's engine. On PostgreSQL the
tenant is written with `set_config('app.tenant_id', ...)` (row-level security) when the tenant scope
begins and again when it is restored, so there are two statements more than on SQLite; the exact numbers
per backend are below.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event

from basisbaan.domain.cao_catalogue import CAO_AAN_DE_SLAG, CAO_SW
from basisbaan.domain.employment import WageCost
from basisbaan.extensions import db
from basisbaan.models import (Absence, Assignment, Contract, ContractVersion, DisplacementCheck, Neighbourhood,
                              Organisation, Participant, PerformanceReport, Person, Task)
from basisbaan.services import absences as absence_service
from basisbaan.services import users as user_service
from basisbaan.services import wages as wage_service
from basisbaan.services.timeline import Group, SettingsTimeline
from basisbaan.services.visibility import Viewer
from basisbaan.tenancy import tenant_scope
from tests.conftest import BACKEND, auth
from tests.employment_helpers import api

D = Decimal
COACH = Viewer(frozenset({"coach"}))
WINDOW = (date(2022, 1, 1), date(2025, 1, 1))  # three years
# Two statements more on PostgreSQL: set_config for row-level security on entering and leaving the tenant.
EXTRA = 2 if BACKEND == "postgresql" else 0
RATE_STATEMENTS = 2 + EXTRA           # contract periods with their versions; sickness periods
WAGE_STATEMENTS = 2 + EXTRA           # the settings versions (SettingsTimeline); contract periods
# GET /participants, whatever the page size: tenant, token, count, the page (person, neighbourhood, coach
# and organisation joined), the coaches' roles (one IN), contracts in force with versions and employer,
# settings versions.
LIST_STATEMENTS = 7 + EXTRA
# GET /worklist: tenant, token, settings versions, tasks in use (for the yearly displacement checks; their
# checks only when there are tasks), participants (joined as above), the coaches' roles, contracts,
# performance reports, absences, Gatekeeper steps, running assignments (the contract versions in force
# only when someone has a task package), the latest wellbeing measurements (for municipal coaches).
WORKLIST_STATEMENTS = 12 + EXTRA
# The same with tasks in use and task packages: two more, the tasks' latest displacement checks (one IN) and
# the versions of the contracts in force for the participants with a package (one IN): 13 (15 on PostgreSQL).
WORK_WORKLIST_STATEMENTS = WORKLIST_STATEMENTS + 2


@contextmanager
def counted(app):
    statements: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
        event.listen(engine, "before_cursor_execute", listener)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", listener)


def months(day: date, n: int) -> date:
    year, month = divmod(day.month - 1 + n, 12)
    return date(day.year + year, month + 1, min(day.day, 28))


def populate(app, tenant, count: int, first: date) -> None:
    """`count` participants starting within two months after `first`, each with:

    - a first contract of a year (32 h, CAO SW) that goes to 36 h after five months, with a report;
    - a renewal of a year, moving every other participant to CAO Aan de Slag with a guarantee, with a report;
    - a third contract (temporary, ending 0-7 weeks after three years; permanent for every third person);
    - three closed absences (one partial) and, for every fourth person, an ongoing one.
    """
    with app.app_context():
        with tenant_scope(db.session, tenant.id):
            s = db.session
            places = [Neighbourhood(name=f"Wijk {n}") for n in range(4)]
            employers = [Organisation(name=f"Werkgever {n}", is_employer=True) for n in range(3)]
            coaching = [Organisation(name=f"Begeleiding {n}", is_coaching=True) for n in range(3)]
            s.add_all(places + employers + coaching)
            coaches = [user_service.sign_in(s, issuer="https://login.example.test", subject=f"coach-{n}", roles=["coach"],
                                            claims={"name": f"Coach {n}"}).id for n in range(3)]
            s.flush()
            for i in range(count):
                person = Person(given_names="Deelnemer", family_name=f"Nummer {i:04d}",
                                neighbourhood_id=places[i % len(places)].id)
                s.add(person)
                s.flush()
                started = first + timedelta(days=i % 60)
                participant = Participant(person_id=person.id, started_on=started, coach_id=coaches[i % 3],
                                          coaching_organisation_id=coaching[i % 3].id)
                s.add(participant)
                s.flush()
                emp = employers[i % 3].id
                second_start = months(started, 12)
                third_start = months(started, 24)
                third_end = None if i % 3 == 0 else months(started, 36) + timedelta(weeks=i % 8)
                spans = [(started, second_start - timedelta(days=1)), (second_start, third_start - timedelta(days=1)),
                         (third_start, third_end)]
                contracts = []
                for start_on, end_on in spans:
                    contract = Contract(participant_id=participant.id, employer_id=emp, start_on=start_on, end_on=end_on,
                                        kind="temporary" if end_on else "permanent")
                    s.add(contract)
                    contracts.append(contract)
                s.flush()
                c1, c2, c3 = contracts
                cao2 = CAO_AAN_DE_SLAG if i % 2 else CAO_SW
                s.add_all([
                    ContractVersion(contract_id=c1.id, valid_from=c1.start_on, hours_per_week=D(32), cao=CAO_SW, reason="start"),
                    ContractVersion(contract_id=c1.id, valid_from=months(c1.start_on, 5), hours_per_week=D(36), cao=CAO_SW,
                                    reason="hours"),
                    ContractVersion(contract_id=c2.id, valid_from=c2.start_on, hours_per_week=D(36), cao=CAO_SW, reason="start"),
                    ContractVersion(contract_id=c2.id, valid_from=months(c2.start_on, 6), hours_per_week=D(36), cao=cao2,
                                    guaranteed_hourly_wage=D("14.16") if i % 2 else None, reason="cao_transition"),
                    ContractVersion(contract_id=c3.id, valid_from=c3.start_on, hours_per_week=D(28 + i % 8), cao=cao2,
                                    reason="start"),
                    PerformanceReport(contract_id=c1.id, written_on=c1.end_on - timedelta(days=30), author="Coach",
                                      advice="renew"),
                    PerformanceReport(contract_id=c2.id, written_on=c2.end_on - timedelta(days=30), author="Coach",
                                      advice="renew"),
                ])
                for n, (offset, length, percentage) in enumerate(((40, 10, 100), (250, 30, 50), (500, 5, 100))):
                    sick_from = started + timedelta(days=offset + i % 17)
                    s.add(Absence(participant_id=participant.id, start_on=sick_from,
                                  end_on=sick_from + timedelta(days=length - 1), percentage=D(percentage)))
                if i % 4 == 0:
                    s.add(Absence(participant_id=participant.id, start_on=months(started, 35), end_on=None,
                                  percentage=D(100)))
                s.flush()
        db.session.commit()
        db.session.remove()


def first_id(app, tenant, model, *where):
    with app.app_context():
        with tenant_scope(db.session, tenant.id):
            found = db.session.scalars(db.select(model.id).where(*where).order_by(model.id)).first()
        db.session.remove()
    return found


def rate_statements(app, tenant, group=Group()):
    with counted(app) as statements:
        with app.app_context():
            with tenant_scope(db.session, tenant.id):
                result = absence_service.rate(db.session, *WINDOW, COACH, group)
            db.session.remove()
    return result, list(statements)


def wage_statements(app, registry, tenant, group=Group()):
    with counted(app) as statements:
        with app.app_context():
            with tenant_scope(db.session, tenant.id):
                settings = SettingsTimeline(db.session, registry.hooks(tenant.plugin))
                result = wage_service.wage_costs(db.session, settings, *WINDOW, COACH, group)
            db.session.remove()
    return result, list(statements)


def selects_from(statements, table):
    return [s for s in statements if f"FROM {table}" in s]


def test_the_absence_rate_takes_a_fixed_number_of_statements(app, make_tenant):
    small, large = make_tenant("groningen"), make_tenant("groningen", slug="groningen-groot", cbs_code="GM9014")
    populate(app, small, 3, WINDOW[0])
    populate(app, large, 30, WINDOW[0])
    few_result, few = rate_statements(app, small)
    many_result, many = rate_statements(app, large)
    assert (few_result.participants, many_result.participants) == (3, 30)
    assert few_result.totals.sick_hours > 0 and 0 < few_result.totals.rate < 1
    assert many_result.totals.contracted_hours > 9 * few_result.totals.contracted_hours
    assert len(few) == len(many) == RATE_STATEMENTS, (few, many)
    assert len(selects_from(many, "contracts")) == 1 and len(selects_from(many, "absences")) == 1
    # A group costs the same: a neighbourhood (a subquery on persons), an employer.
    for group in (Group(neighbourhood_id=first_id(app, large, Neighbourhood)),
                  Group(employer_id=first_id(app, large, Organisation, Organisation.is_employer))):
        result, statements = rate_statements(app, large, group)
        assert 0 < result.participants < 30 and len(statements) == RATE_STATEMENTS, statements


def test_the_programmes_rate_is_the_sum_of_the_participants(app, make_tenant):
    tenant = make_tenant("groningen")
    populate(app, tenant, 6, WINDOW[0])
    programme, _ = rate_statements(app, tenant)
    with app.app_context():
        with tenant_scope(db.session, tenant.id):
            ids = list(db.session.scalars(db.select(Participant.id)))
        db.session.remove()
    parts = [rate_statements(app, tenant, Group(participant_id=pid))[0].totals for pid in ids]
    assert sum((p.contracted_hours for p in parts), D(0)) == pytest.approx(programme.totals.contracted_hours)
    assert sum((p.sick_hours for p in parts), D(0)) == pytest.approx(programme.totals.sick_hours)


def test_wage_costs_take_a_fixed_number_of_statements(app, registry, make_tenant):
    small, large = make_tenant("groningen"), make_tenant("groningen", slug="groningen-groot", cbs_code="GM9014")
    populate(app, small, 3, WINDOW[0])
    populate(app, large, 30, WINDOW[0])
    few_result, few = wage_statements(app, registry, small)
    many_result, many = wage_statements(app, registry, large)
    assert (len(few_result.by_participant), len(many_result.by_participant)) == (3, 30)
    assert many_result.total.gross > few_result.total.gross > 0
    summed = sum(many_result.by_participant.values(), WageCost())
    for line in ("gross", "holiday_allowance", "year_end_payment", "employer_charges", "pension"):
        # Equal up to Decimal's 28 significant digits (the order of additions differs).
        assert abs(getattr(summed, line) - getattr(many_result.total, line)) < D("1e-12"), line
    assert len(few) == len(many) == WAGE_STATEMENTS, (few, many)
    assert len(selects_from(many, "contracts")) == 1


def list_statements(app, client, headers, url, query):
    client.get(url, headers=headers, query_string=query)  # warm-up: token use is recorded at most once a minute
    with counted(app) as statements:
        response = client.get(url, headers=headers, query_string=query)
    assert response.status_code == 200, response.json
    return response, list(statements)


def test_the_participant_list_takes_a_fixed_number_of_statements(app, client, make_tenant, make_token):
    small, large = make_tenant("groningen"), make_tenant("groningen", slug="groningen-groot", cbs_code="GM9014")
    first = date.today() - timedelta(days=3 * 365)
    populate(app, small, 3, first)
    populate(app, large, 30, first)
    few_response, few = list_statements(app, client, auth(make_token(small, "coach")), api(small.slug, "/participants"),
                                        {"page_size": 3})
    coach = auth(make_token(large, "coach"))
    page_response, page = list_statements(app, client, coach, api(large.slug, "/participants"), {"page_size": 3})
    all_response, everything = list_statements(app, client, coach, api(large.slug, "/participants"), {"page_size": 30})
    assert (len(few_response.json), len(page_response.json), len(all_response.json)) == (3, 3, 30)
    assert json.loads(all_response.headers["X-Pagination"])["total"] == 30
    # Every row shows its contract in force, employer, neighbourhood and coach by name...
    assert all(p["current_contract"] and p["current_contract"]["employer"] for p in all_response.json)
    assert {p["neighbourhood"] for p in all_response.json} == {f"Wijk {n}" for n in range(4)}
    assert {p["coach"] for p in all_response.json} == {f"Coach {n}" for n in range(3)}
    # ...from the same statements, however many rows the page has.
    assert len(few) == len(page) == len(everything) == LIST_STATEMENTS, (few, everything)
    assert len([s for s in everything if "FROM participants" in s and "count(" not in s.lower()]) == 1
    assert len(selects_from(everything, "contracts")) == 1
    assert not selects_from(everything, "persons") and not selects_from(everything, "organisations")


def test_the_work_list_takes_a_fixed_number_of_statements(app, client, make_tenant, make_token):
    small, large = make_tenant("groningen"), make_tenant("groningen", slug="groningen-groot", cbs_code="GM9014")
    first = date.today() - timedelta(days=3 * 365)
    populate(app, small, 3, first)
    populate(app, large, 30, first)
    few_response, few = list_statements(app, client, auth(make_token(small, "coach")), api(small.slug, "/worklist"), {})
    many_response, many = list_statements(app, client, auth(make_token(large, "coach")), api(large.slug, "/worklist"), {})
    kinds = {item["kind"] for item in many_response.json}
    assert {"contract_ending", "performance_report_due", "gatekeeper"} <= kinds, kinds
    assert len(many_response.json) > 3 * len(few_response.json) > 0
    assert len(few) == len(many) == WORKLIST_STATEMENTS, (few, many)
    for table in ("participants", "contracts", "absences", "performance_reports", "gatekeeper_steps",
                  "wellbeing_measurements"):
        assert len(selects_from(many, table)) == 1, table


def add_work(app, tenant, today: date) -> None:
    """Two tasks in use, one checked a year and a week ago (its re-check is overdue) and one a month ago, a
    closed task whose check was rejected, and for every participant a running assignment of 30 hours (against
    contracts of 28-35 hours, so most packages do not match)."""
    with app.app_context():
        with tenant_scope(db.session, tenant.id):
            s = db.session
            tasks = [Task(title=f"Taak {n}", category="other", hours_per_week=D(30), places=100, source="area_team",
                          status=status) for n, status in enumerate(("active", "active", "closed"))]
            s.add_all(tasks)
            s.flush()
            for task, checked_on, verdict in ((tasks[0], today - timedelta(days=372), "approved"),
                                              (tasks[1], today - timedelta(days=30), "approved"),
                                              (tasks[2], today - timedelta(days=400), "rejected")):
                s.add(DisplacementCheck(task_id=task.id, checked_on=checked_on, done_by_paid_staff=verdict == "rejected",
                                        host_would_hire=False, done_by_volunteers=False, is_additional=True,
                                        verdict=verdict, reasons="Test."))
            for n, pid in enumerate(s.scalars(db.select(Participant.id).order_by(Participant.id)).all()):
                s.add(Assignment(participant_id=pid, task_id=tasks[n % 2].id, hours_per_week=D(30), days=["mon"],
                                 start_on=today - timedelta(days=10)))
            s.flush()
        db.session.commit()
        db.session.remove()


def test_the_work_list_with_task_packages_takes_a_fixed_number_of_statements(app, client, make_tenant, make_token):
    small, large = make_tenant("groningen"), make_tenant("groningen", slug="groningen-groot", cbs_code="GM9014")
    today = date.today()
    first = today - timedelta(days=3 * 365)
    populate(app, small, 3, first)
    populate(app, large, 30, first)
    add_work(app, small, today)
    add_work(app, large, today)
    small_coach, large_coach = auth(make_token(small, "coach")), auth(make_token(large, "coach"))
    few_response, few = list_statements(app, client, small_coach, api(small.slug, "/worklist"), {})
    many_response, many = list_statements(app, client, large_coach, api(large.slug, "/worklist"), {})
    assert len(few) == len(many) == WORK_WORKLIST_STATEMENTS, (few, many)
    for table in ("participants", "contracts", "contract_versions", "absences", "performance_reports",
                  "gatekeeper_steps", "tasks", "displacement_checks", "assignments"):
        assert len(selects_from(many, table)) == 1, table
    # The items are there: the overdue re-check of Taak 0 (not the recent check, not the closed task) ...
    for response in (few_response, many_response):
        rechecks = [i for i in response.json if i["kind"] == "displacement_recheck"]
        assert [i["task_title"] for i in rechecks] == ["Taak 0"] and rechecks[0]["overdue"] is True
    # ... and a package mismatch exactly for the participants whose package view does not fit.
    mismatched = {i["participant_id"] for i in many_response.json if i["kind"] == "package_mismatch"}
    not_fitting = set()
    for item in client.get(api(large.slug, "/participants"), headers=large_coach,
                           query_string={"page_size": 100}).json:
        view = client.get(api(large.slug, f"/participants/{item['id']}/assignments"), headers=large_coach).json
        assert Decimal(view["hours"]) == 30 and view["contract_hours"] is not None
        if not view["fits"]:
            not_fitting.add(item["id"])
    assert 20 < len(mismatched) < 30 and mismatched == not_fitting
