"""Amersfoort's answers to the plugin contract (basisbaan.hookspecs)."""

from datetime import date

from basisbaan import hookimpl
from basisbaan.domain import eligibility
from basisbaan.domain.cao_catalogue import CAO_AAN_DE_SLAG, terms_for
from basisbaan.domain.municipality import DemoNeighbourhood as N
from basisbaan.domain.municipality import DemoOrganisation as O
from basisbaan.domain.municipality import DemoForecast, DemoFunnel, DemoReference, MunicipalityInfo

from basisbaan_amersfoort.settings import AmersfoortSettingsSchema


@hookimpl
def municipality_info():
    return MunicipalityInfo(
        name="Amersfoort",
        cbs_code="GM0307",
        description_nl="Onderzoek naar basisbanen op verzoek van de gemeenteraad (motie).",
        description_en="Researching basic jobs at the council's request (motion).",
        primary_colour="#6b2c91",
        logo_text="Gemeente Amersfoort",
    )


@hookimpl
def settings_schema():
    return AmersfoortSettingsSchema


@hookimpl
def eligibility_criteria(settings):
    return [eligibility.long_term_assistance_or_after_participation_job("minimum_assistance_years"),
            eligibility.no_reintegration_track()]


@hookimpl
def cao_terms(cao, on, settings):
    # The motion asks for a government CAO with pension accrual and at least the minimum wage: CAO Aan de
    # Slag (VNG; pension PWRI) with the municipality as employer. Other agreements are not offered.
    return terms_for(cao, on) if cao == CAO_AAN_DE_SLAG else None



@hookimpl
def report_formats():
    # Its own report for the council (basisbaan_amersfoort.reports); the core adds the key figures and the export.
    from basisbaan_amersfoort.reports import FORMATS

    return list(FORMATS)


@hookimpl
def demo_reference_data():
    return DemoReference(
        neighbourhoods=[N("Binnenstad"), N("Kruiskamp"), N("Liendert"), N("Rustenburg"), N("Schothorst"),
                        N("Soesterkwartier"), N("Vathorst"), N("Nieuwland"), N("Hoogland", "village")],
        organisations=[O("Gemeente Amersfoort", is_employer=True, is_coaching=True,
                         description="Werkgever volgens de notitie bij de motie.")],
        # Research stage after the council motion: a pool of candidates, no one started yet.
        funnels=(DemoFunnel(first_referral=date(2024, 9, 2), last_decision=date(2025, 3, 31), referred_only=12,
                          in_conversation=8),),
        # The motion's third question: what do basisbanen cost under the government CAO with pension?
        forecasts=(DemoForecast("Haalbaarheid 20 basisbanen", "Twintig basisbanen vanaf 2026 onder de CAO Aan de "
                                "Slag (overheids-cao met pensioen), minimaal het minimumloon.", {
                                    "start_year": 2026, "end_year": 2028, "growth_per_year": 20, "target": 20,
                                    "hours_per_week": "32", "cao": "cao_aan_de_slag",
                                    "carry_forward_norms": True}),),
    )
