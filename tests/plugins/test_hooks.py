"""The plugin contract (basisbaan.hookspecs) as a contract.

Every hookspec is documented and has a `test_hook_<name>` here that exercises it for every municipality
(the three installed plugins and `testville`, which exists only in the tests). Hooks are always called
through the per-tenant caller, `PluginRegistry.hooks(name)`: one municipality never sees another's answer,
whatever order the plugins were registered in.
"""

from __future__ import annotations

import inspect
import itertools
from datetime import date
from importlib.metadata import entry_points

import pluggy
import pytest
from marshmallow import ValidationError, missing
from sqlalchemy import select

import basisbaan_amersfoort.plugin
import basisbaan_groningen.plugin
import basisbaan_tilburg.plugin
from basisbaan import hookimpl, hookspecs
from basisbaan.domain.cao import CaoTerms
from basisbaan.domain.wellbeing import SELF_SUFFICIENCY_MATRIX, Instrument
from basisbaan.domain.eligibility import Criterion, Verdict, evaluate
from basisbaan.domain.municipality import DemoReference, MunicipalityInfo
from basisbaan.domain.settings import CoreSettingsSchema
from basisbaan.errors import InvalidInput
from basisbaan.extensions import db
from basisbaan.models import Tenant
from basisbaan.plugins import ENTRY_POINT_GROUP, PROJECT, PluginRegistry, UnknownPluginError
from basisbaan.reports.formats import ReportFormat
from basisbaan.services import settings as settings_service
from basisbaan.services import tenants as tenant_service
from basisbaan.services.audit import Actor
from basisbaan.tenancy import tenant_scope
from tests.conftest import MUNICIPALITIES, auth
from tests.plugins import testville

PLUGINS = {
    "groningen": basisbaan_groningen.plugin,
    "tilburg": basisbaan_tilburg.plugin,
    "amersfoort": basisbaan_amersfoort.plugin,
    "testville": testville,
}
INSTALLED = ("amersfoort", "groningen", "tilburg")
CORE_FORMATS = {"kpi-overview", "data-export"}
# Each municipality's own report for its council (basisbaan_<name>/reports.py).
OWN_FORMATS = {"groningen": {"groningen-council-letter"}, "tilburg": {"tilburg-pilot-monitor"},
               "amersfoort": {"amersfoort-feasibility"}, "testville": {"testville-monitor"}}


def hookspec_names() -> list[str]:
    """Every hook the contract declares, found the way pluggy finds them."""
    pm = pluggy.PluginManager(PROJECT)
    return sorted(name for name in dir(hookspecs) if pm.parse_hookspec_opts(hookspecs, name) is not None)


def loaded_settings(hooks, values=None) -> dict:
    return settings_service.load(hooks, values or {})


# --- the contract itself -----------------------------------------------------------------------------


def test_the_contract_declares_the_expected_hooks():
    assert hookspec_names() == sorted(["municipality_info", "settings_schema", "eligibility_criteria",
                                       "admission_places", "cao_terms", "wellbeing_instrument", "report_formats",
                                       "demo_reference_data"])


@pytest.mark.parametrize("name", hookspec_names())
def test_every_hookspec_is_documented(name):
    doc = inspect.getdoc(getattr(hookspecs, name)) or ""
    assert len(doc) >= 80, f"hookspec {name} needs a docstring saying when it is called and what it returns"
    lowered = doc.lower()
    assert "called" in lowered, f"hookspec {name}'s docstring does not say when the core calls it"
    assert "return" in lowered, f"hookspec {name}'s docstring does not say what it returns"


def test_every_hookspec_has_a_test_here():
    tests = {name for name, value in globals().items() if name.startswith("test_hook_") and callable(value)}
    missing_tests = [name for name in hookspec_names() if f"test_hook_{name}" not in tests]
    assert not missing_tests, f"hooks without a test_hook_<name> in {__name__}: {missing_tests}"
    stray = sorted(t for t in tests if t.removeprefix("test_hook_") not in hookspec_names())
    assert not stray, f"test_hook_ functions for hooks that do not exist: {stray}"


def test_plugin_implementations_match_the_hookspec_signatures():
    # pluggy refuses an implementation asking for an argument the spec does not have.
    registry = PluginRegistry(extra=PLUGINS, load_entry_points=False)
    for name in hookspec_names():
        spec_args = set(inspect.signature(getattr(hookspecs, name)).parameters)
        for plugin_name, plugin in PLUGINS.items():
            impl = getattr(plugin, name, None)
            if impl is not None:
                assert set(inspect.signature(impl).parameters) <= spec_args, (plugin_name, name)
    assert registry.names() == sorted(PLUGINS)


