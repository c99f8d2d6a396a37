"""What a municipality plugin says about itself and the reference data its demo starts from."""

from __future__ import annotations

from dataclasses import dataclass, field


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
class DemoReference:
    neighbourhoods: list[DemoNeighbourhood] = field(default_factory=list)
    organisations: list[DemoOrganisation] = field(default_factory=list)
