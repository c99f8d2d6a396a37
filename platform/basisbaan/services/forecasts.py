"""Forecast scenarios: growth per year towards a target, the hours and CAO of new jobs, cost parameters;
projected per year to participants, gross and net costs, the funding recorded for the year and the gap.

A projection prices cohorts of synthetic participants with the same cost rules as real ones
(basisbaan.services.costs): the participants of the first year's start as a cohort in their later years of
employment, then each year's starters from the scenario's start month. Scenario cost parameters override
the municipality's settings; minimum wages after the last published rate are carried forward and marked
provisional, and assistance norms after the last published one only when the scenario says so.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from basisbaan.domain.cao import CaoTerms
from basisbaan.domain.costs import Missing, Totals
from basisbaan.domain.employment import TermsPeriod
from basisbaan.errors import Conflict, InvalidInput, NotFound
from basisbaan.models import Forecast, FundingAllocation, Participant
from basisbaan.services import costs as cost_service
from basisbaan.services.audit import Actor, record
from basisbaan.services.participants import active_clause
from basisbaan.services.timeline import SettingsTimeline
from basisbaan.texts import N_

COST_OVERRIDES = ("employership_cost_per_year", "coaching_external_first_year", "coaching_external_later_years",
                  "coaching_municipal_per_year", "employer_charges_rate", "pension_rate", "default_wage_value_percent")
MAX_YEARS = 15


class ScenarioTimeline:
    """The municipality's settings with the scenario's cost parameters laid over them."""

    def __init__(self, timeline: SettingsTimeline, overrides: Mapping[str, Any]):
        self._timeline = timeline
        self._overrides = {k: v for k, v in overrides.items() if v is not None}

    def on(self, day: date) -> dict[str, Any]:
        return {**self._timeline.on(day), **self._overrides}

    def terms(self, cao: str, day: date) -> CaoTerms | None:
        return self._timeline.terms(cao, day)

    def change_dates(self) -> list[date]:
        return self._timeline.change_dates()


@dataclass
class Year:
    year: int
    participants_start: Decimal
    starters: Decimal
    exits: Decimal
    participants_end: Decimal
    totals: Totals
    funding: Decimal
    missing: list[Missing] = field(default_factory=list)
    provisional: bool = False

    @property
    def gap(self) -> Decimal:
        return self.totals.net - self.funding


def current_participants(session: Session, on: date) -> int:
    return session.scalar(select(func.count()).select_from(Participant).where(active_clause(on))) or 0


def check(session: Session, timeline: SettingsTimeline, data: Mapping[str, Any]) -> dict[str, Any]:
    """The scenario's parameters, complete, or InvalidInput naming each wrong field."""
    errors: dict[str, list[str]] = {}
    start, end = data.get("start_year"), data.get("end_year")
    if start is None:
        errors["start_year"] = [N_("Required.")]
    if end is None:
        errors["end_year"] = [N_("Required.")]
    if start is not None and end is not None and not start <= end <= start + MAX_YEARS - 1:
        errors["end_year"] = [N_("From the start year to at most %(years)s years on.", years=MAX_YEARS)]
    if errors:
        raise InvalidInput("The scenario has invalid fields.", errors)
    settings = timeline.on(date(start, 1, 1))
    current = data.get("current")
    if current is None:
        current = current_participants(session, date(start, 1, 1))
    target = data.get("target")
    if target is not None and target < current:
        errors["target"] = [N_("Below the current number of participants (%(count)s).", count=current)]
    hours = data.get("hours_per_week")
    if hours is None:
        hours = Decimal(settings["default_hours_per_week"])
    if not Decimal(settings["hours_per_week_min"]) <= Decimal(hours) <= Decimal(settings["hours_per_week_max"]):
        errors["hours_per_week"] = [N_("Between %(low)s and %(high)s hours.", low=settings["hours_per_week_min"],
                                       high=settings["hours_per_week_max"])]
    cao = data.get("cao") or settings["cao"]
    if timeline.terms(cao, date(start, 1, 1)) is None:
        errors["cao"] = [N_("The municipality has no terms of this agreement on 1 January of the start year.")]
    if errors:
        raise InvalidInput("The scenario has invalid fields.", errors)
    return {"start_year": start, "end_year": end, "current": current, "target": target,
            "growth_per_year": data.get("growth_per_year") or 0, "start_month": data.get("start_month") or 1,
            "exit_rate": Decimal(data.get("exit_rate") or 0), "hours_per_week": Decimal(hours), "cao": cao,
            "household_type": data.get("household_type") or "single",
            "host_contribution_per_year": Decimal(data.get("host_contribution_per_year") or 0),
            "carry_forward_norms": bool(data.get("carry_forward_norms")),
            **{name: data.get(name) for name in COST_OVERRIDES}}


