"""Words for the work: labels of the task catalogue's codes (kinds of work, demands, weekdays, statuses,
verdicts) and the explanation of each matching factor (basisbaan.domain.matching.Factor) in a sentence.

Shared by the task pages and a participant's matches page, so that both explain a match the same way.
Labels are translated lazily; `explain` translates when called (inside a request).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from basisbaan.domain.matching import Factor

TASK_CATEGORY_LABELS = {
    "maintenance": _l("Maintenance of public space"),
    "hosting": _l("Hosting"),
    "litter": _l("Litter picking"),
    "cycling": _l("Cycling lessons and bicycle repair"),
    "newsletter": _l("Neighbourhood newsletter"),
    "sports": _l("Sports and games"),
    "residents": _l("Help for residents"),
    "transport": _l("Transport"),
    "tool_lending": _l("Tool lending"),
    "playgrounds": _l("Playgrounds"),
    "schools": _l("Schools"),
    "second_hand": _l("Second-hand shop"),
    "other": _l("Other"),
}
DEMAND_LABELS = {
    "outdoors": _l("Working outdoors"),
    "lifting": _l("Lifting"),
    "standing": _l("Standing for long"),
    "walking": _l("Walking"),
    "cycling": _l("Cycling"),
    "driving": _l("Driving"),
    "contact_with_residents": _l("Contact with residents"),
    "working_alone": _l("Working alone"),
    "early_hours": _l("Early hours"),
    "children": _l("Working with children"),
}
WEEKDAY_LABELS = {
    "mon": _l("Monday"),
    "tue": _l("Tuesday"),
    "wed": _l("Wednesday"),
    "thu": _l("Thursday"),
    "fri": _l("Friday"),
    "sat": _l("Saturday"),
    "sun": _l("Sunday"),
}
PHYSICAL_DEMAND_LABELS = {"light": _l("Light"), "medium": _l("Medium"), "heavy": _l("Heavy")}
TASK_SOURCE_LABELS = {
    "neighbourhood_organisation": _l("Neighbourhood organisation"),
    "area_team": _l("Area team"),
    "made_to_fit": _l("Made to fit a participant"),
}
TASK_STATUS_LABELS = {
    "proposed": _l("Proposed"),
    "under_check": _l("Being checked"),
    "approved": _l("Approved"),
    "active": _l("Active"),
    "closed": _l("Closed"),
}
# The verdicts of a displacement check (models.work.VERDICTS); not the intake's eligibility VERDICT_LABELS.
CHECK_VERDICT_LABELS = {"approved": _l("Approved"), "rejected": _l("Rejected")}
# The factors of a match, as column headings.
FACTOR_LABELS = {
    "neighbourhood": _l("Neighbourhood"),
    "preferences": _l("Preferences"),
    "hours": _l("Hours"),
    "days": _l("Days"),
    "demands": _l("Demands"),
    "places": _l("Places"),
}


def label(labels: dict, code) -> str:
    """The label of `code` in `labels`, the code itself when unknown, a dash for none."""
    if code is None:
        return "–"
    return str(labels.get(code, code))


def _join(labels: dict, codes) -> str:
    return ", ".join(label(labels, code) for code in codes)


def _hours(detail: tuple[str, ...]) -> str:
    """The free hours a factor names ("24.5"), as the reader writes numbers (24,5)."""
    try:
        return format_decimal(Decimal(detail[0]), "#,##0.##")
    except (IndexError, InvalidOperation):
        return "?"


def _demand(detail: str) -> str:
    """A conflicting demand; "physical:heavy" means the physical demand is above what the person can do."""
    if detail.startswith("physical:"):
        level = detail.removeprefix("physical:")
        return _("physical demand too heavy (%(level)s)", level=label(PHYSICAL_DEMAND_LABELS, level).lower())
    return label(DEMAND_LABELS, detail)


def explain(factor: Factor) -> str:
    """One sentence on what a factor of a match means, in the reader's language."""
    code, outcome, details = factor.code, factor.outcome, tuple(factor.details)
    if code == "neighbourhood":
        return {
            "same_neighbourhood": _("Same neighbourhood"),
            "same_area": _("Nearby (same area)"),
            "municipality_wide": _("Anywhere in the municipality"),
            "elsewhere": _("Another neighbourhood"),
            "unknown": _("Neighbourhood unknown"),
        }.get(outcome, outcome)
    if code == "preferences":
        kind = label(TASK_CATEGORY_LABELS, details[0]) if details else ""
        if outcome == "preferred":
            return _("Preferred kind of work: %(kind)s", kind=kind)
        if outcome == "not_preferred":
            return _("Not among the preferred kinds of work: %(kind)s", kind=kind)
        if outcome == "unknown":
            return _("No preferences known")
        return outcome
    if code == "hours":
        if outcome == "fits_exactly":
            return _("Fills the %(hours)s free hours", hours=_hours(details))
        if outcome == "fits_partly":
            return _("Takes part of the %(hours)s free hours", hours=_hours(details))
        if outcome == "more_than_free":
            return _("More hours than the %(hours)s free; assign fewer", hours=_hours(details))
        if outcome == "no_free_hours":
            return _("No free hours")
        if outcome == "unknown":
            return _("Free hours unknown (no contract on this date)")
        return outcome
    if code == "days":
        if outcome == "available":
            return _("Available on the task's days")
        if outcome == "any_day":
            return _("No fixed days")
        if outcome == "partly_available":
            return _("Not available on: %(days)s", days=_join(WEEKDAY_LABELS, details))
        return outcome
    if code == "demands":
        if outcome == "no_conflict":
            return _("No conflict with limitations")
        if outcome == "conflicts":
            return _("Conflicts with limitations: %(demands)s", demands=", ".join(_demand(d) for d in details))
        return outcome
    if code == "places":
        if outcome == "free":
            try:
                count = int(details[0])
            except (IndexError, ValueError):
                count = 0
            return ngettext("%(num)d place free", "%(num)d places free", count)
        if outcome == "full":
            return _("No free place")
        return outcome
    return outcome


def blocking_reasons(match) -> list[str]:
    """Why a match is blocked: the explanations of its blocking factors (empty when it is not blocked)."""
    return [explain(f) for f in match.factors if f.blocks]


def template_helpers() -> dict:
    """Functions for templates (a blueprint's context processor can return this)."""
    return {
        "task_category_label": lambda code: label(TASK_CATEGORY_LABELS, code),
        "demand_label": lambda code: label(DEMAND_LABELS, code),
        "weekday_label": lambda code: label(WEEKDAY_LABELS, code),
        "physical_demand_label": lambda code: label(PHYSICAL_DEMAND_LABELS, code),
        "task_source_label": lambda code: label(TASK_SOURCE_LABELS, code),
        "task_status_label": lambda code: label(TASK_STATUS_LABELS, code),
        "check_verdict_label": lambda code: label(CHECK_VERDICT_LABELS, code),
        "factor_label": lambda code: label(FACTOR_LABELS, code),
        "explain": explain,
        "blocking_reasons": blocking_reasons,
    }
