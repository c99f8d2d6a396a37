"""Reports for the council: the municipality's formats, rendered as HTML, PDF or XLSX from the records
(basisbaan.reports.engine; figures by the definitions of basisbaan.services.kpis)."""

from __future__ import annotations

from flask import Response, current_app, g
from flask.views import MethodView
from marshmallow import fields, validate

from basisbaan.api.context import require, tenant_blueprint, tenant_hooks
from basisbaan.api.errors import ErrorSchema
from basisbaan.api.schemas import StrictSchema
from basisbaan.extensions import db
from basisbaan.reports import engine as report_engine
from basisbaan.reports.formats import OUTPUTS
from basisbaan.reports.outputs import CSP, HTML_MIMETYPE, LANGUAGES, PDF_MIMETYPE, XLSX_MIMETYPE

bp = tenant_blueprint("reports", __name__, "/reports", "Reports for the council in the municipality's formats")


class ReportFormatSchema(StrictSchema):
    id = fields.String(metadata={"description": "Use in /reports/{format_id}"})
    title_nl = fields.String()
    title_en = fields.String()
    description_nl = fields.String()
    description_en = fields.String()
    outputs = fields.List(fields.String(validate=validate.OneOf(OUTPUTS)),
                          metadata={"description": "What the format can be rendered as (html, pdf, xlsx)"})


class ReportQuerySchema(StrictSchema):
    as_of = fields.Date(required=True, metadata={"description": "Reference date: stocks are counted on this day"})
    from_ = fields.Date(load_default=None, data_key="from",
                        metadata={"description": "Start of the period for flows (default: the programme's start)"})
    to = fields.Date(load_default=None, metadata={"description": "End of the period, exclusive (default: as_of + 1)"})
    output = fields.String(load_default=None, validate=validate.OneOf(OUTPUTS), metadata={
        "description": "html (a standalone document), pdf (A4) or xlsx (one sheet per table); default: the "
                       "format's first output"})
    lang = fields.String(load_default=None, validate=validate.OneOf(LANGUAGES),
                         metadata={"description": "Language of the report: nl (default) or en"})


RENDERED = {
    "description": "The report: HTML (inline), PDF or XLSX (attachments). Unknown format: 404 naming `format`; "
                   "an output the format does not offer or a bad date: 422 naming the parameter.",
    "content": {HTML_MIMETYPE: {"schema": {"type": "string"}},
                PDF_MIMETYPE: {"schema": {"type": "string", "format": "binary"}},
                XLSX_MIMETYPE: {"schema": {"type": "string", "format": "binary"}}},
}


@bp.route("")
class Reports(MethodView):
    @require("kpis.view")
    @bp.response(200, ReportFormatSchema(many=True))
    def get(self):
        """The report formats the municipality offers (its own and the core's)"""
        return [{"id": f.id, "title_nl": f.title_nl, "title_en": f.title_en,
                 "description_nl": f.description_nl or f.description_en, "description_en": f.description_en,
                 "outputs": list(f.outputs)} for f in report_engine.formats(tenant_hooks())]


@bp.route("/<string:format_id>")
class ReportByFormat(MethodView):
    @require("kpis.view")
    @bp.arguments(ReportQuerySchema, location="query")
    @bp.doc(responses={"200": RENDERED})
    @bp.alt_response(404, schema=ErrorSchema,
                     description="No such report format for this municipality (errors.format)")
    @bp.alt_response(422, schema=ErrorSchema, description="A bad date (errors.as_of / errors.from / errors.to) or "
                                                          "an output the format does not offer (errors.output)")
    def get(self, args, format_id: str):
        """Render a report: key figures, tables and charts for a reference date and period"""
        hooks = tenant_hooks()
        output = args["output"] or report_engine.get_format(hooks, format_id).outputs[0]
        rendered = report_engine.produce(
            db.session, current_app.extensions["basisbaan.secrets"], hooks, format_id, output, args["as_of"],
            args["from_"], args["to"], args["lang"] or current_app.config["BASISBAAN_DEFAULT_LOCALE"],
            slug=g.tenant.slug, municipality=g.tenant.name)
        headers = {"Cache-Control": "no-store"}
        if output == "html":
            # A standalone document: its own policy allows exactly its <style> element and inline images.
            headers["Content-Security-Policy"] = CSP
            return Response(rendered.content, mimetype=rendered.mimetype, headers=headers)
        headers["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
        return Response(rendered.content, mimetype=rendered.mimetype, headers=headers)
