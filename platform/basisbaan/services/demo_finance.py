"""Demo funding sources with their allocations and saved forecast scenarios, from a plugin's DemoReference,
through the same services as the pages (so the demo obeys the same rules). Costs are not written: they are
computed from the demo's contracts, tasks and settings."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from basisbaan.domain.municipality import DemoReference
from basisbaan.models import Forecast, FundingSource
from basisbaan.services import forecasts as forecast_service
from basisbaan.services import funding as funding_service
from basisbaan.services.audit import Actor
from basisbaan.services.timeline import SettingsTimeline


def generate(session: Session, timeline: SettingsTimeline, reference: DemoReference) -> tuple[int, int]:
    """Funding sources and scenarios unless the municipality has some; returns how many of each."""
    actor = Actor.system("demo")
    sources = forecasts = 0
    if not session.scalar(select(func.count()).select_from(FundingSource)):
        for spec in reference.funding:
            source = funding_service.create(session, {
                "name": spec.name, "kind": spec.kind, "funder": spec.funder, "amount": Decimal(spec.amount),
                "start_on": spec.start_on, "end_on": spec.end_on, "conditions": spec.conditions,
                "earmark": spec.earmark}, actor)
            for year, amount in spec.allocations:
                funding_service.allocate(session, source, {"year": year, "amount": Decimal(amount)}, actor)
            sources += 1
    if not session.scalar(select(func.count()).select_from(Forecast)):
        for spec in reference.forecasts:
            forecast_service.create(session, timeline, {"name": spec.name, "description": spec.description,
                                                        "parameters": _typed(spec.parameters)}, actor)
            forecasts += 1
    session.flush()
    return sources, forecasts


def _typed(parameters: dict) -> dict:
    return {k: Decimal(v) if k == "hours_per_week" else v for k, v in parameters.items()}
