"""The `basisbaan` command, run against the test app: tenants, settings, tokens and the demo."""

from __future__ import annotations

from datetime import date

import pytest
from flask.cli import ScriptInfo
from sqlalchemy import func, select, text

from basisbaan.cli import main
from basisbaan.extensions import db
from basisbaan.models import Neighbourhood, Organisation, Tenant
from basisbaan.services import settings as settings_service
from basisbaan.services import tenants as tenant_service
from basisbaan.tenancy import tenant_scope
from tests.conftest import auth

INSTALLED_AND_TEST = ("amersfoort", "groningen", "testville", "tilburg")


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args: str):
        # The app under test, not a new one from `create_app()`.
        return runner.invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))

    return invoke


def _create_groningen(cli):
    return cli("tenant", "create", "--slug", "groningen", "--name", "Groningen", "--plugin", "groningen",
               "--cbs-code", "GM0014")


def _tenant(app, slug):
    with app.app_context():
        found = db.session.scalars(select(Tenant).where(Tenant.slug == slug)).first()
        result = (found.id, found.name, found.cbs_code, found.plugin) if found else None
        db.session.remove()
    return result


def _count_rows(owner_engine) -> dict[str, int]:
    """Rows in every table, counted as the owner (RLS does not hide any)."""
    with owner_engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in db.metadata.sorted_tables}


def test_tenant_create_with_the_issue_syntax(app, cli):
    result = _create_groningen(cli)
    assert result.exit_code == 0, result.output
    assert "groningen" in result.output and "GM0014" in result.output
    _, name, cbs_code, plugin = _tenant(app, "groningen")
    assert (name, cbs_code, plugin) == ("Groningen", "GM0014", "groningen")


def test_tenant_create_with_settings(app, cli, registry):
    result = cli("tenant", "create", "--slug", "tilburg", "--name", "Tilburg", "--plugin", "tilburg",
                 "--cbs-code", "GM0855", "--settings-from", "2023-01-01", "--set", "pilot_places=7")
    assert result.exit_code == 0, result.output
    with app.app_context():
        tenant = tenant_service.get_by_slug(db.session, "tilburg")
        with tenant_scope(db.session, tenant.id):
            assert settings_service.settings_on(db.session, registry.for_tenant(tenant),
                                                date(2023, 1, 1))["pilot_places"] == 7
            assert settings_service.version_on(db.session, date(2022, 12, 31)) is None
        db.session.remove()


def test_tenant_create_with_invalid_settings_creates_nothing(app, cli, owner_engine):
    result = cli("tenant", "create", "--slug", "tilburg", "--name", "Tilburg", "--plugin", "tilburg",
                 "--cbs-code", "GM0855", "--set", "pilot_places=-1", "--set", "colour=red")
    assert result.exit_code != 0
    assert "pilot_places" in result.output and "colour" in result.output
    assert _tenant(app, "tilburg") is None
    assert all(count == 0 for count in _count_rows(owner_engine).values())


def test_tenant_list(cli):
    empty = cli("tenant", "list")
    assert empty.exit_code == 0
    assert "No municipalities yet" in empty.output
    assert _create_groningen(cli).exit_code == 0
    listed = cli("tenant", "list")
    assert listed.exit_code == 0
    assert "groningen" in listed.output and "GM0014" in listed.output and "plugin=groningen" in listed.output
    assert "No municipalities yet" not in listed.output


def test_unknown_plugin_fails_naming_the_installed_ones(app, cli):
    result = cli("tenant", "create", "--slug", "utrecht", "--name", "Utrecht", "--plugin", "utrecht",
                 "--cbs-code", "GM0344")
    assert result.exit_code != 0
    assert "utrecht" in result.output
    for name in INSTALLED_AND_TEST:
        assert name in result.output
    assert _tenant(app, "utrecht") is None


@pytest.mark.parametrize("cbs_code", ["GM14", "0014", "gm0014", "GM00140", ""])
def test_bad_cbs_code_fails(app, cli, cbs_code):
    result = cli("tenant", "create", "--slug", "groningen", "--name", "Groningen", "--plugin", "groningen",
                 "--cbs-code", cbs_code)
    assert result.exit_code != 0
    assert "cbs_code" in result.output
    assert _tenant(app, "groningen") is None


