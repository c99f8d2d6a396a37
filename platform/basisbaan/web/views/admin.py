"""Administration pages: users, sign-in settings, API tokens, audit log."""

from __future__ import annotations

import uuid

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from basisbaan.errors import DomainError
from basisbaan.extensions import db
from basisbaan.models import ROLES, ApiToken, Organisation
from basisbaan.services import audit_log
from basisbaan.services import sso as sso_service
from basisbaan.services import tokens as token_service
from basisbaan.services import users as user_service
from basisbaan.web.context import page, tenant_pages
from basisbaan.web.forms import ConfirmForm, SsoForm, TokenForm, UserForm, apply_errors, options
from basisbaan.web.pagination import paginate

bp = tenant_pages("web_admin", __name__)


def _actor():
    return g.principal.actor


@bp.get("/admin/users")
@page("users.manage")
def users():
    role = request.args.get("role") if request.args.get("role") in ROLES else None
    search = (request.args.get("q") or "").strip()[:100] or None
    return render_template("web/admin/users.html", page_of=paginate(user_service.users_query(search, role)),
                           q=search or "", role=role or "", roles=ROLES)


@bp.route("/admin/users/<uuid:user_id>", methods=["GET", "POST"])
@page("users.manage")
def user_detail(user_id: uuid.UUID):
    user = user_service.get(db.session, user_id)
    form = UserForm(obj=None if request.method == "POST" else user)
    organisations = db.session.scalars(select(Organisation).where(Organisation.is_coaching)
                                       .order_by(Organisation.name)).all()
    form.organisation_id.choices = options([("", _("None"))] + [(str(o.id), o.name) for o in organisations])
    if request.method == "GET":
        form.organisation_id.data = str(user.organisation_id) if user.organisation_id else ""
    if form.validate_on_submit():
        try:
            organisation = uuid.UUID(form.organisation_id.data) if form.organisation_id.data else None
            user_service.update(db.session, user, is_active=form.is_active.data, organisation_id=organisation,
                                actor=_actor())
            db.session.commit()
            flash(_("The user has been saved."), "ok")
            return redirect(url_for("web_admin.users"))
        except DomainError as error:
            db.session.rollback()
            user = user_service.get(db.session, user_id)
            apply_errors(form, error.errors)
    status = 422 if form.errors else 200
    return render_template("web/admin/user.html", user=user, form=form), status


@bp.route("/admin/sso", methods=["GET", "POST"])
@page("sso.manage")
def sso():
    provider = sso_service.get(db.session)
    form = SsoForm(obj=provider if request.method == "GET" else None)
    if request.method == "GET" and provider is not None:
        for role in ROLES:
            form[f"role_{role}"].data = ", ".join((provider.role_map or {}).get(role, []))
    if form.validate_on_submit():
        settings = sso_service.SsoSettings(
            issuer=form.issuer.data.strip(), client_id=form.client_id.data, client_secret=form.client_secret.data or None,
            scopes=form.scopes.data, role_claim=form.role_claim.data.strip(), role_map=form.role_map())
        try:
            sso_service.configure(db.session, g.tenant, current_app.extensions["basisbaan.secrets"], settings,
                                  _actor(), allow_http=current_app.config["BASISBAAN_ENV"] != "production")
            db.session.commit()
            flash(_("The sign-in settings have been saved."), "ok")
            return redirect(url_for("web_admin.sso"))
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, {("role_admin" if k == "role_map" else k): v for k, v in error.errors.items()})
    status = 422 if form.errors else 200
    return render_template("web/admin/sso.html", form=form, provider=provider,
                           callback_url=url_for("web_auth.callback", _external=True)), status


@bp.route("/admin/tokens", methods=["GET", "POST"])
@page("tokens.manage")
def tokens():
    form = TokenForm()
    issued = None
    if form.validate_on_submit():
        try:
            issued = token_service.create(db.session, g.tenant, role=form.role.data, name=form.name.data,
                                          days=form.days.data,
                                          max_days=current_app.config["BASISBAAN_TOKEN_MAX_DAYS"], actor=_actor())
            db.session.commit()
            form = TokenForm(formdata=None)
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error.errors)
    stmt = select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id)
    status = 422 if form.errors else (201 if issued else 200)
    return render_template("web/admin/tokens.html", form=form, issued=issued, page_of=paginate(stmt),
                           revoke_form=ConfirmForm()), status


@bp.post("/admin/tokens/<uuid:token_id>/revoke")
@page("tokens.manage")
def revoke_token(token_id: uuid.UUID):
    form = ConfirmForm()
    if form.validate_on_submit():
        token_service.revoke(db.session, token_id, _actor())
        db.session.commit()
        flash(_("The token has been revoked."), "ok")
    return redirect(url_for("web_admin.tokens"))


@bp.get("/admin/audit")
@page("audit.read")
def audit():
    action = (request.args.get("action") or "").strip()[:100] or None
    entity = (request.args.get("entity") or "").strip()[:60] or None
    return render_template("web/admin/audit.html", page_of=paginate(audit_log.events_query(action, entity)),
                           action=action or "", entity=entity or "")
