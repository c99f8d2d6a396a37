"""What a report format is: the description a plugin offers through the `report_formats` hook.

A format is data, never code: its sections say which texts, key figures, tables and charts it shows, in
that order. The core's engine (basisbaan.reports.engine) computes every table and chart named here from
the records, with the same definitions as the key figures (basisbaan.services.kpis); a plugin only chooses
and words. A format without sections shows the core's key-figure overview.

Texts are Dutch and English (`Text(nl, en)`); a paragraph may name values in braces, e.g.
"Op {as_of} werken {participants_active} deelnemers.", which the engine fills in, formatted for the
reader's language (see VALUES for the names). Unknown names, tables or charts are refused when the
formats are listed (`check_format`), so a typo fails the plugin's tests rather than a council letter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

OUTPUTS = ("html", "pdf", "xlsx")
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")

# Tables the engine computes (id: what it holds). A chart has the id of the table that holds its data.
TABLES: dict[str, str] = {
    "key_figures": "every key figure with its value and definition",
    "funnel": "the intake funnel over the period: referred, spoken, started, not started by reason",
    "exits_by_reason": "exits in the period by reason, and whether the reason counts as drop-out",
    "hours_distribution": "contracts in force on as_of by weekly hours band",
    "participants_by_neighbourhood": "active participants on as_of by neighbourhood, largest first",
    "tasks_by_category": "tasks participants work on on as_of, by kind of work",
    "absence_over_time": "absence rate per half year of the period (hidden below five participants)",
    "coaching_over_time": "coaching hours per participant-week per half year (hidden below five)",
    "wellbeing": "mean first and latest score per life domain (hidden below five participants)",
    "costs_per_year": "programme costs per calendar year of the period: costs, host contributions, gross, "
                      "offsets, net",
    "cost_per_participant_year": "the cost table per participant per year: the period's programme costs "
                                 "divided by the participant-years in it",
    "places": "fixed number of places, places taken, free, waiting list on as_of",
    "contracts_ending": "temporary contracts ending within two years of as_of, by quarter, with and without a "
                        "next contract recorded",
    "host_tasks": "tasks whose host pays a fee, with the fee per year and the participants on it on as_of",
    "host_contributions": "host fees received per calendar year of the period",
    "conditions": "the employment conditions in force on as_of: minimum wage, collective agreement, pension, "
                  "displacement checks",
    "forecast": "the projection of the municipality's saved forecast scenario (the first by name), or of a "
                "scenario towards its target",
}
CHARTS: tuple[str, ...] = ("hours_distribution", "participants_by_neighbourhood", "absence_over_time",
                           "coaching_over_time", "wellbeing", "costs_per_year")
# Names a paragraph may use in braces.
VALUES: dict[str, str] = {
    "municipality": "the municipality's name",
    "as_of": "the reference date", "from": "the first day of the period", "to_last": "the last day of the period",
    "first_start": "the day the first participant started",
    "participants_active": "participants on as_of", "participants_started_total": "starters in the period",
    "permanent_contracts": "active participants on a permanent contract", "exits_total": "exits in the period",
    "dropouts": "exits counted as drop-out", "debt_support_count": "active participants with debt support",
    "share_over_50": "share of active participants aged 50 or more", "average_hours": "mean weekly hours",
    "candidates_referred": "candidates referred in the period", "candidates_spoken": "candidates spoken",
    "candidates_started": "candidates decided to start", "candidates_not_started": "candidates not started",
    "not_started_cannot_share": "share of those not started who could not",
    "not_started_will_not_share": "share of those not started who would not",
    "not_started_may_not_share": "share of those not started who were not allowed",
    "conversion_rate": "started / spoken",
    "absence_rate": "absence rate over the period",
    "coaching_hours_per_participant_week": "coaching hours per participant-week",
    "wellbeing_instrument": "the name of the wellbeing instrument",
    "neighbourhoods_count": "neighbourhoods where active participants live",
    "largest_neighbourhood": "the neighbourhood with most participants",
    "largest_neighbourhood_count": "participants living there",
    "tasks_active": "tasks participants work on on as_of",
    "costs_gross": "gross costs over the period", "costs_offsets": "offsets over the period",
    "costs_net": "net costs over the period", "participant_years": "participant-years in the period",
    "net_per_participant_year": "net costs per participant per year",
    "target": "target number of basisbanen", "target_year": "year of the target",
    "target_remaining": "basisbanen still to create for the target",
    "per_year_needed": "basisbanen a year needed to reach the target in time",
    "places": "fixed number of places", "places_occupied": "places taken on as_of",
    "places_free": "places free on as_of", "waiting_list": "candidates on the waiting list",
    "contract_months": "length of a first temporary contract in months",
    "contracts_ending_next_year": "temporary contracts ending within a year of as_of",
    "contracts_without_next_next_year": "of those, the ones without a next contract recorded",
    "host_contributions_total": "host fees over the period", "host_tasks": "tasks whose host pays a fee",
    "cao_name": "the collective agreement in force for new contracts",
    "pension_rate": "employer's pension premium", "minimum_hourly_wage": "statutory minimum hourly wage on as_of",
    "employer_name": "the usual employer", "tasks_checked": "tasks whose latest displacement check passed",
    "tasks_rejected": "tasks rejected for displacement",
    "forecast_name": "name of the projected scenario", "forecast_jobs": "basisbanen at the end of the projection",
    "forecast_first_year": "first year of the projection", "forecast_last_year": "last year of the projection",
    "forecast_net_last_year": "net costs in the projection's last year",
    "forecast_net_per_job": "net costs per basisbaan in the projection's last year",
}


@dataclass(frozen=True)
class Text:
    """A text in Dutch and English."""

    nl: str
    en: str

    def __call__(self, language: str) -> str:
        return self.en if language == "en" else self.nl


@dataclass(frozen=True)
class Section:
    """A part of a report: a heading, paragraphs, tables (ids from TABLES) and charts (ids from CHARTS; each
    is followed by its data table)."""

    id: str
    title: Text
    paragraphs: tuple[Text, ...] = ()
    tables: tuple[str, ...] = ()
    charts: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportFormat:
    id: str
    title_nl: str
    title_en: str
    description_en: str
    outputs: tuple[str, ...] = ("html",)
    sections: tuple[Section, ...] = ()
    description_nl: str = ""
    intro: tuple[Text, ...] = field(default=())  # paragraphs before the first section

    def title(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_nl

    def description(self, language: str) -> str:
        return self.description_nl if language == "nl" and self.description_nl else self.description_en


def placeholders(fmt: ReportFormat) -> set[str]:
    """Every value name the format's texts use."""
    texts = list(fmt.intro) + [p for s in fmt.sections for p in s.paragraphs]
    return {name for t in texts for text in (t.nl, t.en) for name in PLACEHOLDER.findall(text)}


def check_format(fmt: ReportFormat) -> None:
    """Raise ValueError naming what is wrong with a format (ids, outputs, tables, charts, values)."""
    problems = []
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", fmt.id):
        problems.append(f"id {fmt.id!r} must be lower-case letters, digits and hyphens")
    if not fmt.title_nl or not fmt.title_en:
        problems.append("titles in Dutch and English are required")
    if not fmt.outputs or any(o not in OUTPUTS for o in fmt.outputs):
        problems.append(f"outputs must be some of {OUTPUTS}, got {fmt.outputs}")
    section_ids = [s.id for s in fmt.sections]
    if len(section_ids) != len(set(section_ids)):
        problems.append(f"section ids repeat: {section_ids}")
    for section in fmt.sections:
        problems += [f"section {section.id}: unknown table {t!r}" for t in section.tables if t not in TABLES]
        problems += [f"section {section.id}: unknown chart {c!r}" for c in section.charts if c not in CHARTS]
    problems += [f"unknown value {{{name}}} in a text" for name in sorted(placeholders(fmt)) if name not in VALUES]
    if problems:
        raise ValueError(f"report format {fmt.id}: " + "; ".join(problems))
