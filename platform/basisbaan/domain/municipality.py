"""What a municipality plugin says about itself and the reference data its demo starts from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class MunicipalityInfo:
    name: str
    cbs_code: str
    description_nl: str
    description_en: str
    # Theme for the web interface (design token values).
    primary_colour: str = "#154273"
    logo_text: str = ""


@dataclass(frozen=True)
class DemoNeighbourhood:
    name: str
    kind: str = "neighbourhood"
    cbs_code: str | None = None
    area: str | None = None


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    is_employer: bool = False
    is_host: bool = False
    is_coaching: bool = False
    description: str | None = None
    neighbourhood: str | None = None


@dataclass(frozen=True)
class DemoFunnel:
    """The intake the demo should reproduce: how many candidates ended where, within which dates."""

    first_referral: date
    last_decision: date
    started: int = 0
    not_started: dict[str, int] = field(default_factory=dict)  # cannot / will_not / may_not
    on_hold: int = 0
    # Decided to start after every place was taken (a municipality with a fixed number of places).
    waiting_list: int = 0
    in_conversation: int = 0
    referred_only: int = 0


@dataclass(frozen=True)
class DemoCohort:
    """`count` participants starting between two dates (inclusive). `funnel` is the index of the intake
    funnel they came through (their candidates are decided to start shortly before); None: placed before
    the municipality recorded its intake."""

    start_from: date
    start_to: date
    count: int
    funnel: int | None = 0


@dataclass(frozen=True)
class DemoExit:
    last_day: date
    reason: str


@dataclass(frozen=True)
class DemoEmployment:
    """The employment history the demo builds: who starts when, who leaves why, hours, neighbourhoods and
    absence, so that the municipality's published figures come out of the records.

    - hours: on `hours_on`, exactly this many active participants work each number of hours a week
      (others draw from the same mix);
    - neighbourhoods: on `neighbourhoods_on`, exactly this many active participants live in each named
      neighbourhood; the rest are spread over the other neighbourhoods, fewer in each than the smallest
      named count;
    - permanent: on `permanent_on`, exactly `permanent_count` have a permanent contract (given on the coach's
      advice at `permanent_after_years`; the others get one more year first); later, everyone who reaches
      the moment gets one;
    - absence: (from, to, rate) periods, half-open, each reached within 0.01 percentage point (no sickness is
      placed after the last period: the demo stands in late 2026);
    - contracts are renewed until `horizon` (fixed, so the demo is the same whenever it runs).
    """

    employer: str
    cao: str
    coaching_organisations: tuple[str, ...]
    cohorts: tuple[DemoCohort, ...]
    contract_months: int = 12
    exits: tuple[DemoExit, ...] = ()
    hours_on: date | None = None
    hours: tuple[tuple[int, int], ...] = ((32, 1),)
    neighbourhoods_on: date | None = None
    neighbourhoods: tuple[tuple[str, int], ...] = ()
    permanent_after_years: int | None = None
    permanent_on: date | None = None
    permanent_count: int = 0
    absence: tuple[tuple[date, date, float], ...] = ()
    horizon: date = date(2027, 1, 1)
    # Coaching hours per participant per week: (from, to, average) periods, half-open; months outside them
    # follow the participants' own intensity (between 1 and 5 hours, more in their first months).
    coaching: tuple[tuple[date, date, float], ...] = ()
    # On this date exactly this many participants have debt support from the municipal credit bank running.
    debt_support_on: date | None = None
    debt_support_count: int = 0


@dataclass(frozen=True)
class DemoTask:
    """A task from the municipality's documents, in one of its neighbourhoods, at a host organisation."""

    title: str
    category: str
    neighbourhood: str | None = None
    host: str | None = None
    hours_per_week: int = 8
    places: int = 10
    physical_demand: str = "light"
    demands: tuple[str, ...] = ()
    source: str = "neighbourhood_organisation"
    first_check: date = date(2020, 2, 14)
    # What the host pays per participant on the task per year (None: nothing).
    host_contribution_per_year: int | None = None


@dataclass(frozen=True)
class DemoFunding:
    """A funding source and its allocations per year (year, amount)."""

    name: str
    kind: str
    amount: int
    start_on: date
    end_on: date | None = None
    funder: str | None = None
    conditions: str | None = None
    earmark: str | None = None
    allocations: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class DemoForecast:
    """A saved scenario (parameters as the forecasts service takes them)."""

    name: str
    description: str
    parameters: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DemoReference:
    neighbourhoods: list[DemoNeighbourhood] = field(default_factory=list)
    organisations: list[DemoOrganisation] = field(default_factory=list)
    # Intake funnels in date order (e.g. the period of a council letter, then the period after it).
    funnels: tuple[DemoFunnel, ...] = ()
    employment: DemoEmployment | None = None
    # Tasks with yearly displacement checks; each participant's hours are spread over them.
    tasks: tuple[DemoTask, ...] = ()
    funding: tuple[DemoFunding, ...] = ()
    forecasts: tuple[DemoForecast, ...] = ()
