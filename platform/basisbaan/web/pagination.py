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
    try:
        page = max(1, int(request.args.get("page", 1)))
    except ValueError:
        page = 1
    total = db.session.scalar(stmt.with_only_columns(func.count(), maintain_column_froms=True).order_by(None))
    items = db.session.scalars(stmt.offset((page - 1) * per_page).limit(per_page)).all()
    return PageOf(items, page, per_page, total or 0)
