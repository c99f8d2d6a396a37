"""Pagination for pages: two statements per page whatever its size (the items and the count)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request
from sqlalchemy import func

from basisbaan.extensions import db

PER_PAGE = 25


@dataclass(frozen=True)
class PageOf:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def paginate(stmt, per_page: int = PER_PAGE) -> PageOf:
    """The requested page of `stmt`; a page number past the end shows the last page (and a huge one
    never reaches the database as an OFFSET it cannot hold)."""
    try:
        requested = int(request.args.get("page", 1))
    except ValueError:
        requested = 1
    total = db.session.scalar(stmt.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)) or 0
    page = min(max(1, requested), max(1, -(-total // per_page)))
    items = db.session.scalars(stmt.offset((page - 1) * per_page).limit(per_page)).all()
    return PageOf(items, page, per_page, total)
