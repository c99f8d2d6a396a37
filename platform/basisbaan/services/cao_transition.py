"""Moving participants from one collective agreement to another on a date (Groningen: CAO SW to CAO Aan de
Slag): a preview per participant, then new contract versions from that date. Nothing is overwritten.

The preview compares, on the transition date, the hourly wage and a year's wage cost (at the terms of that
date) before and after, and flags anyone who would earn less over a year: gross wage plus holiday allowance
plus year-end payment, so losing CAO SW's 3.75% year-end payment counts even at the same hourly wage.
With the transition arrangement, whoever would earn less gets a guaranteed hourly wage that keeps their
annual pay at least at the old level (a guarantee on the new version; once the minimum wage rises above
it, the minimum wage takes over).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from basisbaan.domain.cao_catalogue import CAO_NAMES
from basisbaan.domain.employment import CENT, WageCost, annual_wage_cost, hourly_wage, pay_factor
from basisbaan.domain.national_parameters import MissingParameter
from basisbaan.errors import Conflict, InvalidInput
from basisbaan.models import Contract, Participant
from basisbaan.services import contracts as contract_service
from basisbaan.services.audit import Actor, record
from basisbaan.services.timeline import SettingsTimeline
from basisbaan.texts import N_


@dataclass(frozen=True)
class Row:
    participant_id: uuid.UUID
    participant_name: str
    contract_id: uuid.UUID
    contract_version: int
    hours_per_week: Decimal
    from_cao: str
    hourly_before: Decimal
    hourly_after: Decimal
    annual_before: WageCost
    annual_after: WageCost
    earns_less: bool  # the new agreement alone would pay less over a year
    guaranteed_hourly_wage: Decimal | None


@dataclass(frozen=True)
class Blocked:
    participant_id: uuid.UUID
    participant_name: str
    contract_id: uuid.UUID
    reason: str  # later_changes | starts_later | starts_on_date


@dataclass
class Preview:
    to_cao: str
    on: date
    keep_old_wage: bool
    rows: list[Row] = field(default_factory=list)
    blocked: list[Blocked] = field(default_factory=list)

    @property
    def earning_less(self) -> int:
        return sum(1 for row in self.rows if row.earns_less)

    @property
    def annual_before(self) -> Decimal:
        return sum((r.annual_before.total for r in self.rows), Decimal(0))

    @property
    def annual_after(self) -> Decimal:
        return sum((r.annual_after.total for r in self.rows), Decimal(0))


def preview(session: Session, timeline: SettingsTimeline, *, to_cao: str, on: date, keep_old_wage: bool,
            from_cao: str | None = None) -> Preview:
    """Every contract in force on `on` under another agreement (or under `from_cao`); three statements."""
    new_terms = timeline.terms(to_cao, on)
    if new_terms is None:
        raise InvalidInput("The new agreement has no terms on this date.",
                           {"to_cao": [N_("This collective agreement has no terms in this municipality on %(day)s.",
                                          day=on.isoformat())]})
    if from_cao is not None and from_cao == to_cao:
        raise InvalidInput("Choose two different agreements.", {"to_cao": [N_("Must differ from the current agreement.")]})
    result = Preview(to_cao, on, keep_old_wage)
    rows = session.execute(
        select(Contract, Participant).join(Participant, Participant.id == Contract.participant_id)
        .where(or_(Contract.end_on.is_(None), Contract.end_on >= on),
               or_(Contract.terminated_on.is_(None), Contract.terminated_on >= on))).all()
    contracts = {c.id: (c, p) for c, p in rows}
    versions = contract_service.versions_of(session, list(contracts))
    for contract_id, (contract, participant) in sorted(
            contracts.items(), key=lambda item: (item[1][1].person.family_name, item[1][1].person.given_names)):
        name = f"{participant.person.given_names} {participant.person.family_name}"
        own = versions[contract_id]
        in_force = max((v for v in own if v.valid_from <= on), key=lambda v: v.valid_from, default=None)
        if contract.start_on > on:
            if any(v.cao != to_cao and (from_cao is None or v.cao == from_cao) for v in own):
                result.blocked.append(Blocked(participant.id, name, contract_id, "starts_later"))
            continue
        if in_force is None or in_force.cao == to_cao or (from_cao is not None and in_force.cao != from_cao):
            continue
        if contract.start_on == on:
            result.blocked.append(Blocked(participant.id, name, contract_id, "starts_on_date"))
            continue
        if any(v.valid_from > on for v in own):
            result.blocked.append(Blocked(participant.id, name, contract_id, "later_changes"))
            continue
        old_terms = timeline.terms(in_force.cao, on)
        if old_terms is None:
            raise InvalidInput("A current agreement has no terms on this date.",
                               {"on": [N_("No terms of %(cao)s on this date.", cao=CAO_NAMES.get(in_force.cao, in_force.cao))]})
        try:
            before = hourly_wage(old_terms, on, in_force.wage_scale, in_force.wage_step, in_force.guaranteed_hourly_wage)
            after = hourly_wage(new_terms, on)
        except MissingParameter as exc:
            raise InvalidInput("No published minimum wage for this date.",
                               {"on": [N_("No published minimum wage for this date.")]}) from exc
        old_pay = before.amount * pay_factor(old_terms)
        earns_less = after.amount * pay_factor(new_terms) < old_pay
        # The hourly wage that keeps the annual pay: rounded up to the cent, never below the new wage.
        guarantee = (old_pay / pay_factor(new_terms)).quantize(CENT, rounding=ROUND_CEILING) \
            if keep_old_wage and earns_less else None
        paid = max(after.amount, guarantee) if guarantee else after.amount
        result.rows.append(Row(
            participant.id, name, contract_id, contract.version, in_force.hours_per_week, in_force.cao,
            before.amount, paid, annual_wage_cost(old_terms, before.amount, in_force.hours_per_week),
            annual_wage_cost(new_terms, paid, in_force.hours_per_week), earns_less, guarantee))
    return result


def apply(session: Session, timeline: SettingsTimeline, *, to_cao: str, on: date, keep_old_wage: bool,
          from_cao: str | None, actor: Actor) -> Preview:
    """Create the new contract versions from `on`, all or nothing. Refused while any contract is blocked
    (it has changes after the date, or starts on or after it): settle those first."""
    result = preview(session, timeline, to_cao=to_cao, on=on, keep_old_wage=keep_old_wage, from_cao=from_cao)
    if result.blocked:
        raise Conflict("Some contracts cannot move on this date; see the preview.",
                       {"on": [N_("%(count)s contracts have changes on or after this date.", count=len(result.blocked))]})
    if not result.rows:
        raise InvalidInput("No contract would move.", {"to_cao": [N_("No contract in force on this date uses another agreement.")]})
    for row in result.rows:
        contract = session.get(Contract, row.contract_id)
        contract_service.change_terms(session, timeline, contract, {
            "valid_from": on, "cao": to_cao, "guaranteed_hourly_wage": row.guaranteed_hourly_wage,
            "note": "CAO transition"}, row.contract_version, actor, reason="cao_transition")
    record(session, actor, "cao_transition.applied", "tenant", None, to_cao=to_cao, on=on.isoformat(),
           contracts=len(result.rows), keep_old_wage=keep_old_wage, earning_less=result.earning_less)
    return result


__all__ = ["Blocked", "Preview", "Row", "apply", "preview"]
