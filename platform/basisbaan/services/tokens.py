"""Creating, revoking and checking API tokens."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from basisbaan.auth import tokens as token_format
from basisbaan.texts import N_
from basisbaan.errors import InvalidInput, NotFound
from basisbaan.models import ROLES, ApiToken, Organisation, Tenant
from basisbaan.services.audit import Actor, record


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    plaintext: str  # shown once, never stored


def create(session: Session, tenant: Tenant, *, role: str, name: str, days: int, max_days: int,
           actor: Actor, now: datetime | None = None, organisation: str | None = None) -> IssuedToken:
    """`organisation` (name or id of a coaching organisation) binds a job coach's token to the participants
    of that organisation; without it a job coach's token sees no participants."""
    errors = {}
    organisation_id = None
    if organisation:
        try:
            match = Organisation.id == uuid.UUID(organisation)
        except ValueError:
            match = Organisation.name == organisation
        found = session.scalars(select(Organisation).where(Organisation.is_coaching, match)).first()
        if found is None:
            errors["organisation"] = [N_("No such coaching organisation.")]
        else:
            organisation_id = found.id
    if role not in ROLES:
        errors["role"] = [f"Must be one of: {', '.join(ROLES)}."]
    if not 1 <= days <= max_days:
        errors["days"] = [f"Must be between 1 and {max_days}."]
    if not (name or "").strip():
        errors["name"] = [N_("Required.")]
    if errors:
        raise InvalidInput("The token cannot be created.", errors)
    now = now or datetime.now(timezone.utc)
    secret = token_format.new_secret()
    token = ApiToken(tenant_id=tenant.id, name=name.strip(), role=role,
                     secret_hash=token_format.hash_secret(secret), expires_at=now + timedelta(days=days),
                     created_by=actor.label, organisation_id=organisation_id)
    session.add(token)
    session.flush()
    record(session, actor, "token.created", "api_token", token.id, role=role, days=days)
    return IssuedToken(token, token_format.format_token(tenant.slug, token.id, secret))


def revoke(session: Session, token_id, actor: Actor, now: datetime | None = None) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("No such token.")
    if token.revoked_at is None:
        token.revoked_at = now or datetime.now(timezone.utc)
        record(session, actor, "token.revoked", "api_token", token.id)
    return token


def authenticate(session: Session, parsed: token_format.ParsedToken,
                 now: datetime | None = None) -> ApiToken | None:
    """The live token for the session's tenant matching `parsed`, or None (unknown, wrong secret,
    expired or revoked: the caller does not learn which)."""
    now = now or datetime.now(timezone.utc)
    token = session.scalars(select(ApiToken).where(ApiToken.id == parsed.token_id)).first()
    if token is None or not token_format.secret_matches(parsed.secret, token.secret_hash):
        return None
    if token.revoked_at is not None or _aware(token.expires_at) <= now:
        return None
    return token


def _aware(moment: datetime) -> datetime:
    # SQLite returns naive datetimes; everything is stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
