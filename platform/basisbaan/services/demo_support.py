"""Demo coaching time, debt support and training, from a plugin's DemoEmployment: the published coaching
averages come out of the logged hours, and the published number of credit-bank clients out of the
referrals. Deterministic; written with the ORM after the participants (services.demo_employment)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from basisbaan.domain.dates import add_years
from basisbaan.domain.municipality import DemoEmployment
from basisbaan.models import CoachingSession, DebtSupport, Participant, Training

DAY = timedelta(days=1)
SEVEN = Decimal(7)
# Coaching is logged up to here (the demo stands in late 2026).
LOGGED_UNTIL = date(2026, 11, 1)
WORK_SHARE = Decimal("0.7")  # of coaching time: work coaching by the job coach; the rest income and wellbeing
CENT = Decimal("0.01")


def _months(start: date, end: date):
    current = date(start.year, start.month, 1)
    while current < end:
        following = date(current.year + (current.month == 12), current.month % 12 + 1, 1)
        yield current, following
        current = following


def _days_in(p: Participant, start: date, end: date) -> int:
    last = min(end - DAY, p.exit_on) if p.exit_on else end - DAY
    return max(0, (last - max(start, p.started_on)).days + 1)


def generate(session: Session, spec: DemoEmployment, slug: str) -> int:
    """Coaching, debt support and training unless coaching is logged already; returns sessions made."""
    if session.scalar(select(func.count()).select_from(CoachingSession)):
        return 0
    rng = random.Random(f"basisbaan-demo-support-{slug}")
    people = list(session.scalars(select(Participant).order_by(Participant.started_on, Participant.id)))
    if not people:
        return 0
    base = {p.id: Decimal(rng.randint(20, 30)) / 10 for p in people}  # 2.0 to 3.0 hours a week to begin with
    # (participant, month start) -> hours; more in the first three months (getting started), less after a year.
    raw: dict[tuple, Decimal] = {}
    for p in people:
        for month, following in _months(p.started_on, LOGGED_UNTIL):
            days = _days_in(p, month, following)
            if not days:
                continue
            tenure = (month - date(p.started_on.year, p.started_on.month, 1)).days
            factor = Decimal("1.8") if tenure < 92 else Decimal("0.65") if tenure > 365 else Decimal(1)
            raw[(p.id, month)] = base[p.id] * factor * Decimal(days) / SEVEN
    # Scale each published period so that hours / participant-weeks is exactly its average.
    for start, end, average in spec.coaching:
        weeks = sum((Decimal(_days_in(p, start, end)) for p in people), Decimal(0)) / SEVEN
        keys = [k for k in raw if start <= k[1] < end]
        logged = sum((raw[k] for k in keys), Decimal(0))
        if logged:
            scale = Decimal(str(average)) * weeks / logged
            for key in keys:
                raw[key] *= scale
    made = 0
    by_id = {p.id: p for p in people}
    for (pid, month), hours in sorted(raw.items(), key=lambda item: (item[0][1], str(item[0][0]))):
        work = (hours * WORK_SHARE).quantize(CENT)
        income = hours.quantize(CENT) - work
        for kind, amount in (("work", work), ("income_wellbeing", income)):
            # Sessions of at most eight hours, a week apart, within the month.
            parts = max(1, int((amount / 8).to_integral_value(rounding="ROUND_CEILING")))
            share = (amount / parts).quantize(CENT)
            for index in range(parts):
                hours_now = amount - share * (parts - 1) if index == parts - 1 else share
                if hours_now > 0:
                    # Within the participant's time in the programme that month.
                    held_on = max(month + timedelta(days=7 * (index % 4)), by_id[pid].started_on)
                    if by_id[pid].exit_on is not None:
                        held_on = min(held_on, by_id[pid].exit_on)
                    session.add(CoachingSession(participant_id=pid, held_on=held_on, kind=kind, hours=hours_now,
                                                coach_label="demo"))
                    made += 1
    _debts(session, spec, people, rng)
    _trainings(session, people, rng)
    session.flush()
    return made


def _debts(session: Session, spec: DemoEmployment, people: list[Participant], rng: random.Random) -> None:
    if spec.debt_support_on is None:
        return
    on = spec.debt_support_on
    active = [p for p in people if p.started_on <= on - timedelta(days=60) and (p.exit_on is None or p.exit_on >= on)]
    for p in rng.sample(active, spec.debt_support_count):
        referred = p.started_on + timedelta(days=rng.randint(20, 50))
        session.add(DebtSupport(participant_id=p.id, kind="credit_bank", referred_on=referred, status="active"))
    # Earlier support that ended before the date, and referrals after it.
    for p in rng.sample([p for p in people if p.started_on < on - timedelta(days=400)], 3):
        referred = p.started_on + timedelta(days=30)
        session.add(DebtSupport(participant_id=p.id, kind="debt_counselling", referred_on=referred, status="completed",
                                ended_on=referred + timedelta(days=200)))


def _trainings(session: Session, people: list[Participant], rng: random.Random) -> None:
    for p in rng.sample(people, min(len(people), 12)):
        started = p.started_on + timedelta(days=rng.randint(30, 120))
        if started >= LOGGED_UNTIL:
            continue
        kind, name = rng.choice((("first_aid", "Bedrijfshulpverlening (BHV)"), ("social_hygiene", "Sociale hygiëne")))
        completed = started + timedelta(days=2 if kind == "first_aid" else 30)
        session.add(Training(participant_id=p.id, kind=kind, name=name, started_on=started, completed_on=completed,
                             certificate_number=f"DEMO-{rng.randint(10000, 99999)}",
                             certificate_valid_until=add_years(completed, 1)
                             if kind == "first_aid" else None))
