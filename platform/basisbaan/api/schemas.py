"""Marshmallow schemas of the API's resources."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import RAISE, fields, validate

from basisbaan.models.reference import NEIGHBOURHOOD_KINDS


class StrictSchema(ma.Schema):
    class Meta:
        unknown = RAISE
        ordered = True


class NeighbourhoodSchema(StrictSchema):
    id = fields.UUID(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    kind = fields.String(load_default="neighbourhood", validate=validate.OneOf(NEIGHBOURHOOD_KINDS))
    cbs_code = fields.String(load_default=None, allow_none=True,
                             validate=validate.Regexp(r"^WK\d{6}$", error="A CBS wijk code looks like WK001401."),
                             metadata={"description": "CBS wijk code (WK + municipality code + 2 digits)"})
    area = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class NeighbourhoodQuerySchema(StrictSchema):
    q = fields.String(load_default=None, validate=validate.Length(max=100),
                      metadata={"description": "Search in the name"})


class OrganisationSchema(StrictSchema):
    id = fields.UUID(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    is_employer = fields.Boolean(load_default=False)
    is_host = fields.Boolean(load_default=False, metadata={"description": "Host organisation (werkbiedende partij)"})
    is_coaching = fields.Boolean(load_default=False, metadata={"description": "Coaching organisation"})
    description = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    neighbourhood_id = fields.UUID(load_default=None, allow_none=True)


class OrganisationQuerySchema(StrictSchema):
    q = fields.String(load_default=None, validate=validate.Length(max=100),
                      metadata={"description": "Search in the name"})
    kind = fields.String(load_default=None, validate=validate.OneOf(["employer", "host", "coaching"]))


class TenantQuerySchema(StrictSchema):
    on = fields.Date(load_default=None, metadata={"description": "Date for the settings in force (default today)"})


class TenantSchema(ma.Schema):
    class Meta:
        ordered = True

    id = fields.UUID()
    slug = fields.String()
    name = fields.String()
    cbs_code = fields.String()
    plugin = fields.String(metadata={"description": "The municipality plugin the tenant is bound to"})
    description = fields.String()
    settings_on = fields.Date(metadata={"description": "The date the settings below apply to"})
    settings_effective_from = fields.Date(allow_none=True,
                                          metadata={"description": "Start of the settings version in force"})
    settings = fields.Dict(metadata={"description": "Settings in force, plugin defaults filled in"})


class HealthSchema(ma.Schema):
    status = fields.String(metadata={"example": "ok"})
    database = fields.String(metadata={"example": "ok"})
