"""The app factory: no side effects at import; everything is built here."""

from __future__ import annotations

import logging
import os
from typing import Any, Mapping

from flask import Flask
from sqlalchemy import event

from basisbaan import config as config_module
from basisbaan.extensions import db, migrate
from basisbaan.plugins import PluginRegistry


def create_app(test_config: Mapping[str, Any] | None = None,
               plugin_registry: PluginRegistry | None = None) -> Flask:
    """Build the platform. `gunicorn 'basisbaan:create_app()'` serves it.

    Settings: code defaults < environment (DATABASE_URL, SECRET_KEY, BASISBAAN_*) < `test_config`.
    `plugin_registry` lets tests register extra municipality plugins; by default the installed ones load.
    """
    app = Flask("basisbaan", instance_relative_config=True,
                instance_path=os.environ.get("BASISBAAN_INSTANCE_PATH") or None)
    config_module.load(app.config, app.instance_path, test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.logger.handlers or app.config["BASISBAAN_ENV"] == "production":
        logging.basicConfig(level=logging.INFO)

    app.json.sort_keys = False
    app.log_exception = _log_exception_without_details.__get__(app)
    app.extensions["basisbaan.plugins"] = plugin_registry or PluginRegistry()

    db.init_app(app)
    with app.app_context():
        _sqlite_foreign_keys(db.engine)
    migrate.init_app(app, db, directory=app.config["BASISBAAN_MIGRATIONS_DIR"])

    from basisbaan.api.registration import init_api
    from basisbaan.web import init_web

    init_web(app)
    init_api(app)
    return app


def _sqlite_foreign_keys(engine) -> None:
    """SQLite enforces foreign keys only when asked, per connection."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def _log_exception_without_details(app: Flask, exc_info) -> None:
    """Unhandled errors are logged by type and route only: messages and tracebacks of database errors can
    carry personal data."""
    from flask import request

    error = exc_info[1] if isinstance(exc_info, tuple) else exc_info
    rule = request.url_rule.rule if request and request.url_rule else "?"
    app.logger.error("unhandled %s in %s %s", type(error).__name__, request.method if request else "?", rule)
