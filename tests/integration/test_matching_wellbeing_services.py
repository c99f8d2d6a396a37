"""Matching, work profiles and wellbeing services against the app's database, with exact expected values.

Data is written with the ORM inside tenant_scope; the services are called directly with an explicit date.
Groningen measures wellbeing on its five-domain instrument (income, savings, debts, social contacts,
housing); Testville on the core's 13-domain Self-Sufficiency Matrix.
"""

from __future__ import annotations

import itertools
import json
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from basisbaan.domain.cao_catalogue import CAO_SW
from basisbaan.domain.matching import MAX_POINTS
from basisbaan.domain.wellbeing import SELF_SUFFICIENCY_MATRIX, DomainChange
from basisbaan.errors import Conflict, InvalidInput
from basisbaan.extensions import db
from basisbaan.models import (Assignment, AuditEvent, Candidate, Contract, ContractVersion, DisplacementCheck,
                              Neighbourhood, Organisation, Participant, Person, Task, WorkProfile)
from basisbaan.services import matching as matching_service
from basisbaan.services import wellbeing as wellbeing_service
from basisbaan.services import work_profiles
from basisbaan.services import worklist as worklist_service
from basisbaan.services.audit import Actor
from basisbaan.services.timeline import Group, SettingsTimeline
from basisbaan.services.visibility import Viewer
from basisbaan.tenancy import tenant_scope

D = Decimal
ACTOR = Actor.system("test")
COACH = Viewer(frozenset({"coach"}))
ON = date(2024, 3, 1)  # the day matched on
BRUG = ("income", "savings", "debts", "social_contacts", "housing")
_names = itertools.count(1)


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


def secrets_of(app):
    return app.extensions["basisbaan.secrets"]


def timeline(session, registry, tenant) -> SettingsTimeline:
    return SettingsTimeline(session, registry.hooks(tenant.plugin))


class Builder:
    def __init__(self, session):
        self.s = session

    def _add(self, row):
        self.s.add(row)
        self.s.flush()
        return row

    def neighbourhood(self, name, area=None):
        return self._add(Neighbourhood(name=name, area=area)).id

    def organisation(self, name, **kinds):
        return self._add(Organisation(name=name, **kinds)).id

    def person(self, name=None, neighbourhood=None):
        given, family = (name or f"Deelnemer {next(_names)}").split(" ", 1)
        return self._add(Person(given_names=given, family_name=family, neighbourhood_id=neighbourhood)).id

    def participant(self, name=None, started_on=date(2023, 1, 1), *, neighbourhood=None, organisation=None,
                    exit_on=None, person=None):
        person = person or self.person(name, neighbourhood)
        return self._add(Participant(person_id=person, started_on=started_on, coaching_organisation_id=organisation,
                                     exit_on=exit_on, exit_reason="other" if exit_on else None)).id

    def contract(self, participant, employer, start_on, end_on=None, *versions, hours=32):
        contract = self._add(Contract(participant_id=participant, employer_id=employer,
                                      kind="temporary" if end_on else "permanent", start_on=start_on, end_on=end_on))
        for valid_from, h, reason in [(start_on, hours, "start"), *((v, h, "hours") for v, h in versions)]:
            self._add(ContractVersion(contract_id=contract.id, valid_from=valid_from, hours_per_week=D(h), cao=CAO_SW,
                                      reason=reason))
        return contract.id

    def task(self, title, *, status="approved", checks=((date(2023, 1, 1), "approved"),), category="litter",
             neighbourhood=None, hours=8, days=(), places=3, physical="light", demands=()):
        task = self._add(Task(title=title, category=category, neighbourhood_id=neighbourhood,
                              hours_per_week=D(hours), days=list(days), places=places, physical_demand=physical,
                              demands=list(demands), source="area_team", status=status))
        for checked_on, verdict in checks:
            approved = verdict == "approved"
            self._add(DisplacementCheck(task_id=task.id, checked_on=checked_on, done_by_paid_staff=not approved,
                                        host_would_hire=False, done_by_volunteers=False, is_additional=approved,
                                        verdict=verdict, reasons="Test."))
        return task.id

    def assign(self, participant, task, start_on=date(2023, 2, 1), end_on=None, hours=8):
        return self._add(Assignment(participant_id=participant, task_id=task, hours_per_week=D(hours), days=["mon"],
                                    start_on=start_on, end_on=end_on)).id

    def candidate(self, status="started", available_hours=20, person=None, neighbourhood=None):
        person = person or self.person(None, neighbourhood)
        return self._add(Candidate(person_id=person, status=status, status_since=date(2023, 1, 1),
                                   referral_source="colleague", referral_date=date(2022, 12, 1),
                                   available_hours=available_hours)).id


def rows(owner_engine, tenant, name: str) -> int:
    table = db.metadata.tables[name]
    with owner_engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(table.c.tenant_id == tenant.id)).scalar()


def raw_column(owner_engine, name: str, column: str, row_id):
    table = db.metadata.tables[name]
    with owner_engine.connect() as conn:
        return conn.execute(select(table.c[column]).where(table.c.id == row_id)).scalar_one()


def events(app, tenant, action: str) -> list[AuditEvent]:
    with scope(app, tenant) as session:
        found = list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))
        session.expunge_all()
    return found


def save_profile(app, tenant, person_id, data, actor=ACTOR) -> WorkProfile:
    with scope(app, tenant) as session:
        person = session.get(Person, person_id)
        profile = work_profiles.save(session, secrets_of(app), person, data, actor)
        session.expunge(profile)
    return profile


# --- matching ----------------------------------------------------------------------------------------------

