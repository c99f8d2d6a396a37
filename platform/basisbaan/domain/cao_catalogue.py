"""The collective agreements basisbanen use, as dated data (first version; the employment issue refines it).

Rates are fractions of gross wage. Sources: ../shared/reference/facts.md. Where a rate was found only in
secondary sources, `note` says so; a date with no terms gives None, never a guess.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from basisbaan.domain.cao import CaoTerms

CAO_SW = "cao_sw"
CAO_AAN_DE_SLAG = "cao_aan_de_slag"

_TERMS: dict[str, list[CaoTerms]] = {
    CAO_SW: [
        CaoTerms(CAO_SW, "CAO SW", date(2021, 1, 1), Decimal("36"), Decimal("0.08"), Decimal("0.0375"),
                 Decimal("0.18"), Decimal("0.06")),
    ],
    CAO_AAN_DE_SLAG: [
        CaoTerms(CAO_AAN_DE_SLAG, "CAO Aan de Slag", date(2021, 7, 1), Decimal("38"), Decimal("0.08"),
                 Decimal("0"), Decimal("0.18"), Decimal("0.06")),
        CaoTerms(CAO_AAN_DE_SLAG, "CAO Aan de Slag", date(2026, 1, 1), Decimal("38"), Decimal("0.08"),
                 Decimal("0"), Decimal("0.18"), Decimal("0.06")),
        CaoTerms(CAO_AAN_DE_SLAG, "CAO Aan de Slag", date(2027, 1, 1), Decimal("36"), Decimal("0.08"),
                 Decimal("0"), Decimal("0.18"), Decimal("0.06")),
    ],
}

CAO_CODES = tuple(_TERMS)


def terms_for(code: str, on: date) -> CaoTerms | None:
    """The version of agreement `code` in force on `on`, or None before its first version."""
    in_force = [t for t in _TERMS.get(code, []) if t.effective_from <= on]
    return max(in_force, key=lambda t: t.effective_from) if in_force else None
