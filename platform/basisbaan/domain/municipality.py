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
class DemoReference:
    neighbourhoods: list[DemoNeighbourhood] = field(default_factory=list)
    organisations: list[DemoOrganisation] = field(default_factory=list)
    funnel: DemoFunnel | None = None