@pytest.fixture
def matching_world(app, make_tenant):
    """Groningen on 2024-03-01.

    Anna (Beijum, area Noord; 32-hour contract; 8 hours of "Eigen taak" in her package: 24 hours free;
    prefers litter, mon-wed, at most medium work, cannot lift) and the tasks around her:

    task                 status       checks                         open on ON  for Anna
    Eigen taak           active       2023-01-01 ok                  yes         in her package: left out
    Beijum rapen         approved     2023-01-01 ok                  yes         11 (3+2+3+1+2)
    Lewenborg koffie     active       2023-06-01 ok                  yes         7 (area 2, hosting 0, 8 < 24: 2, 1, 2)
    Stad breed           approved     2023-01-01 ok                  yes         7 (1 + 2 + 2 + days tue,fri: 0 + 2 + 0)
    Paddepoel sjouwen    approved     ok                             yes         5, blocked: lifting
    Vol                  approved     ok, 1 place (Bram on it)       yes         blocked: full
    Voorgesteld          proposed     none                           no
    In onderzoek         under_check  none                           no
    Afgewezen            closed       2023-01-01 rejected            no
    Gesloten             closed       2023-01-01 ok                  no
    Later goedgekeurd    approved     2024-03-02 ok                  from 03-02
    Herkeurd             approved     2023-01-01 ok, 2023-06-01 no   no (latest check failed)
    """
    tenant = make_tenant("groningen")
    ids = {"tenant": tenant}
    with scope(app, tenant) as session:
        b = Builder(session)
        beijum = b.neighbourhood("Beijum", "Noord")
        lewenborg = b.neighbourhood("Lewenborg", "Noord")
        paddepoel = b.neighbourhood("Paddepoel", "West")
        employer = b.organisation("Thermiek BV", is_employer=True)
        north = b.organisation("Begeleiding Noord", is_coaching=True)
        south = b.organisation("Begeleiding Zuid", is_coaching=True)
        anna = b.participant("Anna Aalders", neighbourhood=beijum, organisation=north)
        b.contract(anna, employer, date(2023, 1, 1), None, hours=32)
        bram = b.participant("Bram Bos", neighbourhood=paddepoel, organisation=south)
        b.contract(bram, employer, date(2023, 1, 1), None, hours=20)
        own = b.task("Eigen taak", status="active", neighbourhood=beijum)
        b.assign(anna, own, date(2023, 2, 1), hours=8)
        b.assign(anna, own, date(2022, 1, 1), date(2022, 12, 31), hours=8)  # an old one: not counted
        ids.update(
            beijum=beijum, lewenborg=lewenborg, paddepoel=paddepoel, employer=employer, north=north, south=south,
            anna=anna, bram=bram, own=own,
            beijum_task=b.task("Beijum rapen", neighbourhood=beijum, hours=24, days=("mon", "tue")),
            lewenborg_task=b.task("Lewenborg koffie", status="active", category="hosting", neighbourhood=lewenborg,
                                  hours=8, checks=((date(2023, 6, 1), "approved"),)),
            citywide=b.task("Stad breed", hours=12, days=("tue", "fri")),
            lifting=b.task("Paddepoel sjouwen", neighbourhood=paddepoel, demands=("lifting", "outdoors"),
                           physical="medium"),
            full=b.task("Vol", places=1, neighbourhood=beijum),
            proposed=b.task("Voorgesteld", status="proposed", checks=()),
            under_check=b.task("In onderzoek", status="under_check", checks=()),
            rejected=b.task("Afgewezen", status="closed", checks=((date(2023, 1, 1), "rejected"),)),
            closed=b.task("Gesloten", status="closed"),
            later=b.task("Later goedgekeurd", checks=((date(2024, 3, 2), "approved"),)),
            rechecked=b.task("Herkeurd", checks=((date(2023, 1, 1), "approved"), (date(2023, 6, 1), "rejected"))),
        )
        b.assign(bram, ids["full"], date(2023, 6, 1), hours=8)
        anna_person = session.get(Participant, anna).person_id
        ids["anna_person"] = anna_person
    save_profile(app, tenant, ids["anna_person"], {
        "preferred_categories": ["litter"], "available_days": ["mon", "tue", "wed"],
        "max_physical_demand": "medium", "limitations": ["lifting"]})
    return ids


def for_participant(app, world, participant="anna", on=ON, **options):
    with scope(app, world["tenant"]) as session:
        record = session.get(Participant, world[participant])
        result = matching_service.for_participant(session, secrets_of(app), record, on, **options)
        return result, [(m.subject.title, m.points, m.blocked) for m in result.matches]


def test_tasks_for_a_participant_best_first_without_the_ones_not_open(app, matching_world):
    result, found = for_participant(app, matching_world)
    # Lewenborg and Stad breed both score 7: by title.
    assert found == [("Beijum rapen", 11, False), ("Lewenborg koffie", 7, False), ("Stad breed", 7, False)]
    assert result.total == 3 and result.on == ON
    assert result.person.free_hours == D(24)  # 32 contract hours - 8 in the package
    assert result.person.limitations == ("lifting",) and result.person.area == "Noord"
    assert result.person.neighbourhood_id == matching_world["beijum"]
    best = result.matches[0]
    assert best.points == MAX_POINTS
    assert [(f.code, f.outcome, f.details) for f in best.factors if f.code != "hours"] == [
        ("neighbourhood", "same_neighbourhood", ()), ("preferences", "preferred", ("litter",)),
        ("days", "available", ()), ("demands", "no_conflict", ()), ("places", "free", ("3",))]
    [hours] = [f for f in best.factors if f.code == "hours"]
    assert hours.outcome == "fits_exactly" and [D(d) for d in hours.details] == [D(24)]
    lewenborg = result.matches[1]
    assert [(f.code, f.outcome) for f in lewenborg.factors][:3] == [
        ("neighbourhood", "same_area"), ("preferences", "not_preferred"), ("hours", "fits_partly")]
    citywide = result.matches[2]
    assert [(f.code, f.outcome, f.details) for f in citywide.factors if f.code in ("neighbourhood", "days")] == [
        ("neighbourhood", "municipality_wide", ()), ("days", "partly_available", ("fri",))]


def test_blocked_tasks_only_on_request_last_and_saying_why(app, matching_world):
    result, found = for_participant(app, matching_world, include_blocked=True)
    assert found == [("Beijum rapen", 11, False), ("Lewenborg koffie", 7, False), ("Stad breed", 7, False),
                     ("Vol", 10, True), ("Paddepoel sjouwen", 5, True)]
    assert result.total == 5
    full = result.matches[3]
    assert [(f.outcome, f.blocks) for f in full.factors if f.code == "places"] == [("full", True)]
    lifting = result.matches[4]
    [demands] = [f for f in lifting.factors if f.code == "demands"]
    assert (demands.outcome, demands.blocks, demands.details) == ("conflicts", True, ("lifting",))
    # Paddepoel lies in another area (0) + litter preferred (2) + 8 of 24 hours (2) + no days (1) + conflict (0).
    assert [f.points for f in lifting.factors] == [0, 2, 2, 1, 0, 0]


def test_the_limit_cuts_the_list_but_total_counts_all(app, matching_world):
    result, found = for_participant(app, matching_world, limit=2)
    assert found == [("Beijum rapen", 11, False), ("Lewenborg koffie", 7, False)]
    assert result.total == 3
    result, found = for_participant(app, matching_world, limit=1, include_blocked=True)
    assert len(found) == 1 and result.total == 5


def test_a_task_whose_first_passed_check_is_after_the_day_is_not_open_yet(app, matching_world):
    titles = lambda on: [t for t, _, _ in for_participant(app, matching_world, on=on)[1]]  # noqa: E731
    assert "Later goedgekeurd" not in titles(ON)
    assert "Later goedgekeurd" in titles(ON + timedelta(days=1))
    # Lewenborg's only check was on 2023-06-01: not open the day before.
    assert "Lewenborg koffie" not in titles(date(2023, 5, 31))
    assert "Lewenborg koffie" in titles(date(2023, 6, 1))


