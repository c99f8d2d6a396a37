"""Report snapshots: a report frozen as it was sent to the council. A snapshot keeps the rendered HTML (what
was sent), the key figures, the definitions' version, who froze it and when, and a SHA-256 hash of the data
the report was computed from (the figures and every table's values, canonical JSON). Opening it later shows
the stored HTML; `data_changed` rebuilds the same report from today's records and compares the hashes."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from basisbaan.crypto import Secrets
from basisbaan.errors import InvalidInput, NotFound
from basisbaan.models import ReportSnapshot
from basisbaan.reports import engine
from basisbaan.services import kpis as kpi_service
from basisbaan.services.audit import Actor, record
from basisbaan.services.timeline import SettingsTimeline
from basisbaan.texts import N_

LANGUAGES = ("nl", "en")


def _plain(value: Any) -> Any:
    """JSON-ready: Decimals and dates as text, figures with a kind as their raw value."""
    if hasattr(value, "raw"):
        return _plain(value.raw)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (Decimal, date)):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def data_of(report) -> dict[str, Any]:
    """The data a report was computed from: its key figures and the values of every table."""
    return {"figures": _plain(report.figures),
            "tables": {table_id: {"rows": _plain(table.rows), "total": _plain(table.total)}
                       for table_id, table in report.tables.items()}}


def data_hash(report) -> str:
    canonical = json.dumps(data_of(report), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _build(session: Session, secrets: Secrets, hooks, format_id: str, as_of: date, start: date | None,
           end: date | None, municipality: str | None):
    period = kpi_service.check(session, as_of, start, end)
    return engine.build(session, secrets, SettingsTimeline(session, hooks), hooks, format_id, period,
                        municipality=municipality)


def create(session: Session, secrets: Secrets, hooks, format_id: str, as_of: date, start: date | None,
           end: date | None, language: str, actor: Actor, municipality: str | None = None) -> ReportSnapshot:
    """Build the report, render it and keep it with the hash of its data."""
    if language not in LANGUAGES:
        raise InvalidInput("Unknown language.", {"lang": [N_("Unknown value.")]})
    fmt = engine.get_format(hooks, format_id)
    if "html" not in fmt.outputs:
        raise InvalidInput("This format has no document to freeze.", {"format": [N_("This format has no document to freeze.")]})
    report = _build(session, secrets, hooks, format_id, as_of, start, end, municipality)
    snapshot = ReportSnapshot(
        format_id=fmt.id, title=fmt.title_nl if language == "nl" else fmt.title_en, language=language,
        as_of=report.period.as_of, period_from=report.period.start, period_to=report.period.end,
        definition_version=kpi_service.DEFINITION_VERSION, data_hash=data_hash(report),
        figures=_plain(report.figures), html=engine.render_html(report, language), created_by=actor.label)
    session.add(snapshot)
    session.flush()
    record(session, actor, "report.frozen", "report_snapshot", snapshot.id, format=fmt.id)
    return snapshot


def list_query():
    return select(ReportSnapshot).order_by(ReportSnapshot.created_at.desc(), ReportSnapshot.id)


def get(session: Session, snapshot_id: uuid.UUID) -> ReportSnapshot:
    found = session.scalars(select(ReportSnapshot).where(ReportSnapshot.id == snapshot_id)).first()
    if found is None:
        raise NotFound("No such snapshot.")
    return found


def data_changed(session: Session, secrets: Secrets, hooks, snapshot: ReportSnapshot,
                 municipality: str | None = None) -> bool:
    """Whether the records now give other data for the same report and period (or other definitions)."""
    if snapshot.definition_version != kpi_service.DEFINITION_VERSION:
        return True
    report = _build(session, secrets, hooks, snapshot.format_id, snapshot.as_of, snapshot.period_from,
                    snapshot.period_to, municipality)
    return data_hash(report) != snapshot.data_hash