def test_bad_slug_fails(app, cli):
    result = cli("tenant", "create", "--slug", "Groningen_Stad", "--name", "Groningen", "--plugin", "groningen",
                 "--cbs-code", "GM0014")
    assert result.exit_code != 0
    assert "slug" in result.output


def test_duplicate_slug_fails(app, cli):
    assert _create_groningen(cli).exit_code == 0
    again = cli("tenant", "create", "--slug", "groningen", "--name", "Groningen 2", "--plugin", "tilburg",
                "--cbs-code", "GM0855")
    assert again.exit_code != 0
    assert "slug" in again.output and "Already in use" in again.output
    assert _tenant(app, "groningen")[1:] == ("Groningen", "GM0014", "groningen")


def test_duplicate_cbs_code_fails(app, cli):
    assert _create_groningen(cli).exit_code == 0
    again = cli("tenant", "create", "--slug", "stad", "--name", "Stad", "--plugin", "groningen",
                "--cbs-code", "GM0014")
    assert again.exit_code != 0
    assert "cbs_code" in again.output
    assert _tenant(app, "stad") is None


def test_tenant_settings_adds_a_version(app, cli, registry):
    assert _create_groningen(cli).exit_code == 0
    result = cli("tenant", "settings", "--tenant", "groningen", "--effective-from", "2030-01-01",
                 "--set", "minimum_age=25", "--set", "cao=cao_aan_de_slag")
    assert result.exit_code == 0, result.output
    assert "2030-01-01" in result.output
    with app.app_context():
        tenant = tenant_service.get_by_slug(db.session, "groningen")
        hooks = registry.for_tenant(tenant)
        with tenant_scope(db.session, tenant.id):
            later = settings_service.settings_on(db.session, hooks, date(2030, 1, 1))
            earlier = settings_service.settings_on(db.session, hooks, date(2029, 12, 31))
        db.session.remove()
    assert later["minimum_age"] == 25 and later["cao"] == "cao_aan_de_slag"
    assert earlier["minimum_age"] == 27 and earlier["cao"] == "cao_sw"


@pytest.mark.parametrize("args, field", [
    (["--set", "minimum_age=12"], "minimum_age"),
    (["--set", "no_such_setting=1"], "no_such_setting"),
    (["--set", "minimum_age"], "--set"),
])
def test_tenant_settings_rejects_bad_values(app, cli, args, field):
    assert _create_groningen(cli).exit_code == 0
    result = cli("tenant", "settings", "--tenant", "groningen", "--effective-from", "2030-01-01", *args)
    assert result.exit_code != 0
    assert field in result.output


def test_tenant_settings_duplicate_date_and_unknown_tenant(cli):
    assert _create_groningen(cli).exit_code == 0
    first = cli("tenant", "settings", "--tenant", "groningen", "--effective-from", "2030-01-01",
                "--set", "minimum_age=25")
    assert first.exit_code == 0
    again = cli("tenant", "settings", "--tenant", "groningen", "--effective-from", "2030-01-01",
                "--set", "minimum_age=26")
    assert again.exit_code != 0 and "effective_from" in again.output
    unknown = cli("tenant", "settings", "--tenant", "nowhere", "--effective-from", "2030-01-01",
                  "--set", "minimum_age=26")
    assert unknown.exit_code != 0 and "No such municipality" in unknown.output


def test_token_create_prints_a_working_token_as_the_last_line(app, cli, client):
    assert _create_groningen(cli).exit_code == 0
    result = cli("token", "create", "--tenant", "groningen", "--role", "viewer")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) >= 2
    token = lines[-1].strip()
    assert token.startswith("bb_groningen_")
    assert token not in "\n".join(lines[:-1])  # shown once

    response = client.get("/api/v1/t/groningen", headers=auth(token))
    assert response.status_code == 200, response.json
    assert response.json["slug"] == "groningen"
    # The role given is the role the token has: a viewer may read but not write.
    denied = client.post("/api/v1/t/groningen/neighbourhoods", headers=auth(token), json={"name": "Beijum"})
    assert denied.status_code == 403


def test_token_create_admin_may_write(cli, client):
    assert _create_groningen(cli).exit_code == 0
    result = cli("token", "create", "--tenant", "groningen", "--role", "admin", "--days", "1")
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    created = client.post("/api/v1/t/groningen/neighbourhoods", headers=auth(token), json={"name": "Beijum"})
    assert created.status_code == 201, created.json


