"""Task catalogue pages: the list, a task with its displacement checks, new/edit, the check, the matches.

The catalogue holds no personal data and every role reads it; coaches and admins keep it and record the
displacement checks. The participants working on a task are shown only to roles that read participants,
and only those the viewer may see. Matching suggests; it never assigns (the coach decides, on the
participant's page).
"""

from __future__ import annotations

import uuid
from datetime import date

from flask import current_app, g, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select

from basisbaan.domain.matching import MAX_POINTS
from basisbaan.extensions import db
from basisbaan.models import Assignment, Neighbourhood, Organisation, Participant, Task
from basisbaan.models.work import DEMANDS, TASK_CATEGORIES, TASK_STATUSES, WEEKDAYS
from basisbaan.services import matching as matching_service
from basisbaan.services import tasks as task_service
from basisbaan.services.visibility import scoped
from basisbaan.web.context import can, page, tenant_pages
from basisbaan.web.forms import options
from basisbaan.web.match_labels import (FACTOR_LABELS, TASK_CATEGORY_LABELS, TASK_STATUS_LABELS, blocking_reasons,
                                        template_helpers)
from basisbaan.web.pagination import paginate
from basisbaan.web.saving import form_status as _status
from basisbaan.web.saving import form_version as _version
from basisbaan.web.saving import parse_uuid as _uuid
from basisbaan.web.saving import query_date
from basisbaan.web.saving import participant_name as _name
from basisbaan.web.saving import save as _save
from basisbaan.web.task_forms import QUESTION_LABELS, CheckForm, TaskEditForm, TaskForm

bp = tenant_pages("web_tasks", __name__)
bp.context_processor(template_helpers)

MATCH_LIMIT = 50
# The factors shown as columns on the matches page; the free places are the task's, shown above the table.
MATCH_COLUMNS = ("neighbourhood", "preferences", "hours", "days", "demands")


# --- helpers ------------------------------------------------------------------------------------------

def _secrets():
    return current_app.extensions["basisbaan.secrets"]


def _task_url(task_id: uuid.UUID, anchor: str = "") -> str:
    return url_for("web_tasks.task", task_id=task_id) + (f"#{anchor}" if anchor else "")


def _hosts() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).where(Organisation.is_host).order_by(Organisation.name)))


def _neighbourhoods() -> list[Neighbourhood]:
    return list(db.session.scalars(select(Neighbourhood).order_by(Neighbourhood.name)))


def _fill_choices(form: TaskForm, record: Task | None = None) -> None:
    hosts = _hosts()
    if record is not None and record.host is not None and record.host not in hosts:
        hosts.append(record.host)  # no longer a host organisation: the task keeps it until changed
    form.host_organisation_id.choices = options([("", _("None"))] + [(str(o.id), o.name) for o in hosts])
    form.neighbourhood_id.choices = options([("", _("Anywhere in the municipality"))]
                                            + [(str(n.id), n.name) for n in _neighbourhoods()])


def _in_order(codes, order) -> list[str]:
    """Chosen codes in their natural order (mon..sun), each once."""
    chosen = set(codes or [])
    return [code for code in order if code in chosen]


def _task_data(form: TaskForm) -> dict:
    return {"title": form.title.data or "", "description": (form.description.data or "").strip() or None,
            "category": form.category.data, "host_organisation_id": _uuid(form.host_organisation_id.data),
            "neighbourhood_id": _uuid(form.neighbourhood_id.data), "hours_per_week": form.hours_per_week.data,
            "days": _in_order(form.days.data, WEEKDAYS), "places": form.places.data,
            "physical_demand": form.physical_demand.data, "demands": _in_order(form.demands.data, DEMANDS),
            "source": form.source.data}


# --- the catalogue ----------------------------------------------------------------------------------------

@bp.get("/tasks")
@page("tasks.read")
def tasks():
    today = date.today()
    status = request.args.get("status") if request.args.get("status") in TASK_STATUSES else ""
    category = request.args.get("category") if request.args.get("category") in TASK_CATEGORIES else ""
    hood = _uuid(request.args.get("neighbourhood"))
    host = _uuid(request.args.get("host"))
    search = (request.args.get("q") or "").strip()[:100] or None
    page_of = paginate(task_service.list_query(status=status or None, category=category or None,
                                               neighbourhood_id=hood, host_organisation_id=host, search=search))
    ids = [t.id for t in page_of.items]
    taken = task_service.taken_places(db.session, ids, today)
    latest = task_service.latest_checks(db.session, ids)
    rows = [{"task": t, "taken": taken.get(t.id, 0), "check": latest.get(t.id),
             "recheck_due": task_service.recheck_due(latest.get(t.id))} for t in page_of.items]
    return render_template(
        "web/tasks/list.html", page_of=page_of, rows=rows, today=today, q=search or "", status=status,
        category=category, neighbourhood=str(hood or ""), host=str(host or ""), statuses=TASK_STATUS_LABELS,
        categories=TASK_CATEGORY_LABELS, neighbourhoods=_neighbourhoods(), hosts=_hosts())


@bp.route("/tasks/new", methods=["GET", "POST"])
@page("tasks.write")
def new_task():
    form = TaskForm()
    _fill_choices(form)
    error = None
    if form.validate_on_submit():
        data = _task_data(form)
        response, error = _save(form, lambda: task_service.create(db.session, data, g.principal.actor),
                                done=_("The task has been added. It needs a displacement check before anyone "
                                       "works on it."),
                                to=lambda made: _task_url(made.id))
        if response:
            return response
    return render_template("web/tasks/form.html", form=form, record=None), _status(form, error)


