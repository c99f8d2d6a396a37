"""Candidates, their intake conversations, eligibility and decisions; the funnel."""

from __future__ import annotations

import uuid
from datetime import date

from flask import Response, current_app, g
from flask.views import MethodView

from basisbaan.api.candidate_schemas import (BsnSchema, CandidateInputSchema, CandidateQuerySchema, CandidateSchema,
                                             CandidateUpdateSchema,
                                             ConversationInputSchema, ConversationSchema, DecisionInputSchema,
                                             DecisionSchema, EligibilityQuerySchema, EligibilitySchema,
                                             ExportQuerySchema, FunnelQuerySchema, FunnelSchema, ImportFileSchema,
                                             ImportFormSchema, ImportReportSchema)
from basisbaan.api.context import require, tenant_blueprint, tenant_hooks
from basisbaan.api.pagination import SelectPage
from basisbaan.auth.permissions import allowed
from basisbaan.errors import InvalidInput
from basisbaan.extensions import db
from basisbaan.services import candidates as candidate_service
from basisbaan.services import candidate_exports as exports
from basisbaan.services import candidate_import, intake, presenters

bp = tenant_blueprint("candidates", __name__, "/candidates", "Candidates, intake conversations and decisions")
funnel_bp = tenant_blueprint("funnel", __name__, "/funnel", "The intake funnel over a period")


def _secrets():
    return current_app.extensions["basisbaan.secrets"]


def _present(record, detail: bool = False):
    special = detail and allowed(g.principal.roles, "candidates.special")
    return presenters.candidate(record, secrets=_secrets(), special=special)


class CandidatePage(SelectPage):
    @property
    def items(self):
        return [_present(record) for record in super().items]


@bp.route("")
class Candidates(MethodView):
    @require("candidates.read")
    @bp.arguments(CandidateQuerySchema, location="query")
    @bp.response(200, CandidateSchema(many=True))
    @bp.paginate(CandidatePage)
    def get(self, args):
        """List candidates (paginated; filter by status, neighbourhood, coach; search by name or BSN)"""
        return candidate_service.list_query(status=args["status"], neighbourhood_id=args["neighbourhood_id"],
                                            coach_id=args["coach_id"], search=args["q"], secrets=_secrets(),
                                            session=db.session)

    @require("candidates.write")
    @bp.arguments(CandidateInputSchema)
    @bp.response(201, CandidateSchema)
    def post(self, data):
        """Register a candidate (status referred)"""
        created = candidate_service.create(db.session, _secrets(), data, g.principal.actor, date.today())
        db.session.commit()
        return _present(created, detail=True)


@bp.route("/import")
class Import(MethodView):
    @require("candidates.import")
    @bp.arguments(ImportFileSchema, location="files")
    @bp.arguments(ImportFormSchema, location="form")
    @bp.response(200, ImportReportSchema, description="Dry run: what would be created, and the problems per row")
    @bp.alt_response(201, schema=ImportReportSchema, description="All rows imported")
    @bp.alt_response(422, description="Rows with problems (errors.rows): nothing was written")
    def post(self, files, form):
        """Import candidates from CSV or XLSX; with problems in any row nothing is written"""
        upload = files["file"]
        report = candidate_import.run(
            db.session, _secrets(), filename=upload.filename or "", content=upload.read(), actor=g.principal.actor,
            today=date.today(), dry_run=form["dry_run"], max_bytes=current_app.config["BASISBAAN_IMPORT_MAX_BYTES"])
        if report.created:
            db.session.commit()
            return report, 201
        db.session.rollback()
        if report.problems and not report.dry_run:
            raise InvalidInput(f"{len(report.problems)} rows have problems; nothing was imported.",
                               {"rows": [{"row": p.row, "errors": p.errors} for p in report.problems]})
        return report