def test_tasks_not_checked_rejected_closed_or_failing_their_latest_check_are_never_offered(app, matching_world):
    for on in (ON, date(2025, 1, 1)):
        _, found = for_participant(app, matching_world, on=on, include_blocked=True, limit=100)
        titles = {t for t, _, _ in found}
        assert not titles & {"Voorgesteld", "In onderzoek", "Afgewezen", "Gesloten", "Herkeurd", "Eigen taak"}, on


def test_tasks_already_in_the_package_are_left_out_only_while_they_run(app, matching_world):
    # Before Anna's assignment of "Eigen taak" started (2023-02-01) it is offered; her old one ended 2022-12-31.
    _, found = for_participant(app, matching_world, on=date(2023, 1, 15))
    assert "Eigen taak" in [t for t, _, _ in found]
    _, found = for_participant(app, matching_world, on=date(2023, 2, 1))
    assert "Eigen taak" not in [t for t, _, _ in found]


def test_free_hours_are_the_contract_hours_on_the_day_minus_the_package(app, matching_world):
    w = matching_world
    with scope(app, w["tenant"]) as session:
        b = Builder(session)
        # From 2024-04-01 Anna works 28 hours; a second task of 6 hours joins her package from 2024-03-15 and a
        # third (4 hours) from 2024-05-01.
        contract = session.scalars(select(Contract).where(Contract.participant_id == w["anna"])).one()
        b._add(ContractVersion(contract_id=contract.id, valid_from=date(2024, 4, 1), hours_per_week=D(28),
                               cao=CAO_SW, reason="hours"))
        b.assign(w["anna"], w["citywide"], date(2024, 3, 15), hours=6)
        b.assign(w["anna"], w["lewenborg_task"], date(2024, 5, 1), hours=4)
    assert for_participant(app, w, on=ON)[0].person.free_hours == D(24)  # 32 - 8
    assert for_participant(app, w, on=date(2024, 3, 15))[0].person.free_hours == D(18)  # 32 - 8 - 6
    assert for_participant(app, w, on=date(2024, 4, 1))[0].person.free_hours == D(14)  # 28 - 14
    assert for_participant(app, w, on=date(2024, 5, 1))[0].person.free_hours == D(10)  # 28 - 18
    # 14 free hours on 2024-04-01: the 24-hour Beijum task needs more than is free (1 point, not blocking).
    result, found = for_participant(app, w, on=date(2024, 4, 1))
    beijum = next(m for m in result.matches if m.subject.title == "Beijum rapen")
    [hours] = [f for f in beijum.factors if f.code == "hours"]
    assert (hours.points, hours.outcome, hours.blocks) == (1, "more_than_free", False)
    assert D(hours.details[0]) == 14


def test_a_full_package_blocks_every_task(app, matching_world):
    w = matching_world
    with scope(app, w["tenant"]) as session:
        Builder(session).assign(w["anna"], w["citywide"], date(2024, 2, 1), hours=24)
    result, found = for_participant(app, w)
    assert result.person.free_hours == 0 and found == [] and result.total == 0
    result, found = for_participant(app, w, include_blocked=True)
    assert found and all(blocked for _, _, blocked in found)
    assert all(any(f.outcome == "no_free_hours" for f in m.factors) for m in result.matches)


def test_without_a_contract_on_the_day_the_hours_are_unknown(app, matching_world):
    w = matching_world
    with scope(app, w["tenant"]) as session:
        b = Builder(session)
        carl = b.participant("Carl Contractloos", neighbourhood=w["beijum"])
        b.contract(carl, w["employer"], date(2024, 6, 1), None, hours=20)  # starts later
    w = {**w, "carl": carl}
    result, found = for_participant(app, w, participant="carl")
    assert result.person.free_hours is None
    # No profile: preferences unknown (1), any day (1), no limitations (2); hours unknown (0).
    beijum = next(m for m in result.matches if m.subject.title == "Beijum rapen")
    assert [(f.code, f.points, f.outcome) for f in beijum.factors] == [
        ("neighbourhood", 3, "same_neighbourhood"), ("preferences", 1, "unknown"), ("hours", 0, "unknown"),
        ("days", 1, "any_day"), ("demands", 2, "no_conflict"), ("places", 0, "free")]
    assert for_participant(app, w, participant="carl", on=date(2024, 6, 1))[0].person.free_hours == D(20)


def test_places_count_the_participants_on_the_task_on_the_day(app, matching_world):
    w = matching_world
    with scope(app, w["tenant"]) as session:
        b = Builder(session)
        # Two of the Beijum task's three places taken on ON; one assignment ended before.
        for start, end in ((date(2023, 6, 1), None), (date(2024, 1, 1), date(2024, 12, 31)),
                           (date(2023, 1, 1), date(2024, 2, 29))):
            other = b.participant(neighbourhood=w["paddepoel"])
            b.assign(other, w["beijum_task"], start, end)
    result, _ = for_participant(app, w)
    beijum = next(m for m in result.matches if m.subject.title == "Beijum rapen")
    assert [f.details for f in beijum.factors if f.code == "places"] == [("1",)]


def for_task(app, world, task="beijum_task", viewer=COACH, on=ON, **options):
    with scope(app, world["tenant"]) as session:
        record = session.get(Task, world[task])
        result = matching_service.for_task(session, secrets_of(app), record, viewer, on, **options)
        return result, [(f"{m.subject.person.given_names} {m.subject.person.family_name}", m.points, m.blocked)
                        for m in result.matches]


@pytest.fixture
def task_world(app, matching_world):
    """More participants for the Beijum task (24 hours, mon-tue, 3 places, litter, light):

    Anna: Beijum, 24 free, prefers litter -> 11. Bram: Paddepoel (area West), 20 - 8 = 12 free, no profile
    -> 0 + 1 + 1 (24 > 12) + 1 + 2 = 5. Cees: Lewenborg (Noord), 24-hour contract, nothing else -> 2 + 1 + 3 +
    1 + 2 = 9. Dirk: left before ON. Eva: starts after ON. Fred: already on the task. Gijs: no neighbourhood,
    no contract, light work only (a light task: fine) -> 0 + 1 + 0 + 1 + 2 = 4. Hans: Beijum, 24-hour
    contract fully used -> 3 + 1 + 0 + 1 + 2 = 7, blocked."""
    w = dict(matching_world)
    with scope(app, w["tenant"]) as session:
        b = Builder(session)
        cees = b.participant("Cees Claassen", neighbourhood=w["lewenborg"], organisation=w["north"])
        b.contract(cees, w["employer"], date(2023, 1, 1), None, hours=24)
        dirk = b.participant("Dirk Dekker", neighbourhood=w["beijum"], exit_on=date(2024, 2, 29))
        b.contract(dirk, w["employer"], date(2023, 1, 1), None, hours=24)
        eva = b.participant("Eva Evers", date(2024, 3, 2), neighbourhood=w["beijum"])
        b.contract(eva, w["employer"], date(2024, 3, 2), None, hours=24)
        fred = b.participant("Fred Franken", neighbourhood=w["beijum"], organisation=w["north"])
        b.contract(fred, w["employer"], date(2023, 1, 1), None, hours=24)
        b.assign(fred, w["beijum_task"], date(2024, 1, 1), hours=24)
        gijs = b.participant("Gijs Groen", organisation=w["south"])
        hans = b.participant("Hans Hoek", neighbourhood=w["beijum"], organisation=w["north"])
        b.contract(hans, w["employer"], date(2023, 1, 1), None, hours=24)
        b.assign(hans, w["citywide"], date(2024, 1, 1), hours=24)
        w.update(cees=cees, dirk=dirk, eva=eva, fred=fred, gijs=gijs, hans=hans,
                 gijs_person=session.get(Participant, gijs).person_id)
    save_profile(app, w["tenant"], w["gijs_person"], {"max_physical_demand": "light"})
    return w


