"""The cost services with exact expected values (basisbaan.services.costs), funding sources, allocations and
budget versus actual (basisbaan.services.funding).

History is written with the ORM inside tenant_scope and the services are called directly. Groningen's cost
settings apply unless a test adds a settings version: employership 1,500 a year, coaching organisation 4,000 in
the first and 3,000 in later employment years, municipal coach 1,500, employer charges 9% and pension 6% of the
pay; CAO SW pays the minimum wage with 8% holiday allowance and 3.75% year-end payment (pay factor 1.1175).
Hours are multiples of 7 so that a day's wage is exact (35 h -> 5 h a day, 28 h -> 4 h a day).
"""

from __future__ import annotations

import itertools
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select

from basisbaan.domain.costs import LINES, Missing, Totals
from basisbaan.errors import Conflict, InvalidInput
from basisbaan.extensions import db
from basisbaan.models import (Assignment, AuditEvent, Contract, ContractVersion, FundingAllocation, FundingSource,
                              Neighbourhood, Organisation, Participant, Person, Task, Training)
from basisbaan.services import costs as cost_service
from basisbaan.services import funding as funding_service
from basisbaan.services import settings as settings_service
from basisbaan.services import tenants as tenant_service
from basisbaan.services import wage_values
from basisbaan.services.audit import Actor
from basisbaan.services.timeline import SettingsTimeline
from basisbaan.services.visibility import Viewer
from basisbaan.tenancy import tenant_scope

D = Decimal
ACTOR = Actor.system("test")
PAY = D("1.1175")          # CAO SW: 1 + 8% holiday allowance + 3.75% year-end payment
CHARGES = D("0.15")        # Groningen: 9% employer charges + 6% pension on the pay
TINY = D("1e-18")
YEAR_2024 = (date(2024, 1, 1), date(2025, 1, 1))
_names = itertools.count(1)


def close(actual: Decimal, expected: Decimal, tolerance: Decimal = TINY) -> bool:
    return abs(D(actual) - D(expected)) <= tolerance


# --- writing history -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Env:
    app: object
    registry: object
    tenant: object


@contextmanager
def scope(env: Env):
    """A session as the tenant, committed at the end."""
    with env.app.app_context():
        try:
            with tenant_scope(db.session, env.tenant.id):
                yield db.session
            db.session.commit()
        finally:
            db.session.remove()


def timeline(session, env: Env) -> SettingsTimeline:
    return SettingsTimeline(session, env.registry.hooks(env.tenant.plugin))


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

    def participant(self, started_on, *, household="single", neighbourhood=None, organisation=None, exit_on=None):
        person = self._add(Person(given_names="Deelnemer", family_name=f"Nummer {next(_names)}",
                                  household_type=household, neighbourhood_id=neighbourhood))
        return self._add(Participant(person_id=person.id, started_on=started_on, coaching_organisation_id=organisation,
                                     exit_on=exit_on, exit_reason="other" if exit_on else None)).id

    def contract(self, participant, employer_id, start_on, end_on=None, *changes, hours=35, cao="cao_sw",
                 terminated_on=None):
        """`changes`: (valid_from, hours) after the first version, which starts with the contract."""
        contract = self._add(Contract(participant_id=participant, employer_id=employer_id,
                                      kind="temporary" if end_on else "permanent", start_on=start_on, end_on=end_on,
                                      terminated_on=terminated_on))
        for valid_from, h, reason in [(start_on, hours, "start"), *((v, h, "hours") for v, h in changes)]:
            self._add(ContractVersion(contract_id=contract.id, valid_from=valid_from, hours_per_week=D(h), cao=cao,
                                      reason=reason))
        return contract.id

    def task(self, title, fee):
        return self._add(Task(title=title, category="maintenance", hours_per_week=D(35), source="area_team",
                              status="active", host_contribution_per_year=None if fee is None else D(fee))).id

    def assignment(self, participant, task, start_on, end_on=None):
        return self._add(Assignment(participant_id=participant, task_id=task, hours_per_week=D(35), start_on=start_on,
                                    end_on=end_on)).id

    def training(self, participant, name, started_on, cost, completed_on=None):
        return self._add(Training(participant_id=participant, kind="other", name=name, started_on=started_on,
                                  completed_on=completed_on, cost=None if cost is None else D(cost))).id


@pytest.fixture
def env(app, registry, make_tenant) -> Env:
    return Env(app, registry, make_tenant("groningen"))


@pytest.fixture
def employer_id(env):
    with scope(env) as s:
        return Builder(s).organisation("Thermiek BV", is_employer=True)


def add_settings(env: Env, values: dict, effective_from: date) -> None:
    with scope(env) as s:
        tenant = tenant_service.get_by_slug(s, env.tenant.slug)
        settings_service.add_version(s, tenant, env.registry.hooks(env.tenant.plugin), values, effective_from, ACTOR)


def cost_of(env: Env, participant_id, start: date, end: date) -> cost_service.ParticipantCost:
    with scope(env) as s:
        return cost_service.participant_cost(s, timeline(s, env), s.get(Participant, participant_id), start, end)


def programme(env: Env, start: date, end: date, group_by=None, viewer=None) -> cost_service.ProgrammeCost:
    with scope(env) as s:
        return cost_service.programme_cost(s, timeline(s, env), start, end, group_by, viewer=viewer)


def bases(result, code) -> list[tuple]:
    return [(b.start, b.end, b.rate) for b in result.lines[code].bases]


def wage(hourly, hours_per_day, days) -> Decimal:
    """CAO SW pay for `days` calendar days."""
    return D(hourly) * hours_per_day * days * PAY


# --- day-accurate proration --------------------------------------------------------------------------------

