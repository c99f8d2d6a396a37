"""A participant's work: the task package per week, assignments, the work profile and the matching tasks.

The package and its rules live in services.assignments (only checked tasks with a free place, never more
hours than the contract); the suggestions in services.matching, which never assign: the coach decides on
the assignment form. Limitations in the work profile are health-derived: only roles with
"work_profiles.limitations" see them. Job coaches see their own organisation's participants only.
"""

from __future__ import annotations

import uuid
from datetime import date

from flask import current_app, g, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from basisbaan.domain.matching import MAX_POINTS
from basisbaan.extensions import db
from basisbaan.models import Participant, Task
from basisbaan.services import assignments as assignment_service
from basisbaan.services import matching as matching_service
from basisbaan.services import tasks as task_service
from basisbaan.services import work_profiles
from basisbaan.web.context import can, page, tenant_pages
from basisbaan.web.forms import options
from basisbaan.web.helpers import number
from basisbaan.web.saving import form_status as _status
from basisbaan.web.saving import form_version as _version
from basisbaan.web.saving import parse_uuid as _uuid
from basisbaan.web.saving import query_date
from basisbaan.web.saving import participant_name as _name
from basisbaan.web.saving import save as _save
from basisbaan.web.saving import visible_participant as _participant
from basisbaan.web.match_labels import (DEMAND_LABELS, PHYSICAL_DEMAND_LABELS, TASK_CATEGORY_LABELS, WEEKDAY_LABELS,
                                        explain)
from basisbaan.web.work_forms import AssignmentForm, EndAssignmentForm, WorkProfileForm

bp = tenant_pages("web_work", __name__)

MATCH_LIMIT = 50


# --- helpers ------------------------------------------------------------------------------------------

def _secrets():
    return current_app.extensions["basisbaan.secrets"]


def _work_url(participant_id: uuid.UUID, anchor: str = "") -> str:
    return url_for("web_work.work", participant_id=participant_id) + (f"#{anchor}" if anchor else "")


def _labels() -> dict:
    return {"categories": TASK_CATEGORY_LABELS, "demands": DEMAND_LABELS, "physical": PHYSICAL_DEMAND_LABELS,
            "weekdays": WEEKDAY_LABELS}


def _in_order(codes, labels: dict) -> list[str]:
    """Codes in the catalogue's order (unknown ones last), whatever order they were stored in."""
    order = list(labels)
    return sorted(codes, key=lambda code: order.index(code) if code in order else len(order))


def _profile_summary(record: Participant) -> dict:
    """The work profile as shown on the work page: limitations only to those who may see them."""
    shown = work_profiles.view(_secrets(), _profile(record), sensitive=can("work_profiles.limitations"))
    shown["preferred_categories"] = _in_order(shown["preferred_categories"], TASK_CATEGORY_LABELS)
    shown["available_days"] = _in_order(shown["available_days"], WEEKDAY_LABELS)
    if shown["limitations"] is not None:
        shown["limitations"] = _in_order(shown["limitations"], DEMAND_LABELS)
    return shown


def _profile(record: Participant):
    return work_profiles.of(db.session, [record.person_id]).get(record.person_id)


def _running(assignment, today: date) -> bool:
    return assignment.end_on is None or assignment.end_on >= today


# --- the package per week -----------------------------------------------------------------------------

@bp.get("/participants/<uuid:participant_id>/work")
@page("participants.read")
def work(participant_id: uuid.UUID):
    """The task package on a date as a week, its hours against the contract's, every assignment, and the
    work profile (limitations only for those who may see them)."""
    record = _participant(participant_id)
    today = date.today()
    on = query_date(request.args.get("on"), today)
    package = assignment_service.package(db.session, record, on)
    per_day = package.per_day()
    without_days = [a for a in package.assignments if not a.days]
    history = assignment_service.of(db.session, record)
    profile = _profile_summary(record) if can("work_profiles.read") else None
    return render_template(
        "web/work/work.html", record=record, name=_name(record), on=on, today=today, package=package,
        per_day=per_day, without_days=without_days, history=history,
        running={a.id for a in history if _running(a, today)}, profile=profile, labels=_labels())


# --- assignments --------------------------------------------------------------------------------------

def _open_tasks(today: date) -> list[Task]:
    """Tasks that may take participants: approved or active, their latest displacement check passed."""
    tasks = list(db.session.scalars(task_service.list_query().where(
        Task.status.in_(matching_service.OPEN_STATUSES))).unique())
    checks = task_service.latest_checks(db.session, [t.id for t in tasks])
    return [t for t in tasks if task_service.assignable(t, checks.get(t.id))]


def _task_label(task: Task) -> str:
    where = task.neighbourhood.name if task.neighbourhood is not None else _("municipality-wide")
    return _("%(title)s (%(hours)s hours per week, %(where)s)", title=task.title, hours=number(task.hours_per_week),
             where=where)


def _task_choices(form: AssignmentForm, today: date) -> Task | None:
    """The open tasks as the options; a task named in the form (a link from the matches, or a post) that
    is not open is offered too, so that the service can say why it cannot be chosen. The chosen task."""
    tasks = _open_tasks(today)
    chosen_id = _uuid(form.task_id.data)
    chosen = next((t for t in tasks if t.id == chosen_id), None)
    if chosen is None and chosen_id is not None:
        chosen = db.session.scalars(select(Task).where(Task.id == chosen_id)).first()
        if chosen is not None:
            tasks.append(chosen)
    form.task_id.choices = options([("", _("Choose a task"))] + [(str(t.id), _task_label(t)) for t in tasks])
    return chosen


