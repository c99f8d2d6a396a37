"""The edge of the pages: tenant from the URL, the signed-in user, and the permission of each page.

- unknown municipality -> 404;
- signed in for another municipality -> 404 (on pages and API alike), never a hint;
- not signed in on a protected page -> redirect to the municipality's sign-in;
- signed in without the page's permission -> 403 page; a page that declares no permission -> 403.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, current_app, g, redirect, request, session, url_for
from sqlalchemy import select

from basisbaan.auth.permissions import allowed
from basisbaan.errors import DomainError
from basisbaan.extensions import db
from basisbaan.models import Tenant, User
from basisbaan.tenancy import set_tenant
from basisbaan.url_tenant import add_tenant, pop_tenant
from basisbaan.web.errors import render_domain_error

SESSION_TENANT = "tenant_id"
SESSION_USER = "user_id"


def page(permission: str | None = None, *, public: bool = False):
    """Declare what a page needs: a permission (basisbaan.auth.permissions), or public=True."""

    def decorator(view):
        view.permission = permission
        view.public = public
        return view

    return decorator


def signed_in_user(tenant: Tenant) -> User | None:
    """The active user of this session for `tenant` (the session's tenant must be set on the db session)."""
    if session.get(SESSION_TENANT) != str(tenant.id) or not session.get(SESSION_USER):
        return None
    try:
        user_id = uuid.UUID(session[SESSION_USER])
    except (ValueError, TypeError):
        return None
    user = db.session.scalars(select(User).where(User.id == user_id)).first()
    if user is None or not user.is_active or not user.roles:
        return None
    return user


def session_tenant_mismatch(tenant_id: uuid.UUID) -> bool:
    """True when this browser is signed in for another municipality."""
    return bool(session.get(SESSION_TENANT)) and session.get(SESSION_TENANT) != str(tenant_id)



def _load_tenant():
    from basisbaan.api.context import Principal

    tenant = db.session.scalars(select(Tenant).where(Tenant.slug == g.tenant_slug)).first()
    if tenant is None or session_tenant_mismatch(tenant.id):
        abort(404)
    g.tenant = tenant
    set_tenant(db.session, tenant.id)
    g.hooks = current_app.extensions["basisbaan.plugins"].for_tenant(tenant)
    view = current_app.view_functions.get(request.endpoint)
    user = signed_in_user(tenant)
    if user is not None:
        g.user = user
        g.principal = Principal("user", str(user.id), user.display_name, frozenset(user.roles),
                                user.organisation_id)
    if getattr(view, "public", False):
        return None
    if user is None:
        if session.get(SESSION_USER):
            session.clear()  # deactivated or lost all roles since signing in
        return redirect(url_for("web_auth.login", next=request.full_path if request.query_string else request.path))
    permission = getattr(view, "permission", None)
    if permission is None or not allowed(g.principal.roles, permission):
        abort(403)
    return None


def tenant_pages(name: str, import_name: str) -> Blueprint:
    """A blueprint for pages under /t/<tenant>/ with the checks above."""
    bp = Blueprint(name, import_name, url_prefix="/t/<tenant>")
    bp.url_value_preprocessor(pop_tenant)
    bp.url_defaults(add_tenant)
    bp.before_request(_load_tenant)
    bp.register_error_handler(DomainError, render_domain_error)
    return bp


def can(permission: str) -> bool:
    """For templates: may the signed-in principal do this?"""
    principal = g.get("principal")
    return principal is not None and allowed(principal.roles, permission)
