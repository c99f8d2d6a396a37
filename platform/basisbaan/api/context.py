"""The edge of the API: tenant from the URL, bearer token, permission per view.

Order of checks, so that nothing hints at another tenant's existence or data:
no or malformed token -> 401; token of another tenant (or an unknown tenant) -> 404;
unknown, expired or revoked token -> 401; role without the view's permission -> 403 (before the body is read).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from flask import current_app, g, request, session
from flask_smorest import Blueprint, abort
from flask_wtf.csrf import validate_csrf
from wtforms.validators import ValidationError
from sqlalchemy import select

from basisbaan.auth import tokens as token_format
from basisbaan.auth.permissions import allowed
from basisbaan.extensions import db
from basisbaan.models import Tenant
from basisbaan.services import tokens as token_service
from basisbaan.services.audit import Actor
from basisbaan.services.visibility import Viewer
from basisbaan.tenancy import set_tenant
from basisbaan.url_tenant import add_tenant, pop_tenant

TENANT_PREFIX = "/api/v1/t/<tenant>"
SESSION_USER = "user_id"


@dataclass(frozen=True)
class Principal:
    kind: str  # token | user
    id: str
    label: str
    roles: frozenset[str]
    organisation_id: uuid.UUID | None = None  # a job coach's coaching organisation

    @property
    def actor(self) -> Actor:
        return Actor(self.kind, self.id, self.label)

    @property
    def viewer(self) -> Viewer:
        return Viewer(self.roles, self.organisation_id, uuid.UUID(self.id) if self.kind == "user" else None)


def registry():
    return current_app.extensions["basisbaan.plugins"]


def tenant_hooks():
    return registry().for_tenant(g.tenant)



def _unauthorised():
    abort(401, message="A valid bearer token is required.",
          headers={"WWW-Authenticate": 'Bearer realm="basisbaan"'})


def _authenticate():
    """Bearer token for machines; the signed-in browser session for the platform's own pages."""
    header = request.headers.get("Authorization", "")
    if not header and session.get(SESSION_USER):
        return _authenticate_session()
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        _unauthorised()
    parsed = token_format.parse(raw.strip())
    if parsed is None:
        _unauthorised()
    if parsed.tenant_slug != g.tenant_slug:
        abort(404, message="Not found.")
    tenant = _tenant_or_404()
    token = token_service.authenticate(db.session, parsed)
    if token is None:
        _unauthorised()
    g.principal = Principal("token", str(token.id), f"token:{token.name}", frozenset({token.role}),
                            token.organisation_id)
    _authorise()
    now = datetime.now(timezone.utc)
    # Record use at most once a minute per token, so reads stay reads.
    last = token.last_used_at
    if last is None or (now - (last if last.tzinfo else last.replace(tzinfo=timezone.utc))).total_seconds() > 60:
        token.last_used_at = now
        db.session.commit()


def _tenant_or_404() -> Tenant:
    tenant = db.session.scalars(select(Tenant).where(Tenant.slug == g.tenant_slug)).first()
    if tenant is None:
        abort(404, message="Not found.")
    g.tenant = tenant
    set_tenant(db.session, tenant.id)
    return tenant


def _authenticate_session():
    from basisbaan.web.context import session_tenant_mismatch, signed_in_user

    tenant = _tenant_or_404()
    if session_tenant_mismatch(tenant.id):
        abort(404, message="Not found.")
    user = signed_in_user(tenant)
    if user is None:
        _unauthorised()
    if request.method not in {"GET", "HEAD", "OPTIONS"}:
        try:
            validate_csrf(request.headers.get("X-CSRFToken"))
        except ValidationError:
            abort(400, message="A CSRF token (X-CSRFToken header) is required with a browser session.")
    g.principal = Principal("user", str(user.id), user.display_name, frozenset(user.roles), user.organisation_id)
    _authorise()


def tenant_blueprint(name: str, import_name: str, path: str, description: str) -> Blueprint:
    """A flask-smorest blueprint under /api/v1/t/<tenant>/<path> with the tenant and token checks."""
    bp = Blueprint(name, import_name, url_prefix=f"{TENANT_PREFIX}{path}", description=description)
    bp.url_value_preprocessor(pop_tenant)
    bp.url_defaults(add_tenant)
    bp.before_request(_authenticate)
    return bp


def require(permission: str):
    """Declare the permission a view needs (basisbaan.auth.permissions); checked in `_authenticate`.

    The check runs before the request body or query is parsed, so a role without the permission gets
    403 whatever it sends. A tenant-scoped view that declares no permission is refused (fail closed).
    """

    def decorator(view):
        view.permission = permission
        return view

    return decorator


def declared_permission(endpoint: str, method: str) -> str | None:
    """The permission declared by the view serving `endpoint` for `method`, if any."""
    view = current_app.view_functions.get(endpoint)
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        view = getattr(view_class, "get" if method == "HEAD" else method.lower(), None)
    return getattr(view, "permission", None)


def _authorise() -> None:
    permission = declared_permission(request.endpoint, request.method)
    if permission is None:
        abort(403, message="This endpoint declares no permission.")
    if not allowed(g.principal.roles, permission):
        abort(403, message="Your role may not do this.")


GROUP_FILTERS = ("participant_id", "neighbourhood_id", "coach_id", "coaching_organisation_id", "employer_id")


def aggregate_scope(args, what: str):
    """For figures over participants (absence rate, coaching hours): (viewer or None, whether the caller
    sees participants). Roles that do not see participants get the programme as a whole only: two groups
    that differ by one person would give away that person's figures by subtraction, so any group filter
    is refused (403)."""
    sees = allowed(g.principal.roles, "participants.read")
    if not sees and any(args.get(name) for name in GROUP_FILTERS):
        abort(403, message=f"Your role may see the programme's {what} only, not a group's.")
    return (g.principal.viewer if sees else None), sees
