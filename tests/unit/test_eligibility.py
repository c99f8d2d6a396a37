"""The eligibility building blocks (no database)."""

from datetime import date

from basisbaan.domain import eligibility
from basisbaan.domain.eligibility import Verdict

SETTINGS = {"minimum_age": 27, "minimum_assistance_years": 3}
ON = date(2023, 3, 1)


def test_age_on_counts_birthdays():
    assert eligibility.age_on(date(1996, 3, 1), ON) == 27
    assert eligibility.age_on(date(1996, 3, 2), ON) == 26


def test_minimum_age():
    criterion = eligibility.minimum_age("minimum_age")
    assert criterion.check({"date_of_birth": date(1996, 3, 1)}, ON, SETTINGS).verdict is Verdict.PASS
    failed = criterion.check({"date_of_birth": date(1996, 3, 2)}, ON, SETTINGS)
    assert failed.verdict is Verdict.FAIL and "27" in failed.explanation_nl and "27" in failed.explanation_en
    assert criterion.check({}, ON, SETTINGS).verdict is Verdict.JUDGEMENT


def test_long_term_social_assistance():
    criterion = eligibility.on_social_assistance("minimum_assistance_years")
    assert criterion.check({"social_assistance_since": date(2020, 3, 1)}, ON, SETTINGS).verdict is Verdict.PASS
    assert criterion.check({"social_assistance_since": date(2020, 3, 2)}, ON, SETTINGS).verdict is Verdict.FAIL
    assert criterion.check({}, ON, SETTINGS).verdict is Verdict.FAIL
    assert criterion.check({"social_assistance_since": date(2024, 1, 1)}, ON, SETTINGS).verdict is Verdict.FAIL


def test_overall_result_fail_beats_judgement_beats_pass():
    age = eligibility.minimum_age("minimum_age")
    assistance = eligibility.on_social_assistance()
    passing = {"date_of_birth": date(1970, 1, 1), "social_assistance_since": date(2010, 1, 1)}
    assert eligibility.evaluate([age, assistance], passing, ON, SETTINGS).overall is Verdict.PASS
    unknown_age = {"social_assistance_since": date(2010, 1, 1)}
    assert eligibility.evaluate([age, assistance], unknown_age, ON, SETTINGS).overall is Verdict.JUDGEMENT
    assert eligibility.evaluate([age, assistance], {}, ON, SETTINGS).overall is Verdict.FAIL
    assert eligibility.evaluate([], {}, ON, SETTINGS).overall is Verdict.PASS