def _unit_cost(timeline: ScenarioTimeline, scenario: Mapping[str, Any], started_on: date, year: int,
               with_coaching_organisation: bool = True) -> tuple[Totals, Any]:
    """The cost in `year` of one participant starting on `started_on` on the scenario's terms."""
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    person = SimpleNamespace(household_type=scenario["household_type"], neighbourhood=None)
    someone = SimpleNamespace(id="scenario", started_on=started_on, exit_on=None, person=person,
                              coaching_organisation_id="scenario" if with_coaching_organisation else None)
    period = TermsPeriod("scenario", "scenario", started_on, None, scenario["hours_per_week"], scenario["cao"])
    data = cost_service.CostData([someone], {"scenario": [period]}, {}, {}, {}, {})
    totals = Totals()

    def emit(p, code, basis, _period):
        totals.add(code, basis.amount)

    walk = cost_service._walk(data, timeline, start, end, emit, carry_forward=scenario["carry_forward_norms"])
    days = Decimal((end - max(start, started_on)).days) / Decimal((end - start).days)
    totals.add("host_contribution", -scenario["host_contribution_per_year"] * max(days, Decimal(0)))
    return totals, walk


def project(session: Session, timeline: SettingsTimeline, scenario: Mapping[str, Any]) -> list[Year]:
    """Per year of the scenario: participants, costs, the funding allocated to that year and the gap."""
    overrides = {name: scenario.get(name) for name in COST_OVERRIDES}
    scenario_timeline = ScenarioTimeline(timeline, overrides)
    funding = dict(session.execute(select(FundingAllocation.year, func.sum(FundingAllocation.amount))
                                   .group_by(FundingAllocation.year)).all())
    first = scenario["start_year"]
    # Cohorts: (start date, size); those already working count as started two years before.
    cohorts: list[list] = [[date(first - 2, 1, 1), Decimal(scenario["current"])]]
    target = scenario["target"]
    years = []
    for year in range(first, scenario["end_year"] + 1):
        at_start = sum((size for _, size in cohorts), Decimal(0))
        room = Decimal(target) - at_start if target is not None else Decimal(scenario["growth_per_year"])
        starters = max(Decimal(0), min(Decimal(scenario["growth_per_year"]), room))
        if starters:
            cohorts.append([date(year, scenario["start_month"], 1), starters])
        totals, missing, provisional = Totals(), set(), False
        for started_on, size in cohorts:
            unit, walk = _unit_cost(scenario_timeline, scenario, started_on, year)
            for code, amount in unit.lines.items():
                totals.add(code, amount * size)
            missing |= walk.missing
            provisional = provisional or walk.provisional_from is not None
        exits = Decimal(0)
        if scenario["exit_rate"]:
            for cohort in cohorts:
                leaving = cohort[1] * scenario["exit_rate"]
                cohort[1] -= leaving
                exits += leaving
        years.append(Year(year, at_start, starters, exits, at_start + starters - exits, totals,
                          Decimal(funding.get(year) or 0), sorted(missing, key=lambda m: m.first_day), provisional))
    return years


def list_query():
    return select(Forecast).order_by(func.lower(Forecast.name), Forecast.id)


def get(session: Session, forecast_id: uuid.UUID) -> Forecast:
    found = session.scalars(select(Forecast).where(Forecast.id == forecast_id)).first()
    if found is None:
        raise NotFound("No such forecast.")
    return found


def create(session: Session, timeline: SettingsTimeline, data: Mapping[str, Any], actor: Actor) -> Forecast:
    name = (data.get("name") or "").strip()
    if not name:
        raise InvalidInput("The forecast needs a name.", {"name": [N_("Required.")]})
    scenario = check(session, timeline, data.get("parameters") or {})
    if session.scalars(select(Forecast.id).where(func.lower(Forecast.name) == name.lower())).first():
        raise Conflict("A forecast with this name exists.", {"name": [N_("A forecast with this name exists.")]})
    stored = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in scenario.items()}
    forecast = Forecast(name=name, description=(data.get("description") or "").strip() or None, parameters=stored,
                        created_by=actor.label)
    session.add(forecast)
    session.flush()
    record(session, actor, "forecast.created", "forecast", forecast.id)
    return forecast


def scenario_of(forecast: Forecast) -> dict[str, Any]:
    """The stored parameters with their types back (Decimals were stored as text)."""
    found = dict(forecast.parameters)
    for name in ("hours_per_week", "exit_rate", "host_contribution_per_year", *COST_OVERRIDES):
        if found.get(name) is not None:
            found[name] = Decimal(str(found[name]))
    return found
