"""Municipalities (tenants) and their dated settings versions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from basisbaan.models.base import Base, PublicId, TenantOwned, Timestamped, utcnow


class Tenant(PublicId, Timestamped, Base):
    """A municipality. Not tenant-owned itself: it is the registry the URL slug is resolved against."""

    __tablename__ = "tenants"

    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    cbs_code: Mapped[str] = mapped_column(String(6), unique=True)
    plugin: Mapped[str] = mapped_column(String(100))


class TenantSettingsVersion(PublicId, TenantOwned, Base):
    """The municipality's own values for the settings its plugin declares, in force from a date.

    `values` holds what the municipality chose; anything it did not choose falls back to the plugin's
    default when the settings are loaded for a date.
    """

    __tablename__ = "tenant_settings_versions"
    __table_args__ = (UniqueConstraint("tenant_id", "effective_from"),)

    effective_from: Mapped[date] = mapped_column(Date)
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)



__all__ = ["Tenant", "TenantSettingsVersion"]
