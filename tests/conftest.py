"""Fixtures: database (SQLite, or PostgreSQL with BASISBAAN_TEST_DB=postgresql) -> app -> client -> tokens.

The PostgreSQL pass creates a fresh database, migrates it as the owner (the server's superuser) and
connects the app as `basisbaan_test_app`, a login role that owns nothing and cannot bypass RLS, exactly as
production should. Tests marked `postgres_only` are deselected on the SQLite pass and run on PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import date

import flask_migrate
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from basisbaan import create_app
from basisbaan.extensions import db
from basisbaan.plugins import PluginRegistry
from basisbaan.services import tenants as tenant_service
from basisbaan.services import tokens as token_service
from basisbaan.services.audit import Actor
from basisbaan.tenancy import tenant_scope

from tests.plugins import testville

BACKEND = os.environ.get("BASISBAAN_TEST_DB", "sqlite")
APP_ROLE = "basisbaan_test_app"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def postgres_admin_url() -> str:
    from basisbaan.config import normalise_database_url

    return normalise_database_url(os.environ.get("BASISBAAN_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL)


def pytest_report_header(config):
    return f"basisbaan test database: {BACKEND}"


def pytest_collection_modifyitems(config, items):
    if BACKEND == "postgresql":
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("postgres_only") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@dataclass(frozen=True)
class Database:
    backend: str
    app_url: str
    owner_url: str


@pytest.fixture(scope="session")
def database(tmp_path_factory):
    if BACKEND == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        yield Database("sqlite", url, url)
        return
    admin_url = make_url(postgres_admin_url())
    name = f"basisbaan_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": APP_ROLE}).first()
        if not exists:
            conn.execute(text(f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS"))
    owner_url = admin_url.set(database=name)
    app_url = owner_url.set(username=APP_ROLE, password=None)
    yield Database("postgresql", app_url.render_as_string(hide_password=False),
                   owner_url.render_as_string(hide_password=False))
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def registry():
    return PluginRegistry(extra={"testville": testville})


def make_app(database: Database, registry: PluginRegistry, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "SQLALCHEMY_DATABASE_URI": database.app_url,
        "BASISBAAN_DATABASE_OWNER_URL": database.owner_url if database.backend == "postgresql" else None,
    }
    config.update(overrides)
    return create_app(config, plugin_registry=registry)


@pytest.fixture(scope="session")
def app(database, registry):
    app = make_app(database, registry)
    with app.app_context():
        flask_migrate.upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def owner_engine(database):
    engine = create_engine(database.owner_url)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _empty_tables(request):
    """After each test that used the database, remove every row (as the owner, so RLS does not hide any)."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    engine = request.getfixturevalue("owner_engine")
    app.extensions["basisbaan.limiter"].reset()  # rate-limit counters start fresh for each test
    yield
    with app.app_context():
        db.session.remove()
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def session(ctx):
    return db.session


@pytest.fixture
def client(app):
    return app.test_client()


MUNICIPALITIES = {
    "groningen": ("Groningen", "GM0014"),
    "tilburg": ("Tilburg", "GM0855"),
    "amersfoort": ("Amersfoort", "GM0307"),
    "testville": ("Testville", "GM9999"),
}


@pytest.fixture
def make_tenant(app, registry):
    """Create a tenant bound to the plugin of the same name and return its id and slug."""

    def _make(plugin: str, slug: str | None = None, cbs_code: str | None = None, settings=None,
              settings_from=date(2020, 1, 1)):
        name, cbs = MUNICIPALITIES[plugin]
        with app.app_context():
            tenant = tenant_service.create_tenant(
                db.session, registry, slug=slug or plugin, name=name, plugin=plugin,
                cbs_code=cbs_code or cbs,
                actor=Actor.system("test"), settings=settings, settings_from=settings_from)
            db.session.commit()
            result = TenantRef(tenant.id, tenant.slug, tenant.plugin)
            db.session.remove()
        return result

    return _make


@dataclass(frozen=True)
class TenantRef:
    id: uuid.UUID
    slug: str
    plugin: str


@pytest.fixture
def make_token(app):
    """Issue an API token for a tenant and role; returns the plaintext."""

    def _make(tenant: TenantRef, role: str = "admin", days: int = 30) -> str:
        with app.app_context():
            found = tenant_service.get_by_slug(db.session, tenant.slug)
            with tenant_scope(db.session, found.id):
                issued = token_service.create(db.session, found, role=role, name=f"test-{role}", days=days,
                                              max_days=366, actor=Actor.system("test"))
            db.session.commit()
            db.session.remove()
        return issued.plaintext

    return _make


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
