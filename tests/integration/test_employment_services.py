"""Employment services with exact expected values: the absence rate of a participant, a group and the
programme; the coach's work list; the CAO transition preview and apply; Tilburg's five places.

Data is written with the ORM inside tenant_scope (fast, and free to lay down history such as past exits);
the services are called directly with an explicit `today`, and the API where it adds something (roles,
suppression, serialisation). Hours per week are multiples of 7 where totals are compared exactly, so the
contracted hours per calendar day are whole numbers (35 h -> 5, 28 h -> 4, 21 h -> 3, 14 h -> 2).
"""

from __future__ import annotations

import itertools
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy import select

from basisbaan.domain.cao_catalogue import CAO_AAN_DE_SLAG, CAO_SW, terms_for
from basisbaan.domain.employment import annual_wage_cost, pay_factor
from basisbaan.errors import Conflict, InvalidInput
from basisbaan.extensions import db
from basisbaan.models import (Absence, AuditEvent, Contract, ContractVersion, GatekeeperStep, Neighbourhood,
                              Organisation, Participant, PerformanceReport, Person)
from basisbaan.services import absences as absence_service
from basisbaan.services import cao_transition
from basisbaan.services import contracts as contract_service
from basisbaan.services import tenants as tenant_service
from basisbaan.services import tokens as token_service
from basisbaan.services import users as user_service
from basisbaan.services import wages as wage_service
from basisbaan.services import worklist as worklist_service
from basisbaan.services.audit import Actor
from basisbaan.services.timeline import Group, SettingsTimeline
from basisbaan.services.visibility import Viewer
from basisbaan.tenancy import tenant_scope
from tests.conftest import auth
from tests.employment_helpers import api, employer, start, started_candidate

D = Decimal
ACTOR = Actor.system("test")
COACH = Viewer(frozenset({"coach"}))
_names = itertools.count(1)


# --- writing employment history with the ORM ----------------------------------------------------------

@contextmanager
def scope(app, tenant):
    """A session as `tenant`, committed at the end."""
    with app.app_context():
        try:
            with tenant_scope(db.session, tenant.id):
                yield db.session
            db.session.commit()
        finally:
            db.session.remove()


def timeline(session, registry, tenant) -> SettingsTimeline:
    return SettingsTimeline(session, registry.hooks(tenant.plugin))


class Builder:
    def __init__(self, session):
        self.s = session

    def _add(self, row):
        self.s.add(row)
        self.s.flush()
        return row

    def neighbourhood(self, name):
        return self._add(Neighbourhood(name=name)).id

    def organisation(self, name, **kinds):
        return self._add(Organisation(name=name, **kinds)).id

    def coach(self, name):
        user = user_service.sign_in(self.s, issuer="https://login.example.test", subject=name, roles=["coach"],
                                    claims={"name": name})
        return user.id

    def participant(self, name=None, started_on=date(2023, 1, 1), *, neighbourhood=None, coach=None,
                    organisation=None, exit_on=None, exit_reason=None):
        given, family = (name or f"Deelnemer {next(_names)}").split(" ", 1)
        person = self._add(Person(given_names=given, family_name=family, neighbourhood_id=neighbourhood))
        return self._add(Participant(person_id=person.id, started_on=started_on, coach_id=coach,
                                     coaching_organisation_id=organisation, exit_on=exit_on,
                                     exit_reason=exit_reason)).id

    def contract(self, participant, employer_id, start_on, end_on=None, *versions, hours=35, cao=CAO_SW,
                 terminated_on=None, kind=None):
        """`versions`: (valid_from, hours, cao) after the first, which starts with the contract."""
        contract = self._add(Contract(participant_id=participant, employer_id=employer_id,
                                      kind=kind or ("temporary" if end_on else "permanent"), start_on=start_on,
                                      end_on=end_on, terminated_on=terminated_on))
        for valid_from, h, c, reason in [(start_on, hours, cao, "start"),
                                         *((v[0], v[1], v[2] if len(v) > 2 else cao, "hours") for v in versions)]:
            self._add(ContractVersion(contract_id=contract.id, valid_from=valid_from, hours_per_week=D(h), cao=c,
                                      reason=reason))
        return contract.id

    def absence(self, participant, start_on, end_on=None, percentage=100):
        return self._add(Absence(participant_id=participant, start_on=start_on, end_on=end_on,
                                 percentage=D(percentage))).id

    def report(self, contract, written_on, advice="renew"):
        return self._add(PerformanceReport(contract_id=contract, written_on=written_on, author="Coach",
                                           advice=advice)).id


# --- the absence rate ---------------------------------------------------------------------------------

JAN_FEB = (date(2024, 1, 1), date(2024, 3, 1))  # 60 days (2024 is a leap year)


@dataclass
class Programme:
    ids: dict = field(default_factory=dict)

    def __getitem__(self, key):
        return self.ids[key]


