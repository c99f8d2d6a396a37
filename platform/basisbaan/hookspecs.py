"""THE plugin contract between the core and a municipality plugin.

A municipality plugin is a module or object with functions marked `@basisbaan.hookimpl`, registered
through the entry-point group `basisbaan.municipalities`; the entry-point name is the plugin name a tenant
is bound to. The core never calls these hooks through `pm.hook`: it calls them through a per-tenant caller
(`PluginRegistry.for_tenant`) that sees only the tenant's own plugin plus the core defaults
(`basisbaan.defaults`, registered trylast). A plugin implements only what differs from the defaults.

Hooks marked firstresult return the first non-None answer, so the municipality's answer wins over the
core default. Settings passed to hooks are the tenant's settings in force on the date concerned, already
loaded (validated, defaults filled) with the schema from `settings_schema`.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

import pluggy

hookspec = pluggy.HookspecMarker("basisbaan")


@hookspec(firstresult=True)
def municipality_info():
    """Describe the municipality this plugin serves.

    Called by the core when a tenant is created or shown, and for the tenant's theme.
    Returns a `basisbaan.domain.municipality.MunicipalityInfo` (name, CBS code, description in Dutch and
    English, theme colour and logo text).
    """


@hookspec(firstresult=True)
def settings_schema():
    """Declare the settings this municipality's admins may tune, with their defaults.

    Called by the core whenever settings are validated (on creating or versioning them) or loaded for a
    date. Returns a marshmallow `Schema` class; every field must have `load_default` so that an empty
    settings version loads to the plugin's defaults. Unknown keys are rejected. Extend
    `basisbaan.domain.settings.CoreSettingsSchema` to keep the settings the core itself uses.
    """


@hookspec(firstresult=True)
def eligibility_criteria(settings: Mapping[str, Any]):
    """List the municipality's eligibility criteria for a basisbaan.

    Called by the intake service when a candidate is evaluated on a date, with the settings in force on
    that date. Returns a list of `basisbaan.domain.eligibility.Criterion`, in the order a coach should
    read them. Each criterion's check returns pass, fail or 'needs the coach's judgement' with an
    explanation in Dutch and English.
    """


@hookspec(firstresult=True)
def admission_places(settings: Mapping[str, Any]):
    """Say how many basisbanen the municipality can fill at once, if it has a fixed number.

    Called by the intake service when a coach decides to start a candidate. Returns an int (Tilburg's
    pilot: five places) or None for no fixed limit. When every place is taken, the candidate goes on the
    waiting list instead of starting.
    """


@hookspec(firstresult=True)
def cao_terms(cao: str, on: date, settings: Mapping[str, Any]):
    """Give the terms of collective agreement `cao` as the municipality's basisbanen apply it on a date.

    Called by the employment and cost services for every contract period they compute (wages, the CAO
    transition preview, costs), with the settings in force on that date; `cao` is the code on the
    contract (e.g. "cao_sw", "cao_aan_de_slag"). Returns a `basisbaan.domain.cao.CaoTerms`, or None when
    the municipality does not offer that agreement or has no terms for the date (the caller then reports
    the gap instead of guessing). Plugins usually answer from `basisbaan.domain.cao_catalogue`.
    """


@hookspec(firstresult=True)
def wellbeing_instrument(settings: Mapping[str, Any]):
    """Give the instrument the municipality measures wellbeing with.

    Called by the wellbeing service when a measurement is recorded or shown and when the change per domain
    is computed, with the settings in force on the measurement's date (or the period's end). Returns a
    `basisbaan.domain.wellbeing.Instrument` (code, names, domains with Dutch and English labels, scale).
    The core default is the 13-domain Self-Sufficiency Matrix scored 1-5. Changes are only computed between
    measurements on the same instrument, so a municipality that switches keeps its history readable.
    """


@hookspec
def report_formats():
    """Offer report formats.

    Called by the report engine to list what a tenant can produce. Every implementation answers (the
    core defaults add the KPI overview and the data export); returns a list of
    `basisbaan.reports.formats.ReportFormat`. Ids must be unique across the tenant's plugin and the core.
    """


@hookspec(firstresult=True)
def demo_reference_data():
    """Give the reference data the demo starts from: neighbourhoods and organisations.

    Called by `basisbaan demo` for each demo tenant. Returns a
    `basisbaan.domain.municipality.DemoReference`. Only public facts from the municipality's documents.
    """


