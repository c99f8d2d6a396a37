"""Coaching time, coaching hours per participant-week and a participant's support records (debt assistance,
training) through the API: every validation rule, the exact arithmetic of the coaching hours, suppression and
403s by role, the job coach's limits, optimistic locking, encryption of debt notes and the audit trail.

Every refusal is checked to save nothing (rows counted as the owner, audit events included)."""

from __future__ import annotations

import itertools
import json
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from basisbaan.extensions import db
from basisbaan.models import AuditEvent
from basisbaan.services import tenants as tenant_service
from basisbaan.services import tokens as token_service
from basisbaan.services import users as user_service
from basisbaan.services.audit import Actor
from basisbaan.tenancy import tenant_scope
from tests.conftest import auth
from tests.employment_helpers import api, coaching, contract_body, employer, started_candidate

_counter = itertools.count(1)

COUNTED_TABLES = ("coaching_sessions", "debt_support", "trainings", "participants", "audit_events")
TODAY = date.today()
HOURS_FIELDS = ("participants", "participant_weeks", "hours", "hours_per_participant_week", "by_kind",
                "lowest_individual", "highest_individual")


def _days(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


@dataclass(frozen=True)
class Env:
    tenant: object
    slug: str
    coach: dict
    admin: dict
    employer: str
    neighbourhood: str
    org: str        # the job coach's coaching organisation
    other_org: str  # another coaching organisation
    jobcoach: dict  # a job coach of `org`


@pytest.fixture
def gr(app, client, make_tenant, make_token) -> Env:
    tenant = make_tenant("groningen")
    coach, admin = auth(make_token(tenant, "coach")), auth(make_token(tenant, "admin"))
    hood = client.post(api(tenant.slug, "/neighbourhoods"), headers=admin, json={"name": "Beijum"})
    assert hood.status_code == 201, hood.json
    org = coaching(client, admin, tenant.slug, "Begeleiding Noord")
    other = coaching(client, admin, tenant.slug, "Begeleiding Zuid")
    return Env(tenant, tenant.slug, coach, admin, employer(client, admin, tenant.slug, "Thermiek BV"),
               hood.json["id"], org, other, jobcoach(app, tenant, org))


def counts(owner_engine, tenant) -> dict[str, int]:
    """Rows per table of `tenant`, read as the owner (no tenant scoping, no RLS)."""
    with owner_engine.connect() as conn:
        found = {}
        for name in COUNTED_TABLES:
            table = db.metadata.tables[name]
            found[name] = conn.execute(select(func.count()).select_from(table)
                                       .where(table.c.tenant_id == tenant.id)).scalar()
        return found


def refused(response, status: int, field: str | None) -> dict:
    assert response.status_code == status, (response.status_code, response.json)
    body = response.json
    assert set(body) == {"code", "status", "message", "errors"}
    if field is not None:
        assert field in body["errors"], body
    return body


def jobcoach(app, tenant, organisation: str | None) -> dict:
    with app.app_context():
        found = tenant_service.get_by_slug(db.session, tenant.slug)
        with tenant_scope(db.session, found.id):
            issued = token_service.create(db.session, found, role="jobcoach", name=f"jobcoach-{next(_counter)}",
                                          days=30, max_days=366, actor=Actor.system("test"),
                                          organisation=organisation)
        db.session.commit()
        db.session.remove()
    return auth(issued.plaintext)


def role_token(app, tenant, role: str) -> dict:
    with app.app_context():
        found = tenant_service.get_by_slug(db.session, tenant.slug)
        with tenant_scope(db.session, found.id):
            issued = token_service.create(db.session, found, role=role, name=f"{role}-{next(_counter)}", days=30,
                                          max_days=366, actor=Actor.system("test"))
        db.session.commit()
        db.session.remove()
    return auth(issued.plaintext)


def make_user(app, tenant, name: str, roles=("coach",)) -> str:
    with app.app_context():
        with tenant_scope(db.session, tenant.id):
            user = user_service.sign_in(db.session, issuer="https://login.example.test",
                                        subject=f"user-{next(_counter)}", roles=list(roles), claims={"name": name})
            user_id = user.id
        db.session.commit()
        db.session.remove()
    return str(user_id)


def audit_events(app, tenant, action: str, entity_id=None) -> list[AuditEvent]:
    with app.app_context():
        with tenant_scope(db.session, tenant.id):
            stmt = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            if entity_id is not None:
                stmt = stmt.where(AuditEvent.entity_id == str(entity_id))
            found = list(db.session.scalars(stmt))
            db.session.expunge_all()
        db.session.remove()
    return found


def begin(client, env: Env, *, started_on="2023-01-01", coaching_organisation_id=None, coach_id=None,
          neighbourhood_id=None) -> str:
    """A participant (a new started candidate) on a permanent contract; returns its id."""
    candidate = started_candidate(client, env.coach, env.slug,
                                  **({"neighbourhood_id": neighbourhood_id} if neighbourhood_id else {}))
    body = {"candidate_id": candidate, "started_on": started_on,
            "contract": contract_body(env.employer, kind="permanent", end_on=None)}
    if coaching_organisation_id is not None:
        body["coaching_organisation_id"] = coaching_organisation_id
    if coach_id is not None:
        body["coach_id"] = coach_id
    response = client.post(api(env.slug, "/participants"), headers=env.coach, json=body)
    assert response.status_code == 201, response.json
    return response.json["id"]


def leave(client, env: Env, pid: str, on: str) -> None:
    response = client.post(api(env.slug, f"/participants/{pid}/exit"), headers=env.coach,
                           json={"date": on, "reason": "other"})
    assert response.status_code in (200, 201), response.json


def session_body(pid: str, **overrides) -> dict:
    body = {"participant_id": pid, "held_on": "2023-03-01", "kind": "work", "hours": "1.5"}
    body.update(overrides)
    return body


def log(client, env: Env, pid: str, headers=None, expect=201, **overrides) -> dict:
    response = client.post(api(env.slug, "/coaching-sessions"), headers=headers or env.coach,
                           json=session_body(pid, **overrides))
    assert response.status_code == expect, response.json
    return response.json


def hours(client, env: Env, headers=None, expect=200, **query) -> dict:
    response = client.get(api(env.slug, "/coaching-hours"), headers=headers or env.coach, query_string=query)
    assert response.status_code == expect, (response.status_code, response.json)
    return response.json


def support(client, env: Env, pid: str, headers=None) -> dict:
    response = client.get(api(env.slug, f"/participants/{pid}/support"), headers=headers or env.coach)
    assert response.status_code == 200, response.json
    return response.json


def add_debt(client, env: Env, pid: str, headers=None, expect=201, **overrides) -> dict:
    body = {"kind": "credit_bank", "referred_on": "2023-02-01", **overrides}
    response = client.post(api(env.slug, f"/participants/{pid}/support/debt"), headers=headers or env.coach,
                           json=body)
    assert response.status_code == expect, response.json
    return response.json


def add_training(client, env: Env, pid: str, headers=None, expect=201, **overrides) -> dict:
    body = {"kind": "first_aid", "name": "BHV basis", "started_on": "2023-02-01", **overrides}
    response = client.post(api(env.slug, f"/participants/{pid}/support/trainings"), headers=headers or env.coach,
                           json=body)
    assert response.status_code == expect, response.json
    return response.json


# --- coaching sessions ------------------------------------------------------------------------------------

def test_a_coach_logs_coaching_time_and_it_is_audited(app, client, gr):
    pid = begin(client, gr, coaching_organisation_id=gr.org)
    work = log(client, gr, pid, held_on="2023-03-01", kind="work", hours="1.5")
    assert work["participant_id"] == pid and work["held_on"] == "2023-03-01" and work["kind"] == "work"
    assert Decimal(work["hours"]) == Decimal("1.5")
    # Work coaching by the municipal coach is booked on the participant's coaching organisation.
    assert work["organisation_id"] == gr.org
    assert work["coach_label"]
    income = log(client, gr, pid, held_on="2023-03-02", kind="income_wellbeing", hours="24")
    assert income["organisation_id"] is None and Decimal(income["hours"]) == 24
    events = audit_events(app, gr.tenant, "coaching.logged", pid)
    assert [e.details.get("kind") for e in events] == ["work", "income_wellbeing"]
    assert all(e.entity_type == "participant" for e in events)


def test_coaching_session_listing_filters_and_paginates(client, gr):
    a, b = begin(client, gr), begin(client, gr)
    log(client, gr, a, held_on="2023-03-01", kind="work")
    log(client, gr, a, held_on="2023-03-05", kind="income_wellbeing")
    log(client, gr, b, held_on="2023-03-10", kind="work")
    log(client, gr, b, held_on="2023-04-01", kind="work")

    def listed(**query):
        response = client.get(api(gr.slug, "/coaching-sessions"), headers=gr.coach, query_string=query)
        assert response.status_code == 200, response.json
        return response

    everything = listed()
    assert [s["held_on"] for s in everything.json] == ["2023-04-01", "2023-03-10", "2023-03-05", "2023-03-01"]
    assert json.loads(everything.headers["X-Pagination"])["total"] == 4
    assert {s["held_on"] for s in listed(participant_id=a).json} == {"2023-03-01", "2023-03-05"}
    # `to` is exclusive, `from` inclusive.
    assert [s["held_on"] for s in listed(**{"from": "2023-03-05", "to": "2023-04-01"}).json] == [
        "2023-03-10", "2023-03-05"]
    assert [s["held_on"] for s in listed(kind="income_wellbeing").json] == ["2023-03-05"]
    page = listed(page_size=3, page=2)
    assert len(page.json) == 1 and json.loads(page.headers["X-Pagination"])["total"] == 4
    refused(client.get(api(gr.slug, "/coaching-sessions"), headers=gr.coach, query_string={"kind": "gossip"}),
            422, None)


@pytest.mark.parametrize("hours_value", ["0", "-1", "24.01", "25", "0.001"])
def test_hours_must_be_more_than_zero_and_at_most_24(client, owner_engine, gr, hours_value):
    pid = begin(client, gr)
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, "/coaching-sessions"), headers=gr.coach,
                        json=session_body(pid, hours=hours_value)), 422, "hours")
    assert counts(owner_engine, gr.tenant) == before


