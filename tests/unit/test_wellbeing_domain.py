"""Wellbeing without a database (basisbaan.domain.wellbeing, domain.dates.add_months): the instruments
(the core's 13-domain Self-Sufficiency Matrix and Groningen's five domains), what is wrong with a set of
scores, the first and latest measurement per participant in a period, and the mean change per domain."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from basisbaan import defaults
from basisbaan.domain.dates import add_months
from basisbaan.domain.wellbeing import (SELF_SUFFICIENCY_MATRIX, Change, Domain, DomainChange, Instrument,
                                        Measurement, change, first_and_latest)
from basisbaan_groningen import plugin as groningen

D = Decimal
ZRM = SELF_SUFFICIENCY_MATRIX
ZRM_CODES = ("finances", "work_education", "time_use", "housing", "domestic_relations", "mental_health",
             "physical_health", "substance_use", "basic_adl", "instrumental_adl", "social_network",
             "community_participation", "justice")
BRUG = groningen.BRIDGE_TO_SELF_SUFFICIENCY
BRUG_CODES = ("income", "savings", "debts", "social_contacts", "housing")
SMALL = Instrument("small", "Klein", "Small", (Domain("a", "A nl", "A en"), Domain("b", "B nl", "B en")))


def m(pid, day: date, scores: dict, instrument: str = "small") -> Measurement:
    return Measurement(pid, day, instrument, scores)


# --- the instruments -----------------------------------------------------------------------------------------

def test_the_core_default_is_the_13_domain_self_sufficiency_matrix():
    assert defaults.wellbeing_instrument(settings={}) is ZRM
    assert ZRM.code == "zrm2017" and (ZRM.low, ZRM.high) == (1, 5)
    assert ZRM.codes == ZRM_CODES and len(ZRM.codes) == 13
    assert ZRM.label("mental_health", "nl") == "Geestelijke gezondheid"
    assert ZRM.label("mental_health", "en") == "Mental health"


def test_groningen_uses_the_five_domain_bridge_to_self_sufficiency():
    assert groningen.wellbeing_instrument(settings={}) is BRUG
    assert BRUG.code == "groningen_brug" and BRUG.codes == BRUG_CODES
    assert (BRUG.low, BRUG.high) == (1, 5)
    assert BRUG.label("debts", "nl") == "Schulden" and BRUG.label("debts", "en") == "Debts"


def test_label_of_an_unknown_domain_is_its_code_and_any_other_language_is_english():
    assert SMALL.label("zzz", "nl") == "zzz"
    assert SMALL.label("a", "de") == "A en"


# --- Instrument.errors -------------------------------------------------------------------------------------

def test_every_domain_scored_within_the_scale_has_no_errors():
    assert ZRM.errors(dict.fromkeys(ZRM_CODES, 3)) == {}
    assert BRUG.errors({"income": 1, "savings": 5, "debts": 2, "social_contacts": 3, "housing": 4}) == {}


def test_an_unknown_domain_is_named():
    assert SMALL.errors({"a": 1, "b": 2, "c": 3}) == {"c": "unknown"}


def test_a_missing_domain_is_named_also_when_sent_as_null():
    assert SMALL.errors({"a": 1}) == {"b": "missing"}
    assert SMALL.errors({"a": 1, "b": None}) == {"b": "missing"}
    assert SMALL.errors({}) == {"a": "missing", "b": "missing"}


@pytest.mark.parametrize("value", [0, 6, -1, 100])
def test_a_score_outside_the_scale_is_out_of_scale(value):
    assert SMALL.errors({"a": value, "b": 3}) == {"a": "out_of_scale"}


@pytest.mark.parametrize("value", [1, 5])
def test_the_ends_of_the_scale_are_fine(value):
    assert SMALL.errors({"a": value, "b": value}) == {}


@pytest.mark.parametrize("value", [True, False])
def test_a_boolean_is_no_score(value):
    # bool is an int subclass (True == 1): still refused.
    assert SMALL.errors({"a": value, "b": 3}) == {"a": "out_of_scale"}


@pytest.mark.parametrize("value", [3.0, 2.5, "3", D(3), [3], {"v": 3}])
def test_a_score_that_is_not_a_whole_number_is_out_of_scale(value):
    assert SMALL.errors({"a": value, "b": 3}) == {"a": "out_of_scale"}


def test_a_custom_scale_is_respected():
    wide = Instrument("wide", "Breed", "Wide", (Domain("a", "A", "A"),), low=0, high=10)
    assert wide.errors({"a": 0}) == {} and wide.errors({"a": 10}) == {}
    assert wide.errors({"a": 11}) == {"a": "out_of_scale"} and wide.errors({"a": -1}) == {"a": "out_of_scale"}


def test_every_problem_at_once():
    assert SMALL.errors({"a": 9, "x": 1, "y": 2}) == {"a": "out_of_scale", "b": "missing", "x": "unknown",
                                                      "y": "unknown"}


# --- first_and_latest --------------------------------------------------------------------------------------

S1, S2, S3 = {"a": 1, "b": 2}, {"a": 2, "b": 2}, {"a": 4, "b": 1}


def test_the_first_and_the_latest_measurement_per_participant_whatever_the_input_order():
    first, middle, latest = m("p", date(2023, 1, 10), S1), m("p", date(2023, 4, 1), S2), m("p", date(2023, 7, 1), S3)
    pairs = first_and_latest([latest, first, middle], "small", None, date(2024, 1, 1))
    assert pairs == {"p": (first, latest)}
    assert pairs["p"][0] is first and pairs["p"][1] is latest


def test_a_single_measurement_gives_no_pair():
    assert first_and_latest([m("p", date(2023, 1, 10), S1)], "small", None, date(2024, 1, 1)) == {}


def test_only_measurements_before_end_count():
    first, second, on_end = m("p", date(2023, 1, 10), S1), m("p", date(2023, 5, 1), S2), m("p", date(2023, 6, 1), S3)
    pairs = first_and_latest([first, second, on_end], "small", None, date(2023, 6, 1))  # `end` is exclusive
    assert pairs == {"p": (first, second)}
    # With only one measurement before `end`, no pair.
    assert first_and_latest([first, second], "small", None, date(2023, 5, 1)) == {}


def test_the_latest_must_lie_in_the_period():
    first, latest = m("p", date(2023, 1, 10), S1), m("p", date(2023, 5, 1), S2)
    # The latest on the period's first day: included ([start, end)).
    assert first_and_latest([first, latest], "small", date(2023, 5, 1), date(2023, 6, 1)) == {"p": (first, latest)}
    # The latest before the period: left out, even though the first lies anywhere.
    assert first_and_latest([first, latest], "small", date(2023, 5, 2), date(2023, 6, 1)) == {}
    # The first may lie before the period; only the latest is held to it.
    assert first_and_latest([first, latest], "small", date(2023, 3, 1), date(2023, 6, 1)) == {"p": (first, latest)}


def test_the_latest_is_the_latest_before_end_not_the_latest_ever():
    first, in_period, later = (m("p", date(2023, 1, 10), S1), m("p", date(2023, 3, 1), S2),
                               m("p", date(2023, 9, 1), S3))
    assert first_and_latest([first, in_period, later], "small", date(2023, 2, 1), date(2023, 4, 1)) == {
        "p": (first, in_period)}


def test_other_instruments_are_ignored():
    mine, other, mine_later = (m("p", date(2023, 1, 1), S1), m("p", date(2023, 2, 1), S2, "zrm2017"),
                               m("p", date(2023, 3, 1), S3))
    assert first_and_latest([mine, other, mine_later], "small", None, date(2024, 1, 1)) == {"p": (mine, mine_later)}
    # One measurement on the instrument and one on another: no pair.
    assert first_and_latest([mine, other], "small", None, date(2024, 1, 1)) == {}
    assert first_and_latest([mine, other, mine_later], "zrm2017", None, date(2024, 1, 1)) == {}


def test_participants_are_kept_apart():
    a1, a2 = m("a", date(2023, 1, 1), S1), m("a", date(2023, 6, 1), S3)
    b1, b2 = m("b", date(2023, 2, 1), S2), m("b", date(2023, 2, 15), S1)
    c1 = m("c", date(2023, 3, 1), S1)
    pairs = first_and_latest([b2, a2, c1, a1, b1], "small", None, date(2024, 1, 1))
    assert pairs == {"a": (a1, a2), "b": (b1, b2)}


def test_two_measurements_on_one_day_make_a_pair():
    one, two = m("p", date(2023, 1, 1), S1), m("p", date(2023, 1, 1), S3)
    assert first_and_latest([one, two], "small", None, date(2024, 1, 1)) == {"p": (one, two)}


def test_nothing_gives_nothing():
    assert first_and_latest([], "small", None, date(2024, 1, 1)) == {}


# --- change ------------------------------------------------------------------------------------------------

def test_change_is_the_mean_first_mean_latest_and_mean_change_per_domain():
    pairs = {
        "p": (m("p", date(2023, 1, 1), {"a": 1, "b": 2}), m("p", date(2023, 6, 1), {"a": 3, "b": 2})),
        "q": (m("q", date(2023, 1, 1), {"a": 2, "b": 4}), m("q", date(2023, 6, 1), {"a": 2, "b": 1})),
    }
    result = change(SMALL, pairs)
    assert isinstance(result, Change) and result.participants == 2
    # a: first (1 + 2) / 2 = 1.5, latest (3 + 2) / 2 = 2.5, change (2 + 0) / 2 = 1
    # b: first (2 + 4) / 2 = 3, latest (2 + 1) / 2 = 1.5, change (0 - 3) / 2 = -1.5
    assert result.domains == (DomainChange("a", D("1.5"), D("2.5"), D(1)),
                              DomainChange("b", D(3), D("1.5"), D("-1.5")))


def test_change_is_an_exact_decimal_mean():
    pairs = {pid: (m(pid, date(2023, 1, 1), {"a": f, "b": 1}), m(pid, date(2023, 6, 1), {"a": l, "b": 1}))
             for pid, f, l in (("p", 1, 2), ("q", 1, 2), ("r", 1, 1))}
    [a, b] = change(SMALL, pairs).domains
    assert a.code == "a" and a.first == D(1) and a.change == D(2) / D(3)  # 2/3, as a Decimal
    assert a.latest == D(5) / D(3)
    assert round(a.change, 2) == D("0.67")
    assert b == DomainChange("b", D(1), D(1), D(0))


def test_change_follows_the_instruments_domain_order_and_skips_domains_without_scores():
    pairs = {"p": (m("p", date(2023, 1, 1), {"b": 1, "x": 5}), m("p", date(2023, 6, 1), {"b": 4, "x": 1}))}
    result = change(SMALL, pairs)
    assert result.participants == 1
    assert result.domains == (DomainChange("b", D(1), D(4), D(3)),)  # "a" has no scores, "x" is no domain


def test_a_domain_scored_only_once_by_a_participant_is_left_out_for_them():
    pairs = {
        "p": (m("p", date(2023, 1, 1), {"a": 1, "b": 1}), m("p", date(2023, 6, 1), {"a": 5})),
        "q": (m("q", date(2023, 1, 1), {"a": 2, "b": 2}), m("q", date(2023, 6, 1), {"a": 2, "b": 5})),
    }
    result = change(SMALL, pairs)
    assert result.participants == 2
    assert result.domains == (DomainChange("a", D("1.5"), D("3.5"), D(2)), DomainChange("b", D(2), D(5), D(3)))


def test_change_of_nobody():
    assert change(SMALL, {}) == Change(0, ())


def test_change_over_a_period_end_to_end():
    measured = [m("p", date(2023, 1, 1), {"a": 2, "b": 2}), m("p", date(2023, 7, 1), {"a": 4, "b": 3}),
                m("q", date(2023, 2, 1), {"a": 1, "b": 1}), m("q", date(2023, 3, 1), {"a": 3, "b": 3}),
                m("r", date(2023, 8, 1), {"a": 1, "b": 1})]
    pairs = first_and_latest(measured, "small", date(2023, 6, 1), date(2024, 1, 1))
    assert set(pairs) == {"p"}  # q's latest lies before the period, r was measured once
    assert change(SMALL, pairs) == Change(1, (DomainChange("a", D(2), D(4), D(2)), DomainChange("b", D(2), D(3), D(1))))


# --- add_months ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("day, months, expected", [
    (date(2023, 1, 15), 1, date(2023, 2, 15)),
    (date(2023, 1, 15), 6, date(2023, 7, 15)),
    (date(2023, 1, 31), 1, date(2023, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
    (date(2023, 3, 31), 1, date(2023, 4, 30)),
    (date(2023, 8, 31), 6, date(2024, 2, 29)),
    (date(2023, 8, 30), 6, date(2024, 2, 29)),
    (date(2023, 8, 29), 6, date(2024, 2, 29)),
    (date(2022, 8, 29), 6, date(2023, 2, 28)),
    (date(2023, 12, 15), 1, date(2024, 1, 15)),  # December rolls over into the next year
    (date(2023, 11, 30), 2, date(2024, 1, 30)),
    (date(2023, 7, 1), 6, date(2024, 1, 1)),
    (date(2023, 12, 31), 12, date(2024, 12, 31)),
    (date(2023, 5, 10), 24, date(2025, 5, 10)),
    (date(2023, 5, 10), 0, date(2023, 5, 10)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
])
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize("day, months, expected", [
    (date(2023, 3, 15), -1, date(2023, 2, 15)),
    (date(2023, 1, 15), -1, date(2022, 12, 15)),  # back over the year
    (date(2023, 3, 31), -1, date(2023, 2, 28)),
    (date(2024, 3, 31), -1, date(2024, 2, 29)),
    (date(2023, 7, 31), -6, date(2023, 1, 31)),
    (date(2023, 1, 31), -13, date(2021, 12, 31)),
    (date(2023, 6, 30), -12, date(2022, 6, 30)),
])
def test_add_months_backwards(day, months, expected):
    assert add_months(day, months) == expected


def test_add_months_every_day_of_a_year_lands_in_the_right_month_on_the_same_or_its_last_day():
    one_day = timedelta(days=1)
    day = date(2023, 1, 1)
    while day <= date(2024, 12, 31):
        for months in (1, 6, 11, 12, -1, -7):
            result = add_months(day, months)
            assert result.year * 12 + result.month - 1 == day.year * 12 + day.month - 1 + months, (day, months)
            # The same day, or (when the month is shorter) the month's last day.
            assert result.day == day.day or (result.day < day.day and (result + one_day).day == 1), (day, months)
        day += one_day