# --- a task -----------------------------------------------------------------------------------------------

def _working_on(record: Task, today: date) -> list[dict]:
    """The assignments running today, of participants the viewer may see: one statement."""
    stmt = (select(Assignment, Participant).join(Participant, Participant.id == Assignment.participant_id)
            .where(Assignment.task_id == record.id, Assignment.start_on <= today,
                   or_(Assignment.end_on.is_(None), Assignment.end_on >= today)))
    rows = db.session.execute(scoped(stmt, g.principal.viewer)).all()
    found = [{"participant_id": p.id, "name": _name(p), "sort": (p.person.family_name, p.person.given_names),
              "hours_per_week": a.hours_per_week, "days": a.days or [], "start_on": a.start_on, "end_on": a.end_on}
             for a, p in rows]
    return sorted(found, key=lambda row: row["sort"])


@bp.get("/tasks/<uuid:task_id>")
@page("tasks.read")
def task(task_id: uuid.UUID):
    record = task_service.get(db.session, task_id)
    today = date.today()
    checks = task_service.checks_of(db.session, record)
    latest = task_service.latest_checks(db.session, [record.id]).get(record.id)
    taken = task_service.taken_places(db.session, [record.id], today).get(record.id, 0)
    return render_template(
        "web/tasks/detail.html", record=record, today=today, checks=checks, latest=latest,
        recheck_due=task_service.recheck_due(latest), assignable=task_service.assignable(record, latest),
        taken=taken, free=max(record.places - taken, 0), questions=QUESTION_LABELS,
        working=_working_on(record, today) if can("participants.read") else None)


@bp.route("/tasks/<uuid:task_id>/edit", methods=["GET", "POST"])
@page("tasks.write")
def edit_task(task_id: uuid.UUID):
    """Change the task's fields or its status; "approved" follows only from a passed check."""
    record = task_service.get(db.session, task_id)
    form = TaskEditForm()
    _fill_choices(form, record)
    statuses = list(task_service.MANUAL_STATUSES)
    if record.status not in statuses:
        statuses.insert(0, record.status)  # approved: shown as it is, not offered as a choice otherwise
    form.status.choices = options([(code, TASK_STATUS_LABELS.get(code, code)) for code in statuses])
    if request.method == "GET":
        form.version.data = str(record.version)
        for name in ("title", "description", "category", "hours_per_week", "places", "physical_demand", "source",
                     "status"):
            form[name].data = getattr(record, name)
        form.days.data, form.demands.data = list(record.days or []), list(record.demands or [])
        form.host_organisation_id.data = str(record.host_organisation_id or "")
        form.neighbourhood_id.data = str(record.neighbourhood_id or "")
    error = None
    if form.validate_on_submit():
        data = _task_data(form)
        if form.status.data != record.status:
            data["status"] = form.status.data
        response, error = _save(
            form, lambda: task_service.update(db.session, record, {**data, "version": _version(form)},
                                              g.principal.actor),
            done=_("The task has been saved."), to=_task_url(record.id))
        if response:
            return response
    return render_template("web/tasks/form.html", form=form, record=record), _status(form, error)


@bp.route("/tasks/<uuid:task_id>/check", methods=["GET", "POST"])
@page("displacement.check")
def displacement_check(task_id: uuid.UUID):
    """The structured displacement check: four questions, the verdict and its reasons."""
    record = task_service.get(db.session, task_id)
    today = date.today()
    form = CheckForm()
    if request.method == "GET":
        form.version.data = str(record.version)
        form.checked_on.data = today
    error = None
    if form.validate_on_submit():
        data = {"checked_on": form.checked_on.data, "verdict": form.verdict.data or None,
                "reasons": form.reasons.data or "", **{q: form.answer(q) for q in task_service.QUESTIONS}}
        response, error = _save(
            form, lambda: task_service.check(db.session, record, {**data, "version": _version(form)},
                                             g.principal.actor, today),
            done=_("The displacement check has been recorded."), to=_task_url(record.id, "checks"))
        if response:
            return response
    latest = task_service.latest_checks(db.session, [record.id]).get(record.id)
    return render_template("web/tasks/check_form.html", form=form, record=record, latest=latest,
                           questions=task_service.QUESTIONS), _status(form, error)


# --- who fits the task ------------------------------------------------------------------------------------

@bp.get("/tasks/<uuid:task_id>/matches")
@page("matching.view")
def task_matches(task_id: uuid.UUID):
    """Participants who fit the task, best first, with the points and the reason of each factor."""
    record = task_service.get(db.session, task_id)
    today = date.today()
    on = query_date(request.args.get("on")) or today
    include_blocked = request.args.get("include_blocked") == "1"
    result = matching_service.for_task(db.session, _secrets(), record, g.principal.viewer, on, limit=MATCH_LIMIT,
                                       include_blocked=include_blocked)
    latest = task_service.latest_checks(db.session, [record.id]).get(record.id)
    rows = [{"participant_id": m.subject.id, "name": _name(m.subject), "points": m.points, "blocked": m.blocked,
             "factors": {f.code: f for f in m.factors}, "reasons": blocking_reasons(m)} for m in result.matches]
    return render_template(
        "web/tasks/matches.html", record=record, result=result, rows=rows, on=on, today=today,
        include_blocked=include_blocked, max_points=MAX_POINTS, columns=MATCH_COLUMNS, factor_labels=FACTOR_LABELS,
        assignable=task_service.assignable(record, latest))
