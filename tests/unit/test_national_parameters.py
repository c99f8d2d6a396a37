"""Minimum wage and social-assistance norm as dated data (no database)."""

from datetime import date
from decimal import Decimal

import pytest

from basisbaan.domain.national_parameters import (ASSISTANCE_NORMS, MINIMUM_WAGE, MissingParameter, assistance_monthly,
                                                  assistance_norm_on,
                                                  minimum_hourly_wage, minimum_wage_on)


@pytest.mark.parametrize("on, week, expected", [
    (date(2020, 1, 1), 36, "10.60"),   # facts.md: hourly at a 36-hour week
    (date(2020, 7, 1), 36, "10.77"),
    (date(2022, 7, 1), 36, "11.26"),
    (date(2023, 3, 1), 36, "12.40"),
    (date(2023, 7, 1), 36, "12.79"),
    (date(2023, 3, 1), 38, "11.75"),   # a longer standard week: a lower hourly wage from the same month
    (date(2024, 1, 1), 36, "13.27"),   # from 2024 the law sets the hourly rate, whatever the week
    (date(2024, 1, 1), 38, "13.27"),
    (date(2025, 7, 1), 36, "14.40"),
    (date(2026, 11, 23), 36, "14.71"),
])
def test_hourly_minimum_wage_on_a_date(on, week, expected):
    assert minimum_hourly_wage(on, Decimal(week)) == Decimal(expected)


def test_indexation_changes_the_wage_on_1_january_and_1_july():
    assert minimum_hourly_wage(date(2024, 6, 30), Decimal(36)) == Decimal("13.27")
    assert minimum_hourly_wage(date(2024, 7, 1), Decimal(36)) == Decimal("13.68")
    assert minimum_hourly_wage(date(2022, 12, 31), Decimal(36)) == Decimal("11.26")
    assert minimum_hourly_wage(date(2023, 1, 1), Decimal(36)) == Decimal("12.40")


def test_rows_from_secondary_sources_say_so():
    assert minimum_wage_on(date(2021, 3, 1)).verified is False
    assert minimum_wage_on(date(2023, 3, 1)).verified is True
    assert all(row.source for row in MINIMUM_WAGE)
    assert [r.effective_from for r in MINIMUM_WAGE] == sorted(r.effective_from for r in MINIMUM_WAGE)


def test_a_date_without_a_published_rate_is_named_not_guessed():
    with pytest.raises(MissingParameter) as raised:
        minimum_hourly_wage(date(2019, 12, 31), Decimal(36))
    assert raised.value.parameter == "statutory minimum wage" and "2019-12-31" in str(raised.value)
    with pytest.raises(MissingParameter):
        assistance_norm_on(date(2022, 12, 31))
    # After the last published norm: named, never the last one carried forward silently.
    with pytest.raises(MissingParameter) as raised:
        assistance_monthly(date(2026, 1, 1), "single")
    assert raised.value.parameter == "social-assistance norm"


def test_assistance_norm_for_a_single_person_and_a_couple():
    assert assistance_norm_on(date(2024, 3, 1)).single_monthly == Decimal("1283.83")
    assert assistance_norm_on(date(2025, 12, 1)).single_monthly == Decimal("1369.06")
    assert assistance_monthly(date(2023, 3, 1), "single") == Decimal("1195.66")
    assert assistance_monthly(date(2023, 9, 1), "single_parent") == Decimal("1216.62")
    assert assistance_monthly(date(2023, 9, 1), "couple_with_children") == Decimal("1738.02")
    assert assistance_monthly(date(2024, 1, 1), None) == Decimal("1283.83")
    # The single norm is 70% of the couple norm wherever both were published.
    for row in ASSISTANCE_NORMS:
        assert abs(row.single_monthly / row.couple_monthly - Decimal("0.7")) < Decimal("0.0001"), row


def test_dates_after_the_last_published_rate_are_provisional_not_silently_final():
    from basisbaan.domain.national_parameters import MINIMUM_WAGE, minimum_wage_is_provisional

    last = MINIMUM_WAGE[-1].effective_from
    assert last == date(2026, 1, 1)
    assert not minimum_wage_is_provisional(date(2026, 6, 30))
    assert minimum_wage_is_provisional(date(2026, 7, 1))
    assert not minimum_wage_is_provisional(date(2023, 7, 1))