@pytest.fixture
def programme(app, make_tenant):
    """Groningen with five participants who have contracted hours in January-February 2024, and one who
    has none; Testville has a sixth so that isolation shows.

    participant  hours            neighbourhood coach org employer  contracted  sick
    A            35 (5/day)       N1            C1    O1  E1        60 x 5 = 300  01-01..01-12 = 12 x 5 = 60
    B            28 (4/day)       N1            C2    O2  E2        60 x 4 = 240  from 02-01, open, 50%: 29 x 4 / 2 = 58
    C            21, 35 from 02-01 N2           C1    O1  E2        31x3 + 29x5 = 238  01-25..02-04: 7x3 + 4x5 = 41
    D            14 (2/day), left 01-31 N2      C2    -   E1        31 x 2 = 62   01-29..01-31: 3 x 2 = 6
    G            28, E1 until 01-31 then E2 -   -     -   E1/E2     124 + 116 = 240  01-29..02-02: 12 + 8 = 20
    F            contract ended 2023-12-31  N1  C1    O1  E1        0             12-28..01-03: nothing in the window
    total                                                           1080          185
    """
    groningen = make_tenant("groningen")
    p = Programme({"tenant": groningen})
    with scope(app, groningen) as session:
        b = Builder(session)
        n1, n2 = b.neighbourhood("Beijum"), b.neighbourhood("Paddepoel")
        c1, c2 = b.coach("Coach Een"), b.coach("Coach Twee")
        o1, o2 = b.organisation("Begeleiding Een", is_coaching=True), b.organisation("Begeleiding Twee", is_coaching=True)
        e1, e2 = b.organisation("Thermiek BV", is_employer=True), b.organisation("Werkgever Twee", is_employer=True)
        a = b.participant("Anna A", neighbourhood=n1, coach=c1, organisation=o1)
        b.contract(a, e1, date(2023, 1, 1), date(2024, 12, 31), hours=35)
        b.absence(a, date(2024, 1, 1), date(2024, 1, 12))
        b.absence(a, date(2023, 11, 1), date(2023, 11, 30))  # before the window
        bb = b.participant("Bram B", neighbourhood=n1, coach=c2, organisation=o2)
        b.contract(bb, e2, date(2023, 6, 1), None, hours=28)
        b.absence(bb, date(2024, 2, 1), None, 50)
        c = b.participant("Cees C", neighbourhood=n2, coach=c1, organisation=o1)
        b.contract(c, e2, date(2023, 6, 1), date(2024, 5, 31), (date(2024, 2, 1), 35), hours=21)
        b.absence(c, date(2024, 1, 25), date(2024, 2, 4))
        d = b.participant("Dirk D", neighbourhood=n2, coach=c2, exit_on=date(2024, 1, 31), exit_reason="regular_job")
        b.contract(d, e1, date(2023, 1, 1), date(2024, 12, 31), hours=14, terminated_on=date(2024, 1, 31))
        b.absence(d, date(2024, 1, 29), date(2024, 1, 31))
        g = b.participant("Geert G")
        b.contract(g, e1, date(2023, 1, 1), date(2024, 1, 31), hours=28)
        b.contract(g, e2, date(2024, 2, 1), date(2025, 1, 31), hours=28)
        b.absence(g, date(2024, 1, 29), date(2024, 2, 2))
        f = b.participant("Fien F", neighbourhood=n1, coach=c1, organisation=o1)
        b.contract(f, e1, date(2022, 1, 1), date(2023, 12, 31), hours=35)
        b.absence(f, date(2023, 12, 28), date(2024, 1, 3))
        p.ids.update(n1=n1, n2=n2, c1=c1, c2=c2, o1=o1, o2=o2, e1=e1, e2=e2, a=a, b=bb, c=c, d=d, g=g, f=f)
    testville = make_tenant("testville")
    with scope(app, testville) as session:
        b = Builder(session)
        x = b.participant("Xander X")
        b.contract(x, b.organisation("Testwerk", is_employer=True), date(2023, 1, 1), None, hours=35,
                   cao=CAO_AAN_DE_SLAG)
        b.absence(x, date(2024, 1, 1), None)  # sick all the time: would change every figure
    p.ids["testville"] = testville
    return p


def rate_of(app, tenant, start=JAN_FEB[0], end=JAN_FEB[1], viewer=COACH, **group):
    with scope(app, tenant) as session:
        return absence_service.rate(session, start, end, viewer, Group(**group))


def assert_rate(result, contracted, sick, people):
    totals = result.totals
    assert (totals.contracted_hours, totals.sick_hours, result.participants) == (D(contracted), D(sick), people)
    assert Fraction(totals.sick_hours) / Fraction(totals.contracted_hours) == Fraction(sick, contracted)
    assert totals.rate == D(sick) / D(contracted)


def test_the_programmes_absence_rate(app, programme):
    result = rate_of(app, programme["tenant"])
    assert_rate(result, 1080, 185, 5)  # 37/216 = 17.13%; F has no contracted hours and is not counted
    assert round(result.totals.rate, 4) == D("0.1713")


def test_the_absence_rate_of_one_participant(app, programme):
    t = programme["tenant"]
    assert_rate(rate_of(app, t, participant_id=programme["a"]), 300, 60, 1)  # exactly 20%
    assert rate_of(app, t, participant_id=programme["a"]).totals.rate == D("0.2")
    assert_rate(rate_of(app, t, participant_id=programme["b"]), 240, 58, 1)  # open, 50%
    assert_rate(rate_of(app, t, participant_id=programme["c"]), 238, 41, 1)  # hours change during sickness
    assert_rate(rate_of(app, t, participant_id=programme["d"]), 62, 6, 1)  # until the exit only
    # Sickness outside any contract counts nothing, and nobody without contracted hours is counted.
    f = rate_of(app, t, participant_id=programme["f"])
    assert (f.totals.contracted_hours, f.totals.sick_hours, f.totals.rate, f.participants) == (0, 0, None, 0)


@pytest.mark.parametrize("group, contracted, sick, people", [
    ({"neighbourhood_id": "n1"}, 540, 118, 2),       # A + B (F counts nothing): 59/270
    ({"neighbourhood_id": "n2"}, 300, 47, 2),        # C + D
    ({"coach_id": "c1"}, 538, 101, 2),               # A + C
    ({"coach_id": "c2"}, 302, 64, 2),                # B + D: 32/151
    ({"coaching_organisation_id": "o2"}, 240, 58, 1),
    ({"employer_id": "e1"}, 486, 78, 3),             # A, D and G's January (124 h, 3 sick days x 4): 13/81
    ({"employer_id": "e2"}, 594, 107, 3),            # B, C and G's February (116 h, 2 sick days x 4)
    ({"employer_id": "e1", "neighbourhood_id": "n2"}, 62, 6, 1),  # groups combine: D
])
def test_the_absence_rate_of_a_group(app, programme, group, contracted, sick, people):
    result = rate_of(app, programme["tenant"], **{key: programme[value] for key, value in group.items()})
    assert_rate(result, contracted, sick, people)


def test_the_absence_rate_over_a_shorter_period(app, programme):
    # February only: A 145/0, B 116/58, C 145/20, D none (left), G 116/8.
    assert_rate(rate_of(app, programme["tenant"], date(2024, 2, 1), date(2024, 3, 1)), 522, 86, 4)
    # A single day, 2024-01-30: A 5/0, B 4/0, C 3/3, D 2/2, G 4/4.
    assert_rate(rate_of(app, programme["tenant"], date(2024, 1, 30), date(2024, 1, 31)), 18, 9, 5)
    with pytest.raises(InvalidInput):
        rate_of(app, programme["tenant"], date(2024, 3, 1), date(2024, 3, 1))


