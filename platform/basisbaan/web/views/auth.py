"""Sign-in with the municipality's identity provider, sign-out, and the demo sign-in."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for
from sqlalchemy import select

from basisbaan.auth import oidc
from basisbaan.extensions import db
from basisbaan.models import ROLES, Tenant
from basisbaan.services import sso as sso_service
from basisbaan.services.demo import DEMO_ISSUER
from basisbaan.services import users as user_service
from basisbaan.tenancy import set_tenant
from basisbaan.web.context import SESSION_TENANT, SESSION_USER, page, tenant_pages
from basisbaan.web.forms import ConfirmForm
from basisbaan.web.i18n import safe_next

bp = tenant_pages("web_auth", __name__)
platform_bp = Blueprint("web_platform_auth", __name__)

NEXT_KEY = "signin_next"


def _secrets():
    return current_app.extensions["basisbaan.secrets"]


def _start_session(tenant: Tenant, user, id_token: str | None = None, issuer: str | None = None) -> None:
    """A fresh session for the signed-in user (no fixation), keeping only the language choice."""
    lang = session.get("lang")
    session.clear()
    session.permanent = True
    session[SESSION_TENANT] = str(tenant.id)
    session[SESSION_USER] = str(user.id)
    if id_token:
        session["id_token"] = id_token
    if issuer:
        # The sign-out form redirects to the provider: CSP form-action must allow its origin.
        parts = urlsplit(issuer)
        session["logout_origin"] = f"{parts.scheme}://{parts.netloc}"
    if lang:
        session["lang"] = lang


@bp.get("/login")
@page(public=True)
def login():
    if g.get("user") is not None:
        return redirect(url_for("web_tenant.dashboard"))
    provider = sso_service.get(db.session)
    if provider is None:
        return render_template("web/auth/not_configured.html",
                               demo_login=bool(current_app.config.get("BASISBAAN_DEMO_LOGIN"))), 503
    session[NEXT_KEY] = safe_next(request.args.get("next"), "")
    try:
        return oidc.start(g.tenant, provider, _secrets(), url_for("web_auth.callback", _external=True))
    except oidc.ProviderUnavailable as exc:
        current_app.logger.error("sign-in provider unavailable for tenant %s: %s", g.tenant.slug, exc.reason)
        return render_template("web/auth/unavailable.html"), 503


@bp.get("/auth/callback")
@page(public=True)
def callback():
    provider = sso_service.get(db.session)
    if provider is None:
        abort(404)
    try:
        identity = oidc.finish(g.tenant, provider, _secrets())
    except oidc.SignInRejected as exc:
        current_app.logger.warning("sign-in rejected for tenant %s: %s", g.tenant.slug, exc.reason)
        return render_template("web/auth/rejected.html"), 400
    except oidc.ProviderUnavailable as exc:
        current_app.logger.error("sign-in provider unavailable for tenant %s: %s", g.tenant.slug, exc.reason)
        return render_template("web/auth/unavailable.html"), 503
    roles = sso_service.roles_from_claims(provider, identity.claims)
    try:
        user = user_service.sign_in(db.session, issuer=identity.issuer, subject=identity.subject, roles=roles,
                                    claims=identity.claims)
    except user_service.NoAccess as exc:
        db.session.commit()
        return render_template("web/auth/no_access.html", reason=exc.reason), 403
    db.session.commit()
    target = session.get(NEXT_KEY) or url_for("web_tenant.dashboard")
    _start_session(g.tenant, user, identity.id_token, identity.issuer)
    return redirect(safe_next(target, url_for("web_tenant.dashboard")))


@bp.post("/logout")
@page(public=True)
def logout():
    id_token = session.get("id_token")
    signed_in = g.get("user") is not None
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    provider = sso_service.get(db.session) if signed_in and id_token else None
    if provider is not None:
        url = oidc.end_session_url(g.tenant, provider, _secrets(), id_token,
                                   url_for("web_auth.signed_out", _external=True))
        if url:
            return redirect(url)
    return redirect(url_for("web_auth.signed_out"))


@bp.get("/signed-out")
@page(public=True)
def signed_out():
    return render_template("web/auth/signed_out.html")


@platform_bp.route("/demo-login", methods=["GET", "POST"])
def demo_login():
    """Demo users per municipality and role (BASISBAAN_DEMO_LOGIN only; production refuses it)."""
    if not current_app.config.get("BASISBAAN_DEMO_LOGIN"):
        abort(404)
    form = ConfirmForm()
    tenants = db.session.scalars(select(Tenant).order_by(Tenant.name)).all()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        tenant = next((t for t in tenants if t.slug == request.form.get("tenant")), None)
        role = request.form.get("role")
        if tenant is None or role not in ROLES:
            abort(400)
        set_tenant(db.session, tenant.id)
        user = user_service.sign_in(db.session, issuer=DEMO_ISSUER, subject=f"demo-{role}", roles=[role],
                                    claims={"name": f"Demo {role}"})
        db.session.commit()
        _start_session(tenant, user)
        return redirect(url_for("web_tenant.dashboard", tenant=tenant.slug))
    return render_template("web/auth/demo_login.html", tenants=tenants, roles=ROLES, form=form)
