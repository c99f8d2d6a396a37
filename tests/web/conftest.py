"""Helpers for the page tests: sign a browser in, read the rendered HTML, enumerate the page rules, and
fill their path parameters with ids of a tenant's real rows.

Browsers are signed in the way the sign-in itself does it (web/views/auth.py `_start_session`): a user is
created through `basisbaan.services.users.sign_in` inside `tenant_scope`, and the Flask session gets the
keys `tenant_id` and `user_id` as strings.
"""

from __future__ import annotations

import itertools
import re
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable, Iterator

import pytest
from sqlalchemy import select

import basisbaan
from basisbaan.extensions import db
from basisbaan.models import ROLES
from basisbaan.services import reference
from basisbaan.services import users as user_service
from basisbaan.services.audit import Actor
from basisbaan.tenancy import tenant_scope
from basisbaan.web.context import SESSION_TENANT, SESSION_USER

PAGE_PREFIX = "/t/<tenant>"
SKIPPED_METHODS = {"HEAD", "OPTIONS"}
TEST_ISSUER = "https://login.example.test"
# Path parameters whose table does not follow the `<thing>_id` -> `<thing>s` naming.
PARAM_TABLES = {"token_id": "api_tokens", "debt_id": "debt_support", "source_id": "funding_sources",
                "snapshot_id": "report_snapshots"}

_counter = itertools.count(1)


# --- rate limits --------------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _fresh_rate_limits(app):
    """The session-wide app keeps rate-limit counters in memory per client address: start every test at
    zero, so that sign-in pages requested by earlier tests cannot turn into 429s here."""
    app.extensions["basisbaan.limiter"].reset()
    yield


@pytest.fixture
def extra_app(database, registry, app):
    """Another app on the same (migrated) database with other settings; its connections closed afterwards."""
    from tests.conftest import make_app

    made = []

    def _make(**overrides):
        made.append(make_app(database, registry, **overrides))
        return made[-1]

    yield _make
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


# --- users and sessions -------------------------------------------------------------------------------

def make_user(app, tenant, roles: Iterable[str], *, name: str | None = None, email: str | None = None,
              subject: str | None = None, issuer: str = TEST_ISSUER) -> uuid.UUID:
    """Create (or sign in again) a user of `tenant` with `roles`, exactly as the identity provider would."""
    n = next(_counter)
    claims = {"name": name or f"User {n}"}
    if email:
        claims["email"] = email
    with app.app_context():
        with tenant_scope(db.session, tenant.id):
            user = user_service.sign_in(db.session, issuer=issuer, subject=subject or f"subject-{n}",
                                        roles=list(roles), claims=claims)
            user_id = user.id
        db.session.commit()
        db.session.remove()
    return user_id


def start_session(client, tenant, user_id) -> None:
    """Give the test client the session a completed sign-in gives (a fresh one: no fixation)."""
    with client.session_transaction() as flask_session:
        lang = flask_session.get("lang")
        flask_session.clear()
        flask_session[SESSION_TENANT] = str(tenant.id)
        flask_session[SESSION_USER] = str(user_id)
        if lang:
            flask_session["lang"] = lang


def sign_in(app, client, tenant, *roles: str, **user_kwargs) -> uuid.UUID:
    """Create a user with `roles` (admin when none given) and sign `client` in as that user."""
    user_id = make_user(app, tenant, roles or ("admin",), **user_kwargs)
    start_session(client, tenant, user_id)
    return user_id


def csrf_token(client, path: str) -> str:
    """The CSRF token of the first form on the page at `path` (signed-in pages all have the sign-out form)."""
    response = client.get(path)
    assert response.status_code in (200, 201, 422), (path, response.status_code)
    found = parse_html(response.get_data(as_text=True)).find("input", name="csrf_token")
    assert found is not None, f"no csrf_token input on {path}"
    return found.get("value")


def create_reference(app, tenant, *, neighbourhoods: Iterable[str] = (), organisations: Iterable[dict] = ()):
    """Rows through the services (faster than through the pages), audited as the test system."""
    ids = {"neighbourhoods": [], "organisations": []}
    with app.app_context():
        with tenant_scope(db.session, tenant.id):
            for name in neighbourhoods:
                ids["neighbourhoods"].append(reference.create_neighbourhood(
                    db.session, {"name": name, "kind": "neighbourhood"}, Actor.system("test")).id)
            for data in organisations:
                ids["organisations"].append(reference.create_organisation(
                    db.session, dict(data), Actor.system("test")).id)
        db.session.commit()
        db.session.remove()
    return ids