def test_a_job_coach_gets_the_rate_of_their_own_organisations_participants(app, programme):
    o1 = Viewer(frozenset({"jobcoach"}), programme["o1"])
    assert_rate(rate_of(app, programme["tenant"], viewer=o1), 538, 101, 2)  # A + C
    # Another organisation's participant within a group: nothing.
    none = rate_of(app, programme["tenant"], viewer=o1, participant_id=programme["b"])
    assert (none.totals.contracted_hours, none.participants) == (0, 0)
    nobody = rate_of(app, programme["tenant"], viewer=Viewer(frozenset({"jobcoach"})))  # no organisation
    assert nobody.participants == 0 and nobody.totals.rate is None


def test_the_absence_rate_through_the_api(app, client, programme, make_token):
    t = programme["tenant"]
    url = api(t.slug, "/absence-rate")
    query = {"from": "2024-01-01", "to": "2024-03-01"}
    coach = auth(make_token(t, "coach"))
    response = client.get(url, headers=coach, query_string=query)
    assert response.status_code == 200, response.json
    assert {k: v for k, v in response.json.items() if k != "from"} == {
        "to": "2024-03-01", "participants": 5, "contracted_hours": "1080.0", "sick_hours": "185.0",
        "absence_rate": "0.1713", "suppressed": False}
    one = client.get(url, headers=coach, query_string={**query, "participant_id": str(programme["a"])}).json
    assert (one["absence_rate"], one["participants"]) == ("0.2000", 1)
    by_employer = client.get(url, headers=coach, query_string={**query, "employer_id": str(programme["e1"])}).json
    assert by_employer["absence_rate"] == "0.1605"  # 78 / 486
    n2 = {**query, "neighbourhood_id": str(programme["n2"])}
    assert client.get(url, headers=coach, query_string=n2).json["absence_rate"] == "0.1567"  # 47 / 300
    # An admin's and a viewer's figures cover every participant, for the programme as a whole only: two
    # groups that differ by one person would give that person's sickness away by subtraction, so any group
    # is refused, however large; a coach may ask about each.
    groups = {"participant_id": "a", "neighbourhood_id": "n2", "coach_id": "c1", "coaching_organisation_id": "o1",
              "employer_id": "e2"}
    for role in ("admin", "viewer"):
        headers = auth(make_token(t, role))
        whole = client.get(url, headers=headers, query_string=query)
        assert whole.status_code == 200, whole.json
        assert whole.json == response.json
        for name, key in groups.items():
            forbidden = client.get(url, headers=headers, query_string={**query, name: str(programme[key])})
            assert forbidden.status_code == 403 and forbidden.json["code"] == "forbidden", (role, name)
            allowed = client.get(url, headers=coach, query_string={**query, name: str(programme[key])})
            assert allowed.status_code == 200, (name, allowed.json)
    finance = auth(make_token(t, "finance"))
    assert client.get(url, headers=finance, query_string=query).status_code == 403
    assert client.get(url, headers=finance, query_string=n2).status_code == 403
    # The other municipality's participant is not counted, and it sees only its own.
    other = client.get(api("testville", "/absence-rate"), headers=auth(make_token(programme["testville"], "coach")),
                       query_string=query).json
    assert (other["participants"], other["contracted_hours"], other["absence_rate"]) == (1, "300.0", "1.0000")



def test_the_absence_rate_response_names_its_period(app, client, programme, make_token):
    t = programme["tenant"]
    response = client.get(api(t.slug, "/absence-rate"), headers=auth(make_token(t, "coach")),
                          query_string={"from": "2024-01-01", "to": "2024-03-01"})
    assert response.status_code == 200
    assert (response.json.get("from"), response.json["to"]) == ("2024-01-01", "2024-03-01")


def test_a_viewer_gets_the_programmes_absence_rate(app, client, programme, make_token):
    t = programme["tenant"]
    response = client.get(api(t.slug, "/absence-rate"), headers=auth(make_token(t, "viewer")),
                          query_string={"from": "2024-01-01", "to": "2024-03-01"})
    assert response.status_code == 200
    assert (response.json["participants"], response.json["absence_rate"], response.json["suppressed"]) == (
        5, "0.1713", False)

# --- the work list ------------------------------------------------------------------------------------

TODAY = date(2024, 3, 1)  # + 8 weeks = 2024-04-26; + 12 weeks = 2024-05-24


@pytest.fixture
def worklist_data(app, make_tenant):
    """Groningen (permanent contract considered after 3 years) and Tilburg (not), the same people in both."""
    found = {}
    for plugin in ("groningen", "tilburg"):
        tenant = make_tenant(plugin)
        ids = {"tenant": tenant}
        with scope(app, tenant) as session:
            b = Builder(session)
            emp = b.organisation("Werkgever", is_employer=True)
            o1 = b.organisation("Jobcoaching Een", is_coaching=True)
            o2 = b.organisation("Jobcoaching Twee", is_coaching=True)
            # Ends on the last day of the 8-week window: contract ending; report due (8 weeks before the end).
            p1 = b.participant("Anna Einde", date(2023, 4, 27), organisation=o1)
            ids["p1_contract"] = b.contract(p1, emp, date(2023, 4, 27), date(2024, 4, 26))
            # Ends a day later: only the report is due.
            p2 = b.participant("Bert Later", date(2023, 4, 28), organisation=o2)
            b.contract(p2, emp, date(2023, 4, 28), date(2024, 4, 27))
            # Ends on the last day of the 12-week window: report due; a day later: nothing.
            p3 = b.participant("Cor Verslag", date(2023, 5, 25), organisation=o1)
            ids["p3_contract"] = b.contract(p3, emp, date(2023, 5, 25), date(2024, 5, 24))
            p4 = b.participant("Dina Ruim", date(2023, 5, 26), organisation=o2)
            b.contract(p4, emp, date(2023, 5, 26), date(2024, 5, 25))
            # Ending within 8 weeks with the report written: only the contract's end.
            p5 = b.participant("Eva Geschreven", date(2023, 4, 11))
            c5 = b.contract(p5, emp, date(2023, 4, 11), date(2024, 4, 10))
            b.report(c5, date(2024, 2, 15))
            # Three years on 2024-04-15 on a temporary contract (renewed twice, reports written).
            p6 = b.participant("Frank Vast", date(2021, 4, 15))
            for start_on, end_on in ((date(2021, 4, 15), date(2022, 4, 14)), (date(2022, 4, 15), date(2023, 4, 14))):
                b.report(b.contract(p6, emp, start_on, end_on), end_on.replace(month=2, day=1))
            b.contract(p6, emp, date(2023, 4, 15), date(2024, 12, 31))
            # Three years on 2024-05-01 (after the window), and three years ago on a permanent contract.
            p6b = b.participant("Gea Wacht", date(2021, 5, 1))
            b.contract(p6b, emp, date(2023, 5, 1), date(2024, 12, 31))
            p6c = b.participant("Hans Vast", date(2021, 1, 1))
            b.contract(p6c, emp, date(2021, 1, 1), None, kind="permanent")
            # Sick since Monday 2024-01-15 and still sick: problem analysis due 02-25 (overdue), action plan
            # 03-10; the UWV report (2024-11-03) is months away.
            p7 = b.participant("Ina Ziek", date(2023, 6, 1), organisation=o1)
            b.contract(p7, emp, date(2023, 6, 1), date(2024, 12, 31))
            ids["p7_absence"] = b.absence(p7, date(2024, 1, 15))
            # Left on 2024-02-15, contract ending soon and sick at the exit: not on the list.
            p8 = b.participant("Jan Weg", date(2023, 4, 1), exit_on=date(2024, 2, 15), exit_reason="resigned")
            b.contract(p8, emp, date(2023, 4, 1), date(2024, 3, 31), terminated_on=date(2024, 2, 15))
            b.absence(p8, date(2024, 2, 1))
            ids.update(p1=p1, p2=p2, p3=p3, p4=p4, p5=p5, p6=p6, p6b=p6b, p6c=p6c, p7=p7, p8=p8, o1=o1, o2=o2)
        found[plugin] = ids
    return found


