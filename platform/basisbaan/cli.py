"""The `basisbaan` command: tenants, tokens, demo data, reports, and (from Flask-Migrate) `db upgrade`."""

from __future__ import annotations

import sys
from datetime import date

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from basisbaan import crypto
from basisbaan.app import create_app
from basisbaan.errors import DomainError
from basisbaan.extensions import db
from basisbaan.services import demo as demo_service
from basisbaan.services import settings as settings_service
from basisbaan.services import sso as sso_service
from basisbaan.services import tenants as tenant_service
from basisbaan.services import tokens as token_service
from basisbaan.services.audit import Actor
from basisbaan.tenancy import tenant_scope


def _registry():
    return current_app.extensions["basisbaan.plugins"]


def _fail(error: DomainError) -> None:
    db.session.rollback()
    details = "; ".join(f"{field}: {' '.join(map(str, msgs))}" for field, msgs in error.errors.items())
    raise click.ClickException(f"{error.message} {details}".strip())


def _key_values(pairs: tuple[str, ...], option: str) -> dict:
    values = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint=option)
        values[key] = raw
    return values


@click.group(cls=FlaskGroup, create_app=lambda: create_app(), add_version_option=False, load_dotenv=False)
def main() -> None:
    """Basisbaan platform: manage municipalities, tokens, data and the database."""


@main.group()
def tenant() -> None:
    """Municipalities (tenants)."""


