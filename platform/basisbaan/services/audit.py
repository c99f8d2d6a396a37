"""Writing the audit log. Details carry field names and ids, never personal data values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from basisbaan.models import AuditEvent


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in user, an API token, or the system (CLI, demo)."""

    type: str  # user | token | system
    id: str | None = None
    label: str | None = None

    @classmethod
    def system(cls, label: str = "cli") -> "Actor":
        return cls("system", None, label)


def record(session: Session, actor: Actor, action: str, entity_type: str | None = None,
           entity_id: Any = None, **details: Any) -> AuditEvent:
    event = AuditEvent(
        actor_type=actor.type, actor_id=actor.id, actor_label=actor.label, action=action,
        entity_type=entity_type, entity_id=str(entity_id) if entity_id is not None else None,
        details=details,
    )
    session.add(event)
    return event
