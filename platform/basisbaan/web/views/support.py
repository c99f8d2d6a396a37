"""Support pages: the coaching log with the average coaching hours, wellbeing measurements with the chart,
debt support and training.

Job coaches read and log the coaching of their own organisation's participants only (the services check
it with the viewer: another participant is a 404, or an error at the participant field) and see training;
wellbeing scores and debt support are special personal data, for municipal coaches only (the pages'
permissions).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from flask import current_app, g, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from basisbaan.extensions import db
from basisbaan.models.support import COACHING_KINDS
from basisbaan.services import coaching as coaching_service
from basisbaan.services import participants as participant_service
from basisbaan.services import support as support_service
from basisbaan.services import wellbeing as wellbeing_service
from basisbaan.services.timeline import Group, SettingsTimeline
from basisbaan.web.candidate_forms import choices
from basisbaan.web.charts import bar_chart
from basisbaan.web.context import can, page, tenant_pages
from basisbaan.web.forms import options
from basisbaan.web.helpers import date_local, number
from basisbaan.web.pagination import paginate
from basisbaan.web.saving import form_status as _status
from basisbaan.web.saving import form_version as _version
from basisbaan.web.saving import parse_uuid as _uuid
from basisbaan.web.saving import query_date
from basisbaan.web.saving import participant_name as _name
from basisbaan.web.saving import save as _save
from basisbaan.web.saving import visible_participant as _participant
from basisbaan.web.support_forms import (COACHING_KIND_LABELS, DEBT_KIND_LABELS, DEBT_STATUS_LABELS,
                                         TRAINING_KIND_LABELS, CoachingForm, DebtChangeForm, DebtForm,
                                         TrainingChangeForm, TrainingForm, measurement_form, score_field)

bp = tenant_pages("web_support", __name__)

DAY = timedelta(days=1)
AVERAGE_WEEKS = 13  # the default period of the average coaching hours


# --- helpers ------------------------------------------------------------------------------------------

@bp.context_processor
def _labels():
    def label(labels: dict):
        return lambda code: labels.get(code, code) if code is not None else "–"

    return {"coaching_kind_label": label(COACHING_KIND_LABELS), "debt_kind_label": label(DEBT_KIND_LABELS),
            "debt_status_label": label(DEBT_STATUS_LABELS), "training_kind_label": label(TRAINING_KIND_LABELS)}


def _secrets():
    return current_app.extensions["basisbaan.secrets"]


def _timeline() -> SettingsTimeline:
    return SettingsTimeline(db.session, g.hooks)


def _language() -> str:
    return str(get_locale())


def _support_url(participant_id: uuid.UUID, anchor: str = "") -> str:
    return url_for("web_support.support", participant_id=participant_id) + (f"#{anchor}" if anchor else "")


def _list_name(record) -> str:
    return f"{record.person.family_name}, {record.person.given_names}"


def _signed(value) -> str:
    """A change with its sign: +1, 0, -0,5."""
    return f"+{number(value)}" if value > 0 else number(value)


# --- coaching -----------------------------------------------------------------------------------------------

@bp.get("/coaching")
@page("coaching.read")
def coaching():
    """The coaching log, newest first, and the average coaching hours per participant per week over the
    chosen period (by default the last 13 weeks). `to` is the last day included."""
    today = date.today()
    viewer = g.principal.viewer
    participant_id = _uuid(request.args.get("participant_id"))
    kind = request.args.get("kind") if request.args.get("kind") in COACHING_KINDS else ""
    first, last = query_date(request.args.get("from")), query_date(request.args.get("to"))
    end = last + DAY if last else None
    page_of = paginate(coaching_service.list_query(viewer, participant_id=participant_id, start=first, end=end,
                                                   kind=kind or None))
    people = [(p.id, _list_name(p)) for p in db.session.scalars(participant_service.list_query(viewer, on=today))]
    period_end = end or today + DAY
    period_start = first or period_end - timedelta(weeks=AVERAGE_WEEKS)
    hours = coaching_service.hours(db.session, period_start, period_end, viewer,
                                   Group(participant_id=participant_id)) if period_start < period_end else None
    return render_template(
        "web/support/coaching.html", page_of=page_of, names=dict(people), people=people, kinds=COACHING_KIND_LABELS,
        participant_id=str(participant_id or ""), kind=kind, first=first.isoformat() if first else "",
        last=last.isoformat() if last else "", hours=hours, period_start=period_start,
        period_last=period_end - DAY)


@bp.route("/coaching/new", methods=["GET", "POST"])
@page("coaching.write")
def new_coaching():
    """Log coaching time for a participant in the programme today (a job coach: work coaching for their
    own organisation's participants)."""
    today = date.today()
    viewer = g.principal.viewer
    form = CoachingForm()
    people = db.session.scalars(participant_service.list_query(viewer, on=today, status="active")).all()
    form.participant_id.choices = options([("", _("Choose a participant"))]
                                          + [(str(p.id), _list_name(p)) for p in people])
    if viewer.is_job_coach_only:
        form.kind.choices = choices({"work": COACHING_KIND_LABELS["work"]})
    if request.method == "GET":
        chosen = _uuid(request.args.get("participant_id"))
        form.participant_id.data = str(chosen) if chosen in {p.id for p in people} else ""
        form.held_on.data = today
        form.kind.data = "work" if viewer.is_job_coach_only else None
    error = None
    if form.validate_on_submit():
        data = {"participant_id": _uuid(form.participant_id.data), "held_on": form.held_on.data,
                "kind": form.kind.data, "hours": form.hours.data}
        response, error = _save(
            form, lambda: coaching_service.log(db.session, viewer, data, g.principal.actor, today),
            done=_("The coaching time has been logged."),
            to=lambda entry: url_for("web_support.coaching", participant_id=entry.participant_id))
        if response:
            return response
    return render_template("web/support/coaching_form.html", form=form), _status(form, error)


# --- wellbeing ----------------------------------------------------------------------------------------------

def _wellbeing_chart(instrument, change, first_on: date, latest_on: date):
    """Grouped bars per domain: the first and the latest score (the page's table follows it)."""
    language = _language()
    name = instrument.name_nl if language == "nl" else instrument.name_en
    return bar_chart(
        _("Wellbeing per domain: first and latest measurement"),
        _("Scores per domain on %(instrument)s, from %(low)s (lowest) to %(high)s (highest): the first "
          "measurement of %(first)s and the latest of %(latest)s. The table below the chart gives the same "
          "figures.", instrument=name, low=instrument.low, high=instrument.high, first=date_local(first_on),
          latest=date_local(latest_on)),
        [instrument.label(d.code, language) for d in change.domains],
        [(_("First measurement (%(date)s)", date=date_local(first_on)), [d.first for d in change.domains]),
         (_("Latest measurement (%(date)s)", date=date_local(latest_on)), [d.latest for d in change.domains])],
        max_value=instrument.high, chart_id="wellbeing-chart", value_format=number)


@bp.get("/participants/<uuid:participant_id>/wellbeing")
@page("wellbeing.read")
def wellbeing(participant_id: uuid.UUID):
    """The measurements, the change from the first to the latest per domain (chart and table) and when the
    next measurement is due. Viewing the scores is audited."""
    record = _participant(participant_id)
    today = date.today()
    timeline = _timeline()
    shown = wellbeing_service.of(db.session, _secrets(), record)
    instrument, change = wellbeing_service.participant_change(timeline, shown, today)
    due = wellbeing_service.due_dates(db.session, timeline, [record], today).get(record.id) \
        if record.exit_on is None or record.exit_on >= today else None
    language = _language()
    on_instrument = [m for m in shown if m.instrument == instrument.code]
    chart = _wellbeing_chart(instrument, change, on_instrument[0].measured_on, on_instrument[-1].measured_on) \
        if change.domains else None
    changes = [{"label": instrument.label(d.code, language), "first": d.first, "latest": d.latest,
                "change": _signed(d.change)} for d in change.domains]
    participant_service.record_view(db.session, record, g.principal.actor)
    db.session.commit()
    return render_template(
        "web/support/wellbeing.html", record=record, name=_name(record), instrument=instrument,
        instrument_name=instrument.name_nl if language == "nl" else instrument.name_en,
        domains=[(d.code, instrument.label(d.code, language)) for d in instrument.domains], measurements=shown,
        changes=changes, chart=chart, due=due, today=today)


def _score(value):
    """A chosen score as a number; anything else goes to the service as it came (it names the problem)."""
    if value in (None, "", "None"):
        return None
    text = str(value).strip()
    return int(text) if text.lstrip("-").isdigit() else text


@bp.route("/participants/<uuid:participant_id>/wellbeing/new", methods=["GET", "POST"])
@page("wellbeing.write")
def new_measurement(participant_id: uuid.UUID):
    """A measurement on the instrument in force today: a score for every domain."""
    record = _participant(participant_id)
    today = date.today()
    timeline = _timeline()
    instrument = timeline.instrument(today)
    form = measurement_form(instrument, _language())
    if request.method == "GET":
        form.measured_on.data = today
    error = None
    if form.validate_on_submit():
        data = {"measured_on": form.measured_on.data,
                "scores": {d.code: _score(form[score_field(d.code)].data) for d in instrument.domains}}
        response, error = _save(
            form, lambda: wellbeing_service.add(db.session, _secrets(), timeline, record, data, g.principal.actor,
                                                today),
            done=_("The measurement has been recorded."),
            to=url_for("web_support.wellbeing", participant_id=record.id),
            rename={f"scores.{d.code}": score_field(d.code) for d in instrument.domains})
        if response:
            return response
    return render_template("web/support/measurement_form.html", form=form, record=record, name=_name(record),
                           scores=[form[score_field(d.code)] for d in instrument.domains]), _status(form, error)


# --- debt support and training ----------------------------------------------------------------------------

def _debt_view(row) -> dict:
    return {"id": row.id, "kind": row.kind, "referred_on": row.referred_on, "status": row.status,
            "ended_on": row.ended_on, "version": row.version,
            "notes": _secrets().decrypt(row.notes_encrypted) if row.notes_encrypted else None}


@bp.get("/participants/<uuid:participant_id>/support")
@page("support.read")
def support(participant_id: uuid.UUID):
    """Debt support (municipal coaches only) and training."""
    record = _participant(participant_id)
    debts = [_debt_view(row) for row in support_service.debts_of(db.session, record)] \
        if can("support.debt") else None
    return render_template("web/support/support.html", record=record, name=_name(record), debts=debts,
                           trainings=support_service.trainings_of(db.session, record))


def _debt_data(form) -> dict:
    return {"status": form.status.data, "ended_on": form.ended_on.data, "notes": form.notes.data}


@bp.route("/participants/<uuid:participant_id>/support/debt/new", methods=["GET", "POST"])
@page("support.debt")
def new_debt(participant_id: uuid.UUID):
    record = _participant(participant_id)
    form = DebtForm()
    if request.method == "GET":
        form.referred_on.data, form.status.data = date.today(), "referred"
    error = None
    if form.validate_on_submit():
        data = {"kind": form.kind.data, "referred_on": form.referred_on.data, **_debt_data(form)}
        response, error = _save(
            form, lambda: support_service.add_debt(db.session, _secrets(), record, data, g.principal.actor,
                                                   date.today()),
            done=_("The debt support has been recorded."), to=_support_url(record.id, "debt"))
        if response:
            return response
    return render_template("web/support/debt_form.html", form=form, record=record, name=_name(record),
                           debt=None), _status(form, error)


@bp.route("/participants/<uuid:participant_id>/support/debt/<uuid:debt_id>/edit", methods=["GET", "POST"])
@page("support.debt")
def edit_debt(participant_id: uuid.UUID, debt_id: uuid.UUID):
    """The status, the last day and the notes of debt support; the version read guards against a change
    someone else saved in the meantime."""
    record = _participant(participant_id)
    row = support_service.get_debt(db.session, record, debt_id)
    form = DebtChangeForm()
    if request.method == "GET":
        view = _debt_view(row)
        form.version.data = str(row.version)
        form.status.data, form.ended_on.data, form.notes.data = view["status"], view["ended_on"], view["notes"]
    error = None
    if form.validate_on_submit():
        data = _debt_data(form)
        response, error = _save(
            form, lambda: support_service.update_debt(db.session, _secrets(), record, row,
                                                      {**data, "version": _version(form)}, g.principal.actor,
                                                      date.today()),
            done=_("The debt support has been saved."), to=_support_url(record.id, "debt"))
        if response:
            return response
    return render_template("web/support/debt_form.html", form=form, record=record, name=_name(record),
                           debt=row), _status(form, error)


def _training_data(form) -> dict:
    return {"completed_on": form.completed_on.data, "certificate_number": form.certificate_number.data or None,
            "certificate_valid_until": form.certificate_valid_until.data, "cost": form.cost.data}


@bp.route("/participants/<uuid:participant_id>/support/trainings/new", methods=["GET", "POST"])
@page("trainings.write")
def new_training(participant_id: uuid.UUID):
    record = _participant(participant_id)
    form = TrainingForm()
    if request.method == "GET":
        form.started_on.data = date.today()
    error = None
    if form.validate_on_submit():
        data = {"kind": form.kind.data, "name": form.name.data, "started_on": form.started_on.data,
                **_training_data(form)}
        response, error = _save(
            form, lambda: support_service.add_training(db.session, record, data, g.principal.actor, date.today()),
            done=_("The training has been recorded."), to=_support_url(record.id, "trainings"))
        if response:
            return response
    return render_template("web/support/training_form.html", form=form, record=record, name=_name(record),
                           training=None), _status(form, error)


@bp.route("/participants/<uuid:participant_id>/support/trainings/<uuid:training_id>/edit",
          methods=["GET", "POST"])
@page("trainings.write")
def edit_training(participant_id: uuid.UUID, training_id: uuid.UUID):
    """Completion, the certificate and the cost of a training (with the version read)."""
    record = _participant(participant_id)
    row = support_service.get_training(db.session, record, training_id)
    form = TrainingChangeForm()
    if request.method == "GET":
        form.version.data = str(row.version)
        form.completed_on.data, form.certificate_number.data = row.completed_on, row.certificate_number
        form.certificate_valid_until.data, form.cost.data = row.certificate_valid_until, row.cost
    error = None
    if form.validate_on_submit():
        data = _training_data(form)
        response, error = _save(
            form, lambda: support_service.update_training(db.session, record, row,
                                                          {**data, "version": _version(form)}, g.principal.actor,
                                                          date.today()),
            done=_("The training has been saved."), to=_support_url(record.id, "trainings"))
        if response:
            return response
    return render_template("web/support/training_form.html", form=form, record=record, name=_name(record),
                           training=row), _status(form, error)