# --- one test per hook, for every municipality --------------------------------------------------------


@pytest.fixture(scope="module")
def plugin_registry(registry):
    """The tests' registry: the installed plugins from their entry points, plus testville."""
    assert set(registry.names()) >= set(PLUGINS)
    return registry


@pytest.mark.parametrize("name", sorted(PLUGINS))
def test_hook_municipality_info(plugin_registry, name):
    info = plugin_registry.hooks(name).municipality_info()
    assert isinstance(info, MunicipalityInfo)
    expected_name, expected_cbs = MUNICIPALITIES[name]
    assert (info.name, info.cbs_code) == (expected_name, expected_cbs)
    assert info.description_nl and info.description_en
    assert info.primary_colour.startswith("#") and len(info.primary_colour) == 7
    int(info.primary_colour[1:], 16)


def test_municipality_info_differs_per_municipality(plugin_registry):
    infos = {name: plugin_registry.hooks(name).municipality_info() for name in PLUGINS}
    assert len({i.cbs_code for i in infos.values()}) == len(PLUGINS)
    assert len({i.primary_colour for i in infos.values()}) == len(PLUGINS)


EXPECTED_DEFAULTS = {
    "groningen": {"minimum_age": 27, "minimum_assistance_years": 3, "cao": "cao_sw", "target_participants": 250,
                  "employer_name": "Thermiek BV"},
    "tilburg": {"pilot_places": 5, "contract_months": 24, "cao": "cao_sw", "employer_name": "Diamant-groep"},
    "amersfoort": {"minimum_assistance_years": 3, "cao": "cao_aan_de_slag",
                   "employer_name": "Gemeente Amersfoort"},
    "testville": {"minimum_age": 30, "welcome_text": "Welkom"},
}


@pytest.mark.parametrize("name", sorted(PLUGINS))
def test_hook_settings_schema(plugin_registry, name):
    schema_class = plugin_registry.hooks(name).settings_schema()
    assert issubclass(schema_class, CoreSettingsSchema), "keep the core's settings by extending its schema"
    schema = schema_class()
    # Every field has a default, so an empty version loads completely.
    no_default = [f for f, field in schema.fields.items() if field.load_default is missing]
    assert not no_default, f"{name}: fields without load_default: {no_default}"
    loaded = schema.load({})
    assert set(loaded) == set(schema.fields)
    for key, value in EXPECTED_DEFAULTS[name].items():
        assert loaded[key] == value, (name, key)
    # Unknown keys are rejected, naming the key.
    with pytest.raises(ValidationError) as excinfo:
        schema.load({"no_such_setting": 1})
    assert "no_such_setting" in excinfo.value.messages
    # The core's rule on hours holds in every municipality.
    with pytest.raises(ValidationError) as excinfo:
        schema.load({"hours_per_week_min": 30, "hours_per_week_max": 24})
    assert "hours_per_week_min" in excinfo.value.messages


def test_settings_schema_is_the_municipalitys_own(plugin_registry):
    schemas = {name: plugin_registry.hooks(name).settings_schema() for name in PLUGINS}
    assert len(set(schemas.values())) == len(PLUGINS)
    assert "pilot_places" in schemas["tilburg"]().fields
    assert "pilot_places" not in schemas["groningen"]().fields


EXPECTED_CRITERIA = {
    "groningen": ["social_assistance", "minimum_age", "no_reintegration_track", "no_prospect_of_work",
                  "available_hours"],
    "tilburg": ["social_assistance", "no_reintegration_track"],
    "amersfoort": ["long_term_or_after_participation_job", "no_reintegration_track"],
    "testville": ["minimum_age"],
}


