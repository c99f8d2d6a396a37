"""Loads employment history in a fixed number of statements, whatever the number of participants or days.

Everything that computes over time (absence rates, wages, later costs and key figures) goes through here:
contract periods with their terms (one statement), sickness periods (one statement), the settings
versions (one statement) and the municipality's CAO terms per date (plugin calls, cached).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from basisbaan.domain.cao import CaoTerms
from basisbaan.domain.wellbeing import Instrument
from basisbaan.domain.employment import SickPeriod, TermsPeriod, VersionTerms, contract_periods, exclusive_end
from basisbaan.models import Absence, Contract, ContractVersion, Participant, Person, TenantSettingsVersion
from basisbaan.plugins import TenantHooks
from basisbaan.services import settings as settings_service
from basisbaan.services.visibility import Viewer, participant_filter


@dataclass(frozen=True)
class Group:
    """Which participants a figure is about; all fields optional (None: the whole programme)."""

    participant_id: uuid.UUID | None = None
    neighbourhood_id: uuid.UUID | None = None
    coach_id: uuid.UUID | None = None
    coaching_organisation_id: uuid.UUID | None = None
    employer_id: uuid.UUID | None = None

    def clauses(self) -> list:
        found = []
        if self.participant_id:
            found.append(Participant.id == self.participant_id)
        if self.neighbourhood_id:
            found.append(Participant.person_id.in_(select(Person.id).where(
                Person.neighbourhood_id == self.neighbourhood_id)))
        if self.coach_id:
            found.append(Participant.coach_id == self.coach_id)
        if self.coaching_organisation_id:
            found.append(Participant.coaching_organisation_id == self.coaching_organisation_id)
        return found


class SettingsTimeline:
    """The tenant's settings for any date, from one statement; CAO terms per (agreement, date), cached."""

    def __init__(self, session: Session, hooks: TenantHooks):
        self._hooks = hooks
        self._versions = list(session.scalars(select(TenantSettingsVersion)
                                              .order_by(TenantSettingsVersion.effective_from)))
        self._loaded: dict[Any, dict[str, Any]] = {}
        self._terms: dict[tuple[str, date], CaoTerms | None] = {}

    def on(self, day: date) -> dict[str, Any]:
        version = None
        for candidate in self._versions:
            if candidate.effective_from <= day:
                version = candidate
        key = version.id if version else None
        if key not in self._loaded:
            self._loaded[key] = settings_service.load(self._hooks, version.values if version else {})
        return self._loaded[key]

    def change_dates(self) -> list[date]:
        """The days on which a settings version takes effect."""
        return [version.effective_from for version in self._versions]

    def instrument(self, day: date) -> Instrument:
        """The wellbeing instrument in force on `day` (the municipality's, or the core's default)."""
        return self._hooks.wellbeing_instrument(settings=self.on(day))

    def terms(self, cao: str, day: date) -> CaoTerms | None:
        key = (cao, day)
        if key not in self._terms:
            self._terms[key] = self._hooks.cao_terms(cao=cao, on=day, settings=self.on(day))
        return self._terms[key]


def _contract_overlaps(start: date, end: date):
    return and_(Contract.start_on < end,
                or_(Contract.end_on.is_(None), Contract.end_on >= start),
                or_(Contract.terminated_on.is_(None), Contract.terminated_on >= start))


def periods(session: Session, start: date, end: date, viewer: Viewer | None = None,
            group: Group = Group()) -> list[TermsPeriod]:
    """Contract periods with constant terms overlapping [start, end): ONE statement."""
    stmt = (select(Contract.id, Contract.participant_id, Contract.start_on, Contract.end_on, Contract.terminated_on,
                   ContractVersion.valid_from, ContractVersion.hours_per_week, ContractVersion.cao,
                   ContractVersion.wage_scale, ContractVersion.wage_step, ContractVersion.guaranteed_hourly_wage)
            .join(ContractVersion, and_(ContractVersion.contract_id == Contract.id,
                                        ContractVersion.superseded_at.is_(None)))
            .join(Participant, Participant.id == Contract.participant_id)
            .where(_contract_overlaps(start, end), *group.clauses()))
    if group.employer_id:
        stmt = stmt.where(Contract.employer_id == group.employer_id)
    clause = participant_filter(viewer) if viewer is not None else None
    if clause is not None:
        stmt = stmt.where(clause)
    by_contract: dict[uuid.UUID, tuple[Any, date, date | None, list[VersionTerms]]] = {}
    for row in session.execute(stmt):
        last_day = min(d for d in (row.end_on, row.terminated_on) if d is not None) \
            if (row.end_on or row.terminated_on) else None
        entry = by_contract.setdefault(row.id, (row.participant_id, row.start_on, last_day, []))
        entry[3].append(VersionTerms(row.valid_from, row.hours_per_week, row.cao, row.wage_scale, row.wage_step,
                                     row.guaranteed_hourly_wage))
    found: list[TermsPeriod] = []
    for contract_id, (participant_id, contract_start, last_day, versions) in by_contract.items():
        found.extend(contract_periods(participant_id, contract_id, contract_start, last_day, versions))
    return found


def sickness(session: Session, start: date, end: date, viewer: Viewer | None = None,
             group: Group = Group()) -> list[SickPeriod]:
    """Sickness periods overlapping [start, end): ONE statement."""
    stmt = (select(Absence.participant_id, Absence.start_on, Absence.end_on, Absence.percentage)
            .join(Participant, Participant.id == Absence.participant_id)
            .where(Absence.start_on < end, or_(Absence.end_on.is_(None), Absence.end_on >= start),
                   *group.clauses()))
    clause = participant_filter(viewer) if viewer is not None else None
    if clause is not None:
        stmt = stmt.where(clause)
    return [SickPeriod(row.participant_id, row.start_on, exclusive_end(row.end_on), row.percentage)
            for row in session.execute(stmt)]
