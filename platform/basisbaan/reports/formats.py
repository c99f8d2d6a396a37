"""The description of a report format that a plugin offers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReportFormat:
    id: str
    title_nl: str
    title_en: str
    description_en: str
    outputs: tuple[str, ...] = ("html",)