@pytest.mark.parametrize("name", sorted(PLUGINS))
def test_hook_eligibility_criteria(plugin_registry, name):
    hooks = plugin_registry.hooks(name)
    settings = loaded_settings(hooks)
    criteria = hooks.eligibility_criteria(settings=settings)
    assert all(isinstance(c, Criterion) for c in criteria)
    assert [c.code for c in criteria] == EXPECTED_CRITERIA[name]
    on = date(2025, 6, 1)
    # Someone of 40 on assistance for ten years, no track, judged without prospects, 32 hours: passes everywhere.
    strong = {"date_of_birth": date(1985, 1, 1), "social_assistance_since": date(2015, 1, 1),
              "reintegration_track": None, "no_prospect_of_work": True, "available_hours": 32}
    assert evaluate(criteria, strong, on, settings).overall == Verdict.PASS
    # Someone not on assistance and aged 20 fails everywhere (each plugin has at least one of the checks).
    weak = {"date_of_birth": date(2005, 1, 1), "social_assistance_since": None}
    result = evaluate(criteria, weak, on, settings)
    assert result.overall == Verdict.FAIL
    assert all(r.explanation_nl and r.explanation_en for r in result.results)


def test_eligibility_criteria_use_the_settings_passed(plugin_registry):
    # Testville's minimum age comes from the settings in force, not from a constant.
    hooks = plugin_registry.hooks("testville")
    aged_28 = {"date_of_birth": date(1997, 1, 1)}
    on = date(2025, 6, 1)
    default = loaded_settings(hooks)
    lowered = loaded_settings(hooks, {"minimum_age": 25})
    assert evaluate(hooks.eligibility_criteria(settings=default), aged_28, on, default).overall == Verdict.FAIL
    assert evaluate(hooks.eligibility_criteria(settings=lowered), aged_28, on, lowered).overall == Verdict.PASS


EXPECTED_PLACES = {"groningen": None, "tilburg": 5, "amersfoort": None, "testville": None}


@pytest.mark.parametrize("name", sorted(PLUGINS))
def test_hook_admission_places(plugin_registry, name):
    hooks = plugin_registry.hooks(name)
    assert hooks.admission_places(settings=loaded_settings(hooks)) == EXPECTED_PLACES[name]


def test_admission_places_follow_the_settings(plugin_registry):
    hooks = plugin_registry.hooks("tilburg")
    assert hooks.admission_places(settings=loaded_settings(hooks, {"pilot_places": 12})) == 12


def test_groningen_criteria_leave_the_prospect_of_work_to_the_coach(plugin_registry):
    hooks = plugin_registry.hooks("groningen")
    settings = loaded_settings(hooks)
    facts = {"date_of_birth": date(1970, 1, 1), "social_assistance_since": date(2015, 1, 1),
             "reintegration_track": None, "no_prospect_of_work": None, "available_hours": 32}
    on = date(2023, 3, 1)
    result = evaluate(hooks.eligibility_criteria(settings=settings), facts, on, settings)
    assert result.overall == Verdict.JUDGEMENT
    assert [r.code for r in result.results if r.verdict == Verdict.JUDGEMENT] == ["no_prospect_of_work"]
    # 24 hours is outside 32-36: only by agreement.
    fewer = evaluate(hooks.eligibility_criteria(settings=settings), {**facts, "no_prospect_of_work": True,
                                                                     "available_hours": 24}, on, settings)
    assert fewer.overall == Verdict.JUDGEMENT
    agreed = evaluate(hooks.eligibility_criteria(settings=settings),
                      {**facts, "no_prospect_of_work": True, "available_hours": 24, "hours_agreed": True}, on, settings)
    assert agreed.overall == Verdict.PASS
    in_track = evaluate(hooks.eligibility_criteria(settings=settings),
                        {**facts, "no_prospect_of_work": True, "reintegration_track": "taal"}, on, settings)
    assert in_track.overall == Verdict.FAIL


def test_amersfoort_accepts_no_work_after_a_participation_job(plugin_registry):
    hooks = plugin_registry.hooks("amersfoort")
    settings = loaded_settings(hooks)
    recent = {"social_assistance_since": date(2024, 1, 1), "reintegration_track": None}
    on = date(2025, 6, 1)
    assert evaluate(hooks.eligibility_criteria(settings=settings), recent, on, settings).overall == Verdict.FAIL
    after_job = {**recent, "after_participation_job": True}
    assert evaluate(hooks.eligibility_criteria(settings=settings), after_job, on, settings).overall == Verdict.PASS


EXPECTED_CAO = {"groningen": "cao_sw", "tilburg": "cao_sw", "amersfoort": "cao_aan_de_slag",
                "testville": "cao_aan_de_slag"}


