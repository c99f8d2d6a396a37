"""Neighbourhoods and organisations of the session's tenant."""

from __future__ import annotations

import uuid
from typing import Any, Mapping

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from basisbaan.texts import N_
from basisbaan.errors import Conflict, InvalidInput, NotFound
from basisbaan.models import Neighbourhood, Organisation
from basisbaan.services.audit import Actor, record


def neighbourhoods_query(search: str | None = None):
    stmt = select(Neighbourhood).order_by(Neighbourhood.name, Neighbourhood.id)
    if search:
        stmt = stmt.where(func.lower(Neighbourhood.name).contains(search.lower(), autoescape=True))
    return stmt


def organisations_query(search: str | None = None, kind: str | None = None):
    stmt = select(Organisation).order_by(Organisation.name, Organisation.id)
    if search:
        stmt = stmt.where(func.lower(Organisation.name).contains(search.lower(), autoescape=True))
    if kind:
        stmt = stmt.where({"employer": Organisation.is_employer, "host": Organisation.is_host,
                           "coaching": Organisation.is_coaching}[kind])
    return stmt


def get_neighbourhood(session: Session, neighbourhood_id: uuid.UUID) -> Neighbourhood:
    found = session.scalars(select(Neighbourhood).where(Neighbourhood.id == neighbourhood_id)).first()
    if found is None:
        raise NotFound("No such neighbourhood.")
    return found


def get_organisation(session: Session, organisation_id: uuid.UUID) -> Organisation:
    found = session.scalars(select(Organisation).where(Organisation.id == organisation_id)).first()
    if found is None:
        raise NotFound("No such organisation.")
    return found


def _name_taken(session: Session, model, name: str) -> bool:
    return session.scalars(select(model.id).where(func.lower(model.name) == name.lower())).first() is not None


def create_neighbourhood(session: Session, data: Mapping[str, Any], actor: Actor) -> Neighbourhood:
    if _name_taken(session, Neighbourhood, data["name"]):
        raise Conflict("A neighbourhood with this name exists.", {"name": [N_("Already in use.")]})
    neighbourhood = Neighbourhood(**data)
    session.add(neighbourhood)
    session.flush()
    record(session, actor, "neighbourhood.created", "neighbourhood", neighbourhood.id)
    return neighbourhood


def create_organisation(session: Session, data: Mapping[str, Any], actor: Actor) -> Organisation:
    data = dict(data)
    if _name_taken(session, Organisation, data["name"]):
        raise Conflict("An organisation with this name exists.", {"name": [N_("Already in use.")]})
    if data.get("neighbourhood_id") is not None:
        try:
            get_neighbourhood(session, data["neighbourhood_id"])
        except NotFound:
            raise InvalidInput("Unknown neighbourhood.", {"neighbourhood_id": [N_("No such neighbourhood.")]})
    organisation = Organisation(**data)
    session.add(organisation)
    session.flush()
    record(session, actor, "organisation.created", "organisation", organisation.id)
    return organisation
