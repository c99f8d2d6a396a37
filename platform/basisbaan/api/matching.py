"""Work profiles and match suggestions: tasks for a participant or a started candidate, participants for a
task. Suggestions only; assigning is a separate, deliberate step (POST .../assignments)."""

from __future__ import annotations

import uuid
from datetime import date

from flask import current_app, g
from flask.views import MethodView

from basisbaan.api import matching_schemas as s
from basisbaan.api.context import require, tenant_blueprint
from basisbaan.auth.permissions import allowed
from basisbaan.domain.matching import MAX_POINTS
from basisbaan.extensions import db
from basisbaan.models import Person
from basisbaan.services import candidates as candidate_service
from basisbaan.services import matching as matching_service
from basisbaan.services import participants as participant_service
from basisbaan.services import tasks as task_service
from basisbaan.services import work_profiles

participant_bp = tenant_blueprint("participant_matching", __name__, "/participants",
                                  "A participant's work profile and the tasks that fit")
candidate_bp = tenant_blueprint("candidate_matching", __name__, "/candidates",
                                "A started candidate's work profile and the tasks that fit")
task_bp = tenant_blueprint("task_matching", __name__, "/tasks", "The participants that fit a task")


def _secrets():
    return current_app.extensions["basisbaan.secrets"]


def _profile_view(person_id: uuid.UUID) -> dict:
    profile = work_profiles.of(db.session, [person_id]).get(person_id)
    return work_profiles.view(_secrets(), profile,
                              sensitive=allowed(g.principal.roles, "work_profiles.limitations"))


def _factors(match) -> list[dict]:
    return [{"factor": f.code, "points": f.points, "outcome": f.outcome, "blocks": f.blocks, "details": list(f.details)}
            for f in match.factors]


def task_matches(result) -> dict:
    return {"on": result.on, "free_hours": result.person.free_hours, "total": result.total, "matches": [
        {"task": {"id": m.subject.id, "title": m.subject.title, "category": m.subject.category,
                  "neighbourhood": m.subject.neighbourhood.name if m.subject.neighbourhood else None,
                  "host": m.subject.host.name if m.subject.host else None,
                  "hours_per_week": m.subject.hours_per_week, "days": list(m.subject.days or [])},
         "points": m.points, "max_points": MAX_POINTS, "blocked": m.blocked, "factors": _factors(m)}
        for m in result.matches]}


def _save_profile(person_id: uuid.UUID, data: dict) -> dict:
    person = db.session.get(Person, person_id)
    work_profiles.save(db.session, _secrets(), person, data, g.principal.actor)
    db.session.commit()
    return _profile_view(person_id)


@participant_bp.route("/<uuid:participant_id>/work-profile")
class ParticipantProfile(MethodView):
    @require("work_profiles.read")
    @participant_bp.response(200, s.WorkProfileSchema)
    def get(self, participant_id: uuid.UUID):
        """Preferences, available days and (municipal coaches) limitations used for matching"""
        record = participant_service.get(db.session, participant_id, g.principal.viewer)
        return _profile_view(record.person_id)

    @require("work_profiles.write")
    @participant_bp.arguments(s.WorkProfileInputSchema)
    @participant_bp.response(200, s.WorkProfileSchema)
    def put(self, data, participant_id: uuid.UUID):
        """Record the work profile (send the version you read when changing one)"""
        record = participant_service.get(db.session, participant_id, g.principal.viewer)
        return _save_profile(record.person_id, data)


@participant_bp.route("/<uuid:participant_id>/matches")
class ParticipantMatches(MethodView):
    @require("matching.view")
    @participant_bp.arguments(s.MatchQuerySchema, location="query")
    @participant_bp.response(200, s.TaskMatchesSchema)
    def get(self, args, participant_id: uuid.UUID):
        """Open tasks for the participant, best first, with the points and reason per factor"""
        record = participant_service.get(db.session, participant_id, g.principal.viewer)
        return task_matches(matching_service.for_participant(
            db.session, _secrets(), record, args["on"] or date.today(), limit=args["limit"],
            include_blocked=args["include_blocked"]))


@candidate_bp.route("/<uuid:candidate_id>/work-profile")
class CandidateProfile(MethodView):
    @require("work_profiles.write")
    @candidate_bp.response(200, s.WorkProfileSchema)
    def get(self, candidate_id: uuid.UUID):
        """The candidate's work profile (municipal coaches)"""
        return _profile_view(candidate_service.get(db.session, candidate_id).person_id)

    @require("work_profiles.write")
    @candidate_bp.arguments(s.WorkProfileInputSchema)
    @candidate_bp.response(200, s.WorkProfileSchema)
    def put(self, data, candidate_id: uuid.UUID):
        """Record the candidate's work profile; it carries over when the employment starts"""
        return _save_profile(candidate_service.get(db.session, candidate_id).person_id, data)


@candidate_bp.route("/<uuid:candidate_id>/matches")
class CandidateMatches(MethodView):
    @require("matching.view")
    @candidate_bp.arguments(s.MatchQuerySchema, location="query")
    @candidate_bp.response(200, s.TaskMatchesSchema)
    def get(self, args, candidate_id: uuid.UUID):
        """Open tasks for a candidate not decided against (free hours: the hours the candidate is available)"""
        candidate = candidate_service.get(db.session, candidate_id)
        return task_matches(matching_service.for_candidate(
            db.session, _secrets(), candidate, args["on"] or date.today(), limit=args["limit"],
            include_blocked=args["include_blocked"]))


@task_bp.route("/<uuid:task_id>/matches")
class TaskMatches(MethodView):
    @require("matching.view")
    @task_bp.arguments(s.MatchQuerySchema, location="query")
    @task_bp.response(200, s.ParticipantMatchesSchema)
    def get(self, args, task_id: uuid.UUID):
        """Participants who fit the task, best first, with the points and reason per factor"""
        task = task_service.get(db.session, task_id)
        result = matching_service.for_task(db.session, _secrets(), task, g.principal.viewer,
                                           args["on"] or date.today(), limit=args["limit"],
                                           include_blocked=args["include_blocked"])
        assignable = task_service.assignable(task, task_service.latest_checks(db.session, [task.id]).get(task.id))
        return {"on": result.on, "task_id": task.id, "assignable": assignable, "free_places": result.free_places,
                "total": result.total,
                "matches": [{"participant": {"id": m.subject.id,
                                             "name": f"{m.subject.person.given_names} {m.subject.person.family_name}",
                                             "neighbourhood": m.subject.person.neighbourhood.name
                                             if m.subject.person.neighbourhood else None},
                             "points": m.points, "max_points": MAX_POINTS, "blocked": m.blocked,
                             "factors": _factors(m)} for m in result.matches]}