@pytest.mark.parametrize("name", sorted(PLUGINS))
def test_hook_wellbeing_instrument(plugin_registry, name):
    hooks = plugin_registry.hooks(name)
    instrument = hooks.wellbeing_instrument(settings=loaded_settings(hooks))
    assert isinstance(instrument, Instrument)
    assert instrument.low < instrument.high and len(set(instrument.codes)) == len(instrument.codes) >= 1
    for domain in instrument.domains:
        assert domain.label_nl and domain.label_en
    # A complete, in-scale set of scores passes; a missing domain and a score above the scale do not.
    assert instrument.errors(dict.fromkeys(instrument.codes, instrument.high)) == {}
    first, *_ = instrument.codes
    assert instrument.errors({first: instrument.high + 1}) == {
        first: "out_of_scale", **{code: "missing" for code in instrument.codes[1:]}}


def test_groningen_measures_its_own_five_domains_the_others_the_self_sufficiency_matrix(plugin_registry):
    codes = {name: plugin_registry.hooks(name).wellbeing_instrument(
        settings=loaded_settings(plugin_registry.hooks(name))).codes for name in ("groningen", "tilburg", "amersfoort")}
    assert codes["groningen"] == ("income", "savings", "debts", "social_contacts", "housing")
    assert codes["tilburg"] == codes["amersfoort"] == SELF_SUFFICIENCY_MATRIX.codes
    assert len(SELF_SUFFICIENCY_MATRIX.codes) == 13


@pytest.mark.parametrize("name", sorted(PLUGINS))
def test_hook_cao_terms(plugin_registry, name):
    hooks = plugin_registry.hooks(name)
    settings = loaded_settings(hooks)
    terms = hooks.cao_terms(cao=settings["cao"], on=date(2025, 6, 1), settings=settings)
    assert isinstance(terms, CaoTerms)
    assert terms.code == EXPECTED_CAO[name]
    assert terms.effective_from <= date(2025, 6, 1)
    # Before the agreement's first version there are no terms: a gap, never a guess.
    assert hooks.cao_terms(cao=settings["cao"], on=date(2018, 12, 31), settings=settings) is None


def test_amersfoort_offers_only_the_government_agreement_and_groningen_both(plugin_registry):
    on = date(2025, 6, 1)
    amersfoort = plugin_registry.hooks("amersfoort")
    settings = loaded_settings(amersfoort)
    assert amersfoort.cao_terms(cao="cao_aan_de_slag", on=on, settings=settings).pension_rate > 0
    assert amersfoort.cao_terms(cao="cao_sw", on=on, settings=settings) is None
    groningen = plugin_registry.hooks("groningen")
    settings = loaded_settings(groningen)
    assert {groningen.cao_terms(cao=code, on=on, settings=settings).code
            for code in ("cao_sw", "cao_aan_de_slag")} == {"cao_sw", "cao_aan_de_slag"}


def test_cao_terms_follow_the_date(plugin_registry):
    hooks = plugin_registry.hooks("amersfoort")
    settings = loaded_settings(hooks)
    assert hooks.cao_terms(cao="cao_aan_de_slag", on=date(2026, 12, 31), settings=settings).standard_week_hours == 38
    assert hooks.cao_terms(cao="cao_aan_de_slag", on=date(2027, 1, 1), settings=settings).standard_week_hours == 36


@pytest.mark.parametrize("name", sorted(PLUGINS))
def test_hook_report_formats(plugin_registry, name):
    collected = plugin_registry.hooks(name).report_formats()
    formats = [f for answer in collected for f in answer]
    assert all(isinstance(f, ReportFormat) for f in formats)
    ids = [f.id for f in formats]
    assert len(ids) == len(set(ids)), f"{name}: duplicate report format ids {ids}"
    expected = CORE_FORMATS | OWN_FORMATS[name]
    assert set(ids) == expected


EXPECTED_DEMO = {
    "groningen": ("Beijum", "Thermiek BV"),
    "tilburg": ("Reeshof", "Diamant-groep"),
    "amersfoort": ("Vathorst", "Gemeente Amersfoort"),
    "testville": ("Testwijk", None),
}


@pytest.mark.parametrize("name", sorted(PLUGINS))
def test_hook_demo_reference_data(plugin_registry, name):
    reference = plugin_registry.hooks(name).demo_reference_data()
    assert isinstance(reference, DemoReference)
    neighbourhood, organisation = EXPECTED_DEMO[name]
    names = [n.name for n in reference.neighbourhoods]
    assert neighbourhood in names
    assert len(names) == len(set(names))
    organisations = [o.name for o in reference.organisations]
    if organisation:
        assert organisation in organisations
    assert len(organisations) == len(set(organisations))
    # An organisation's neighbourhood is one of the municipality's own.
    for o in reference.organisations:
        assert o.neighbourhood is None or o.neighbourhood in names, (name, o.name)
    # Only this municipality's neighbourhoods: the other municipalities' signature ones are absent.
    others = {EXPECTED_DEMO[n][0] for n in PLUGINS if n != name}
    assert not others & set(names)


