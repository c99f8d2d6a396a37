"""Collective agreements as dated data (no database)."""

from datetime import date
from decimal import Decimal

from basisbaan.domain.cao_catalogue import CAO_AAN_DE_SLAG, CAO_SW, terms_for


def test_version_in_force_on_a_date():
    assert terms_for(CAO_AAN_DE_SLAG, date(2026, 12, 31)).standard_week_hours == Decimal("38")
    assert terms_for(CAO_AAN_DE_SLAG, date(2027, 1, 1)).standard_week_hours == Decimal("36")
    assert terms_for(CAO_SW, date(2023, 3, 1)).year_end_payment_rate == Decimal("0.0375")


def test_no_terms_before_the_first_version_or_for_unknown_codes():
    assert terms_for(CAO_AAN_DE_SLAG, date(2021, 6, 30)) is None
    assert terms_for("cao_unknown", date(2024, 1, 1)) is None
