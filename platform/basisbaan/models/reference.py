"""Reference data of a municipality: neighbourhoods and organisations."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKeyConstraint, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from basisbaan.models.base import Base, PublicId, TenantOwned, Timestamped

NEIGHBOURHOOD_KINDS = ("neighbourhood", "village", "district")


class Neighbourhood(PublicId, TenantOwned, Timestamped, Base):
    """A neighbourhood or village; `cbs_code` is the CBS wijk code (WK + municipality + 2 digits) where known."""

    __tablename__ = "neighbourhoods"
    __table_args__ = (
        UniqueConstraint("tenant_id", "name"),
        UniqueConstraint("tenant_id", "id"),
    )

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="neighbourhood")
    cbs_code: Mapped[str | None] = mapped_column(String(10))
    area: Mapped[str | None] = mapped_column(String(200))


class Organisation(PublicId, TenantOwned, Timestamped, Base):
    """An employer, host organisation (werkbiedende partij) or coaching organisation; one may be several."""

    __tablename__ = "organisations"
    __table_args__ = (
        UniqueConstraint("tenant_id", "name"),
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(
            ["tenant_id", "neighbourhood_id"], ["neighbourhoods.tenant_id", "neighbourhoods.id"],
            ondelete="RESTRICT",
        ),
    )

    name: Mapped[str] = mapped_column(String(200))
    is_employer: Mapped[bool] = mapped_column(default=False)
    is_host: Mapped[bool] = mapped_column(default=False)
    is_coaching: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str | None] = mapped_column(Text)
    neighbourhood_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
