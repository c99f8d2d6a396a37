"""Participant pages: the list, starting employment for a candidate, the participant's page (contracts,
absence with the Gatekeeper steps, absence rate, work-list items), new contracts and renewals, changes of
terms, performance reports, absences, the exit; and the coach's work list.

Job coaches see only their own organisation's participants (the services check it with the viewer: any
other id is a 404) and never the sensitive fields (date of birth, exit notes, report summaries).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import exists, select

from basisbaan.domain.cao_catalogue import CAO_CODES
from basisbaan.domain.dates import add_years
from basisbaan.extensions import db
from basisbaan.models import Candidate, Neighbourhood, Organisation, Participant
from basisbaan.models.employment import CONTRACT_KINDS
from basisbaan.services import absences as absence_service
from basisbaan.services import candidates as candidate_service
from basisbaan.services import contracts as contract_service
from basisbaan.services import employment_view as views
from basisbaan.services import participants as participant_service
from basisbaan.services import worklist as worklist_service
from basisbaan.services.timeline import Group, SettingsTimeline
from basisbaan.web.context import can, page, tenant_pages
from basisbaan.web.forms import options
from basisbaan.web.pagination import paginate
from basisbaan.web.saving import form_status as _status
from basisbaan.web.saving import form_version as _version
from basisbaan.web.saving import parse_uuid as _uuid
from basisbaan.web.saving import participant_name as _name
from basisbaan.web.saving import save as _save
from basisbaan.web.saving import visible_participant as _participant
from basisbaan.web.participant_forms import (CAO_LABELS, CONTRACT_KIND_LABELS, PARTICIPANT_STATUS_LABELS,
                                             WORKLIST_KIND_LABELS, AbsenceForm, ChangeTermsForm, ContractForm,
                                             ExitForm, ReportForm, StartForm, StepForm)

bp = tenant_pages("web_participants", __name__)

# Service error keys that name another field on the page's form.
START_FIELDS = {"contract.start_on": "started_on"}
REPORT_FIELDS = {"performance_report": "report_written_on", "performance_report.written_on": "report_written_on",
                 "performance_report.author": "report_author", "performance_report.advice": "report_advice",
                 "performance_report.summary": "report_summary"}


# --- helpers ------------------------------------------------------------------------------------------

def _secrets():
    return current_app.extensions["basisbaan.secrets"]


def _timeline() -> SettingsTimeline:
    return SettingsTimeline(db.session, g.hooks)


def _sensitive() -> bool:
    return can("participants.write")


def _page_url(participant_id: uuid.UUID, anchor: str = "") -> str:
    """The participant's page, at `anchor` (a section id) when given."""
    return url_for("web_participants.participant", participant_id=participant_id) + (f"#{anchor}" if anchor else "")


def _employer_choices(form, blank: str) -> list[Organisation]:
    employers = db.session.scalars(select(Organisation).where(Organisation.is_employer)
                                   .order_by(Organisation.name)).all()
    form.employer_id.choices = options([("", blank)] + [(str(o.id), o.name) for o in employers])
    return employers


def _contract_data(form, settings: dict, start: date | None, *, first: bool) -> dict:
    """The contract terms of a form; hours and CAO default to the municipality's settings on the start date.
    The first contract also takes the settings' trial period and, when temporary without a last day, the
    municipality's contract length."""
    hours = form.hours_per_week.data
    trial = form.trial_period_months.data
    end = form.end_on.data
    if first and form.kind.data == "temporary" and end is None and start is not None:
        end = contract_service.first_contract_end(start, settings["contract_months"])
    if first and trial is None:
        trial = settings["trial_period_months"]
    return {"employer_id": _uuid(form.employer_id.data), "kind": form.kind.data, "end_on": end,
            "hours_per_week": hours if hours is not None else Decimal(settings["default_hours_per_week"]),
            "cao": form.cao.data or settings["cao"], "wage_scale": form.wage_scale.data or None,
            "wage_step": form.wage_step.data or None, "trial_period_months": trial}


# --- the list ---------------------------------------------------------------------------------------------

