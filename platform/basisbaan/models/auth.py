"""Users (signed in through their municipality's identity provider), their roles, and API tokens."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKeyConstraint, Index, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from basisbaan.models.base import Base, PublicId, TenantOwned, Timestamped

ROLES = ("admin", "coach", "jobcoach", "finance", "viewer")
_ROLE_CHECK = "role IN ('admin', 'coach', 'jobcoach', 'finance', 'viewer')"


class User(PublicId, TenantOwned, Timestamped, Base):
    """A person working for one municipality, identified by (issuer, subject) of its identity provider."""

    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("tenant_id", "issuer", "subject"),
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(["tenant_id", "organisation_id"], ["organisations.tenant_id", "organisations.id"],
                             ondelete="RESTRICT"),
    )

    issuer: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    is_active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # For job coaches of an external coaching organisation: they see only that organisation's participants.
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)

    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="UserRole.role"
    )

    @property
    def roles(self) -> list[str]:
        return [r.role for r in self.role_rows]


class UserRole(TenantOwned, Base):
    __tablename__ = "user_roles"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "user_id"], ["users.tenant_id", "users.id"], ondelete="CASCADE"),
        CheckConstraint(_ROLE_CHECK, name="role"),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class ApiToken(PublicId, TenantOwned, Timestamped, Base):
    """A bearer token for machines, bound to one tenant and one role, stored only as a hash."""

    __tablename__ = "api_tokens"
    __table_args__ = (
        Index(None, "tenant_id", "expires_at"),
        CheckConstraint(_ROLE_CHECK, name="role"),
        ForeignKeyConstraint(["tenant_id", "organisation_id"], ["organisations.tenant_id", "organisations.id"],
                             ondelete="RESTRICT"),
    )

    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    secret_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str | None] = mapped_column(String(200))
    # A job coach's token sees only the participants of this coaching organisation (none without one).
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
