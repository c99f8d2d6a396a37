"""A person known to a municipality; candidates and participants (later issues) refer to one person."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, ForeignKeyConstraint, Index, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from basisbaan.models.base import Base, PublicId, TenantOwned, Timestamped

GENDERS = ("female", "male", "other", "unknown")
HOUSEHOLD_TYPES = ("single", "single_parent", "couple", "couple_with_children", "other")


class Person(PublicId, TenantOwned, Timestamped, Base):
    __tablename__ = "persons"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        # One person per BSN within a municipality; the keyed hash makes look-up possible without the BSN.
        UniqueConstraint("tenant_id", "bsn_hash"),
        Index(None, "tenant_id", "family_name"),
        ForeignKeyConstraint(
            ["tenant_id", "neighbourhood_id"], ["neighbourhoods.tenant_id", "neighbourhoods.id"],
            ondelete="RESTRICT",
        ),
    )

    given_names: Mapped[str] = mapped_column(String(200))
    family_name: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str] = mapped_column(String(20), default="unknown")
    household_type: Mapped[str | None] = mapped_column(String(30))
    neighbourhood_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(40))
    # BSN: encrypted (shown masked, revealed to coaches with an audit event) and a keyed hash for look-up,
    # so a database dump reveals neither.
    bsn_encrypted: Mapped[str | None] = mapped_column(Text)
    bsn_hash: Mapped[str | None] = mapped_column(String(64))
    bsn_last3: Mapped[str | None] = mapped_column(String(3))

    neighbourhood = relationship(
        "Neighbourhood", lazy="joined", viewonly=True,
        primaryjoin="and_(Person.neighbourhood_id == Neighbourhood.id, Person.tenant_id == Neighbourhood.tenant_id)",
        foreign_keys="[Person.neighbourhood_id, Person.tenant_id]")
