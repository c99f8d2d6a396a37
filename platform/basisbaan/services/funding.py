"""Funding sources (municipal budget, grants such as NPG, JTF, ESF+, agreements with housing corporations
and other hosts), their allocation to the programme's years, and budget versus actual per year with the
remaining gap. Actual costs come from services.costs, never from a stored total."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from basisbaan.domain.costs import Missing, Totals
from basisbaan.domain.dates import out_of_range
from basisbaan.errors import Conflict, InvalidInput, NotFound
from basisbaan.models import FundingAllocation, FundingSource
from basisbaan.models.finance import FUNDING_KINDS
from basisbaan.services import costs as cost_service
from basisbaan.services import locking
from basisbaan.services.audit import Actor, record
from basisbaan.services.timeline import SettingsTimeline
from basisbaan.texts import N_

FIELDS = ("name", "kind", "funder", "amount", "start_on", "end_on", "conditions", "earmark")
MAX_AMOUNT = Decimal("1000000000")


def list_query(kind: str | None = None):
    stmt = select(FundingSource).order_by(FundingSource.start_on, func.lower(FundingSource.name))
    return stmt.where(FundingSource.kind == kind) if kind else stmt


def get(session: Session, source_id: uuid.UUID) -> FundingSource:
    found = session.scalars(select(FundingSource).where(FundingSource.id == source_id)).first()
    if found is None:
        raise NotFound("No such funding source.")
    return found


def allocations_of(session: Session, source_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[FundingAllocation]]:
    found: dict[uuid.UUID, list[FundingAllocation]] = {}
    if source_ids:
        for row in session.scalars(select(FundingAllocation).where(FundingAllocation.source_id.in_(source_ids))
                                   .order_by(FundingAllocation.year, FundingAllocation.created_at)):
            found.setdefault(row.source_id, []).append(row)
    return found


def _check(data: Mapping[str, Any], current: FundingSource | None, allocated: Decimal) -> None:
    merged = {**({k: getattr(current, k) for k in FIELDS} if current else {}), **data}
    errors: dict[str, list[str]] = {}
    if not (merged.get("name") or "").strip():
        errors["name"] = [N_("Required.")]
    if merged.get("kind") not in FUNDING_KINDS:
        errors["kind"] = [N_("Unknown value.")]
    amount = merged.get("amount")
    if amount is None:
        errors["amount"] = [N_("Required.")]
    elif not Decimal(0) <= Decimal(amount) <= MAX_AMOUNT:
        errors["amount"] = [N_("Zero or more.")]
    elif Decimal(amount) < allocated:
        errors["amount"] = [N_("Less than already allocated (%(amount)s).", amount=f"{allocated:.2f}")]
    for name in ("start_on", "end_on"):
        if out_of_range(merged.get(name)):
            errors[name] = [N_("Between 1900 and 2100.")]
    if merged.get("start_on") is None:
        errors["start_on"] = [N_("Required.")]
    elif merged.get("end_on") is not None and "end_on" not in errors and merged["end_on"] < merged["start_on"]:
        errors["end_on"] = [N_("Cannot be before the start date.")]
    if errors:
        raise InvalidInput("The funding source has invalid fields.", errors)


def _unique_name(session: Session, name: str, other_than: uuid.UUID | None = None) -> None:
    stmt = select(FundingSource.id).where(func.lower(FundingSource.name) == name.strip().lower())
    if other_than is not None:
        stmt = stmt.where(FundingSource.id != other_than)
    if session.scalars(stmt).first():
        raise Conflict("A funding source with this name exists.", {"name": [N_("A funding source with this name exists.")]})


def create(session: Session, data: Mapping[str, Any], actor: Actor) -> FundingSource:
    _check(data, None, Decimal(0))
    _unique_name(session, data["name"])
    source = FundingSource(**{k: data.get(k) for k in FIELDS})
    source.name = source.name.strip()
    session.add(source)
    session.flush()
    record(session, actor, "funding_source.created", "funding_source", source.id)
    return source


def allocated(session: Session, source_id: uuid.UUID) -> Decimal:
    return Decimal(session.scalar(select(func.coalesce(func.sum(FundingAllocation.amount), 0))
                                  .where(FundingAllocation.source_id == source_id)) or 0)


def update(session: Session, source: FundingSource, data: Mapping[str, Any], actor: Actor) -> FundingSource:
    if data.get("version") is None:
        raise InvalidInput("Send the version you read.", {"version": [N_("Required.")]})
    locking.lock(session, FundingSource, source.id)
    _check(data, source, allocated(session, source.id))
    if data.get("name") is not None:
        _unique_name(session, data["name"], other_than=source.id)
    _allocations_within(session, source, data.get("start_on", source.start_on), data.get("end_on", source.end_on))
    changed = [k for k in FIELDS if k in data and getattr(source, k) != data[k]]
    locking.claim(session, FundingSource, source, data.get("version"))
    for key in changed:
        setattr(source, key, data[key].strip() if key == "name" else data[key])
    session.flush()
    record(session, actor, "funding_source.updated", "funding_source", source.id, fields=changed)
    session.refresh(source)
    return source


def _allocations_within(session: Session, source: FundingSource, start: date, end: date | None) -> None:
    years = set(session.scalars(select(FundingAllocation.year).where(FundingAllocation.source_id == source.id)))
    message = [N_("Allocations to years outside this period exist.")]
    if any(y < start.year for y in years):
        raise InvalidInput("Allocations lie outside the new period.", {"start_on": message})
    if end is not None and any(y > end.year for y in years):
        raise InvalidInput("Allocations lie outside the new period.", {"end_on": message})


def allocate(session: Session, source: FundingSource, data: Mapping[str, Any], actor: Actor) -> FundingAllocation:
    """Assign part of the source to a year; never more than the source has left."""
    locking.lock(session, FundingSource, source.id)
    errors: dict[str, list[str]] = {}
    year, amount = data.get("year"), data.get("amount")
    if year is None:
        errors["year"] = [N_("Required.")]
    elif year < source.start_on.year or (source.end_on is not None and year > source.end_on.year):
        errors["year"] = [N_("Outside the source's period.")]
    if amount is None or Decimal(amount) <= 0:
        errors["amount"] = [N_("More than zero.")]
    elif Decimal(amount) > source.amount - allocated(session, source.id):
        errors["amount"] = [N_("More than the source has left (%(amount)s).",
                               amount=f"{source.amount - allocated(session, source.id):.2f}")]
    if errors:
        raise InvalidInput("The allocation has invalid fields.", errors)
    row = FundingAllocation(source_id=source.id, year=year, amount=Decimal(amount),
                            note=(data.get("note") or "").strip() or None, created_by=actor.label)
    session.add(row)
    session.flush()
    record(session, actor, "funding_source.allocated", "funding_source", source.id, year=year)
    return row


@dataclass
class BudgetYear:
    year: int
    budget: Decimal
    by_source: dict[str, Decimal]
    actual: Totals

    @property
    def gap(self) -> Decimal:
        return self.actual.net - self.budget


@dataclass
class Budget:
    years: list[BudgetYear]
    missing: list[Missing]
    provisional_from: date | None


def budget_versus_actual(session: Session, timeline: SettingsTimeline, first_year: int, last_year: int) -> Budget:
    """Per year: the funding allocated, the actual net costs computed from the records, the gap."""
    if last_year < first_year:
        raise InvalidInput("The years are in the wrong order.", {"to_year": [N_("Must not be before the first year.")]})
    if last_year - first_year > 20:
        raise InvalidInput("At most 21 years.", {"to_year": [N_("At most 20 years after the first year.")]})
    costs = cost_service.programme_cost(session, timeline, date(first_year, 1, 1), date(last_year + 1, 1, 1), "year")
    rows = session.execute(select(FundingAllocation.year, FundingSource.name, func.sum(FundingAllocation.amount))
                           .join(FundingSource, FundingSource.id == FundingAllocation.source_id)
                           .where(FundingAllocation.year >= first_year, FundingAllocation.year <= last_year)
                           .group_by(FundingAllocation.year, FundingSource.name))
    by_year: dict[int, dict[str, Decimal]] = {}
    for year, name, amount in rows:
        by_year.setdefault(year, {})[name] = Decimal(amount)
    years = [BudgetYear(year, sum(by_year.get(year, {}).values(), Decimal(0)), by_year.get(year, {}),
                        costs.groups.get(year, Totals())) for year in range(first_year, last_year + 1)]
    return Budget(years, costs.missing, costs.provisional_from)
