"""Optimistic locking: a change names the version of the row it was based on; a stale one is refused.

The version is bumped with `UPDATE ... WHERE version = :read`, so of two concurrent changes the second
matches no row (on PostgreSQL it waits for the first to commit, then finds the new version) and gets 409.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from basisbaan.errors import Conflict
from basisbaan.texts import N_


def lock(session: Session, model, row_id) -> None:
    """Take the row's write lock for the rest of the transaction (SELECT ... FOR UPDATE on PostgreSQL), so
    that two requests checking and then adding to the same record (overlapping contracts, double
    absences) run one after the other."""
    session.execute(select(model.id).where(model.id == row_id).with_for_update())


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
