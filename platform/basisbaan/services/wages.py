"""Wage costs over a period, day-accurate, from the contract versions and the CAO terms in force on each
day: one statement for the contracts (services.timeline), whatever the number of participants or days."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from basisbaan.domain.cao_catalogue import CAO_NAMES
from basisbaan.domain.employment import MissingTerms, WageCost, wage_cost_over
from basisbaan.domain.national_parameters import MissingParameter
from basisbaan.errors import InvalidInput
from basisbaan.services import timeline
from basisbaan.services.timeline import Group, SettingsTimeline
from basisbaan.services.visibility import Viewer
from basisbaan.texts import N_


@dataclass
class WageCosts:
    total: WageCost = field(default_factory=WageCost)
    by_participant: dict = field(default_factory=dict)


def wage_costs(session: Session, settings: SettingsTimeline, start: date, end: date, viewer: Viewer | None = None,
               group: Group = Group()) -> WageCosts:
    """Gross wage, holiday allowance, year-end payment, employer charges and pension over [start, end)."""
    if start >= end:
        raise InvalidInput("The period is empty.", {"from": [N_("Must be before 'to'.")]})
    result = WageCosts()
    for period in timeline.periods(session, start, end, viewer, group):
        try:
            cost = wage_cost_over(period, start, end, settings.terms)
        except MissingTerms as exc:
            raise InvalidInput("A contract's collective agreement has no terms for a date in the period.",
                               {"from": [N_("No terms of %(cao)s on %(day)s.", cao=CAO_NAMES.get(exc.cao, exc.cao), day=exc.on.isoformat())]})
        except MissingParameter as exc:
            raise InvalidInput("No published minimum wage for a date in the period.",
                               {"from": [N_("No published minimum wage for %(day)s.", day=exc.on.isoformat())]})
        result.total = result.total + cost
        result.by_participant[period.participant_id] = result.by_participant.get(period.participant_id, WageCost()) + cost
    return result
