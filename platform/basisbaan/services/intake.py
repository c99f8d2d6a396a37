"""The intake funnel: conversations, eligibility on a date, the coach's decision, and the counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from sqlalchemy import Integer, and_, func, select
from sqlalchemy.orm import Session

from basisbaan.crypto import Secrets
from basisbaan.domain.eligibility import EligibilityResult, Verdict, evaluate
from basisbaan.errors import Conflict, InvalidInput
from basisbaan.models import Candidate, CandidateDecision, CandidateStatusChange, IntakeConversation, User, UserRole
from basisbaan.models.candidate import OUTCOMES, REASON_CATEGORIES
from basisbaan.plugins import TenantHooks
from basisbaan.services import participants as participant_service
from basisbaan.services import settings as settings_service
from basisbaan.services.audit import Actor, record
from basisbaan.texts import N_

# Statuses from which a (new) conversation or decision is possible; "started" hands over to employment.
OPEN_STATUSES = ("referred", "in_conversation", "on_hold", "waiting_list", "not_started")


def _set_status(session: Session, candidate: Candidate, status: str, on: date, actor: Actor) -> None:
    candidate.status = status
    candidate.status_since = on
    session.add(CandidateStatusChange(candidate_id=candidate.id, status=status, changed_on=on,
                                      created_by=actor.label))


def conversations(session: Session, candidate: Candidate) -> list[IntakeConversation]:
    return list(session.scalars(select(IntakeConversation).where(IntakeConversation.candidate_id == candidate.id)
                                .order_by(IntakeConversation.held_on, IntakeConversation.created_at)))


def add_conversation(session: Session, secrets: Secrets, candidate: Candidate, *, held_on: date,
                     coach_id, notes: str | None, actor: Actor, today: date) -> IntakeConversation:
    errors: dict[str, list[str]] = {}
    if held_on > today:
        errors["held_on"] = [N_("Cannot be in the future.")]
    elif held_on < candidate.referral_date:
        errors["held_on"] = [N_("Cannot be before the referral date.")]
    if coach_id is not None:
        coach = session.scalars(select(User.id).join(User.role_rows).where(
            User.id == coach_id, UserRole.role == "coach")).first()
        if coach is None:
            errors["coach_id"] = [N_("No such coach.")]
    if errors:
        raise InvalidInput("The conversation has invalid fields.", errors)
    if candidate.status not in OPEN_STATUSES:
        raise Conflict("This candidate has started; intake conversations are closed.",
                       {"candidate": [N_("The candidate has already started.")]})
    conversation = IntakeConversation(candidate_id=candidate.id, held_on=held_on, coach_id=coach_id,
                                      notes_encrypted=secrets.encrypt(notes.strip()) if notes and notes.strip() else None)
    session.add(conversation)
    # A conversation recorded late (before the current status began) is history: it does not move the
    # candidate back, e.g. off the waiting list.
    if candidate.status != "in_conversation" and held_on >= candidate.status_since:
        _set_status(session, candidate, "in_conversation", held_on, actor)
    session.flush()
    record(session, actor, "candidate.conversation_added", "candidate", candidate.id, held_on=held_on.isoformat())
    return conversation


def facts(candidate: Candidate) -> dict[str, Any]:
    """What the municipality's criteria may look at (see basisbaan.domain.eligibility)."""
    return {
        "date_of_birth": candidate.person.date_of_birth,
        "social_assistance_since": candidate.social_assistance_since,
        "reintegration_track": candidate.reintegration_track or None,
        "available_hours": candidate.available_hours,
        "hours_agreed": candidate.hours_agreed,
        "no_prospect_of_work": candidate.no_prospect_of_work,
        "after_participation_job": candidate.after_participation_job,
    }


def eligibility(session: Session, hooks: TenantHooks, candidate: Candidate, on: date) -> EligibilityResult:
    settings = settings_service.settings_on(session, hooks, on)
    return evaluate(hooks.eligibility_criteria(settings=settings), facts(candidate), on, settings)


@dataclass(frozen=True)
class DecisionInput:
    outcome: str
    decided_on: date
    reason_category: str | None = None
    sub_reason: str | None = None
    reasons: str | None = None