def test_participants_for_a_task_active_and_not_on_it_best_first(app, task_world):
    result, found = for_task(app, task_world)
    assert found == [("Anna Aalders", 11, False), ("Cees Claassen", 9, False), ("Bram Bos", 5, False),
                     ("Gijs Groen", 4, False)]
    assert result.total == 4 and result.on == ON
    assert result.free_places == 2  # Fred takes one of three
    assert result.task.id == task_world["beijum_task"]
    bram = result.matches[2]
    assert [(f.code, f.outcome) for f in bram.factors] == [
        ("neighbourhood", "elsewhere"), ("preferences", "unknown"), ("hours", "more_than_free"),
        ("days", "any_day"), ("demands", "no_conflict"), ("places", "free")]
    assert [D(d) for f in bram.factors if f.code == "hours" for d in f.details] == [D(12)]


def test_participants_for_a_task_blocked_last(app, task_world):
    result, found = for_task(app, task_world, include_blocked=True)
    assert found[-1] == ("Hans Hoek", 7, True)  # 3 + 1 + 0 + 1 + 2 + 0, blocked: no free hours
    assert result.total == 5
    assert {name for name, _, _ in found}.isdisjoint({"Dirk Dekker", "Eva Evers", "Fred Franken"})
    _, found = for_task(app, task_world, include_blocked=True, limit=2)
    assert [name for name, _, _ in found] == ["Anna Aalders", "Cees Claassen"]


def test_participants_for_a_task_on_another_day(app, task_world):
    # On 2024-03-02 Dirk has left and Eva has started; on 2024-02-29 (Dirk's last day) Dirk is in, Eva is not.
    _, found = for_task(app, task_world, on=date(2024, 3, 2))
    assert "Eva Evers" in {n for n, _, _ in found} and "Dirk Dekker" not in {n for n, _, _ in found}
    _, found = for_task(app, task_world, on=date(2024, 2, 29))
    assert "Dirk Dekker" in {n for n, _, _ in found} and "Eva Evers" not in {n for n, _, _ in found}


def test_a_job_coach_gets_only_their_organisations_participants_for_a_task(app, task_world):
    north = Viewer(frozenset({"jobcoach"}), task_world["north"])
    result, found = for_task(app, task_world, viewer=north, include_blocked=True)
    assert found == [("Anna Aalders", 11, False), ("Cees Claassen", 9, False), ("Hans Hoek", 7, True)]
    assert result.total == 3
    # The free hours stay right inside the job coach's scope (contracts read within the same scope).
    anna = result.matches[0]
    assert [D(d) for f in anna.factors if f.code == "hours" for d in f.details] == [D(24)]
    south = Viewer(frozenset({"jobcoach"}), task_world["south"])
    assert [n for n, _, _ in for_task(app, task_world, viewer=south)[1]] == ["Bram Bos", "Gijs Groen"]
    nobody = Viewer(frozenset({"jobcoach"}))  # no organisation: nobody
    result, found = for_task(app, task_world, viewer=nobody, include_blocked=True)
    assert found == [] and result.total == 0 and result.free_places == 2


def test_a_full_task_blocks_every_participant(app, task_world):
    result, found = for_task(app, task_world, task="full")
    assert result.free_places == 0 and found == [] and result.total == 0
    _, found = for_task(app, task_world, task="full", include_blocked=True)
    names = [n for n, _, _ in found]
    assert found and all(blocked for _, _, blocked in found)
    assert "Bram Bos" not in names  # already on it


def for_candidate(app, world, candidate_id, on=ON, **options):
    with scope(app, world["tenant"]) as session:
        record = session.get(Candidate, candidate_id)
        result = matching_service.for_candidate(session, secrets_of(app), record, on, **options)
        return result, [(m.subject.title, m.points, m.blocked) for m in result.matches]


@pytest.mark.parametrize("status", ["started", "waiting_list", "referred", "in_conversation", "on_hold"])
def test_a_candidate_not_decided_against_is_matched_on_the_hours_available(app, matching_world, status):
    w = matching_world
    with scope(app, w["tenant"]) as session:
        candidate = Builder(session).candidate(status, available_hours=24, neighbourhood=w["beijum"])
        person_id = session.get(Candidate, candidate).person_id
    save_profile(app, w["tenant"], person_id, {"preferred_categories": ["litter"], "limitations": ["lifting"]})
    result, found = for_candidate(app, w, candidate, include_blocked=True)
    assert result.person.free_hours == D(24) and result.person.limitations == ("lifting",)
    assert result.person.available_days == () and result.person.max_physical_demand is None
    # A candidate has no package: "Eigen taak" (Beijum, litter, 8 of 24 hours: 3 + 2 + 2 + 1 + 2) is offered.
    # Stad breed: 1 + 2 + 2 + any day 1 + 2 = 8; Lewenborg: 2 + 0 + 2 + 1 + 2 = 7.
    assert found == [("Beijum rapen", 11, False), ("Eigen taak", 10, False), ("Stad breed", 8, False),
                     ("Lewenborg koffie", 7, False), ("Vol", 10, True), ("Paddepoel sjouwen", 5, True)]
    assert result.total == 6
    _, found = for_candidate(app, w, candidate, limit=2)
    assert [t for t, _, _ in found] == ["Beijum rapen", "Eigen taak"]


def test_a_candidate_without_available_hours_has_unknown_hours(app, matching_world):
    w = matching_world
    with scope(app, w["tenant"]) as session:
        candidate = Builder(session).candidate("started", available_hours=None)
    result, found = for_candidate(app, w, candidate)
    assert result.person.free_hours is None
    assert all(f.outcome == "unknown" for m in result.matches for f in m.factors if f.code == "hours")
    # Everything open and not full (no limitations known): Beijum rapen, Eigen taak, Lewenborg koffie,
    # Paddepoel sjouwen, Stad breed.
    assert sorted(t for t, _, _ in found) == ["Beijum rapen", "Eigen taak", "Lewenborg koffie",
                                              "Paddepoel sjouwen", "Stad breed"]