# --- per-tenant dispatch -----------------------------------------------------------------------------


def _registries_in_every_order():
    for order in itertools.permutations(PLUGINS):
        yield order, PluginRegistry(extra={n: PLUGINS[n] for n in order}, load_entry_points=False)


def test_each_municipality_gets_its_own_answer_whatever_the_registration_order():
    for order, registry in _registries_in_every_order():
        for name in PLUGINS:
            hooks = registry.hooks(name)
            assert hooks.municipality_info().name == MUNICIPALITIES[name][0], order
            assert hooks.settings_schema() is PLUGINS[name].settings_schema(), order
            settings = loaded_settings(hooks)
            assert [c.code for c in hooks.eligibility_criteria(settings=settings)] == EXPECTED_CRITERIA[name]
            assert hooks.cao_terms(cao=EXPECTED_CAO[name], on=date(2025, 1, 1), settings=settings).code == EXPECTED_CAO[name], order
            assert EXPECTED_DEMO[name][0] in [n.name for n in hooks.demo_reference_data().neighbourhoods]
            formats = {f.id for answer in hooks.report_formats() for f in answer}
            expected = CORE_FORMATS | OWN_FORMATS[name]
            assert formats == expected, (order, name)


def test_tilburg_never_gets_groningens_answer():
    for order in (("groningen", "tilburg"), ("tilburg", "groningen")):
        registry = PluginRegistry(extra={n: PLUGINS[n] for n in order}, load_entry_points=False)
        tilburg = registry.hooks("tilburg")
        assert tilburg.municipality_info().name == "Tilburg"
        assert tilburg.settings_schema().__name__ == "TilburgSettingsSchema"
        assert registry.hooks("groningen").municipality_info().name == "Groningen"
        # The plain pluggy hook would answer with whichever plugin came last; the tenant caller never does.
        assert registry.pm.hook.municipality_info().name == MUNICIPALITIES[order[-1]][0]


def test_no_answer_of_its_own_is_a_gap_not_another_municipalitys_answer():
    # Testville has no CAO terms before mid-2021. Groningen has (CAO SW from 2021-01-01). Testville's
    # caller must report the gap instead of falling through to Groningen's answer.
    on = date(2021, 3, 1)
    for order in (("groningen", "testville"), ("testville", "groningen")):
        registry = PluginRegistry(extra={n: PLUGINS[n] for n in order}, load_entry_points=False)
        settings = {"cao": "cao_sw"}
        assert registry.hooks("groningen").cao_terms(cao="cao_sw", on=on, settings=settings).code == "cao_sw"
        assert registry.hooks("testville").cao_terms(cao="cao_sw", on=on, settings=settings) is None
        assert registry.pm.hook.cao_terms(cao="cao_sw", on=on, settings=settings) is not None  # what a leak would look like


def test_core_defaults_answer_when_the_municipality_does_not():
    class Bare:
        @hookimpl
        def municipality_info(self):
            return MunicipalityInfo("Bare", "GM0001", "Kaal", "Bare")

    registry = PluginRegistry(extra={"bare": Bare(), "testville": testville}, load_entry_points=False)
    hooks = registry.hooks("bare")
    assert hooks.settings_schema() is CoreSettingsSchema
    assert hooks.eligibility_criteria(settings={}) == []
    assert hooks.demo_reference_data() == DemoReference()
    assert {f.id for answer in hooks.report_formats() for f in answer} == CORE_FORMATS
    assert hooks.cao_terms(cao="cao_sw", on=date(2025, 1, 1), settings={"cao": "cao_sw"}) is None


def test_a_plugin_name_registers_once():
    with pytest.raises(ValueError, match="groningen"):
        PluginRegistry(extra={"groningen": testville})  # the entry point already registered groningen


# --- discovery ---------------------------------------------------------------------------------------