def worklist(app, registry, tenant, today=TODAY, viewer=COACH, **filters):
    """The employment items of the work list (wellbeing measurements due are tested with the wellbeing
    monitor, tests/integration/test_matching_wellbeing_services.py)."""
    with scope(app, tenant) as session:
        found = worklist_service.items(session, timeline(session, registry, tenant), viewer, today, **filters)
        return [(i.kind, i.due_on, i.participant_name, i.step) for i in found if i.kind != "wellbeing_due"]


GRONINGEN_ITEMS = [
    ("gatekeeper", date(2024, 2, 25), "Ina Ziek", "problem_analysis"),
    ("performance_report_due", date(2024, 3, 1), "Anna Einde", None),   # 2024-04-26 - 8 weeks
    ("performance_report_due", date(2024, 3, 2), "Bert Later", None),
    ("gatekeeper", date(2024, 3, 10), "Ina Ziek", "action_plan"),
    ("performance_report_due", date(2024, 3, 29), "Cor Verslag", None),
    ("contract_ending", date(2024, 4, 10), "Eva Geschreven", None),
    ("permanent_moment", date(2024, 4, 15), "Frank Vast", None),
    ("contract_ending", date(2024, 4, 26), "Anna Einde", None),
]


def test_the_work_list_soonest_first(app, registry, worklist_data):
    assert worklist(app, registry, worklist_data["groningen"]["tenant"]) == GRONINGEN_ITEMS


def test_the_permanent_contract_moment_only_where_the_municipality_has_one(app, registry, worklist_data):
    tilburg = worklist(app, registry, worklist_data["tilburg"]["tenant"])
    assert tilburg == [item for item in GRONINGEN_ITEMS if item[0] != "permanent_moment"]
    # Groningen: the moment shows from 8 weeks before it (2024-04-15 - 8 weeks = 02-19), and stays after it.
    groningen = worklist_data["groningen"]["tenant"]
    moments = lambda today: [i for i in worklist(app, registry, groningen, today) if i[0] == "permanent_moment"]  # noqa: E731
    assert moments(date(2024, 2, 18)) == []
    assert [i[2] for i in moments(date(2024, 2, 19))] == ["Frank Vast"]
    assert [i[2] for i in moments(date(2024, 3, 6))] == ["Frank Vast", "Gea Wacht"]  # 05-01 - 8 weeks = 03-06


def test_a_performance_report_takes_the_item_off_the_list(app, registry, worklist_data):
    g = worklist_data["groningen"]
    with scope(app, g["tenant"]) as session:
        Builder(session).report(g["p3_contract"], date(2024, 2, 28))
    found = worklist(app, registry, g["tenant"])
    assert ("performance_report_due", date(2024, 3, 29), "Cor Verslag", None) not in found
    assert len(found) == len(GRONINGEN_ITEMS) - 1
    # The report does not end the contract: Anna's end stays on the list once her report is written.
    with scope(app, g["tenant"]) as session:
        Builder(session).report(g["p1_contract"], date(2024, 2, 28))
    anna = [i for i in worklist(app, registry, g["tenant"]) if i[2] == "Anna Einde"]
    assert anna == [("contract_ending", date(2024, 4, 26), "Anna Einde", None)]


def test_gatekeeper_steps_leave_the_list_when_done_or_on_recovery(app, registry, worklist_data):
    g = worklist_data["groningen"]
    tenant = g["tenant"]

    def steps(today=TODAY):
        return [(i[1], i[3]) for i in worklist(app, registry, tenant, today) if i[0] == "gatekeeper"]

    assert steps() == [(date(2024, 2, 25), "problem_analysis"), (date(2024, 3, 10), "action_plan")]
    with scope(app, tenant) as session:
        participant = session.get(Participant, g["p7"])
        absence = session.get(Absence, g["p7_absence"])
        absence_service.record_step(session, participant, absence, {"step": "problem_analysis",
                                                                    "done_on": date(2024, 2, 20)}, ACTOR, TODAY)
    assert steps() == [(date(2024, 3, 10), "action_plan")]
    # Recovered on 02-28 (the last day of sickness): no more steps.
    with scope(app, tenant) as session:
        participant = session.get(Participant, g["p7"])
        absence = session.get(Absence, g["p7_absence"])
        absence_service.update(session, participant, absence, {"end_on": date(2024, 2, 28)}, ACTOR, TODAY)
    assert steps() == []
    # Sick again on 03-01, within four weeks: the same episode, so the deadlines still count from 01-15 and
    # the problem analysis stays done.
    with scope(app, tenant) as session:
        participant = session.get(Participant, g["p7"])
        absence_service.add(session, participant, {"start_on": date(2024, 3, 1)}, ACTOR, TODAY)
    assert steps() == [(date(2024, 3, 10), "action_plan")]
    with scope(app, tenant) as session:
        found = worklist_service.items(session, timeline(session, registry, tenant), COACH, TODAY)
        assert {i.absence_id for i in found if i.kind == "gatekeeper"} == {g["p7_absence"]}  # the episode's first