# --- page rules ---------------------------------------------------------------------------------------

def page_rules(app):
    """Every url rule of the pages under /t/<tenant>/ (the API lives under /api and is not included)."""
    return [rule for rule in app.url_map.iter_rules()
            if rule.rule == PAGE_PREFIX or rule.rule.startswith(PAGE_PREFIX + "/")]


def page_routes(app):
    """(rule, method, view) for every method of every page rule."""
    found = []
    for rule in page_rules(app):
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - SKIPPED_METHODS):
            found.append((rule, method, view))
    return found


def is_public(view) -> bool:
    return getattr(view, "public", False) is True


def declared_permission(view) -> str | None:
    return getattr(view, "permission", None)


def table_for(param: str):
    """The tenant-owned table a `<thing>_id` path parameter points into."""
    assert param.endswith("_id"), f"uuid path parameter {param!r}: name it <thing>_id"
    names = {PARAM_TABLES[param]} if param in PARAM_TABLES else {
        stem + suffix for stem in [param[: -len("_id")]] for suffix in ("", "s", "es")}
    candidates = [t for t in db.metadata.sorted_tables if "tenant_id" in t.c and t.name in names]
    assert len(candidates) == 1, f"no single tenant-owned table for path parameter {param!r}: add it to PARAM_TABLES"
    return candidates[0]


def row_ids(owner_engine, rule, tenant_id) -> dict[str, uuid.UUID]:
    """For each uuid path parameter of `rule`: the id of a real row of `tenant_id` (read as the owner)."""
    from werkzeug.routing import UUIDConverter

    values = {}
    for name in rule.arguments - {"tenant"}:
        assert isinstance(rule._converters[name], UUIDConverter), (
            f"{rule.rule}: path parameter {name!r} is not a uuid; extend tests/web/conftest.py to fill it")
        table = table_for(name)
        with owner_engine.connect() as conn:
            row_id = conn.execute(select(table.c.id).where(table.c.tenant_id == tenant_id)
                                  .order_by(table.c.id).limit(1)).scalar()
        assert row_id is not None, f"the test data has no {table.name} row for {rule.rule}; add one"
        values[name] = uuid.UUID(str(row_id))
    return values


def fill(rule, slug: str, ids: dict | None = None) -> str:
    path = rule.rule
    for name in rule.arguments:
        value = slug if name == "tenant" else (ids or {}).get(name)
        assert value is not None, f"{rule.rule}: no value for {name!r}"
        path = re.sub(r"<(?:[^<>:]+:)?" + re.escape(name) + ">", str(value), path)
    assert "<" not in path, path
    return path


def url_for_rule(owner_engine, rule, tenant) -> str:
    return fill(rule, tenant.slug, row_ids(owner_engine, rule, tenant.id))


# --- translations -----------------------------------------------------------------------------------

TRANSLATIONS_DIR = Path(basisbaan.__file__).parent / "translations"


@lru_cache(maxsize=1)
def _dutch_catalogue():
    from babel.support import Translations

    mo = TRANSLATIONS_DIR / "nl" / "LC_MESSAGES" / "messages.mo"
    assert mo.is_file(), "compile the catalogue first: .venv/bin/pybabel compile -d platform/basisbaan/translations"
    return Translations.load(str(TRANSLATIONS_DIR), ["nl"])


def dutch(text: str) -> str:
    """The Dutch catalogue's text for an interface text (the pages are Dutch by default)."""
    return _dutch_catalogue().gettext(text)


def dutch_plural(singular: str, plural: str, n: int) -> str:
    """The Dutch catalogue's plural form for `n` (formatted with num=n, as ngettext in the templates)."""
    return _dutch_catalogue().ngettext(singular, plural, n) % {"num": n}


# --- a small HTML reader (the standard library's parser; no extra dependency) ---------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str]
    children: list = field(default_factory=list)
    parent: "Element | None" = None

    def get(self, name: str, default=None):
        return self.attrs.get(name, default)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    @property
    def text(self) -> str:
        parts = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text)
        return " ".join(" ".join(parts).split())

    def iter(self) -> Iterator["Element"]:
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, class_: str | None = None, **attrs) -> list["Element"]:
        found = []
        for el in self.iter():
            if tag is not None and el.tag != tag:
                continue
            if class_ is not None and class_ not in el.classes:
                continue
            if any(el.attrs.get(k.replace("_", "-")) != v for k, v in attrs.items()):
                continue
            found.append(el)
        return found

    def find(self, tag: str | None = None, class_: str | None = None, **attrs) -> "Element | None":
        found = self.find_all(tag, class_, **attrs)
        return found[0] if found else None

    def by_id(self, ident: str) -> "Element | None":
        return self.find(id=ident)


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        el = Element(tag, {k: (v if v is not None else "") for k, v in attrs}, [], self.stack[-1])
        self.stack[-1].children.append(el)
        if tag not in VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        el = Element(tag, {k: (v if v is not None else "") for k, v in attrs}, [], self.stack[-1])
        self.stack[-1].children.append(el)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Element:
    builder = _Builder()
    builder.feed(text)
    builder.close()
    return builder.root


