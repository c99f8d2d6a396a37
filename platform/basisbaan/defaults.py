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
    return [
        ReportFormat("kpi-overview", "Kerncijfers", "Key figures",
                     "The platform's key figures for a date and period.", ("html", "pdf", "xlsx")),
        ReportFormat("data-export", "Gegevensexport", "Data export",
                     "Aggregated tables as a spreadsheet.", ("xlsx",)),
    ]


@hookimpl(trylast=True)
def demo_reference_data():
    return DemoReference()
