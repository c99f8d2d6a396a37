"""Synthetic but realistic employment history for `basisbaan demo`, from a plugin's DemoEmployment.

Deterministic (a random generator seeded with the municipality's slug) and independent of the day it runs,
except for two ongoing sicknesses placed shortly before today so that the Gatekeeper steps show on the
work list. Rows are written with the ORM directly: the figures are then checked through the API by
tests/integration/test_demo_employment.py, which computes them the way the reports do.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from basisbaan.domain.dates import add_years
from basisbaan.domain.employment import DAY
from basisbaan.domain.municipality import DemoEmployment
from basisbaan.models import (Absence, Candidate, Contract, ContractVersion, Neighbourhood, Organisation, Participant,
                              PerformanceReport, Person)
from basisbaan.services.contracts import first_contract_end
from basisbaan.services.demo_candidates import FAMILY, GIVEN, valid_bsn

SEVEN = Decimal(7)


@dataclass
class Plan:
    """One participant in memory before it is written."""

    start: date
    candidate: Candidate | None = None
    exit_on: date | None = None
    exit_reason: str | None = None
    hours: int = 32
    hours_change: tuple[date, int] | None = None  # (from, hours): a participant asking for more hours
    permanent_at_moment: bool = True
    contracts: list[tuple[date, date | None, str]] = field(default_factory=list)  # (start, last day, kind)
    neighbourhood: str | None = None
    sick: list[tuple[date, date, Decimal]] = field(default_factory=list)  # (first, last day, percentage)

    def active(self, on: date) -> bool:
        return self.start <= on and (self.exit_on is None or self.exit_on >= on)

    def hours_on(self, on: date) -> int:
        if self.hours_change and on >= self.hours_change[0]:
            return self.hours_change[1]
        return self.hours

    def last_day(self) -> date | None:
        ends = [c[1] for c in self.contracts]
        return None if None in ends else max(ends, default=None)


def start_dates(spec: DemoEmployment, slug: str) -> list[tuple[date, int | None]]:
    """(start date, funnel index) of every participant, oldest first."""
    rng = random.Random(f"basisbaan-demo-starts-{slug}")
    found = []
    for cohort in spec.cohorts:
        span = (cohort.start_to - cohort.start_from).days
        found += [(cohort.start_from + timedelta(days=rng.randint(0, span)), cohort.funnel) for _ in range(cohort.count)]
    return sorted(found, key=lambda item: item[0])


def _choose_exits(spec: DemoEmployment, plans: list[Plan], rng: random.Random) -> None:
    for leave in spec.exits:
        eligible = [p for p in plans if p.exit_on is None and p.start <= leave.last_day - timedelta(days=120)]
        chosen = rng.choice(eligible)
        chosen.exit_on, chosen.exit_reason = leave.last_day, leave.reason


def _choose_permanents(spec: DemoEmployment, plans: list[Plan], rng: random.Random) -> None:
    if not spec.permanent_after_years or spec.permanent_on is None:
        return
    # Those still there on the date who reached the moment by then; leavers keep the default.
    due = [p for p in plans if add_years(p.start, spec.permanent_after_years) <= spec.permanent_on
           and p.active(spec.permanent_on)]
    if len(due) < spec.permanent_count:
        raise ValueError(f"only {len(due)} participants reach the permanent moment by {spec.permanent_on}")
    advised = set(map(id, rng.sample(due, spec.permanent_count)))
    for plan in due:
        plan.permanent_at_moment = id(plan) in advised


def _build_contracts(spec: DemoEmployment, plan: Plan) -> None:
    """Temporary contracts of `contract_months`, renewed (with a performance report) until the permanent
    moment, then a permanent one; stopped by the exit or at the horizon."""
    start = plan.start
    moment = add_years(plan.start, spec.permanent_after_years) if spec.permanent_after_years else None
    if moment is not None and not plan.permanent_at_moment:
        # Not yet advised: another year first, and not before the date the count is published for.
        moment = max(add_years(plan.start, spec.permanent_after_years + 1), spec.permanent_on + DAY)
    while start < spec.horizon and (plan.exit_on is None or start <= plan.exit_on):
        if moment is not None and start >= moment:
            plan.contracts.append((start, None, "permanent"))
            break
        last = first_contract_end(start, spec.contract_months)
        plan.contracts.append((start, last, "temporary"))
        start = last + DAY


def _hours(spec: DemoEmployment, plans: list[Plan], rng: random.Random) -> None:
    mix = [hours for hours, count in spec.hours for _ in range(count)]
    for plan in plans:
        plan.hours = rng.choice(mix)
    if spec.hours_on is None:
        return
    active = [p for p in plans if p.active(spec.hours_on)]
    if len(active) != len(mix):
        raise ValueError(f"{len(active)} active on {spec.hours_on}, the hours mix has {len(mix)}")
    rng.shuffle(mix)
    for plan, hours in zip(active, mix):
        plan.hours = hours
    # Participants may ask for more hours: some who work 32 on the date started at 28 half a year in.
    for plan in [p for p in active if p.hours == 32][:6]:
        change = plan.start + timedelta(days=183)
        if change < spec.hours_on:
            plan.hours, plan.hours_change = 28, (change, 32)
    # And some of those on 20-28 hours move up to 32 after the date.
    for plan in [p for p in active if p.hours < 32 and p.hours_change is None][:4]:
        plan.hours_change = (spec.hours_on + timedelta(days=200), 32)


def _neighbourhoods(spec: DemoEmployment, plans: list[Plan], names: list[str], rng: random.Random) -> None:
    named = dict(spec.neighbourhoods)
    others = [n for n in names if n not in named]
    for plan in plans:
        plan.neighbourhood = rng.choice(names)
    if spec.neighbourhoods_on is None:
        return
    active = [p for p in plans if p.active(spec.neighbourhoods_on)]
    places = [name for name, count in spec.neighbourhoods for _ in range(count)]
    rest = len(active) - len(places)
    cap = max(1, min(named.values()) - 1)
    if rest > cap * len(others):
        raise ValueError("too few other neighbourhoods to keep the named ones on top")
    places += [others[i % len(others)] for i in range(rest)]  # spread: at most `cap` in each
    rng.shuffle(places)
    for plan, name in zip(active, places):
        plan.neighbourhood = name


# --- absence -----------------------------------------------------------------------------------------


def _daily_hours(plan: Plan, on: date) -> Decimal | None:
    """Contracted hours per calendar day on `on`, None without a contract."""
    for start, last, _kind in plan.contracts:
        if start <= on and (last is None or on <= last) and (plan.exit_on is None or on <= plan.exit_on):
            return Decimal(plan.hours_on(on)) / SEVEN
    return None


def _pieces(plan: Plan):
    """(start, end exclusive, hours a week) of the plan's contracted time."""
    for start, last, _kind in plan.contracts:
        end = (last + DAY) if last is not None else date.max
        if plan.exit_on is not None:
            end = min(end, plan.exit_on + DAY)
        marks = [start, end]
        if plan.hours_change and start < plan.hours_change[0] < end:
            marks.insert(1, plan.hours_change[0])
        for a, b in zip(marks, marks[1:]):
            yield a, b, plan.hours_on(a)


