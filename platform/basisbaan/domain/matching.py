"""Matching people with tasks: every open task scored factor by factor, with the reason for each score.

A suggestion only; the coach decides and assigns (services.assignments). Factors and their points:

- neighbourhood: the task is in the person's own neighbourhood (3), in the same area (2, "nearby"),
  municipality-wide (1), elsewhere (0);
- preferences: the task's kind of work is one the person prefers (2), not (0), no preferences known (1);
- hours: the task's hours fit the free hours of the contract exactly (3), take part of them (2), or need more
  than is free (1: the assignment can take fewer hours); no free hours at all blocks;
- days: the task's days all fall on days the person is available (1, also when either side names no days),
  only partly (0);
- demands: a demand the person's limitations rule out, or a physical demand above what they can do, blocks;
  otherwise 2;
- places: a task with no free place blocks.

Blocked tasks are ranked last and say why; the rest by points, then by title.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from basisbaan.models.work import PHYSICAL_DEMANDS

MAX_POINTS = 3 + 2 + 3 + 1 + 2


@dataclass(frozen=True)
class Person:
    """What matching knows about a participant or candidate."""

    neighbourhood_id: Any = None
    area: str | None = None
    preferred_categories: tuple[str, ...] = ()
    available_days: tuple[str, ...] = ()
    max_physical_demand: str | None = None
    limitations: tuple[str, ...] = ()
    free_hours: Decimal | None = None  # None: hours unknown (not counted)


@dataclass(frozen=True)
class TaskFacts:
    id: Any
    title: str
    category: str
    neighbourhood_id: Any
    area: str | None
    hours_per_week: Decimal
    days: tuple[str, ...]
    physical_demand: str
    demands: tuple[str, ...]
    free_places: int


@dataclass(frozen=True)
class Factor:
    code: str  # neighbourhood, preferences, hours, days, demands, places
    points: int
    outcome: str  # a code explaining the points, e.g. same_neighbourhood, conflicts
    blocks: bool = False
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    subject: Any  # the task (or, for a task's matches, the participant)
    factors: tuple[Factor, ...] = field(default_factory=tuple)

    @property
    def points(self) -> int:
        return sum(f.points for f in self.factors)

    @property
    def blocked(self) -> bool:
        return any(f.blocks for f in self.factors)


def _neighbourhood(person: Person, task: TaskFacts) -> Factor:
    if task.neighbourhood_id is None:
        return Factor("neighbourhood", 1, "municipality_wide")
    if person.neighbourhood_id is not None and task.neighbourhood_id == person.neighbourhood_id:
        return Factor("neighbourhood", 3, "same_neighbourhood")
    if person.area and task.area == person.area:
        return Factor("neighbourhood", 2, "same_area")
    if person.neighbourhood_id is None:
        return Factor("neighbourhood", 0, "unknown")
    return Factor("neighbourhood", 0, "elsewhere")


def _preferences(person: Person, task: TaskFacts) -> Factor:
    if not person.preferred_categories:
        return Factor("preferences", 1, "unknown")
    if task.category in person.preferred_categories:
        return Factor("preferences", 2, "preferred", details=(task.category,))
    return Factor("preferences", 0, "not_preferred", details=(task.category,))


def _number(value: Decimal) -> str:
    """24.0 and 24 alike as "24"; 7.5 as "7.5"."""
    return f"{Decimal(value).normalize():f}"


def _hours(person: Person, task: TaskFacts) -> Factor:
    free = person.free_hours
    if free is None:
        return Factor("hours", 0, "unknown")
    if free <= 0:
        return Factor("hours", 0, "no_free_hours", blocks=True, details=("0",))
    if task.hours_per_week == free:
        return Factor("hours", 3, "fits_exactly", details=(_number(free),))
    if task.hours_per_week < free:
        return Factor("hours", 2, "fits_partly", details=(_number(free),))
    return Factor("hours", 1, "more_than_free", details=(_number(free),))


def _days(person: Person, task: TaskFacts) -> Factor:
    if not task.days or not person.available_days:
        return Factor("days", 1, "any_day")
    missing = tuple(day for day in task.days if day not in person.available_days)
    if not missing:
        return Factor("days", 1, "available")
    return Factor("days", 0, "partly_available", details=missing)


def _demands(person: Person, task: TaskFacts) -> Factor:
    conflicts = tuple(d for d in task.demands if d in person.limitations)
    too_heavy = (person.max_physical_demand is not None
                 and PHYSICAL_DEMANDS.index(task.physical_demand) > PHYSICAL_DEMANDS.index(person.max_physical_demand))
    if too_heavy:
        conflicts = (f"physical:{task.physical_demand}", *conflicts)
    if conflicts:
        return Factor("demands", 0, "conflicts", blocks=True, details=conflicts)
    return Factor("demands", 2, "no_conflict")


def _places(task: TaskFacts) -> Factor:
    if task.free_places <= 0:
        return Factor("places", 0, "full", blocks=True)
    return Factor("places", 0, "free", details=(str(task.free_places),))


def score(person: Person, task: TaskFacts, subject: Any = None) -> Match:
    return Match(subject if subject is not None else task, (
        _neighbourhood(person, task), _preferences(person, task), _hours(person, task), _days(person, task),
        _demands(person, task), _places(task)))


def rank(matches: list[Match], title=lambda m: "") -> list[Match]:
    return sorted(matches, key=lambda m: (m.blocked, -m.points, title(m)))
