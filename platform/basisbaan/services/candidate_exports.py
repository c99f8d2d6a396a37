"""The candidate list as a spreadsheet for coaches: no BSN and no special personal data (minimisation)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from basisbaan.services import candidates as candidate_service
from basisbaan.services import export
from basisbaan.services.audit import Actor, record

HEADERS = ("given_names", "family_name", "status", "status_since", "neighbourhood", "coach", "referral_source",
           "referral_date", "available_hours", "preferred_work")


def candidates(session: Session, fmt: str, status: str | None, actor: Actor) -> tuple[bytes, str, str]:
    rows = []
    for c in session.scalars(candidate_service.list_query(status=status)):
        person = c.person
        rows.append((person.given_names, person.family_name, c.status, c.status_since,
                     person.neighbourhood.name if person.neighbourhood else None,
                     c.coach.display_name if c.coach else None, c.referral_source, c.referral_date,
                     c.available_hours, c.preferred_work))
    record(session, actor, "candidate.exported", "candidate", None, format=fmt, count=len(rows))
    stamp = date.today().isoformat()
    if fmt == "xlsx":
        return (export.to_xlsx("Kandidaten", HEADERS, rows),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"kandidaten-{stamp}.xlsx")
    return export.to_csv(HEADERS, rows), "text/csv", f"kandidaten-{stamp}.csv"
