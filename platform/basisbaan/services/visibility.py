"""Who sees which participants: municipal coaches and admins all of them, a job coach only the
participants of their own coaching organisation (none without one). One rule for pages, API and reports."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import false

from basisbaan.models import Participant

# Roles that see every participant of the municipality (what they may do with one is the permission table's
# business: finance sees a participant's cost card, nothing else).
ALL_PARTICIPANTS_ROLES = frozenset({"coach", "admin", "finance"})


@dataclass(frozen=True)
class Viewer:
    roles: frozenset[str]
    organisation_id: uuid.UUID | None = None
    user_id: uuid.UUID | None = None

    @property
    def sees_all(self) -> bool:
        return bool(self.roles & ALL_PARTICIPANTS_ROLES)

    @property
    def is_job_coach_only(self) -> bool:
        return not self.sees_all and "jobcoach" in self.roles


def participant_filter(viewer: Viewer):
    """A WHERE clause on Participant limiting rows to what `viewer` may see."""
    if viewer.sees_all:
        return None
    if "jobcoach" in viewer.roles and viewer.organisation_id is not None:
        return Participant.coaching_organisation_id == viewer.organisation_id
    return false()


def scoped(stmt, viewer: Viewer):
    clause = participant_filter(viewer)
    return stmt if clause is None else stmt.where(clause)


def can_see(viewer: Viewer, participant: Participant) -> bool:
    if viewer.sees_all:
        return True
    return ("jobcoach" in viewer.roles and viewer.organisation_id is not None
            and participant.coaching_organisation_id == viewer.organisation_id)
