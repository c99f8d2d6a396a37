"""Users of a municipality: sign-in from identity claims, listing, and what admins may change."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any, Mapping

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from basisbaan.texts import N_
from basisbaan.errors import InvalidInput, NotFound
from basisbaan.models import Organisation, User, UserRole
from basisbaan.services.audit import Actor, record


class NoAccess(Exception):
    """The person signed in at the provider but has no platform role here (or was deactivated)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def sign_in(session: Session, *, issuer: str, subject: str, roles: list[str], claims: Mapping[str, Any],
            now: datetime | None = None) -> User:
    """Find or create the user (issuer, subject) and set the roles the provider grants now.

    Roles come from the identity provider on every sign-in, so access ends where the municipality
    manages it. No role: NoAccess, and no user is created.
    """
    user = session.scalars(select(User).where(User.issuer == issuer, User.subject == subject)).first()
    if not roles:
        record(session, Actor("system", None, "sign-in"), "signin.denied", "user", user.id if user else None,
               reason="no_role")
        raise NoAccess("no_role")
    if user is not None and not user.is_active:
        record(session, Actor("system", None, "sign-in"), "signin.denied", "user", user.id, reason="inactive")
        raise NoAccess("inactive")
    name = str(claims.get("name") or claims.get("preferred_username") or claims.get("email") or subject)[:200]
    created = user is None
    if created:
        user = User(issuer=issuer, subject=subject, display_name=name)
        session.add(user)
    user.display_name = name
    email = claims.get("email")
    user.email = str(email)[:320] if email else None
    user.last_login_at = now or datetime.now(timezone.utc)
    if sorted(user.roles) != sorted(roles):
        user.role_rows = [UserRole(role=role) for role in roles]
    session.flush()
    actor = Actor("user", str(user.id), name)
    record(session, actor, "signin", "user", user.id, created=created, roles=sorted(roles))
    return user


def get(session: Session, user_id: uuid.UUID) -> User:
    user = session.scalars(select(User).where(User.id == user_id)).first()
    if user is None:
        raise NotFound("No such user.")
    return user


def users_query(search: str | None = None, role: str | None = None):
    stmt = select(User).order_by(func.lower(User.display_name), User.id)
    if search:
        needle = search.lower()
        stmt = stmt.where(or_(func.lower(User.display_name).contains(needle, autoescape=True),
                              func.lower(User.email).contains(needle, autoescape=True)))
    if role:
        stmt = stmt.where(User.role_rows.any(UserRole.role == role))
    return stmt


def update(session: Session, user: User, *, is_active: bool, organisation_id: uuid.UUID | None,
           actor: Actor) -> User:
    """Admins may (de)activate a user and set a job coach's coaching organisation; roles come from SSO."""
    if organisation_id is not None:
        org = session.scalars(select(Organisation).where(Organisation.id == organisation_id)).first()
        if org is None:
            raise InvalidInput("Unknown organisation.", {"organisation_id": [N_("No such organisation.")]})
    if str(user.id) == actor.id and not is_active:
        raise InvalidInput("You cannot deactivate yourself.", {"is_active": [N_("You cannot deactivate yourself.")]})
    changed = [name for name, new in (("is_active", is_active), ("organisation_id", organisation_id))
               if getattr(user, name) != new]
    user.is_active = is_active
    user.organisation_id = organisation_id
    session.flush()
    if changed:
        record(session, actor, "user.updated", "user", user.id, fields=changed)
    return user
