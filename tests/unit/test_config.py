"""Layered configuration and the production safety checks (no database)."""

import pytest

from basisbaan import config
from basisbaan.config import ConfigError
from basisbaan.crypto import generate_key

GOOD_KEY = "k" * 40


def load(environ=None, test_config=None):
    values = {}
    config.load(values, "/srv/instance", test_config, environ=environ or {})
    return values


def test_defaults_use_sqlite_in_the_instance_folder():
    values = load()
    assert values["SQLALCHEMY_DATABASE_URI"] == "sqlite:////srv/instance/basisbaan.sqlite3"
    assert values["BASISBAAN_ENV"] == "development"
    assert values["BASISBAAN_DEMO_LOGIN"] is False


def test_environment_overrides_defaults_and_test_config_overrides_environment():
    environ = {"DATABASE_URL": "postgresql://app@db/basisbaan", "SECRET_KEY": GOOD_KEY,
               "BASISBAAN_TOKEN_MAX_DAYS": "30", "BASISBAAN_DEMO_LOGIN": "1"}
    values = load(environ)
    assert values["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://app@db/basisbaan"
    assert values["SECRET_KEY"] == GOOD_KEY
    assert values["BASISBAAN_TOKEN_MAX_DAYS"] == 30
    assert values["BASISBAAN_DEMO_LOGIN"] == 1
    values = load(environ, {"BASISBAAN_TOKEN_MAX_DAYS": 7, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert values["BASISBAAN_TOKEN_MAX_DAYS"] == 7
    assert values["SQLALCHEMY_DATABASE_URI"] == "sqlite://"


def test_urls_and_keys_from_the_environment_stay_strings():
    values = load({"BASISBAAN_DATABASE_OWNER_URL": "postgres://owner@db/b", "BASISBAAN_MIGRATIONS_DIR": "123"})
    assert values["BASISBAAN_DATABASE_OWNER_URL"] == "postgresql+psycopg://owner@db/b"
    assert values["BASISBAAN_MIGRATIONS_DIR"] == "123"


@pytest.mark.parametrize("environ, message", [
    ({"BASISBAAN_ENV": "production"}, "SECRET_KEY"),
    ({"BASISBAAN_ENV": "production", "SECRET_KEY": "short"}, "SECRET_KEY"),
    ({"BASISBAAN_ENV": "production", "SECRET_KEY": config.INSECURE_SECRET_KEY}, "SECRET_KEY"),
    ({"BASISBAAN_ENV": "production", "SECRET_KEY": GOOD_KEY, "BASISBAAN_DEMO_LOGIN": "1"}, "DEMO_LOGIN"),
    ({"BASISBAAN_ENV": "staging"}, "BASISBAAN_ENV"),
    ({"BASISBAAN_ENV": "production", "SECRET_KEY": GOOD_KEY}, "ENCRYPTION_KEYS"),
])
def test_production_refuses_unsafe_settings(environ, message):
    with pytest.raises(ConfigError, match=message):
        load(environ)


def test_production_starts_with_safe_settings():
    values = load({"BASISBAAN_ENV": "production", "SECRET_KEY": GOOD_KEY, "BASISBAAN_ENCRYPTION_KEYS": generate_key()})
    assert values["BASISBAAN_ENV"] == "production"


def test_create_app_refuses_production_with_demo_login(monkeypatch, tmp_path):
    from basisbaan import create_app

    monkeypatch.setenv("BASISBAAN_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", GOOD_KEY)
    monkeypatch.setenv("BASISBAAN_DEMO_LOGIN", "true")
    monkeypatch.setenv("BASISBAAN_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError):
        create_app()
