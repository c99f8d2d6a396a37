"""Tenant settings: validated by the plugin's schema, versioned by effective date."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Mapping

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from basisbaan.texts import N_
from basisbaan.errors import Conflict, InvalidInput
from basisbaan.models import Tenant, TenantSettingsVersion
from basisbaan.plugins import TenantHooks
from basisbaan.services.audit import Actor, record


def _flatten(messages: Any) -> dict[str, list[str]]:
    if isinstance(messages, dict):
        return {str(k): v if isinstance(v, list) else [str(v)] for k, v in messages.items()}
    return {"_schema": list(messages)}


def validate(hooks: TenantHooks, values: Mapping[str, Any]) -> dict[str, Any]:
    """Check `values` against the plugin's schema; returns them in JSON form (only the keys given)."""
    schema = hooks.settings_schema()()
    try:
        loaded = schema.load(dict(values))
    except ValidationError as exc:
        raise InvalidInput("The settings do not match the municipality's schema.", _flatten(exc.messages))
    dumped = schema.dump(loaded)
    return {key: dumped[key] for key in values}


def load(hooks: TenantHooks, values: Mapping[str, Any]) -> dict[str, Any]:
    """Stored values plus the plugin's defaults for everything not chosen."""
    return hooks.settings_schema()().load(dict(values))


def version_on(session: Session, on: date) -> TenantSettingsVersion | None:
    """The version in force on `on` for the session's tenant (None before the first version)."""
    stmt = (select(TenantSettingsVersion).where(TenantSettingsVersion.effective_from <= on)
            .order_by(TenantSettingsVersion.effective_from.desc()).limit(1))
    return session.scalars(stmt).first()


def settings_on(session: Session, hooks: TenantHooks, on: date) -> dict[str, Any]:
    version = version_on(session, on)
    return load(hooks, version.values if version else {})


def add_version(session: Session, tenant: Tenant, hooks: TenantHooks, values: Mapping[str, Any],
                effective_from: date, actor: Actor, note: str | None = None) -> TenantSettingsVersion:
    """Record settings in force from `effective_from`: the version before it, changed by `values`.

    Earlier versions stay; computations for earlier dates keep using them. Keys the municipality never
    chose keep following the plugin's defaults.
    """
    previous = version_on(session, effective_from - timedelta(days=1))
    stored = validate(hooks, {**(previous.values if previous else {}), **values})
    exists = session.scalars(
        select(TenantSettingsVersion.id).where(TenantSettingsVersion.effective_from == effective_from)
    ).first()
    if exists:
        raise Conflict("A settings version with this effective date exists.",
                       {"effective_from": [N_("A version with this date exists already.")]})
    version = TenantSettingsVersion(tenant_id=tenant.id, effective_from=effective_from, values=stored,
                                    note=note, created_by=actor.label)
    session.add(version)
    session.flush()
    record(session, actor, "settings.version_added", "tenant_settings_version", version.id,
           effective_from=effective_from.isoformat(), changed=sorted(values))
    return version