def test_a_contract_from_mid_march_with_fewer_hours_from_september(env, employer_id):
    """Started 15 March 2024 at 35 hours, 28 hours from 1 September: wages split at the change and at the
    indexation of 1 July; everything else prorated over the 292 days of 2024 (a leap year) in the programme."""
    with scope(env) as s:
        pid = Builder(s).participant(date(2024, 3, 15))
        Builder(s).contract(pid, employer_id, date(2024, 3, 15), None, (date(2024, 9, 1), 28), hours=35)
    result = cost_of(env, pid, *YEAR_2024)
    lines = result.totals.lines

    # 15 March - 30 June: 108 days at 13.27; July-August: 62 days at 13.68 and 35 h; then 122 days at 28 h.
    wages = wage("13.27", 5, 108) + wage("13.68", 5, 62) + wage("13.68", 4, 122)
    assert lines["wages"] == wages == D("20207.1267")
    assert lines["employer_charges"] == wages * CHARGES
    assert [(b.start, b.end, b.rate, b.hours, b.unit) for b in result.lines["wages"].bases] == [
        (date(2024, 3, 15), date(2024, 7, 1), D("13.27"), D(35), "per_hour"),
        (date(2024, 7, 1), date(2024, 9, 1), D("13.68"), D(35), "per_hour"),
        (date(2024, 9, 1), date(2025, 1, 1), D("13.68"), D(28), "per_hour")]
    assert [b.amount for b in result.lines["wages"].bases] == [wage("13.27", 5, 108), wage("13.68", 5, 62),
                                                               wage("13.68", 4, 122)]
    assert all("CAO SW" in b.source for b in result.lines["wages"].bases)

    days = (date(2025, 1, 1) - date(2024, 3, 15)).days
    assert days == 292
    assert close(lines["employership"], D(1500) * days / 366)
    assert close(lines["coaching_municipal"], D(1500) * days / 366)
    assert bases(result, "employership") == [(date(2024, 3, 15), date(2025, 1, 1), D(1500))]
    assert result.lines["employership"].bases[0].days == 292
    # Single: 108 days at the norm of 1 January 2024 and 184 at that of 1 July, twelve months a year.
    assistance = D("1283.83") * 12 * 108 / 366 + D("1308.45") * 12 * 184 / 366
    assert close(lines["assistance_saved"], -assistance)
    assert [(b.rate, b.unit) for b in result.lines["assistance_saved"].bases] == [
        (D("1283.83"), "per_month"), (D("1308.45"), "per_month")]
    assert "single" in result.lines["assistance_saved"].bases[0].source
    assert lines["coaching_external"] == 0 and lines["wage_cost_subsidy"] == 0 and lines["training"] == 0
    assert lines["host_contribution"] == 0
    assert result.missing == [] and result.provisional_from is None
    # The totals are the lines.
    assert result.totals.costs == sum((lines[c] for c in ("wages", "employer_charges", "employership",
                                                          "coaching_external", "coaching_municipal", "training")),
                                      D(0))
    assert result.totals.net == result.totals.costs + lines["host_contribution"] + lines["assistance_saved"]
    for code in LINES:
        assert result.lines[code].amount == lines[code]
        assert result.lines[code].amount == sum((b.amount for b in result.lines[code].bases), D(0))


def test_a_month_costs_its_days(env, employer_id):
    """February 2024 has 29 days; a 35-hour week is 5 hours a calendar day."""
    with scope(env) as s:
        pid = Builder(s).participant(date(2023, 1, 1))
        Builder(s).contract(pid, employer_id, date(2023, 1, 1), None, hours=35)
    result = cost_of(env, pid, date(2024, 2, 1), date(2024, 3, 1))
    assert result.totals.lines["wages"] == wage("13.27", 5, 29)
    assert close(result.totals.lines["employership"], D(1500) * 29 / 366)
    assert close(result.totals.lines["coaching_municipal"], D(1500) * 29 / 366)
    assert close(result.totals.lines["assistance_saved"], -D("1283.83") * 12 * 29 / 366)
    # Twelve months add up to the year.
    months = [cost_of(env, pid, date(2024, m, 1), date(2024 + (m == 12), m % 12 + 1, 1)) for m in range(1, 13)]
    year = cost_of(env, pid, *YEAR_2024)
    for code in LINES:
        assert close(sum((m.totals.lines[code] for m in months), D(0)), year.totals.lines[code], D("1e-15")), code


def test_an_exit_mid_year_stops_every_line_after_the_exit_day(env, employer_id):
    """Exit on 15 June 2024 (the last day); the contract, the task and the coaching would run on."""
    with scope(env) as s:
        b = Builder(s)
        org = b.organisation("Begeleiding Noord", is_coaching=True)
        pid = b.participant(date(2023, 1, 1), organisation=org, exit_on=date(2024, 6, 15))
        b.contract(pid, employer_id, date(2023, 1, 1), date(2024, 12, 31), hours=35)
        b.assignment(pid, b.task("Buurthuis", "730"), date(2023, 1, 1))
        b.training(pid, "Na het vertrek", date(2024, 7, 1), "400")
    result = cost_of(env, pid, *YEAR_2024)
    days = (date(2024, 6, 16) - date(2024, 1, 1)).days
    assert days == 167
    for code in LINES:
        for basis in result.lines[code].bases:
            assert basis.end <= date(2024, 6, 16), (code, basis)
    lines = result.totals.lines
    assert lines["wages"] == wage("13.27", 5, 167)
    assert close(lines["coaching_external"], D(3000) * days / 366)  # second year: the later-years rate
    assert close(lines["coaching_municipal"], D(1500) * days / 366)
    assert close(lines["employership"], D(1500) * days / 366)
    assert close(lines["host_contribution"], -D(730) * days / 366)
    assert close(lines["assistance_saved"], -D("1283.83") * 12 * days / 366)  # all before the July norm
    assert lines["training"] == 0  # after the exit
    # Nothing at all after the exit.
    after = cost_of(env, pid, date(2024, 6, 16), date(2025, 1, 1))
    assert all(v == 0 for v in after.totals.lines.values())
    assert all(line.bases == [] for line in after.lines.values())
    # The exit day itself still costs a day.
    last = cost_of(env, pid, date(2024, 6, 15), date(2024, 6, 16))
    assert last.totals.lines["wages"] == wage("13.27", 5, 1)


