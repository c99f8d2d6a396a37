"""The collective agreements basisbanen use, as dated data.

Rates are fractions (see basisbaan.domain.cao.CaoTerms). Sources: ../shared/reference/facts.md. Where a
rate was found only in secondary sources, `verified` is False and reports can say so; a date with no terms
gives None, never a guess.

- Holiday allowance: 8% (the statutory minimum, which both agreements follow).
- Year-end payment: CAO SW 3.75% of the annual wage (facts.md: "since 2016; verify"). CAO Aan de Slag had
  none until its 2026 agreement, which brings a fixed 350 euro a year; a fixed amount is not a rate, so it
  is left to the cost parameters (issue 7) rather than folded in here.
- Employer charges: social premiums on a minimum-wage job are about 17-18% of gross pay (facts.md); 18%.
- Pension (PWRI for both, facts.md "verify"): an employer share of 6% of wages, an assumption to refine.
- Standard week: CAO SW 36 hours; CAO Aan de Slag 38 hours until 2026, 36 hours from 2027-01-01.
- Wage tables above the minimum wage are not in our sources ("almost everyone earns WML"), so no scale
  table is shipped; a municipality plugin may supply one in its own CaoTerms.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from basisbaan.domain.cao import CaoTerms

CAO_SW = "cao_sw"
CAO_AAN_DE_SLAG = "cao_aan_de_slag"

_D = Decimal

_TERMS: dict[str, list[CaoTerms]] = {
    CAO_SW: [
        # Groningen's first contracts (March 2020) fell under the CAO SW 2019-2020; same rates assumed.
        CaoTerms(CAO_SW, "CAO SW", date(2019, 1, 1), _D("36"), _D("0.08"), _D("0.0375"), _D("0.18"), _D("0.06"),
                 source="CAO SW 2019-2020 (rates assumed equal to 2021-2025)", verified=False),
        CaoTerms(CAO_SW, "CAO SW", date(2021, 1, 1), _D("36"), _D("0.08"), _D("0.0375"), _D("0.18"), _D("0.06"),
                 source="CAO SW 2021-2025 (VNG, FNV Overheid, CNV Overheid)", verified=False),
    ],
    CAO_AAN_DE_SLAG: [
        CaoTerms(CAO_AAN_DE_SLAG, "CAO Aan de Slag", date(2021, 7, 1), _D("38"), _D("0.08"), _D("0"), _D("0.18"),
                 _D("0.06"), source="CAO Aan de Slag 2021-2023 (cao code 8108)", verified=False),
        CaoTerms(CAO_AAN_DE_SLAG, "CAO Aan de Slag", date(2026, 1, 1), _D("38"), _D("0.08"), _D("0"), _D("0.18"),
                 _D("0.06"), source="CAO Aan de Slag 2026-2027", verified=False),
        CaoTerms(CAO_AAN_DE_SLAG, "CAO Aan de Slag", date(2027, 1, 1), _D("36"), _D("0.08"), _D("0"), _D("0.18"),
                 _D("0.06"), source="CAO Aan de Slag 2026-2027 (36-hour week from 2027)", verified=False),
    ],
}

CAO_CODES = tuple(_TERMS)
CAO_NAMES = {code: versions[0].name for code, versions in _TERMS.items()}


def terms_for(code: str, on: date) -> CaoTerms | None:
    """The version of agreement `code` in force on `on`, or None before its first version."""
    in_force = [t for t in _TERMS.get(code, []) if t.effective_from <= on]
    return max(in_force, key=lambda t: t.effective_from) if in_force else None
