"""Administration: moving contracts to another collective agreement from a date. A preview per participant
first (hourly wage and annual cost before and after, who would earn less, the guarantee), then the
transition itself after an explicit confirmation. Both are POSTs: names and wages never go into a URL."""

from __future__ import annotations

import uuid

from flask import g, render_template, request
from flask_babel import gettext as _

from basisbaan.errors import Conflict, DomainError
from basisbaan.extensions import db
from basisbaan.services import cao_transition as transition
from basisbaan.services.timeline import SettingsTimeline
from basisbaan.web.context import page, tenant_pages
from basisbaan.web.forms import apply_errors
from basisbaan.web.participant_forms import CAO_LABELS, TransitionForm

bp = tenant_pages("web_cao_transition", __name__)


def _expected(values: list[str]) -> dict[uuid.UUID, int]:
    """The preview's rows as the page sent them back ("<contract id>:<version>"); malformed ones are
    dropped, which makes the comparison fail (a conflict), never pass."""
    found: dict[uuid.UUID, int] = {}
    for value in values:
        contract_id, _sep, version = value.partition(":")
        try:
            found[uuid.UUID(contract_id)] = int(version)
        except ValueError:
            continue
    return found


@bp.route("/admin/cao-transition", methods=["GET", "POST"])
@page("cao_transition.manage")
def cao_transition():
    form = TransitionForm()
    result, applied, status = None, False, 200
    if form.validate_on_submit():
        timeline = SettingsTimeline(db.session, g.hooks)
        params = {"to_cao": form.to_cao.data, "on": form.on.data, "keep_old_wage": form.keep_old_wage.data,
                  "from_cao": form.from_cao.data or None}
        apply = request.form.get("action") == "apply"
        try:
            if apply and not form.confirm.data:
                form.confirm.errors = [*form.confirm.errors,
                                       _("Tick this box to confirm; check the preview below first.")]
                status = 422
                result = transition.preview(db.session, timeline, **params)
            elif apply:
                result = transition.apply(db.session, timeline, actor=g.principal.actor,
                                          expected=_expected(request.form.getlist("contract")), **params)
                db.session.commit()
                applied = True
                form = TransitionForm(formdata=None, to_cao=params["to_cao"], on=params["on"],
                                      from_cao=params["from_cao"] or "", keep_old_wage=params["keep_old_wage"])
            else:
                result = transition.preview(db.session, timeline, **params)
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error.errors)
            status = 409 if isinstance(error, Conflict) else 422
            if isinstance(error, Conflict):  # changed since the preview: show the current one
                result = transition.preview(db.session, SettingsTimeline(db.session, g.hooks), **params)
    elif form.errors:
        status = 422
    return render_template("web/admin/cao_transition.html", form=form, result=result, applied=applied,
                           caos=CAO_LABELS), status