def test_without_a_coaching_organisation_there_is_no_external_coaching(env, employer_id):
    with scope(env) as s:
        b = Builder(s)
        org = b.organisation("Begeleiding Noord", is_coaching=True)
        without = b.participant(date(2023, 1, 1))
        with_org = b.participant(date(2023, 1, 1), organisation=org)
        b.contract(without, employer_id, date(2023, 1, 1), None)
        b.contract(with_org, employer_id, date(2023, 1, 1), None)
    alone = cost_of(env, without, *YEAR_2024)
    assert alone.lines["coaching_external"].amount == 0 and alone.lines["coaching_external"].bases == []
    assert close(alone.totals.lines["coaching_municipal"], D(1500))
    coached = cost_of(env, with_org, *YEAR_2024)
    assert close(coached.totals.lines["coaching_external"], D(3000))
    assert coached.totals.net - alone.totals.net == coached.totals.lines["coaching_external"]


def test_the_first_employment_year_is_at_the_first_year_rate_then_the_later_years_rate(env, employer_id):
    """Started 10 May 2023: 1 January - 9 May 2024 is the first year (130 days at 4,000), from the anniversary
    the second (236 days at 3,000)."""
    with scope(env) as s:
        b = Builder(s)
        org = b.organisation("Begeleiding Noord", is_coaching=True)
        pid = b.participant(date(2023, 5, 10), organisation=org)
        b.contract(pid, employer_id, date(2023, 5, 10), None)
    result = cost_of(env, pid, *YEAR_2024)
    assert bases(result, "coaching_external") == [(date(2024, 1, 1), date(2024, 5, 10), D(4000)),
                                                  (date(2024, 5, 10), date(2025, 1, 1), D(3000))]
    first, later = result.lines["coaching_external"].bases
    assert (first.days, later.days) == (130, 236)
    assert first.source == "setting coaching_external_first_year"
    assert later.source == "setting coaching_external_later_years"
    assert close(first.amount, D(4000) * 130 / 366) and close(later.amount, D(3000) * 236 / 366)
    assert close(result.totals.lines["coaching_external"], D(4000) * 130 / 366 + D(3000) * 236 / 366)
    # The year the participant started is entirely first-year.
    started = cost_of(env, pid, date(2023, 1, 1), date(2024, 1, 1))
    assert bases(started, "coaching_external") == [(date(2023, 5, 10), date(2024, 1, 1), D(4000))]
    assert close(started.totals.lines["coaching_external"], D(4000) * 236 / 365)


def test_a_participant_starting_on_29_february_changes_rate_on_1_march(env, employer_id):
    with scope(env) as s:
        b = Builder(s)
        org = b.organisation("Begeleiding Noord", is_coaching=True)
        pid = b.participant(date(2024, 2, 29), organisation=org)
        b.contract(pid, employer_id, date(2024, 2, 29), None)
    result = cost_of(env, pid, date(2025, 1, 1), date(2026, 1, 1))
    assert bases(result, "coaching_external") == [(date(2025, 1, 1), date(2025, 3, 1), D(4000)),
                                                  (date(2025, 3, 1), date(2026, 1, 1), D(3000))]


def test_a_new_employership_cost_from_a_date_changes_the_rate_from_that_date(env, employer_id):
    add_settings(env, {"employership_cost_per_year": "2400"}, date(2024, 7, 1))
    with scope(env) as s:
        pid = Builder(s).participant(date(2024, 1, 1))
        Builder(s).contract(pid, employer_id, date(2024, 1, 1), None)
    result = cost_of(env, pid, *YEAR_2024)
    assert bases(result, "employership") == [(date(2024, 1, 1), date(2024, 7, 1), D(1500)),
                                             (date(2024, 7, 1), date(2025, 1, 1), D(2400))]
    assert close(result.totals.lines["employership"], D(1500) * 182 / 366 + D(2400) * 184 / 366)
    # Other settings carry forward: the municipal coach stays one stretch at 1,500.
    assert bases(result, "coaching_municipal") == [(date(2024, 1, 1), date(2025, 1, 1), D(1500))]
    # Before the version the old rate applies whole.
    before = cost_of(env, pid, date(2024, 1, 1), date(2024, 7, 1))
    assert close(before.totals.lines["employership"], D(1500) * 182 / 366)


def test_new_employer_charges_from_a_date_apply_to_the_pay_from_that_date(env, employer_id):
    add_settings(env, {"employer_charges_rate": "0.12"}, date(2024, 7, 1))
    with scope(env) as s:
        pid = Builder(s).participant(date(2024, 1, 1))
        Builder(s).contract(pid, employer_id, date(2024, 1, 1), None, hours=35)
    result = cost_of(env, pid, *YEAR_2024)
    first, second = wage("13.27", 5, 182), wage("13.68", 5, 184)
    assert result.totals.lines["wages"] == first + second
    assert result.totals.lines["employer_charges"] == first * D("0.15") + second * D("0.18")
    assert [b.rate for b in result.lines["employer_charges"].bases] == [D("0.15"), D("0.18")]


def test_a_couple_household_gets_the_couple_norm(env, employer_id):
    with scope(env) as s:
        b = Builder(s)
        couple = b.participant(date(2023, 1, 1), household="couple")
        family = b.participant(date(2023, 1, 1), household="couple_with_children")
        parent = b.participant(date(2023, 1, 1), household="single_parent")
        for pid in (couple, family, parent):
            b.contract(pid, employer_id, date(2023, 1, 1), None)
    expected_couple = D("1834.04") * 12 * 182 / 366 + D("1869.21") * 12 * 184 / 366
    expected_single = D("1283.83") * 12 * 182 / 366 + D("1308.45") * 12 * 184 / 366
    for pid in (couple, family):
        result = cost_of(env, pid, *YEAR_2024)
        assert close(result.totals.lines["assistance_saved"], -expected_couple)
        assert [b.rate for b in result.lines["assistance_saved"].bases] == [D("1834.04"), D("1869.21")]
        assert all("(couple)" in b.source for b in result.lines["assistance_saved"].bases)
    single_parent = cost_of(env, parent, *YEAR_2024)
    assert close(single_parent.totals.lines["assistance_saved"], -expected_single)
    assert all("(single)" in b.source for b in single_parent.lines["assistance_saved"].bases)


# --- unpublished parameters ----------------------------------------------------------------------------------

