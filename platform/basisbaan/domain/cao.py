"""Terms of a collective agreement (CAO) in force on a date, as a plugin supplies them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class WageScaleStep:
    """One cell of a CAO wage table: the hourly wage of a scale and step (e.g. scale "B", step "3")."""

    scale: str
    step: str
    hourly: Decimal


@dataclass(frozen=True)
class CaoTerms:
    """The terms of agreement `code` from `effective_from` until its next version.

    Rates are fractions: of the gross wage for holiday allowance and year-end payment; of the gross wage
    including both for employer charges and pension. `scales` lists the CAO's wage table where it has one
    above the minimum wage; everybody earns at least the statutory minimum wage whatever the table says.
    """

    code: str  # e.g. "cao_sw", "cao_aan_de_slag"
    name: str
    effective_from: date
    standard_week_hours: Decimal
    holiday_allowance_rate: Decimal
    year_end_payment_rate: Decimal
    employer_charges_rate: Decimal
    pension_rate: Decimal
    scales: tuple[WageScaleStep, ...] = ()
    source: str = ""
    verified: bool = True

    def scale_wage(self, scale: str | None, step: str | None) -> Decimal | None:
        """The table's hourly wage for (scale, step); None when no scale is given or the table lacks it."""
        if not scale:
            return None
        for cell in self.scales:
            if cell.scale == scale and (cell.step == (step or "")):
                return cell.hourly
        return None

    def has_scale(self, scale: str, step: str | None) -> bool:
        return self.scale_wage(scale, step) is not None
