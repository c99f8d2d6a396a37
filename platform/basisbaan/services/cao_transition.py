"""Moving participants from one collective agreement to another on a date (Groningen: CAO SW to CAO Aan de
Slag): a preview per participant, then new contract versions from that date. Nothing is overwritten.

The preview compares, on the transition date (or the contract's start when it starts later), the hourly
wage and a year's wage cost at the terms of that date before and after, and flags anyone who would earn
less over a year: gross wage plus holiday allowance plus year-end payment, so losing CAO SW's 3.75%
year-end payment counts even at the same hourly wage.
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
from basisbaan.models import Contract, ContractVersion, Participant
from basisbaan.models.base import utcnow
from basisbaan.services import contracts as contract_service
from basisbaan.services import locking
from basisbaan.services.audit import Actor, record
from basisbaan.services.timeline import SettingsTimeline
from basisbaan.texts import N_


@dataclass(frozen=True)
class Row:
    participant_id: uuid.UUID
    participant_name: str
    contract_id: uuid.UUID
    contract_version: int
    effective_from: date  # the transition date, or the contract's start when it starts later
    hours_per_week: Decimal
    from_cao: str
    hourly_before: Decimal
    hourly_after: Decimal
    annual_before: WageCost
    annual_after: WageCost
    earns_less: bool  # the new agreement alone would pay less over a year
    guaranteed_hourly_wage: Decimal | None
    replaced_versions: int  # versions dated on or after the date (renewals, planned changes) it replaces


@dataclass
class Preview:
    to_cao: str
    on: date
    keep_old_wage: bool
    rows: list[Row] = field(default_factory=list)

    @property
    def earning_less(self) -> int:
        return sum(1 for row in self.rows if row.earns_less)

    @property
    def annual_before(self) -> Decimal:
        return sum((r.annual_before.total for r in self.rows), Decimal(0))

    @property
    def annual_after(self) -> Decimal:
        return sum((r.annual_after.total for r in self.rows), Decimal(0))


def _moving(versions, on: date, to_cao: str, from_cao: str | None) -> list:
    """The versions in force on or after `on` that the transition concerns."""
    in_force = max((v for v in versions if v.valid_from <= on), key=lambda v: v.valid_from, default=None)
    later = [v for v in versions if v.valid_from > on]
    relevant = ([in_force] if in_force else []) + later
    if not any(v.cao != to_cao and (from_cao is None or v.cao == from_cao) for v in relevant):
        return []
    return relevant


def preview(session: Session, timeline: SettingsTimeline, *, to_cao: str, on: date, keep_old_wage: bool,
            from_cao: str | None = None) -> Preview:
    """Every contract running on or after `on` with terms under another agreement (or under `from_cao`),
    including renewals recorded in advance; three statements."""
    if timeline.terms(to_cao, on) is None:
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
            contracts.items(), key=lambda item: (item[1][1].person.family_name, item[1][1].person.given_names,
                                                 item[1][0].start_on)):
        moving = _moving(versions[contract_id], on, to_cao, from_cao)
        if not moving:
            continue
        effective = max(on, contract.start_on)
        current = max((v for v in moving if v.valid_from <= effective), key=lambda v: v.valid_from)
        old_terms, new_terms = timeline.terms(current.cao, effective), timeline.terms(to_cao, effective)
        if old_terms is None or new_terms is None:
            missing = current.cao if old_terms is None else to_cao
            raise InvalidInput("An agreement has no terms on a date the transition needs.",
                               {"on": [N_("No terms of %(cao)s on %(day)s.", cao=CAO_NAMES.get(missing, missing),
                                          day=effective.isoformat())]})
        try:
            before = hourly_wage(old_terms, effective, current.wage_scale, current.wage_step,
                                 current.guaranteed_hourly_wage)
            after = hourly_wage(new_terms, effective)
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
            participant.id, f"{participant.person.given_names} {participant.person.family_name}", contract_id,
            contract.version, effective, current.hours_per_week, current.cao, before.amount, paid,
            annual_wage_cost(old_terms, before.amount, current.hours_per_week),
            annual_wage_cost(new_terms, paid, current.hours_per_week), earns_less, guarantee,
            sum(1 for v in moving if v.valid_from >= effective)))
    return result


def apply(session: Session, timeline: SettingsTimeline, *, to_cao: str, on: date, keep_old_wage: bool,
          from_cao: str | None, actor: Actor, expected: dict[uuid.UUID, int] | None = None) -> Preview:
    """Move the contracts, all or nothing: a new version from `on` for contracts running then; versions
    dated on or after `on` (renewals recorded in advance, planned changes) are marked superseded and
    replaced by the same terms under the new agreement. Wage scales do not carry over (they belong to the
    old agreement's table). `expected` (contract id -> version, from the preview the admin confirmed) makes
    any difference since then a conflict instead of a surprise."""
    result = preview(session, timeline, to_cao=to_cao, on=on, keep_old_wage=keep_old_wage, from_cao=from_cao)
    if not result.rows:
        raise InvalidInput("No contract would move.", {"to_cao": [N_("No contract in force on this date uses another agreement.")]})
    if expected is not None and {r.contract_id: r.contract_version for r in result.rows} != expected:
        raise Conflict("The contracts changed since the preview; preview again.",
                       {"contracts": [N_("The contracts changed since the preview. Preview again before applying.")]})
    now = utcnow()
    all_versions = contract_service.versions_of(session, [r.contract_id for r in result.rows])
    for row in result.rows:
        contract = session.get(Contract, row.contract_id)
        locking.claim(session, Contract, contract, row.contract_version)
        versions = all_versions[row.contract_id]
        replaced = [v for v in versions if v.valid_from >= row.effective_from]
        for old in replaced:
            old.superseded_at = now
        session.flush()  # the superseded rows leave the unique index of current versions first
        if row.effective_from not in {v.valid_from for v in replaced}:
            in_force = max((v for v in versions if v.valid_from <= row.effective_from), key=lambda v: v.valid_from)
            replaced = [in_force, *replaced]
            moved_from = {id(in_force): row.effective_from}
        else:
            moved_from = {}
        for old in replaced:
            guarantee = row.guaranteed_hourly_wage if old.cao != to_cao else old.guaranteed_hourly_wage
            session.add(ContractVersion(
                contract_id=contract.id, valid_from=moved_from.get(id(old), old.valid_from),
                hours_per_week=old.hours_per_week, cao=to_cao, wage_scale=None, wage_step=None,
                guaranteed_hourly_wage=guarantee, reason="cao_transition",
                note=(f"CAO transition ({old.note})" if old.note else "CAO transition"), created_by=actor.label))
    session.flush()
    record(session, actor, "cao_transition.applied", "tenant", None, to_cao=to_cao, on=on.isoformat(),
           contracts=len(result.rows), keep_old_wage=keep_old_wage, earning_less=result.earning_less)
    return result


__all__ = ["Preview", "Row", "apply", "preview"]
