"""The task catalogue and the displacement check: no task takes participants before an authorised person
has checked that it displaces no paid job and no volunteer work, and approved tasks are checked again
every year."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any, Mapping

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from basisbaan.domain.dates import add_years, out_of_range
from basisbaan.errors import Conflict, InvalidInput, NotFound
from basisbaan.models import Assignment, DisplacementCheck, Neighbourhood, Organisation, Task
from basisbaan.models.work import DEMANDS, PHYSICAL_DEMANDS, TASK_CATEGORIES, TASK_SOURCES, VERDICTS, WEEKDAYS
from basisbaan.services import locking
from basisbaan.services.audit import Actor, record
from basisbaan.texts import N_

FIELDS = ("title", "description", "category", "host_organisation_id", "neighbourhood_id", "hours_per_week", "days",
          "places", "physical_demand", "demands", "source", "host_contribution_per_year")
# Status changes a person may make; "approved" only follows from a passed check.
MANUAL_STATUSES = ("proposed", "under_check", "active", "closed")
RECHECK_AFTER_YEARS = 1
QUESTIONS = ("done_by_paid_staff", "host_would_hire", "done_by_volunteers", "is_additional")


def get(session: Session, task_id: uuid.UUID) -> Task:
    found = session.scalars(select(Task).where(Task.id == task_id)).first()
    if found is None:
        raise NotFound("No such task.")
    return found


def list_query(*, status: str | None = None, category: str | None = None, neighbourhood_id=None,
               host_organisation_id=None, search: str | None = None):
    stmt = select(Task).order_by(func.lower(Task.title), Task.id)
    if status:
        stmt = stmt.where(Task.status == status)
    if category:
        stmt = stmt.where(Task.category == category)
    if neighbourhood_id:
        stmt = stmt.where(Task.neighbourhood_id == neighbourhood_id)
    if host_organisation_id:
        stmt = stmt.where(Task.host_organisation_id == host_organisation_id)
    if search:
        needle = search.lower()
        stmt = stmt.where(or_(func.lower(Task.title).contains(needle, autoescape=True),
                              func.lower(Task.description).contains(needle, autoescape=True)))
    return stmt


def _check_fields(session: Session, data: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if "title" in data and not (data["title"] or "").strip():
        errors["title"] = [N_("Required.")]
    if data.get("category") is not None and data["category"] not in TASK_CATEGORIES:
        errors["category"] = [N_("Unknown value.")]
    if data.get("source") is not None and data["source"] not in TASK_SOURCES:
        errors["source"] = [N_("Unknown value.")]
    if data.get("physical_demand") is not None and data["physical_demand"] not in PHYSICAL_DEMANDS:
        errors["physical_demand"] = [N_("Unknown value.")]
    days = data.get("days") or []
    if any(day not in WEEKDAYS for day in days) or len(set(days)) != len(days):
        errors["days"] = [N_("Weekdays (mon-sun), each once.")]
    demands = data.get("demands") or []
    if any(d not in DEMANDS for d in demands) or len(set(demands)) != len(demands):
        errors["demands"] = [N_("Unknown value.")]
    hours = data.get("hours_per_week")
    if hours is not None and not Decimal(0) < Decimal(hours) <= Decimal(40):
        errors["hours_per_week"] = [N_("More than 0 and at most 40.")]
    contribution = data.get("host_contribution_per_year")
    if contribution is not None and not Decimal(0) <= Decimal(contribution) <= Decimal(100000):
        errors["host_contribution_per_year"] = [N_("Zero or more.")]
    places = data.get("places")
    if places is not None and not 1 <= places <= 100:
        errors["places"] = [N_("Between 1 and 100.")]
    if data.get("host_organisation_id") is not None:
        host = session.scalars(select(Organisation.id).where(Organisation.id == data["host_organisation_id"],
                                                             Organisation.is_host)).first()
        if host is None:
            errors["host_organisation_id"] = [N_("Choose one of the host organisations.")]
    if data.get("neighbourhood_id") is not None:
        hood = session.scalars(select(Neighbourhood.id).where(Neighbourhood.id == data["neighbourhood_id"])).first()
        if hood is None:
            errors["neighbourhood_id"] = [N_("No such neighbourhood.")]
    if errors:
        raise InvalidInput("The task has invalid fields.", errors)


def create(session: Session, data: Mapping[str, Any], actor: Actor) -> Task:
    _check_fields(session, data)
    task = Task(status="proposed", **{k: data[k] for k in FIELDS if data.get(k) is not None})
    task.title = task.title.strip()
    session.add(task)
    session.flush()
    record(session, actor, "task.created", "task", task.id)
    return task


def update(session: Session, task: Task, data: Mapping[str, Any], actor: Actor) -> Task:
    """Change fields and/or the status (`version` is the version the change was based on). A task becomes
    approved only through a passed displacement check, and active only while its latest check passed."""
    if data.get("version") is None:
        raise InvalidInput("Send the version you read.", {"version": [N_("Required.")]})
    _check_fields(session, data)
    status = data.get("status")
    if status is not None and status != task.status:
        if status not in MANUAL_STATUSES:
            raise InvalidInput("A task is approved by a displacement check.",
                               {"status": [N_("A task is approved by recording a passed displacement check.")]})
        if status == "active" and not assignable(task, latest_checks(session, [task.id]).get(task.id)):
            raise InvalidInput("The task has not passed the displacement check.",
                               {"status": [N_("The task has not passed the displacement check.")]})
        if status in ("proposed", "under_check", "closed") and _running(session, task, date.today()):
            raise Conflict("Participants still work on this task.",
                           {"status": [N_("End the task's assignments first.")]})
    if data.get("places") is not None and data["places"] < _running(session, task, date.today()):
        raise InvalidInput("Fewer places than participants on the task.",
                           {"places": [N_("Fewer than the participants working on it now.")]})
    changed = [k for k in (*FIELDS, "status") if k in data and getattr(task, k) != data[k]]
    if not changed:
        locking.check(task, data.get("version"))
        return task
    locking.claim(session, Task, task, data.get("version"))
    for key in changed:
        setattr(task, key, data[key].strip() if key == "title" else data[key])
    session.flush()
    record(session, actor, "task.updated", "task", task.id, fields=changed)
    session.refresh(task)
    return task


def _running(session: Session, task: Task, on: date) -> int:
    """Assignments of the task running on `on` or later."""
    return session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.task_id == task.id, or_(Assignment.end_on.is_(None), Assignment.end_on >= on))) or 0


def latest_checks(session: Session, task_ids: list[uuid.UUID]) -> dict[uuid.UUID, DisplacementCheck]:
    """The most recent check of each task: one statement."""
    found: dict[uuid.UUID, DisplacementCheck] = {}
    if task_ids:
        for check in session.scalars(select(DisplacementCheck).where(DisplacementCheck.task_id.in_(task_ids))
                                     .order_by(DisplacementCheck.checked_on, DisplacementCheck.created_at)):
            found[check.task_id] = check
    return found


def first_passed_check(session: Session, task: Task) -> date | None:
    return session.scalar(select(func.min(DisplacementCheck.checked_on)).where(
        DisplacementCheck.task_id == task.id, DisplacementCheck.verdict == "approved"))


def recheck_due(check: DisplacementCheck | None) -> date | None:
    """A passed check holds for a year; a failed one (or none) has nothing to re-check."""
    if check is None or check.verdict != "approved":
        return None
    return add_years(check.checked_on, RECHECK_AFTER_YEARS)


def taken_places(session: Session, task_ids: list[uuid.UUID], on: date) -> dict[uuid.UUID, int]:
    """Participants on each task on `on`: one statement."""
    if not task_ids:
        return {}
    rows = session.execute(select(Assignment.task_id, func.count()).where(
        Assignment.task_id.in_(task_ids), Assignment.start_on <= on,
        or_(Assignment.end_on.is_(None), Assignment.end_on >= on)).group_by(Assignment.task_id))
    return dict(rows.all())


def checks_of(session: Session, task: Task) -> list[DisplacementCheck]:
    return list(session.scalars(select(DisplacementCheck).where(DisplacementCheck.task_id == task.id)
                                .order_by(DisplacementCheck.checked_on.desc(), DisplacementCheck.created_at.desc())))


def assignable(task: Task, latest: DisplacementCheck | None) -> bool:
    return task.status in ("approved", "active") and latest is not None and latest.verdict == "approved"


def displaces(answers: Mapping[str, Any]) -> bool:
    """Any answer that points at displacement: paid staff do or did it, the host would otherwise hire,
    volunteers do it now, or it is not additional."""
    return bool(answers["done_by_paid_staff"] or answers["host_would_hire"] or answers["done_by_volunteers"]
                or not answers["is_additional"])


def check(session: Session, task: Task, data: Mapping[str, Any], actor: Actor, today: date) -> DisplacementCheck:
    """Record the displacement check and its verdict; the task follows it (approved, or closed)."""
    errors: dict[str, list[str]] = {}
    checked_on = data.get("checked_on")
    if checked_on is None:
        errors["checked_on"] = [N_("Required.")]
    elif out_of_range(checked_on):
        errors["checked_on"] = [N_("Between 1900 and 2100.")]
    elif checked_on > today:
        errors["checked_on"] = [N_("Cannot be in the future.")]
    for question in QUESTIONS:
        if not isinstance(data.get(question), bool):
            errors[question] = [N_("Answer yes or no.")]
    if data.get("verdict") not in VERDICTS:
        errors["verdict"] = [N_("Choose approved or rejected.")]
    if not (data.get("reasons") or "").strip():
        errors["reasons"] = [N_("Give the reasons for the verdict.")]
    if errors:
        raise InvalidInput("The displacement check has invalid fields.", errors)
    if data["verdict"] == "approved" and displaces(data):
        raise InvalidInput("The answers show displacement: the task cannot be approved.",
                           {"verdict": [N_("The answers show displacement: the task cannot be approved.")]})
    locking.lock(session, Task, task.id)
    latest = latest_checks(session, [task.id]).get(task.id)
    if latest is not None and checked_on < latest.checked_on:
        raise InvalidInput("A check cannot be dated before the latest one.",
                           {"checked_on": [N_("Cannot be before the latest check (%(day)s).",
                                              day=latest.checked_on.isoformat())]})
    if task.status == "closed" and data["verdict"] == "approved":
        raise Conflict("The task is closed; reopen it first.", {"verdict": [N_("The task is closed; reopen it first.")]})
    if data["verdict"] == "rejected":
        if _running(session, task, checked_on):
            raise Conflict("Participants still work on this task.",
                           {"verdict": [N_("End the task's assignments before rejecting it.")]})
    locking.claim(session, Task, task, data.get("version"))
    done = DisplacementCheck(task_id=task.id, checked_on=checked_on, verdict=data["verdict"],
                             reasons=data["reasons"].strip(), checked_by=actor.label,
                             **{q: data[q] for q in QUESTIONS})
    session.add(done)
    task.status = ("active" if task.status == "active" else "approved") if data["verdict"] == "approved" else "closed"
    session.flush()
    record(session, actor, "task.displacement_checked", "task", task.id, verdict=data["verdict"])
    return done
