"""Candidate pages: list, register and edit, the candidate's page (conversations, eligibility, decision),
import with preview, export; and the funnel overview."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from flask import Response, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from basisbaan.errors import DomainError
from basisbaan.extensions import db
from basisbaan.models import Neighbourhood, Participant
from basisbaan.models.candidate import STATUSES
from basisbaan.services import candidate_exports, candidate_import, intake, presenters
from basisbaan.services import candidates as candidate_service
from basisbaan.web.candidate_forms import (STATUS_LABELS, CandidateForm, ConversationForm, DecisionForm, ImportForm,
                                           JUDGEMENT_LABELS)
from basisbaan.web.context import can, page, tenant_pages
from basisbaan.web.forms import ConfirmForm, apply_errors, options, translate
from basisbaan.web.pagination import paginate

bp = tenant_pages("web_candidates", __name__)
JUDGEMENT_VALUES = {"": None, "yes": True, "no": False}


def _secrets():
    return current_app.extensions["basisbaan.secrets"]


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def _fill_choices(form: CandidateForm) -> None:
    hoods = db.session.scalars(select(Neighbourhood).order_by(Neighbourhood.name)).all()
    form.neighbourhood_id.choices = options([("", _("Unknown"))] + [(str(n.id), n.name) for n in hoods])
    coaches = db.session.scalars(candidate_service.coaches_query()).all()
    form.coach_id.choices = options([("", _("None yet"))] + [(str(u.id), u.display_name) for u in coaches])


def _form_data(form: CandidateForm) -> dict:
    data = {name: field.data for name, field in form._fields.items() if name not in ("csrf_token",)}
    data["neighbourhood_id"] = _uuid(form.neighbourhood_id.data)
    data["coach_id"] = _uuid(form.coach_id.data)
    data["household_type"] = form.household_type.data or None
    data["no_prospect_of_work"] = JUDGEMENT_VALUES.get(form.no_prospect_of_work.data)
    data["has_debts"] = JUDGEMENT_VALUES.get(form.has_debts.data)
    if not can("candidates.special"):
        for name in ("has_debts", "debt_support", "health_notes", "limitations", "support_needs"):
            data.pop(name, None)
    data["preferred_work"] = [w.strip() for w in (form.preferred_work.data or "").split(",") if w.strip()]
    for name in ("bsn", "email", "phone", "reintegration_track"):
        data[name] = (data[name] or "").strip() or None
    return data


@bp.get("/candidates")
@page("candidates.read")
def candidates():
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    hood = _uuid(request.args.get("neighbourhood"))
    coach = _uuid(request.args.get("coach"))
    search = (request.args.get("q") or "").strip()[:100] or None
    stmt = candidate_service.list_query(status=status, neighbourhood_id=hood, coach_id=coach, search=search,
                                        secrets=_secrets(), session=db.session)
    return render_template(
        "web/candidates/list.html", page_of=paginate(stmt), q=search or "", status=status or "",
        neighbourhood=str(hood or ""), coach=str(coach or ""), statuses=STATUS_LABELS,
        neighbourhoods=db.session.scalars(select(Neighbourhood).order_by(Neighbourhood.name)).all(),
        coaches=db.session.scalars(candidate_service.coaches_query()).all())


@bp.route("/candidates/new", methods=["GET", "POST"])
@page("candidates.write")
def new_candidate():
    form = CandidateForm()
    _fill_choices(form)
    if request.method == "GET":
        form.referral_date.data = date.today()
    if form.validate_on_submit():
        try:
            created = candidate_service.create(db.session, _secrets(), _form_data(form), g.principal.actor,
                                               date.today())
            db.session.commit()
            flash(_("The candidate has been registered."), "ok")
            return redirect(url_for("web_candidates.candidate", candidate_id=created.id))
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error.errors)
    return render_template("web/candidates/form.html", form=form, candidate=None), 422 if form.errors else 200


@bp.route("/candidates/<uuid:candidate_id>/edit", methods=["GET", "POST"])
@page("candidates.write")
def edit_candidate(candidate_id: uuid.UUID):
    record = candidate_service.get(db.session, candidate_id)
    form = CandidateForm()
    _fill_choices(form)
    if request.method == "GET":
        view = presenters.candidate(record, secrets=_secrets(), special=can("candidates.special"))
        for name, field in form._fields.items():
            if name in view and name not in ("neighbourhood_id", "coach_id", "no_prospect_of_work"):
                field.data = view[name]
        for name, value in (view["special"] or {}).items():
            form[name].data = value
        form.has_debts.data = {None: "", True: "yes", False: "no"}[view["special"]["has_debts"]] if view["special"] else ""
        form.neighbourhood_id.data = str(view["neighbourhood_id"] or "")
        form.coach_id.data = str(view["coach_id"] or "")
        form.no_prospect_of_work.data = {None: "", True: "yes", False: "no"}[view["no_prospect_of_work"]]
        form.preferred_work.data = ", ".join(view["preferred_work"] or [])
        form.household_type.data = view["household_type"] or ""
    if form.validate_on_submit():
        try:
            candidate_service.update(db.session, _secrets(), record, _form_data(form), g.principal.actor, date.today())
            db.session.commit()
            flash(_("The candidate has been saved."), "ok")
            return redirect(url_for("web_candidates.candidate", candidate_id=record.id))
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error.errors)
    return render_template("web/candidates/form.html", form=form, candidate=record), 422 if form.errors else 200


def _detail(record, *, conversation_form=None, decision_form=None, bsn=None, status=200):
    on = _date_arg("on") or date.today()
    secrets = _secrets()
    view = presenters.candidate(record, secrets=secrets, special=can("candidates.special"))
    talks = [(c, secrets.decrypt(c.notes_encrypted) if c.notes_encrypted else None)
             for c in intake.conversations(db.session, record)]
    if conversation_form is None:
        conversation_form = ConversationForm(formdata=None, held_on=date.today())
    if decision_form is None:
        decision_form = DecisionForm(formdata=None, decided_on=date.today())
    # The person's open participation, if employment has started (one statement).
    participation = db.session.scalars(select(Participant.id).where(
        Participant.person_id == record.person_id, Participant.exit_on.is_(None))).first() \
        if can("participants.read") else None
    candidate_service.record_view(db.session, record, g.principal.actor)
    db.session.commit()
    return render_template(
        "web/candidates/detail.html", record=record, view=view, bsn=bsn, talks=talks, participation=participation,
        eligibility=intake.eligibility(db.session, g.hooks, record, on), on=on,
        decisions=intake.decisions(db.session, record), conversation_form=conversation_form,
        decision_form=decision_form, reveal_form=ConfirmForm(), judgement_labels=JUDGEMENT_LABELS,
        statuses=STATUS_LABELS), status


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@bp.get("/candidates/<uuid:candidate_id>")
@page("candidates.read")
def candidate(candidate_id: uuid.UUID):
    return _detail(candidate_service.get(db.session, candidate_id))


@bp.post("/candidates/<uuid:candidate_id>/bsn")
@page("candidates.bsn")
def reveal_bsn(candidate_id: uuid.UUID):
    record = candidate_service.get(db.session, candidate_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("web_candidates.candidate", candidate_id=candidate_id))
    number = candidate_service.reveal_bsn(db.session, _secrets(), record, g.principal.actor)
    return _detail(record, bsn=number or _("No BSN registered"))


@bp.post("/candidates/<uuid:candidate_id>/conversations")
@page("candidates.write")
def add_conversation(candidate_id: uuid.UUID):
    record = candidate_service.get(db.session, candidate_id)
    form = ConversationForm()
    if form.validate_on_submit():
        try:
            coach = g.user.id if "coach" in g.user.roles else None
            intake.add_conversation(db.session, _secrets(), record, held_on=form.held_on.data, coach_id=coach,
                                    notes=form.notes.data, actor=g.principal.actor, today=date.today())
            db.session.commit()
            flash(_("The conversation has been recorded."), "ok")
            return redirect(url_for("web_candidates.candidate", candidate_id=candidate_id))
        except DomainError as error:
            db.session.rollback()
            record = candidate_service.get(db.session, candidate_id)
            apply_errors(form, error.errors)
    return _detail(record, conversation_form=form, status=422)


@bp.post("/candidates/<uuid:candidate_id>/decision")
@page("candidates.write")
def decide(candidate_id: uuid.UUID):
    record = candidate_service.get(db.session, candidate_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            decision = intake.decide(db.session, g.hooks, record, intake.DecisionInput(
                outcome=form.outcome.data, decided_on=form.decided_on.data,
                reason_category=form.reason_category.data or None, sub_reason=form.sub_reason.data,
                reasons=form.reasons.data), g.principal.actor, date.today())
            db.session.commit()
            flash(_("The decision has been recorded: %(status)s.",
                    status=STATUS_LABELS[decision.resulting_status]), "ok")
            return redirect(url_for("web_candidates.candidate", candidate_id=candidate_id))
        except DomainError as error:
            db.session.rollback()
            record = candidate_service.get(db.session, candidate_id)
            apply_errors(form, error.errors)
    return _detail(record, decision_form=form, status=422)


@bp.route("/candidates/import", methods=["GET", "POST"])
@page("candidates.import")
def import_candidates():
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            report = candidate_import.run(
                db.session, _secrets(), filename=upload.filename or "", content=upload.read(),
                actor=g.principal.actor, today=date.today(), dry_run=not form.commit.data,
                max_bytes=current_app.config["BASISBAAN_IMPORT_MAX_BYTES"])
        except DomainError as error:
            apply_errors(form, error.errors)
        if report is not None and report.created:
            db.session.commit()
            flash(_("%(n)s candidates have been imported.", n=report.created), "ok")
            return redirect(url_for("web_candidates.candidates"))
        db.session.rollback()
    status = 422 if form.errors or (report and report.problems) else 200
    return render_template("web/candidates/import.html", form=form, report=report, translate=translate), status


@bp.get("/candidates/export")
@page("candidates.export")
def export_candidates():
    fmt = "xlsx" if request.args.get("format") == "xlsx" else "csv"
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    body, mimetype, name = candidate_exports.candidates(db.session, fmt, status, g.principal.actor)
    db.session.commit()
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/funnel")
@page("funnel.view")
def funnel():
    today = date.today()
    date_to = _date_arg("to") or today + timedelta(days=1)
    date_from = _date_arg("from") or (date(date_to.year - 1, date_to.month, 1) if date_to.year > 1 else date_to)
    error = None
    counts = None
    try:
        counts = intake.funnel(db.session, date_from, date_to)
    except DomainError:
        error = _("The start date must be before the end date.")
    return render_template("web/funnel.html", counts=counts, date_from=date_from, date_to=date_to, error=error), (
        422 if error else 200)