def test_held_on_within_the_programme_and_not_in_the_future(client, owner_engine, gr):
    pid = begin(client, gr, started_on="2023-01-01")
    leave(client, gr, pid, "2023-06-30")
    before = counts(owner_engine, gr.tenant)
    for held_on in (_days(1), "2022-12-31", "2023-07-01", "1800-01-01"):
        refused(client.post(api(gr.slug, "/coaching-sessions"), headers=gr.coach,
                            json=session_body(pid, held_on=held_on)), 422, "held_on")
    for missing in ("held_on", "kind", "hours", "participant_id"):
        body = session_body(pid)
        del body[missing]
        refused(client.post(api(gr.slug, "/coaching-sessions"), headers=gr.coach, json=body), 422, missing)
    assert counts(owner_engine, gr.tenant) == before
    # The first and the last day in the programme are fine.
    log(client, gr, pid, held_on="2023-01-01")
    log(client, gr, pid, held_on="2023-06-30")


def test_coaching_today_is_allowed(client, gr):
    pid = begin(client, gr, started_on=_days(-30))
    assert log(client, gr, pid, held_on=_days(0))["held_on"] == _days(0)


def test_unknown_kind_unknown_participant_and_unknown_coach_are_refused(app, client, owner_engine, gr):
    pid = begin(client, gr)
    admin_user = make_user(app, gr.tenant, "Admin Ada", roles=("admin",))
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, "/coaching-sessions"), headers=gr.coach,
                        json=session_body(pid, kind="gossip")), 422, "kind")
    refused(client.post(api(gr.slug, "/coaching-sessions"), headers=gr.coach,
                        json=session_body(str(uuid.uuid4()))), 422, "participant_id")
    refused(client.post(api(gr.slug, "/coaching-sessions"), headers=gr.coach,
                        json=session_body(pid, coach_id=str(uuid.uuid4()))), 422, "coach_id")
    refused(client.post(api(gr.slug, "/coaching-sessions"), headers=gr.coach,
                        json=session_body(pid, coach_id=admin_user)), 422, "coach_id")
    refused(client.post(api(gr.slug, "/coaching-sessions"), headers=gr.coach,
                        json={**session_body(pid), "bogus": 1}), 422, "bogus")
    assert counts(owner_engine, gr.tenant) == before
    anna = make_user(app, gr.tenant, "Coach Anna")
    assert log(client, gr, pid, coach_id=anna)["coach_id"] == anna