def test_a_step_recorded_on_a_later_absence_counts_for_the_episode(app, registry, worklist_data):
    g = worklist_data["groningen"]
    with scope(app, g["tenant"]) as session:
        participant = session.get(Participant, g["p7"])
        first = session.get(Absence, g["p7_absence"])
        absence_service.update(session, participant, first, {"end_on": date(2024, 2, 10)}, ACTOR, TODAY)
        later = absence_service.add(session, participant, {"start_on": date(2024, 2, 20)}, ACTOR, TODAY)
        absence_service.record_step(session, participant, later, {"step": "action_plan", "done_on": date(2024, 2, 29)},
                                    ACTOR, TODAY)
        assert session.scalars(select(GatekeeperStep.absence_id)).all() == [g["p7_absence"]]
    found = [(i[1], i[3]) for i in worklist(app, registry, g["tenant"]) if i[0] == "gatekeeper"]
    assert found == [(date(2024, 2, 25), "problem_analysis")]


def test_an_exited_participant_is_not_listed(app, registry, worklist_data):
    g = worklist_data["groningen"]
    names = {i[2] for i in worklist(app, registry, g["tenant"])}
    assert "Jan Weg" not in names
    # On his last day he is still active: his contract is terminated (no end or report item), but the
    # sickness since 02-01 has its steps (problem analysis 03-13, action plan 03-27).
    assert worklist(app, registry, g["tenant"], date(2024, 2, 15), participant_id=g["p8"]) == [
        ("gatekeeper", date(2024, 3, 13), "Jan Weg", "problem_analysis"),
        ("gatekeeper", date(2024, 3, 27), "Jan Weg", "action_plan")]
    assert worklist(app, registry, g["tenant"], date(2024, 2, 16), participant_id=g["p8"]) == []


def test_a_job_coach_sees_only_their_organisations_items(app, registry, worklist_data):
    g = worklist_data["groningen"]
    o1 = worklist(app, registry, g["tenant"], viewer=Viewer(frozenset({"jobcoach"}), g["o1"]))
    assert o1 == [item for item in GRONINGEN_ITEMS if item[2] in {"Anna Einde", "Cor Verslag", "Ina Ziek"}]
    o2 = worklist(app, registry, g["tenant"], viewer=Viewer(frozenset({"jobcoach"}), g["o2"]))
    assert o2 == [("performance_report_due", date(2024, 3, 2), "Bert Later", None)]
    assert worklist(app, registry, g["tenant"], viewer=Viewer(frozenset({"jobcoach"}))) == []


def test_the_work_list_of_one_participant(app, registry, worklist_data):
    g = worklist_data["groningen"]
    assert worklist(app, registry, g["tenant"], participant_id=g["p1"]) == [
        ("performance_report_due", date(2024, 3, 1), "Anna Einde", None),
        ("contract_ending", date(2024, 4, 26), "Anna Einde", None)]
    assert worklist(app, registry, g["tenant"], participant_id=g["p4"]) == []


def test_the_work_list_through_the_api(app, client, make_tenant, make_token):
    """The API uses today's date: a contract ending in three weeks, for a job coach bound to an organisation."""
    t = make_tenant("groningen")
    today = date.today()
    with scope(app, t) as session:
        b = Builder(session)
        emp = b.organisation("Werkgever", is_employer=True)
        mine, theirs = b.organisation("Eigen", is_coaching=True), b.organisation("Ander", is_coaching=True)
        for name, org in (("Mijn Deelnemer", mine), ("Hun Deelnemer", theirs)):
            p = b.participant(name, today - timedelta(days=300), organisation=org)
            b.contract(p, emp, today - timedelta(days=300), today + timedelta(days=21))
    with app.app_context():
        with tenant_scope(db.session, t.id):
            issued = token_service.create(db.session, tenant_service.get_by_slug(db.session, t.slug), role="jobcoach",
                                          name="jc", days=30, max_days=366, actor=ACTOR, organisation="Eigen")
        db.session.commit()
        db.session.remove()
    url = api(t.slug, "/worklist")
    coach = client.get(url, headers=auth(make_token(t, "coach")))
    assert coach.status_code == 200, coach.json
    # The municipal coach also sees the wellbeing measurements due (health data: never the job coach).
    assert sorted((i["kind"], i["participant_name"]) for i in coach.json) == [
        ("contract_ending", "Hun Deelnemer"), ("contract_ending", "Mijn Deelnemer"),
        ("performance_report_due", "Hun Deelnemer"), ("performance_report_due", "Mijn Deelnemer"),
        ("wellbeing_due", "Hun Deelnemer"), ("wellbeing_due", "Mijn Deelnemer")]
    ending = next(i for i in coach.json if i["kind"] == "contract_ending")
    assert ending["due_on"] == (today + timedelta(days=21)).isoformat() and ending["overdue"] is False
    report = next(i for i in coach.json if i["kind"] == "performance_report_due")
    assert report["overdue"] is True  # due 8 weeks before the end, i.e. five weeks ago
    jc = client.get(url, headers=auth(issued.plaintext), query_string={"kind": "contract_ending"})
    assert jc.status_code == 200 and [i["participant_name"] for i in jc.json] == ["Mijn Deelnemer"]
    assert client.get(url, headers=auth(make_token(t, "viewer"))).status_code == 403


# --- the CAO transition -------------------------------------------------------------------------------

ON = date(2024, 7, 1)
SW_2024 = terms_for(CAO_SW, ON)
ADS_2024 = terms_for(CAO_AAN_DE_SLAG, ON)


