"""Groningen's neighbourhoods and organisations for the demo (names from the council letters; the
coaching and host organisations are illustrative, the letters do not name them)."""

from basisbaan.domain.municipality import DemoNeighbourhood as N
from basisbaan.domain.municipality import DemoOrganisation as O
from basisbaan.domain.municipality import DemoReference

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
)
