"""Report snapshots: freeze a report as sent to the council, list them, open one (and learn whether the data
it was computed from has changed since)."""

from __future__ import annotations

import uuid

from flask import current_app, g
from flask.views import MethodView
from marshmallow import fields, validate

from basisbaan.api.context import require, tenant_blueprint, tenant_hooks
from basisbaan.api.pagination import SelectPage
from basisbaan.api.schemas import StrictSchema
from basisbaan.extensions import db
from basisbaan.services import snapshots as snapshot_service
from basisbaan.services.snapshots import LANGUAGES

bp = tenant_blueprint("report_snapshots", __name__, "/report-snapshots", "Reports frozen as sent to the council")


class SnapshotInputSchema(StrictSchema):
    format = fields.String(required=True, validate=validate.Length(1, 80))
    as_of = fields.Date(required=True)
    from_ = fields.Date(load_default=None, data_key="from")
    to = fields.Date(load_default=None, metadata={"description": "Exclusive"})
    lang = fields.String(load_default="nl", validate=validate.OneOf(LANGUAGES))


class SnapshotSchema(StrictSchema):
    id = fields.UUID()
    format_id = fields.String()
    title = fields.String()
    language = fields.String()
    as_of = fields.Date()
    period_from = fields.Date()
    period_to = fields.Date(metadata={"description": "Exclusive"})
    definition_version = fields.String()
    data_hash = fields.String(metadata={"description": "SHA-256 of the figures and tables the report used"})
    created_by = fields.String(allow_none=True)
    created_at = fields.DateTime()


class SnapshotDetailSchema(SnapshotSchema):
    figures = fields.Dict()
    html = fields.String(metadata={"description": "The report exactly as it was frozen"})
    data_changed = fields.Boolean(metadata={"description": "The records now give other data for this report"})


def _name() -> str:
    return g.tenant.name if getattr(g, "tenant", None) is not None else None


@bp.route("")
class Snapshots(MethodView):
    @require("snapshots.read")
    @bp.response(200, SnapshotSchema(many=True))
    @bp.paginate(SelectPage)
    def get(self):
        """Frozen reports, newest first"""
        return snapshot_service.list_query()

    @require("snapshots.write")
    @bp.arguments(SnapshotInputSchema)
    @bp.response(201, SnapshotSchema)
    def post(self, data):
        """Freeze a report: its HTML, figures, definitions' version and the hash of its data"""
        snapshot = snapshot_service.create(db.session, current_app.extensions["basisbaan.secrets"], tenant_hooks(),
                                           data["format"], data["as_of"], data["from_"], data["to"], data["lang"],
                                           g.principal.actor, municipality=_name())
        db.session.commit()
        return snapshot


@bp.route("/<uuid:snapshot_id>")
class SnapshotById(MethodView):
    @require("snapshots.read")
    @bp.response(200, SnapshotDetailSchema)
    def get(self, snapshot_id: uuid.UUID):
        """A frozen report exactly as sent, and whether its data has changed since"""
        snapshot = snapshot_service.get(db.session, snapshot_id)
        changed = snapshot_service.data_changed(db.session, current_app.extensions["basisbaan.secrets"],
                                                tenant_hooks(), snapshot, municipality=_name())
        return {**{k: getattr(snapshot, k) for k in ("id", "format_id", "title", "language", "as_of", "period_from",
                                                     "period_to", "definition_version", "data_hash", "created_by",
                                                     "created_at", "figures", "html")},
                "data_changed": changed}
