"""Core defaults, registered as a plugin (trylast) so that a municipality overrides only what differs."""

from __future__ import annotations

from basisbaan.domain.municipality import DemoReference
from basisbaan.domain.settings import CoreSettingsSchema
from basisbaan.domain.wellbeing import SELF_SUFFICIENCY_MATRIX
from basisbaan.plugins import hookimpl
from basisbaan.reports.formats import ReportFormat


@hookimpl(trylast=True)
def settings_schema():
    return CoreSettingsSchema


@hookimpl(trylast=True)
def eligibility_criteria(settings):
    # A municipality without criteria of its own leaves every decision to the coach.
    return []


@hookimpl(trylast=True)
def admission_places(settings):
    return None


@hookimpl(trylast=True)
def wellbeing_instrument(settings):
    return SELF_SUFFICIENCY_MATRIX


@hookimpl(trylast=True)
def report_formats():
    # The key-figure overview and the data export (basisbaan.reports.core_formats).
    from basisbaan.reports.core_formats import FORMATS

    formats: list[ReportFormat] = list(FORMATS)
    return formats


@hookimpl(trylast=True)
def demo_reference_data():
    return DemoReference()