def transition_setup(app, make_tenant, *, later: bool):
    """Groningen on 2024-07-01 (minimum wage 13.68 an hour) moving from CAO SW to CAO Aan de Slag."""
    t = make_tenant("groningen")
    ids = {"tenant": t}
    with scope(app, t) as session:
        b = Builder(session)
        emp = b.organisation("Thermiek BV", is_employer=True)
        a = b.participant("Anna Full")
        ids["a"] = a
        ids["a_contract"] = b.contract(a, emp, date(2024, 1, 1), date(2024, 12, 31), hours=35)
        bb = b.participant("Bert Part")
        ids["b_contract"] = b.contract(bb, emp, date(2023, 1, 1), None, hours=21)
        c = b.participant("Cor Already")
        ids["c_contract"] = b.contract(c, emp, date(2023, 1, 1), None, hours=28, cao=CAO_AAN_DE_SLAG)
        d = b.participant("Dirk Ended")  # contract over before the date
        b.contract(d, emp, date(2023, 7, 1), date(2024, 6, 30), hours=28)
        e = b.participant("Eva Left", exit_on=date(2024, 5, 31), exit_reason="regular_job")
        b.contract(e, emp, date(2023, 1, 1), date(2024, 12, 31), hours=28, terminated_on=date(2024, 5, 31))
        if later:
            f = b.participant("Frank Changes")  # a change of hours after the date
            ids["f_contract"] = b.contract(f, emp, date(2024, 1, 1), date(2024, 12, 31), (date(2024, 9, 1), 28), hours=35)
            g = b.participant("Gea Renewed")  # in force on the date, and a renewal that starts later
            ids["g_first"] = b.contract(g, emp, date(2023, 8, 1), date(2024, 7, 31), hours=28)
            ids["g_renewal"] = b.contract(g, emp, date(2024, 8, 1), date(2025, 7, 31), hours=28)
            h = b.participant("Hans Same-Day")
            ids["h_contract"] = b.contract(h, emp, ON, date(2025, 6, 30), hours=28)
    return ids


def test_the_transition_preview_numbers(app, registry, make_tenant):
    ids = transition_setup(app, make_tenant, later=False)
    t = ids["tenant"]
    with scope(app, t) as session:
        preview = cao_transition.preview(session, timeline(session, registry, t), to_cao=CAO_AAN_DE_SLAG, on=ON,
                                         keep_old_wage=True)
    rows = {row.participant_name: row for row in preview.rows}
    assert sorted(rows) == ["Anna Full", "Bert Part"]  # Cor is on the new agreement; Dirk and Eva have left
    anna = rows["Anna Full"]
    assert (anna.contract_id, anna.contract_version, anna.effective_from, anna.replaced_versions) == (
        ids["a_contract"], 1, ON, 0)
    assert (rows["Bert Part"].contract_id, rows["Bert Part"].effective_from, rows["Bert Part"].replaced_versions) == (
        ids["b_contract"], ON, 0)
    assert (anna.from_cao, anna.hours_per_week, anna.hourly_before) == (CAO_SW, D(35), D("13.68"))
    # Old annual pay per hour: 13.68 x 1.1175 (8% + 3.75%) = 15.2874; at the new 1.08 that needs
    # 15.2874 / 1.08 = 14.155 -> 14.16 (rounded up to the cent). 13.68 x 1.08 = 14.7744 < 15.2874: earns less.
    assert pay_factor(SW_2024) == D("1.1175") and pay_factor(ADS_2024) == D("1.08")
    assert anna.earns_less is True and anna.guaranteed_hourly_wage == D("14.16") and anna.hourly_after == D("14.16")
    assert anna.annual_before == annual_wage_cost(SW_2024, D("13.68"), D(35))
    assert anna.annual_after == annual_wage_cost(ADS_2024, D("14.16"), D(35))
    # By hand: 13.68 x 5 x 365 = 24966.00 gross; x 1.1175 = 27899.505; + 18% + 6% = 34595.3862.
    assert anna.annual_before.gross == D("24966.00") and anna.annual_before.total == D("34595.3862")
    # 14.16 x 5 x 365 = 25842.00; x 1.08 = 27909.36 (not less than 27899.505); + 24% = 34607.6064.
    assert anna.annual_after.gross == D("25842.00") and anna.annual_after.total == D("34607.6064")
    assert anna.annual_after.pay >= anna.annual_before.pay
    bert = rows["Bert Part"]
    assert (bert.hourly_before, bert.hourly_after, bert.guaranteed_hourly_wage, bert.earns_less) == (
        D("13.68"), D("14.16"), D("14.16"), True)
    assert bert.annual_before == annual_wage_cost(SW_2024, D("13.68"), D(21))
    # 21 h = 3 a day: 13.68 x 3 x 365 = 14979.60 gross.
    assert bert.annual_before.gross == D("14979.60")
    assert preview.earning_less == 2
    assert preview.annual_before == anna.annual_before.total + bert.annual_before.total
    assert preview.annual_after == anna.annual_after.total + bert.annual_after.total


def test_the_transition_preview_without_the_arrangement(app, registry, make_tenant):
    ids = transition_setup(app, make_tenant, later=False)
    t = ids["tenant"]
    with scope(app, t) as session:
        preview = cao_transition.preview(session, timeline(session, registry, t), to_cao=CAO_AAN_DE_SLAG, on=ON,
                                         keep_old_wage=False)
        back = cao_transition.preview(session, timeline(session, registry, t), to_cao=CAO_SW, on=ON,
                                      keep_old_wage=True, from_cao=CAO_AAN_DE_SLAG)
    anna = next(r for r in preview.rows if r.participant_name == "Anna Full")
    assert (anna.hourly_after, anna.guaranteed_hourly_wage, anna.earns_less) == (D("13.68"), None, True)
    assert anna.annual_after == annual_wage_cost(ADS_2024, D("13.68"), D(35))
    assert anna.annual_after.total == D("33434.4672")  # 24966 x 1.08 = 26963.28; + 4853.3904 + 1617.7968
    assert preview.earning_less == 2
    # The other way (Cor, from CAO Aan de Slag to CAO SW): the same hourly wage plus a year-end payment.
    assert [(r.participant_name, r.hourly_before, r.hourly_after, r.earns_less, r.guaranteed_hourly_wage)
            for r in back.rows] == [("Cor Already", D("13.68"), D("13.68"), False, None)]
    assert back.earning_less == 0 and back.annual_after > back.annual_before


def _all_versions(session) -> set[tuple]:
    return {(v.contract_id, v.valid_from, v.hours_per_week, v.cao, v.reason, v.guaranteed_hourly_wage,
             v.superseded_at is not None) for v in session.scalars(select(ContractVersion))}


