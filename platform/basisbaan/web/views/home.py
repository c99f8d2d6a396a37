"""The platform's front page, each municipality's start page, and its theme."""

from __future__ import annotations

import re

from flask import Blueprint, current_app, g, render_template, Response
from sqlalchemy import func, select

from basisbaan.extensions import db
from basisbaan.models import Neighbourhood, Organisation, Tenant, User
from basisbaan.web.assets import theme_css
from basisbaan.web.context import page, tenant_pages

bp = Blueprint("web_home", __name__)
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_COLOUR = "#154273"
tenant_bp = tenant_pages("web_tenant", __name__)


@bp.get("/")
def index():
    tenants = db.session.scalars(select(Tenant).order_by(Tenant.name)).all()
    return render_template("web/index.html", tenants=tenants,
                           demo_login=bool(current_app.config.get("BASISBAAN_DEMO_LOGIN")))


@tenant_bp.get("/")
@page("dashboard.view")
def dashboard():
    counts = {
        "neighbourhoods": db.session.scalar(select(func.count()).select_from(Neighbourhood)),
        "organisations": db.session.scalar(select(func.count()).select_from(Organisation)),
        "users": db.session.scalar(select(func.count()).select_from(User)),
    }
    return render_template("web/dashboard.html", counts=counts, info=g.hooks.municipality_info())


@tenant_bp.get("/theme.css")
@page(public=True)
def theme():
    colour = g.hooks.municipality_info().primary_colour
    if not HEX_COLOUR.match(colour or ""):
        colour = DEFAULT_COLOUR  # a plugin's value goes into CSS: only a plain hex colour is accepted
    response = Response(theme_css(colour), mimetype="text/css")
    response.cache_control.max_age = 300
    return response
