"""Settings: code defaults, then environment (DATABASE_URL, SECRET_KEY, BASISBAAN_*), then test config."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Mapping

INSECURE_SECRET_KEY = "dev-insecure-change-me"
MIN_SECRET_KEY_LENGTH = 32

SOURCE_ROOT = Path(__file__).resolve().parents[2]


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the app refuses to start."""


def defaults(instance_path: str) -> dict[str, Any]:
    return {
        "SECRET_KEY": INSECURE_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(instance_path) / 'basisbaan.sqlite3'}",
        # hide_parameters: SQL errors in logs never carry the values (personal data) of the statement.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        # development | production; production refuses insecure settings.
        "BASISBAAN_ENV": "development",
        "BASISBAAN_DEMO_LOGIN": False,
        # Connection used for migrations on PostgreSQL: the role that owns the tables.
        "BASISBAAN_DATABASE_OWNER_URL": None,
        "BASISBAAN_MIGRATIONS_DIR": str(SOURCE_ROOT / "migrations"),
        "BASISBAAN_TOKEN_MAX_DAYS": 366,
        # Comma-separated Fernet keys, newest first; derived from SECRET_KEY in development when unset.
        "BASISBAAN_ENCRYPTION_KEYS": None,
        # Redis for rate-limit counters shared between workers; memory when unset.
        "BASISBAAN_REDIS_URL": None,
        "BASISBAAN_NODE_MODULES": str(SOURCE_ROOT / "node_modules"),
        "BASISBAAN_DEFAULT_LOCALE": "nl",
        "BASISBAAN_IMPORT_MAX_BYTES": 10_000_000,
        "MAX_CONTENT_LENGTH": 12_000_000,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "basisbaan_session",
        "PERMANENT_SESSION_LIFETIME": 8 * 3600,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "API_TITLE": "Basisbaan platform API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_REDOC_PATH": "docs",
        "OPENAPI_REDOC_URL": "/static/vendor/redoc.standalone.js",
    }


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgres:// and postgresql:// URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _parse_env_value(raw: str) -> Any:
    # "1", "true", "36", '{"a": 1}' become Python values; anything else stays a string.
    lowered = raw.strip().lower()
    if lowered in {"true", "yes", "on"}:
        return True
    if lowered in {"false", "no", "off", ""}:
        return False
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if environ.get("DATABASE_URL"):
        values["SQLALCHEMY_DATABASE_URI"] = environ["DATABASE_URL"]
    if environ.get("SECRET_KEY"):
        values["SECRET_KEY"] = environ["SECRET_KEY"]
    for key, raw in environ.items():
        if key.startswith("BASISBAAN_") and not key.startswith("BASISBAAN_TEST_"):
            keep_text = key.endswith(("_URL", "_DIR", "_KEY", "_KEYS", "_MODULES", "_LOCALE"))
            values[key] = raw if keep_text else _parse_env_value(raw)
    return values


def load(config: dict[str, Any], instance_path: str, test_config: Mapping[str, Any] | None,
         environ: Mapping[str, str] = os.environ) -> None:
    """Fill `config` in layers and check it; raises ConfigError for unsafe production settings."""
    config.update(defaults(instance_path))
    config.update(from_environment(environ))
    if test_config:
        config.update(test_config)
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    if config.get("BASISBAAN_DATABASE_OWNER_URL"):
        config["BASISBAAN_DATABASE_OWNER_URL"] = normalise_database_url(config["BASISBAAN_DATABASE_OWNER_URL"])
    if config["BASISBAAN_ENV"] == "production":
        config["SESSION_COOKIE_SECURE"] = True
    check(config)


def check(config: Mapping[str, Any]) -> None:
    if config.get("BASISBAAN_ENV") not in {"development", "production"}:
        raise ConfigError("BASISBAAN_ENV must be 'development' or 'production'.")
    if config["BASISBAAN_ENV"] != "production":
        return
    key = config.get("SECRET_KEY") or ""
    if key == INSECURE_SECRET_KEY or len(key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            f"SECRET_KEY must be set to a random value of at least {MIN_SECRET_KEY_LENGTH} characters in production."
        )
    if config.get("BASISBAAN_DEMO_LOGIN"):
        raise ConfigError("BASISBAAN_DEMO_LOGIN must not be enabled in production.")
    if not config.get("BASISBAAN_ENCRYPTION_KEYS"):
        raise ConfigError("BASISBAAN_ENCRYPTION_KEYS must be set in production "
                          "(generate one with `basisbaan generate-key`).")
