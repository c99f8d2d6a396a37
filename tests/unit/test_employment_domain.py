"""Employment arithmetic without a database (basisbaan.domain.employment, CaoTerms.scale_wage and
contracts.first_contract_end). Every expected value is worked out by hand in the comments.

Hours per week that are multiples of 7 (7, 14, 21, 28, 35) give whole contracted hours per calendar day,
so totals compare exactly as Decimals.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from basisbaan.domain.cao import CaoTerms, WageScaleStep
from basisbaan.domain.cao_catalogue import CAO_AAN_DE_SLAG, CAO_SW, terms_for
from basisbaan.domain.employment import (DAY, EPISODE_GAP, GATEKEEPER_WEEKS, AbsenceTotals, HourlyWage,
                                         MissingTerms, SickPeriod, TermsPeriod, VersionTerms, WageCost,
                                         absence_totals, annual_wage_cost, contract_periods, episodes,
                                         exclusive_end, gatekeeper_deadlines, hourly_wage, overlap, pay_factor,
                                         terms_on, wage_cost, wage_cost_over)
from basisbaan.domain.national_parameters import MissingParameter
from basisbaan.services.contracts import first_contract_end

D = Decimal
SW = terms_for(CAO_SW, date(2023, 1, 1))  # 36-hour week, 8% + 3.75%, charges 18%, pension 6%
ADS_2023 = terms_for(CAO_AAN_DE_SLAG, date(2023, 1, 1))  # 38-hour week, 8%, no year-end payment
ADS_2026 = terms_for(CAO_AAN_DE_SLAG, date(2026, 6, 1))
ADS_2027 = terms_for(CAO_AAN_DE_SLAG, date(2027, 1, 1))  # 36-hour week from 2027
# Testville's wage table (tests/plugins/testville.py): B/1 = 15.00, B/2 = 16.50.
SCALED = replace(terms_for(CAO_AAN_DE_SLAG, date(2025, 1, 1)),
                 scales=(WageScaleStep("B", "1", D("15.00")), WageScaleStep("B", "2", D("16.50"))))


def period(start, end, hours=35, cao=CAO_SW, participant="p", contract="c", **extra) -> TermsPeriod:
    return TermsPeriod(participant, contract, start, end, D(hours), cao, **extra)


def sick(start, end, percentage=100, participant="p") -> SickPeriod:
    return SickPeriod(participant, start, end, D(percentage))


# --- periods --------------------------------------------------------------------------------------------

def test_exclusive_end_turns_a_last_day_into_the_day_after():
    assert exclusive_end(date(2023, 12, 31)) == date(2024, 1, 1)
    assert exclusive_end(date(2024, 2, 28)) == date(2024, 2, 29)
    assert exclusive_end(None) is None


@pytest.mark.parametrize("a, b, expected", [
    ((date(2023, 1, 1), date(2023, 2, 1)), (date(2023, 1, 15), date(2023, 3, 1)), (date(2023, 1, 15), date(2023, 2, 1))),
    ((date(2023, 1, 1), None), (date(2023, 1, 15), date(2023, 3, 1)), (date(2023, 1, 15), date(2023, 3, 1))),
    ((date(2023, 1, 1), None), (date(2022, 1, 1), None), (date(2023, 1, 1), None)),
    # Half-open: touching periods share no day.
    ((date(2023, 1, 1), date(2023, 2, 1)), (date(2023, 2, 1), date(2023, 3, 1)), None),
    ((date(2023, 3, 1), None), (date(2023, 1, 1), date(2023, 3, 1)), None),
    ((date(2023, 1, 1), date(2023, 1, 2)), (date(2023, 1, 1), date(2023, 1, 2)), (date(2023, 1, 1), date(2023, 1, 2))),
])
def test_overlap_of_half_open_periods(a, b, expected):
    assert overlap(*a, *b) == expected
    assert overlap(*b, *a) == expected


def test_a_contract_is_cut_at_each_version_and_clipped_to_its_last_day():
    versions = [  # given out of order: sorted by valid_from
        VersionTerms(date(2023, 6, 1), D("36"), CAO_SW),
        VersionTerms(date(2023, 1, 1), D("32"), CAO_SW),
        VersionTerms(date(2023, 10, 1), D("36"), CAO_AAN_DE_SLAG, "B", "1", D("14.00")),
    ]
    found = contract_periods("p", "c", date(2023, 1, 1), date(2023, 12, 31), versions)
    assert [(p.start, p.end, p.hours_per_week, p.cao) for p in found] == [
        (date(2023, 1, 1), date(2023, 6, 1), D(32), CAO_SW),
        (date(2023, 6, 1), date(2023, 10, 1), D(36), CAO_SW),
        (date(2023, 10, 1), date(2024, 1, 1), D(36), CAO_AAN_DE_SLAG),  # last day 12-31 -> end 2024-01-01
    ]
    last = found[-1]
    assert (last.wage_scale, last.wage_step, last.guaranteed_hourly_wage) == ("B", "1", D("14.00"))
    assert {(p.participant_id, p.contract_id) for p in found} == {("p", "c")}


def test_versions_after_the_last_day_are_ignored_and_a_terminated_contract_stops_there():
    versions = [VersionTerms(date(2023, 1, 1), D(32), CAO_SW), VersionTerms(date(2023, 9, 1), D(36), CAO_SW)]
    # Terminated on 2023-05-15 (the exit): the September version never applies.
    found = contract_periods("p", "c", date(2023, 1, 1), date(2023, 5, 15), versions)
    assert [(p.start, p.end, p.hours_per_week) for p in found] == [(date(2023, 1, 1), date(2023, 5, 16), D(32))]
    # A version from exactly the day after the last day is ignored too.
    found = contract_periods("p", "c", date(2023, 1, 1), date(2023, 8, 31), versions)
    assert [(p.start, p.end) for p in found] == [(date(2023, 1, 1), date(2023, 9, 1))]
    # A version on the last day gives a one-day period.
    found = contract_periods("p", "c", date(2023, 1, 1), date(2023, 9, 1), versions)
    assert [(p.start, p.end) for p in found] == [(date(2023, 1, 1), date(2023, 9, 1)), (date(2023, 9, 1), date(2023, 9, 2))]


def test_versions_before_the_start_are_clipped_and_a_permanent_contract_stays_open():
    versions = [VersionTerms(date(2022, 1, 1), D(20), CAO_SW), VersionTerms(date(2022, 6, 1), D(28), CAO_SW),
                VersionTerms(date(2024, 1, 1), D(32), CAO_SW)]
    found = contract_periods("p", "c", date(2023, 3, 1), None, versions)
    # The 2022-01-01 version ended before the start; the 2022-06-01 one is in force on the start.
    assert [(p.start, p.end, p.hours_per_week) for p in found] == [
        (date(2023, 3, 1), date(2024, 1, 1), D(28)),
        (date(2024, 1, 1), None, D(32)),
    ]


def test_terms_on_finds_the_period_in_force():
    found = contract_periods("p", "c", date(2023, 1, 1), date(2023, 12, 31),
                             [VersionTerms(date(2023, 1, 1), D(32), CAO_SW), VersionTerms(date(2023, 6, 1), D(36), CAO_SW)])
    assert terms_on(found, date(2023, 5, 31)).hours_per_week == 32
    assert terms_on(found, date(2023, 6, 1)).hours_per_week == 36
    assert terms_on(found, date(2023, 12, 31)).hours_per_week == 36
    assert terms_on(found, date(2024, 1, 1)) is None
    assert terms_on(found, date(2022, 12, 31)) is None
    assert terms_on([period(date(2023, 1, 1), None)], date(2040, 1, 1)) is not None


def test_clipped_is_the_overlap_with_a_window():
    p = period(date(2023, 1, 10), date(2023, 2, 10))
    assert p.clipped(date(2023, 1, 1), date(2023, 2, 1)) == (date(2023, 1, 10), date(2023, 2, 1))
    assert p.clipped(date(2023, 2, 10), date(2023, 3, 1)) is None


# --- absence --------------------------------------------------------------------------------------------

FEB = (date(2023, 2, 1), date(2023, 3, 1))  # 28 days


def test_full_sickness_of_a_quarter_of_the_period():
    # 28 h/week = 4 h/day; 28 days -> 112 contracted; 7 days sick -> 28 -> 25%.
    totals = absence_totals([period(date(2023, 1, 1), None, 28)], [sick(date(2023, 2, 1), date(2023, 2, 8))], *FEB)
    assert (totals.contracted_hours, totals.sick_hours) == (D(112), D(28))
    assert totals.rate == D("0.25")


def test_partial_sickness_is_weighted_by_its_percentage():
    # 14 days at 50%: 14 x 4 x 0.5 = 28 of 112.
    totals = absence_totals([period(date(2023, 1, 1), None, 28)], [sick(date(2023, 2, 10), date(2023, 2, 24), 50)], *FEB)
    assert (totals.contracted_hours, totals.sick_hours, totals.rate) == (D(112), D(28), D("0.25"))
    # 25% for the whole month: 112 x 0.25 = 28.
    totals = absence_totals([period(date(2023, 1, 1), None, 28)], [sick(date(2023, 1, 15), None, 25)], *FEB)
    assert (totals.sick_hours, totals.rate) == (D(28), D("0.25"))


def test_part_timers_weigh_by_their_hours():
    # a: 35 h (5/day) -> 140; b: 14 h (2/day) -> 56; 196 contracted.
    periods = [period(date(2023, 1, 1), None, 35, participant="a"), period(date(2023, 1, 1), None, 14, participant="b")]
    b_sick = absence_totals(periods, [sick(date(2023, 2, 1), date(2023, 3, 1), participant="b")], *FEB)
    assert (b_sick.contracted_hours, b_sick.sick_hours) == (D(196), D(56))
    assert Fraction(b_sick.sick_hours) / Fraction(b_sick.contracted_hours) == Fraction(2, 7)
    assert b_sick.rate == D(56) / D(196)
    a_sick = absence_totals(periods, [sick(date(2023, 2, 1), date(2023, 3, 1), participant="a")], *FEB)
    assert a_sick.sick_hours == D(140) and a_sick.rate == D(140) / D(196)  # 5/7: the full-timer weighs more


def test_a_change_of_hours_during_sickness_counts_each_day_at_its_hours():
    # 21 h (3/day) until 02-15, then 35 h (5/day): contracted 14 x 3 + 14 x 5 = 112.
    periods = contract_periods("p", "c", date(2023, 1, 1), None, [VersionTerms(date(2023, 1, 1), D(21), CAO_SW),
                                                                   VersionTerms(date(2023, 2, 15), D(35), CAO_SW)])
    # Sick 02-10 .. 02-19 (last day): 5 days x 3 + 5 days x 5 = 40.
    totals = absence_totals(periods, [sick(date(2023, 2, 10), date(2023, 2, 20))], *FEB)
    assert (totals.contracted_hours, totals.sick_hours) == (D(112), D(40))


def test_sickness_outside_a_contract_counts_nothing():
    # Contract until 02-14 (end 02-15): 14 days x 4 = 56 contracted.
    periods = [period(date(2023, 1, 1), date(2023, 2, 15), 28)]
    # Sick 02-10 .. 02-24: only 02-10 .. 02-14 (5 days, 20 h) lie within the contract.
    totals = absence_totals(periods, [sick(date(2023, 2, 10), date(2023, 2, 25))], *FEB)
    assert (totals.contracted_hours, totals.sick_hours) == (D(56), D(20))
    # Sickness wholly after the contract, and of someone with no contract at all: nothing.
    totals = absence_totals(periods, [sick(date(2023, 2, 20), date(2023, 2, 25)),
                                      sick(date(2023, 2, 1), None, participant="nobody")], *FEB)
    assert (totals.contracted_hours, totals.sick_hours) == (D(56), D(0))
    assert totals.rate == 0


def test_open_sickness_counts_until_the_end_of_the_window():
    periods = [period(date(2023, 1, 1), None, 28)]
    # Ongoing since 02-22: 02-22 .. 02-28 = 7 days x 4 = 28 of 112.
    totals = absence_totals(periods, [sick(date(2023, 2, 22), None)], *FEB)
    assert (totals.sick_hours, totals.rate) == (D(28), D("0.25"))
    # Sick since before the window: only the window counts.
    totals = absence_totals(periods, [sick(date(2022, 12, 1), None)], *FEB)
    assert totals.rate == 1


def test_the_window_clips_contracts_and_sickness():
    periods = [period(date(2022, 1, 1), date(2024, 1, 1), 7)]  # 1 h/day
    # 2023-01-01 .. 2023-12-31 = 365 days; sick 2022-12-25 .. 2023-01-04 -> 4 days in 2023.
    totals = absence_totals(periods, [sick(date(2022, 12, 25), date(2023, 1, 5))], date(2023, 1, 1), date(2024, 1, 1))
    assert (totals.contracted_hours, totals.sick_hours) == (D(365), D(4))


def test_no_contracted_hours_is_no_rate():
    assert AbsenceTotals(D(0), D(0)).rate is None
    assert absence_totals([], [sick(date(2023, 2, 1), None)], *FEB).rate is None
    assert absence_totals([period(date(2024, 1, 1), None)], [], *FEB).rate is None  # contract after the window


# --- episodes and the Gatekeeper Act --------------------------------------------------------------------

def test_sickness_less_than_four_weeks_after_recovery_continues_the_episode():
    assert EPISODE_GAP == timedelta(days=28)
    # a: last day 01-10. b starts 02-07 = 01-10 + 28 days: 27 days at work in between, less than 4 weeks.
    found = episodes([("b", date(2023, 2, 7), date(2023, 2, 20)), ("a", date(2023, 1, 1), date(2023, 1, 10))])
    assert len(found) == 1
    assert (found[0].first_absence_id, found[0].first_day, found[0].last_day) == ("a", date(2023, 1, 1), date(2023, 2, 20))
    assert found[0].absence_ids == ["a", "b"]


def test_sickness_four_weeks_or_more_after_recovery_starts_a_new_episode():
    # b starts 02-08: 28 days (01-11 .. 02-07) at work = four weeks -> a new episode.
    found = episodes([("a", date(2023, 1, 1), date(2023, 1, 10)), ("b", date(2023, 2, 8), None)])
    assert [(e.first_absence_id, e.first_day, e.last_day, e.absence_ids) for e in found] == [
        ("a", date(2023, 1, 1), date(2023, 1, 10), ["a"]),
        ("b", date(2023, 2, 8), None, ["b"]),
    ]


def test_episodes_chain_transitively_and_an_open_absence_keeps_them_open():
    found = episodes([("a", date(2023, 1, 1), date(2023, 1, 31)),
                      ("b", date(2023, 2, 20), date(2023, 3, 5)),   # 19 days after a
                      ("c", date(2023, 3, 30), None),               # 24 days after b: ongoing
                      ("d", date(2023, 6, 1), date(2023, 6, 2))])   # within the ongoing episode
    assert len(found) == 1
    assert found[0].absence_ids == ["a", "b", "c", "d"] and found[0].last_day is None
    assert found[0].first_day == date(2023, 1, 1)


def test_a_shorter_chained_absence_does_not_shorten_the_episode():
    found = episodes([("a", date(2023, 1, 1), date(2023, 3, 31)), ("b", date(2023, 2, 1), date(2023, 2, 5))])
    assert len(found) == 1 and found[0].last_day == date(2023, 3, 31)
    assert episodes([]) == []


def test_gatekeeper_deadlines_are_the_last_day_of_each_steps_week():
    # First day of sickness Monday 2023-01-02: week 6 ends Sunday 02-12 (01-02 + 42 days - 1), week 8 on 02-26,
    # week 42 on 10-22 (day 2 + 294 = day 296 of 2023 = 10-23, minus one), week 52 on 12-31 (01-02 + 364 - 1),
    # week 91 on 2024-09-29 (01-02 + 637 days = 2024-09-30, minus one).
    assert gatekeeper_deadlines(date(2023, 1, 2)) == [
        ("problem_analysis", date(2023, 2, 12)),
        ("action_plan", date(2023, 2, 26)),
        ("uwv_report", date(2023, 10, 22)),
        ("first_year_evaluation", date(2023, 12, 31)),
        ("wia_application", date(2024, 9, 29)),
    ]
    assert [week for _, week in GATEKEEPER_WEEKS] == [6, 8, 42, 52, 91]


def test_gatekeeper_deadlines_across_a_leap_day():
    # 2024-01-15 + 6 weeks = 02-26, minus one: 02-25; + 8 weeks = 03-11, minus one: 03-10 (29 February counted).
    found = dict(gatekeeper_deadlines(date(2024, 1, 15)))
    assert found["problem_analysis"] == date(2024, 2, 25)
    assert found["action_plan"] == date(2024, 3, 10)
    assert found["first_year_evaluation"] == date(2025, 1, 12)  # 2024-01-15 + 364 days = 2025-01-13, minus one


# --- the CAO's wage table -------------------------------------------------------------------------------

def test_scale_wage_reads_the_table():
    assert SCALED.scale_wage("B", "1") == D("15.00")
    assert SCALED.scale_wage("B", "2") == D("16.50")
    assert SCALED.scale_wage("B", "3") is None      # not in the table
    assert SCALED.scale_wage("C", "1") is None
    assert SCALED.scale_wage("B", None) is None     # the table's cells all have a step
    assert SCALED.scale_wage(None, "1") is None     # no scale given
    assert SCALED.scale_wage("", None) is None
    assert SW.scale_wage("B", "1") is None           # no table at all
    assert SCALED.has_scale("B", "2") and not SCALED.has_scale("B", "9")


def test_a_scale_without_steps_matches_no_step():
    terms = replace(SW, scales=(WageScaleStep("A", "", D("13.00")),))
    assert terms.scale_wage("A", None) == D("13.00")
    assert terms.scale_wage("A", "") == D("13.00")
    assert terms.scale_wage("A", "1") is None


# --- hourly wage ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("terms, on, expected", [
    (SW, date(2023, 1, 1), "12.40"),        # 1934.40 x 3 / 13 = 446.40 a week / 36
    (SW, date(2023, 6, 30), "12.40"),
    (SW, date(2023, 7, 1), "12.79"),        # 1995.00 x 3 / 13 = 460.38 / 36 = 12.788 -> 12.79
    (SW, date(2022, 12, 31), "11.26"),      # 1756.20 x 3 / 13 = 405.28 / 36 = 11.258 -> 11.26
    (ADS_2023, date(2023, 1, 1), "11.75"),  # the same month at a 38-hour week: 446.40 / 38 = 11.747
    (SW, date(2024, 1, 1), "13.27"),        # from 2024 the statutory hourly rate, whatever the week
    (ADS_2023, date(2024, 1, 1), "13.27"),
    (SW, date(2024, 7, 1), "13.68"),
    (SW, date(2025, 1, 1), "14.06"),
    (SW, date(2025, 7, 1), "14.40"),
    (SW, date(2026, 1, 1), "14.71"),
])
def test_the_minimum_wage_for_the_cao_standard_week(terms, on, expected):
    wage = hourly_wage(terms, on)
    assert wage == HourlyWage(D(expected), "minimum_wage", D(expected))


def test_a_cao_sw_contract_earns_more_on_1_january_and_1_july_without_any_change_to_it():
    one_version = contract_periods("p", "c", date(2022, 11, 1), None, [VersionTerms(date(2022, 11, 1), D(32), CAO_SW)])
    assert len(one_version) == 1
    p = one_version[0]
    wages = {on: hourly_wage(terms_for(p.cao, on), on, p.wage_scale, p.wage_step, p.guaranteed_hourly_wage).amount
             for on in (date(2022, 12, 31), date(2023, 1, 1), date(2023, 6, 30), date(2023, 7, 1), date(2023, 12, 31),
                        date(2024, 1, 1), date(2024, 7, 1))}
    assert wages == {date(2022, 12, 31): D("11.26"), date(2023, 1, 1): D("12.40"), date(2023, 6, 30): D("12.40"),
                     date(2023, 7, 1): D("12.79"), date(2023, 12, 31): D("12.79"), date(2024, 1, 1): D("13.27"),
                     date(2024, 7, 1): D("13.68")}


def test_a_scale_above_the_minimum_wage_wins():
    # 2025-01-01: minimum 14.06; scale B/1 15.00, B/2 16.50.
    assert hourly_wage(SCALED, date(2025, 1, 1), "B", "1") == HourlyWage(D("15.00"), "scale", D("14.06"))
    assert hourly_wage(SCALED, date(2025, 1, 1), "B", "2") == HourlyWage(D("16.50"), "scale", D("14.06"))
    # 2026-01-01: minimum 14.71, still below 15.00.
    assert hourly_wage(SCALED, date(2026, 1, 1), "B", "1").amount == D("15.00")
    # No scale, or a scale the table lacks: the minimum wage.
    assert hourly_wage(SCALED, date(2025, 1, 1)).basis == "minimum_wage"
    assert hourly_wage(SCALED, date(2025, 1, 1), "B", "7").amount == D("14.06")


def test_a_scale_below_the_minimum_wage_gives_the_minimum_wage():
    low = replace(SW, scales=(WageScaleStep("A", "1", D("13.00")),))
    # 2024-01-01: 13.27 > 13.00; but 2023-07-01: 12.79 < 13.00.
    assert hourly_wage(low, date(2024, 1, 1), "A", "1") == HourlyWage(D("13.27"), "minimum_wage", D("13.27"))
    assert hourly_wage(low, date(2023, 7, 1), "A", "1") == HourlyWage(D("13.00"), "scale", D("12.79"))


def test_a_guarantee_wins_only_while_it_is_above_the_minimum_and_the_scale():
    # A transition guarantee of 14.16 (see the CAO transition): above 13.68 and 14.06, below 14.40.
    guarantee = D("14.16")
    assert hourly_wage(ADS_2026, date(2024, 7, 1), guaranteed=guarantee) == HourlyWage(guarantee, "guarantee", D("13.68"))
    assert hourly_wage(ADS_2026, date(2025, 1, 1), guaranteed=guarantee).basis == "guarantee"
    assert hourly_wage(ADS_2026, date(2025, 7, 1), guaranteed=guarantee) == HourlyWage(D("14.40"), "minimum_wage", D("14.40"))
    # Above the scale too: the guarantee; below the scale: the scale.
    assert hourly_wage(SCALED, date(2025, 1, 1), "B", "1", D("15.50")) == HourlyWage(D("15.50"), "guarantee", D("14.06"))
    assert hourly_wage(SCALED, date(2025, 1, 1), "B", "2", D("15.50")) == HourlyWage(D("16.50"), "scale", D("14.06"))
    # Equal to the minimum: the minimum wage is the basis (the guarantee adds nothing).
    assert hourly_wage(SW, date(2024, 1, 1), guaranteed=D("13.27")).basis == "minimum_wage"


def test_a_date_without_a_published_minimum_wage_is_refused():
    with pytest.raises(MissingParameter) as raised:
        hourly_wage(SW, date(2019, 12, 31))
    assert raised.value.on == date(2019, 12, 31)
    assert raised.value.parameter == "statutory minimum wage"


# --- wage cost ------------------------------------------------------------------------------------------

def test_wage_cost_lines_under_cao_sw():
    # 14.00 an hour, 35 h (5 a day), 7 days: gross 490.00; holiday 8% = 39.20; year-end 3.75% = 18.375;
    # base 547.575; charges 18% = 98.5635; pension 6% = 32.8545; total 678.993.
    cost = wage_cost(SW, D("14.00"), D(35), 7)
    assert cost == WageCost(D("490"), D("39.2"), D("18.375"), D("98.5635"), D("32.8545"))
    assert cost.pay == D("547.575")
    assert cost.total == D("678.993")


def test_wage_cost_lines_under_cao_aan_de_slag():
    # No year-end payment: base 529.20; charges 95.256; pension 31.752; total 656.208.
    cost = wage_cost(ADS_2026, D("14.00"), D(35), 7)
    assert cost == WageCost(D("490"), D("39.2"), D("0"), D("95.256"), D("31.752"))
    assert cost.total == D("656.208")


def test_pay_factor_and_annual_wage_cost():
    assert pay_factor(SW) == D("1.1175")
    assert pay_factor(ADS_2026) == D("1.08")
    # A year is 365 days: 13.68 x 5 x 365 = 24966.00 gross.
    annual = annual_wage_cost(SW, D("13.68"), D(35))
    assert annual == wage_cost(SW, D("13.68"), D(35), 365)
    assert annual.gross == D("24966.00")
    assert annual.pay == D("24966.00") * D("1.1175")
    assert annual.total == D("34595.3862")  # 27899.505 + 18% 5021.9109 + 6% 1673.9703


def test_wage_costs_add_up_line_by_line():
    a, b = WageCost(D(1), D(2), D(3), D(4), D(5)), WageCost(D(10), D(20), D(30), D(40), D(50))
    assert a + b == WageCost(D(11), D(22), D(33), D(44), D(55))
    assert (a + b).total == D(165) and (a + b).pay == D(66)
    assert WageCost().total == 0


def split_lookup(*versions: CaoTerms):
    """A lookup over explicit versions of one agreement, recording the dates it is asked about."""
    asked: list[date] = []

    def lookup(cao, on):
        asked.append(on)
        in_force = [t for t in versions if t.code == cao and t.effective_from <= on]
        return max(in_force, key=lambda t: t.effective_from) if in_force else None

    lookup.asked = asked
    return lookup


def test_wage_cost_over_splits_exactly_at_the_july_indexation():
    p = period(date(2023, 1, 1), None, 35)
    # 06-15 .. 06-30: 16 days x 5 h x 12.40 = 992.00; 07-01 .. 07-14: 14 days x 5 h x 12.79 = 895.30.
    cost = wage_cost_over(p, date(2023, 6, 15), date(2023, 7, 15), terms_for)
    assert cost.gross == D("1887.30")
    assert cost == wage_cost(SW, D("12.40"), D(35), 16) + wage_cost(SW, D("12.79"), D(35), 14)
    # One day either side of the change.
    assert wage_cost_over(p, date(2023, 6, 30), date(2023, 7, 2), terms_for).gross == D("62.00") + D("63.95")


def test_wage_cost_over_equals_the_sum_of_its_pieces():
    p = period(date(2022, 11, 15), date(2024, 2, 15), 28)  # 4 h a day
    whole = wage_cost_over(p, date(2022, 1, 1), date(2025, 1, 1), terms_for)
    # Any cut of the window gives the same total.
    cuts = [date(2022, 1, 1), date(2022, 12, 3), date(2023, 4, 17), date(2023, 7, 1), date(2023, 7, 2),
            date(2024, 1, 1), date(2025, 1, 1)]
    pieces = [wage_cost_over(p, a, b, terms_for) for a, b in zip(cuts, cuts[1:])]
    assert sum(pieces, WageCost()) == whole
    # By hand: 2022-11-15 .. 12-31 = 47 days at 11.26; 2023 H1 = 181 days at 12.40; H2 = 184 at 12.79;
    # 2024-01-01 .. 02-14 = 45 days at 13.27.
    assert whole.gross == 4 * (47 * D("11.26") + 181 * D("12.40") + 184 * D("12.79") + 45 * D("13.27"))
    assert whole.gross == D("22896.52")  # 4 x (529.22 + 2244.40 + 2353.36 + 597.15)
    # Outside the contract: nothing.
    assert wage_cost_over(p, date(2024, 3, 1), date(2024, 4, 1), terms_for) == WageCost()


def test_wage_cost_over_moves_to_cao_aan_de_slags_36_hour_terms_on_2027_01_01():
    lookup = split_lookup(ADS_2023, ADS_2026, ADS_2027)
    p = period(date(2026, 1, 1), None, 35, cao=CAO_AAN_DE_SLAG)
    cost = wage_cost_over(p, date(2026, 12, 15), date(2027, 1, 15), lookup)
    # 17 days under the 2026 terms, 14 under the 2027 terms, both at 14.71 (the hourly minimum wage
    # does not depend on the week since 2024).
    assert cost == wage_cost(ADS_2026, D("14.71"), D(35), 17) + wage_cost(ADS_2027, D("14.71"), D(35), 14)
    assert date(2027, 1, 1) in lookup.asked and date(2026, 12, 15) in lookup.asked
    assert ADS_2026.standard_week_hours == 38 and ADS_2027.standard_week_hours == 36


def test_wage_cost_over_splits_where_the_terms_change_within_a_month():
    # Illustrative: had CAO Aan de Slag's 36-hour week begun on 2023-03-15, the minimum wage per hour would
    # rise from 446.40 / 38 = 11.75 to 446.40 / 36 = 12.40 on that day.
    shorter = replace(ADS_2023, effective_from=date(2023, 3, 15), standard_week_hours=D(36))
    lookup = split_lookup(ADS_2023, shorter)
    p = period(date(2023, 1, 1), None, 35, cao=CAO_AAN_DE_SLAG)
    cost = wage_cost_over(p, date(2023, 3, 1), date(2023, 4, 1), lookup)
    # 14 days x 5 x 11.75 = 822.50; 17 days x 5 x 12.40 = 1054.00.
    assert cost.gross == D("1876.50")
    assert cost == wage_cost(ADS_2023, D("11.75"), D(35), 14) + wage_cost(shorter, D("12.40"), D(35), 17)


def test_wage_cost_over_with_two_terms_changes_in_one_month():
    b = replace(SW, effective_from=date(2023, 3, 10), holiday_allowance_rate=D("0.10"))
    c = replace(SW, effective_from=date(2023, 3, 20), holiday_allowance_rate=D("0.12"))
    lookup = split_lookup(replace(SW, effective_from=date(2021, 1, 1)), b, c)
    p = period(date(2023, 1, 1), None, 35)
    cost = wage_cost_over(p, date(2023, 3, 1), date(2023, 4, 1), lookup)
    # 9 days at 8%, 10 days at 10%, 12 days at 12%, each day 5 x 12.40 = 62.00 gross.
    assert cost.holiday_allowance == D("62.00") * (9 * D("0.08") + 10 * D("0.10") + 12 * D("0.12"))


def test_wage_cost_over_uses_the_periods_scale_and_guarantee():
    p = period(date(2025, 1, 1), None, 35, cao=CAO_AAN_DE_SLAG, wage_scale="B", wage_step="2")
    lookup = lambda cao, on: SCALED  # noqa: E731
    assert wage_cost_over(p, date(2025, 1, 1), date(2025, 1, 8), lookup).gross == 7 * 5 * D("16.50")
    g = period(date(2024, 7, 1), None, 35, cao=CAO_AAN_DE_SLAG, guaranteed_hourly_wage=D("14.16"))
    # June 2025 at the guarantee (14.16 > 14.06), July 2025 at the minimum wage (14.40 > 14.16).
    cost = wage_cost_over(g, date(2025, 6, 1), date(2025, 8, 1), terms_for)
    assert cost.gross == 30 * 5 * D("14.16") + 31 * 5 * D("14.40")


def test_a_date_without_terms_raises_missing_terms():
    # CAO Aan de Slag's first terms are from 2021-07-01.
    p = period(date(2021, 6, 1), None, 35, cao=CAO_AAN_DE_SLAG)
    with pytest.raises(MissingTerms) as raised:
        wage_cost_over(p, date(2021, 6, 15), date(2021, 7, 15), terms_for)
    assert (raised.value.cao, raised.value.on) == (CAO_AAN_DE_SLAG, date(2021, 6, 15))
    assert "cao_aan_de_slag" in str(raised.value) and "2021-06-15" in str(raised.value)
    # From 2021-07-01 it is fine.
    assert wage_cost_over(p, date(2021, 7, 1), date(2021, 7, 15), terms_for).gross > 0


def test_a_date_without_a_minimum_wage_raises_missing_parameter():
    p = period(date(2019, 1, 1), None, 35)
    always_sw = lambda cao, on: SW  # noqa: E731
    with pytest.raises(MissingParameter) as raised:
        wage_cost_over(p, date(2019, 12, 20), date(2020, 1, 10), always_sw)
    assert raised.value.on == date(2019, 12, 20)
    # 2020 is published: 1653.60 x 3 / 13 / 36 = 10.60.
    assert wage_cost_over(p, date(2020, 1, 1), date(2020, 1, 8), always_sw).gross == 7 * 5 * D("10.60")
    assert DAY == timedelta(days=1)


# --- the first contract's end ---------------------------------------------------------------------------

@pytest.mark.parametrize("start, months, last_day", [
    (date(2020, 3, 1), 12, date(2021, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),   # no 31 February: runs to the end of February (leap year)
    (date(2023, 1, 31), 1, date(2023, 2, 28)),
    (date(2023, 1, 1), 12, date(2023, 12, 31)),
    (date(2023, 7, 1), 24, date(2025, 6, 30)),   # Tilburg's two-year contracts
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2023, 12, 31), 2, date(2024, 2, 29)),
    (date(2023, 10, 31), 1, date(2023, 11, 30)),
    (date(2023, 11, 30), 1, date(2023, 12, 29)),
    (date(2024, 12, 31), 1, date(2025, 1, 30)),
    (date(2024, 1, 31), 13, date(2025, 2, 28)),
    (date(2023, 3, 15), 6, date(2023, 9, 14)),
])
def test_first_contract_end(start, months, last_day):
    assert first_contract_end(start, months) == last_day
