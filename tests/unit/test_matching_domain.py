"""Matching without a database (basisbaan.domain.matching): every outcome of every factor with its points,
whether it blocks and the details it gives, the total against MAX_POINTS, and the ranking (unblocked before
blocked, then points descending, then title)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from basisbaan.domain import matching
from basisbaan.domain.matching import MAX_POINTS, Factor, Match, Person, TaskFacts, rank, score
from basisbaan.models.work import PHYSICAL_DEMANDS

D = Decimal
HOOD, OTHER_HOOD = "hood-1", "hood-2"


def task(**overrides) -> TaskFacts:
    base = dict(id="t1", title="Zwerfafval", category="litter", neighbourhood_id=HOOD, area="Noord",
                hours_per_week=D(8), days=("mon", "tue"), physical_demand="light", demands=(), free_places=2)
    base.update(overrides)
    return TaskFacts(**base)


def person(**overrides) -> Person:
    base = dict(neighbourhood_id=HOOD, area="Noord", preferred_categories=("litter",),
                available_days=("mon", "tue", "wed"), max_physical_demand="medium", limitations=(),
                free_hours=D(8))
    base.update(overrides)
    return Person(**base)


def factor(match: Match, code: str) -> Factor:
    [found] = [f for f in match.factors if f.code == code]
    return found


def only(code: str, who: Person, what: TaskFacts) -> Factor:
    return factor(score(who, what), code)


# --- the whole match -------------------------------------------------------------------------------------

def test_max_points_is_the_sum_of_every_factors_best():
    assert MAX_POINTS == 3 + 2 + 3 + 1 + 2 == 11


def test_a_perfect_match_scores_max_points_in_a_fixed_factor_order():
    what = task()
    match = score(person(), what)
    assert [f.code for f in match.factors] == ["neighbourhood", "preferences", "hours", "days", "demands", "places"]
    assert match.points == MAX_POINTS and match.blocked is False
    assert match.subject is what  # without a subject the task itself
    assert [(f.code, f.points, f.outcome, f.blocks, f.details) for f in match.factors] == [
        ("neighbourhood", 3, "same_neighbourhood", False, ()),
        ("preferences", 2, "preferred", False, ("litter",)),
        ("hours", 3, "fits_exactly", False, ("8",)),
        ("days", 1, "available", False, ()),
        ("demands", 2, "no_conflict", False, ()),
        ("places", 0, "free", False, ("2",)),
    ]


def test_the_subject_given_is_kept():
    subject = object()
    assert score(person(), task(), subject=subject).subject is subject


def test_points_sum_the_factors_and_one_blocking_factor_blocks_the_match():
    match = Match("x", (Factor("a", 3, "o"), Factor("b", 2, "o", blocks=True), Factor("c", 0, "o")))
    assert match.points == 5 and match.blocked is True
    assert Match("x", (Factor("a", 1, "o"),)).blocked is False
    assert Match("x").points == 0 and Match("x").blocked is False


# --- neighbourhood ---------------------------------------------------------------------------------------

def test_neighbourhood_same_neighbourhood_scores_3():
    f = only("neighbourhood", person(), task())
    assert (f.points, f.outcome, f.blocks) == (3, "same_neighbourhood", False)


def test_neighbourhood_same_area_scores_2():
    f = only("neighbourhood", person(), task(neighbourhood_id=OTHER_HOOD, area="Noord"))
    assert (f.points, f.outcome, f.blocks) == (2, "same_area", False)


def test_neighbourhood_municipality_wide_scores_1_also_for_a_person_without_a_neighbourhood():
    f = only("neighbourhood", person(), task(neighbourhood_id=None, area=None))
    assert (f.points, f.outcome, f.blocks) == (1, "municipality_wide", False)
    f = only("neighbourhood", person(neighbourhood_id=None, area=None), task(neighbourhood_id=None, area=None))
    assert (f.points, f.outcome) == (1, "municipality_wide")


def test_neighbourhood_elsewhere_scores_0():
    f = only("neighbourhood", person(), task(neighbourhood_id=OTHER_HOOD, area="Zuid"))
    assert (f.points, f.outcome, f.blocks) == (0, "elsewhere", False)


def test_neighbourhood_in_no_area_is_not_the_same_area():
    # Neither side in an area: a different neighbourhood is elsewhere, not "the same area (None)".
    f = only("neighbourhood", person(area=None), task(neighbourhood_id=OTHER_HOOD, area=None))
    assert (f.points, f.outcome) == (0, "elsewhere")


def test_neighbourhood_of_a_person_without_one_is_unknown():
    f = only("neighbourhood", person(neighbourhood_id=None, area=None), task())
    assert (f.points, f.outcome, f.blocks) == (0, "unknown", False)


# --- preferences -----------------------------------------------------------------------------------------

def test_preferences_preferred_scores_2_naming_the_category():
    f = only("preferences", person(preferred_categories=("hosting", "litter")), task())
    assert (f.points, f.outcome, f.blocks, f.details) == (2, "preferred", False, ("litter",))


def test_preferences_not_preferred_scores_0_naming_the_category():
    f = only("preferences", person(preferred_categories=("hosting",)), task())
    assert (f.points, f.outcome, f.blocks, f.details) == (0, "not_preferred", False, ("litter",))


def test_preferences_unknown_scores_1():
    f = only("preferences", person(preferred_categories=()), task())
    assert (f.points, f.outcome, f.blocks, f.details) == (1, "unknown", False, ())


# --- hours -----------------------------------------------------------------------------------------------

def test_hours_fitting_exactly_score_3():
    f = only("hours", person(free_hours=D(8)), task(hours_per_week=D(8)))
    assert (f.points, f.outcome, f.blocks, f.details) == (3, "fits_exactly", False, ("8",))


def test_hours_fitting_exactly_compare_by_value():
    f = only("hours", person(free_hours=D("8.0")), task(hours_per_week=D(8)))
    assert (f.points, f.outcome) == (3, "fits_exactly")


def test_hours_taking_part_of_the_free_hours_score_2():
    f = only("hours", person(free_hours=D(24)), task(hours_per_week=D(8)))
    assert (f.points, f.outcome, f.blocks, f.details) == (2, "fits_partly", False, ("24",))


def test_hours_more_than_free_score_1_without_blocking():
    f = only("hours", person(free_hours=D("4.5")), task(hours_per_week=D(8)))
    assert (f.points, f.outcome, f.blocks, f.details) == (1, "more_than_free", False, ("4.5",))


@pytest.mark.parametrize("free", [D(0), D("0.0"), D(-4)])
def test_no_free_hours_block(free):
    match = score(person(free_hours=free), task())
    f = factor(match, "hours")
    assert (f.points, f.outcome, f.blocks, f.details) == (0, "no_free_hours", True, ("0",))
    assert match.blocked is True


def test_unknown_hours_score_0_without_blocking():
    match = score(person(free_hours=None), task())
    f = factor(match, "hours")
    assert (f.points, f.outcome, f.blocks, f.details) == (0, "unknown", False, ())
    assert match.blocked is False


# --- days ------------------------------------------------------------------------------------------------

def test_days_all_available_score_1():
    f = only("days", person(available_days=("mon", "tue")), task(days=("tue", "mon")))
    assert (f.points, f.outcome, f.blocks, f.details) == (1, "available", False, ())


@pytest.mark.parametrize("person_days, task_days", [((), ("mon",)), (("mon",), ()), ((), ())])
def test_days_named_by_neither_or_one_side_score_1_as_any_day(person_days, task_days):
    f = only("days", person(available_days=person_days), task(days=task_days))
    assert (f.points, f.outcome, f.blocks, f.details) == (1, "any_day", False, ())


def test_days_partly_available_score_0_naming_the_missing_days_in_the_tasks_order():
    f = only("days", person(available_days=("tue", "thu")), task(days=("mon", "tue", "fri")))
    assert (f.points, f.outcome, f.blocks, f.details) == (0, "partly_available", False, ("mon", "fri"))


def test_days_not_at_all_available_still_do_not_block():
    match = score(person(available_days=("sat",)), task(days=("mon",)))
    assert factor(match, "days").details == ("mon",) and match.blocked is False


# --- demands ---------------------------------------------------------------------------------------------

def test_demands_without_conflict_score_2():
    f = only("demands", person(limitations=("driving",)), task(demands=("outdoors", "walking")))
    assert (f.points, f.outcome, f.blocks, f.details) == (2, "no_conflict", False, ())


def test_demands_a_limitation_conflicts_and_blocks_listing_each_conflict():
    match = score(person(limitations=("lifting", "walking", "driving")),
                  task(demands=("outdoors", "walking", "lifting")))
    f = factor(match, "demands")
    assert (f.points, f.outcome, f.blocks) == (0, "conflicts", True)
    assert f.details == ("walking", "lifting")  # in the task's order
    assert match.blocked is True


def test_demands_physical_demand_too_heavy_blocks():
    f = only("demands", person(max_physical_demand="light"), task(physical_demand="medium"))
    assert (f.points, f.outcome, f.blocks, f.details) == (0, "conflicts", True, ("physical:medium",))


def test_demands_too_heavy_comes_first_then_the_limitations():
    f = only("demands", person(max_physical_demand="medium", limitations=("outdoors",)),
             task(physical_demand="heavy", demands=("outdoors",)))
    assert f.details == ("physical:heavy", "outdoors") and f.blocks is True


@pytest.mark.parametrize("max_demand, demand, blocks", [
    ("light", "light", False), ("light", "medium", True), ("light", "heavy", True),
    ("medium", "light", False), ("medium", "medium", False), ("medium", "heavy", True),
    ("heavy", "light", False), ("heavy", "medium", False), ("heavy", "heavy", False),
    (None, "heavy", False),  # unknown: not held against the person
])
def test_physical_demand_is_compared_on_the_scale(max_demand, demand, blocks):
    assert PHYSICAL_DEMANDS == ("light", "medium", "heavy")
    f = only("demands", person(max_physical_demand=max_demand), task(physical_demand=demand))
    assert f.blocks is blocks
    assert f.points == (0 if blocks else 2)
    assert f.outcome == ("conflicts" if blocks else "no_conflict")


# --- places ----------------------------------------------------------------------------------------------

def test_places_free_score_0_and_name_the_free_places():
    f = only("places", person(), task(free_places=3))
    assert (f.points, f.outcome, f.blocks, f.details) == (0, "free", False, ("3",))


@pytest.mark.parametrize("free", [0, -1])
def test_places_full_block(free):
    match = score(person(), task(free_places=free))
    f = factor(match, "places")
    assert (f.points, f.outcome, f.blocks, f.details) == (0, "full", True, ())
    assert match.blocked is True
    assert match.points == MAX_POINTS  # a full task keeps its points; it is blocked, ranked last


# --- worked totals -----------------------------------------------------------------------------------------

def test_a_mixed_match_adds_up():
    # same area 2 + not preferred 0 + more than free 1 + partly available 0 + no conflict 2 + free 0 = 5
    match = score(person(preferred_categories=("hosting",), available_days=("mon",), free_hours=D(4)),
                  task(neighbourhood_id=OTHER_HOOD, days=("mon", "wed"), hours_per_week=D(12)))
    assert [f.points for f in match.factors] == [2, 0, 1, 0, 2, 0]
    assert match.points == 5 and match.blocked is False


def test_an_unknown_person_scores_by_what_is_known():
    # unknown neighbourhood 0 + unknown preferences 1 + unknown hours 0 + any day 1 + no conflict 2 = 4
    match = score(Person(), task())
    assert [(f.code, f.outcome) for f in match.factors] == [
        ("neighbourhood", "unknown"), ("preferences", "unknown"), ("hours", "unknown"), ("days", "any_day"),
        ("demands", "no_conflict"), ("places", "free")]
    assert match.points == 4 and match.blocked is False


# --- ranking ---------------------------------------------------------------------------------------------

def _ranked_titles(matches):
    return [m.subject.title for m in rank(matches, title=lambda m: m.subject.title)]


def test_rank_puts_unblocked_before_blocked_then_points_descending_then_title():
    who = person()
    best = task(id=1, title="Best")  # 11
    good_b = task(id=2, title="B good", neighbourhood_id=None)  # 9
    good_a = task(id=3, title="A good", neighbourhood_id=None)  # 9: same points, title first
    weak = task(id=4, title="Aaa weak", neighbourhood_id=OTHER_HOOD, area="Zuid", category="hosting")  # 6
    full = task(id=5, title="Aaa full", free_places=0)  # 11 but blocked
    heavy = task(id=6, title="Heavy", physical_demand="heavy", neighbourhood_id=None)  # 7, blocked
    matches = [score(who, t) for t in (heavy, weak, full, good_b, best, good_a)]
    assert [m.points for m in matches] == [7, 6, 11, 9, 11, 9]
    assert _ranked_titles(matches) == ["Best", "A good", "B good", "Aaa weak", "Aaa full", "Heavy"]
    ranked = rank(matches, title=lambda m: m.subject.title)
    assert [m.blocked for m in ranked] == [False, False, False, False, True, True]


def test_blocked_matches_rank_among_themselves_by_points_then_title():
    who = person()
    a = score(who, task(title="Zeta", free_places=0))  # 11 blocked
    b = score(who, task(title="Alpha", free_places=0, neighbourhood_id=None))  # 9 blocked
    c = score(who, task(title="Beta", free_places=0, neighbourhood_id=None))  # 9 blocked
    assert _ranked_titles([c, b, a]) == ["Zeta", "Alpha", "Beta"]


def test_rank_without_a_title_keeps_the_order_of_equal_matches_and_returns_a_new_list():
    who = person()
    first, second = score(who, task(id=1, title="Z")), score(who, task(id=2, title="A"))
    matches = [first, second]
    ranked = rank(matches)
    assert ranked == [first, second]  # stable: the default title is "" for every match
    assert ranked is not matches
    assert rank([]) == []


def test_score_is_a_pure_function_of_its_inputs():
    who, what = person(), task()
    assert score(who, what) == score(who, what)
    # Changing one field changes only its factor.
    changed = score(replace(who, free_hours=D(20)), what)
    assert [f.code for f in changed.factors if f != factor(score(who, what), f.code)] == ["hours"]
    assert matching.score is score