@bp.get("/participants")
@page("participants.read")
def participants():
    today = date.today()
    status = request.args.get("status", "active")
    status = status if status in participant_service.STATUSES else ""
    hood = _uuid(request.args.get("neighbourhood"))
    coach = _uuid(request.args.get("coach"))
    employer = _uuid(request.args.get("employer"))
    cao = request.args.get("cao") if request.args.get("cao") in CAO_CODES else ""
    kind = request.args.get("kind") if request.args.get("kind") in CONTRACT_KINDS else ""
    search = (request.args.get("q") or "").strip()[:100] or None
    stmt = participant_service.list_query(g.principal.viewer, on=today, status=status or None, neighbourhood_id=hood,
                                          coach_id=coach, employer_id=employer, cao=cao or None,
                                          contract_kind=kind or None, search=search)
    page_of = paginate(stmt)
    current = views.current_terms(db.session, [p.id for p in page_of.items], today)
    rows = [views.participant(p, on=today, current=current.get(p.id), sensitive=False) for p in page_of.items]
    return render_template(
        "web/participants/list.html", page_of=page_of, rows=rows, q=search or "", status=status,
        neighbourhood=str(hood or ""), coach=str(coach or ""), employer=str(employer or ""), cao=cao, kind=kind,
        statuses=PARTICIPANT_STATUS_LABELS, caos=CAO_LABELS, kinds=CONTRACT_KIND_LABELS,
        neighbourhoods=db.session.scalars(select(Neighbourhood).order_by(Neighbourhood.name)).all(),
        coaches=db.session.scalars(candidate_service.coaches_query()).all(),
        employers=db.session.scalars(select(Organisation).where(Organisation.is_employer)
                                     .order_by(Organisation.name)).all())


# --- starting employment -----------------------------------------------------------------------------------

def _open_participation(person_id: uuid.UUID) -> Participant | None:
    return db.session.scalars(select(Participant).where(Participant.person_id == person_id,
                                                        Participant.exit_on.is_(None))).first()


def _waiting_candidates() -> list[Candidate]:
    """Candidates decided to start who are not in employment yet (their place is promised)."""
    stmt = (select(Candidate).where(Candidate.status == "started", ~exists(select(Participant.id).where(
        Participant.person_id == Candidate.person_id, Participant.exit_on.is_(None))))
            .order_by(Candidate.status_since, Candidate.id))
    return list(db.session.scalars(stmt.limit(200)))


def _fill_start_choices(form: StartForm, settings: dict) -> None:
    employers = _employer_choices(form, _("Choose an employer"))
    coaches = db.session.scalars(candidate_service.coaches_query()).all()
    form.coach_id.choices = options([("", _("None yet"))] + [(str(u.id), u.display_name) for u in coaches])
    coaching = db.session.scalars(select(Organisation).where(Organisation.is_coaching)
                                  .order_by(Organisation.name)).all()
    form.coaching_organisation_id.choices = options([("", _("None"))] + [(str(o.id), o.name) for o in coaching])
    if request.method == "GET":
        usual = [o for o in employers if o.name == settings.get("employer_name")] or (
            employers if len(employers) == 1 else [])
        form.employer_id.data = str(usual[0].id) if usual else ""


@bp.route("/participants/new", methods=["GET", "POST"])
@page("participants.write")
def start():
    """Start employment for a candidate decided to start; without a candidate, the choice of one."""
    candidate_id = _uuid(request.args.get("candidate"))
    if candidate_id is None:
        return render_template("web/participants/start.html", candidate=None, waiting=_waiting_candidates(),
                               form=None, problem=None)
    candidate = candidate_service.get(db.session, candidate_id)
    existing = _open_participation(candidate.person_id)
    if existing is not None:
        flash(_("This person is in employment already."), "info")
        return redirect(_page_url(existing.id))
    if candidate.status != "started":
        problem = _("Only a candidate decided to start can start employment.")
        return render_template("web/participants/start.html", candidate=candidate, waiting=_waiting_candidates(),
                               form=None, problem=problem), 409
    timeline = _timeline()
    today = date.today()
    form = StartForm()
    settings = timeline.on(form.started_on.data or today)
    _fill_start_choices(form, settings)
    if request.method == "GET":
        form.coach_id.data = str(candidate.coach_id or "")
        form.hours_per_week.data = Decimal(settings["default_hours_per_week"])
        form.cao.data = settings["cao"]
        form.trial_period_months.data = settings["trial_period_months"]
    error = None
    if form.validate_on_submit():
        data = {"candidate_id": candidate.id, "started_on": form.started_on.data,
                "coach_id": _uuid(form.coach_id.data),
                "coaching_organisation_id": _uuid(form.coaching_organisation_id.data),
                "contract": _contract_data(form, settings, form.started_on.data, first=True)}
        response, error = _save(
            form, lambda: participant_service.start(db.session, _secrets(), timeline, data, g.principal.actor, today),
            done=_("Employment has started."), to=lambda started: _page_url(started.id),
            rename=START_FIELDS, prefix="contract.")
        if response:
            return response
    form.end_on.description = _("For a temporary contract. Left empty, it runs %(months)s months from the first "
                                "working day. A permanent contract has no last day.",
                                months=settings["contract_months"])
    return render_template("web/participants/start.html", candidate=candidate, waiting=None, form=form,
                           problem=None,
                           existing=_open_participation(candidate.person_id) if error else None), _status(form, error)