def test_later_changes_and_renewals_move_with_the_rest(app, registry, make_tenant):
    """Versions dated on or after the date (a planned change of hours, a renewal recorded in advance, a
    contract starting on the date) are superseded and replaced under the new agreement; the rest is kept."""
    ids = transition_setup(app, make_tenant, later=True)
    t = ids["tenant"]
    with scope(app, t) as session:
        preview = cao_transition.preview(session, timeline(session, registry, t), to_cao=CAO_AAN_DE_SLAG, on=ON,
                                         keep_old_wage=True)
        before = _all_versions(session)
    rows = [(r.participant_name, r.contract_id, r.effective_from, r.replaced_versions, r.hours_per_week,
             r.hourly_before, r.guaranteed_hourly_wage) for r in preview.rows]
    assert rows == [  # by family name, then start
        ("Frank Changes", ids["f_contract"], ON, 1, D(35), D("13.68"), D("14.16")),  # hours in force on the date
        ("Anna Full", ids["a_contract"], ON, 0, D(35), D("13.68"), D("14.16")),
        ("Bert Part", ids["b_contract"], ON, 0, D(21), D("13.68"), D("14.16")),
        ("Gea Renewed", ids["g_first"], ON, 0, D(28), D("13.68"), D("14.16")),
        ("Gea Renewed", ids["g_renewal"], date(2024, 8, 1), 1, D(28), D("13.68"), D("14.16")),  # from its start
        ("Hans Same-Day", ids["h_contract"], ON, 1, D(28), D("13.68"), D("14.16")),
    ]
    assert all(r.contract_version == 1 for r in preview.rows) and preview.earning_less == 6
    confirmed = {r.contract_id: r.contract_version for r in preview.rows}
    # A confirmation that differs from the current preview (here: without Hans, as if his contract had been
    # added after it) is a conflict, and nothing moves.
    with app.app_context():
        with pytest.raises(Conflict) as conflict:
            with tenant_scope(db.session, t.id):
                cao_transition.apply(db.session, timeline(db.session, registry, t), to_cao=CAO_AAN_DE_SLAG, on=ON,
                                     keep_old_wage=True, from_cao=None, actor=ACTOR,
                                     expected={k: v for k, v in confirmed.items() if k != ids["h_contract"]})
        assert set(conflict.value.errors) == {"contracts"}
        db.session.rollback()
        db.session.remove()
    with scope(app, t) as session:
        assert _all_versions(session) == before
        assert all(c.version == 1 for c in session.scalars(select(Contract)))
        result = cao_transition.apply(session, timeline(session, registry, t), to_cao=CAO_AAN_DE_SLAG, on=ON,
                                      keep_old_wage=True, from_cao=None, actor=ACTOR, expected=confirmed)
        assert [r.contract_id for r in result.rows] == [r.contract_id for r in preview.rows]
    with scope(app, t) as session:
        after = _all_versions(session)
        # The replaced versions stay, marked superseded; every other earlier version is unchanged.
        replaced = {(ids["f_contract"], date(2024, 9, 1), D(28), CAO_SW, "hours", None),
                    (ids["g_renewal"], date(2024, 8, 1), D(28), CAO_SW, "start", None),
                    (ids["h_contract"], ON, D(28), CAO_SW, "start", None)}
        assert {v[:-1] for v in after if v[-1]} == replaced
        assert before - after == {(*v, False) for v in replaced}  # only the superseded mark changed on those

        def moved(contract, day, hours):
            return contract, day, D(hours), CAO_AAN_DE_SLAG, "cao_transition", D("14.16"), False

        assert after - before == {
            (*v, True) for v in replaced} | {
            moved(ids["a_contract"], ON, 35), moved(ids["b_contract"], ON, 21),
            moved(ids["f_contract"], ON, 35), moved(ids["f_contract"], date(2024, 9, 1), 28),
            moved(ids["g_first"], ON, 28), moved(ids["g_renewal"], date(2024, 8, 1), 28),
            moved(ids["h_contract"], ON, 28)}
        superseded_at = session.scalars(select(ContractVersion.superseded_at)
                                        .where(ContractVersion.superseded_at.is_not(None))).all()
        assert len(superseded_at) == 3
        current = {c: [(v.valid_from, v.cao, v.hours_per_week) for v in versions]
                   for c, versions in contract_service.versions_of(session, [ids["f_contract"], ids["h_contract"],
                                                                               ids["g_renewal"]]).items()}
        assert current == {
            ids["f_contract"]: [(date(2024, 1, 1), CAO_SW, D(35)), (ON, CAO_AAN_DE_SLAG, D(35)),
                                (date(2024, 9, 1), CAO_AAN_DE_SLAG, D(28))],
            ids["h_contract"]: [(ON, CAO_AAN_DE_SLAG, D(28))],
            ids["g_renewal"]: [(date(2024, 8, 1), CAO_AAN_DE_SLAG, D(28))]}
        assert all(session.get(Contract, r.contract_id).version == 2 for r in preview.rows)
        # Wage costs count the current versions only: Frank's September at 28 hours (4 a day) and the
        # guarantee, under CAO Aan de Slag (no year-end payment): 30 x 4 x 14.16.
        frank = session.get(Contract, ids["f_contract"]).participant_id
        costs = wage_service.wage_costs(session, timeline(session, registry, t), date(2024, 9, 1), date(2024, 10, 1),
                                        group=Group(participant_id=frank))
        assert costs.total.gross == D("1699.20") and costs.total.year_end_payment == 0


def test_applying_the_transition_adds_versions_from_the_date(app, registry, make_tenant):
    ids = transition_setup(app, make_tenant, later=False)
    t = ids["tenant"]
    with scope(app, t) as session:
        before = {(v.contract_id, v.valid_from, v.hours_per_week, v.cao, v.reason, v.guaranteed_hourly_wage)
                  for v in session.scalars(select(ContractVersion))}
        result = cao_transition.apply(session, timeline(session, registry, t), to_cao=CAO_AAN_DE_SLAG, on=ON,
                                      keep_old_wage=True, from_cao=None, actor=ACTOR)
        assert len(result.rows) == 2
    with scope(app, t) as session:
        after = {(v.contract_id, v.valid_from, v.hours_per_week, v.cao, v.reason, v.guaranteed_hourly_wage)
                 for v in session.scalars(select(ContractVersion))}
        assert before <= after  # earlier versions unchanged
        # Nothing was dated on or after the date: nothing superseded.
        assert session.scalars(select(ContractVersion).where(ContractVersion.superseded_at.is_not(None))).all() == []
        assert after - before == {
            (ids["a_contract"], ON, D(35), CAO_AAN_DE_SLAG, "cao_transition", D("14.16")),
            (ids["b_contract"], ON, D(21), CAO_AAN_DE_SLAG, "cao_transition", D("14.16")),
        }
        notes = session.scalars(select(ContractVersion.note).where(ContractVersion.reason == "cao_transition")).all()
        assert notes == ["CAO transition", "CAO transition"]
        assert session.get(Contract, ids["a_contract"]).version == 2  # the change is locked like any other
        assert session.get(Contract, ids["c_contract"]).version == 1
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "cao_transition.applied")).one()
        assert event.details["contracts"] == 2 and event.details["earning_less"] == 2
        # Wage costs follow the versions: June at the minimum wage 13.27 under CAO SW, July-December at the
        # guarantee 14.16 (the minimum wage is 13.68): 30 x 5 x 13.27 + 184 x 5 x 14.16 = 1990.50 + 13027.20.
        costs = wage_service.wage_costs(session, timeline(session, registry, t), date(2024, 6, 1), date(2025, 1, 1),
                                        group=Group(participant_id=ids["a"]))
        assert costs.total.gross == D("15017.70")
        assert costs.total.year_end_payment == D("1990.50") * D("0.0375")  # only June under CAO SW
        assert costs.by_participant == {ids["a"]: costs.total}
        # Nothing left to move: a second run is refused.
        with pytest.raises(InvalidInput):
            cao_transition.apply(session, timeline(session, registry, t), to_cao=CAO_AAN_DE_SLAG, on=ON,
                                 keep_old_wage=True, from_cao=None, actor=ACTOR)