@pytest.mark.parametrize("args, expected", [
    (["--role", "superuser"], "role"),
    (["--role", "admin", "--days", "0"], "days"),
    (["--role", "admin", "--days", "10000"], "days"),
])
def test_token_create_refuses_bad_input(app, cli, owner_engine, args, expected):
    assert _create_groningen(cli).exit_code == 0
    result = cli("token", "create", "--tenant", "groningen", *args)
    assert result.exit_code != 0
    assert expected in result.output
    assert "bb_groningen_" not in result.output
    assert _count_rows(owner_engine)["api_tokens"] == 0


def test_a_job_coach_token_is_bound_to_its_coaching_organisation(app, cli, client, owner_engine):
    assert _create_groningen(cli).exit_code == 0
    admin = cli("token", "create", "--tenant", "groningen", "--role", "admin").output.strip().splitlines()[-1]
    made = client.post("/api/v1/t/groningen/organisations", headers=auth(admin),
                       json={"name": "Begeleider Noord", "is_coaching": True})
    assert made.status_code == 201, made.json
    unknown = cli("token", "create", "--tenant", "groningen", "--role", "jobcoach", "--organisation", "Nergens")
    assert unknown.exit_code != 0 and "organisation" in unknown.output
    assert _count_rows(owner_engine)["api_tokens"] == 1
    for chosen in ("Begeleider Noord", made.json["id"]):
        result = cli("token", "create", "--tenant", "groningen", "--role", "jobcoach", "--organisation", chosen)
        assert result.exit_code == 0, result.output
    with owner_engine.connect() as conn:
        bound = conn.execute(text("SELECT count(*) FROM api_tokens WHERE organisation_id IS NOT NULL")).scalar()
    assert bound == 2


def test_token_create_for_an_unknown_tenant(cli):
    result = cli("token", "create", "--tenant", "nowhere", "--role", "admin")
    assert result.exit_code != 0
    assert "No such municipality" in result.output


def test_demo_creates_the_three_municipalities_and_is_idempotent(app, cli, owner_engine, registry):
    first = cli("demo")
    assert first.exit_code == 0, first.output
    assert "Demo data loaded." in first.output
    after_first = _count_rows(owner_engine)

    with app.app_context():
        tenants = {t.slug: t for t in tenant_service.list_tenants(db.session)}
        assert set(tenants) == {"groningen", "tilburg", "amersfoort"}
        for slug, tenant in tenants.items():
            hooks = registry.for_tenant(tenant)
            reference = hooks.demo_reference_data()
            assert tenant.plugin == slug
            assert tenant.cbs_code == hooks.municipality_info().cbs_code
            with tenant_scope(db.session, tenant.id):
                neighbourhoods = set(db.session.scalars(select(Neighbourhood.name)))
                organisations = {o.name: o for o in db.session.scalars(select(Organisation))}
                names_by_id = {n.id: n.name for n in db.session.scalars(select(Neighbourhood))}
            assert neighbourhoods == {n.name for n in reference.neighbourhoods}
            assert set(organisations) == {o.name for o in reference.organisations}
            assert organisations, slug
            for demo_org in reference.organisations:
                stored = organisations[demo_org.name]
                assert names_by_id.get(stored.neighbourhood_id) == demo_org.neighbourhood
        db.session.remove()

    second = cli("demo")
    assert second.exit_code == 0, second.output
    assert _count_rows(owner_engine) == after_first


def test_demo_adds_only_what_is_missing(app, cli, owner_engine):
    assert cli("demo").exit_code == 0
    complete = _count_rows(owner_engine)
    with owner_engine.begin() as conn:
        tilburg = conn.execute(text("SELECT id FROM tenants WHERE slug = 'tilburg'")).scalar_one()
        # Remove one organisation (linked to a neighbourhood); the next run puts it back, and only it.
        deleted = conn.execute(text("DELETE FROM organisations WHERE tenant_id = :t AND name = :n"),
                               {"t": tilburg, "n": "Buurthuis Reeshof"}).rowcount
    assert deleted == 1
    assert cli("demo").exit_code == 0
    assert _count_rows(owner_engine) == complete


def test_demo_keeps_an_existing_tenant(app, cli, owner_engine):
    # Groningen created by hand first: the demo adds its reference data, not a second Groningen.
    assert _create_groningen(cli).exit_code == 0
    assert cli("demo").exit_code == 0
    assert _count_rows(owner_engine)["tenants"] == 3
    assert _tenant(app, "groningen")[1] == "Groningen"
