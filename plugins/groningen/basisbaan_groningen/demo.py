"""Groningen's neighbourhoods and organisations for the demo (names from the council letters; the
coaching and host organisations are illustrative, the letters do not name them)."""

from basisbaan.domain.municipality import DemoNeighbourhood as N
from basisbaan.domain.municipality import DemoOrganisation as O
from datetime import date

from basisbaan.domain.municipality import (DemoCohort, DemoEmployment, DemoExit, DemoForecast, DemoFunding, DemoFunnel,
                                           DemoReference)
from basisbaan.domain.municipality import DemoTask as T

REFERENCE = DemoReference(
    neighbourhoods=[
        N("De Hoogte/Indische Buurt"), N("Beijum"), N("Paddepoel"), N("De Wijert"), N("Rivierenbuurt"),
        N("Oosterpark"), N("Vinkhuizen"), N("Korrewegwijk"), N("Selwerd"), N("Lewenborg"),
        N("Centrum"), N("Helpman"), N("Corpus den Hoorn"), N("Hoogkerk", "village"),
        N("Haren", "village"), N("Ten Boer", "village"),
    ],
    organisations=[
        O("Thermiek BV", is_employer=True, description="Werkgever van de basisbaners (CAO SW)."),
        O("Gemeente Groningen", is_employer=True, is_coaching=True,
          description="Coaches van de gemeente: inkomen en welzijn."),
        O("Begeleidende partij Noord", is_coaching=True, description="Werkbegeleiding (illustratief)."),
        O("Begeleidende partij Zuid", is_coaching=True, description="Werkbegeleiding (illustratief)."),
        O("Begeleidende partij Oost", is_coaching=True, description="Werkbegeleiding (illustratief)."),
        O("Buurtcentrum Beijum", is_host=True, neighbourhood="Beijum"),
        O("Wijkblad Oosterpark", is_host=True, neighbourhood="Oosterpark"),
        O("Sportvereniging Paddepoel", is_host=True, neighbourhood="Paddepoel"),
        O("Woningcorporatie Stad", is_host=True, description="Afspraken over extra basisbanen (illustratief)."),
    ],
    # Council letter of 8 March 2023: 151 candidates spoken, 100 did not start (20% cannot, 40% will not,
    # 40% may not), 33% started. One candidate was still undecided.
    funnels=(
        DemoFunnel(first_referral=date(2020, 1, 6), last_decision=date(2023, 2, 24), started=50,
                   not_started={"cannot": 20, "will_not": 40, "may_not": 40}, on_hold=1),
        # After the letter (no published funnel): the same mix of reasons, for the 81 who started by April 2024.
        DemoFunnel(first_referral=date(2023, 3, 1), last_decision=date(2024, 3, 15), started=81,
                   not_started={"cannot": 20, "will_not": 40, "may_not": 40}),
    ),
    # The work from the letter of 8 March 2023 (hosts illustrative, as above).
    tasks=(
        T("Lichte onderhoudswerkzaamheden in het buurtcentrum", "maintenance", "Beijum", "Buurtcentrum Beijum",
          physical_demand="medium", demands=("lifting", "standing")),
        T("Host op wijklocaties", "hosting", "De Hoogte/Indische Buurt", demands=("contact_with_residents",)),
        T("Zwerfafval signaleren en opruimen", "litter", "Paddepoel", demands=("outdoors", "walking")),
        T("Fietsstewards assisteren", "cycling", "Centrum", demands=("outdoors", "standing")),
        # "Enkele organisaties leveren een bijdrage" (letter of March 2023): small contributions (illustrative).
        T("Meewerken aan het wijkblad", "newsletter", "Oosterpark", "Wijkblad Oosterpark", source="area_team",
          host_contribution_per_year=300),
        T("Sportvereniging ondersteunen", "sports", "Paddepoel", "Sportvereniging Paddepoel",
          physical_demand="medium", demands=("outdoors",), host_contribution_per_year=250),
        T("Buurtbewoners helpen ontspullen", "residents", "De Wijert", demands=("contact_with_residents", "lifting"),
          physical_demand="medium", source="area_team"),
        T("Buurten met een bakkie", "residents", "Rivierenbuurt", demands=("contact_with_residents",),
          source="area_team"),
        T("Buddy voor kwetsbare buurtbewoners", "residents", "Vinkhuizen", demands=("contact_with_residents",),
          source="area_team"),
        T("Beperkt vervoer binnen de wijk", "transport", "Lewenborg", demands=("driving",)),
        T("Uitleenbeheer gereedschap", "tool_lending", "Korrewegwijk"),
        T("Speeltuin schoonmaken", "playgrounds", "Selwerd", demands=("outdoors", "children")),
        T("Assisteren op scholen en kindcentra", "schools", "Helpman", demands=("children",)),
        T("Assisteren in de kringloopwinkel", "second_hand", "Hoogkerk", physical_demand="medium",
          demands=("lifting", "standing")),
        T("Klussen in het dorpshuis", "maintenance", "Haren", physical_demand="medium", demands=("lifting",),
          source="made_to_fit", first_check=date(2021, 12, 1)),
        T("Woningcorporatie: groen en gemeenschappelijke ruimten", "maintenance", "Corpus den Hoorn",
          "Woningcorporatie Stad", physical_demand="medium", demands=("outdoors",), first_check=date(2022, 12, 9)),
    ),
    employment=DemoEmployment(
        employer="Thermiek BV", cao="cao_sw",
        coaching_organisations=("Begeleidende partij Noord", "Begeleidende partij Zuid", "Begeleidende partij Oost"),
        cohorts=(
            # 7 contracts on 1 March 2020, three more that year, before the intake was recorded (assumption:
            # the letter's funnel of 151 spoken covers 50 of the 60 who started by March 2023).
            DemoCohort(date(2020, 3, 1), date(2020, 3, 1), 7, funnel=None),
            DemoCohort(date(2020, 5, 1), date(2020, 9, 30), 3, funnel=None),
            DemoCohort(date(2020, 10, 1), date(2021, 2, 3), 15, funnel=0),  # 25 working on 3 February 2021
            DemoCohort(date(2021, 2, 4), date(2023, 2, 28), 35, funnel=0),  # 60 started, 56 working in March 2023
            DemoCohort(date(2023, 4, 17), date(2024, 3, 31), 81, funnel=1),  # 141 started, 132 working in April 2024
        ),
        contract_months=12,
        exits=(
            # Letter of March 2023: four exits, no drop-out.
            DemoExit(date(2021, 9, 14), "deceased"), DemoExit(date(2022, 3, 31), "pension_age"),
            DemoExit(date(2022, 8, 31), "regular_job"), DemoExit(date(2022, 11, 30), "self_employed"),
            # Letter of April 2024: nine in all.
            DemoExit(date(2023, 6, 30), "regular_job"), DemoExit(date(2023, 8, 15), "deceased"),
            DemoExit(date(2023, 10, 31), "pension_age"), DemoExit(date(2023, 12, 31), "sheltered_work"),
            DemoExit(date(2024, 2, 29), "back_on_benefits"),
        ),
        # 60% 32 hours, 14% 36 hours, 26% between 20 and 28 hours; average almost 31.
        hours_on=date(2023, 3, 1), hours=((32, 34), (36, 8), (20, 3), (24, 5), (28, 6)),
        neighbourhoods_on=date(2023, 3, 1),
        neighbourhoods=(("De Hoogte/Indische Buurt", 9), ("Beijum", 7), ("Paddepoel", 6), ("De Wijert", 5),
                        ("Rivierenbuurt", 5), ("Oosterpark", 4), ("Vinkhuizen", 4)),
        permanent_after_years=3, permanent_on=date(2024, 4, 1), permanent_count=20,
        # 3.6% over 2021, 11.7% from September 2022 to February 2023, 7.3% over the project to March 2023
        # (the two stretches the letter does not give are set so that the whole comes to 7.3%).
        absence=((date(2021, 1, 1), date(2022, 1, 1), 0.036), (date(2022, 9, 1), date(2023, 3, 1), 0.117),
                 (date(2020, 3, 1), date(2023, 3, 1), 0.073), (date(2023, 3, 1), date(2026, 11, 1), 0.06)),
        # Almost 7 hours a week at the start, 2.4 in the second half of 2021, 1.9 in the second half of 2022.
        coaching=((date(2020, 3, 1), date(2020, 6, 1), 6.9), (date(2021, 7, 1), date(2022, 1, 1), 2.4),
                  (date(2022, 7, 1), date(2023, 1, 1), 1.9)),
        # 13 of the 56 receive support from the municipal credit bank (GKB).
        debt_support_on=date(2023, 3, 1), debt_support_count=13,
    ),
    # Autumn 2023: 200,000 euro from the National Programme Groningen (letter of 2024); the housing corporations
    # agreed to create basisbanen together (prestatieafspraken) - the amount here is illustrative.
    funding=(
        DemoFunding("Nationaal Programma Groningen", "grant", 200000, date(2023, 10, 1), date(2025, 12, 31),
                    funder="Nationaal Programma Groningen", earmark="Werken en leren: extra basisbanen",
                    conditions="Verantwoording per jaar over het aantal extra banen.",
                    allocations=((2024, 100000), (2025, 100000))),
        DemoFunding("Prestatieafspraken woningcorporaties", "agreement", 150000, date(2024, 1, 1),
                    date(2026, 12, 31), funder="Woningcorporaties in Groningen",
                    conditions="Taken in en rond de complexen van de corporaties; bedrag illustratief.",
                    allocations=((2024, 50000), (2025, 50000), (2026, 50000))),
    ),
    # The coalition agreement: 250 basisbanen, growing by at least 50 a year.
    forecasts=(DemoForecast("Groei naar 250 in 2026", "Minstens 50 erbij per jaar tot 250 (coalitieakkoord).", {
        "start_year": 2024, "end_year": 2026, "growth_per_year": 50, "target": 250, "hours_per_week": "32",
        "cao": "cao_sw", "carry_forward_norms": True}),),
)
