"""A fourth municipality that exists only in the tests: proves a plugin works without touching the core."""

from dataclasses import replace
from decimal import Decimal

from marshmallow import fields, validate

from basisbaan import hookimpl
from basisbaan.domain import eligibility
from basisbaan.domain.cao import WageScaleStep
from basisbaan.domain.cao_catalogue import CAO_AAN_DE_SLAG, terms_for
from basisbaan.domain.municipality import DemoNeighbourhood, DemoReference, MunicipalityInfo
from basisbaan.domain.settings import CoreSettingsSchema
from basisbaan.reports.formats import ReportFormat


class TestvilleSettings(CoreSettingsSchema):
    minimum_age = fields.Integer(load_default=30, validate=validate.Range(18, 67))
    welcome_text = fields.String(load_default="Welkom")


@hookimpl
def municipality_info():
    return MunicipalityInfo(name="Testville", cbs_code="GM9999", description_nl="Testgemeente",
                            description_en="Test municipality", primary_colour="#123456", logo_text="Testville")


@hookimpl
def settings_schema():
    return TestvilleSettings


@hookimpl
def eligibility_criteria(settings):
    return [eligibility.minimum_age("minimum_age")]


@hookimpl
def cao_terms(cao, on, settings):
    if cao != CAO_AAN_DE_SLAG:
        return None
    terms = terms_for(CAO_AAN_DE_SLAG, on)
    # A wage table above the minimum wage, so that scales are exercised (illustrative figures).
    return terms and replace(terms, scales=(WageScaleStep("B", "1", Decimal("15.00")),
                                            WageScaleStep("B", "2", Decimal("16.50"))))


@hookimpl
def report_formats():
    return [ReportFormat("testville-monitor", "Testmonitor", "Test monitor", "A report only Testville has.")]


@hookimpl
def demo_reference_data():
    return DemoReference(neighbourhoods=[DemoNeighbourhood("Testwijk")])
