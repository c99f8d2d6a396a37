"""A fourth municipality that exists only in the tests: proves a plugin works without touching the core."""

from marshmallow import fields, validate

from basisbaan import hookimpl
from basisbaan.domain import eligibility
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
def cao_terms(on, settings):
    return terms_for(CAO_AAN_DE_SLAG, on)


@hookimpl
def report_formats():
    return [ReportFormat("testville-monitor", "Testmonitor", "Test monitor", "A report only Testville has.")]


@hookimpl
def demo_reference_data():
    return DemoReference(neighbourhoods=[DemoNeighbourhood("Testwijk")])
