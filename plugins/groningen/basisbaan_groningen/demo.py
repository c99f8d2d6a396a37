"""Groningen's neighbourhoods and organisations for the demo (names from the council letters; the
coaching and host organisations are illustrative, the letters do not name them)."""

from basisbaan.domain.municipality import DemoNeighbourhood as N
from basisbaan.domain.municipality import DemoOrganisation as O
from datetime import date

from basisbaan.domain.municipality import DemoFunnel, DemoReference

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
    funnel=DemoFunnel(first_referral=date(2020, 1, 6), last_decision=date(2023, 2, 24), started=50,
                      not_started={"cannot": 20, "will_not": 40, "may_not": 40}, on_hold=1),
)
