"""Groningen's answers to the plugin contract (basisbaan.hookspecs)."""

from basisbaan import hookimpl
from basisbaan.domain import eligibility
from basisbaan.domain.cao_catalogue import terms_for
from basisbaan.domain.municipality import MunicipalityInfo
from basisbaan.domain.wellbeing import Domain, Instrument

from basisbaan_groningen.demo import REFERENCE
from basisbaan_groningen.settings import GroningenSettingsSchema


@hookimpl
def municipality_info():
    return MunicipalityInfo(
        name="Groningen",
        cbs_code="GM0014",
        description_nl="Basisbanen sinds maart 2020; groei naar 250 in 2026.",
        description_en="Basic jobs since March 2020; growing to 250 by 2026.",
        primary_colour="#c7081b",
        logo_text="Gemeente Groningen",
    )


@hookimpl
def settings_schema():
    return GroningenSettingsSchema


@hookimpl
def eligibility_criteria(settings):
    # From the municipality's site and council letters; "long-term" per the Amersfoort note on Groningen.
    return [
        eligibility.on_social_assistance("minimum_assistance_years"),
        eligibility.minimum_age("minimum_age"),
        eligibility.no_reintegration_track(),
        eligibility.no_prospect_of_work(),
        eligibility.available_hours("eligible_hours_min", "eligible_hours_max"),
    ]


@hookimpl
def cao_terms(cao, on, settings):
    # Both agreements: CAO SW today, CAO Aan de Slag as the move being studied.
    return terms_for(cao, on)


# "Brug naar zelfredzaamheid" as the council letter of 8 March 2023 reports it (figure 1): five life
# domains. The letter shows no scale; we use 1-5 like the Self-Sufficiency Matrix it derives from.
BRIDGE_TO_SELF_SUFFICIENCY = Instrument(
    "groningen_brug", "Brug naar zelfredzaamheid", "Bridge to self-sufficiency", (
        Domain("income", "Inkomen", "Income"),
        Domain("savings", "Kunnen sparen", "Savings"),
        Domain("debts", "Schulden", "Debts"),
        Domain("social_contacts", "Sociale contacten", "Social contacts"),
        Domain("housing", "Wonen", "Housing"),
    ))


@hookimpl
def wellbeing_instrument(settings):
    return BRIDGE_TO_SELF_SUFFICIENCY



@hookimpl
def report_formats():
    # Its own report for the council (basisbaan_groningen.reports); the core adds the key figures and the export.
    from basisbaan_groningen.reports import FORMATS

    return list(FORMATS)


@hookimpl
def demo_reference_data():
    return REFERENCE