def test_job_coach_logs_work_for_own_organisations_participants_only(app, client, owner_engine, gr):
    ours = begin(client, gr, coaching_organisation_id=gr.org)
    theirs = begin(client, gr, coaching_organisation_id=gr.other_org)
    nobodys = begin(client, gr)
    unbound = jobcoach(app, gr.tenant, None)
    before = counts(owner_engine, gr.tenant)
    for pid in (theirs, nobodys):
        body = refused(client.post(api(gr.slug, "/coaching-sessions"), headers=gr.jobcoach,
                                   json=session_body(pid)), 422, "participant_id")
        assert set(body["errors"]) == {"participant_id"}
    refused(client.post(api(gr.slug, "/coaching-sessions"), headers=gr.jobcoach,
                        json=session_body(ours, kind="income_wellbeing")), 422, "kind")
    # A job coach without an organisation coaches nobody.
    refused(client.post(api(gr.slug, "/coaching-sessions"), headers=unbound,
                        json=session_body(ours)), 422, "participant_id")
    assert counts(owner_engine, gr.tenant) == before
    logged = log(client, gr, ours, headers=gr.jobcoach, kind="work", hours="2.25")
    assert logged["organisation_id"] == gr.org and Decimal(logged["hours"]) == Decimal("2.25")
    assert len(audit_events(app, gr.tenant, "coaching.logged", ours)) == 1


