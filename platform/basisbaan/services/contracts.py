"""Employment contracts: the first contract, renewals with a performance report, and changes of terms
(hours, CAO, scale) as new dated versions. Nothing is overwritten; every change is audited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from basisbaan.crypto import Secrets
from basisbaan.domain.dates import out_of_range
from basisbaan.domain.employment import hourly_wage
from basisbaan.domain.national_parameters import MissingParameter
from basisbaan.errors import Conflict, InvalidInput, NotFound
from basisbaan.models import Contract, ContractVersion, Organisation, Participant, PerformanceReport
from basisbaan.models.employment import ADVICES, CONTRACT_KINDS
from basisbaan.services import locking
from basisbaan.services.audit import Actor, record
from basisbaan.services.timeline import SettingsTimeline
from basisbaan.texts import N_

Errors = dict[str, list[str]]


@dataclass(frozen=True)
class Terms:
    hours_per_week: Decimal
    cao: str
    wage_scale: str | None = None
    wage_step: str | None = None


def terms_errors(timeline: SettingsTimeline, on: date, terms: Terms, date_field: str) -> Errors:
    """Hours within the municipality's range on `on`, a CAO with terms for `on`, a known scale, and a
    published minimum wage for `on`."""
    errors: Errors = {}
    settings = timeline.on(on)
    low, high = settings["hours_per_week_min"], settings["hours_per_week_max"]
    if not low <= terms.hours_per_week <= high:
        errors["hours_per_week"] = [N_("Between %(low)s and %(high)s hours a week in this municipality.",
                                       low=low, high=high)]
    cao_terms = timeline.terms(terms.cao, on)
    if cao_terms is None:
        errors["cao"] = [N_("This collective agreement has no terms in this municipality on %(day)s.",
                            day=on.isoformat())]
        return errors
    if terms.wage_scale and not cao_terms.has_scale(terms.wage_scale, terms.wage_step):
        errors["wage_scale"] = [N_("This scale and step are not in the agreement's wage table.")]
    elif terms.wage_step and not terms.wage_scale:
        errors["wage_step"] = [N_("Give the scale with the step.")]
    try:
        hourly_wage(cao_terms, on)
    except MissingParameter:
        errors[date_field] = [N_("No published minimum wage for this date.")]
    return errors


def contracts_of(session: Session, participant: Participant) -> list[Contract]:
    return list(session.scalars(select(Contract).where(Contract.participant_id == participant.id)
                                .order_by(Contract.start_on)))


def versions_of(session: Session, contract_ids: list[uuid.UUID], *, superseded: bool = False
                ) -> dict[uuid.UUID, list[ContractVersion]]:
    """The current versions of each contract, oldest first (with `superseded`, also those a CAO transition
    replaced, for the history)."""
    found: dict[uuid.UUID, list[ContractVersion]] = {cid: [] for cid in contract_ids}
    if contract_ids:
        stmt = select(ContractVersion).where(ContractVersion.contract_id.in_(contract_ids))
        if not superseded:
            stmt = stmt.where(ContractVersion.superseded_at.is_(None))
        for version in session.scalars(stmt.order_by(ContractVersion.valid_from, ContractVersion.created_at)):
            found[version.contract_id].append(version)
    return found


def reports_of(session: Session, contract_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[PerformanceReport]]:
    found: dict[uuid.UUID, list[PerformanceReport]] = {cid: [] for cid in contract_ids}
    if contract_ids:
        for report in session.scalars(select(PerformanceReport).where(PerformanceReport.contract_id.in_(contract_ids))
                                      .order_by(PerformanceReport.written_on)):
            found[report.contract_id].append(report)
    return found


def first_uncovered(contracts: list[Contract], first: date, last: date) -> date | None:
    """The first day of [first, last] outside every contract (contracts may follow each other), or None."""
    day = first
    for contract in sorted(contracts, key=lambda c: c.start_on):
        if contract.start_on > day:
            break
        if contract.last_day is None:
            return None
        if contract.last_day >= day:
            day = contract.last_day + timedelta(days=1)
        if day > last:
            return None
    return day if day <= last else None


def get(session: Session, participant: Participant, contract_id: uuid.UUID) -> Contract:
    found = session.scalars(select(Contract).where(Contract.id == contract_id,
                                                   Contract.participant_id == participant.id)).first()
    if found is None:
        raise NotFound("No such contract.")
    return found


def _overlaps(a_start: date, a_last: date | None, b_start: date, b_last: date | None) -> bool:
    return (a_last is None or b_start <= a_last) and (b_last is None or a_start <= b_last)


def add(session: Session, secrets: Secrets, timeline: SettingsTimeline, participant: Participant,
        data: Mapping[str, Any], actor: Actor, today: date) -> Contract:
    """A new contract: the first one, or a renewal following an earlier one (which needs a performance
    report, given here or written before). Overlap, hours, CAO and dates are checked; nothing is saved on
    any error."""
    locking.lock(session, Participant, participant.id)
    errors: Errors = {}
    kind, start, end = data.get("kind"), data.get("start_on"), data.get("end_on")
    if start is None:
        errors["start_on"] = [N_("Required.")]
    for name in ("start_on", "end_on"):
        if out_of_range(data.get(name)):
            errors[name] = [N_("Between 1900 and 2100.")]
    if errors:
        raise InvalidInput("The contract has invalid fields.", errors)
    if kind not in CONTRACT_KINDS:
        errors["kind"] = [N_("Choose temporary or permanent.")]
    if kind == "temporary" and end is None:
        errors["end_on"] = [N_("A temporary contract needs an end date.")]
    if kind == "permanent" and end is not None:
        errors["end_on"] = [N_("A permanent contract has no end date.")]
    if end is not None and start is not None and end < start:
        errors["end_on"] = [N_("Cannot be before the start date.")]
    if start is not None and start < participant.started_on:
        errors["start_on"] = [N_("Cannot be before the participant's start (%(day)s).",
                                 day=participant.started_on.isoformat())]
    if participant.exit_on is not None:
        errors["start_on"] = [N_("The participant has left; start a new participation instead.")]
    employer = session.scalars(select(Organisation).where(Organisation.id == data.get("employer_id"))).first() \
        if data.get("employer_id") else None
    if employer is None or not employer.is_employer:
        errors["employer_id"] = [N_("Choose one of the municipality's employers.")]
    trial = data.get("trial_period_months")
    if trial is not None and not 0 <= trial <= 2:
        errors["trial_period_months"] = [N_("At most two months.")]
    if data.get("hours_per_week") is None:
        errors["hours_per_week"] = [N_("Required.")]
    if start is not None and data.get("hours_per_week") is not None and data.get("cao"):
        errors.update(terms_errors(timeline, start, Terms(Decimal(data["hours_per_week"]), data["cao"],
                                                          data.get("wage_scale"), data.get("wage_step")), "start_on"))
    elif not data.get("cao"):
        errors["cao"] = [N_("Choose a collective agreement.")]
    if errors:
        raise InvalidInput("The contract has invalid fields.", errors)
    existing = contracts_of(session, participant)
    for other in existing:
        if _overlaps(start, end, other.start_on, other.last_day):
            raise InvalidInput("The contract overlaps another contract of this participant.",
                               {"start_on": [N_("Overlaps the contract from %(day)s.", day=other.start_on.isoformat())]})
    previous = max((c for c in existing if c.start_on < start), key=lambda c: c.start_on, default=None)
    report_data = data.get("performance_report")
    if previous is not None and previous.kind == "temporary":
        has_report = session.scalars(select(PerformanceReport.id).where(
            PerformanceReport.contract_id == previous.id)).first() is not None
        if report_data:
            add_report(session, secrets, previous, report_data, actor, today)
        elif not has_report:
            raise InvalidInput("A renewal needs a performance report on the previous contract.",
                               {"performance_report": [N_("Add the performance report on the previous contract.")]})
    elif report_data:
        raise InvalidInput("A performance report belongs to a renewal.",
                           {"performance_report": [N_("Only with a renewal of a temporary contract.")]})
    contract = Contract(participant_id=participant.id, employer_id=employer.id, kind=kind, start_on=start,
                        end_on=end, trial_period_months=trial, created_by=actor.label)
    session.add(contract)
    session.flush()
    session.add(ContractVersion(contract_id=contract.id, valid_from=start,
                                hours_per_week=Decimal(data["hours_per_week"]), cao=data["cao"],
                                wage_scale=data.get("wage_scale") or None, wage_step=data.get("wage_step") or None,
                                guaranteed_hourly_wage=_carried_guarantee(session, previous, data["cao"]),
                                reason="start", created_by=actor.label))
    session.flush()
    record(session, actor, "contract.created", "participant", participant.id, contract_id=str(contract.id),
           kind=kind, renewal=previous is not None)
    return contract


def _carried_guarantee(session: Session, previous: Contract | None, cao: str) -> Decimal | None:
    """A transition guarantee stays with the person: a renewal under the same agreement keeps it."""
    if previous is None:
        return None
    versions = versions_of(session, [previous.id])[previous.id]
    last = versions[-1] if versions else None
    return last.guaranteed_hourly_wage if last is not None and last.cao == cao else None


def add_report(session: Session, secrets: Secrets, contract: Contract, data: Mapping[str, Any], actor: Actor,
               today: date) -> PerformanceReport:
    errors: Errors = {}
    written = data.get("written_on")
    if written is None:
        errors["written_on"] = [N_("Required.")]
    elif out_of_range(written):
        errors["written_on"] = [N_("Between 1900 and 2100.")]
    elif written > today:
        errors["written_on"] = [N_("Cannot be in the future.")]
    elif written < contract.start_on:
        errors["written_on"] = [N_("Cannot be before the contract starts.")]
    if not (data.get("author") or "").strip():
        errors["author"] = [N_("Required.")]
    if data.get("advice") not in ADVICES:
        errors["advice"] = [N_("Choose renew, permanent or end.")]
    if contract.kind != "temporary":
        errors["contract"] = [N_("Only temporary contracts get a performance report.")]
    if errors:
        raise InvalidInput("The performance report has invalid fields.",
                           {f"performance_report.{k}": v for k, v in errors.items()})
    summary = (data.get("summary") or "").strip()
    report = PerformanceReport(contract_id=contract.id, written_on=written, author=data["author"].strip(),
                               advice=data["advice"], summary_encrypted=secrets.encrypt(summary) if summary else None,
                               created_by=actor.label)
    session.add(report)
    session.flush()
    record(session, actor, "contract.performance_report_added", "participant", contract.participant_id,
           contract_id=str(contract.id), advice=data["advice"])
    return report


def change_terms(session: Session, timeline: SettingsTimeline, contract: Contract, data: Mapping[str, Any],
                 expected_version: int | None, actor: Actor, reason: str = "hours") -> ContractVersion:
    """New terms from `valid_from` (hours, CAO, scale/step, note); what is not given carries over from the
    version in force the day before. `expected_version` is the contract version the change was based on."""
    valid_from = data.get("valid_from")
    errors: Errors = {}
    if valid_from is None:
        errors["valid_from"] = [N_("Required.")]
    elif out_of_range(valid_from):
        errors["valid_from"] = [N_("Between 1900 and 2100.")]
    elif valid_from <= contract.start_on:
        errors["valid_from"] = [N_("Must be after the contract's start; the first terms belong to the contract.")]
    elif contract.last_day is not None and valid_from > contract.last_day:
        errors["valid_from"] = [N_("Must be within the contract (last day %(day)s).", day=contract.last_day.isoformat())]
    if errors:
        raise InvalidInput("The change has invalid fields.", errors)
    versions = versions_of(session, [contract.id])[contract.id]
    if any(v.valid_from == valid_from for v in versions):
        raise InvalidInput("The contract has a version from this date already.",
                           {"valid_from": [N_("A version from this date exists already.")]})
    before = max((v for v in versions if v.valid_from < valid_from), key=lambda v: v.valid_from)
    terms = Terms(Decimal(data["hours_per_week"]) if data.get("hours_per_week") is not None else before.hours_per_week,
                  data.get("cao") or before.cao,
                  data["wage_scale"] if "wage_scale" in data else before.wage_scale,
                  data["wage_step"] if "wage_step" in data else before.wage_step)
    errors = terms_errors(timeline, valid_from, terms, "valid_from")
    if errors:
        raise InvalidInput("The change has invalid fields.", errors)
    if (terms.hours_per_week, terms.cao, terms.wage_scale, terms.wage_step) == (
            before.hours_per_week, before.cao, before.wage_scale, before.wage_step) and reason != "cao_transition":
        raise InvalidInput("Nothing changes.", {"hours_per_week": [N_("Change at least one term.")]})
    locking.claim(session, Contract, contract, expected_version)
    guaranteed = data.get("guaranteed_hourly_wage")
    if guaranteed is None and terms.cao == before.cao:
        guaranteed = before.guaranteed_hourly_wage  # a transition guarantee keeps applying
    version = ContractVersion(contract_id=contract.id, valid_from=valid_from, hours_per_week=terms.hours_per_week,
                              cao=terms.cao, wage_scale=terms.wage_scale, wage_step=terms.wage_step,
                              guaranteed_hourly_wage=guaranteed, reason=reason,
                              note=(data.get("note") or "").strip() or None, created_by=actor.label)
    session.add(version)
    session.flush()
    record(session, actor, "contract.terms_changed", "participant", contract.participant_id,
           contract_id=str(contract.id), valid_from=valid_from.isoformat(), reason=reason,
           fields=sorted(k for k in ("hours_per_week", "cao", "wage_scale", "wage_step") if k in data))
    return version


def terminate(contracts: list[Contract], last_day: date) -> None:
    """End the running contract on `last_day` (an exit); the agreed end date stays on record."""
    for contract in contracts:
        if contract.start_on <= last_day and (contract.last_day is None or contract.last_day > last_day):
            contract.terminated_on = last_day


def first_contract_end(start: date, months: int) -> date:
    """The last day of a contract of `months` months from `start` (e.g. 2020-03-01 + 12 -> 2021-02-28).
    A start outside the accepted range is returned as is (the contract's checks then name the field)."""
    if out_of_range(start):
        return start
    year, month = divmod(start.month - 1 + months, 12)
    try:
        anniversary = start.replace(year=start.year + year, month=month + 1)
    except ValueError:  # 31 January + 1 month: the month has no 31st, the contract runs to its end
        anniversary = date(start.year + year, month + 2, 1) if month + 2 <= 12 else date(start.year + year + 1, 1, 1)
    return anniversary - timedelta(days=1)
