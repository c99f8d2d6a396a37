"""Tasks and their displacement checks; assignments of tasks to participants (the task package)."""

from __future__ import annotations

import uuid
from datetime import date

from flask import g
from flask.views import MethodView

from basisbaan.api import task_schemas as s
from basisbaan.api.context import require, tenant_blueprint
from basisbaan.api.pagination import SelectPage
from basisbaan.errors import InvalidInput
from basisbaan.extensions import db
from basisbaan.texts import N_
from basisbaan.services import assignments as assignment_service
from basisbaan.services import participants as participant_service
from basisbaan.services import tasks as task_service

bp = tenant_blueprint("tasks", __name__, "/tasks", "Tasks and their displacement checks")
assignments_bp = tenant_blueprint("assignments", __name__, "/participants", "A participant's task package")


def present(tasks) -> list[dict]:
    ids = [t.id for t in tasks]
    latest = task_service.latest_checks(db.session, ids)
    taken = task_service.taken_places(db.session, ids, date.today())
    found = []
    for task in tasks:
        check = latest.get(task.id)
        found.append({
            **{k: getattr(task, k) for k in ("id", "title", "description", "category", "host_organisation_id",
                                              "neighbourhood_id", "hours_per_week", "days", "places",
                                              "physical_demand", "demands", "source", "status", "version",
                                              "host_contribution_per_year")},
            "host": task.host.name if task.host else None,
            "neighbourhood": task.neighbourhood.name if task.neighbourhood else None,
            "taken_places": taken.get(task.id, 0), "assignable": task_service.assignable(task, check),
            "latest_check": {"checked_on": check.checked_on, "verdict": check.verdict,
                             "recheck_due": task_service.recheck_due(check)} if check else None,
        })
    return found


class TaskPage(SelectPage):
    @property
    def items(self):
        return present(super().items)


@bp.route("")
class Tasks(MethodView):
    @require("tasks.read")
    @bp.arguments(s.TaskQuerySchema, location="query")
    @bp.response(200, s.TaskSchema(many=True))
    @bp.paginate(TaskPage)
    def get(self, args):
        """The task catalogue (paginated; filter by status, category, neighbourhood, host; search)"""
        return task_service.list_query(status=args["status"], category=args["category"],
                                       neighbourhood_id=args["neighbourhood_id"],
                                       host_organisation_id=args["host_organisation_id"], search=args["q"])

    @require("tasks.write")
    @bp.arguments(s.TaskInputSchema)
    @bp.response(201, s.TaskSchema)
    def post(self, data):
        """Add a task (status proposed: it needs a passed displacement check before anyone works on it)"""
        task = task_service.create(db.session, data, g.principal.actor)
        db.session.commit()
        return present([task])[0]


@bp.route("/<uuid:task_id>")
class TaskById(MethodView):
    @require("tasks.read")
    @bp.response(200, s.TaskSchema)
    def get(self, task_id: uuid.UUID):
        """One task"""
        return present([task_service.get(db.session, task_id)])[0]

    @require("tasks.write")
    @bp.arguments(s.TaskUpdateSchema(partial=True))
    @bp.response(200, s.TaskSchema)
    def patch(self, data, task_id: uuid.UUID):
        """Change a task or its status (send the version you read; a stale one gets 409)"""
        if data.get("version") is None:
            raise InvalidInput("Send the version you read.", {"version": [N_("Required.")]})
        task = task_service.update(db.session, task_service.get(db.session, task_id), data, g.principal.actor)
        db.session.commit()
        return present([task])[0]


@bp.route("/<uuid:task_id>/displacement-checks")
class Checks(MethodView):
    @require("tasks.read")
    @bp.response(200, s.CheckSchema(many=True))
    def get(self, task_id: uuid.UUID):
        """The task's displacement checks, newest first"""
        return task_service.checks_of(db.session, task_service.get(db.session, task_id))

    @require("displacement.check")
    @bp.arguments(s.CheckInputSchema)
    @bp.response(201, s.CheckSchema)
    def post(self, data, task_id: uuid.UUID):
        """Record a displacement check and its verdict (approved only when no answer shows displacement)"""
        done = task_service.check(db.session, task_service.get(db.session, task_id), data, g.principal.actor,
                                  date.today())
        db.session.commit()
        return done


def _assignment(row) -> dict:
    return {"id": row.id, "task_id": row.task_id, "task_title": row.task.title, "hours_per_week": row.hours_per_week,
            "days": row.days, "start_on": row.start_on, "end_on": row.end_on, "note": row.note}


@assignments_bp.route("/<uuid:participant_id>/assignments")
class Assignments(MethodView):
    @require("participants.read")
    @assignments_bp.arguments(s.AssignmentQuerySchema, location="query")
    @assignments_bp.response(200, s.PackageSchema)
    def get(self, args, participant_id: uuid.UUID):
        """The task package on a date (hours against the contract) and every assignment"""
        record = participant_service.get(db.session, participant_id, g.principal.viewer)
        on = args["on"] or date.today()
        package = assignment_service.package(db.session, record, on)
        return {"on": on, "hours": package.hours, "contract_hours": package.contract_hours, "fits": package.fits,
                "running": [_assignment(a) for a in package.assignments],
                "history": [_assignment(a) for a in assignment_service.of(db.session, record)]}

    @require("assignments.write")
    @assignments_bp.arguments(s.AssignmentInputSchema)
    @assignments_bp.response(201, s.AssignmentSchema)
    def post(self, data, participant_id: uuid.UUID):
        """Add a task to the package: only a checked task with a free place, within the contract's hours"""
        record = participant_service.get(db.session, participant_id, g.principal.viewer)
        made = assignment_service.add(db.session, record, data, g.principal.actor, date.today())
        db.session.commit()
        return _assignment(made)


@assignments_bp.route("/<uuid:participant_id>/assignments/<uuid:assignment_id>")
class AssignmentById(MethodView):
    @require("assignments.write")
    @assignments_bp.arguments(s.AssignmentEndSchema)
    @assignments_bp.response(200, s.AssignmentSchema)
    def patch(self, data, participant_id: uuid.UUID, assignment_id: uuid.UUID):
        """End an assignment on a last day (the history stays)"""
        record = participant_service.get(db.session, participant_id, g.principal.viewer)
        row = assignment_service.get(db.session, record, assignment_id)
        assignment_service.end(db.session, record, row, data, g.principal.actor)
        db.session.commit()
        return _assignment(row)