def test_after_2025_the_assistance_norm_is_reported_missing(env, employer_id):
    with scope(env) as s:
        pid = Builder(s).participant(date(2025, 1, 1))
        Builder(s).contract(pid, employer_id, date(2025, 1, 1), None, hours=35)  # permanent, into 2026
    result = cost_of(env, pid, date(2025, 7, 1), date(2026, 7, 1))
    assert result.missing == [Missing("social-assistance norm", date(2026, 1, 1))]
    # The days of 2026 are left out of the assistance saved, and only of that line.
    assert close(result.totals.lines["assistance_saved"], -D("1369.06") * 12 * 184 / 365)
    assert result.lines["assistance_saved"].bases[-1].end == date(2026, 1, 1)
    assert result.totals.lines["wages"] == wage("14.40", 5, 184) + wage("14.71", 5, 181)
    assert result.lines["wages"].bases[-1].end == date(2026, 7, 1)
    assert close(result.totals.lines["employership"], D(1500) * 184 / 365 + D(1500) * 181 / 365)
    assert result.provisional_from is None  # the minimum wage of 1 January 2026 is published
    # A period starting later names its own first day.
    later = cost_of(env, pid, date(2026, 3, 1), date(2026, 4, 1))
    assert later.missing == [Missing("social-assistance norm", date(2026, 3, 1))]
    assert later.totals.lines["assistance_saved"] == 0
    # Within the published period nothing is missing.
    assert cost_of(env, pid, date(2025, 1, 1), date(2026, 1, 1)).missing == []


def test_the_minimum_wage_after_1_july_2026_is_provisional(env, employer_id):
    with scope(env) as s:
        pid = Builder(s).participant(date(2025, 1, 1))
        Builder(s).contract(pid, employer_id, date(2025, 1, 1), None, hours=35)
    result = cost_of(env, pid, date(2026, 1, 1), date(2027, 1, 1))
    assert result.provisional_from == date(2026, 7, 1)
    # The last published rate carried forward.
    assert result.totals.lines["wages"] == wage("14.71", 5, 365)
    assert [b.rate for b in result.lines["wages"].bases] == [D("14.71")]
    assert result.missing == [Missing("social-assistance norm", date(2026, 1, 1))]
    assert result.totals.lines["assistance_saved"] == 0
    first_half = cost_of(env, pid, date(2026, 1, 1), date(2026, 7, 1))
    assert first_half.provisional_from is None
    autumn = cost_of(env, pid, date(2026, 9, 1), date(2026, 10, 1))
    assert autumn.provisional_from == date(2026, 9, 1)


# --- trainings and host contributions ------------------------------------------------------------------------

def test_a_training_with_a_cost_counts_once_on_its_start_date(env, employer_id):
    with scope(env) as s:
        b = Builder(s)
        pid = b.participant(date(2023, 1, 1))
        b.contract(pid, employer_id, date(2023, 1, 1), None)
        b.training(pid, "BHV", date(2024, 3, 10), "250", completed_on=date(2024, 4, 20))
        b.training(pid, "Sociale hygiene", date(2024, 5, 1), None)   # no cost recorded
        b.training(pid, "Gratis cursus", date(2024, 6, 1), "0")
        b.training(pid, "Vorig jaar", date(2023, 11, 1), "300", completed_on=date(2024, 2, 1))
    year = cost_of(env, pid, *YEAR_2024)
    assert year.totals.lines["training"] == D(250)
    [basis] = year.lines["training"].bases
    assert (basis.start, basis.end, basis.amount, basis.rate, basis.unit) == (
        date(2024, 3, 10), date(2024, 3, 11), D(250), D(250), "one_off")
    assert basis.source == "training: BHV"
    assert cost_of(env, pid, date(2024, 3, 10), date(2024, 3, 11)).totals.lines["training"] == D(250)
    assert cost_of(env, pid, date(2024, 3, 11), date(2024, 5, 1)).totals.lines["training"] == 0  # still running
    assert cost_of(env, pid, date(2024, 1, 1), date(2024, 3, 10)).totals.lines["training"] == 0
    assert cost_of(env, pid, date(2023, 1, 1), date(2024, 1, 1)).totals.lines["training"] == D(300)
    assert cost_of(env, pid, date(2023, 1, 1), date(2025, 1, 1)).totals.lines["training"] == D(550)


def test_host_contributions_only_while_the_assignment_runs(env, employer_id):
    """A fee of 730 a year is 2 a day in 2025; the assignment runs 1 March - 31 May (92 days)."""
    with scope(env) as s:
        b = Builder(s)
        pid = b.participant(date(2024, 1, 1))
        b.contract(pid, employer_id, date(2024, 1, 1), None)
        b.assignment(pid, b.task("Buurthuis", "730"), date(2025, 3, 1), date(2025, 5, 31))
        b.assignment(pid, b.task("Zonder bijdrage", None), date(2025, 1, 1))
        b.assignment(pid, b.task("Nul", "0"), date(2025, 1, 1))
        b.assignment(pid, b.task("Vorig jaar", "1000"), date(2024, 1, 1), date(2024, 12, 31))
    result = cost_of(env, pid, date(2025, 1, 1), date(2026, 1, 1))
    assert result.totals.lines["host_contribution"] == D(-184)
    assert [(b.start, b.end, b.rate, b.unit, b.source) for b in result.lines["host_contribution"].bases] == [
        (date(2025, 3, 1), date(2025, 6, 1), D(730), "per_year", "task: Buurthuis")]
    assert result.totals.contributions == D(-184)
    assert result.totals.gross == result.totals.costs - 184
    # The earlier task counted in 2024, for the whole (leap) year.
    assert close(cost_of(env, pid, *YEAR_2024).totals.lines["host_contribution"], D(-1000))


def test_two_tasks_at_once_each_show_one_stretch(env, employer_id):
    with scope(env) as s:
        b = Builder(s)
        pid = b.participant(date(2024, 1, 1))
        b.contract(pid, employer_id, date(2024, 1, 1), None)
        b.assignment(pid, b.task("Buurthuis", "730"), date(2024, 1, 1))
        b.assignment(pid, b.task("Speeltuin", "366"), date(2024, 1, 1))
    result = cost_of(env, pid, *YEAR_2024)
    assert close(result.totals.lines["host_contribution"], D(-730) - D(366))
    assert sorted((b.source, b.start, b.end) for b in result.lines["host_contribution"].bases) == [
        ("task: Buurthuis", date(2024, 1, 1), date(2025, 1, 1)),
        ("task: Speeltuin", date(2024, 1, 1), date(2025, 1, 1))]


