"""Eligibility criteria: each gives pass, fail or 'needs the coach's judgement', with a plain explanation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Callable, Mapping, Sequence


class Verdict(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    JUDGEMENT = "judgement"


@dataclass(frozen=True)
class CriterionResult:
    code: str
    verdict: Verdict
    explanation_nl: str
    explanation_en: str


# A check receives the facts known about a candidate (a mapping; the intake issue fixes its keys),
# the date of evaluation and the tenant's settings in force on that date.
Check = Callable[[Mapping[str, Any], date, Mapping[str, Any]], CriterionResult]


@dataclass(frozen=True)
class Criterion:
    code: str
    title_nl: str
    title_en: str
    check: Check


@dataclass(frozen=True)
class EligibilityResult:
    overall: Verdict
    results: list[CriterionResult]


def evaluate(criteria: Sequence[Criterion], facts: Mapping[str, Any], on: date,
             settings: Mapping[str, Any]) -> EligibilityResult:
    """Any failed criterion fails; otherwise any open judgement needs the coach; otherwise pass."""
    results = [criterion.check(facts, on, settings) for criterion in criteria]
    verdicts = {r.verdict for r in results}
    if Verdict.FAIL in verdicts:
        overall = Verdict.FAIL
    elif Verdict.JUDGEMENT in verdicts:
        overall = Verdict.JUDGEMENT
    else:
        overall = Verdict.PASS
    return EligibilityResult(overall, results)


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def minimum_age(minimum_key: str = "minimum_age") -> Criterion:
    """Age on the evaluation date is at least the tenant's setting `minimum_key`."""

    def check(facts: Mapping[str, Any], on: date, settings: Mapping[str, Any]) -> CriterionResult:
        minimum = settings[minimum_key]
        born = facts.get("date_of_birth")
        if born is None:
            return CriterionResult("minimum_age", Verdict.JUDGEMENT,
                                   "Geboortedatum onbekend.", "Date of birth unknown.")
        age = age_on(born, on)
        if age >= minimum:
            return CriterionResult("minimum_age", Verdict.PASS, f"{age} jaar, minimaal {minimum}.",
                                   f"Aged {age}, minimum {minimum}.")
        return CriterionResult("minimum_age", Verdict.FAIL, f"{age} jaar, jonger dan {minimum}.",
                               f"Aged {age}, younger than {minimum}.")

    return Criterion("minimum_age", "Minimumleeftijd", "Minimum age", check)


def on_social_assistance(minimum_years_key: str | None = None) -> Criterion:
    """Receives social assistance on the date; with `minimum_years_key`, for at least that many years."""
    code = "social_assistance"

    def check(facts: Mapping[str, Any], on: date, settings: Mapping[str, Any]) -> CriterionResult:
        since = facts.get("social_assistance_since")
        if since is None or since > on:
            return CriterionResult(code, Verdict.FAIL, "Ontvangt geen bijstand.",
                                   "Does not receive social assistance.")
        if minimum_years_key is None:
            return CriterionResult(code, Verdict.PASS, "Ontvangt bijstand.", "Receives social assistance.")
        years_needed = settings[minimum_years_key]
        years = age_on(since, on)
        if years >= years_needed:
            return CriterionResult(code, Verdict.PASS, f"{years} jaar in de bijstand, minimaal {years_needed}.",
                                   f"{years} years on social assistance, minimum {years_needed}.")
        return CriterionResult(code, Verdict.FAIL, f"{years} jaar in de bijstand, minder dan {years_needed}.",
                               f"{years} years on social assistance, less than {years_needed}.")

    return Criterion(code, "Langdurig in de bijstand" if minimum_years_key else "In de bijstand",
                     "Long-term social assistance" if minimum_years_key else "On social assistance", check)
