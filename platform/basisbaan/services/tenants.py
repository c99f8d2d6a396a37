"""Creating and listing municipalities (tenants)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from basisbaan.texts import N_
from basisbaan.errors import Conflict, InvalidInput, NotFound
from basisbaan.models import Tenant
from basisbaan.plugins import PluginRegistry, UnknownPluginError
from basisbaan.services import settings as settings_service
from basisbaan.services.audit import Actor, record
from basisbaan.tenancy import tenant_scope

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
CBS_CODE_RE = re.compile(r"^GM\d{4}$")


def create_tenant(session: Session, registry: PluginRegistry, *, slug: str, name: str, plugin: str,
                  cbs_code: str, actor: Actor, settings: Mapping[str, Any] | None = None,
                  settings_from: date | None = None) -> Tenant:
    """Create a municipality bound to an installed plugin, with its first settings version."""
    errors: dict[str, list[str]] = {}
    if not SLUG_RE.match(slug or ""):
        errors["slug"] = [N_("Use lowercase letters, digits and hyphens (at most 63).")]
    if not (name or "").strip():
        errors["name"] = [N_("Required.")]
    if not CBS_CODE_RE.match(cbs_code or ""):
        errors["cbs_code"] = [N_("A CBS municipality code looks like GM0014.")]
    try:
        hooks = registry.hooks(plugin)
    except UnknownPluginError as exc:
        errors["plugin"] = [str(exc)]
        hooks = None
    if errors:
        raise InvalidInput("The municipality cannot be created.", errors)
    if session.scalars(select(Tenant).where(Tenant.slug == slug)).first():
        raise Conflict("A municipality with this slug exists.", {"slug": [N_("Already in use.")]})
    if session.scalars(select(Tenant).where(Tenant.cbs_code == cbs_code)).first():
        raise Conflict("A municipality with this CBS code exists.", {"cbs_code": [N_("Already in use.")]})

    tenant = Tenant(slug=slug, name=name.strip(), plugin=plugin, cbs_code=cbs_code)
    session.add(tenant)
    session.flush()
    with tenant_scope(session, tenant.id):
        settings_service.add_version(session, tenant, hooks, settings or {}, settings_from or date.today(),
                                     actor, note="Initial settings")
        record(session, actor, "tenant.created", "tenant", tenant.id, plugin=plugin)
        session.flush()
    return tenant


def list_tenants(session: Session) -> list[Tenant]:
    return list(session.scalars(select(Tenant).order_by(Tenant.name)))


def get_by_slug(session: Session, slug: str) -> Tenant:
    tenant = session.scalars(select(Tenant).where(Tenant.slug == slug)).first()
    if tenant is None:
        raise NotFound("No such municipality.")
    return tenant
