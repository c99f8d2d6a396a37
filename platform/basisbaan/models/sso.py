"""A municipality's own OpenID Connect provider: one per tenant, the client secret encrypted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from basisbaan.models.base import Base, PublicId, TenantOwned, Timestamped, utcnow

DEFAULT_SCOPES = "openid profile email"
DEFAULT_ROLE_CLAIM = "groups"


class SsoProvider(PublicId, TenantOwned, Timestamped, Base):
    __tablename__ = "sso_providers"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(255))
    # Fernet token (basisbaan.crypto); never shown again after it is saved.
    client_secret_encrypted: Mapped[str] = mapped_column(Text)
    scopes: Mapped[str] = mapped_column(String(500), default=DEFAULT_SCOPES)
    role_claim: Mapped[str] = mapped_column(String(100), default=DEFAULT_ROLE_CLAIM)
    # platform role -> list of claim values that grant it
    role_map: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Raised on every change: the OIDC client registered for this provider is keyed on it.
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(200))
