"""GET /healthz: 200 with the database state, 503 when the database cannot be reached."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from basisbaan.api.schemas import HealthSchema
from basisbaan.extensions import db

bp = Blueprint("health", __name__, url_prefix="", description="Liveness and database state")


@bp.route("/healthz")
@bp.doc(security=[])
@bp.response(200, HealthSchema)
@bp.alt_response(503, schema=HealthSchema, description="The database cannot be reached")
def healthz():
    """Health of the platform and its database"""
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
    except SQLAlchemyError as exc:
        db.session.rollback()
        current_app.logger.warning("health check: database unreachable (%s)", type(exc).__name__)
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