def test_the_transition_through_the_api(app, client, make_tenant, make_token):
    ids = transition_setup(app, make_tenant, later=False)
    t = ids["tenant"]
    admin = auth(make_token(t, "admin"))
    body = {"to_cao": CAO_AAN_DE_SLAG, "on": ON.isoformat()}
    assert client.post(api(t.slug, "/cao-transition/preview"), headers=auth(make_token(t, "coach")),
                       json=body).status_code == 403
    preview = client.post(api(t.slug, "/cao-transition/preview"), headers=admin, json=body)
    assert preview.status_code == 200, preview.json
    anna = next(r for r in preview.json["rows"] if r["participant_name"] == "Anna Full")
    assert (anna["hourly_before"], anna["hourly_after"], anna["guaranteed_hourly_wage"]) == ("13.68", "14.16", "14.16")
    assert anna["annual_before"]["total"] == "34595.39" and anna["annual_after"]["total"] == "34607.61"
    assert (anna["effective_from"], anna["contract_id"], anna["contract_version"], anna["replaced_versions"]) == (
        ON.isoformat(), str(ids["a_contract"]), 1, 0)
    assert preview.json["earning_less"] == 2 and "blocked" not in preview.json
    confirmed = [{"contract_id": r["contract_id"], "contract_version": r["contract_version"]}
                 for r in preview.json["rows"]]
    applied = client.post(api(t.slug, "/cao-transition"), headers=admin, json={**body, "contracts": confirmed})
    assert applied.status_code == 201, applied.json
    assert applied.json["rows"] == preview.json["rows"]
    coach = auth(make_token(t, "coach"))
    contracts = client.get(api(t.slug, f"/participants/{ids['a']}/contracts"), headers=coach).json
    versions = contracts[0]["versions"]
    assert [(v["valid_from"], v["cao"], v["reason"], v["hourly_wage"], v["wage_basis"]) for v in versions] == [
        ("2024-01-01", CAO_SW, "start", "13.27", "minimum_wage"),
        ("2024-07-01", CAO_AAN_DE_SLAG, "cao_transition", "14.16", "guarantee")]


# --- Tilburg's five places ----------------------------------------------------------------------------

def decide(client, coach, slug, candidate_id, decided_on):
    response = client.post(api(slug, f"/candidates/{candidate_id}/decision"), headers=coach,
                           json={"outcome": "started", "decided_on": decided_on, "reasons": "Test start."})
    assert response.status_code == 201, response.json
    return response.json["resulting_status"]


def new_candidate(client, coach, slug, talked="2023-02-01"):
    created = client.post(api(slug, "/candidates"), headers=coach, json={
        "given_names": "Kim", "family_name": f"Wacht {uuid.uuid4().hex[:6]}", "referral_source": "colleague",
        "referral_date": "2023-01-15", "date_of_birth": "1970-01-01", "social_assistance_since": "2015-01-01"})
    assert created.status_code == 201, created.json
    cid = created.json["id"]
    assert client.post(api(slug, f"/candidates/{cid}/conversations"), headers=coach,
                       json={"held_on": talked}).status_code == 201
    return cid


def test_tilburgs_sixth_start_waits_until_a_place_is_free(app, client, make_tenant, make_token):
    t = make_tenant("tilburg")
    coach, admin = auth(make_token(t, "coach")), auth(make_token(t, "admin"))
    emp = employer(client, admin, t.slug, "Diamant-groep")
    participants = []
    for n in range(5):
        candidate = started_candidate(client, coach, t.slug)  # decided 2022-11-20: places 1..5
        participants.append(start(client, coach, t.slug, candidate, emp, started_on="2023-01-01",
                                  end_on="2024-12-31")["id"])
    sixth = new_candidate(client, coach, t.slug)
    assert decide(client, coach, t.slug, sixth, "2023-03-01") == "waiting_list"  # five active
    # One leaves on 2023-03-31: on that day all five places are still taken...
    exit_ = client.post(api(t.slug, f"/participants/{participants[0]}/exit"), headers=coach,
                        json={"date": "2023-03-31", "reason": "regular_job"})
    assert exit_.status_code == 200, exit_.json
    assert decide(client, coach, t.slug, sixth, "2023-03-31") == "waiting_list"
    # ...and from the next day one is free.
    assert decide(client, coach, t.slug, sixth, "2023-04-01") == "started"
    # The promised place counts before employment starts: a seventh waits.
    seventh = new_candidate(client, coach, t.slug)
    assert decide(client, coach, t.slug, seventh, "2023-04-02") == "waiting_list"


def test_tilburgs_places_count_participants_who_start_later(app, client, make_tenant, make_token):
    t = make_tenant("tilburg")
    coach, admin = auth(make_token(t, "coach")), auth(make_token(t, "admin"))
    emp = employer(client, admin, t.slug, "Diamant-groep")
    for n in range(5):
        candidate = started_candidate(client, coach, t.slug, referral="2023-05-01", talked="2023-05-15",
                                      decided="2023-06-01")
        start(client, coach, t.slug, candidate, emp, started_on="2023-08-01", end_on="2025-07-31")
    sixth = new_candidate(client, coach, t.slug, talked="2023-06-15")
    # On 2023-07-01 the five have been promised their places (employment from 2023-08-01).
    assert decide(client, coach, t.slug, sixth, "2023-07-01") == "waiting_list"
