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


# A check receives the facts known about a candidate, the date of evaluation and the tenant's settings in
# force on that date. Facts (services/intake.py builds them): date_of_birth, social_assistance_since,
# reintegration_track (text or None), available_hours, hours_agreed, no_prospect_of_work (True, False or
# None when the coach has not judged yet), after_participation_job.
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


def no_reintegration_track() -> Criterion:
    code = "no_reintegration_track"

    def check(facts: Mapping[str, Any], on: date, settings: Mapping[str, Any]) -> CriterionResult:
        if facts.get("reintegration_track"):
            return CriterionResult(code, Verdict.FAIL, "Volgt nu een re-integratietraject.",
                                   "Currently in a re-integration track.")
        return CriterionResult(code, Verdict.PASS, "Volgt geen re-integratietraject.",
                               "Not in a re-integration track.")

    return Criterion(code, "Geen lopend re-integratietraject", "No current re-integration track", check)


def no_prospect_of_work() -> Criterion:
    """The coach's judgement: no prospect of regular paid work, also not with wage-cost subsidy."""
    code = "no_prospect_of_work"

    def check(facts: Mapping[str, Any], on: date, settings: Mapping[str, Any]) -> CriterionResult:
        judged = facts.get("no_prospect_of_work")
        if judged is None:
            return CriterionResult(code, Verdict.JUDGEMENT,
                                   "De coach beoordeelt of er uitzicht is op betaald werk, ook met loonkostensubsidie.",
                                   "The coach judges whether there is a prospect of paid work, also with "
                                   "wage-cost subsidy.")
        if judged:
            return CriterionResult(code, Verdict.PASS, "Volgens de coach geen uitzicht op betaald werk.",
                                   "No prospect of paid work, in the coach's judgement.")
        return CriterionResult(code, Verdict.FAIL, "Volgens de coach wel uitzicht op betaald werk.",
                               "A prospect of paid work, in the coach's judgement.")

    return Criterion(code, "Geen uitzicht op betaald werk", "No prospect of paid work", check)


def available_hours(minimum_key: str = "hours_per_week_min", maximum_key: str = "hours_per_week_max") -> Criterion:
    """Available within the municipality's range, unless other hours were agreed with the coach."""
    code = "available_hours"

    def check(facts: Mapping[str, Any], on: date, settings: Mapping[str, Any]) -> CriterionResult:
        low, high = settings[minimum_key], settings[maximum_key]
        hours = facts.get("available_hours")
        if hours is None:
            return CriterionResult(code, Verdict.JUDGEMENT, "Beschikbaarheid nog niet bekend.",
                                   "Availability not known yet.")
        if low <= hours <= high:
            return CriterionResult(code, Verdict.PASS, f"{hours} uur per week beschikbaar ({low}-{high}).",
                                   f"Available {hours} hours a week ({low}-{high}).")
        if facts.get("hours_agreed"):
            return CriterionResult(code, Verdict.PASS, f"{hours} uur per week, afgesproken met de coach.",
                                   f"{hours} hours a week, agreed with the coach.")
        return CriterionResult(code, Verdict.JUDGEMENT,
                               f"{hours} uur per week valt buiten {low}-{high}; alleen in overleg.",
                               f"{hours} hours a week is outside {low}-{high}; only by agreement.")

    return Criterion(code, "Beschikbare uren", "Available hours", check)


def long_term_assistance_or_after_participation_job(years_key: str = "minimum_assistance_years") -> Criterion:
    """Amersfoort's motion: long-term social assistance, or no work after a participation job."""
    assistance = on_social_assistance(years_key)
    code = "long_term_or_after_participation_job"

    def check(facts: Mapping[str, Any], on: date, settings: Mapping[str, Any]) -> CriterionResult:
        result = assistance.check(facts, on, settings)
        if result.verdict is Verdict.PASS:
            return CriterionResult(code, Verdict.PASS, result.explanation_nl, result.explanation_en)
        if facts.get("after_participation_job"):
            return CriterionResult(code, Verdict.PASS, "Geen werk gevonden na een participatiebaan.",
                                   "No work found after a participation job.")
        return CriterionResult(code, Verdict.FAIL, result.explanation_nl + " Geen participatiebaan gehad.",
                               result.explanation_en + " No participation job before.")

    return Criterion(code, "Langdurig in de bijstand of na een participatiebaan",
                     "Long-term assistance or after a participation job", check)