def test_job_coach_lists_only_own_organisations_sessions(client, gr):
    ours = begin(client, gr, coaching_organisation_id=gr.org)
    theirs = begin(client, gr, coaching_organisation_id=gr.other_org)
    log(client, gr, ours, held_on="2023-03-01")
    log(client, gr, theirs, held_on="2023-03-02")
    response = client.get(api(gr.slug, "/coaching-sessions"), headers=gr.jobcoach)
    assert response.status_code == 200
    assert [s["participant_id"] for s in response.json] == [ours]
    assert json.loads(response.headers["X-Pagination"])["total"] == 1
    filtered = client.get(api(gr.slug, "/coaching-sessions"), headers=gr.jobcoach,
                          query_string={"participant_id": theirs})
    assert filtered.status_code == 200 and filtered.json == []


@pytest.mark.parametrize("role", ["admin", "viewer", "finance"])
def test_other_roles_neither_read_nor_log_coaching(app, client, owner_engine, gr, role):
    pid = begin(client, gr)
    headers = role_token(app, gr.tenant, role)
    before = counts(owner_engine, gr.tenant)
    assert client.get(api(gr.slug, "/coaching-sessions"), headers=headers).status_code == 403
    assert client.post(api(gr.slug, "/coaching-sessions"), headers=headers,
                       json=session_body(pid)).status_code == 403
    assert client.get(api(gr.slug, f"/participants/{pid}/support"), headers=headers).status_code == 403
    assert client.post(api(gr.slug, f"/participants/{pid}/support/trainings"), headers=headers,
                       json={"kind": "first_aid", "name": "BHV", "started_on": "2023-02-01"}).status_code == 403
    assert client.post(api(gr.slug, f"/participants/{pid}/support/debt"), headers=headers,
                       json={"kind": "credit_bank", "referred_on": "2023-02-01"}).status_code == 403
    assert counts(owner_engine, gr.tenant) == before


# --- coaching hours per participant-week -------------------------------------------------------------------

def _two_participants(client, gr):
    """Two participants in [2023-03-01, 2023-03-15) (14 days): A all 14 days, B from 2023-03-08 (7 days);
    A had 2 + 1.5 hours, B 3 hours in the period; sessions outside the period do not count."""
    a = begin(client, gr, started_on="2023-01-01", coaching_organisation_id=gr.org)
    b = begin(client, gr, started_on="2023-03-08", coaching_organisation_id=gr.other_org)
    log(client, gr, a, held_on="2023-02-28", hours="8")  # the day before the period
    log(client, gr, a, held_on="2023-03-01", kind="work", hours="2")
    log(client, gr, a, held_on="2023-03-14", kind="income_wellbeing", hours="1.5")
    log(client, gr, b, held_on="2023-03-08", kind="work", hours="3")
    log(client, gr, b, held_on="2023-03-15", hours="8")  # `to` is exclusive
    return a, b


PERIOD = {"from": "2023-03-01", "to": "2023-03-15"}


def test_coaching_hours_arithmetic(client, gr):
    _two_participants(client, gr)
    result = hours(client, gr, **PERIOD)
    assert result["from"] == "2023-03-01" and result["to"] == "2023-03-15" and result["suppressed"] is False
    assert result["participants"] == 2
    assert Decimal(result["participant_weeks"]) == Decimal(3)  # (14 + 7) / 7
    assert Decimal(result["hours"]) == Decimal("6.5")
    assert result["hours_per_participant_week"] == "2.17"  # 6.5 / 3
    assert {k: Decimal(v) for k, v in result["by_kind"].items()} == {"work": 5, "income_wellbeing": Decimal("1.5")}
    assert result["lowest_individual"] == "1.75"  # A: 3.5 hours / 2 weeks
    assert result["highest_individual"] == "3.00"  # B: 3 hours / 1 week


def test_coaching_hours_counts_exit_day_and_people_without_coaching(client, gr):
    _two_participants(client, gr)
    # C left on 2023-03-04 (4 days in the period, no coaching); D left before and E starts after the period.
    c = begin(client, gr, started_on="2023-01-01")
    leave(client, gr, c, "2023-03-04")
    d = begin(client, gr, started_on="2023-01-01")
    leave(client, gr, d, "2023-02-28")
    begin(client, gr, started_on="2023-03-15")
    result = hours(client, gr, **PERIOD)
    assert result["participants"] == 3
    assert result["participant_weeks"] == "3.57"  # 25 days / 7
    assert Decimal(result["hours"]) == Decimal("6.5")
    assert result["hours_per_participant_week"] == "1.82"  # 6.5 / (25 / 7)
    assert result["lowest_individual"] == "0.00" and result["highest_individual"] == "3.00"


