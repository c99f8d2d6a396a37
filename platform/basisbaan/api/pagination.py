"""Paginating SQLAlchemy selects with flask-smorest (X-Pagination header): two statements per page."""

from __future__ import annotations

from flask_smorest import Page
from sqlalchemy import func

from basisbaan.extensions import db


class SelectPage(Page):
    @property
    def items(self):
        stmt = self.collection.offset(self.page_params.first_item).limit(self.page_params.page_size)
        return db.session.scalars(stmt).all()

    @property
    def item_count(self):
        count = self.collection.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)
        return db.session.scalar(count)