def test_a_candidate_available_zero_hours_has_no_free_hours(app, matching_world):
    w = matching_world
    with scope(app, w["tenant"]) as session:
        candidate = Builder(session).candidate("started", available_hours=0)
    result, found = for_candidate(app, w, candidate)
    assert result.person.free_hours == 0
    assert found == [] and result.total == 0
    result, found = for_candidate(app, w, candidate, include_blocked=True)
    assert found and all(blocked for _, _, blocked in found)


def test_a_candidate_decided_not_to_start_is_refused(app, matching_world):
    w = matching_world
    with scope(app, w["tenant"]) as session:
        candidate = Builder(session).candidate("not_started")
    with pytest.raises(InvalidInput) as refused:
        for_candidate(app, w, candidate)
    assert set(refused.value.errors) == {"candidate_id"}


# --- work profiles ---------------------------------------------------------------------------------------------

@pytest.fixture
def person_world(app, make_tenant):
    tenant = make_tenant("groningen")
    with scope(app, tenant) as session:
        person = Builder(session).person("Piet Profiel")
    return {"tenant": tenant, "person": person}


def test_a_work_profile_is_saved_with_encrypted_limitations(app, owner_engine, person_world):
    w = person_world
    saved = save_profile(app, w["tenant"], w["person"], {
        "preferred_categories": ["litter", "hosting"], "available_days": ["mon", "fri"],
        "max_physical_demand": "medium", "limitations": ["walking", "lifting"]}, Actor("token", "t1", "Coach token"))
    assert saved.version == 1 and saved.updated_by == "Coach token"
    assert saved.preferred_categories == ["litter", "hosting"] and saved.available_days == ["mon", "fri"]
    stored = raw_column(owner_engine, "work_profiles", "limitations_encrypted", saved.id)
    assert stored and "lifting" not in stored and "walking" not in stored
    assert json.loads(secrets_of(app).decrypt(stored)) == ["lifting", "walking"]  # sorted
    assert work_profiles.limitations(secrets_of(app), saved) == ("lifting", "walking")
    assert work_profiles.view(secrets_of(app), saved, sensitive=True) == {
        "preferred_categories": ["litter", "hosting"], "available_days": ["mon", "fri"],
        "max_physical_demand": "medium", "limitations": ["lifting", "walking"], "version": 1}
    assert work_profiles.view(secrets_of(app), saved, sensitive=False)["limitations"] is None
    [event] = events(app, w["tenant"], "work_profile.saved")
    assert event.entity_type == "person" and event.entity_id == str(w["person"])
    assert event.details["fields"] == ["available_days", "limitations", "max_physical_demand",
                                       "preferred_categories"]
    assert "lifting" not in json.dumps(event.details)


def test_no_profile_is_shown_empty(app):
    secrets = secrets_of(app)
    assert work_profiles.view(secrets, None, sensitive=True) == {
        "preferred_categories": [], "available_days": [], "max_physical_demand": None, "limitations": [],
        "version": None}
    assert work_profiles.view(secrets, None, sensitive=False)["limitations"] is None
    assert work_profiles.limitations(secrets, None) == ()


def test_a_work_profile_changes_with_its_version_and_keeps_what_is_not_sent(app, owner_engine, person_world):
    w = person_world
    save_profile(app, w["tenant"], w["person"], {"preferred_categories": ["litter"], "max_physical_demand": "heavy",
                                                 "limitations": ["lifting"]})
    changed = save_profile(app, w["tenant"], w["person"], {"version": 1, "available_days": ["tue"]})
    assert changed.version == 2
    assert changed.preferred_categories == ["litter"] and changed.available_days == ["tue"]
    assert changed.max_physical_demand == "heavy"
    assert work_profiles.limitations(secrets_of(app), changed) == ("lifting",)
    # A stale version: Conflict naming the version, nothing changed.
    with pytest.raises(Conflict) as stale:
        save_profile(app, w["tenant"], w["person"], {"version": 1, "preferred_categories": ["hosting"]})
    assert "version" in stale.value.errors
    with scope(app, w["tenant"]) as session:
        kept = session.scalars(select(WorkProfile)).one()
        assert kept.version == 2 and kept.preferred_categories == ["litter"]
    # Clearing: an empty list of limitations stores nothing; a null demand clears it.
    cleared = save_profile(app, w["tenant"], w["person"], {"version": 2, "limitations": [],
                                                           "max_physical_demand": None})
    assert cleared.version == 3 and cleared.limitations_encrypted is None and cleared.max_physical_demand is None
    assert raw_column(owner_engine, "work_profiles", "limitations_encrypted", cleared.id) is None
    assert rows(owner_engine, w["tenant"], "work_profiles") == 1
    assert [e.details["fields"] for e in events(app, w["tenant"], "work_profile.saved")] == [
        ["limitations", "max_physical_demand", "preferred_categories"], ["available_days"],
        ["limitations", "max_physical_demand"]]


def test_changing_an_existing_profile_needs_the_version_read(app, owner_engine, person_world):
    w = person_world
    save_profile(app, w["tenant"], w["person"], {"preferred_categories": ["litter"]})
    audited = rows(owner_engine, w["tenant"], "audit_events")
    for data in ({"preferred_categories": ["hosting"]}, {"version": None, "preferred_categories": ["hosting"]}):
        with pytest.raises(InvalidInput) as refused:
            save_profile(app, w["tenant"], w["person"], data)
        assert set(refused.value.errors) == {"version"}
    assert rows(owner_engine, w["tenant"], "audit_events") == audited
    with pytest.raises(Conflict):
        save_profile(app, w["tenant"], w["person"], {"version": 7, "preferred_categories": ["hosting"]})
    with scope(app, w["tenant"]) as session:
        kept = session.scalars(select(WorkProfile)).one()
        assert kept.version == 1 and kept.preferred_categories == ["litter"]


@pytest.mark.parametrize("data, field", [
    ({"preferred_categories": ["gardening"]}, "preferred_categories"),
    ({"preferred_categories": ["litter", "litter"]}, "preferred_categories"),
    ({"available_days": ["monday"]}, "available_days"),
    ({"available_days": ["mon", "mon"]}, "available_days"),
    ({"limitations": ["flying"]}, "limitations"),
    ({"limitations": ["lifting", "lifting"]}, "limitations"),
    ({"max_physical_demand": "extreme"}, "max_physical_demand"),
])
def test_an_invalid_work_profile_is_refused_and_nothing_saved(app, owner_engine, person_world, data, field):
    w = person_world
    audited = rows(owner_engine, w["tenant"], "audit_events")
    with pytest.raises(InvalidInput) as refused:
        save_profile(app, w["tenant"], w["person"], data)
    assert set(refused.value.errors) == {field}
    assert rows(owner_engine, w["tenant"], "work_profiles") == 0
    assert rows(owner_engine, w["tenant"], "audit_events") == audited