def test_an_open_assignment_contributes_until_the_end_of_the_period(env, employer_id):
    with scope(env) as s:
        b = Builder(s)
        pid = b.participant(date(2024, 1, 1))
        b.contract(pid, employer_id, date(2024, 1, 1), None)
        b.assignment(pid, b.task("Buurthuis", "730"), date(2025, 10, 1))
    result = cost_of(env, pid, date(2025, 1, 1), date(2026, 1, 1))
    assert result.totals.lines["host_contribution"] == -D(2) * 92


# --- wage values and the subsidy -----------------------------------------------------------------------------

def test_a_wage_value_assessment_gives_a_subsidy_from_its_date(env, employer_id):
    with scope(env) as s:
        pid = Builder(s).participant(date(2024, 1, 1))
        Builder(s).contract(pid, employer_id, date(2024, 1, 1), None, hours=35)
        wage_values.add(s, s.get(Participant, pid), {"assessed_on": date(2025, 3, 1), "wage_value_percent": D(40),
                                                     "assessor": "UWV"}, ACTOR, date(2025, 3, 2))
    result = cost_of(env, pid, date(2025, 1, 1), date(2026, 1, 1))
    # (WML - 40%) = 60% of WML, within the cap; 1 March - 30 June at 14.06, July - December at 14.40.
    expected = (D("14.06") * 5 * 122 + D("14.40") * 5 * 184) * D("1.08") * D("0.60") * D("1.235")
    assert close(result.totals.lines["wage_cost_subsidy"], -expected)
    assert [(b.start, b.end, b.rate, b.unit) for b in result.lines["wage_cost_subsidy"].bases] == [
        (date(2025, 3, 1), date(2026, 1, 1), D(40), "wage_value_percent")]
    assert result.lines["wage_cost_subsidy"].bases[0].source == "wage value assessed on 2025-03-01"


def test_a_default_wage_value_applies_without_an_assessment(env, employer_id):
    add_settings(env, {"default_wage_value_percent": "50"}, date(2024, 1, 1))
    with scope(env) as s:
        pid = Builder(s).participant(date(2024, 1, 1))
        Builder(s).contract(pid, employer_id, date(2024, 1, 1), None, hours=35)
    result = cost_of(env, pid, *YEAR_2024)
    expected = (D("13.27") * 5 * 182 + D("13.68") * 5 * 184) * D("1.08") * D("0.5") * D("1.235")
    assert close(result.totals.lines["wage_cost_subsidy"], -expected)
    assert result.lines["wage_cost_subsidy"].bases[0].source == "setting default_wage_value_percent"


@pytest.mark.parametrize("data, field", [
    ({"assessed_on": date(2025, 3, 1), "wage_value_percent": D(101), "assessor": "UWV"}, "wage_value_percent"),
    ({"assessed_on": date(2025, 3, 1), "wage_value_percent": D(-1), "assessor": "UWV"}, "wage_value_percent"),
    ({"assessed_on": date(2025, 3, 1), "wage_value_percent": D(50), "assessor": "  "}, "assessor"),
    ({"assessed_on": date(2023, 12, 31), "wage_value_percent": D(50), "assessor": "UWV"}, "assessed_on"),
    ({"assessed_on": date(2025, 6, 2), "wage_value_percent": D(50), "assessor": "UWV"}, "assessed_on"),
    ({"wage_value_percent": D(50), "assessor": "UWV"}, "assessed_on"),
])
def test_a_wrong_assessment_is_refused_naming_the_field(env, employer_id, data, field):
    with scope(env) as s:
        pid = Builder(s).participant(date(2024, 1, 1))
    with scope(env) as s:
        with pytest.raises(InvalidInput) as excinfo:
            wage_values.add(s, s.get(Participant, pid), data, ACTOR, date(2025, 6, 1))
        assert field in excinfo.value.errors
    with scope(env) as s:
        assert wage_values.of(s, s.get(Participant, pid)) == []


# --- the programme --------------------------------------------------------------------------------------------

@pytest.fixture
def four(env):
    """Four participants in 2024: A and B coached by O1 (A in Beijum, B in Vinkhuizen), C by O2 under CAO Aan
    de Slag at another employer, D without a contract for the first half year."""
    with scope(env) as s:
        b = Builder(s)
        beijum, vinkhuizen = b.neighbourhood("Beijum"), b.neighbourhood("Vinkhuizen")
        o1 = b.organisation("Begeleiding Noord", is_coaching=True)
        o2 = b.organisation("Begeleiding Zuid", is_coaching=True)
        thermiek = b.organisation("Thermiek BV", is_employer=True)
        gemeente = b.organisation("Gemeente Groningen", is_employer=True)
        a = b.participant(date(2023, 5, 10), neighbourhood=beijum, organisation=o1)
        b.contract(a, thermiek, date(2023, 5, 10), None, (date(2024, 9, 1), 28), hours=35)
        p_b = b.participant(date(2024, 3, 15), neighbourhood=vinkhuizen, organisation=o1, household="couple")
        b.contract(p_b, thermiek, date(2024, 3, 15), date(2025, 3, 14), hours=28)
        b.assignment(p_b, b.task("Buurthuis", "730"), date(2024, 4, 1), date(2024, 10, 31))
        c = b.participant(date(2024, 1, 1), organisation=o2)
        b.contract(c, gemeente, date(2024, 1, 1), None, hours=35, cao="cao_aan_de_slag")
        b.training(c, "BHV", date(2024, 2, 1), "250")
        d = b.participant(date(2024, 1, 1), neighbourhood=beijum, exit_on=date(2024, 10, 31))
        b.contract(d, gemeente, date(2024, 7, 1), date(2025, 6, 30), hours=21)
    return {"A": a, "B": p_b, "C": c, "D": d, "O1": o1, "O2": o2}


def _assert_sums(groups: dict, total: Totals, tolerance=D("1e-15")):
    for code in LINES:
        assert close(sum((g.lines[code] for g in groups.values()), D(0)), total.lines[code], tolerance), code