@bp.route("/participants/<uuid:participant_id>/assignments/new", methods=["GET", "POST"])
@page("assignments.write")
def new_assignment(participant_id: uuid.UUID):
    """Add a task to the package: the coach decides (a match only links here with the task filled in)."""
    record = _participant(participant_id)
    today = date.today()
    form = AssignmentForm()
    if request.method == "GET":
        form.task_id.data = str(_uuid(request.args.get("task_id")) or "")
        form.start_on.data = today
    chosen = _task_choices(form, today)
    if request.method == "GET" and chosen is not None:
        form.hours_per_week.data = chosen.hours_per_week
        form.days.data = list(chosen.days or [])
    error = None
    if form.validate_on_submit():
        data = {"task_id": _uuid(form.task_id.data), "hours_per_week": form.hours_per_week.data,
                "days": list(form.days.data or []), "start_on": form.start_on.data, "end_on": form.end_on.data,
                "note": form.note.data}
        response, error = _save(
            form, lambda: assignment_service.add(db.session, record, data, g.principal.actor, today),
            done=_("The task has been added to the package."), to=_work_url(record.id, "history"))
        if response:
            return response
    package = assignment_service.package(db.session, record, today)
    return render_template("web/work/assignment_form.html", form=form, record=record, name=_name(record),
                           package=package), _status(form, error)


@bp.route("/participants/<uuid:participant_id>/assignments/<uuid:assignment_id>/end", methods=["GET", "POST"])
@page("assignments.write")
def end_assignment(participant_id: uuid.UUID, assignment_id: uuid.UUID):
    """Give an assignment its last day: the package changes, the history stays."""
    record = _participant(participant_id)
    assignment = assignment_service.get(db.session, record, assignment_id)
    form = EndAssignmentForm()
    if request.method == "GET":
        form.end_on.data = assignment.end_on or date.today()
    error = None
    if form.validate_on_submit():
        data = {"end_on": form.end_on.data}
        response, error = _save(
            form, lambda: assignment_service.end(db.session, record, assignment, data, g.principal.actor),
            done=_("The assignment has been ended."), to=_work_url(record.id, "history"))
        if response:
            return response
    return render_template("web/work/end_form.html", form=form, record=record, name=_name(record),
                           assignment=assignment, labels=_labels()), _status(form, error)


# --- matching tasks -----------------------------------------------------------------------------------

@bp.get("/participants/<uuid:participant_id>/matches")
@page("matching.view")
def matches(participant_id: uuid.UUID):
    """Open tasks for the participant, best first, with the reason per factor. A suggestion only."""
    record = _participant(participant_id)
    today = date.today()
    on = query_date(request.args.get("on"), today)
    include_blocked = request.args.get("include_blocked") == "1"
    result = matching_service.for_participant(db.session, _secrets(), record, on, limit=MATCH_LIMIT,
                                              include_blocked=include_blocked)
    rows = [{"match": m, "reasons": [explain(f) for f in m.factors],
             "blocks": [explain(f) for f in m.factors if f.blocks]} for m in result.matches]
    return render_template("web/work/matches.html", record=record, name=_name(record), result=result, rows=rows,
                           on=on, include_blocked=include_blocked, max_points=MAX_POINTS, labels=_labels())


# --- the work profile ---------------------------------------------------------------------------------

@bp.route("/participants/<uuid:participant_id>/work-profile", methods=["GET", "POST"])
@page("work_profiles.write")
def work_profile(participant_id: uuid.UUID):
    """Preferences, available days, the heaviest physical work and the limitations used for matching.
    A new profile has no version; changing one names the version read (a stale one: 409)."""
    record = _participant(participant_id)
    profile = _profile(record)
    form = WorkProfileForm()
    if request.method == "GET":
        shown = work_profiles.view(_secrets(), profile, sensitive=True)
        form.version.data = str(shown["version"]) if shown["version"] is not None else ""
        form.preferred_categories.data = shown["preferred_categories"]
        form.available_days.data = shown["available_days"]
        form.max_physical_demand.data = shown["max_physical_demand"] or ""
        form.limitations.data = shown["limitations"]
    error = None
    if form.validate_on_submit():
        data = {"preferred_categories": list(form.preferred_categories.data or []),
                "available_days": list(form.available_days.data or []),
                "max_physical_demand": form.max_physical_demand.data or None,
                "limitations": list(form.limitations.data or [])}

        def action():
            # No version for a new profile; once one exists (also one made meanwhile) the version read.
            version = None if profile is None and not (form.version.data or "").strip() else _version(form)
            return work_profiles.save(db.session, _secrets(), record.person,
                                      {**data, "version": version}, g.principal.actor)

        response, error = _save(form, action, done=_("The work profile has been saved."),
                                to=_work_url(record.id, "work-profile"))
        if response:
            return response
    return render_template("web/work/profile_form.html", form=form, record=record, name=_name(record),
                           profile=profile), _status(form, error)
