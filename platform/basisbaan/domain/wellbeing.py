"""Wellbeing instruments (scores per life domain) and the change from a first to a latest measurement.

The instrument is the municipality's (hook `wellbeing_instrument`); the core default is the 13 domains of
the Self-Sufficiency Matrix (ZRM 2017), each scored 1 (acute problems) to 5 (fully self-sufficient).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Mapping, Sequence


@dataclass(frozen=True)
class Domain:
    code: str
    label_nl: str
    label_en: str


@dataclass(frozen=True)
class Instrument:
    code: str
    name_nl: str
    name_en: str
    domains: tuple[Domain, ...]
    low: int = 1
    high: int = 5

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(d.code for d in self.domains)

    def label(self, code: str, language: str) -> str:
        for domain in self.domains:
            if domain.code == code:
                return domain.label_nl if language == "nl" else domain.label_en
        return code

    def errors(self, scores: Mapping[str, object]) -> dict[str, str]:
        """Per domain what is wrong: every domain scored once, a whole number within the scale."""
        found: dict[str, str] = {}
        for code in scores:
            if code not in self.codes:
                found[code] = "unknown"
        for code in self.codes:
            value = scores.get(code)
            if value is None:
                found[code] = "missing"
            elif isinstance(value, bool) or not isinstance(value, int) or not self.low <= value <= self.high:
                found[code] = "out_of_scale"
        return found


SELF_SUFFICIENCY_MATRIX = Instrument("zrm2017", "Zelfredzaamheid-Matrix (ZRM 2017)", "Self-Sufficiency Matrix (ZRM 2017)", (
    Domain("finances", "Financiën", "Finances"),
    Domain("work_education", "Werk en opleiding", "Work and education"),
    Domain("time_use", "Tijdsbesteding", "Time use"),
    Domain("housing", "Huisvesting", "Housing"),
    Domain("domestic_relations", "Huiselijke relaties", "Domestic relations"),
    Domain("mental_health", "Geestelijke gezondheid", "Mental health"),
    Domain("physical_health", "Lichamelijke gezondheid", "Physical health"),
    Domain("substance_use", "Middelengebruik", "Substance use"),
    Domain("basic_adl", "Basale ADL", "Basic daily living"),
    Domain("instrumental_adl", "Instrumentele ADL", "Instrumental daily living"),
    Domain("social_network", "Sociaal netwerk", "Social network"),
    Domain("community_participation", "Maatschappelijke participatie", "Community participation"),
    Domain("justice", "Justitie", "Justice"),
))


@dataclass(frozen=True)
class Measurement:
    participant_id: object
    measured_on: date
    instrument: str
    scores: Mapping[str, int]


@dataclass(frozen=True)
class DomainChange:
    code: str
    first: Decimal  # mean first score
    latest: Decimal  # mean latest score
    change: Decimal  # mean of (latest - first)


@dataclass(frozen=True)
class Change:
    participants: int
    domains: tuple[DomainChange, ...]


def first_and_latest(measurements: Sequence[Measurement], instrument: str, start: date | None, end: date
                     ) -> dict[object, tuple[Measurement, Measurement]]:
    """Per participant: the first measurement on `instrument` and the latest before `end`, when that latest
    lies in [start, end) and differs from the first (a change needs two measurements)."""
    found: dict[object, tuple[Measurement, Measurement]] = {}
    for m in sorted(measurements, key=lambda m: m.measured_on):
        if m.instrument != instrument or m.measured_on >= end:
            continue
        first = found.get(m.participant_id, (m, m))[0]
        found[m.participant_id] = (first, m)
    return {pid: pair for pid, pair in found.items()
            if pair[0] is not pair[1] and (start is None or pair[1].measured_on >= start)}


def change(instrument: Instrument, pairs: Mapping[object, tuple[Measurement, Measurement]]) -> Change:
    """Mean first score, mean latest score and mean change per domain over the participants in `pairs`."""
    count = len(pairs)
    domains = []
    for code in instrument.codes:
        firsts = [Decimal(first.scores[code]) for first, latest in pairs.values() if code in first.scores
                  and code in latest.scores]
        latests = [Decimal(latest.scores[code]) for first, latest in pairs.values() if code in first.scores
                   and code in latest.scores]
        if not firsts:
            continue
        n = Decimal(len(firsts))
        domains.append(DomainChange(code, sum(firsts) / n, sum(latests) / n, (sum(latests) - sum(firsts)) / n))
    return Change(count, tuple(domains))