def test_the_candidates_profile_is_the_participants_once_employment_starts(app, matching_world):
    w = matching_world
    with scope(app, w["tenant"]) as session:
        b = Builder(session)
        person = b.person("Sanne Start", w["beijum"])
        b.candidate("started", person=person)
    save_profile(app, w["tenant"], person, {"preferred_categories": ["hosting"], "limitations": ["walking"]})
    with scope(app, w["tenant"]) as session:
        b = Builder(session)
        sanne = b.participant(person=person)
        b.contract(sanne, w["employer"], date(2023, 1, 1), None, hours=24)
    result, _ = for_participant(app, {**w, "sanne": sanne}, participant="sanne")
    assert result.person.preferred_categories == ("hosting",) and result.person.limitations == ("walking",)


# --- wellbeing: recording ------------------------------------------------------------------------------------

TODAY = date(2024, 1, 15)


@pytest.fixture
def wellbeing_world(app, make_tenant):
    """Groningen: Wim (started 2023-01-01, still in) and Xenia (2023-01-01 to 2023-12-31)."""
    tenant = make_tenant("groningen")
    with scope(app, tenant) as session:
        b = Builder(session)
        wim = b.participant("Wim Welzijn")
        xenia = b.participant("Xenia Xavier", exit_on=date(2023, 12, 31))
    return {"tenant": tenant, "wim": wim, "xenia": xenia}


def add(app, registry, world, who, data, today=TODAY):
    with scope(app, world["tenant"]) as session:
        record = session.get(Participant, world[who])
        return wellbeing_service.add(session, secrets_of(app), timeline(session, registry, world["tenant"]), record,
                                     data, Actor("token", "t1", "Coach token"), today)


def scores(value=3, **changes):
    return {**dict.fromkeys(BRUG, value), **changes}


def test_a_measurement_is_recorded_on_the_instrument_with_encrypted_scores(app, registry, owner_engine,
                                                                           wellbeing_world):
    w = wellbeing_world
    shown = add(app, registry, w, "wim", {"measured_on": date(2023, 2, 1), "scores": scores(2, debts=1)})
    assert shown.measured_on == date(2023, 2, 1) and shown.instrument == "groningen_brug"
    assert shown.scores == {"income": 2, "savings": 2, "debts": 1, "social_contacts": 2, "housing": 2}
    assert list(shown.scores) == list(BRUG) and shown.measured_by == "Coach token"
    stored = raw_column(owner_engine, "wellbeing_measurements", "scores_encrypted", shown.id)
    assert "debts" not in stored and "income" not in stored
    assert json.loads(secrets_of(app).decrypt(stored)) == shown.scores
    with scope(app, w["tenant"]) as session:
        listed = wellbeing_service.of(session, secrets_of(app), session.get(Participant, w["wim"]))
    assert listed == [shown]
    [event] = events(app, w["tenant"], "wellbeing.measured")
    assert event.entity_type == "participant" and event.entity_id == str(w["wim"])
    assert "debts" not in json.dumps(event.details)


def test_testville_measures_on_the_13_domain_matrix(app, registry, make_tenant):
    tenant = make_tenant("testville")
    with scope(app, tenant) as session:
        pid = Builder(session).participant()
    w = {"tenant": tenant, "p": pid}
    shown = add(app, registry, w, "p", {"measured_on": date(2023, 3, 1),
                                        "scores": dict.fromkeys(SELF_SUFFICIENCY_MATRIX.codes, 4)})
    assert shown.instrument == "zrm2017" and len(shown.scores) == 13
    with pytest.raises(InvalidInput) as refused:
        add(app, registry, w, "p", {"measured_on": date(2023, 3, 1), "scores": scores()})
    # Groningen's domains are unknown here, and all 13 of the matrix are missing (housing is in both).
    assert refused.value.errors["scores.income"] == ["Not a domain of the instrument."]
    assert refused.value.errors["scores.mental_health"] == ["Required."]
    assert "scores.housing" not in refused.value.errors
    assert len(refused.value.errors) == 4 + 12


def test_the_first_and_last_day_in_the_programme_and_today_are_fine(app, registry, wellbeing_world):
    w = wellbeing_world
    assert add(app, registry, w, "xenia", {"measured_on": date(2023, 1, 1), "scores": scores()}).measured_on
    assert add(app, registry, w, "xenia", {"measured_on": date(2023, 12, 31), "scores": scores()}).measured_on
    assert add(app, registry, w, "wim", {"measured_on": TODAY, "scores": scores()}).measured_on == TODAY


@pytest.mark.parametrize("who, measured_on, message", [
    ("wim", TODAY + timedelta(days=1), "Cannot be in the future."),
    ("wim", date(2022, 12, 31), "Outside the participant's time in the programme."),
    ("xenia", date(2024, 1, 1), "Outside the participant's time in the programme."),
    ("wim", date(1899, 12, 31), "Between 1900 and 2100."),
    ("wim", None, "Required."),
])
def test_a_measurement_outside_the_programme_or_in_the_future_is_refused(app, registry, owner_engine,
                                                                          wellbeing_world, who, measured_on, message):
    w = wellbeing_world
    audited = rows(owner_engine, w["tenant"], "audit_events")
    with pytest.raises(InvalidInput) as refused:
        add(app, registry, w, who, {"measured_on": measured_on, "scores": scores()})
    assert refused.value.errors == {"measured_on": [message]}
    assert rows(owner_engine, w["tenant"], "wellbeing_measurements") == 0
    assert rows(owner_engine, w["tenant"], "audit_events") == audited


@pytest.mark.parametrize("sent, errors", [
    (scores(debts=None), {"scores.debts": ["Required."]}),
    ({k: 3 for k in BRUG if k != "savings"}, {"scores.savings": ["Required."]}),
    (scores(extra=3), {"scores.extra": ["Not a domain of the instrument."]}),
    (scores(income=0), {"scores.income": ["A whole number from 1 to 5."]}),
    (scores(income=6), {"scores.income": ["A whole number from 1 to 5."]}),
    (scores(income=2.5), {"scores.income": ["A whole number from 1 to 5."]}),
    (scores(income="3"), {"scores.income": ["A whole number from 1 to 5."]}),
    (scores(income=True), {"scores.income": ["A whole number from 1 to 5."]}),
    (scores(income=9, housing=None, mood=2), {"scores.income": ["A whole number from 1 to 5."],
                                              "scores.housing": ["Required."],
                                              "scores.mood": ["Not a domain of the instrument."]}),
    ({}, {"scores": ["Required."]}),
    (None, {"scores": ["Required."]}),
    ([3, 3, 3, 3, 3], {"scores": ["Required."]}),
])
def test_bad_scores_are_refused_per_domain_and_nothing_saved(app, registry, owner_engine, wellbeing_world, sent,
                                                             errors):
    w = wellbeing_world
    audited = rows(owner_engine, w["tenant"], "audit_events")
    with pytest.raises(InvalidInput) as refused:
        add(app, registry, w, "wim", {"measured_on": date(2023, 6, 1), "scores": sent})
    assert refused.value.errors == errors
    assert rows(owner_engine, w["tenant"], "wellbeing_measurements") == 0
    assert rows(owner_engine, w["tenant"], "audit_events") == audited