@pytest.mark.parametrize("group_by", [None, "month", "year", "employer", "cao", "neighbourhood"])
def test_programme_cost_grouped_sums_to_the_ungrouped_total(env, four, group_by):
    whole = programme(env, *YEAR_2024)
    grouped = programme(env, *YEAR_2024, group_by)
    assert grouped.participants == whole.participants == 4
    _assert_sums(grouped.groups, grouped.total)
    for code in LINES:
        assert close(grouped.total.lines[code], whole.total.lines[code], D("1e-15")), code
    # And the programme is the sum of its participants.
    each = [cost_of(env, four[k], *YEAR_2024).totals for k in "ABCD"]
    for code in LINES:
        assert close(sum((t.lines[code] for t in each), D(0)), whole.total.lines[code], D("1e-15")), code
    assert grouped.group_by == group_by and (grouped.start, grouped.end) == YEAR_2024


def test_programme_group_keys(env, four):
    assert list(programme(env, *YEAR_2024).groups) == ["total"]
    assert list(programme(env, *YEAR_2024, "year").groups) == [2024]
    months = programme(env, *YEAR_2024, "month").groups
    assert list(months) == [f"2024-{m:02d}" for m in range(1, 13)]
    # Without a contract there is no employer or CAO: those costs (municipal coach, host fee) group as "none",
    # which comes last.
    employers = programme(env, *YEAR_2024, "employer").groups
    assert list(employers) == ["Gemeente Groningen", "Thermiek BV", "none"]
    assert employers["none"].lines["wages"] == 0 and employers["none"].lines["coaching_municipal"] > 0
    caos = programme(env, *YEAR_2024, "cao").groups
    assert list(caos) == ["cao_aan_de_slag", "cao_sw", "none"]
    assert caos["cao_aan_de_slag"].lines["training"] == D(250)
    hoods = programme(env, *YEAR_2024, "neighbourhood").groups
    assert list(hoods) == ["Beijum", "Vinkhuizen", "none"]
    # C lives in no neighbourhood: all of C's costs are under "none".
    c = cost_of(env, four["C"], *YEAR_2024).totals
    for code in LINES:
        assert close(hoods["none"].lines[code], c.lines[code]), code


def test_programme_months_are_the_month_costs(env, four):
    months = programme(env, *YEAR_2024, "month").groups
    march = programme(env, date(2024, 3, 1), date(2024, 4, 1))
    for code in LINES:
        assert close(months["2024-03"].lines[code], march.total.lines[code]), code


def test_a_job_coach_sees_the_costs_of_their_organisations_participants_only(env, four):
    viewer = Viewer(frozenset({"jobcoach"}), organisation_id=four["O1"])
    scoped = programme(env, *YEAR_2024, "cao", viewer=viewer)
    assert scoped.participants == 2
    mine = [cost_of(env, four[k], *YEAR_2024).totals for k in "AB"]
    for code in LINES:
        assert close(scoped.total.lines[code], sum((t.lines[code] for t in mine), D(0))), code
    assert list(scoped.groups) == ["cao_sw"]
    whole = programme(env, *YEAR_2024)
    assert scoped.total.net < whole.total.net
    # A job coach without an organisation sees nothing; a municipal coach or finance sees everything.
    nobody = programme(env, *YEAR_2024, viewer=Viewer(frozenset({"jobcoach"})))
    assert nobody.participants == 0 and nobody.total.net == 0 and nobody.groups == {}
    for roles in ({"coach"}, {"finance"}, {"admin"}):
        everyone = programme(env, *YEAR_2024, viewer=Viewer(frozenset(roles)))
        assert everyone.participants == 4 and close(everyone.total.net, whole.total.net)


def count_statements(env: Env, call) -> int:
    """SQL statements run by `call(session, timeline)` (the timeline's own statement not included)."""
    statements: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with scope(env) as s:
        tl = timeline(s, env)
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            call(s, tl)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def test_programme_costs_take_the_same_statements_for_more_participants(env, four):
    def run(s, tl):
        for group_by in (None, "month", "employer", "neighbourhood"):
            cost_service.programme_cost(s, tl, date(2023, 1, 1), date(2026, 1, 1), group_by)

    few = count_statements(env, run)
    with scope(env) as s:
        b = Builder(s)
        hood = b.neighbourhood("Selwerd")
        org = b.organisation("Begeleiding Oost", is_coaching=True)
        work = b.organisation("Werkbedrijf", is_employer=True)
        task = b.task("Zwerfafval", "500")
        for n in range(6):
            pid = b.participant(date(2023, 1 + n, 1), neighbourhood=hood, organisation=org,
                                household="couple" if n % 2 else "single")
            b.contract(pid, work, date(2023, 1 + n, 1), date(2023, 12, 31), hours=28)
            b.contract(pid, work, date(2024, 1, 1), None, (date(2024, 6, 1), 35), hours=28)
            b.assignment(pid, task, date(2023, 3, 1), date(2024, 2, 29))
            b.training(pid, "BHV", date(2023, 4, 1), "150")
            wage_values.add(s, s.get(Participant, pid), {"assessed_on": date(2024, 1, 1), "wage_value_percent": D(60),
                                                         "assessor": "UWV"}, ACTOR, date(2024, 1, 2))
    many = count_statements(env, run)
    assert many == few
    with scope(env) as s:
        assert cost_service.programme_cost(s, timeline(s, env), date(2023, 1, 1), date(2026, 1, 1)).participants == 10


def _totals(net):
    found = Totals()
    found.add("wages", D(net))
    return found


@pytest.mark.parametrize("sizes, minimum, shown", [
    ({"a": 10, "b": 6, "c": 2}, 0, {"a", "b", "c"}),
    ({"a": 10, "b": 6, "c": 2}, 5, {"a"}),          # c, and the next smallest so c cannot be worked out
    ({"a": 10, "b": 2, "c": 3}, 5, {"a"}),          # two small ones hide each other
    ({"a": 10, "b": 5}, 5, {"a", "b"}),             # five is enough
    ({"a": 3}, 5, set()),
    ({"a": 10, "c": 6, "b": 6, "d": 1}, 5, {"a", "c"}),  # ties: by name
    ({"a": 1, "b": 1, "c": 1}, 5, set()),
])
def test_small_groups_are_suppressed(sizes, minimum, shown):
    groups = {key: _totals(n) for key, n in sizes.items()}
    kept, hidden = cost_service.suppress_small(groups, sizes, minimum)
    assert set(kept) == shown and hidden == len(sizes) - len(shown)
    assert all(kept[key] is groups[key] for key in kept)