def _contracted(plans: list[Plan], start: date, end: date) -> Decimal:
    total = Decimal(0)
    for plan in plans:
        for a, b, hours in _pieces(plan):
            days = (min(b, end) - max(a, start)).days
            if days > 0:
                total += Decimal(hours) / SEVEN * days
    return total


def _segment_targets(spec: DemoEmployment, plans: list[Plan]) -> list[tuple[date, date, Decimal]]:
    """Turn possibly nested (from, to, rate) targets into sick hours per disjoint segment: the shortest
    targets first, a longer one filling its remaining segments at one rate."""
    marks = sorted({d for start, end, _ in spec.absence for d in (start, end)})
    segments = list(zip(marks, marks[1:]))
    contracted = {seg: _contracted(plans, *seg) for seg in segments}
    sick: dict[tuple[date, date], Decimal] = {}
    for start, end, rate in sorted(spec.absence, key=lambda t: (t[1] - t[0]).days):
        inside = [seg for seg in segments if start <= seg[0] and seg[1] <= end]
        fixed = sum((sick[seg] for seg in inside if seg in sick), Decimal(0))
        free = [seg for seg in inside if seg not in sick]
        wanted = Decimal(str(rate)) * sum((contracted[seg] for seg in inside), Decimal(0)) - fixed
        free_hours = sum((contracted[seg] for seg in free), Decimal(0))
        if free and (wanted < 0 or not free_hours):
            raise ValueError(f"absence targets cannot all be met around {start}..{end}")
        for seg in free:
            sick[seg] = wanted * contracted[seg] / free_hours
    return [(seg[0], seg[1], hours) for seg, hours in sick.items()]