def test_a_bad_date_and_bad_scores_are_named_together(app, registry, wellbeing_world):
    with pytest.raises(InvalidInput) as refused:
        add(app, registry, wellbeing_world, "wim", {"measured_on": TODAY + timedelta(days=3), "scores": {}})
    assert set(refused.value.errors) == {"measured_on", "scores"}


def test_a_participants_change_is_first_to_latest_on_the_latest_instrument(app, registry, wellbeing_world):
    w = wellbeing_world
    add(app, registry, w, "wim", {"measured_on": date(2023, 2, 1), "scores": scores(2, debts=1)})
    add(app, registry, w, "wim", {"measured_on": date(2023, 5, 1), "scores": scores(5)})
    add(app, registry, w, "wim", {"measured_on": date(2023, 8, 1), "scores": scores(3, debts=4)})
    with scope(app, w["tenant"]) as session:
        shown = wellbeing_service.of(session, secrets_of(app), session.get(Participant, w["wim"]))
        instrument, change = wellbeing_service.participant_change(timeline(session, registry, w["tenant"]), shown,
                                                                  TODAY)
    assert [s.measured_on for s in shown] == [date(2023, 2, 1), date(2023, 5, 1), date(2023, 8, 1)]
    assert instrument.code == "groningen_brug" and change.participants == 1
    assert change.domains == (DomainChange("income", D(2), D(3), D(1)), DomainChange("savings", D(2), D(3), D(1)),
                              DomainChange("debts", D(1), D(4), D(3)),
                              DomainChange("social_contacts", D(2), D(3), D(1)),
                              DomainChange("housing", D(2), D(3), D(1)))
    # One measurement: no change; none: the instrument of today and no change.
    with scope(app, w["tenant"]) as session:
        tl = timeline(session, registry, w["tenant"])
        one = wellbeing_service.participant_change(tl, shown[:1], TODAY)
        none = wellbeing_service.participant_change(tl, [], TODAY)
    assert one[1].participants == 0 and one[1].domains == ()
    assert none[0].code == "groningen_brug" and none[1].participants == 0


# --- wellbeing: the programme's change ---------------------------------------------------------------------------

@pytest.fixture
def programme(app, registry, make_tenant):
    """Groningen, measurements per participant (scores: the same on every domain unless said):

    P1 (Noord org, Beijum)   2023-01-15: 1   2023-07-15: 3
    P2 (Noord org)           2023-02-01: 2   2023-05-01: 4   2023-09-01: 5 (income 1)
    P3 (Zuid org, Beijum)    2023-03-01: 3   2023-03-20: 2
    P4 (no org)              2023-04-01: 4                   (only one)
    P5 (Zuid org)            2023-01-10: 2   2024-02-01: 3   (latest after 2023)
    """
    tenant = make_tenant("groningen")
    with scope(app, tenant) as session:
        b = Builder(session)
        beijum = b.neighbourhood("Beijum", "Noord")
        north = b.organisation("Begeleiding Noord", is_coaching=True)
        south = b.organisation("Begeleiding Zuid", is_coaching=True)
        p = {1: b.participant("Een Een", neighbourhood=beijum, organisation=north),
             2: b.participant("Twee Twee", organisation=north),
             3: b.participant("Drie Drie", neighbourhood=beijum, organisation=south),
             4: b.participant("Vier Vier"),
             5: b.participant("Vijf Vijf", organisation=south)}
    w = {"tenant": tenant, "beijum": beijum, "north": north, "south": south, **{f"p{k}": v for k, v in p.items()}}
    for who, day, value, extra in (("p1", date(2023, 1, 15), 1, {}), ("p1", date(2023, 7, 15), 3, {}),
                                   ("p2", date(2023, 2, 1), 2, {}), ("p2", date(2023, 5, 1), 4, {}),
                                   ("p2", date(2023, 9, 1), 5, {"income": 1}),
                                   ("p3", date(2023, 3, 1), 3, {}), ("p3", date(2023, 3, 20), 2, {}),
                                   ("p4", date(2023, 4, 1), 4, {}),
                                   ("p5", date(2023, 1, 10), 2, {}), ("p5", date(2024, 2, 1), 3, {})):
        add(app, registry, w, who, {"measured_on": day, "scores": scores(value, **extra)}, today=date(2024, 6, 1))
    return w


def change_of(app, registry, world, start, end, viewer=None, **group):
    with scope(app, world["tenant"]) as session:
        return wellbeing_service.programme_change(session, secrets_of(app), timeline(session, registry,
                                                                                      world["tenant"]),
                                                  start, end, viewer, Group(**group))


def by_code(change) -> dict:
    return {d.code: (d.first, d.latest, d.change) for d in change.domains}


def test_the_programmes_change_over_a_year(app, registry, programme):
    instrument, change = change_of(app, registry, programme, date(2023, 1, 1), date(2024, 1, 1))
    assert instrument.code == "groningen_brug"
    # P1 1 -> 3, P2 2 -> 5 (income 2 -> 1), P3 3 -> 2; P4 once, P5's latest before 2024 is its first.
    assert change.participants == 3
    assert [d.code for d in change.domains] == list(BRUG)
    assert by_code(change)["savings"] == (D(2), D(10) / D(3), D(4) / D(3))  # (1+2+3)/3, (3+5+2)/3, (2+3-1)/3
    assert by_code(change)["income"] == (D(2), D(2), D(0))  # (1+2+3)/3, (3+1+2)/3, (2-1-1)/3


def test_the_programmes_change_counts_the_latest_in_the_period_only(app, registry, programme):
    # [2023-07-01, 2023-08-01): only P1's latest (07-15) lies in it; P2's latest before 08-01 is 05-01.
    _, change = change_of(app, registry, programme, date(2023, 7, 1), date(2023, 8, 1))
    assert change.participants == 1 and by_code(change)["debts"] == (D(1), D(3), D(2))
    # [2023-05-01, 2023-06-01): P2 2 -> 4 (its 09-01 measurement lies after the period's end).
    _, change = change_of(app, registry, programme, date(2023, 5, 1), date(2023, 6, 1))
    assert change.participants == 1 and by_code(change)["income"] == (D(2), D(4), D(2))
    # 2024: P5 2 -> 3; the others' latest lie before 2024.
    _, change = change_of(app, registry, programme, date(2024, 1, 1), date(2025, 1, 1))
    assert change.participants == 1 and by_code(change)["housing"] == (D(2), D(3), D(1))
    # A period with no second measurement in it.
    _, change = change_of(app, registry, programme, date(2023, 10, 1), date(2024, 1, 1))
    assert change.participants == 0 and change.domains == ()