def test_programme_groups_below_a_minimum_are_left_out_but_counted_in_the_total(env, four):
    full = programme(env, *YEAR_2024, "cao")
    with scope(env) as s:
        tl = timeline(s, env)
        two = cost_service.programme_cost(s, tl, *YEAR_2024, "cao", hide_below=2)
        five = cost_service.programme_cost(s, tl, *YEAR_2024, "cao", hide_below=5)
        plain = cost_service.programme_cost(s, tl, *YEAR_2024, None, hide_below=5)
    # cao_sw: A, B and D (from July); cao_aan_de_slag: C; none: D before her contract.
    assert (list(full.groups), full.suppressed) == (["cao_aan_de_slag", "cao_sw", "none"], 0)
    assert (list(two.groups), two.suppressed) == (["cao_sw"], 2)
    assert (list(five.groups), five.suppressed) == ([], 3)
    for result in (two, five, plain):
        assert result.participants == 4
        for code in LINES:
            assert close(result.total.lines[code], full.total.lines[code], D("1e-15")), code
    # Without grouping there is nothing to suppress.
    assert list(plain.groups) == ["total"] and plain.suppressed == 0


def test_the_programme_counts_only_participants_in_the_period(env, four):
    assert programme(env, date(2024, 1, 1), date(2024, 2, 1)).participants == 3  # B starts in March
    assert programme(env, date(2024, 11, 1), date(2024, 12, 1)).participants == 3  # D left in October
    assert programme(env, date(2020, 1, 1), date(2021, 1, 1)).participants == 0


def test_an_unknown_grouping_is_refused_naming_group_by(env, four):
    with pytest.raises(InvalidInput) as excinfo:
        programme(env, *YEAR_2024, "coach")
    assert "group_by" in excinfo.value.errors


@pytest.mark.parametrize("start, end", [(date(2024, 1, 1), date(2024, 1, 1)), (date(2024, 2, 1), date(2024, 1, 1))])
def test_an_empty_period_is_refused_naming_to(env, four, start, end):
    with pytest.raises(InvalidInput) as excinfo:
        programme(env, start, end)
    assert "to" in excinfo.value.errors
    with pytest.raises(InvalidInput) as excinfo:
        cost_of(env, four["A"], start, end)
    assert "to" in excinfo.value.errors


# --- funding sources -----------------------------------------------------------------------------------------

def source_data(**overrides) -> dict:
    data = {"name": "Gemeentelijk budget", "kind": "municipal_budget", "funder": "Gemeente Groningen",
            "amount": D("3000000.00"), "start_on": date(2024, 1, 1), "end_on": date(2026, 12, 31),
            "conditions": None, "earmark": "Basisbanen"}
    data.update(overrides)
    return data


def funding_counts(env: Env) -> tuple[int, int, int]:
    with scope(env) as s:
        return (s.scalar(select(func.count()).select_from(FundingSource)),
                s.scalar(select(func.count()).select_from(FundingAllocation)),
                s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("funding%"))))


def create_source(env: Env, **overrides):
    with scope(env) as s:
        source = funding_service.create(s, source_data(**overrides), ACTOR)
        return source.id


def test_a_funding_source_is_created_and_audited(env):
    sid = create_source(env, name="  NPG  ")
    with scope(env) as s:
        source = funding_service.get(s, sid)
        assert (source.name, source.amount, source.version) == ("NPG", D("3000000.00"), 1)
        assert funding_service.allocated(s, sid) == 0
    assert funding_counts(env) == (1, 0, 1)


@pytest.mark.parametrize("overrides, field", [
    ({"amount": D("-1")}, "amount"),
    ({"amount": None}, "amount"),
    ({"amount": D("1000000000.01")}, "amount"),
    ({"end_on": date(2023, 12, 31)}, "end_on"),
    ({"start_on": None}, "start_on"),
    ({"name": "   "}, "name"),
    ({"kind": "gift"}, "kind"),
    ({"start_on": date(1899, 12, 31)}, "start_on"),
])
def test_a_wrong_funding_source_is_refused_naming_the_field(env, overrides, field):
    with scope(env) as s:
        with pytest.raises(InvalidInput) as excinfo:
            funding_service.create(s, source_data(**overrides), ACTOR)
        assert field in excinfo.value.errors
    assert funding_counts(env) == (0, 0, 0)


def test_a_duplicate_name_is_refused_whatever_its_case(env):
    create_source(env, name="ESF+")
    with scope(env) as s:
        with pytest.raises(Conflict) as excinfo:
            funding_service.create(s, source_data(name=" esf+ "), ACTOR)
        assert "name" in excinfo.value.errors
    assert funding_counts(env) == (1, 0, 1)


def allocate(env, sid, year, amount, note=None):
    with scope(env) as s:
        return funding_service.allocate(s, funding_service.get(s, sid), {"year": year, "amount": D(amount),
                                                                         "note": note}, ACTOR)


def test_allocations_never_exceed_the_source(env):
    sid = create_source(env, amount=D("1000000.00"))
    allocate(env, sid, 2024, "400000.00", "eerste jaar")
    allocate(env, sid, 2025, "350000.00")
    with scope(env) as s:
        with pytest.raises(InvalidInput) as excinfo:
            funding_service.allocate(s, funding_service.get(s, sid), {"year": 2026, "amount": D("250000.01")}, ACTOR)
        assert list(excinfo.value.errors) == ["amount"]
        assert "250000.00" in excinfo.value.errors["amount"][0]
    allocate(env, sid, 2026, "250000.00")  # exactly what is left
    with scope(env) as s:
        assert funding_service.allocated(s, sid) == D("1000000.00")
        with pytest.raises(InvalidInput) as excinfo:
            funding_service.allocate(s, funding_service.get(s, sid), {"year": 2026, "amount": D("0.01")}, ACTOR)
        assert "0.00" in excinfo.value.errors["amount"][0]
        rows = funding_service.allocations_of(s, [sid])[sid]
        assert [(r.year, r.amount, r.note) for r in rows] == [(2024, D("400000.00"), "eerste jaar"),
                                                              (2025, D("350000.00"), None),
                                                              (2026, D("250000.00"), None)]
    assert funding_counts(env) == (1, 3, 4)


