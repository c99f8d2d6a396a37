"""Bulk import of candidates from CSV or XLSX: a dry run reports per row and field, committing is all or nothing.

Accepted: UTF-8 (with or without BOM) or Windows-1252 CSV with `,`, `;` or tab, or an XLSX workbook (first
sheet). The first row names the columns, in English or Dutch (see COLUMNS). Rows are checked in three
statements whatever their number (neighbourhoods, coaches, existing BSN hashes) and written in one flush.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from basisbaan.crypto import Secrets
from basisbaan.domain import bsn as bsn_rules
from basisbaan.errors import InvalidInput
from basisbaan.models import Candidate, CandidateStatusChange, Neighbourhood, Person, User, UserRole
from basisbaan.models.candidate import REFERRAL_SOURCES
from basisbaan.services.audit import Actor, record
from basisbaan.services.candidates import bsn_digest
from basisbaan.texts import N_

MAX_ROWS = 20_000
# canonical name -> accepted headers (lower case)
COLUMNS = {
    "bsn": ("bsn", "burgerservicenummer"),
    "given_names": ("given_names", "voornamen", "voornaam"),
    "family_name": ("family_name", "achternaam", "naam"),
    "date_of_birth": ("date_of_birth", "geboortedatum"),
    "gender": ("gender", "geslacht"),
    "household_type": ("household_type", "huishouden", "leefvorm"),
    "neighbourhood": ("neighbourhood", "wijk"),
    "email": ("email", "e-mail"),
    "phone": ("phone", "telefoon"),
    "referral_source": ("referral_source", "aanmeldbron", "bron"),
    "referral_date": ("referral_date", "aanmelddatum"),
    "social_assistance_since": ("social_assistance_since", "bijstand_sinds", "uitkering_sinds"),
    "reintegration_track": ("reintegration_track", "re-integratietraject", "traject"),
    "available_hours": ("available_hours", "uren", "beschikbare_uren"),
    "coach_email": ("coach_email", "coach"),
}
REQUIRED = ("given_names", "family_name")
GENDER_WORDS = {"v": "female", "vrouw": "female", "female": "female", "f": "female", "m": "male", "man": "male",
                "male": "male", "x": "other", "anders": "other", "other": "other", "": "unknown",
                "onbekend": "unknown", "unknown": "unknown"}
HOUSEHOLD_WORDS = {"alleenstaand": "single", "single": "single", "alleenstaande ouder": "single_parent",
                   "single_parent": "single_parent", "samenwonend": "couple", "gehuwd": "couple", "couple": "couple",
                   "gezin": "couple_with_children", "couple_with_children": "couple_with_children",
                   "anders": "other", "other": "other"}
SOURCE_WORDS = {"collega": "colleague", "colleague": "colleague", "gebiedsteam": "area_team", "area_team": "area_team",
                "zelf": "self", "self": "self", "anders": "other", "other": "other", "": "other"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y")


@dataclass
class RowProblem:
    row: int  # the row number as a spreadsheet shows it (header is row 1)
    errors: dict[str, list[str]]


@dataclass
class ImportReport:
    dry_run: bool
    total: int = 0
    valid: int = 0
    created: int = 0
    problems: list[RowProblem] = field(default_factory=list)


def _decode(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("cp1252")


def read_table(filename: str, content: bytes) -> list[list[str]]:
    """Rows of cells as text; raises InvalidInput naming `file` when it cannot be read."""
    if content[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
            # Read-only sheets are parsed while iterating: a broken sheet fails here, not when opening.
            return [["" if v is None else (v.date().isoformat() if isinstance(v, datetime) else str(v))
                     for v in row] for row in sheet.iter_rows(values_only=True)]
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise InvalidInput("The file cannot be read.", {"file": [N_("Not a readable XLSX file.")]}) from exc
    try:
        text = _decode(content)
        if "\x00" in text:  # no text file holds NUL: a binary file (an old .xls, a PDF) or UTF-16
            raise ValueError("binary content")
        # The delimiter is the one the header row uses most: column names hold none of them. (csv.Sniffer
        # gives up on a file with blank lines and then read a semicolon file as one column.)
        header = next((line for line in text.splitlines() if line.strip()), "")
        delimiter = max(";,\t", key=header.count)
        return [row for row in csv.reader(io.StringIO(text), csv.excel, delimiter=delimiter)]
    except (ValueError, csv.Error) as exc:  # UnicodeDecodeError is a ValueError
        raise InvalidInput("The file cannot be read.",
                           {"file": [N_("Not a readable CSV or XLSX file.")]}) from exc


def _date(value: str) -> date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def _header_map(header: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        key = (name or "").strip().lower()
        for canonical, aliases in COLUMNS.items():
            if key in aliases:
                positions[canonical] = index
    return positions


def _size(n: int) -> str:
    """A byte count in the largest unit that shows it exactly (a limit under 1 MB is not "0 MB")."""
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000} MB"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000} kB"
    return f"{n} bytes"


def run(session: Session, secrets: Secrets, *, filename: str, content: bytes, actor: Actor, today: date,
        dry_run: bool, max_bytes: int) -> ImportReport:
    if len(content) > max_bytes:
        raise InvalidInput("The file is too large.",
                           {"file": [N_("The file is larger than the limit of %(size)s.", size=_size(max_bytes))]})
    if not content:
        raise InvalidInput("The file is empty.", {"file": [N_("The file is empty.")]})
    table = read_table(filename, content)
    if not table or not any(table[0]):
        raise InvalidInput("The file has no header row.", {"file": [N_("The first row must name the columns.")]})
    columns = _header_map(table[0])
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise InvalidInput("Required columns are missing.", {"file": [N_("Missing columns: %(names)s", names=", ".join(missing))]})
    # (spreadsheet row number, cells): blank rows are skipped but keep their place in the numbering.
    rows = [(number, row) for number, row in enumerate(table[1:], start=2)
            if any((cell or "").strip() for cell in row)]
    if len(rows) > MAX_ROWS:
        raise InvalidInput("Too many rows.", {"file": [N_("At most %(n)s rows per file.", n=MAX_ROWS)]})

    neighbourhoods = {n.name.lower(): n.id for n in session.scalars(select(Neighbourhood))}
    coaches = {(u.email or "").lower(): u.id for u in session.scalars(
        select(User).join(User.role_rows).where(UserRole.role == "coach", User.is_active))}
    existing = set(session.scalars(select(Person.bsn_hash).where(Person.bsn_hash.is_not(None))))
    report = ImportReport(dry_run=dry_run, total=len(rows))
    seen: dict[str, int] = {}
    prepared = []
    for offset, raw in rows:
        cell = {name: (raw[i].strip() if i < len(raw) and raw[i] is not None else "") for name, i in columns.items()}
        data, errors = _parse(cell, neighbourhoods, coaches, today)
        if cell.get("bsn"):
            try:
                number = bsn_rules.normalise(cell["bsn"])
            except bsn_rules.InvalidBsn as exc:
                errors["bsn"] = [str(exc)]
            else:
                digest = bsn_digest(session, secrets, number)
                if digest in existing:
                    errors["bsn"] = [N_("A candidate with this BSN exists already.")]
                elif digest in seen:
                    errors["bsn"] = [N_("Same BSN as row %(row)s.", row=seen[digest])]
                else:
                    seen[digest] = offset
                    data.update(bsn_encrypted=secrets.encrypt(number), bsn_hash=digest, bsn_last3=number[-3:])
        if errors:
            report.problems.append(RowProblem(offset, errors))
        else:
            prepared.append(data)
    report.valid = len(prepared)
    if dry_run or report.problems:
        return report
    _write(session, prepared, actor)
    report.created = len(prepared)
    record(session, actor, "candidate.imported", "candidate", None, count=report.created)
    return report


def _parse(cell: dict[str, str], neighbourhoods, coaches, today: date) -> tuple[dict[str, Any], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    data: dict[str, Any] = {}
    for name in ("given_names", "family_name"):
        if not cell.get(name):
            errors[name] = [N_("Required.")]
        elif len(cell[name]) > 200:
            errors[name] = [N_("At most 200 characters.")]
        else:
            data[name] = cell[name]
    for name in ("date_of_birth", "referral_date", "social_assistance_since"):
        if cell.get(name):
            try:
                value = _date(cell[name])
            except ValueError:
                errors[name] = [N_("Not a date (use YYYY-MM-DD or DD-MM-YYYY).")]
                continue
            if value > today:
                errors[name] = [N_("Cannot be in the future.")]
            data[name] = value
    data.setdefault("referral_date", today)
    gender = GENDER_WORDS.get(cell.get("gender", "").lower())
    if gender is None:
        errors["gender"] = [N_("Unknown value.")]
    data["gender"] = gender or "unknown"
    if cell.get("household_type"):
        household = HOUSEHOLD_WORDS.get(cell["household_type"].lower())
        if household is None:
            errors["household_type"] = [N_("Unknown value.")]
        data["household_type"] = household
    source = SOURCE_WORDS.get(cell.get("referral_source", "").lower())
    if source is None or source not in REFERRAL_SOURCES:
        errors["referral_source"] = [N_("Unknown value.")]
    data["referral_source"] = source or "other"
    if cell.get("neighbourhood"):
        found = neighbourhoods.get(cell["neighbourhood"].lower())
        if found is None:
            errors["neighbourhood"] = [N_("Unknown neighbourhood.")]
        data["neighbourhood_id"] = found
    if cell.get("coach_email"):
        coach = coaches.get(cell["coach_email"].lower())
        if coach is None:
            errors["coach_email"] = [N_("No such coach.")]
        data["coach_id"] = coach
    if cell.get("available_hours"):
        try:
            hours = int(float(cell["available_hours"].replace(",", ".")))
        except (ValueError, OverflowError):
            errors["available_hours"] = [N_("Not a number.")]
        else:
            if not 0 <= hours <= 60:
                errors["available_hours"] = [N_("Between 0 and 60.")]
            data["available_hours"] = hours
    for name, longest in (("email", 320), ("phone", 40), ("reintegration_track", 200)):
        if cell.get(name):
            if len(cell[name]) > longest:
                errors[name] = [N_("At most %(n)s characters.", n=longest)]
            data[name] = cell[name]
    if cell.get("email") and not _EMAIL.match(cell["email"]):
        errors["email"] = [N_("Not an e-mail address.")]
    return data, errors


PERSON_KEYS = ("given_names", "family_name", "date_of_birth", "gender", "household_type", "neighbourhood_id",
               "email", "phone", "bsn_encrypted", "bsn_hash", "bsn_last3")
CANDIDATE_KEYS = ("referral_source", "referral_date", "social_assistance_since", "reintegration_track",
                  "available_hours", "coach_id")


def _write(session: Session, prepared: list[dict[str, Any]], actor: Actor) -> None:
    """All rows in one flush (the unit of work batches the INSERTs); any failure rolls back everything."""
    people, candidates, changes = [], [], []
    for data in prepared:
        person = Person(id=uuid.uuid4(), **{k: data[k] for k in PERSON_KEYS if data.get(k) is not None})
        candidate = Candidate(id=uuid.uuid4(), person_id=person.id, status="referred",
                              status_since=data["referral_date"],
                              **{k: data[k] for k in CANDIDATE_KEYS if data.get(k) is not None})
        people.append(person)
        candidates.append(candidate)
        changes.append(CandidateStatusChange(candidate_id=candidate.id, status="referred",
                                             changed_on=data["referral_date"], created_by=actor.label))
    session.add_all(people)
    session.flush()
    session.add_all(candidates)
    session.flush()
    session.add_all(changes)
    session.flush()