def _free(plan: Plan, first: date, last: date) -> bool:
    return all(last + DAY < s or first > e + DAY for s, e, _ in plan.sick)


def _place_sickness(plans: list[Plan], start: date, end: date, target: Decimal, rng: random.Random) -> None:
    """Sickness spells inside [start, end) adding up to `target` sick hours (within one day's hours)."""
    remaining = target
    attempts = 0
    while remaining > Decimal("0.5") and attempts < 20000:
        attempts += 1
        plan = rng.choice(plans)
        first = start + timedelta(days=rng.randint(0, (end - start).days - 1))
        hours = _daily_hours(plan, first)
        if not hours:
            continue
        percentage = Decimal(50) if rng.random() < 0.15 else Decimal(100)
        length = rng.choice((2, 3, 4, 5, 7, 10, 14)) if rng.random() < 0.85 else rng.randint(30, 100)
        per_day = hours * percentage / 100
        length = min(length, max(1, int((remaining / per_day).to_integral_value())))
        last = first + timedelta(days=length - 1)
        # Within the segment, within one contract stretch with constant hours, and apart from other spells.
        if last >= end or any(_daily_hours(plan, first + timedelta(days=i)) != hours for i in range(length)):
            continue
        if not _free(plan, first, last):
            continue
        plan.sick.append((first, last, percentage))
        remaining -= per_day * length


def _sickness(spec: DemoEmployment, plans: list[Plan], rng: random.Random) -> None:
    for start, end, hours in sorted(_segment_targets(spec, plans)):
        _place_sickness(plans, start, end, hours, rng)


# --- writing -----------------------------------------------------------------------------------------


def generate(session: Session, spec: DemoEmployment, slug: str, starts: list[tuple[date, int | None]],
             started: list[tuple[Candidate, date]], coach_id: uuid.UUID | None, today: date) -> int:
    """Write the participants unless the municipality has some already; returns how many were made.

    `starts` comes from `start_dates`; `started` are the candidates decided to start, each with the start
    date their decision was dated from (services.demo_candidates), so candidate and participant match."""
    if session.scalar(select(func.count()).select_from(Participant)):
        return 0
    rng = random.Random(f"basisbaan-demo-employment-{slug}")
    waiting: dict[date, list[Candidate]] = {}
    for candidate, on in started:
        waiting.setdefault(on, []).append(candidate)
    plans = []
    for on, funnel in starts:
        plans.append(Plan(on, candidate=waiting[on].pop() if funnel is not None else None))
    _choose_exits(spec, plans, rng)
    _choose_permanents(spec, plans, rng)
    for plan in plans:
        _build_contracts(spec, plan)
    _hours(spec, plans, rng)
    names = list(session.scalars(select(Neighbourhood.name).order_by(Neighbourhood.name)))
    _neighbourhoods(spec, plans, names, rng)
    _sickness(spec, plans, rng)
    _write(session, spec, plans, coach_id, today, rng)
    return len(plans)