@tenant.command("create")
@click.option("--slug", required=True, help="URL name, e.g. groningen")
@click.option("--name", required=True)
@click.option("--plugin", required=True, help="Installed municipality plugin to bind to")
@click.option("--cbs-code", required=True, help="CBS municipality code, e.g. GM0014")
@click.option("--settings-from", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Effective date of the first settings version (default today)")
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE", help="A setting (repeatable)")
@with_appcontext
def tenant_create(slug, name, plugin, cbs_code, settings_from, settings) -> None:
    """Create a municipality bound to a plugin."""
    try:
        created = tenant_service.create_tenant(
            db.session, _registry(), slug=slug, name=name, plugin=plugin, cbs_code=cbs_code,
            actor=Actor.system(), settings=_key_values(settings, "--set"),
            settings_from=settings_from.date() if settings_from else None)
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Created {created.slug} ({created.name}, {created.cbs_code}, plugin {created.plugin}).")


@tenant.command("list")
@with_appcontext
def tenant_list() -> None:
    """List municipalities."""
    rows = tenant_service.list_tenants(db.session)
    if not rows:
        click.echo("No municipalities yet. Create one with `basisbaan tenant create` or `basisbaan demo`.")
    for row in rows:
        click.echo(f"{row.slug:<20} {row.name:<25} {row.cbs_code}  plugin={row.plugin}")


@tenant.command("settings")
@click.option("--tenant", "slug", required=True)
@click.option("--effective-from", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE", required=True)
@with_appcontext
def tenant_settings(slug, effective_from, settings) -> None:
    """Add a settings version in force from a date (earlier versions stay)."""
    try:
        found = tenant_service.get_by_slug(db.session, slug)
        hooks = _registry().for_tenant(found)
        with tenant_scope(db.session, found.id):
            settings_service.add_version(db.session, found, hooks, _key_values(settings, "--set"),
                                         effective_from.date(), Actor.system())
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Settings for {slug} in force from {effective_from.date().isoformat()}.")


@tenant.command("sso")
@click.option("--tenant", "slug", required=True)
@click.option("--issuer", required=True, help="The provider's issuer URL (discovery at /.well-known/...)")
@click.option("--client-id", required=True)
@click.option("--client-secret", default=None, help="Stored encrypted; omit to keep the stored secret")
@click.option("--scopes", default="openid profile email", show_default=True)
@click.option("--role-claim", default="groups", show_default=True, help="Claim that carries the roles")
@click.option("--role-map", "role_map", multiple=True, metavar="ROLE=VALUE",
              help="Claim value that grants a role (repeatable), e.g. coach=basisbaan-coach")
@with_appcontext
def tenant_sso(slug, issuer, client_id, client_secret, scopes, role_claim, role_map) -> None:
    """Configure sign-in with the municipality's OpenID Connect provider."""
    try:
        found = tenant_service.get_by_slug(db.session, slug)
        with tenant_scope(db.session, found.id):
            settings = sso_service.SsoSettings(issuer=issuer, client_id=client_id, client_secret=client_secret,
                                               scopes=scopes, role_claim=role_claim,
                                               role_map=sso_service.parse_role_map(role_map))
            provider = sso_service.configure(db.session, found, current_app.extensions["basisbaan.secrets"],
                                             settings, Actor.system(),
                                             allow_http=current_app.config["BASISBAAN_ENV"] != "production")
            version = provider.version
        db.session.commit()
    except DomainError as error:
        _fail(error)
    click.echo(f"Sign-in for {slug} uses {issuer} (settings version {version}). "
               f"Register the redirect URI <base URL>/t/{slug}/auth/callback at the provider.")


@main.command("generate-key")
def generate_key() -> None:
    """Print a new encryption key for BASISBAAN_ENCRYPTION_KEYS."""
    click.echo(crypto.generate_key())


@main.group()
def token() -> None:
    """API tokens."""


@token.command("create")
@click.option("--tenant", "slug", required=True)
@click.option("--role", required=True)
@click.option("--name", default="cli", show_default=True)
@click.option("--days", type=int, default=90, show_default=True)
@click.option("--organisation", default=None,
              help="Coaching organisation (name or id) whose participants a job coach's token may see.")
@with_appcontext
def token_create(slug, role, name, days, organisation) -> None:
    """Create a token; the token itself is the last line of the output, shown only now."""
    try:
        found = tenant_service.get_by_slug(db.session, slug)
        with tenant_scope(db.session, found.id):
            issued = token_service.create(db.session, found, role=role, name=name, days=days,
                                          max_days=current_app.config["BASISBAAN_TOKEN_MAX_DAYS"],
                                          actor=Actor.system(), organisation=organisation)
            expires = issued.token.expires_at
        db.session.commit()
    except DomainError as error:
        _fail(error)
    click.echo(f"Token for {slug} with role {role}, valid until {expires:%Y-%m-%d %H:%M} UTC. "
               "Store it now; it is not shown again.", err=False)
    click.echo(issued.plaintext)


@main.command("demo")
@with_appcontext
def demo() -> None:
    """Load the demo municipalities (Groningen, Tilburg, Amersfoort) and their reference data."""
    demo_service.load_demo(db.session, _registry(), current_app.extensions["basisbaan.secrets"],
                           progress=click.echo)
    db.session.commit()
    click.echo("Demo data loaded.")


REPORT_OUTPUTS = {".html": "html", ".htm": "html", ".pdf": "pdf", ".xlsx": "xlsx"}


@main.command("report")
@click.option("--tenant", "slug", required=True)
@click.option("--format", "format_id", required=True, help="Report format id (GET /api/v1/t/<slug>/reports lists them)")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), required=True,
              help="Reference date: stocks are counted on this day")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Start of the period for flows (default: the programme's start)")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="End of the period, exclusive (default: the day after --as-of)")
@click.option("--output", "output_path", type=click.Path(dir_okay=False, writable=True), required=True,
              help="File to write; .html, .pdf or .xlsx says what to render")
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@with_appcontext
def report(slug, format_id, as_of, start, end, output_path, lang) -> None:
    """Render a report (HTML, PDF or XLSX) of a municipality to a file."""
    from pathlib import Path

    from basisbaan.reports import engine as report_engine

    output = REPORT_OUTPUTS.get(Path(output_path).suffix.lower())
    if output is None:
        raise click.BadParameter("the file must end in .html, .pdf or .xlsx", param_hint="--output")
    try:
        found = tenant_service.get_by_slug(db.session, slug)
        hooks = _registry().for_tenant(found)
        with tenant_scope(db.session, found.id):
            rendered = report_engine.produce(
                db.session, current_app.extensions["basisbaan.secrets"], hooks, format_id, output, as_of.date(),
                start.date() if start else None, end.date() if end else None, lang, slug=found.slug,
                municipality=found.name)
        db.session.rollback()  # a report only reads
    except DomainError as error:
        _fail(error)
    Path(output_path).write_bytes(rendered.content)
    click.echo(f"Wrote {output_path} ({format_id}, {output}, {len(rendered.content)} bytes).")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