# --- the participant's page ---------------------------------------------------------------------------------

def _episode_ends(absences: list[dict]) -> dict:
    """Episode (its first absence id) -> its last day, None while ongoing."""
    ends: dict = {}
    for absence in absences:
        key = absence["episode_absence_id"]
        if key in ends and ends[key] is None:
            continue
        ends[key] = None if absence["end_on"] is None else max(absence["end_on"], ends.get(key) or absence["end_on"])
    return ends


def _detail(record: Participant, *, step_form: StepForm | None = None, step_key: str | None = None,
            status: int = 200):
    today = date.today()
    timeline = _timeline()
    settings = timeline.on(today)
    sensitive = _sensitive()
    current = views.current_terms(db.session, [record.id], today).get(record.id)
    view = views.participant(record, on=today, current=current, sensitive=sensitive, secrets=_secrets(),
                             dropout_reasons=settings["dropout_reasons"])
    contracts = views.contracts(db.session, timeline, record, sensitive=sensitive, secrets=_secrets(), today=today)
    absences = views.absences(db.session, record) if can("absences.read") else []
    start, end = add_years(today, -1) + timedelta(days=1), today + timedelta(days=1)
    rate = views.rate_view(absence_service.rate(db.session, start, end, g.principal.viewer,
                                                Group(participant_id=record.id)),
                           start=start, end=end, sees_participants=True)
    items = worklist_service.items(db.session, timeline, g.principal.viewer, today, participant_id=record.id)
    participant_service.record_view(db.session, record, g.principal.actor)
    db.session.commit()
    return render_template(
        "web/participants/detail.html", view=view, contracts=contracts, absences=absences,
        episode_ends=_episode_ends(absences), rate=rate, rate_to=today, items=items, today=today,
        step_form=step_form, step_key=step_key), status


@bp.get("/participants/<uuid:participant_id>")
@page("participants.read")
def participant(participant_id: uuid.UUID):
    return _detail(_participant(participant_id))


@bp.post("/participants/<uuid:participant_id>/absences/<uuid:absence_id>/steps")
@page("absences.write")
def gatekeeper_step(participant_id: uuid.UUID, absence_id: uuid.UUID):
    """Mark a Gatekeeper step done; back to the participant's page (with the error next to the step)."""
    record = _participant(participant_id)
    absence = absence_service.get(db.session, record, absence_id)
    form = StepForm()
    key = f"{absence.id}-{form.step.data}"
    if form.validate_on_submit():
        data = {"step": form.step.data, "done_on": form.done_on.data}
        response, _error = _save(
            form, lambda: absence_service.record_step(db.session, record, absence, data, g.principal.actor,
                                                      date.today()),
            done=_("The step has been recorded."), to=_page_url(record.id, "absences"))
        if response:
            return response
    # An unknown step is an error of the whole form: there is no field to show it at.
    form.form_errors.extend(form.step.errors)
    return _detail(record, step_form=form, step_key=key, status=422)


# --- contracts --------------------------------------------------------------------------------------------

