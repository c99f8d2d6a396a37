"""Key figures, computed from the records by one set of definitions (the reports and, later, the national
comparison use the same). Stocks are counted on `as_of`, flows over the half-open period [start, end).

Definitions (version DEFINITION_VERSION):
- participants_active: participants in the programme on as_of (started on or before it, not left before it).
- participants_started_total: participants whose employment started in the period.
- permanent_contracts: active participants whose contract in force on as_of is permanent.
- exits_total / exits_by_reason: participants whose last day lies in the period, by exit reason.
- dropouts: exits in the period whose reason the municipality counts as drop-out (setting dropout_reasons).
- candidates_spoken: candidates with an intake conversation in the period; candidates_not_started_by_reason:
  candidates whose last decision in the period was not to start, by reason (cannot, will_not, may_not);
  conversion_rate: started / spoken (decisions in the period).
- hours_distribution / average_hours: the weekly hours of the contracts in force on as_of, in bands.
- participants_by_neighbourhood: active participants by the neighbourhood they live in.
- absence_rate: sick contracted hours / contracted hours over the period (a fraction).
- coaching_hours_per_participant_week: coaching hours logged in the period / participant-weeks in it.
- debt_support_count: active participants with debt support running on as_of.
- share_over_50: active participants aged 50 or more on as_of, of those whose birth date is known;
  by_gender, by_household: active participants by gender and household type.
- wellbeing_change: mean change per domain, first to latest measurement (services.wellbeing).
- costs: gross, offsets and net costs over the period (services.costs).
- target, target_year: the municipality's settings on as_of.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from basisbaan.crypto import Secrets
from basisbaan.domain.employment import terms_on
from basisbaan.errors import InvalidInput
from basisbaan.models import Contract, Participant
from basisbaan.models.candidate import REASON_CATEGORIES
from basisbaan.services import absences as absence_service
from basisbaan.services import coaching as coaching_service
from basisbaan.services import costs as cost_service
from basisbaan.services import intake as intake_service
from basisbaan.services import support as support_service
from basisbaan.services import timeline as timeline_service
from basisbaan.services import wellbeing as wellbeing_service
from basisbaan.services.participants import active_clause
from basisbaan.services.timeline import SettingsTimeline
from basisbaan.texts import N_

DEFINITION_VERSION = "1"
# Weekly hours bands (lower bound inclusive, upper exclusive) as the council letters report them.
HOURS_BANDS = (("under_20", Decimal(0), Decimal(20)), ("20_28", Decimal(20), Decimal("28.5")),
               ("29_31", Decimal("28.5"), Decimal(32)), ("32", Decimal(32), Decimal("32.5")),
               ("33_35", Decimal("32.5"), Decimal(36)), ("36", Decimal(36), Decimal("36.5")),
               ("over_36", Decimal("36.5"), Decimal(100)))
DAY = timedelta(days=1)
FOUR = Decimal("0.0001")


@dataclass(frozen=True)
class Period:
    as_of: date
    start: date
    end: date


def programme_start(session: Session) -> date | None:
    return session.scalar(select(func.min(Participant.started_on)))


def check(session: Session, as_of: date, start: date | None, end: date | None) -> Period:
    """The dates, or InvalidInput naming the parameter: from after to, as_of before the programme started.
    Defaults: the period from the programme's start up to and including as_of."""
    first = programme_start(session)
    errors: dict[str, list[str]] = {}
    if first is not None and as_of < first:
        errors["as_of"] = [N_("Before the programme started (%(day)s).", day=first.isoformat())]
    start = start or first or as_of
    end = end or as_of + DAY
    if start >= end:
        errors["from"] = [N_("Must be before 'to'.")]
    if errors:
        raise InvalidInput("The dates are not valid.", errors)
    return Period(as_of, start, end)


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _band(hours: Decimal) -> str:
    for name, low, high in HOURS_BANDS:
        if low <= hours < high:
            return name
    return "over_36"