@pytest.mark.parametrize("year, amount, field", [
    (2023, "100", "year"), (2027, "100", "year"), (None, "100", "year"), (2024, "0", "amount"),
    (2024, "-5", "amount"), (2024, None, "amount"),
])
def test_a_wrong_allocation_is_refused_naming_the_field(env, year, amount, field):
    sid = create_source(env)
    with scope(env) as s:
        with pytest.raises(InvalidInput) as excinfo:
            funding_service.allocate(s, funding_service.get(s, sid),
                                     {"year": year, "amount": None if amount is None else D(amount)}, ACTOR)
        assert field in excinfo.value.errors
    assert funding_counts(env) == (1, 0, 1)


def test_a_source_without_an_end_takes_allocations_for_any_later_year(env):
    sid = create_source(env, end_on=None)
    allocate(env, sid, 2035, "10.00")
    with pytest.raises(InvalidInput):
        allocate(env, sid, 2023, "10.00")


def test_an_update_with_a_stale_version_is_a_conflict(env):
    sid = create_source(env)
    with scope(env) as s:
        updated = funding_service.update(s, funding_service.get(s, sid), {"amount": D("2500000.00"), "version": 1},
                                         ACTOR)
        assert updated.version == 2 and updated.amount == D("2500000.00")
    with scope(env) as s:
        with pytest.raises(Conflict) as excinfo:
            funding_service.update(s, funding_service.get(s, sid), {"amount": D("1.00"), "version": 1}, ACTOR)
        assert "version" in excinfo.value.errors
    with scope(env) as s:
        source = funding_service.get(s, sid)
        assert (source.amount, source.version) == (D("2500000.00"), 2)


def test_the_amount_cannot_drop_below_what_is_allocated(env):
    sid = create_source(env, amount=D("1000.00"))
    allocate(env, sid, 2024, "600.00")
    with scope(env) as s:
        with pytest.raises(InvalidInput) as excinfo:
            funding_service.update(s, funding_service.get(s, sid), {"amount": D("599.99"), "version": 1}, ACTOR)
        assert "amount" in excinfo.value.errors and "600.00" in excinfo.value.errors["amount"][0]
    with scope(env) as s:
        assert funding_service.get(s, sid).amount == D("1000.00")
        funding_service.update(s, funding_service.get(s, sid), {"amount": D("600.00"), "version": 1}, ACTOR)
    with scope(env) as s:
        assert funding_service.get(s, sid).amount == D("600.00")


def test_the_period_cannot_leave_allocated_years_out(env):
    sid = create_source(env)
    allocate(env, sid, 2026, "100.00")
    with scope(env) as s:
        with pytest.raises(InvalidInput):
            funding_service.update(s, funding_service.get(s, sid), {"end_on": date(2025, 12, 31), "version": 1},
                                   ACTOR)
    with scope(env) as s:
        assert funding_service.get(s, sid).end_on == date(2026, 12, 31)


def test_renaming_to_an_existing_name_is_refused(env):
    create_source(env, name="JTF")
    sid = create_source(env, name="NPG")
    with scope(env) as s:
        with pytest.raises(Conflict) as excinfo:
            funding_service.update(s, funding_service.get(s, sid), {"name": "jtf", "version": 1}, ACTOR)
        assert "name" in excinfo.value.errors
        # Its own name (in another case) is fine.
        renamed = funding_service.update(s, funding_service.get(s, sid), {"name": " npg ", "version": 1}, ACTOR)
        assert renamed.name == "npg"


# --- budget versus actual ------------------------------------------------------------------------------------

def test_budget_versus_actual_per_year(env, four):
    municipal = create_source(env, name="Gemeente", amount=D("100000.00"), start_on=date(2024, 1, 1), end_on=None)
    grant = create_source(env, name="NPG", kind="grant", amount=D("50000.00"), start_on=date(2024, 1, 1),
                          end_on=date(2025, 12, 31))
    allocate(env, municipal, 2024, "60000.00")
    allocate(env, grant, 2024, "20000.00")
    allocate(env, grant, 2024, "5000.00")
    allocate(env, municipal, 2026, "30000.00")
    with scope(env) as s:
        budget = funding_service.budget_versus_actual(s, timeline(s, env), 2024, 2026)
    assert [y.year for y in budget.years] == [2024, 2025, 2026]
    first, second, third = budget.years
    assert first.budget == D("85000.00") and first.by_source == {"Gemeente": D("60000.00"), "NPG": D("25000.00")}
    assert second.budget == 0 and second.by_source == {}
    assert third.budget == D("30000.00")
    actual_2024 = programme(env, *YEAR_2024).total
    assert close(first.actual.net, actual_2024.net, D("1e-15"))
    assert first.actual.net > 0
    for year in budget.years:
        assert year.gap == year.actual.net - year.budget
    assert close(second.actual.net, programme(env, date(2025, 1, 1), date(2026, 1, 1)).total.net, D("1e-15"))
    # A and C have open contracts running into 2026, where no assistance norm is published.
    assert Missing("social-assistance norm", date(2026, 1, 1)) in budget.missing
    assert budget.provisional_from == date(2026, 7, 1)


def test_budget_years_without_anything_are_zero(env):
    with scope(env) as s:
        budget = funding_service.budget_versus_actual(s, timeline(s, env), 2024, 2024)
    [year] = budget.years
    assert year.budget == 0 and year.actual.net == 0 and year.gap == 0
    assert budget.missing == [] and budget.provisional_from is None


@pytest.mark.parametrize("first, last", [(2025, 2024), (2000, 2021)])
def test_budget_years_in_the_wrong_order_or_too_many_are_refused(env, first, last):
    with scope(env) as s:
        with pytest.raises(InvalidInput) as excinfo:
            funding_service.budget_versus_actual(s, timeline(s, env), first, last)
        assert "to_year" in excinfo.value.errors
