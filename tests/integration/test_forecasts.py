"""Forecast scenarios (basisbaan.services.forecasts): growth towards a target, the checks of a scenario, the
cost per year priced with the same rules as real participants, unpublished assistance norms (missing, or
carried forward when the scenario says so), the funding of a year and the gap.

Expected costs are computed here from the national tables and the municipality's settings: Groningen (CAO SW,
32 hours, 1,500 employership, 4,000 / 3,000 coaching organisation, 1,500 municipal coach, 9% + 6% charges) and
Amersfoort (CAO Aan de Slag only; the core's zero cost settings and the CAO's 18% charges + 6% pension)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from basisbaan.domain.costs import LINES, Missing
from basisbaan.errors import Conflict, InvalidInput, NotFound
from basisbaan.models import Forecast, Participant, Person
from basisbaan.services import forecasts as forecast_service
from basisbaan.services import funding as funding_service
from basisbaan.services.audit import Actor
from tests.integration.test_costs_services import Env, scope, timeline

D = Decimal
ACTOR = Actor.system("test")
MISSING_NORM_2026 = Missing("social-assistance norm", date(2026, 1, 1))
PLAN = {"start_year": 2024, "end_year": 2026, "growth_per_year": 50, "target": 250, "current": 132}


# Env, scope and timeline: shared with the cost tests.


@pytest.fixture
def groningen(app, registry, make_tenant) -> Env:
    return Env(app, registry, make_tenant("groningen"))


@pytest.fixture
def amersfoort(app, registry, make_tenant) -> Env:
    return Env(app, registry, make_tenant("amersfoort"))


def checked(env: Env, data: dict) -> dict:
    with scope(env) as s:
        return forecast_service.check(s, timeline(s, env), data)


def projected(env: Env, data: dict) -> list[forecast_service.Year]:
    with scope(env) as s:
        tl = timeline(s, env)
        return forecast_service.project(s, tl, forecast_service.check(s, tl, data))


def refused(env: Env, data: dict) -> dict:
    with scope(env) as s:
        with pytest.raises(InvalidInput) as excinfo:
            forecast_service.check(s, timeline(s, env), data)
    return excinfo.value.errors


def close(actual, expected, tolerance=D("1e-12")) -> bool:
    return abs(D(actual) - D(expected)) <= tolerance


# --- Groningen's plan ----------------------------------------------------------------------------------------

def test_groningens_plan_grows_to_the_target(groningen):
    years = projected(groningen, PLAN)
    assert [y.year for y in years] == [2024, 2025, 2026]
    assert [y.participants_start for y in years] == [132, 182, 232]
    assert [y.starters for y in years] == [50, 50, 18]  # the last year is capped by the target
    assert [y.exits for y in years] == [0, 0, 0]
    assert [y.participants_end for y in years] == [182, 232, 250]
    nets = [y.totals.net for y in years]
    assert all(net > 0 for net in nets)
    assert nets[0] < nets[1] < nets[2]
    assert all(y.funding == 0 and y.gap == y.totals.net for y in years)


def _unit_2024(coaching_external: Decimal) -> dict[str, Decimal]:
    """One Groningen participant for all of 2024: 32 hours at the minimum wage under CAO SW, single."""
    wages = (D("13.27") * 182 + D("13.68") * 184) * 32 / 7 * D("1.1175")
    return {"wages": wages, "employer_charges": wages * D("0.15"), "employership": D(1500),
            "coaching_external": coaching_external, "coaching_municipal": D(1500),
            "assistance_saved": -(D("1283.83") * 182 + D("1308.45") * 184) * 12 / 366}


def test_the_first_year_of_the_plan_costs_each_cohort_its_rates(groningen):
    [first, *_] = projected(groningen, PLAN)
    working, starting = _unit_2024(D(3000)), _unit_2024(D(4000))  # in a later year / in their first year
    for code in LINES:
        expected = 132 * working.get(code, D(0)) + 50 * starting.get(code, D(0))
        assert close(first.totals.lines[code], expected, D("1e-9")), code
    assert first.missing == [] and first.provisional is False


def test_starters_in_july_cost_half_a_year(groningen):
    years = projected(groningen, {"start_year": 2024, "end_year": 2024, "growth_per_year": 10, "current": 0,
                                  "start_month": 7, "hours_per_week": D(35), "host_contribution_per_year": D(366)})
    [year] = years
    assert year.starters == 10 and year.participants_end == 10
    lines = year.totals.lines
    assert close(lines["wages"], 10 * D("13.68") * 5 * 184 * D("1.1175"))
    assert close(lines["coaching_external"], 10 * D(4000) * 184 / 366)
    assert close(lines["employership"], 10 * D(1500) * 184 / 366)
    assert close(lines["host_contribution"], -10 * D(366) * 184 / 366)
    assert close(lines["assistance_saved"], -10 * D("1308.45") * 12 * 184 / 366)


def test_without_a_target_the_growth_goes_on_and_exits_are_subtracted(groningen):
    years = projected(groningen, {"start_year": 2024, "end_year": 2026, "growth_per_year": 0, "current": 100,
                                  "exit_rate": D("0.1")})
    assert [y.participants_start for y in years] == [100, 90, 81]
    assert [y.exits for y in years] == [10, 9, D("8.1")]
    assert [y.participants_end for y in years] == [90, 81, D("72.9")]
    grow = projected(groningen, {"start_year": 2024, "end_year": 2025, "growth_per_year": 25, "current": 10})
    assert [y.participants_end for y in grow] == [35, 60]


def test_scenario_cost_parameters_override_the_settings(groningen):
    base = {"start_year": 2025, "end_year": 2025, "growth_per_year": 0, "current": 10}
    [plain] = projected(groningen, base)
    [changed] = projected(groningen, {**base, "employership_cost_per_year": D(2000), "pension_rate": D("0.10"),
                                      "coaching_external_later_years": D(0)})
    assert close(plain.totals.lines["employership"], 10 * D(1500))
    assert close(changed.totals.lines["employership"], 10 * D(2000))
    assert changed.totals.lines["coaching_external"] == 0
    assert close(changed.totals.lines["employer_charges"], changed.totals.lines["wages"] * D("0.19"), D("1e-9"))
    assert close(plain.totals.lines["employer_charges"], plain.totals.lines["wages"] * D("0.15"), D("1e-9"))


def test_a_default_wage_value_gives_a_subsidy(groningen):
    base = {"start_year": 2025, "end_year": 2025, "growth_per_year": 0, "current": 1, "hours_per_week": D(35)}
    [year] = projected(groningen, {**base, "default_wage_value_percent": D(50)})
    expected = (D("14.06") * 181 + D("14.40") * 184) * 5 * D("1.08") * D("0.5") * D("1.235")
    assert close(year.totals.lines["wage_cost_subsidy"], -expected, D("1e-9"))


def test_the_current_participants_default_to_those_active_on_1_january(groningen):
    with scope(groningen) as s:
        for started, exit_on in ((date(2023, 1, 1), None), (date(2023, 6, 1), None), (date(2024, 1, 1), None),
                                 (date(2024, 1, 2), None), (date(2023, 1, 1), date(2023, 12, 31))):
            person = Person(given_names="Deelnemer", family_name=f"{started}-{exit_on}", household_type="single")
            s.add(person)
            s.flush()
            s.add(Participant(person_id=person.id, started_on=started, exit_on=exit_on,
                              exit_reason="other" if exit_on else None))
    scenario = checked(groningen, {"start_year": 2024, "end_year": 2024, "growth_per_year": 5})
    assert scenario["current"] == 3
    [year] = projected(groningen, {"start_year": 2024, "end_year": 2024, "growth_per_year": 5})
    assert year.participants_start == 3 and year.participants_end == 8


def test_check_fills_in_the_municipalitys_defaults(groningen):
    scenario = checked(groningen, {"start_year": 2024, "end_year": 2025, "current": 0})
    assert scenario["hours_per_week"] == D(32) and scenario["cao"] == "cao_sw"
    assert scenario["household_type"] == "single" and scenario["start_month"] == 1
    assert scenario["growth_per_year"] == 0 and scenario["exit_rate"] == 0
    assert scenario["carry_forward_norms"] is False and scenario["target"] is None


# --- refused scenarios ---------------------------------------------------------------------------------------

def test_a_target_below_the_current_number_is_refused_naming_target(groningen):
    errors = refused(groningen, {**PLAN, "target": 131})
    assert list(errors) == ["target"] and "132" in errors["target"][0]
    assert checked(groningen, {**PLAN, "target": 132})["target"] == 132


@pytest.mark.parametrize("end_year", [2023, 2024 + 15, 2060])
def test_an_end_year_before_the_start_or_too_far_is_refused(groningen, end_year):
    errors = refused(groningen, {**PLAN, "end_year": end_year})
    assert "end_year" in errors


def test_fifteen_years_are_allowed(groningen):
    assert checked(groningen, {**PLAN, "end_year": 2024 + 14})["end_year"] == 2038
    assert checked(groningen, {**PLAN, "end_year": 2024})["end_year"] == 2024


@pytest.mark.parametrize("missing", ["start_year", "end_year"])
def test_the_years_are_required(groningen, missing):
    data = {k: v for k, v in PLAN.items() if k != missing}
    assert missing in refused(groningen, data)


@pytest.mark.parametrize("hours", [D("19.5"), D(37), D(40)])
def test_hours_outside_the_municipalitys_range_are_refused(groningen, hours):
    errors = refused(groningen, {**PLAN, "hours_per_week": hours})
    assert list(errors) == ["hours_per_week"]
    assert "20" in errors["hours_per_week"][0] and "36" in errors["hours_per_week"][0]


@pytest.mark.parametrize("hours", [D(20), D(36)])
def test_hours_at_the_bounds_are_allowed(groningen, hours):
    assert checked(groningen, {**PLAN, "hours_per_week": hours})["hours_per_week"] == hours


def test_zero_hours_are_refused_not_replaced_by_the_default(groningen):
    errors = refused(groningen, {**PLAN, "hours_per_week": D(0)})
    assert "hours_per_week" in errors


def test_every_wrong_field_is_named_at_once(groningen):
    errors = refused(groningen, {**PLAN, "target": 10, "hours_per_week": D(10)})
    assert set(errors) == {"target", "hours_per_week"}


# --- Amersfoort's feasibility question --------------------------------------------------------------------------

def test_amersfoort_offers_only_cao_aan_de_slag(amersfoort):
    errors = refused(amersfoort, {"start_year": 2026, "end_year": 2026, "current": 0, "growth_per_year": 20,
                                  "cao": "cao_sw"})
    assert list(errors) == ["cao"]
    assert checked(amersfoort, {"start_year": 2026, "end_year": 2026, "current": 0})["cao"] == "cao_aan_de_slag"


def test_twenty_jobs_in_amersfoort_from_2026(amersfoort):
    years = projected(amersfoort, {"start_year": 2026, "end_year": 2027, "current": 0, "growth_per_year": 20,
                                   "target": 20, "cao": "cao_aan_de_slag"})
    assert [(y.participants_start, y.starters, y.participants_end) for y in years] == [(0, 20, 20), (20, 0, 20)]
    first = years[0]
    lines = first.totals.lines
    assert first.totals.costs > 0 and first.totals.net > 0
    # 32 hours at the minimum wage of 2026 (14.71, carried forward from July) with 8% holiday allowance; no
    # year-end payment under CAO Aan de Slag.
    wages = 20 * D("14.71") * 32 / 7 * 365 * D("1.08")
    assert close(lines["wages"], wages, D("1e-9"))
    # Employer charges include the PWRI pension: 18% premiums + 6% pension.
    assert close(lines["employer_charges"], wages * D("0.24"), D("1e-9"))
    assert lines["employer_charges"] > wages * D("0.18") + 1
    # Amersfoort set no cost parameters of its own.
    assert lines["employership"] == 0 and lines["coaching_external"] == 0 and lines["coaching_municipal"] == 0
    assert first.provisional is True  # the minimum wage after 1 July 2026 is not published
    assert first.missing == [MISSING_NORM_2026]
    assert lines["assistance_saved"] == 0


# --- unpublished assistance norms ---------------------------------------------------------------------------

def test_without_carrying_norms_forward_the_years_after_2025_list_the_missing_norm(groningen):
    years = projected(groningen, {**PLAN, "end_year": 2027, "carry_forward_norms": False})
    by_year = {y.year: y for y in years}
    assert by_year[2024].missing == [] and by_year[2025].missing == []
    assert by_year[2024].provisional is False and by_year[2025].provisional is False
    assert by_year[2026].missing == [MISSING_NORM_2026]
    assert by_year[2027].missing == [Missing("social-assistance norm", date(2027, 1, 1))]
    assert by_year[2026].totals.lines["assistance_saved"] == 0
    assert by_year[2027].totals.lines["assistance_saved"] == 0
    assert by_year[2025].totals.lines["assistance_saved"] < 0


def test_carrying_norms_forward_is_provisional_and_nothing_is_missing(groningen):
    years = projected(groningen, {**PLAN, "carry_forward_norms": True})
    by_year = {y.year: y for y in years}
    assert all(y.missing == [] for y in years)
    assert by_year[2026].provisional is True
    assert by_year[2025].provisional is False
    # 250 single participants all year at the norm of 1 July 2025.
    assert close(by_year[2026].totals.lines["assistance_saved"], -250 * D("1369.06") * 12, D("1e-9"))
    without = {y.year: y for y in projected(groningen, PLAN)}
    assert close(by_year[2026].totals.net, without[2026].totals.net - 250 * D("1369.06") * 12, D("1e-9"))
    assert close(by_year[2025].totals.net, without[2025].totals.net, D("1e-9"))


def test_a_couple_household_saves_the_couple_norm(groningen):
    base = {"start_year": 2025, "end_year": 2025, "current": 4}
    [single] = projected(groningen, base)
    [couple] = projected(groningen, {**base, "household_type": "couple"})
    assert close(single.totals.lines["assistance_saved"],
                 -4 * (D("1345.45") * 181 + D("1369.06") * 184) * 12 / 365)
    assert close(couple.totals.lines["assistance_saved"],
                 -4 * (D("1922.07") * 181 + D("1955.80") * 184) * 12 / 365)


# --- funding and the gap --------------------------------------------------------------------------------------

def test_the_funding_of_a_year_and_the_gap(groningen):
    with scope(groningen) as s:
        gemeente = funding_service.create(s, {"name": "Gemeente", "kind": "municipal_budget", "amount": D("9000000"),
                                              "start_on": date(2024, 1, 1), "end_on": None}, ACTOR)
        npg = funding_service.create(s, {"name": "NPG", "kind": "grant", "amount": D("1000000"),
                                         "start_on": date(2024, 1, 1), "end_on": date(2025, 12, 31)}, ACTOR)
        funding_service.allocate(s, gemeente, {"year": 2024, "amount": D("3000000.00")}, ACTOR)
        funding_service.allocate(s, npg, {"year": 2024, "amount": D("400000.50")}, ACTOR)
        funding_service.allocate(s, npg, {"year": 2025, "amount": D("599999.50")}, ACTOR)
        funding_service.allocate(s, gemeente, {"year": 2030, "amount": D("5.00")}, ACTOR)  # outside the plan
    years = {y.year: y for y in projected(groningen, PLAN)}
    assert years[2024].funding == D("3400000.50")
    assert years[2025].funding == D("599999.50")
    assert years[2026].funding == 0
    for year in years.values():
        assert year.gap == year.totals.net - year.funding
    assert years[2024].gap < years[2024].totals.net


# --- saved scenarios -----------------------------------------------------------------------------------------

def test_a_saved_scenario_keeps_its_checked_parameters(groningen):
    with scope(groningen) as s:
        forecast = forecast_service.create(s, timeline(s, groningen), {
            "name": "  Groei naar 250 ", "description": " Raadsbrief ",
            "parameters": {**PLAN, "hours_per_week": D("32.0"), "exit_rate": D("0.05"),
                           "employership_cost_per_year": D("1600")}}, ACTOR)
        fid = forecast.id
    with scope(groningen) as s:
        forecast = forecast_service.get(s, fid)
        assert forecast.name == "Groei naar 250" and forecast.description == "Raadsbrief"
        assert forecast.created_by == ACTOR.label
        assert forecast.parameters["hours_per_week"] == "32.0" and forecast.parameters["current"] == 132
        scenario = forecast_service.scenario_of(forecast)
        assert scenario["hours_per_week"] == D("32.0") and scenario["exit_rate"] == D("0.05")
        assert scenario["employership_cost_per_year"] == D(1600) and scenario["pension_rate"] is None
        years = forecast_service.project(s, timeline(s, groningen), scenario)
        assert [y.year for y in years] == [2024, 2025, 2026]
        assert close(years[0].totals.lines["employership"], 182 * D(1600))


def test_saving_a_scenario_is_refused_for_a_missing_or_duplicate_name(groningen):
    with scope(groningen) as s:
        forecast_service.create(s, timeline(s, groningen), {"name": "Plan", "parameters": PLAN}, ACTOR)
    with scope(groningen) as s:
        with pytest.raises(Conflict) as excinfo:
            forecast_service.create(s, timeline(s, groningen), {"name": " plan ", "parameters": PLAN}, ACTOR)
        assert "name" in excinfo.value.errors
        with pytest.raises(InvalidInput) as excinfo:
            forecast_service.create(s, timeline(s, groningen), {"name": "  ", "parameters": PLAN}, ACTOR)
        assert "name" in excinfo.value.errors
        with pytest.raises(InvalidInput) as excinfo:
            forecast_service.create(s, timeline(s, groningen), {"name": "Te ver",
                                                                "parameters": {**PLAN, "end_year": 2050}}, ACTOR)
        assert "end_year" in excinfo.value.errors
    with scope(groningen) as s:
        assert s.scalar(select(func.count()).select_from(Forecast)) == 1
        with pytest.raises(NotFound):
            forecast_service.get(s, uuid.uuid4())