@bp.route("/participants/<uuid:participant_id>/contracts/new", methods=["GET", "POST"])
@page("contracts.write")
def new_contract(participant_id: uuid.UUID):
    """A new contract: a renewal of a temporary contract brings the performance report on it."""
    record = _participant(participant_id)
    timeline = _timeline()
    today = date.today()
    form = ContractForm()
    _employer_choices(form, _("Choose an employer"))
    existing = contract_service.contracts_of(db.session, record)
    latest = existing[-1] if existing else None
    if request.method == "GET":
        settings = timeline.on(today)
        form.hours_per_week.data = Decimal(settings["default_hours_per_week"])
        form.cao.data = settings["cao"]
        if latest is not None:
            version = contract_service.versions_of(db.session, [latest.id])[latest.id][-1]
            form.employer_id.data = str(latest.employer_id)
            form.hours_per_week.data, form.cao.data = version.hours_per_week, version.cao
            form.wage_scale.data, form.wage_step.data = version.wage_scale, version.wage_step
            if latest.last_day is not None:
                form.start_on.data = latest.last_day + timedelta(days=1)
    error = None
    if form.validate_on_submit():
        settings = timeline.on(form.start_on.data)
        data = {"start_on": form.start_on.data, **_contract_data(form, settings, form.start_on.data, first=False)}
        if form.has_report():
            data["performance_report"] = {"written_on": form.report_written_on.data,
                                          "author": form.report_author.data,
                                          "advice": form.report_advice.data or None,
                                          "summary": form.report_summary.data}
        response, error = _save(
            form, lambda: contract_service.add(db.session, _secrets(), timeline, record, data, g.principal.actor,
                                               today),
            done=_("The contract has been added."), to=_page_url(record.id, "contracts"), rename=REPORT_FIELDS)
        if response:
            return response
    return render_template("web/participants/contract_form.html", form=form, record=record, name=_name(record),
                           latest=latest), _status(form, error)


@bp.route("/participants/<uuid:participant_id>/contracts/<uuid:contract_id>/change", methods=["GET", "POST"])
@page("contracts.write")
def change_terms(participant_id: uuid.UUID, contract_id: uuid.UUID):
    """New terms (hours, CAO, scale) from a date: a new version; the version read guards against a
    change someone else saved in the meantime."""
    record = _participant(participant_id)
    contract = contract_service.get(db.session, record, contract_id)
    versions = contract_service.versions_of(db.session, [contract.id])[contract.id]
    form = ChangeTermsForm()
    if request.method == "GET":
        latest = versions[-1]
        form.version.data = str(contract.version)
        form.hours_per_week.data, form.cao.data = latest.hours_per_week, latest.cao
        form.wage_scale.data, form.wage_step.data = latest.wage_scale, latest.wage_step
    error = None
    if form.validate_on_submit():
        data = {"valid_from": form.valid_from.data, "hours_per_week": form.hours_per_week.data,
                "cao": form.cao.data or None, "wage_scale": form.wage_scale.data or None,
                "wage_step": form.wage_step.data or None, "note": form.note.data}
        response, error = _save(
            form, lambda: contract_service.change_terms(db.session, _timeline(), contract, data, _version(form),
                                                        g.principal.actor),
            done=_("The new terms have been saved."), to=_page_url(record.id, "contracts"))
        if response:
            return response
    return render_template("web/participants/change_terms.html", form=form, record=record, name=_name(record),
                           contract=contract, versions=versions), _status(form, error)


@bp.route("/participants/<uuid:participant_id>/contracts/<uuid:contract_id>/report", methods=["GET", "POST"])
@page("contracts.write")
def performance_report(participant_id: uuid.UUID, contract_id: uuid.UUID):
    record = _participant(participant_id)
    contract = contract_service.get(db.session, record, contract_id)
    form = ReportForm()
    if request.method == "GET":
        form.written_on.data = date.today()
    error = None
    if form.validate_on_submit():
        data = {"written_on": form.written_on.data, "author": form.author.data, "advice": form.advice.data,
                "summary": form.summary.data}
        response, error = _save(
            form, lambda: contract_service.add_report(db.session, _secrets(), contract, data, g.principal.actor,
                                                      date.today()),
            done=_("The performance report has been recorded."), to=_page_url(record.id, "contracts"),
            prefix="performance_report.")
        if response:
            return response
    return render_template("web/participants/report_form.html", form=form, record=record, name=_name(record),
                           contract=contract), _status(form, error)