def test_coaching_hours_of_a_group_and_an_empty_period(app, client, gr):
    a, b = _two_participants(client, gr)
    only_a = hours(client, gr, participant_id=a, **PERIOD)
    assert only_a["participants"] == 1 and Decimal(only_a["participant_weeks"]) == 2
    assert only_a["hours_per_participant_week"] == "1.75"
    assert only_a["lowest_individual"] == only_a["highest_individual"] == "1.75"
    by_org = hours(client, gr, coaching_organisation_id=gr.other_org, **PERIOD)
    assert by_org["participants"] == 1 and by_org["hours_per_participant_week"] == "3.00"
    nobody = hours(client, gr, neighbourhood_id=gr.neighbourhood, **PERIOD)
    assert nobody["participants"] == 0 and Decimal(nobody["hours"]) == 0
    assert nobody["hours_per_participant_week"] is None
    assert nobody["lowest_individual"] is None and nobody["highest_individual"] is None
    anna = make_user(app, gr.tenant, "Coach Anna")
    mine = begin(client, gr, started_on="2023-01-01", coach_id=anna)
    log(client, gr, mine, held_on="2023-03-03", hours="7")
    annas = hours(client, gr, coach_id=anna, **PERIOD)
    assert annas["participants"] == 1 and annas["hours_per_participant_week"] == "3.50"
    # A period in which nobody logged anything: zero hours, the participant-weeks still counted.
    quiet = hours(client, gr, **{"from": "2023-01-01", "to": "2023-01-08"})
    assert quiet["participants"] == 2 and Decimal(quiet["participant_weeks"]) == 2  # A and Anna's
    assert quiet["hours_per_participant_week"] == "0.00"


def test_coaching_hours_period_must_be_valid(client, gr):
    refused(client.get(api(gr.slug, "/coaching-hours"), headers=gr.coach,
                       query_string={"from": "2023-03-15", "to": "2023-03-15"}), 422, "from")
    refused(client.get(api(gr.slug, "/coaching-hours"), headers=gr.coach,
                       query_string={"from": "2023-03-16", "to": "2023-03-15"}), 422, "from")
    missing = client.get(api(gr.slug, "/coaching-hours"), headers=gr.coach, query_string={"from": "2023-03-01"})
    assert missing.status_code == 422 and "to" in json.dumps(missing.json["errors"])


def test_job_coach_gets_coaching_hours_of_own_organisation_only(client, gr):
    _two_participants(client, gr)
    result = hours(client, gr, headers=gr.jobcoach, **PERIOD)
    assert result["suppressed"] is False and result["participants"] == 1
    assert result["hours_per_participant_week"] == "1.75"
    # A group filter is fine for a job coach (who sees participants), limited to their own.
    other = hours(client, gr, headers=gr.jobcoach, coaching_organisation_id=gr.other_org, **PERIOD)
    assert other["participants"] == 0 and other["highest_individual"] is None


@pytest.mark.parametrize("role", ["admin", "viewer", "finance"])
def test_roles_without_participants_get_the_programme_only_and_small_groups_suppressed(app, client, gr, role):
    a, _ = _two_participants(client, gr)
    headers = role_token(app, gr.tenant, role)
    small = hours(client, gr, headers=headers, **PERIOD)
    assert small["suppressed"] is True and small["from"] == "2023-03-01" and small["to"] == "2023-03-15"
    assert all(small[key] is None for key in HOURS_FIELDS), small
    for name, value in (("participant_id", a), ("neighbourhood_id", gr.neighbourhood),
                        ("coach_id", str(uuid.uuid4())), ("coaching_organisation_id", gr.org)):
        response = client.get(api(gr.slug, "/coaching-hours"), headers=headers, query_string={name: value, **PERIOD})
        assert response.status_code == 403, (name, response.json)
        assert response.json["code"] == "forbidden"
    # Two more participants (all 14 days, no coaching) make four: still suppressed; a fifth shows the figure.
    for _ in range(2):
        begin(client, gr, started_on="2023-01-01")
    four = hours(client, gr, headers=headers, **PERIOD)
    assert four["suppressed"] is True and all(four[key] is None for key in HOURS_FIELDS), four
    assert hours(client, gr, **PERIOD)["participants"] == 4
    begin(client, gr, started_on="2023-01-01")
    shown = hours(client, gr, headers=headers, **PERIOD)
    assert shown["suppressed"] is False and shown["participants"] == 5
    assert Decimal(shown["participant_weeks"]) == Decimal(9)  # (4 * 14 + 7) / 7
    assert shown["hours_per_participant_week"] == "0.72"  # 6.5 / 9
    assert shown["lowest_individual"] == "0.00" and shown["highest_individual"] == "3.00"
    # The coach sees the same programme figure (not suppressed at any size for roles that see participants).
    assert hours(client, gr, **PERIOD) == shown


