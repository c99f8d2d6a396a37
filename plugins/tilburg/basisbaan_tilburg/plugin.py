"""Tilburg's answers to the plugin contract (basisbaan.hookspecs)."""

from datetime import date

from basisbaan import hookimpl
from basisbaan.domain import eligibility
from basisbaan.domain.cao_catalogue import terms_for
from basisbaan.domain.municipality import DemoNeighbourhood as N
from basisbaan.domain.municipality import DemoOrganisation as O
from basisbaan.domain.municipality import (DemoCohort, DemoEmployment, DemoFunnel, DemoReference, DemoTask,
                                           MunicipalityInfo)

from basisbaan_tilburg.settings import TilburgSettingsSchema


@hookimpl
def municipality_info():
    return MunicipalityInfo(
        name="Tilburg",
        cbs_code="GM0855",
        description_nl="Pilot met vijf basisbanen sinds de zomer van 2023, tweejarige contracten.",
        description_en="Pilot of five basic jobs since summer 2023, two-year contracts.",
        primary_colour="#0a6b50",
        logo_text="Gemeente Tilburg",
    )


@hookimpl
def settings_schema():
    return TilburgSettingsSchema


@hookimpl
def eligibility_criteria(settings):
    return [eligibility.on_social_assistance(), eligibility.no_reintegration_track()]


@hookimpl
def admission_places(settings):
    return settings["pilot_places"]


@hookimpl
def cao_terms(cao, on, settings):
    # Both agreements: CAO SW today, CAO Aan de Slag as the move being studied.
    return terms_for(cao, on)



@hookimpl
def report_formats():
    # Its own report for the council (basisbaan_tilburg.reports); the core adds the key figures and the export.
    from basisbaan_tilburg.reports import FORMATS

    return list(FORMATS)


@hookimpl
def demo_reference_data():
    return DemoReference(
        neighbourhoods=[N("Centrum"), N("Noord"), N("Oud-Noord"), N("Oost"), N("Zuid"), N("West"),
                        N("Reeshof"), N("Berkel-Enschot", "village"), N("Udenhout", "village")],
        organisations=[
            O("Diamant-groep", is_employer=True, is_coaching=True,
              description="Werkgever en jobcoach van de pilot."),
            O("Gemeente Tilburg", is_coaching=True, description="Coaches van de gemeente."),
            O("Buurthuis Reeshof", is_host=True, neighbourhood="Reeshof",
              description="Werkbiedende partij, betaalt een vergoeding (illustratief)."),
        ],
        # The pilot of five places from summer 2023; more candidates than places wait.
        funnels=(DemoFunnel(first_referral=date(2023, 3, 1), last_decision=date(2023, 8, 31), started=5,
                            waiting_list=3, not_started={"will_not": 2, "may_not": 1}, in_conversation=2),),
        # Host organisations pay a fee for the work (amounts illustrative).
        tasks=(DemoTask("Gastheer op wijklocaties", "hosting", "Reeshof", places=3,
                        demands=("contact_with_residents",), first_check=date(2023, 2, 15),
                        host_contribution_per_year=2400),
               DemoTask("Zwerfafval in de wijk", "litter", "Reeshof", places=3, demands=("outdoors", "walking"),
                        first_check=date(2023, 2, 15), host_contribution_per_year=1200)),
        # Five starting in the summer of 2023 with Diamant-groep on two-year contracts (renewed in 2025).
        employment=DemoEmployment(
            employer="Diamant-groep", cao="cao_sw", coaching_organisations=("Diamant-groep",),
            cohorts=(DemoCohort(date(2023, 7, 3), date(2023, 8, 28), 5),), contract_months=24,
            hours=((32, 3), (28, 2)), absence=((date(2023, 7, 1), date(2026, 11, 1), 0.05),)),
    )
