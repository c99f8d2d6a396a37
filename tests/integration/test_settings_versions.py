"""Settings versions with effective dates: each date sees the version in force then, plugin defaults for the
rest; versions never overwrite each other."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from basisbaan.errors import Conflict, InvalidInput
from basisbaan.models import AuditEvent, TenantSettingsVersion
from basisbaan.services import settings as settings_service
from basisbaan.services import tenants as tenant_service
from basisbaan.services.audit import Actor
from basisbaan.tenancy import tenant_scope
from tests.conftest import auth

ACTOR = Actor.system("test")


@pytest.fixture
def groningen(make_tenant):
    # First version from 2020-01-01 with two chosen values; the rest are Groningen's defaults.
    return make_tenant("groningen", settings={"minimum_age": 30, "target_participants": 300},
                       settings_from=date(2020, 1, 1))


def _add(session, registry, slug, values, effective_from):
    tenant = tenant_service.get_by_slug(session, slug)
    with tenant_scope(session, tenant.id):
        version = settings_service.add_version(session, tenant, registry.for_tenant(tenant), values,
                                               effective_from, ACTOR)
    session.commit()
    return version


def _on(session, registry, slug, on):
    tenant = tenant_service.get_by_slug(session, slug)
    with tenant_scope(session, tenant.id):
        return settings_service.settings_on(session, registry.for_tenant(tenant), on)


def test_each_date_uses_the_version_in_force(groningen, session, registry):
    _add(session, registry, "groningen", {"minimum_age": 25}, date(2023, 7, 1))
    _add(session, registry, "groningen", {"minimum_age": 21, "cao": "cao_aan_de_slag"}, date(2025, 1, 1))

    assert _on(session, registry, "groningen", date(2020, 1, 1))["minimum_age"] == 30  # first day
    assert _on(session, registry, "groningen", date(2023, 6, 30))["minimum_age"] == 30  # last day
    assert _on(session, registry, "groningen", date(2023, 7, 1))["minimum_age"] == 25  # new version's first day
    assert _on(session, registry, "groningen", date(2024, 12, 31))["minimum_age"] == 25
    latest = _on(session, registry, "groningen", date(2030, 1, 1))
    assert latest["minimum_age"] == 21 and latest["cao"] == "cao_aan_de_slag"


def test_unset_keys_get_the_plugins_defaults(groningen, session, registry):
    first = _on(session, registry, "groningen", date(2021, 1, 1))
    assert first["target_participants"] == 300  # chosen
    assert first["minimum_assistance_years"] == 3  # Groningen's default
    assert first["cao"] == "cao_sw"
    assert first["hours_per_week_min"] == 20  # the core's default
    # A later version carries the earlier choices forward and changes only what it sets.
    _add(session, registry, "groningen", {"minimum_age": 25}, date(2023, 7, 1))
    later = _on(session, registry, "groningen", date(2024, 1, 1))
    assert later["minimum_age"] == 25
    assert later["target_participants"] == 300
    assert later["minimum_assistance_years"] == 3  # never chosen: still the plugin default


def test_before_the_first_version_the_plugin_defaults_apply(groningen, session, registry):
    before = _on(session, registry, "groningen", date(2019, 12, 31))
    assert before["minimum_age"] == 27
    assert before["target_participants"] == 250
    tenant = tenant_service.get_by_slug(session, "groningen")
    with tenant_scope(session, tenant.id):
        assert settings_service.version_on(session, date(2019, 12, 31)) is None
        assert settings_service.version_on(session, date(2020, 1, 1)).effective_from == date(2020, 1, 1)


def test_versions_are_per_tenant(groningen, make_tenant, session, registry):
    make_tenant("tilburg", settings={"pilot_places": 8}, settings_from=date(2023, 1, 1))
    assert _on(session, registry, "tilburg", date(2024, 1, 1))["pilot_places"] == 8
    assert "pilot_places" not in _on(session, registry, "groningen", date(2024, 1, 1))
    assert _on(session, registry, "groningen", date(2024, 1, 1))["minimum_age"] == 30
    # Tilburg's first version starts later; Groningen's does not make it earlier.
    assert _on(session, registry, "tilburg", date(2022, 1, 1))["pilot_places"] == 5


def test_a_duplicate_effective_date_is_a_conflict(groningen, session, registry):
    _add(session, registry, "groningen", {"minimum_age": 25}, date(2023, 7, 1))
    with pytest.raises(Conflict) as excinfo:
        _add(session, registry, "groningen", {"minimum_age": 40}, date(2023, 7, 1))
    assert "effective_from" in excinfo.value.errors
    session.rollback()
    # The first version stands.
    assert _on(session, registry, "groningen", date(2023, 7, 1))["minimum_age"] == 25
    tenant = tenant_service.get_by_slug(session, "groningen")
    with tenant_scope(session, tenant.id):
        assert session.scalar(select(func.count()).select_from(TenantSettingsVersion)) == 2


@pytest.mark.parametrize("values, field", [
    ({"minimum_age": 12}, "minimum_age"),
    ({"minimum_age": "old"}, "minimum_age"),
    ({"cao": "cao_unknown"}, "cao"),
    ({"no_such_setting": 1}, "no_such_setting"),
    ({"hours_per_week_min": 30, "hours_per_week_max": 24}, "hours_per_week_min"),
    ({"default_hours_per_week": 40}, "default_hours_per_week"),
    ({"pilot_places": 3}, "pilot_places"),  # Tilburg's setting is unknown to Groningen
])
def test_invalid_values_are_rejected_naming_the_field(groningen, session, registry, values, field):
    with pytest.raises(InvalidInput) as excinfo:
        _add(session, registry, "groningen", values, date(2024, 1, 1))
    assert field in excinfo.value.errors
    session.rollback()
    tenant = tenant_service.get_by_slug(session, "groningen")
    with tenant_scope(session, tenant.id):
        assert settings_service.version_on(session, date(2024, 1, 1)).effective_from == date(2020, 1, 1)


def test_stored_values_are_the_validated_ones_and_adding_is_audited(groningen, session, registry):
    version = _add(session, registry, "groningen", {"minimum_age": "26"}, date(2024, 1, 1))
    # Loaded and dumped (an int), merged with the version before it; defaults are not copied in.
    assert version.values == {"minimum_age": 26, "target_participants": 300}
    tenant = tenant_service.get_by_slug(session, "groningen")
    with tenant_scope(session, tenant.id):
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "settings.version_added")
                                 .order_by(AuditEvent.id)).all()
    assert [e.details["effective_from"] for e in events] == ["2020-01-01", "2024-01-01"]
    assert events[-1].details["changed"] == ["minimum_age"]


def test_the_api_shows_the_version_in_force_on_the_date(groningen, session, registry, client, make_token):
    _add(session, registry, "groningen", {"minimum_age": 25}, date(2023, 7, 1))
    session.remove()
    token = make_token(groningen, "viewer")

    def shown(on):
        response = client.get(f"/api/v1/t/groningen?on={on}", headers=auth(token))
        assert response.status_code == 200, response.json
        return response.json

    before = shown("2019-06-01")
    assert before["settings_on"] == "2019-06-01"
    assert before["settings_effective_from"] is None
    assert before["settings"]["minimum_age"] == 27 and before["settings"]["target_participants"] == 250

    first = shown("2023-06-30")
    assert first["settings_effective_from"] == "2020-01-01"
    assert first["settings"]["minimum_age"] == 30 and first["settings"]["target_participants"] == 300

    second = shown("2023-07-01")
    assert second["settings_effective_from"] == "2023-07-01"
    assert second["settings"]["minimum_age"] == 25 and second["settings"]["target_participants"] == 300

    bad = client.get("/api/v1/t/groningen?on=2023-13-01", headers=auth(token))
    assert bad.status_code == 422
    assert "on" in bad.json["errors"]