def _write(session: Session, spec: DemoEmployment, plans: list[Plan], coach_id, today: date,
           rng: random.Random) -> None:
    organisations = {o.name: o for o in session.scalars(select(Organisation))}
    hoods = {n.name: n.id for n in session.scalars(select(Neighbourhood))}
    employer = organisations[spec.employer]
    coaching = [organisations[name].id for name in spec.coaching_organisations]
    written: list[tuple[Participant, Plan]] = []
    for index, plan in enumerate(plans):
        if plan.candidate is not None:
            person = session.get(Person, plan.candidate.person_id)
        else:
            person = Person(given_names=rng.choice(GIVEN), family_name=rng.choice(FAMILY), gender=rng.choice(
                ("male", "male", "male", "female", "female")), household_type="single",
                bsn_last3=valid_bsn(rng)[-3:])
            session.add(person)
        # Most participants are over 50 (the letter); pension-age leavers reach 67 around their exit.
        if plan.exit_reason == "pension_age":
            person.date_of_birth = date(plan.exit_on.year - 67, plan.exit_on.month, 1)
        else:  # three in five born before 1973
            person.date_of_birth = date(rng.choice(range(1958, 1973)) if index % 5 < 3
                                        else rng.choice(range(1973, 1992)), rng.randint(1, 12), rng.randint(1, 28))
        person.neighbourhood_id = hoods.get(plan.neighbourhood)
        session.flush()
        participant = Participant(
            person_id=person.id, candidate_id=plan.candidate.id if plan.candidate else None, started_on=plan.start,
            coach_id=coach_id, coaching_organisation_id=coaching[index % len(coaching)], exit_on=plan.exit_on,
            exit_reason=plan.exit_reason)
        session.add(participant)
        session.flush()
        written.append((participant, plan))
        for number, (start, last, kind) in enumerate(plan.contracts):
            terminated = plan.exit_on if plan.exit_on is not None and (last is None or plan.exit_on < last) else None
            contract = Contract(participant_id=participant.id, employer_id=employer.id, kind=kind, start_on=start,
                                end_on=last, trial_period_months=1 if number == 0 else None,
                                terminated_on=terminated, created_by="demo")
            session.add(contract)
            session.flush()
            session.add(ContractVersion(contract_id=contract.id, valid_from=start, hours_per_week=Decimal(plan.hours_on(start)),
                                        cao=spec.cao, reason="start", created_by="demo"))
            if plan.hours_change and start < plan.hours_change[0] and (last is None or plan.hours_change[0] <= last):
                session.add(ContractVersion(contract_id=contract.id, valid_from=plan.hours_change[0],
                                            hours_per_week=Decimal(plan.hours_change[1]), cao=spec.cao,
                                            reason="hours", note="Meer uren op eigen verzoek", created_by="demo"))
            following = plan.contracts[number + 1] if number + 1 < len(plan.contracts) else None
            if kind == "temporary" and following is not None:
                session.add(PerformanceReport(
                    contract_id=contract.id, written_on=last - timedelta(weeks=6), author="Demo coach",
                    advice="permanent" if following[2] == "permanent" else "renew", created_by="demo"))
        for first, last, percentage in plan.sick:
            session.add(Absence(participant_id=participant.id, start_on=first, end_on=last, percentage=percentage,
                                created_by="demo"))
    _ongoing_sickness(session, written, today)
    session.flush()


def _ongoing_sickness(session: Session, written: list[tuple[Participant, Plan]], today: date) -> None:
    """Two sicknesses still going on today (9 and 40 weeks), so that Gatekeeper steps are due."""
    weeks_ago = [9, 40]
    for participant, plan in written:
        if not weeks_ago:
            break
        first = today - timedelta(weeks=weeks_ago[0])
        if participant.exit_on is not None or plan.start > first or _daily_hours(plan, first) is None \
                or _daily_hours(plan, today) is None or not _free(plan, first - timedelta(weeks=5), today):
            continue
        weeks_ago.pop(0)
        plan.sick.append((first, today, Decimal(100)))
        session.add(Absence(participant_id=participant.id, start_on=first, end_on=None, percentage=Decimal(100),
                            created_by="demo"))
