"""Server-rendered pages: NL Design System components, Dutch first, usable without JavaScript."""

from __future__ import annotations

from authlib.integrations.flask_client import OAuth
from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from basisbaan.crypto import Secrets
from basisbaan.web import assets, helpers, i18n, security

csrf = CSRFProtect()

# Endpoints that start or finish a sign-in or create credentials: limited per client address.
RATE_LIMITS = {
    "web_auth.login": "20 per minute",
    "web_auth.callback": "20 per minute",
    "web_platform_auth.demo_login": "30 per minute",
    "web_admin.tokens": "30 per minute",
}


def init_web(app: Flask) -> None:
    from basisbaan.web.views import (admin, auth, candidates, cao_transition, finance, funding, home, participants,
                                     reference, support, tasks, work)

    app.extensions["basisbaan.secrets"] = Secrets.from_config(app.config)
    i18n.init_app(app)
    helpers.init_app(app)
    csrf.init_app(app)
    app.extensions["basisbaan.oauth"] = OAuth(app)
    security.init_app(app)
    assets.init_app(app)
    for bp in (home.bp, home.tenant_bp, auth.bp, auth.platform_bp, admin.bp, reference.bp, candidates.bp,
               participants.bp, cao_transition.bp, tasks.bp, work.bp, support.bp, finance.bp, funding.bp):
        app.register_blueprint(bp)
    _rate_limits(app)


def _rate_limits(app: Flask) -> None:
    limiter = Limiter(get_remote_address, app=app, storage_uri=app.config.get("BASISBAAN_REDIS_URL") or "memory://",
                      default_limits=[], headers_enabled=True)
    for endpoint, rate in RATE_LIMITS.items():
        view = app.view_functions[endpoint]
        app.view_functions[endpoint] = limiter.limit(rate, methods=["GET", "POST"])(view)
    app.extensions["basisbaan.limiter"] = limiter
