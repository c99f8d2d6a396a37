"""Neighbourhoods and organisations pages."""

from __future__ import annotations

import uuid

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from basisbaan.errors import DomainError
from basisbaan.extensions import db
from basisbaan.models import Neighbourhood
from basisbaan.services import reference
from basisbaan.web.context import page, tenant_pages
from basisbaan.web.forms import NeighbourhoodForm, OrganisationForm, apply_errors, options
from basisbaan.web.pagination import paginate

bp = tenant_pages("web_reference", __name__)

ORGANISATION_KINDS = ("employer", "host", "coaching")


@bp.get("/neighbourhoods")
@page("reference.read")
def neighbourhoods():
    search = (request.args.get("q") or "").strip()[:100] or None
    return render_template("web/neighbourhoods.html", page_of=paginate(reference.neighbourhoods_query(search)),
                           q=search or "")


@bp.route("/neighbourhoods/new", methods=["GET", "POST"])
@page("reference.write")
def new_neighbourhood():
    form = NeighbourhoodForm()
    if form.validate_on_submit():
        data = {"name": form.name.data.strip(), "kind": form.kind.data, "cbs_code": form.cbs_code.data or None,
                "area": form.area.data or None}
        try:
            reference.create_neighbourhood(db.session, data, g.principal.actor)
            db.session.commit()
            flash(_("The neighbourhood has been added."), "ok")
            return redirect(url_for("web_reference.neighbourhoods"))
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error.errors)
    return render_template("web/neighbourhood_form.html", form=form), 422 if form.errors else 200


@bp.get("/organisations")
@page("reference.read")
def organisations():
    search = (request.args.get("q") or "").strip()[:100] or None
    kind = request.args.get("kind") if request.args.get("kind") in ORGANISATION_KINDS else None
    stmt = reference.organisations_query(search, kind)
    return render_template("web/organisations.html", page_of=paginate(stmt), q=search or "", kind=kind or "",
                           kinds=ORGANISATION_KINDS)


@bp.route("/organisations/new", methods=["GET", "POST"])
@page("reference.write")
def new_organisation():
    form = OrganisationForm()
    hoods = db.session.scalars(select(Neighbourhood).order_by(Neighbourhood.name)).all()
    form.neighbourhood_id.choices = options([("", _("None"))] + [(str(n.id), n.name) for n in hoods])
    if form.validate_on_submit():
        data = {"name": form.name.data.strip(), "is_employer": form.is_employer.data, "is_host": form.is_host.data,
                "is_coaching": form.is_coaching.data, "description": form.description.data or None,
                "neighbourhood_id": uuid.UUID(form.neighbourhood_id.data) if form.neighbourhood_id.data else None}
        try:
            reference.create_organisation(db.session, data, g.principal.actor)
            db.session.commit()
            flash(_("The organisation has been added."), "ok")
            return redirect(url_for("web_reference.organisations"))
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error.errors)
    return render_template("web/organisation_form.html", form=form), 422 if form.errors else 200
