"""Candidate records as plain dicts for the API and pages, with what the viewer's role may see."""

from __future__ import annotations

from typing import Any

from basisbaan.crypto import Secrets
from basisbaan.models import Candidate
from basisbaan.services import candidates as candidate_service

PERSON_VIEW = ("given_names", "family_name", "date_of_birth", "gender", "household_type", "neighbourhood_id",
               "email", "phone")
CANDIDATE_VIEW = ("id", "status", "status_since", "referral_source", "referral_date", "coach_id",
                  "social_assistance_since", "reintegration_track", "after_participation_job", "available_hours",
                  "hours_agreed", "preferred_work", "no_prospect_of_work")


def candidate(record: Candidate, *, secrets: Secrets | None = None, special: bool = False) -> dict[str, Any]:
    """`special`: include debts, health, limitations and support needs (coaches only)."""
    person = record.person
    view = {key: getattr(person, key) for key in PERSON_VIEW}
    view.update({key: getattr(record, key) for key in CANDIDATE_VIEW})
    view["neighbourhood"] = person.neighbourhood.name if person.neighbourhood else None
    view["coach"] = record.coach.display_name if record.coach else None
    view["bsn_masked"] = candidate_service.masked_bsn(record)
    view["special"] = candidate_service.special_data(record, secrets) if special and secrets else None
    return view