def decide(session: Session, hooks: TenantHooks, candidate: Candidate, data: DecisionInput, actor: Actor,
           today: date) -> CandidateDecision:
    """Record the coach's decision. Starting against a failed criterion needs written reasons (an override);
    with a fixed number of places all taken, starting puts the candidate on the waiting list."""
    errors: dict[str, list[str]] = {}
    if data.outcome not in OUTCOMES:
        errors["outcome"] = [N_("Choose started, not started or on hold.")]
    if data.decided_on > today:
        errors["decided_on"] = [N_("Cannot be in the future.")]
    if data.outcome == "not_started" and data.reason_category not in REASON_CATEGORIES:
        errors["reason_category"] = [N_("Choose cannot, will not or may not.")]
    if data.outcome != "not_started" and data.reason_category is not None:
        errors["reason_category"] = [N_("Only for a candidate who does not start.")]
    if errors:
        raise InvalidInput("The decision has invalid fields.", errors)
    if candidate.status == "started":
        raise Conflict("This candidate has already started.", {"outcome": [N_("The candidate has already started.")]})
    latest = session.scalar(select(func.max(CandidateDecision.decided_on)).where(
        CandidateDecision.candidate_id == candidate.id))
    if latest is not None and data.decided_on < latest:
        # The funnel counts each candidate's last decision by date: an earlier date would contradict the status.
        raise InvalidInput("A decision cannot be dated before the previous decision.",
                           {"decided_on": [N_("Cannot be before the previous decision.")]})
    held = session.scalar(select(func.count()).select_from(IntakeConversation).where(
        IntakeConversation.candidate_id == candidate.id, IntakeConversation.held_on <= data.decided_on))
    if not held:
        raise InvalidInput("Decide only after at least one intake conversation.",
                           {"outcome": [N_("Hold at least one intake conversation before deciding.")]})
    result = eligibility(session, hooks, candidate, data.decided_on)
    failed = [r.code for r in result.results if r.verdict is Verdict.FAIL]
    override = data.outcome == "started" and bool(failed)
    if override and not (data.reasons or "").strip():
        raise InvalidInput("Starting against a failed criterion needs written reasons.",
                           {"reasons": [N_("Explain why the candidate starts although a criterion is not met.")]})
    resulting = data.outcome
    if data.outcome == "started":
        places = hooks.admission_places(settings=settings_service.settings_on(session, hooks, data.decided_on))
        if places is not None and participant_service.occupied_places(session, data.decided_on) >= places:
            resulting = "waiting_list"
    decision = CandidateDecision(
        candidate_id=candidate.id, decided_on=data.decided_on, outcome=data.outcome, resulting_status=resulting,
        reason_category=data.reason_category, sub_reason=(data.sub_reason or "").strip() or None,
        reasons=(data.reasons or "").strip() or None, eligibility=result.overall.value, failed_criteria=failed,
        override=override, decided_by=actor.label)
    session.add(decision)
    _set_status(session, candidate, resulting, data.decided_on, actor)
    session.flush()
    record(session, actor, "candidate.decided", "candidate", candidate.id, outcome=data.outcome,
           status=resulting, override=override)
    return decision


def decisions(session: Session, candidate: Candidate) -> list[CandidateDecision]:
    return list(session.scalars(select(CandidateDecision).where(CandidateDecision.candidate_id == candidate.id)
                                .order_by(CandidateDecision.decided_on, CandidateDecision.created_at)))


def funnel(session: Session, date_from: date, date_to: date) -> dict[str, Any]:
    """The funnel over [date_from, date_to): four statements whatever the number of candidates.

    referred: referral date in the period; spoken: at least one conversation in the period; decisions:
    each candidate's last decision in the period, by the status it led to and, for those who did not start,
    by reason category; conversion_rate: started / spoken.
    """
    if date_from >= date_to:
        raise InvalidInput("The period is empty.", {"from": [N_("Must be before 'to'.")]})
    referred = session.scalar(select(func.count()).select_from(Candidate).where(
        Candidate.referral_date >= date_from, Candidate.referral_date < date_to)) or 0
    spoken = session.scalar(select(func.count(func.distinct(IntakeConversation.candidate_id))).where(
        IntakeConversation.held_on >= date_from, IntakeConversation.held_on < date_to)) or 0
    in_period = and_(CandidateDecision.decided_on >= date_from, CandidateDecision.decided_on < date_to)
    ranked = select(
        CandidateDecision.resulting_status, CandidateDecision.reason_category, CandidateDecision.override,
        func.row_number().over(partition_by=CandidateDecision.candidate_id,
                               order_by=(CandidateDecision.decided_on.desc(), CandidateDecision.created_at.desc(),
                                         CandidateDecision.id.desc())).label("rank"),
    ).where(in_period).subquery()
    rows = session.execute(
        select(ranked.c.resulting_status, ranked.c.reason_category, func.count(),
               func.sum(func.cast(ranked.c.override, Integer))).where(ranked.c.rank == 1)
        .group_by(ranked.c.resulting_status, ranked.c.reason_category)).all()
    by_status = {"started": 0, "not_started": 0, "on_hold": 0, "waiting_list": 0}
    by_reason = {reason: 0 for reason in REASON_CATEGORIES}
    overrides = 0
    for status, reason, count, override_count in rows:
        by_status[status] = by_status.get(status, 0) + count
        overrides += int(override_count or 0)
        if status == "not_started" and reason:
            by_reason[reason] += count
    return {
        "from": date_from, "to": date_to, "referred": referred, "spoken": spoken,
        "started": by_status["started"], "not_started": by_status["not_started"],
        "not_started_by_reason": by_reason, "on_hold": by_status["on_hold"],
        "waiting_list": by_status["waiting_list"], "overrides": overrides,
        "conversion_rate": round(by_status["started"] / spoken, 4) if spoken else None,
    }

