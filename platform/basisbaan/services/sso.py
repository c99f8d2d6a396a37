"""A municipality's identity-provider settings: configure them, and map claims to platform roles."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from basisbaan.crypto import Secrets
from basisbaan.texts import N_
from basisbaan.errors import InvalidInput
from basisbaan.models import ROLES, SsoProvider, Tenant
from basisbaan.models.sso import DEFAULT_ROLE_CLAIM, DEFAULT_SCOPES
from basisbaan.services.audit import Actor, record

_CLAIM_RE = re.compile(r"^[A-Za-z0-9_.:/-]{1,100}$")


@dataclass(frozen=True)
class SsoSettings:
    issuer: str
    client_id: str
    client_secret: str | None  # None keeps the stored secret
    scopes: str = DEFAULT_SCOPES
    role_claim: str = DEFAULT_ROLE_CLAIM
    role_map: Mapping[str, list[str]] | None = None


def get(session: Session) -> SsoProvider | None:
    return session.scalars(select(SsoProvider)).first()


def _allow_http(issuer: str) -> bool:
    host = urlsplit(issuer).hostname or ""
    return host in {"127.0.0.1", "localhost", "::1"}


def validate(settings: SsoSettings, has_secret: bool, allow_http: bool = True) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    parts = urlsplit(settings.issuer or "")
    if not parts.netloc or parts.query or parts.fragment or not (
            parts.scheme == "https" or (parts.scheme == "http" and allow_http and _allow_http(settings.issuer))):
        errors["issuer"] = [N_("An https URL without query or fragment (http only for localhost).")]
    if not (settings.client_id or "").strip():
        errors["client_id"] = [N_("Required.")]
    if not settings.client_secret and not has_secret:
        errors["client_secret"] = [N_("Required.")]
    if "openid" not in (settings.scopes or "").split():
        errors["scopes"] = [N_("Must include openid.")]
    if not _CLAIM_RE.match(settings.role_claim or ""):
        errors["role_claim"] = [N_("A claim name: letters, digits and _ . : / -")]
    unknown = set(settings.role_map or {}) - set(ROLES)
    if unknown:
        errors["role_map"] = [f"Unknown role(s): {', '.join(sorted(unknown))}. Roles: {', '.join(ROLES)}."]
    elif not any(settings.role_map.values() if settings.role_map else []):
        errors["role_map"] = [N_("Map at least one role to a claim value.")]
    return errors


def configure(session: Session, tenant: Tenant, secrets: Secrets, settings: SsoSettings,
              actor: Actor, allow_http: bool = True) -> SsoProvider:
    """Create or replace the tenant's provider settings. The secret is encrypted and never returned.
    `allow_http`: plain http only for a provider on localhost, and never in production."""
    provider = get(session)
    errors = validate(settings, has_secret=provider is not None, allow_http=allow_http)
    if errors:
        raise InvalidInput("The sign-in settings are not valid.", errors)
    role_map = {role: sorted({v.strip() for v in values if v.strip()})
                for role, values in (settings.role_map or {}).items() if values}
    if provider is None:
        provider = SsoProvider(tenant_id=tenant.id, version=1,
                               client_secret_encrypted=secrets.encrypt(settings.client_secret))
        session.add(provider)
    else:
        provider.version += 1
        if settings.client_secret:
            provider.client_secret_encrypted = secrets.encrypt(settings.client_secret)
    provider.issuer = settings.issuer.strip()  # compared exactly with the provider's own issuer
    provider.client_id = settings.client_id.strip()
    provider.scopes = " ".join(settings.scopes.split())
    provider.role_claim = settings.role_claim
    provider.role_map = role_map
    provider.updated_by = actor.label
    session.flush()
    record(session, actor, "sso.configured", "sso_provider", provider.id, version=provider.version,
           secret_changed=bool(settings.client_secret))
    return provider


def roles_from_claims(provider: SsoProvider, claims: Mapping[str, Any]) -> list[str]:
    """Platform roles whose mapped claim values occur in the provider's role claim."""
    raw = claims.get(provider.role_claim)
    values: Iterable[str]
    if raw is None:
        values = ()
    elif isinstance(raw, str):
        values = raw.split() if " " in raw else (raw,)
    else:
        values = (str(v) for v in raw)
    present = set(values)
    return [role for role in ROLES if present & set((provider.role_map or {}).get(role, []))]


def parse_role_map(pairs: Iterable[str]) -> dict[str, list[str]]:
    """`coach=basisbaan-coach` pairs (CLI, form) to {role: [claim values]}; raises InvalidInput."""
    result: dict[str, list[str]] = {}
    for pair in pairs:
        role, sep, value = pair.partition("=")
        if not sep or not role.strip() or not value.strip():
            raise InvalidInput("Role mapping not understood.", {"role_map": [f"Expected role=value, got {pair!r}."]})
        result.setdefault(role.strip(), []).append(value.strip())
    return result