@bp.route("/export")
class Export(MethodView):
    @require("candidates.export")
    @bp.arguments(ExportQuerySchema, location="query")
    @bp.response(200, description="CSV (semicolons, UTF-8 with BOM) or XLSX; formulas neutralised",
                 content_type="application/octet-stream")
    def get(self, args):
        """Export the candidate list (no BSN, no special data)"""
        body, mimetype, name = exports.candidates(db.session, args["format"], args["status"], g.principal.actor)
        db.session.commit()
        return Response(body, mimetype=mimetype,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/<uuid:candidate_id>")
class CandidateById(MethodView):
    @require("candidates.read")
    @bp.response(200, CandidateSchema)
    def get(self, candidate_id: uuid.UUID):
        """One candidate (the view is recorded in the audit log)"""
        record = candidate_service.get(db.session, candidate_id)
        candidate_service.record_view(db.session, record, g.principal.actor)
        db.session.commit()
        return _present(record, detail=True)

    @require("candidates.write")
    @bp.arguments(CandidateUpdateSchema(partial=True))
    @bp.response(200, CandidateSchema)
    def patch(self, data, candidate_id: uuid.UUID):
        """Change a candidate's details (only the fields sent)"""
        record = candidate_service.get(db.session, candidate_id)
        updated = candidate_service.update(db.session, _secrets(), record, data, g.principal.actor, date.today())
        db.session.commit()
        return _present(updated, detail=True)


@bp.route("/<uuid:candidate_id>/bsn")
class CandidateBsn(MethodView):
    @require("candidates.bsn")
    @bp.response(200, BsnSchema)
    def get(self, candidate_id: uuid.UUID):
        """Reveal the full BSN (recorded in the audit log)"""
        record = candidate_service.get(db.session, candidate_id)
        number = candidate_service.reveal_bsn(db.session, _secrets(), record, g.principal.actor)
        db.session.commit()
        return {"bsn": number}


@bp.route("/<uuid:candidate_id>/conversations")
class Conversations(MethodView):
    @require("candidates.read")
    @bp.response(200, ConversationSchema(many=True))
    def get(self, candidate_id: uuid.UUID):
        """Intake conversations, oldest first"""
        record = candidate_service.get(db.session, candidate_id)
        secrets = _secrets()
        return [{"id": c.id, "held_on": c.held_on, "coach_id": c.coach_id,
                 "notes": secrets.decrypt(c.notes_encrypted) if c.notes_encrypted else None}
                for c in intake.conversations(db.session, record)]

    @require("candidates.write")
    @bp.arguments(ConversationInputSchema)
    @bp.response(201, ConversationSchema)
    def post(self, data, candidate_id: uuid.UUID):
        """Record an intake conversation (moves the candidate to in_conversation)"""
        record = candidate_service.get(db.session, candidate_id)
        made = intake.add_conversation(db.session, _secrets(), record, held_on=data["held_on"],
                                       coach_id=data["coach_id"], notes=data["notes"], actor=g.principal.actor,
                                       today=date.today())
        db.session.commit()
        return {"id": made.id, "held_on": made.held_on, "coach_id": made.coach_id, "notes": data["notes"]}


@bp.route("/<uuid:candidate_id>/eligibility")
class Eligibility(MethodView):
    @require("candidates.read")
    @bp.arguments(EligibilityQuerySchema, location="query")
    @bp.response(200, EligibilitySchema)
    def get(self, args, candidate_id: uuid.UUID):
        """The municipality's criteria on a date: pass, fail or the coach's judgement, with explanations"""
        record = candidate_service.get(db.session, candidate_id)
        on = args["on"] or date.today()
        result = intake.eligibility(db.session, tenant_hooks(), record, on)
        return {"on": on, "overall": result.overall.value,
                "criteria": [{"code": r.code, "verdict": r.verdict.value, "explanation_nl": r.explanation_nl,
                              "explanation_en": r.explanation_en} for r in result.results]}


@bp.route("/<uuid:candidate_id>/decision")
class Decision(MethodView):
    @require("candidates.read")
    @bp.response(200, DecisionSchema(many=True))
    def get(self, candidate_id: uuid.UUID):
        """The decisions taken about this candidate, oldest first"""
        return intake.decisions(db.session, candidate_service.get(db.session, candidate_id))

    @require("candidates.write")
    @bp.arguments(DecisionInputSchema)
    @bp.response(201, DecisionSchema)
    def post(self, data, candidate_id: uuid.UUID):
        """Record the coach's decision: started (hand-over to employment), not started (with reason) or on hold"""
        record = candidate_service.get(db.session, candidate_id)
        decision = intake.decide(db.session, tenant_hooks(), record, intake.DecisionInput(
            outcome=data["outcome"], decided_on=data["decided_on"] or date.today(),
            reason_category=data["reason_category"], sub_reason=data["sub_reason"], reasons=data["reasons"]),
            g.principal.actor, date.today())
        db.session.commit()
        return decision


@funnel_bp.route("")
class Funnel(MethodView):
    @require("funnel.view")
    @funnel_bp.arguments(FunnelQuerySchema, location="query")
    @funnel_bp.response(200, FunnelSchema)
    def get(self, args):
        """Counts per stage and reason over [from, to), and the conversion rate"""
        return intake.funnel(db.session, args["from_"], args["to"])