def test_coach_sees_small_groups(client, gr):
    _two_participants(client, gr)
    assert hours(client, gr, **PERIOD)["suppressed"] is False


# --- support: debt assistance ----------------------------------------------------------------------------

def test_debt_support_is_recorded_with_encrypted_notes_for_coaches(app, client, owner_engine, gr):
    pid = begin(client, gr, coaching_organisation_id=gr.org)
    debt = add_debt(client, gr, pid, kind="debt_counselling", referred_on="2023-02-01",
                    notes="  Schulden bij de energieleverancier  ")
    assert debt["kind"] == "debt_counselling" and debt["status"] == "referred" and debt["ended_on"] is None
    assert debt["notes"] == "Schulden bij de energieleverancier" and debt["version"] == 1
    with owner_engine.connect() as conn:
        table = db.metadata.tables["debt_support"]
        stored = conn.execute(select(table.c.notes_encrypted).where(table.c.id == uuid.UUID(debt["id"]))).scalar_one()
    assert stored and "energieleverancier" not in stored and "Schulden" not in stored
    read = support(client, gr, pid)
    assert read["debt_support"] == [debt]
    events = audit_events(app, gr.tenant, "support.debt_added", pid)
    assert len(events) == 1 and "energieleverancier" not in json.dumps(events[0].details)
    # Without notes, nothing is stored.
    assert add_debt(client, gr, pid, referred_on="2023-03-01", notes="   ")["notes"] is None


def test_debts_are_invisible_to_job_coaches(app, client, owner_engine, gr):
    pid = begin(client, gr, coaching_organisation_id=gr.org)
    debt = add_debt(client, gr, pid, notes="Geheim")
    training = add_training(client, gr, pid)
    read = client.get(api(gr.slug, f"/participants/{pid}/support"), headers=gr.jobcoach)
    assert read.status_code == 200
    assert read.json["debt_support"] is None and [t["id"] for t in read.json["trainings"]] == [training["id"]]
    assert "Geheim" not in read.get_data(as_text=True) and debt["id"] not in read.get_data(as_text=True)
    before = counts(owner_engine, gr.tenant)
    assert client.post(api(gr.slug, f"/participants/{pid}/support/debt"), headers=gr.jobcoach,
                       json={"kind": "credit_bank", "referred_on": "2023-02-01"}).status_code == 403
    patched = client.patch(api(gr.slug, f"/participants/{pid}/support/debt/{debt['id']}"), headers=gr.jobcoach,
                           json={"version": 1, "status": "active"})
    assert patched.status_code == 403 and "Geheim" not in patched.get_data(as_text=True)
    assert counts(owner_engine, gr.tenant) == before
    assert support(client, gr, pid)["debt_support"][0]["status"] == "referred"


@pytest.mark.parametrize("body, field", [
    ({"ended_on": "2023-01-31", "status": "stopped"}, "ended_on"),  # ended before the referral
    ({"status": "completed"}, "ended_on"),  # completed without its last day
    ({"status": "stopped"}, "ended_on"),
    ({"referred_on": None}, "referred_on"),
    ({"referred_on": "FUTURE"}, "referred_on"),
    ({"referred_on": "1800-01-01"}, "referred_on"),
    ({"ended_on": "FUTURE", "status": "completed"}, "ended_on"),
    ({"kind": "loan_shark"}, "kind"),
    ({"status": "forgotten"}, "status"),
    ({"notes": "x" * 4001}, "notes"),
])
def test_bad_debt_support_is_refused(app, client, owner_engine, gr, body, field):
    pid = begin(client, gr)
    payload = {"kind": "credit_bank", "referred_on": "2023-02-01",
               **{k: _days(1) if v == "FUTURE" else v for k, v in body.items()}}
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, f"/participants/{pid}/support/debt"), headers=gr.coach, json=payload),
            422, field)
    assert counts(owner_engine, gr.tenant) == before


