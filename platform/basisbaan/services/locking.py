"""Optimistic locking: a change names the version of the row it was based on; a stale one is refused.

The version is bumped with `UPDATE ... WHERE version = :read`, so of two concurrent changes the second
matches no row (on PostgreSQL it waits for the first to commit, then finds the new version) and gets 409.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from basisbaan.errors import Conflict
from basisbaan.texts import N_


def check(row, expected: int | None) -> None:
    """Refuse with Conflict when `expected` (the version the client read) is stale."""
    if expected is not None and row.version != expected:
        raise Conflict("Someone else changed this record; reload it and try again.",
                       {"version": [N_("Changed by someone else in the meantime; reload and try again.")]})


def claim(session: Session, model, row, expected: int | None) -> None:
    """Bump `row.version`, refusing with Conflict when `expected` (the version the client read) is stale."""
    check(row, expected)
    result = session.execute(update(model).where(model.id == row.id, model.version == row.version)
                             .values(version=model.version + 1).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict("Someone else changed this record; reload it and try again.",
                       {"version": [N_("Changed by someone else in the meantime; reload and try again.")]})
    session.expire(row, ["version"])
