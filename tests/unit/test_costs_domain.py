"""Cost arithmetic without a database (basisbaan.domain.costs): year fractions, employment years and their
anniversaries (29 February included), the cuts of a period, the wage-cost subsidy of Participatiewet art. 10d,
how a line merges its bases and how totals add up. Expected values are computed here, independently."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from basisbaan.domain.costs import (COSTS, CONTRIBUTIONS, LINES, OFFSETS, Basis, Line, Missing, Totals, anniversaries,
                                    cut_points, employment_year, month_starts, wage_cost_subsidy, year_fraction)
from basisbaan.domain.national_parameters import (ASSISTANCE_PUBLISHED_UNTIL, COUPLE_HOUSEHOLDS,
                                                  MINIMUM_WAGE_PROVISIONAL_FROM, WAGE_COST_SUBSIDY_CAP,
                                                  WAGE_COST_SUBSIDY_CHARGES, WML_HOLIDAY_ALLOWANCE, MissingParameter,
                                                  assistance_monthly, assistance_norm_on, minimum_wage_is_provisional)

D = Decimal


# --- year_fraction ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("year", [2019, 2023, 2024, 2025, 2000, 2100])
def test_a_whole_calendar_year_is_exactly_one(year):
    assert year_fraction(date(year, 1, 1), date(year + 1, 1, 1)) == 1


@pytest.mark.parametrize("year, length", [(2023, 365), (2024, 366), (2025, 365), (2028, 366),
                                          (2000, 366), (1900, 365), (2100, 365)])
def test_a_day_is_one_over_the_length_of_its_year(year, length):
    assert year_fraction(date(year, 3, 1), date(year, 3, 2)) == D(1) / D(length)


def test_february_of_a_leap_year_counts_29_over_366():
    assert year_fraction(date(2024, 2, 1), date(2024, 3, 1)) == D(29) / D(366)
    assert year_fraction(date(2023, 2, 1), date(2023, 3, 1)) == D(28) / D(365)


def test_half_years_add_up_to_one():
    first, second = year_fraction(date(2024, 1, 1), date(2024, 7, 1)), year_fraction(date(2024, 7, 1), date(2025, 1, 1))
    assert first == D(182) / D(366) and second == D(184) / D(366)
    assert abs(first + second - 1) < D("1e-25")


def test_an_empty_stretch_is_zero():
    assert year_fraction(date(2024, 5, 5), date(2024, 5, 5)) == 0


def test_the_year_of_the_start_decides_the_length():
    # Callers cut at 1 January; a stretch that is not cut is priced with its first year's length.
    assert year_fraction(date(2023, 12, 1), date(2024, 1, 31)) == D(61) / D(365)
    assert year_fraction(date(2024, 12, 1), date(2025, 1, 31)) == D(61) / D(366)


# --- employment years and anniversaries ---------------------------------------------------------------------

@pytest.mark.parametrize("started, on, expected", [
    (date(2023, 3, 15), date(2023, 3, 15), 0),
    (date(2023, 3, 15), date(2024, 3, 14), 0),   # the day before the first anniversary
    (date(2023, 3, 15), date(2024, 3, 15), 1),   # the anniversary itself starts the second year
    (date(2023, 3, 15), date(2025, 3, 14), 1),
    (date(2023, 3, 15), date(2025, 3, 15), 2),
    (date(2023, 3, 15), date(2023, 1, 1), 0),    # before the start: never negative
    (date(2023, 3, 15), date(2020, 12, 31), 0),
    (date(2023, 1, 1), date(2023, 12, 31), 0),
    (date(2023, 1, 1), date(2024, 1, 1), 1),
    (date(2023, 12, 31), date(2024, 12, 30), 0),
    (date(2023, 12, 31), date(2024, 12, 31), 1),
    # Started on 29 February: the anniversary in a common year is 1 March.
    (date(2024, 2, 29), date(2025, 2, 28), 0),
    (date(2024, 2, 29), date(2025, 3, 1), 1),
    (date(2024, 2, 29), date(2028, 2, 28), 3),
    (date(2024, 2, 29), date(2028, 2, 29), 4),   # in a leap year on the day itself
    # Started on 1 March: 29 February of a leap year is still in the earlier year.
    (date(2023, 3, 1), date(2024, 2, 29), 0),
    (date(2023, 3, 1), date(2024, 3, 1), 1),
])
def test_employment_year(started, on, expected):
    assert employment_year(started, on) == expected


def test_anniversaries_are_each_employment_years_first_day():
    assert anniversaries(date(2023, 3, 15), date(2026, 1, 1)) == [date(2024, 3, 15), date(2025, 3, 15)]
    assert anniversaries(date(2023, 3, 15), date(2024, 3, 15)) == []  # the end is exclusive
    assert anniversaries(date(2023, 3, 15), date(2024, 3, 16)) == [date(2024, 3, 15)]
    assert anniversaries(date(2023, 1, 1), date(2024, 1, 1)) == []
    assert anniversaries(date(2023, 1, 1), date(2023, 6, 1)) == []
    assert anniversaries(date(2023, 1, 1), date(2020, 1, 1)) == []  # an end before the start


def test_anniversaries_of_29_february_fall_on_1_march_except_in_leap_years():
    assert anniversaries(date(2024, 2, 29), date(2029, 1, 1)) == [
        date(2025, 3, 1), date(2026, 3, 1), date(2027, 3, 1), date(2028, 2, 29)]


def test_anniversaries_agree_with_employment_year():
    for started in (date(2023, 3, 15), date(2024, 2, 29), date(2023, 3, 1), date(2022, 12, 31)):
        for day in anniversaries(started, date(2031, 1, 1)):
            n = employment_year(started, day)
            assert n >= 1
            assert employment_year(started, day - timedelta(days=1)) == n - 1, (started, day)


# --- cuts ------------------------------------------------------------------------------------------------

def test_cut_points_keep_marks_strictly_inside_sorted_and_once():
    start, end = date(2024, 1, 1), date(2025, 1, 1)
    marks_a = [date(2024, 7, 1), date(2024, 3, 15), None, date(2024, 1, 1), date(2025, 1, 1)]
    marks_b = [date(2023, 6, 1), date(2024, 3, 15), date(2026, 1, 1), date(2024, 12, 31)]
    assert cut_points(start, end, marks_a, marks_b) == [
        start, date(2024, 3, 15), date(2024, 7, 1), date(2024, 12, 31), end]


def test_cut_points_without_marks_are_the_bounds():
    assert cut_points(date(2024, 1, 1), date(2024, 2, 1)) == [date(2024, 1, 1), date(2024, 2, 1)]
    assert cut_points(date(2024, 1, 1), date(2024, 2, 1), [], [None]) == [date(2024, 1, 1), date(2024, 2, 1)]


def test_month_starts_from_the_month_of_the_start_until_before_the_end():
    assert month_starts(date(2023, 11, 15), date(2024, 2, 1)) == [date(2023, 11, 1), date(2023, 12, 1),
                                                                  date(2024, 1, 1)]
    assert month_starts(date(2023, 11, 15), date(2024, 2, 2)) == [date(2023, 11, 1), date(2023, 12, 1),
                                                                  date(2024, 1, 1), date(2024, 2, 1)]
    assert month_starts(date(2024, 12, 1), date(2024, 12, 2)) == [date(2024, 12, 1)]
    assert len(month_starts(date(2024, 1, 1), date(2025, 1, 1))) == 12


def test_month_starts_cut_a_period_into_calendar_months():
    start, end = date(2024, 1, 20), date(2024, 4, 10)
    marks = cut_points(start, end, month_starts(start, end))
    assert marks == [start, date(2024, 2, 1), date(2024, 3, 1), date(2024, 4, 1), end]
    assert sum((b - a).days for a, b in zip(marks, marks[1:])) == (end - start).days


# --- the wage-cost subsidy ------------------------------------------------------------------------------

def test_the_subsidy_constants_are_the_national_ones():
    assert WAGE_COST_SUBSIDY_CAP == D("0.70") and WAGE_COST_SUBSIDY_CHARGES == D("0.235")
    assert WML_HOLIDAY_ALLOWANCE == D("0.08")


def _wml(hourly, hours, days):
    return D(hourly) * D(hours) / 7 * days * D("1.08")


def test_a_wage_value_of_half_gives_half_the_minimum_wage_plus_charges():
    # 14.06 x 35 / 7 = 70.30 a day; x 7 days = 492.10; with 8% holiday allowance 531.468; half: 265.734.
    amount = wage_cost_subsidy(D("14.06"), D(35), 7, D(50))
    assert amount == D("265.734") * D("1.235") == D("328.181490")


def test_the_subsidy_is_capped_at_70_percent_of_the_minimum_wage():
    wml = _wml("14.06", 35, 7)
    cap = wml * D("0.70") * D("1.235")
    assert wage_cost_subsidy(D("14.06"), D(35), 7, D(0)) == cap   # no wage value: the cap, not 100%
    assert wage_cost_subsidy(D("14.06"), D(35), 7, D(10)) == cap
    assert wage_cost_subsidy(D("14.06"), D(35), 7, D(30)) == cap   # exactly at the cap
    below = wage_cost_subsidy(D("14.06"), D(35), 7, D(31))
    assert below == wml * D("0.69") * D("1.235") and below < cap


def test_a_full_wage_value_gives_no_subsidy():
    assert wage_cost_subsidy(D("14.06"), D(35), 30, D(100)) == 0


def test_the_subsidy_includes_235_permille_for_employer_charges():
    without = _wml("13.68", 28, 184) * D("0.40")
    assert wage_cost_subsidy(D("13.68"), D(28), 184, D(60)) == without * D("1.235")


def test_the_subsidy_is_proportional_to_days_and_hours():
    one = wage_cost_subsidy(D("14.40"), D(28), 1, D(45))
    assert wage_cost_subsidy(D("14.40"), D(28), 30, D(45)) == one * 30
    assert wage_cost_subsidy(D("14.40"), D(14), 30, D(45)) * 2 == one * 30
    assert wage_cost_subsidy(D("14.40"), D(28), 0, D(45)) == 0


def test_the_wage_value_may_be_given_as_an_integer_or_text_like_value():
    assert wage_cost_subsidy(D("14.06"), D(35), 7, 50) == wage_cost_subsidy(D("14.06"), D(35), 7, D("50.00"))


# --- lines and their bases ----------------------------------------------------------------------------------

def _basis(start, end, amount, rate="1500", unit="per_year", source="setting x", hours=None):
    return Basis(start, end, D(amount), D(rate), unit, source, None if hours is None else D(hours))


def test_basis_days_are_half_open():
    assert _basis(date(2024, 1, 1), date(2024, 2, 1), "1").days == 31
    assert _basis(date(2024, 2, 1), date(2024, 3, 1), "1").days == 29


def test_a_line_merges_consecutive_bases_with_equal_terms():
    line = Line("employership")
    line.add(_basis(date(2024, 1, 1), date(2024, 2, 1), "127.05"))
    line.add(_basis(date(2024, 2, 1), date(2024, 3, 1), "118.85"))
    line.add(_basis(date(2024, 3, 1), date(2024, 4, 1), "127.05"))
    assert line.amount == D("372.95")
    [only] = line.bases
    assert (only.start, only.end, only.amount, only.rate, only.days) == (date(2024, 1, 1), date(2024, 4, 1),
                                                                          D("372.95"), D(1500), 91)


@pytest.mark.parametrize("change", [
    {"rate": "2400"}, {"unit": "per_month"}, {"source": "setting y"}, {"hours": "28"},
])
def test_a_line_keeps_a_new_basis_when_anything_differs(change):
    line = Line("wages")
    line.add(_basis(date(2024, 1, 1), date(2024, 2, 1), "10"))
    line.add(_basis(date(2024, 2, 1), date(2024, 3, 1), "20", **change))
    assert len(line.bases) == 2 and line.amount == D(30)
    assert [b.amount for b in line.bases] == [D(10), D(20)]


def test_a_line_keeps_a_new_basis_after_a_gap():
    line = Line("coaching_municipal")
    line.add(_basis(date(2024, 1, 1), date(2024, 2, 1), "10"))
    line.add(_basis(date(2024, 2, 2), date(2024, 3, 1), "20"))
    assert [(b.start, b.end) for b in line.bases] == [(date(2024, 1, 1), date(2024, 2, 1)),
                                                       (date(2024, 2, 2), date(2024, 3, 1))]


def test_equal_hours_merge_and_a_change_back_starts_a_new_basis():
    line = Line("wages")
    line.add(_basis(date(2024, 1, 1), date(2024, 2, 1), "1", hours="35"))
    line.add(_basis(date(2024, 2, 1), date(2024, 3, 1), "1", hours="35.0"))
    line.add(_basis(date(2024, 3, 1), date(2024, 4, 1), "1", hours="28"))
    line.add(_basis(date(2024, 4, 1), date(2024, 5, 1), "1", hours="35"))
    assert [(b.start, b.end, b.hours) for b in line.bases] == [
        (date(2024, 1, 1), date(2024, 3, 1), D(35)), (date(2024, 3, 1), date(2024, 4, 1), D(28)),
        (date(2024, 4, 1), date(2024, 5, 1), D(35))]
    assert line.amount == 4


def test_a_new_line_is_empty():
    line = Line("training")
    assert line.amount == 0 and line.bases == []


# --- totals -----------------------------------------------------------------------------------------------

def test_the_line_codes_partition_into_costs_contributions_and_offsets():
    assert LINES == COSTS + CONTRIBUTIONS + OFFSETS
    assert len(set(LINES)) == len(LINES)
    assert CONTRIBUTIONS == ("host_contribution",)
    assert set(OFFSETS) == {"wage_cost_subsidy", "assistance_saved"}


def test_totals_gross_offsets_and_net():
    totals = Totals()
    assert set(totals.lines) == set(LINES) and all(v == 0 for v in totals.lines.values())
    for code, amount in (("wages", "20000.50"), ("employer_charges", "3000.25"), ("employership", "1500"),
                         ("coaching_external", "4000"), ("coaching_municipal", "1500"), ("training", "250"),
                         ("host_contribution", "-100"), ("wage_cost_subsidy", "-5000"),
                         ("assistance_saved", "-14475.10")):
        totals.add(code, D(amount))
    assert totals.costs == D("30250.75")
    assert totals.contributions == D("-100")
    assert totals.gross == D("30150.75")
    assert totals.offsets == D("-19475.10")
    assert totals.net == D("10675.65")
    assert totals.net == totals.costs + totals.contributions + totals.offsets


def test_totals_add_to_the_same_line_and_merge():
    a, b = Totals(), Totals()
    a.add("wages", D("1.10"))
    a.add("wages", D("2.20"))
    b.add("wages", D("0.70"))
    b.add("assistance_saved", D("-3"))
    a.merge(b)
    assert a.lines["wages"] == D("4.00") and a.lines["assistance_saved"] == D(-3)
    assert a.net == D("1.00") and a.offsets == D(-3) and a.gross == D(4)
    assert b.lines["wages"] == D("0.70")  # the merged one is unchanged


def test_totals_of_nothing_are_zero_decimals():
    totals = Totals()
    for name in ("costs", "contributions", "gross", "offsets", "net"):
        value = getattr(totals, name)
        assert isinstance(value, Decimal) and value == 0


def test_an_unknown_line_code_is_refused():
    with pytest.raises(KeyError):
        Totals().add("coffee", D(1))


def test_missing_is_a_value():
    assert Missing("social-assistance norm", date(2026, 1, 1)) == Missing("social-assistance norm", date(2026, 1, 1))
    assert len({Missing("x", date(2026, 1, 1)), Missing("x", date(2026, 1, 1))}) == 1


# --- national parameters the costs use ---------------------------------------------------------------------

@pytest.mark.parametrize("household, kind", [
    ("couple", "couple"), ("couple_with_children", "couple"), ("single", "single"), ("single_parent", "single"),
    ("other", "single"), (None, "single"),
])
def test_couples_get_the_couple_norm_everyone_else_the_single_norm(household, kind):
    on = date(2024, 9, 1)
    expected = {"couple": D("1869.21"), "single": D("1308.45")}[kind]
    assert assistance_monthly(on, household) == expected
    assert (household in COUPLE_HOUSEHOLDS) == (kind == "couple")


def test_the_couple_norm_is_about_the_single_norm_over_70_percent():
    for on in (date(2023, 1, 1), date(2023, 7, 1), date(2024, 1, 1), date(2024, 7, 1), date(2025, 1, 1),
               date(2025, 7, 1)):
        norm = assistance_norm_on(on)
        assert abs(norm.single_monthly / norm.couple_monthly - D("0.7")) < D("0.001"), on


def test_no_assistance_norm_after_the_last_published_one():
    assert ASSISTANCE_PUBLISHED_UNTIL == date(2025, 12, 31)
    assert assistance_monthly(date(2025, 12, 31), "couple") == D("1955.80")
    with pytest.raises(MissingParameter) as excinfo:
        assistance_monthly(date(2026, 1, 1), "single")
    assert excinfo.value.parameter == "social-assistance norm" and excinfo.value.on == date(2026, 1, 1)


def test_the_minimum_wage_is_provisional_from_the_first_unpublished_indexation():
    assert MINIMUM_WAGE_PROVISIONAL_FROM == date(2026, 7, 1)
    assert not minimum_wage_is_provisional(date(2026, 6, 30))
    assert minimum_wage_is_provisional(date(2026, 7, 1))