def test_debt_support_changes_with_the_version(app, client, owner_engine, gr):
    pid = begin(client, gr)
    debt = add_debt(client, gr, pid, notes="Eerste notitie")
    url = api(gr.slug, f"/participants/{pid}/support/debt/{debt['id']}")
    before = counts(owner_engine, gr.tenant)
    refused(client.patch(url, headers=gr.coach, json={"version": 1, "status": "completed"}), 422, "ended_on")
    refused(client.patch(url, headers=gr.coach, json={"version": 1, "ended_on": "2023-01-31"}), 422, "ended_on")
    refused(client.patch(url, headers=gr.coach, json={"version": 1, "referred_on": _days(1)}), 422, "referred_on")
    refused(client.patch(url, headers=gr.coach, json={"status": "active"}), 422, "version")
    assert counts(owner_engine, gr.tenant) == before
    active = client.patch(url, headers=gr.coach, json={"version": 1, "status": "active"})
    assert active.status_code == 200 and active.json["status"] == "active" and active.json["version"] == 2
    assert active.json["notes"] == "Eerste notitie"
    # A stale version: 409 naming the version, nothing changed.
    before = counts(owner_engine, gr.tenant)
    refused(client.patch(url, headers=gr.coach, json={"version": 1, "status": "stopped", "ended_on": "2023-05-01"}),
            409, "version")
    assert counts(owner_engine, gr.tenant) == before
    assert support(client, gr, pid)["debt_support"][0]["status"] == "active"
    done = client.patch(url, headers=gr.coach, json={"version": 2, "status": "completed", "ended_on": "2023-05-01",
                                                     "notes": "Schuldenvrij"})
    assert done.status_code == 200, done.json
    assert done.json["status"] == "completed" and done.json["ended_on"] == "2023-05-01"
    assert done.json["notes"] == "Schuldenvrij" and done.json["version"] == 3
    # The referral cannot move after the end; the end cannot be cleared while completed.
    refused(client.patch(url, headers=gr.coach, json={"version": 3, "referred_on": "2023-06-01"}), 422, "ended_on")
    refused(client.patch(url, headers=gr.coach, json={"version": 3, "ended_on": None}), 422, "ended_on")
    cleared = client.patch(url, headers=gr.coach, json={"version": 3, "notes": None})
    assert cleared.status_code == 200 and cleared.json["notes"] is None
    events = audit_events(app, gr.tenant, "support.debt_updated", pid)
    assert [sorted(e.details["fields"]) for e in events] == [["status"], ["ended_on", "notes", "status"], ["notes"]]


def test_debt_of_another_participant_is_not_found(client, gr):
    a, b = begin(client, gr), begin(client, gr)
    debt = add_debt(client, gr, a)
    for url in (f"/participants/{b}/support/debt/{debt['id']}",
                f"/participants/{a}/support/debt/{uuid.uuid4()}",
                f"/participants/{uuid.uuid4()}/support/debt/{debt['id']}"):
        response = client.patch(api(gr.slug, url), headers=gr.coach, json={"version": 1, "status": "active"})
        assert response.status_code == 404, (url, response.json)
    assert client.get(api(gr.slug, f"/participants/{uuid.uuid4()}/support"), headers=gr.coach).status_code == 404


# --- support: training -----------------------------------------------------------------------------------

def test_training_is_recorded_completed_and_certified(app, client, owner_engine, gr):
    pid = begin(client, gr, coaching_organisation_id=gr.org)
    training = add_training(client, gr, pid, kind="social_hygiene", name="  Sociale hygiëne  ",
                            started_on=_days(10), cost="250")
    assert training["name"] == "Sociale hygiëne" and training["started_on"] == _days(10)  # planned: fine
    assert training["completed_on"] is None and training["certificate_valid_until"] is None
    assert Decimal(training["cost"]) == 250 and training["version"] == 1
    events = audit_events(app, gr.tenant, "support.training_added", pid)
    assert len(events) == 1 and events[0].details.get("kind") == "social_hygiene"
    first_aid = add_training(client, gr, pid, started_on="2023-02-01", completed_on="2023-02-03",
                             certificate_number="BHV-123", certificate_valid_until="2024-02-03")
    assert first_aid["certificate_number"] == "BHV-123" and first_aid["completed_on"] == "2023-02-03"
    listed = support(client, gr, pid)["trainings"]
    assert [t["id"] for t in listed] == [first_aid["id"], training["id"]]  # by start date
    # A job coach of the participant's organisation records and changes training too.
    by_jobcoach = add_training(client, gr, pid, headers=gr.jobcoach, name="Heftruck", kind="other")
    changed = client.patch(api(gr.slug, f"/participants/{pid}/support/trainings/{by_jobcoach['id']}"),
                           headers=gr.jobcoach, json={"version": 1, "completed_on": "2023-02-10"})
    assert changed.status_code == 200 and changed.json["version"] == 2, changed.json
    assert changed.json["completed_on"] == "2023-02-10"


