"""GET /api/v1/t/<tenant>: the municipality and its settings in force on a date."""

from __future__ import annotations

from datetime import date

from flask import g
from flask.views import MethodView

from basisbaan.api.context import require, tenant_blueprint, tenant_hooks
from basisbaan.api.schemas import TenantQuerySchema, TenantSchema
from basisbaan.extensions import db
from basisbaan.services import settings as settings_service

bp = tenant_blueprint("tenant", __name__, "", "The municipality (tenant) and its settings")


@bp.route("")
class TenantResource(MethodView):
    @require("tenant.read")
    @bp.arguments(TenantQuerySchema, location="query")
    @bp.response(200, TenantSchema)
    def get(self, args):
        """The municipality, with the settings in force on `on`"""
        on = args["on"] or date.today()
        hooks = tenant_hooks()
        version = settings_service.version_on(db.session, on)
        tenant = g.tenant
        return {
            "id": tenant.id, "slug": tenant.slug, "name": tenant.name, "cbs_code": tenant.cbs_code,
            "plugin": tenant.plugin, "description": hooks.municipality_info().description_en,
            "settings_on": on, "settings_effective_from": version.effective_from if version else None,
            "settings": settings_service.load(hooks, version.values if version else {}),
        }
