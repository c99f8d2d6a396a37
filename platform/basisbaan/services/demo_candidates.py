"""Synthetic but realistic candidates for `basisbaan demo`, reproducing a municipality's published funnel.

Deterministic: a random generator seeded with the municipality's slug. People are made up (common Dutch
names, valid but random BSNs); the counts and dates come from the plugin's DemoFunnel.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from basisbaan.crypto import Secrets
from basisbaan.domain.municipality import DemoFunnel
from basisbaan.models import Candidate, Neighbourhood, Tenant
from basisbaan.plugins import TenantHooks
from basisbaan.services import candidates as candidate_service
from basisbaan.services import intake
from basisbaan.services.audit import Actor

GIVEN = ("Jan", "Piet", "Henk", "Kees", "Gerrit", "Wim", "Johan", "Ahmed", "Mohamed", "Erik", "Marco", "Sander",
         "Anja", "Marian", "Ingrid", "Fatima", "Petra", "Els", "Karin", "Sandra", "Hatice", "Monique", "Ria", "Ton")
FAMILY = ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos",
          "Vos", "Peters", "Hendriks", "Dekker", "Brouwer", "Dijkstra", "Postma", "Kramer", "Hoekstra", "Wiersma",
          "Yilmaz", "El Amrani", "Boersma", "Veenstra", "Kuipers", "Huisman", "Zijlstra", "Scholten")
WORK = ("buurthuis", "zwerfafval", "gastheer", "fietsstewards", "wijkblad", "sportvereniging", "maatjes",
        "klussen", "speeltuinen", "kringloop")


def valid_bsn(rng: random.Random) -> str:
    """A random number that passes the 11-check (not a real person's: drawn at random)."""
    while True:
        digits = [rng.randint(1 if i == 0 else 0, 9) for i in range(8)]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1)))
        check = total % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def generate(session: Session, secrets: Secrets, hooks: TenantHooks, tenant: Tenant, funnel: DemoFunnel,
             coach_id, today: date, start_dates: list[date] = (), seed: str = "") -> tuple[int, list[tuple[Candidate, date]]]:
    """Create the funnel's candidates; returns how many, and the candidates decided to start with the start
    date their decision was dated from (`start_dates`, one per starter, oldest first)."""
    rng = random.Random(f"basisbaan-demo-{tenant.slug}{seed}")
    starts = sorted(start_dates)
    if starts and len(starts) != funnel.started:
        raise ValueError(f"{len(starts)} start dates for {funnel.started} starters")
    started: list[tuple[Candidate, date]] = []
    hoods = [n.id for n in session.scalars(select(Neighbourhood).order_by(Neighbourhood.name))]
    actor = Actor("system", None, "demo")
    plan = (["started"] * funnel.started + ["waiting_list"] * funnel.waiting_list + ["on_hold"] * funnel.on_hold
            + [f"not_started:{reason}" for reason, n in sorted(funnel.not_started.items()) for _ in range(n)]
            + ["in_conversation"] * funnel.in_conversation + ["referred"] * funnel.referred_only)
    rng.shuffle(plan)
    # Starters first in time for places-limited pilots: those on the waiting list decide after the places fill.
    plan.sort(key=lambda outcome: outcome == "waiting_list")
    span_end = funnel.last_decision - timedelta(days=21)
    for index, outcome in enumerate(plan):
        referred = _day(rng, funnel.first_referral, span_end)
        start_on = starts.pop(0) if outcome == "started" and starts else None
        if start_on is not None:
            # Decided a few weeks before the start; spoken and referred before that.
            decided_at = max(funnel.first_referral + timedelta(days=14),
                             min(start_on - timedelta(days=rng.randint(10, 40)), funnel.last_decision))
            talked_at = max(funnel.first_referral + timedelta(days=7), decided_at - timedelta(days=rng.randint(5, 21)))
            referred = max(funnel.first_referral, talked_at - timedelta(days=rng.randint(3, 14)))
        eligible = not outcome.startswith("not_started:may_not")
        data = {
            "given_names": rng.choice(GIVEN), "family_name": rng.choice(FAMILY), "bsn": valid_bsn(rng),
            "date_of_birth": date(rng.randint(1958, 1990), rng.randint(1, 12), rng.randint(1, 28)),
            "gender": rng.choice(("male", "male", "male", "female", "female")),
            "household_type": rng.choice(("single", "single", "single", "single_parent", "couple")),
            "neighbourhood_id": rng.choice(hoods) if hoods else None, "referral_date": referred,
            "referral_source": rng.choice(("colleague", "colleague", "area_team", "self")), "coach_id": coach_id,
            "social_assistance_since": referred - timedelta(days=365 * rng.randint(4, 15)),
            "available_hours": rng.choice((32, 32, 32, 36, 24, 28)), "hours_agreed": True,
            "preferred_work": rng.sample(WORK, 2), "no_prospect_of_work": True if eligible else False,
            "has_debts": rng.random() < 0.3,
        }
        candidate = candidate_service.create(session, secrets, data, actor, today)
        if outcome == "referred":
            continue
        talked = talked_at if start_on else min(referred + timedelta(days=rng.randint(3, 14)), funnel.last_decision)
        intake.add_conversation(session, secrets, candidate, held_on=talked, coach_id=coach_id,
                                notes="Kennismakingsgesprek (demo).", actor=actor, today=today)
        if outcome == "in_conversation":
            continue
        decided = decided_at if start_on else min(talked + timedelta(days=rng.randint(7, 28)), funnel.last_decision)
        if outcome == "waiting_list":
            decided = funnel.last_decision
        kind, _, reason = outcome.partition(":")
        decision = intake.DecisionInput(
            outcome="started" if kind in ("started", "waiting_list") else kind, decided_on=decided,
            reason_category=reason or None, sub_reason={"cannot": "Lichamelijke beperkingen",
                                                        "will_not": "Liever vrijwilligerswerk",
                                                        "may_not": "Nog uitzicht op betaald werk"}.get(reason))
        intake.decide(session, hooks, candidate, decision, actor, today)
        if start_on is not None:
            started.append((candidate, start_on))
    return len(plan), started