def html_of(response) -> Element:
    assert response.mimetype == "text/html", (response.status_code, response.mimetype)
    return parse_html(response.get_data(as_text=True))


def assert_site_page(response) -> Element:
    """An HTML page in the site layout: a language on <html>, the site header, main content, footer."""
    doc = html_of(response)
    html = doc.find("html")
    assert html is not None and html.get("lang") in {"nl", "en"}, response.get_data(as_text=True)[:300]
    assert doc.find("header", class_="site-header") is not None
    assert doc.find("main", id="main") is not None
    assert doc.find("footer", class_="site-footer") is not None
    return doc


def field_value(doc: Element, ident: str):
    """What a form control shows: an input's value, a textarea's text, a select's selected option,
    a checkbox's checked state."""
    el = doc.by_id(ident)
    assert el is not None, f"no element with id {ident!r}"
    if el.tag == "textarea":
        return "".join(c for c in el.children if isinstance(c, str)).strip("\r\n")
    if el.tag == "select":
        chosen = [o.get("value") for o in el.find_all("option") if "selected" in o.attrs]
        return chosen[0] if chosen else None
    if el.get("type") == "checkbox":
        return "checked" in el.attrs
    return el.get("value", "")


def error_summary_links(doc: Element) -> list[str]:
    summary = doc.by_id("error-summary")
    assert summary is not None, "no error summary (id=error-summary)"
    return [a.get("href") for a in summary.find_all("a")]


# --- two municipalities with data of their own --------------------------------------------------------

@dataclass
class World:
    tenants: dict  # slug -> TenantRef
    users: dict  # (slug, role) -> user id
    tokens: dict  # slug -> admin token plaintext


@pytest.fixture
def world(app, make_tenant, make_token) -> World:
    """Groningen and Tilburg, each with a user per role, a neighbourhood, an organisation and a token."""
    tenants = {"groningen": make_tenant("groningen"), "tilburg": make_tenant("tilburg")}
    users, tokens = {}, {}
    data = {"groningen": ("Beijum", "Buurtcentrum Beijum"), "tilburg": ("Reeshof", "Buurthuis Reeshof")}
    for slug, tenant in tenants.items():
        for role in ROLES:
            users[(slug, role)] = make_user(app, tenant, [role], name=f"{role.title()} of {slug.title()}",
                                            email=f"{role}@{slug}.example.nl")
        hood, org = data[slug]
        create_reference(app, tenant, neighbourhoods=[hood],
                         organisations=[{"name": org, "is_coaching": True, "description": f"Described for {slug}"}])
        tokens[slug] = make_token(tenant, "admin")
        create_candidate(app, tenant, family_name=f"Kandidaat {slug.title()}")
        from tests.web.test_funding_pages import add_funding  # here: that module imports this one
        add_funding(app.test_client(), slug, tokens[slug])
    return World(tenants, users, tokens)


def create_candidate(app, tenant, *, family_name: str, bsn: str | None = None) -> uuid.UUID:
    """A referred candidate with one intake conversation (so every candidate page has a real id)."""
    from datetime import date

    from basisbaan.services import candidates as candidate_service
    from basisbaan.services import intake

    with app.app_context():
        with tenant_scope(db.session, tenant.id):
            secrets = app.extensions["basisbaan.secrets"]
            created = candidate_service.create(db.session, secrets, {
                "given_names": "Sam", "family_name": family_name, "bsn": bsn, "referral_source": "self",
                "referral_date": date(2024, 1, 2), "date_of_birth": date(1970, 5, 6),
                "social_assistance_since": date(2015, 1, 1), "available_hours": 32,
                "health_notes": f"Health of {family_name}"}, Actor.system("test"), date.today())
            intake.add_conversation(db.session, secrets, created, held_on=date(2024, 1, 9), coach_id=None,
                                    notes=f"Notes about {family_name}", actor=Actor.system("test"), today=date.today())
            candidate_id = created.id
        db.session.commit()
        db.session.remove()
    return candidate_id