def compute(session: Session, secrets: Secrets, timeline: SettingsTimeline, period: Period) -> dict[str, Any]:
    """Every key figure for `period`: a fixed number of statements whatever the size of the programme."""
    as_of, start, end = period.as_of, period.start, period.end
    settings = timeline.on(as_of)
    active = list(session.scalars(select(Participant).where(active_clause(as_of))).unique())
    exits = list(session.execute(select(Participant.exit_reason).where(
        Participant.exit_on >= start, Participant.exit_on < end)).scalars())
    started = session.scalar(select(func.count()).select_from(Participant).where(
        Participant.started_on >= start, Participant.started_on < end)) or 0
    # Contracts in force on as_of (one statement) and whether each is permanent (one statement).
    periods: dict[Any, list] = {}
    for p in timeline_service.periods(session, as_of, as_of + DAY):
        periods.setdefault(p.participant_id, []).append(p)
    in_force = {pid: terms_on(own, as_of) for pid, own in periods.items()}
    in_force = {pid: terms for pid, terms in in_force.items() if terms is not None}
    kinds = dict(session.execute(select(Contract.id, Contract.kind).where(
        Contract.id.in_([t.contract_id for t in in_force.values()]))).all()) if in_force else {}
    active_ids = {p.id for p in active}
    hours = [t.hours_per_week for pid, t in in_force.items() if pid in active_ids]
    bands = Counter(_band(h) for h in hours)
    funnel = intake_service.funnel(session, start, end)
    absence = absence_service.rate(session, start, end)
    coaching = coaching_service.hours(session, start, end)
    instrument, change = wellbeing_service.programme_change(session, secrets, timeline, start, end)
    costs = cost_service.programme_cost(session, timeline, start, end)
    born = [p.person.date_of_birth for p in active if p.person.date_of_birth is not None]
    dropout_reasons = set(settings["dropout_reasons"])
    return {
        "as_of": as_of, "from": start, "to": end, "definition_version": DEFINITION_VERSION,
        "participants_active": len(active),
        "participants_started_total": started,
        "permanent_contracts": sum(1 for pid, t in in_force.items()
                                   if pid in active_ids and kinds.get(t.contract_id) == "permanent"),
        "exits_total": len(exits),
        "exits_by_reason": dict(sorted(Counter(exits).items())),
        "dropouts": sum(1 for reason in exits if reason in dropout_reasons),
        "candidates_spoken": funnel["spoken"],
        "candidates_not_started_by_reason": {reason: funnel["not_started_by_reason"].get(reason, 0)
                                             for reason in REASON_CATEGORIES},
        "conversion_rate": None if not funnel["spoken"] else
        (Decimal(funnel["started"]) / Decimal(funnel["spoken"])).quantize(FOUR),
        "hours_distribution": {name: bands.get(name, 0) for name, _, _ in HOURS_BANDS},
        "average_hours": (sum(hours, Decimal(0)) / len(hours)).quantize(Decimal("0.1")) if hours else None,
        "participants_by_neighbourhood": dict(sorted(Counter(
            p.person.neighbourhood.name if p.person.neighbourhood else "unknown" for p in active).items())),
        "absence_rate": None if absence.totals.rate is None else Decimal(absence.totals.rate).quantize(FOUR),
        "coaching_hours_per_participant_week": None if coaching.per_participant_week is None else
        Decimal(coaching.per_participant_week).quantize(Decimal("0.01")),
        "debt_support_count": support_service.debt_support_count(session, as_of),
        "share_over_50": (Decimal(sum(1 for b in born if _age(b, as_of) >= 50)) / len(born)).quantize(FOUR)
        if born else None,
        "by_gender": dict(sorted(Counter(p.person.gender or "unknown" for p in active).items())),
        "by_household": dict(sorted(Counter(p.person.household_type or "unknown" for p in active).items())),
        "wellbeing_instrument": instrument.code,
        "wellbeing_change": {d.code: d.change.quantize(Decimal("0.01")) for d in change.domains},
        "costs": {"gross": costs.total.gross.quantize(Decimal("0.01")),
                  "offsets": costs.total.offsets.quantize(Decimal("0.01")),
                  "net": costs.total.net.quantize(Decimal("0.01"))},
        "costs_missing": [{"parameter": m.parameter, "first_day": m.first_day} for m in costs.missing],
        "target": settings.get("target_participants"),
        "target_year": settings.get("target_year"),
    }
