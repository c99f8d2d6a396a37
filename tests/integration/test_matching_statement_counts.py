"""Matching and wellbeing take a fixed number of SQL statements: the tasks for one participant whether there
are 3 or 30 open tasks, the participants for a task whether there are 3 or 30 participants, and the
programme's wellbeing change whatever the number of measurements. Counted per request, as in
test_employment_statement_counts.py."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

from basisbaan.extensions import db
from basisbaan.models import DisplacementCheck, Participant, Task, WellbeingMeasurement, WorkProfile
from basisbaan.tenancy import tenant_scope
from tests.conftest import auth
from tests.employment_helpers import api
from tests.integration.test_employment_statement_counts import (EXTRA, first_id, list_statements, populate,
                                                                selects_from)

# GET participants/<id>/matches: tenant, token, the participant (person, neighbourhood and coach joined), the
# coach's roles, the work profile, the contract in force, the running package hours, the tasks already in the
# package, the open tasks (host and neighbourhood joined, latest and first passed check as subqueries), the
# places taken.
PARTICIPANT_MATCHES = 10 + EXTRA
# GET tasks/<id>/matches: tenant, token, the task, places taken, the active participants (joined as above),
# their coaches' roles, their work profiles, the contracts in force, the running package hours, the task's
# latest displacement check (whether it may take participants).
TASK_MATCHES = 10 + EXTRA
# GET wellbeing-change: tenant, token, settings versions, the measurements.
WELLBEING_CHANGE = 4 + EXTRA


def add_tasks(app, tenant, count: int, today: date) -> None:
    """`count` open tasks checked a month ago (one in four demands lifting), and a work profile per person."""
    with app.app_context():
        with tenant_scope(db.session, tenant.id):
            s = db.session
            for n in range(count):
                task = Task(title=f"Taak {n:03d}", category="litter" if n % 2 else "hosting",
                            hours_per_week=Decimal(4 + n % 8), places=3, source="area_team", status="approved",
                            demands=["lifting"] if n % 4 == 0 else [])
                s.add(task)
                s.flush()
                s.add(DisplacementCheck(task_id=task.id, checked_on=today - timedelta(days=30), done_by_paid_staff=False,
                                        host_would_hire=False, done_by_volunteers=False, is_additional=True,
                                        verdict="approved", reasons="Test."))
            for person_id in s.scalars(db.select(Participant.person_id)):
                s.add(WorkProfile(person_id=person_id, preferred_categories=["litter"], available_days=[]))
            s.flush()
        db.session.commit()
        db.session.remove()


def add_measurements(app, tenant, secrets) -> None:
    """Two measurements on Groningen's instrument per participant, a year apart."""
    with app.app_context():
        with tenant_scope(db.session, tenant.id):
            s = db.session
            for participant in s.scalars(db.select(Participant)):
                for offset, score in ((20, 2), (385, 4)):
                    scores = dict.fromkeys(("income", "savings", "debts", "social_contacts", "housing"), score)
                    s.add(WellbeingMeasurement(participant_id=participant.id,
                                               measured_on=participant.started_on + timedelta(days=offset),
                                               instrument="groningen_brug",
                                               scores_encrypted=secrets.encrypt(json.dumps(scores))))
            s.flush()
        db.session.commit()
        db.session.remove()


def _pair(app, make_tenant, small_n: int, large_n: int, tasks_small: int, tasks_large: int):
    small, large = make_tenant("groningen"), make_tenant("groningen", slug="groningen-groot", cbs_code="GM9014")
    today = date.today()
    first = today - timedelta(days=400)
    populate(app, small, small_n, first)
    populate(app, large, large_n, first)
    add_tasks(app, small, tasks_small, today)
    add_tasks(app, large, tasks_large, today)
    return small, large


def test_matches_for_a_participant_take_a_fixed_number_of_statements(app, client, make_tenant, make_token):
    small, large = _pair(app, make_tenant, 3, 3, 3, 30)
    results = []
    for tenant in (small, large):
        participant = first_id(app, tenant, Participant)
        response, statements = list_statements(app, client, auth(make_token(tenant, "coach")),
                                               api(tenant.slug, f"/participants/{participant}/matches"),
                                               {"include_blocked": "true", "limit": 100})
        results.append((response.json, statements))
    (few, few_statements), (many, many_statements) = results
    assert (few["total"], many["total"]) == (3, 30)
    assert len(few_statements) == len(many_statements) == PARTICIPANT_MATCHES, (few_statements, many_statements)
    assert len(selects_from(many_statements, "tasks")) == 1
    # The tasks demanding lifting are not blocked (no limitations) and the preferred category ranks first.
    assert many["matches"][0]["task"]["category"] == "litter"


def test_matches_for_a_task_take_a_fixed_number_of_statements(app, client, make_tenant, make_token):
    small, large = _pair(app, make_tenant, 3, 30, 1, 1)
    results = []
    for tenant in (small, large):
        task = first_id(app, tenant, Task)
        response, statements = list_statements(app, client, auth(make_token(tenant, "coach")),
                                               api(tenant.slug, f"/tasks/{task}/matches"),
                                               {"include_blocked": "true", "limit": 100})
        results.append((response.json, statements))
    (few, few_statements), (many, many_statements) = results
    assert (few["total"], many["total"]) == (3, 30) and few["assignable"] is many["assignable"] is True
    assert len(few_statements) == len(many_statements) == TASK_MATCHES, (few_statements, many_statements)
    assert len(selects_from(many_statements, "work_profiles")) == 1


def test_the_wellbeing_change_takes_a_fixed_number_of_statements(app, client, make_tenant, make_token):
    small, large = _pair(app, make_tenant, 3, 30, 0, 0)
    secrets = app.extensions["basisbaan.secrets"]
    results = []
    for tenant in (small, large):
        add_measurements(app, tenant, secrets)
        response, statements = list_statements(app, client, auth(make_token(tenant, "coach")),
                                               api(tenant.slug, "/wellbeing-change"),
                                               {"from": "2000-01-01", "to": "2100-01-01"})
        results.append((response.json, statements))
    (few, few_statements), (many, many_statements) = results
    assert (few["participants"], many["participants"]) == (3, 30)
    assert {d["change"] for d in many["domains"]} == {"2.00"}
    assert len(few_statements) == len(many_statements) == WELLBEING_CHANGE, (few_statements, many_statements)
