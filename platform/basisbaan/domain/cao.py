"""Terms of a collective agreement (CAO) in force on a date, as a plugin supplies them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class CaoTerms:
    code: str  # e.g. "cao_sw", "cao_aan_de_slag"
    name: str
    effective_from: date
    standard_week_hours: Decimal
    holiday_allowance_rate: Decimal
    year_end_payment_rate: Decimal
    employer_charges_rate: Decimal
    pension_rate: Decimal