# --- absence ----------------------------------------------------------------------------------------------

def _absence_data(form: AbsenceForm) -> dict:
    return {"start_on": form.start_on.data, "end_on": form.end_on.data,
            "percentage": form.percentage.data if form.percentage.data is not None else Decimal(100)}


@bp.route("/participants/<uuid:participant_id>/absences/new", methods=["GET", "POST"])
@page("absences.write")
def new_absence(participant_id: uuid.UUID):
    record = _participant(participant_id)
    form = AbsenceForm()
    if request.method == "GET":
        form.start_on.data = date.today()
    error = None
    if form.validate_on_submit():
        data = _absence_data(form)
        response, error = _save(
            form, lambda: absence_service.add(db.session, record, data, g.principal.actor, date.today()),
            done=_("The sickness has been registered."), to=_page_url(record.id, "absences"))
        if response:
            return response
    return render_template("web/participants/absence_form.html", form=form, record=record, name=_name(record),
                           absence=None), _status(form, error)


@bp.route("/participants/<uuid:participant_id>/absences/<uuid:absence_id>/edit", methods=["GET", "POST"])
@page("absences.write")
def edit_absence(participant_id: uuid.UUID, absence_id: uuid.UUID):
    """Record the recovery (the last day of sickness) or correct the period and percentage."""
    record = _participant(participant_id)
    absence = absence_service.get(db.session, record, absence_id)
    form = AbsenceForm()
    if request.method == "GET":
        form.version.data = str(absence.version)
        form.start_on.data, form.end_on.data = absence.start_on, absence.end_on
        form.percentage.data = absence.percentage
    error = None
    if form.validate_on_submit():
        data = _absence_data(form)
        response, error = _save(
            form, lambda: absence_service.update(db.session, record, absence, {**data, "version": _version(form)},
                                                 g.principal.actor, date.today()),
            done=_("The sickness has been saved."), to=_page_url(record.id, "absences"))
        if response:
            return response
    return render_template("web/participants/absence_form.html", form=form, record=record, name=_name(record),
                           absence=absence), _status(form, error)


# --- the exit ---------------------------------------------------------------------------------------------

@bp.route("/participants/<uuid:participant_id>/exit", methods=["GET", "POST"])
@page("participants.write")
def exit_participant(participant_id: uuid.UUID):
    record = _participant(participant_id)
    form = ExitForm()
    if request.method == "GET":
        form.version.data = str(record.version)
    error = None
    if record.exit_on is None and form.validate_on_submit():
        data = {"date": form.date.data, "reason": form.reason.data, "notes": form.notes.data}
        response, error = _save(
            form, lambda: participant_service.exit_(db.session, _secrets(), record,
                                                    {**data, "version": _version(form)}, g.principal.actor,
                                                    date.today()),
            done=_("The exit has been recorded."), to=_page_url(participant_id))
        if response:
            return response
    if record.exit_on is not None and request.method == "POST":
        return render_template("web/participants/exit_form.html", form=form, record=record, name=_name(record)), 409
    return render_template("web/participants/exit_form.html", form=form, record=record,
                           name=_name(record)), _status(form, error)


# --- the work list ----------------------------------------------------------------------------------------

@bp.get("/worklist")
@page("worklist.view")
def worklist():
    """What needs doing, soonest first: by default a municipal coach's own participants."""
    today = date.today()
    is_coach = "coach" in g.principal.roles
    scope = request.args.get("scope")
    scope = scope if scope in ("mine", "all") and is_coach else ("mine" if is_coach else "all")
    kind = request.args.get("kind") if request.args.get("kind") in worklist_service.KINDS else ""
    items = worklist_service.items(db.session, _timeline(), g.principal.viewer, today,
                                   coach_id=g.user.id if scope == "mine" else None)
    items = [item for item in items if not kind or item.kind == kind]
    return render_template("web/worklist.html", items=items, today=today, scope=scope, kind=kind,
                           is_coach=is_coach, kinds=WORKLIST_KIND_LABELS)