def test_the_three_plugins_are_found_through_the_entry_points():
    found = {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}
    assert set(INSTALLED) <= set(found)
    registry = PluginRegistry()
    assert set(INSTALLED) <= set(registry.names())
    assert "testville" not in registry.names()
    for name in INSTALLED:
        assert registry.hooks(name).municipality_info().name == MUNICIPALITIES[name][0]


def test_binding_to_a_plugin_that_is_not_installed_names_the_installed_ones():
    registry = PluginRegistry()
    with pytest.raises(UnknownPluginError) as excinfo:
        registry.hooks("utrecht")
    message = str(excinfo.value)
    assert "utrecht" in message
    for name in INSTALLED:
        assert name in message


def test_creating_a_tenant_on_a_plugin_that_is_not_installed_is_refused(app, session, registry):
    with pytest.raises(InvalidInput) as excinfo:
        tenant_service.create_tenant(session, registry, slug="utrecht", name="Utrecht", plugin="utrecht",
                                     cbs_code="GM0344", actor=Actor.system("test"))
    message = " ".join(excinfo.value.errors["plugin"])
    assert "utrecht" in message
    for name in (*INSTALLED, "testville"):
        assert name in message
    session.commit()
    assert session.scalars(select(Tenant).where(Tenant.slug == "utrecht")).first() is None


# --- testville end to end ----------------------------------------------------------------------------


def test_testville_settings_are_validated_by_its_schema(app, session, registry):
    with pytest.raises(InvalidInput) as excinfo:
        tenant_service.create_tenant(session, registry, slug="testville", name="Testville", plugin="testville",
                                     cbs_code="GM9999", actor=Actor.system("test"), settings={"colour": "red"})
    assert "colour" in excinfo.value.errors
    with pytest.raises(InvalidInput) as excinfo:
        tenant_service.create_tenant(session, registry, slug="testville", name="Testville", plugin="testville",
                                     cbs_code="GM9999", actor=Actor.system("test"), settings={"minimum_age": 12})
    assert list(excinfo.value.errors) == ["minimum_age"]
    # Nothing half-created stays behind, even when the caller commits what it has.
    session.commit()
    assert session.scalars(select(Tenant).where(Tenant.slug == "testville")).first() is None
    # A setting another municipality has is unknown to Testville.
    with pytest.raises(InvalidInput) as excinfo:
        tenant_service.create_tenant(session, registry, slug="testville", name="Testville", plugin="testville",
                                     cbs_code="GM9999", actor=Actor.system("test"), settings={"pilot_places": 3})
    assert "pilot_places" in excinfo.value.errors


def test_testville_end_to_end(app, client, registry, make_token):
    with app.app_context():
        created = tenant_service.create_tenant(
            db.session, registry, slug="testville", name="Testville", plugin="testville", cbs_code="GM9999",
            actor=Actor.system("test"), settings={"minimum_age": 35}, settings_from=date(2024, 1, 1))
        db.session.commit()
        with tenant_scope(db.session, created.id):
            stored = settings_service.settings_on(db.session, registry.for_tenant(created), date(2024, 6, 1))
        assert stored["minimum_age"] == 35 and stored["welcome_text"] == "Welkom"
        from tests.conftest import TenantRef

        ref = TenantRef(created.id, created.slug, created.plugin)
        db.session.remove()
    token = make_token(ref, "admin")

    response = client.get("/api/v1/t/testville?on=2024-06-01", headers=auth(token))
    assert response.status_code == 200, response.json
    body = response.json
    assert body["plugin"] == "testville"
    assert body["cbs_code"] == "GM9999"
    assert body["description"] == "Test municipality"
    assert body["settings_effective_from"] == "2024-01-01"
    assert body["settings"]["minimum_age"] == 35  # chosen
    assert body["settings"]["welcome_text"] == "Welkom"  # Testville's default
    assert body["settings"]["hours_per_week_max"] == 36  # the core's default
    assert "pilot_places" not in body["settings"]

    created_nb = client.post("/api/v1/t/testville/neighbourhoods", headers=auth(token),
                             json={"name": "Testwijk", "kind": "district"})
    assert created_nb.status_code == 201, created_nb.json
    listed = client.get("/api/v1/t/testville/neighbourhoods", headers=auth(token))
    assert listed.status_code == 200
    assert [n["name"] for n in listed.json] == ["Testwijk"]
    one = client.get(f"/api/v1/t/testville/neighbourhoods/{created_nb.json['id']}", headers=auth(token))
    assert one.status_code == 200 and one.json["kind"] == "district"