def test_the_change_of_a_group_and_within_a_job_coachs_scope(app, registry, programme):
    w = programme
    period = (date(2023, 1, 1), date(2024, 1, 1))
    _, beijum = change_of(app, registry, w, *period, neighbourhood_id=w["beijum"])
    assert beijum.participants == 2 and by_code(beijum)["debts"] == (D(2), D("2.5"), D("0.5"))  # P1 and P3
    _, north = change_of(app, registry, w, *period, coaching_organisation_id=w["north"])
    assert north.participants == 2 and by_code(north)["debts"] == (D("1.5"), D(4), D("2.5"))  # P1 and P2
    _, scoped = change_of(app, registry, w, *period, viewer=Viewer(frozenset({"jobcoach"}), w["south"]))
    assert scoped.participants == 1 and by_code(scoped)["debts"] == (D(3), D(2), D(-1))  # P3
    _, nobody = change_of(app, registry, w, *period, viewer=Viewer(frozenset({"jobcoach"})))
    assert nobody.participants == 0
    _, everyone = change_of(app, registry, w, *period, viewer=COACH)
    assert everyone.participants == 3


@pytest.mark.parametrize("start, end", [(date(2023, 6, 1), date(2023, 6, 1)), (date(2023, 6, 2), date(2023, 6, 1))])
def test_an_empty_period_is_refused(app, registry, programme, start, end):
    with pytest.raises(InvalidInput) as refused:
        change_of(app, registry, programme, start, end)
    assert set(refused.value.errors) == {"to"}


# --- wellbeing: due dates and the work list ---------------------------------------------------------------------

def due(app, registry, world, today, *names):
    with scope(app, world["tenant"]) as session:
        found = wellbeing_service.due_dates(session, timeline(session, registry, world["tenant"]),
                                            [session.get(Participant, world[n]) for n in names], today)
        return {name: found[world[name]] for name in names}


def test_the_first_measurement_is_due_four_weeks_after_the_start_then_six_months_after_the_latest(
        app, registry, wellbeing_world):
    w = wellbeing_world
    assert due(app, registry, w, TODAY, "wim", "xenia") == {"wim": date(2023, 1, 29), "xenia": date(2023, 1, 29)}
    add(app, registry, w, "wim", {"measured_on": date(2023, 8, 31), "scores": scores()})
    assert due(app, registry, w, TODAY, "wim")["wim"] == date(2024, 2, 29)  # 31 Aug + 6 months: 29 Feb (leap)
    add(app, registry, w, "wim", {"measured_on": date(2023, 3, 1), "scores": scores()})  # an earlier one
    assert due(app, registry, w, TODAY, "wim")["wim"] == date(2024, 2, 29)  # the latest counts
    with scope(app, w["tenant"]) as session:
        assert wellbeing_service.due_dates(session, timeline(session, registry, w["tenant"]), [], TODAY) == {}


def test_the_due_dates_follow_the_municipalitys_settings(app, registry, make_tenant):
    tenant = make_tenant("testville", settings={"wellbeing_first_weeks": 2, "wellbeing_interval_months": 3})
    with scope(app, tenant) as session:
        pid = Builder(session).participant(started_on=date(2023, 1, 2))
    w = {"tenant": tenant, "p": pid}
    assert due(app, registry, w, TODAY, "p") == {"p": date(2023, 1, 16)}
    add(app, registry, w, "p", {"measured_on": date(2023, 11, 30),
                                "scores": dict.fromkeys(SELF_SUFFICIENCY_MATRIX.codes, 2)})
    assert due(app, registry, w, TODAY, "p") == {"p": date(2024, 2, 29)}


def wellbeing_items(app, registry, tenant, today, viewer=COACH):
    with scope(app, tenant) as session:
        found = worklist_service.items(session, timeline(session, registry, tenant), viewer, today)
        return [(i.due_on, i.participant_name, i.participant_id) for i in found if i.kind == "wellbeing_due"]


def test_the_work_list_shows_wellbeing_due_to_a_coach_but_not_to_a_job_coach(app, registry, make_tenant):
    tenant = make_tenant("groningen")
    today = date(2024, 3, 1)
    with scope(app, tenant) as session:
        b = Builder(session)
        north = b.organisation("Begeleiding Noord", is_coaching=True)
        new = b.participant("Nina Nieuw", date(2024, 2, 1), organisation=north)  # first due 02-29: overdue
        soon = b.participant("Sam Straks", date(2024, 3, 20), organisation=north)  # starts later: not active
        measured = b.participant("Mia Gemeten", organisation=north)
        recent = b.participant("Rik Recent", organisation=north)
        gone = b.participant("Gert Weg", exit_on=date(2024, 2, 1), organisation=north)
    w = {"tenant": tenant, "measured": measured, "recent": recent}
    # Mia's next is due 2024-04-15 (within the 8 weeks' notice); Rik's on 2024-08-01 (not yet on the list).
    add(app, registry, w, "measured", {"measured_on": date(2023, 10, 15), "scores": scores()}, today=today)
    add(app, registry, w, "recent", {"measured_on": date(2024, 2, 1), "scores": scores()}, today=today)
    items = wellbeing_items(app, registry, tenant, today)
    assert items == [(date(2024, 2, 29), "Nina Nieuw", new), (date(2024, 4, 15), "Mia Gemeten", measured)]
    assert soon not in {i[2] for i in items} and gone not in {i[2] for i in items}
    with scope(app, tenant) as session:
        found = worklist_service.items(session, timeline(session, registry, tenant), COACH, today)
        [nina] = [i for i in found if i.kind == "wellbeing_due" and i.participant_id == new]
        assert nina.overdue(today) is True
    # 8 weeks before Rik's due date it appears.
    assert (date(2024, 8, 1), "Rik Recent", recent) in wellbeing_items(app, registry, tenant, date(2024, 6, 6))
    assert recent not in {i[2] for i in wellbeing_items(app, registry, tenant, date(2024, 6, 5))}
    # The job coach of the same organisation sees none of it (wellbeing is for municipal coaches only).
    assert wellbeing_items(app, registry, tenant, today, Viewer(frozenset({"jobcoach"}), north)) == []
    with scope(app, tenant) as session:
        found = worklist_service.items(session, timeline(session, registry, tenant),
                                       Viewer(frozenset({"jobcoach"}), north), today)
        assert all(i.kind != "wellbeing_due" for i in found)
