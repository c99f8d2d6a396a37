"""Neighbourhoods and organisations of a municipality."""

from __future__ import annotations

import uuid

from flask import g
from flask.views import MethodView

from basisbaan.api.context import require, tenant_blueprint
from basisbaan.api.pagination import SelectPage
from basisbaan.api.schemas import (NeighbourhoodQuerySchema, NeighbourhoodSchema, OrganisationQuerySchema,
                                   OrganisationSchema)
from basisbaan.extensions import db
from basisbaan.services import reference

neighbourhoods = tenant_blueprint("neighbourhoods", __name__, "/neighbourhoods",
                                  "Neighbourhoods and villages of the municipality")
organisations = tenant_blueprint("organisations", __name__, "/organisations",
                                 "Employers, host organisations and coaching organisations")


@neighbourhoods.route("")
class Neighbourhoods(MethodView):
    @require("reference.read")
    @neighbourhoods.arguments(NeighbourhoodQuerySchema, location="query")
    @neighbourhoods.response(200, NeighbourhoodSchema(many=True))
    @neighbourhoods.paginate(SelectPage)
    def get(self, args):
        """List neighbourhoods (paginated; search with `q`)"""
        return reference.neighbourhoods_query(args["q"])

    @require("reference.write")
    @neighbourhoods.arguments(NeighbourhoodSchema)
    @neighbourhoods.response(201, NeighbourhoodSchema)
    def post(self, data):
        """Add a neighbourhood"""
        created = reference.create_neighbourhood(db.session, data, g.principal.actor)
        db.session.commit()
        return created


@neighbourhoods.route("/<uuid:neighbourhood_id>")
class NeighbourhoodById(MethodView):
    @require("reference.read")
    @neighbourhoods.response(200, NeighbourhoodSchema)
    def get(self, neighbourhood_id: uuid.UUID):
        """One neighbourhood"""
        return reference.get_neighbourhood(db.session, neighbourhood_id)


@organisations.route("")
class Organisations(MethodView):
    @require("reference.read")
    @organisations.arguments(OrganisationQuerySchema, location="query")
    @organisations.response(200, OrganisationSchema(many=True))
    @organisations.paginate(SelectPage)
    def get(self, args):
        """List organisations (paginated; search with `q`, filter with `kind`)"""
        return reference.organisations_query(args["q"], args["kind"])

    @require("reference.write")
    @organisations.arguments(OrganisationSchema)
    @organisations.response(201, OrganisationSchema)
    def post(self, data):
        """Add an organisation"""
        created = reference.create_organisation(db.session, data, g.principal.actor)
        db.session.commit()
        return created


@organisations.route("/<uuid:organisation_id>")
class OrganisationById(MethodView):
    @require("reference.read")
    @organisations.response(200, OrganisationSchema)
    def get(self, organisation_id: uuid.UUID):
        """One organisation"""
        return reference.get_organisation(db.session, organisation_id)