@pytest.mark.parametrize("body, field", [
    ({"certificate_valid_until": "2025-01-01"}, "certificate_valid_until"),  # a certificate without completion
    ({"completed_on": "2023-01-31"}, "completed_on"),  # completed before the start
    ({"completed_on": "FUTURE", "started_on": "2023-02-01"}, "completed_on"),
    ({"started_on": "1800-01-01"}, "started_on"),
    ({"kind": "juggling"}, "kind"),
    ({"name": "   "}, "name"),
    ({"name": ""}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"cost": "-1"}, "cost"),
    ({"cost": "100000.01"}, "cost"),
    ({"started_on": None}, "started_on"),
])
def test_bad_training_is_refused(client, owner_engine, gr, body, field):
    pid = begin(client, gr)
    payload = {"kind": "first_aid", "name": "BHV", "started_on": "2023-02-01",
               **{k: _days(1) if v == "FUTURE" else v for k, v in body.items()}}
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, f"/participants/{pid}/support/trainings"), headers=gr.coach, json=payload),
            422, field)
    assert counts(owner_engine, gr.tenant) == before


def test_training_changes_with_the_version(app, client, owner_engine, gr):
    pid = begin(client, gr)
    training = add_training(client, gr, pid, started_on="2023-02-01")
    url = api(gr.slug, f"/participants/{pid}/support/trainings/{training['id']}")
    before = counts(owner_engine, gr.tenant)
    refused(client.patch(url, headers=gr.coach, json={"version": 1, "certificate_valid_until": "2025-01-01"}),
            422, "certificate_valid_until")
    refused(client.patch(url, headers=gr.coach, json={"version": 1, "completed_on": "2023-01-15"}),
            422, "completed_on")
    refused(client.patch(url, headers=gr.coach, json={"version": 1, "name": "  "}), 422, "name")
    refused(client.patch(url, headers=gr.coach, json={"version": 1, "name": None}), 422, "name")
    refused(client.patch(url, headers=gr.coach, json={"completed_on": "2023-02-03"}), 422, "version")
    assert counts(owner_engine, gr.tenant) == before
    done = client.patch(url, headers=gr.coach, json={"version": 1, "completed_on": "2023-02-03",
                                                     "certificate_number": "C-1",
                                                     "certificate_valid_until": "2024-02-03"})
    assert done.status_code == 200, done.json
    assert done.json["version"] == 2 and done.json["certificate_valid_until"] == "2024-02-03"
    # Stale: 409, nothing changed.
    before = counts(owner_engine, gr.tenant)
    refused(client.patch(url, headers=gr.coach, json={"version": 1, "name": "Ander"}), 409, "version")
    assert counts(owner_engine, gr.tenant) == before
    assert support(client, gr, pid)["trainings"][0]["name"] == "BHV basis"
    # Completion cannot be removed while a certificate rests on it; the start cannot move after it.
    refused(client.patch(url, headers=gr.coach, json={"version": 2, "completed_on": None}),
            422, "certificate_valid_until")
    refused(client.patch(url, headers=gr.coach, json={"version": 2, "started_on": "2023-03-01"}),
            422, "completed_on")
    renamed = client.patch(url, headers=gr.coach, json={"version": 2, "name": "  BHV herhaling "})
    assert renamed.status_code == 200 and renamed.json["name"] == "BHV herhaling"
    events = audit_events(app, gr.tenant, "support.training_updated", pid)
    assert [sorted(e.details["fields"]) for e in events] == [
        ["certificate_number", "certificate_valid_until", "completed_on"], ["name"]]


def test_job_coach_reaches_only_own_organisations_participants_support(client, owner_engine, gr):
    theirs = begin(client, gr, coaching_organisation_id=gr.other_org)
    training = add_training(client, gr, theirs)
    before = counts(owner_engine, gr.tenant)
    assert client.get(api(gr.slug, f"/participants/{theirs}/support"), headers=gr.jobcoach).status_code == 404
    assert client.post(api(gr.slug, f"/participants/{theirs}/support/trainings"), headers=gr.jobcoach,
                       json={"kind": "first_aid", "name": "BHV", "started_on": "2023-02-01"}).status_code == 404
    assert client.patch(api(gr.slug, f"/participants/{theirs}/support/trainings/{training['id']}"),
                        headers=gr.jobcoach, json={"version": 1, "name": "Ander"}).status_code == 404
    assert counts(owner_engine, gr.tenant) == before


def test_training_of_another_participant_is_not_found(client, gr):
    a, b = begin(client, gr), begin(client, gr)
    training = add_training(client, gr, a)
    response = client.patch(api(gr.slug, f"/participants/{b}/support/trainings/{training['id']}"),
                            headers=gr.coach, json={"version": 1, "name": "Ander"})
    assert response.status_code == 404
    assert support(client, gr, b)["trainings"] == []
