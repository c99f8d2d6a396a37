"""Bulk import of candidates (CSV and XLSX) and the export of the candidate list, through the API with a
coach token and through the import service directly.

Import: a dry run reports per spreadsheet row (the header is row 1) and per field what is wrong and writes
nothing; committing is all or nothing; encodings, delimiters, Dutch and English headers, both date orders
and XLSX date cells are read alike; size and row limits; the import stays inside the signed-in municipality.
Export: CSV (semicolons, BOM) and XLSX with this municipality's candidates only, never the BSN or special
data, text that a spreadsheet would run as a formula neutralised, every export audited, coaches only.
Row counts are read as the database owner, past the application's tenant walls.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import uuid
from datetime import date, datetime, timedelta

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select, text
from stdnum.nl import bsn as stdnum_bsn

from basisbaan.errors import InvalidInput
from basisbaan.extensions import db
from basisbaan.models import AuditEvent, Candidate
from basisbaan.services import candidate_import
from basisbaan.services import candidate_exports
from basisbaan.services import users as user_service
from basisbaan.services.audit import Actor
from basisbaan.tenancy import tenant_scope
from tests.conftest import auth, make_app

_counter = itertools.count(1)
NON_COACH_ROLES = ("admin", "jobcoach", "finance", "viewer")
TABLES = ("persons", "candidates", "candidate_status_changes", "audit_events")
TOMORROW = (date.today() + timedelta(days=1)).strftime("%d-%m-%Y")
DUTCH = ("bsn", "voornamen", "achternaam", "geboortedatum", "wijk", "aanmelddatum", "uren")
ENGLISH = ("bsn", "given_names", "family_name", "date_of_birth", "neighbourhood", "referral_date",
           "available_hours")


def base(slug: str = "groningen") -> str:
    return f"/api/v1/t/{slug}/candidates"


def valid_bsns(count: int, start: int = 200_000_000) -> list[str]:
    """`count` distinct numbers that pass the 11-check (none of them used elsewhere in this file)."""
    found = []
    number = start
    while len(found) < count:
        if stdnum_bsn.is_valid(str(number)):
            found.append(str(number))
        number += 1
    return found


def test_the_bsn_helper_gives_valid_numbers_only():
    numbers = valid_bsns(30)
    assert len(set(numbers)) == 30 and all(stdnum_bsn.is_valid(n) for n in numbers)
    assert not stdnum_bsn.is_valid("123456789") and stdnum_bsn.is_valid("111222333")


# --- building files ---------------------------------------------------------------------------------------

def csv_bytes(rows, *, delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Uitkeringen"
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, headers, content: bytes, *, filename: str = "kandidaten.csv", dry_run: bool | None = None,
           slug: str = "groningen"):
    data = {"file": (io.BytesIO(content), filename)}
    if dry_run is not None:
        data["dry_run"] = "true" if dry_run else "false"
    return client.post(f"{base(slug)}/import", headers=headers, data=data, content_type="multipart/form-data")


# --- reading what was written ----------------------------------------------------------------------------

def counts(owner_engine) -> dict[str, int]:
    """Rows per table over every municipality, read as the owner (no tenant walls)."""
    with owner_engine.connect() as conn:
        return {table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() for table in TABLES}


def owner_rows(owner_engine, sql: str, **params) -> list[dict]:
    with owner_engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(text(sql), params)]


def audit_events(owner_engine, action: str) -> list[dict]:
    rows = owner_rows(owner_engine, "SELECT * FROM audit_events WHERE action = :a ORDER BY id", a=action)
    for row in rows:
        if isinstance(row["details"], str):  # SQLite hands JSON back as text
            row["details"] = json.loads(row["details"])
    return rows


def listed(client, headers, slug: str = "groningen", **query) -> list[dict]:
    response = client.get(base(slug), headers=headers, query_string={"page_size": 100, **query})
    assert response.status_code == 200, response.json
    return response.json


def secrets(app):
    return app.extensions["basisbaan.secrets"]


# --- fixtures ---------------------------------------------------------------------------------------------

@pytest.fixture
def groningen(make_tenant):
    return make_tenant("groningen")


@pytest.fixture
def coach(groningen, make_token):
    return auth(make_token(groningen, "coach"))


@pytest.fixture
def admin(groningen, make_token):
    return auth(make_token(groningen, "admin"))


@pytest.fixture
def hoods(client, admin):
    """Groningen's neighbourhoods Beijum and Vinkhuizen: name -> id."""
    found = {}
    for name in ("Beijum", "Vinkhuizen"):
        response = client.post("/api/v1/t/groningen/neighbourhoods", headers=admin, json={"name": name})
        assert response.status_code == 201, response.json
        found[name] = response.json["id"]
    return found


def make_user(app, tenant, *roles: str, name: str, email: str) -> uuid.UUID:
    n = next(_counter)
    with app.app_context():
        with tenant_scope(db.session, tenant.id):
            user = user_service.sign_in(db.session, issuer="https://login.example.test", subject=f"import-{n}",
                                        roles=list(roles), claims={"name": name, "email": email})
            user_id = user.id
        db.session.commit()
        db.session.remove()
    return user_id


def register(client, headers, slug: str = "groningen", **fields) -> dict:
    data = {"given_names": "Sanne", "family_name": f"Bestaand {next(_counter)}", "referral_source": "colleague",
            "referral_date": "2024-01-15"}
    data.update(fields)
    response = client.post(base(slug), headers=headers, json=data)
    assert response.status_code == 201, response.json
    return response.json


# --- dry run: problems per row and field --------------------------------------------------------------------

def problem_file() -> list[list[str]]:
    return [
        ["bsn", "voornamen", "achternaam", "geboortedatum", "wijk"],                 # row 1
        ["111222333", "Jan", "Jansen", "15-03-1980", "Beijum"],                     # 2: fine
        ["123456789", "Piet", "Pietersen", "1980-03-15", ""],                      # 3: fails the 11-check
        ["", "Kees", "Bakker", "", "Atlantis"],                                     # 4: no such neighbourhood
        ["", "Fatima", "El Amrani", "31-02-1980", "vinkhuizen"],                    # 5: no such day
        ["1112 22 333", "Joop", "Dubbel", "", ""],                                 # 6: BSN of row 2 again
        ["123456782", "Bep", "Bestaand", "", ""],                                   # 7: exists already
        ["", "Truus", "Toekomst", TOMORROW, ""],                                    # 8: born tomorrow
        ["", "Anna", "de Boer", "2001-12-31", "BEIJUM"],                            # 9: fine
    ]


EXPECTED_PROBLEMS = [
    {"row": 3, "errors": {"bsn": ["This is not a valid BSN (11-check)."]}},
    {"row": 4, "errors": {"neighbourhood": ["Unknown neighbourhood."]}},
    {"row": 5, "errors": {"date_of_birth": ["Not a date (use YYYY-MM-DD or DD-MM-YYYY)."]}},
    {"row": 6, "errors": {"bsn": ["Same BSN as row 2."]}},
    {"row": 7, "errors": {"bsn": ["A candidate with this BSN exists already."]}},
    {"row": 8, "errors": {"date_of_birth": ["Cannot be in the future."]}},
]


def test_a_dry_run_reports_each_problem_by_row_and_field_and_writes_nothing(app, client, coach, hoods,
                                                                            owner_engine):
    register(client, coach, bsn="123456782")
    before = counts(owner_engine)
    response = upload(client, coach, csv_bytes(problem_file()), dry_run=True)
    assert response.status_code == 200, response.json
    report = response.json
    assert (report["dry_run"], report["total"], report["valid"], report["created"]) == (True, 8, 2, 0)
    assert report["problems"] == EXPECTED_PROBLEMS
    # The report never repeats a BSN, not even the invalid one.
    for number in ("111222333", "123456789", "123456782"):
        assert number not in response.get_data(as_text=True)
    assert counts(owner_engine) == before
    assert len(listed(client, coach)) == 1
    assert audit_events(owner_engine, "candidate.imported") == []


def test_a_dry_run_of_a_clean_file_counts_the_rows_and_still_writes_nothing(app, client, coach, hoods,
                                                                            owner_engine):
    before = counts(owner_engine)
    rows = [row for n, row in enumerate(problem_file()) if n in (0, 1, 8)]
    response = upload(client, coach, csv_bytes(rows), dry_run=True)
    assert response.status_code == 200, response.json
    assert response.json == {"dry_run": True, "total": 2, "valid": 2, "created": 0, "problems": []}
    assert counts(owner_engine) == before


@pytest.mark.parametrize("build, filename", [(csv_bytes, "kandidaten.csv"), (xlsx_bytes, "kandidaten.xlsx")])
def test_blank_rows_are_skipped_without_shifting_the_row_numbers(app, client, coach, hoods, build, filename):
    """The numbers are the spreadsheet's: a blank line in between still counts as a row."""
    rows = [["voornamen", "achternaam", "geboortedatum"],   # row 1
            ["Jan", "Jansen", "15-03-1980"],              # 2
            ["", "", ""],                                 # 3: blank
            ["Piet", "Pietersen", "1980-13-01"],          # 4: month 13
            ["", "", ""],                                 # 5: blank
            ["", "", ""],                                 # 6: blank
            ["Kees", "", "1980-01-01"]]                   # 7: no family name
    response = upload(client, coach, build(rows), filename=filename, dry_run=True)
    assert response.status_code == 200, response.json
    assert response.json["total"] == 3 and response.json["valid"] == 1
    assert response.json["problems"] == [
        {"row": 4, "errors": {"date_of_birth": ["Not a date (use YYYY-MM-DD or DD-MM-YYYY)."]}},
        {"row": 7, "errors": {"family_name": ["Required."]}}]


@pytest.mark.parametrize("delimiter", [";", ",", "\t"], ids=["semicolon", "comma", "tab"])
def test_empty_lines_do_not_hide_the_delimiter(app, client, coach, delimiter):
    """One empty line in four made the delimiter guess fail, and a semicolon file read as one column."""
    rows = [["voornamen", "achternaam", "geboortedatum"], [], ["Jan", "Jansen", "15-03-1980"], [],
            ["Piet", "Pietersen", "1980-03-15"], []]
    content = csv_bytes(rows, delimiter=delimiter)
    assert b"\r\n\r\n" in content
    response = upload(client, coach, content)
    assert response.status_code == 201, response.json
    assert sorted((c["given_names"], c["family_name"], c["date_of_birth"]) for c in listed(client, coach)) == [
        ("Jan", "Jansen", "1980-03-15"), ("Piet", "Pietersen", "1980-03-15")]


def test_quoted_cells_may_hold_delimiters_and_line_breaks(app, client, coach):
    content = ('voornamen;achternaam;traject\r\n"Jan; Piet";"Jansen, de";"taal\r\ntraject"\r\n'
               'Kees;Bakker;\r\n"Anna";"de ""Boer""";\r\n').encode()
    response = upload(client, coach, content)
    assert response.status_code == 201, response.json
    found = {c["family_name"]: c for c in listed(client, coach)}
    assert set(found) == {"Jansen, de", "Bakker", 'de "Boer"'}
    assert found["Jansen, de"]["given_names"] == "Jan; Piet"
    assert found["Jansen, de"]["reintegration_track"] == "taal\r\ntraject"


def test_a_duplicate_bsn_names_the_spreadsheet_row_of_the_first(app, client, coach):
    rows = [["bsn", "voornamen", "achternaam"], ["111222333", "Jan", "Jansen"], [], ["111222333", "Jan", "Kopie"]]
    response = upload(client, coach, csv_bytes(rows), dry_run=True)
    assert response.json["problems"] == [{"row": 4, "errors": {"bsn": ["Same BSN as row 2."]}}]


@pytest.mark.parametrize("header, missing", [
    (["bsn", "voornamen", "geboortedatum"], "family_name"),
    (["bsn", "achternaam"], "given_names"),
    (["bsn", "geboortedatum", "name"], "given_names, family_name"),
])
@pytest.mark.parametrize("dry_run", [True, False])
def test_missing_required_columns_are_named_on_file(app, client, coach, owner_engine, header, missing, dry_run):
    before = counts(owner_engine)
    rows = [header, ["111222333", "Jan", "1980-01-01"][: len(header)]]
    response = upload(client, coach, csv_bytes(rows), dry_run=dry_run)
    assert response.status_code == 422, response.json
    assert response.json["errors"] == {"file": [f"Missing columns: {missing}"]}
    assert counts(owner_engine) == before


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\r\n\r\n", b";;;\r\n"])
def test_an_empty_file_is_refused_naming_file(app, client, coach, owner_engine, content):
    before = counts(owner_engine)
    response = upload(client, coach, content, dry_run=True)
    assert response.status_code == 422, response.json
    assert list(response.json["errors"]) == ["file"]
    assert response.json["errors"]["file"][0] in ("The file is empty.", "The first row must name the columns.")
    assert counts(owner_engine) == before


def test_a_file_without_the_upload_field_is_refused(app, client, coach):
    response = client.post(f"{base()}/import", headers=coach, data={"dry_run": "true"},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "file" in response.json["errors"]


@pytest.mark.parametrize("content, filename", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4, "kandidaten.xls"),  # an old Excel file
    (bytes(range(256)) * 4, "kandidaten.csv"),  # bytes that are text in no accepted encoding
    (b"voornamen;achternaam\r\nJan;Jansen\r\n", "kandidaten.xlsx"),  # text, named as a workbook
    (b"PK\x03\x04 not really a zip archive", "kandidaten.xlsx"),
])
def test_an_unreadable_file_is_refused_naming_file(app, client, coach, owner_engine, content, filename):
    before = counts(owner_engine)
    for dry_run in (True, False):
        response = upload(client, coach, content, filename=filename, dry_run=dry_run)
        assert response.status_code == 422, (response.status_code, response.get_data(as_text=True)[:300])
        assert list(response.json["errors"]) == ["file"], response.json
    assert counts(owner_engine) == before


# --- committing: all or nothing -------------------------------------------------------------------------

def test_committing_with_any_problem_writes_nothing(app, client, coach, hoods, owner_engine):
    register(client, coach, bsn="123456782")
    before = counts(owner_engine)
    response = upload(client, coach, csv_bytes(problem_file()), dry_run=False)
    assert response.status_code == 422, response.json
    assert response.json["errors"]["rows"] == EXPECTED_PROBLEMS
    assert "6 rows" in response.json["message"]
    assert counts(owner_engine) == before
    # One bad row among many good ones is enough to write nothing; dry_run left out means commit.
    good = [["voornamen", "achternaam", "geboortedatum"]] + [[f"Naam {n}", "Goed", "1980-01-01"] for n in range(30)]
    bad = good + [["Laatste", "Fout", "1980-02-30"]]
    response = upload(client, coach, csv_bytes(bad))
    assert response.status_code == 422, response.json
    assert response.json["errors"]["rows"] == [
        {"row": 32, "errors": {"date_of_birth": ["Not a date (use YYYY-MM-DD or DD-MM-YYYY)."]}}]
    assert counts(owner_engine) == before
    assert audit_events(owner_engine, "candidate.imported") == []


FULL_HEADER = ["bsn", "voornamen", "achternaam", "geboortedatum", "geslacht", "huishouden", "wijk", "e-mail",
               "telefoon", "aanmeldbron", "aanmelddatum", "bijstand_sinds", "traject", "uren", "coach"]


def test_committing_a_clean_file_creates_every_row_as_referred(app, client, groningen, coach, hoods,
                                                               owner_engine):
    anna = make_user(app, groningen, "coach", name="Coach Anna", email="anna@groningen.example.nl")
    rows = [FULL_HEADER,
            ["1112 22 333", "Jan Willem", "Jansen", "15-03-1980", "m", "alleenstaand", "Beijum",
             "jw@example.test", "0612345678", "gebiedsteam", "01-02-2024", "2019-05-01", "", "32",
             "ANNA@groningen.example.nl"],
            ["11122237", "Fatima", "El Amrani", "1990-07-04", "vrouw", "gezin", "vinkhuizen", "", "",
             "zelf", "2024-03-05", "01-01-2015", "taaltraject", "24,0", ""],
            ["", "Kees", "Bakker", "", "", "", "", "", "", "", "", "", "", "", ""]]
    before = counts(owner_engine)
    response = upload(client, coach, csv_bytes(rows), dry_run=False)
    assert response.status_code == 201, response.json
    assert response.json == {"dry_run": False, "total": 3, "valid": 3, "created": 3, "problems": []}
    after = counts(owner_engine)
    assert after["persons"] - before["persons"] == 3 and after["candidates"] - before["candidates"] == 3
    assert after["candidate_status_changes"] - before["candidate_status_changes"] == 3

    by_name = {c["family_name"]: c for c in listed(client, coach)}
    assert set(by_name) == {"Jansen", "El Amrani", "Bakker"}
    jansen, amrani, bakker = by_name["Jansen"], by_name["El Amrani"], by_name["Bakker"]
    assert all(c["status"] == "referred" for c in by_name.values())
    assert (jansen["given_names"], jansen["date_of_birth"], jansen["gender"], jansen["household_type"]) == (
        "Jan Willem", "1980-03-15", "male", "single")
    assert (jansen["neighbourhood"], jansen["coach_id"], jansen["coach"]) == ("Beijum", str(anna), "Coach Anna")
    assert (jansen["referral_source"], jansen["referral_date"], jansen["status_since"]) == (
        "area_team", "2024-02-01", "2024-02-01")
    assert (jansen["social_assistance_since"], jansen["available_hours"], jansen["reintegration_track"]) == (
        "2019-05-01", 32, None)
    assert (jansen["email"], jansen["phone"]) == ("jw@example.test", "0612345678")
    assert (amrani["gender"], amrani["household_type"], amrani["neighbourhood_id"]) == (
        "female", "couple_with_children", hoods["Vinkhuizen"])
    assert (amrani["referral_source"], amrani["social_assistance_since"], amrani["reintegration_track"],
            amrani["available_hours"]) == ("self", "2015-01-01", "taaltraject", 24)
    # Without a referral date the import date is the referral date; without a source: other.
    assert (bakker["referral_date"], bakker["referral_source"], bakker["gender"]) == (
        date.today().isoformat(), "other", "unknown")
    # The BSN: masked in every response, encrypted at rest (the 9-digit form), and a keyed, salted hash.
    assert (jansen["bsn_masked"], amrani["bsn_masked"], bakker["bsn_masked"]) == ("******333", "******237", None)
    assert "111222333" not in json.dumps(listed(client, coach))
    persons = {p["family_name"]: p for p in owner_rows(owner_engine, "SELECT * FROM persons")}
    for name, number in (("Jansen", "111222333"), ("El Amrani", "011122237")):
        person = persons[name]
        assert number not in person["bsn_encrypted"] and secrets(app).decrypt(person["bsn_encrypted"]) == number
        assert person["bsn_hash"] == secrets(app).keyed_hash(f"{groningen.id}:{number}")
        assert person["bsn_last3"] == number[-3:]
    assert persons["Bakker"]["bsn_hash"] is None and persons["Bakker"]["bsn_encrypted"] is None
    revealed = client.get(f"{base()}/{jansen['id']}/bsn", headers=coach)
    assert revealed.json == {"bsn": "111222333"}
    found = listed(client, coach, q="011122237")
    assert [c["id"] for c in found] == [amrani["id"]]
    # Every candidate starts with one status change: referred, on its referral date.
    changes = owner_rows(owner_engine, "SELECT candidate_id, status, changed_on FROM candidate_status_changes")
    assert sorted((str(c["status"]), str(c["changed_on"])[:10]) for c in changes) == sorted(
        [("referred", "2024-02-01"), ("referred", "2024-03-05"), ("referred", date.today().isoformat())])
    # One audit event with the count, who did it, and no personal data.
    (event,) = audit_events(owner_engine, "candidate.imported")
    assert event["details"] == {"count": 3}
    assert event["actor_type"] == "token" and event["entity_type"] == "candidate" and event["entity_id"] is None
    assert str(event["tenant_id"]).replace("-", "") == groningen.id.hex
    dumped = json.dumps({k: str(v) for k, v in event.items()})
    for value in ("Jansen", "Fatima", "111222333", "333", "0612345678", "jw@example.test"):
        assert value not in dumped, value


def test_importing_the_same_file_twice_is_refused_the_second_time(app, client, coach, owner_engine):
    rows = [["bsn", "voornamen", "achternaam"], ["111222333", "Jan", "Jansen"], ["123456782", "Piet", "Bakker"]]
    assert upload(client, coach, csv_bytes(rows)).status_code == 201
    before = counts(owner_engine)
    again = upload(client, coach, csv_bytes(rows))
    assert again.status_code == 422
    assert again.json["errors"]["rows"] == [
        {"row": 2, "errors": {"bsn": ["A candidate with this BSN exists already."]}},
        {"row": 3, "errors": {"bsn": ["A candidate with this BSN exists already."]}}]
    assert counts(owner_engine) == before
    assert len(audit_events(owner_engine, "candidate.imported")) == 1


# --- encodings, delimiters, headers, dates -----------------------------------------------------------------

NAMES = [("Jürgen", "Müller"), ("Ayşe", "Ündüz"), ("François", "Çelik-Søren")]
# Windows-1252 has ü, Ü, ç, Ç, ø and é but not ş: the cp1252 file uses names it can hold.
CP1252_NAMES = [("Jürgen", "Müller"), ("Aysel", "Ündüz"), ("François", "Çelik-Søren")]


@pytest.mark.parametrize("header", [DUTCH, ENGLISH], ids=["dutch", "english"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"], ids=["semicolon", "comma", "tab"])
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1252"])
def test_encodings_delimiters_and_headers(app, client, coach, hoods, encoding, delimiter, header):
    names = CP1252_NAMES if encoding == "cp1252" else NAMES
    bsns = valid_bsns(3)
    rows = [[h.upper() if n == 1 else h for n, h in enumerate(header)],  # headers are case-insensitive
            [bsns[0], *names[0], "15-03-1980", "Beijum", "01-02-2024", "32"],
            [bsns[1], *names[1], "1985-11-30", "Vinkhuizen", "2024-02-03", "20"],
            ["", *names[2], "05-06-1999", "", "", ""]]
    content = csv_bytes(rows, delimiter=delimiter, encoding=encoding)
    assert content.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    if encoding == "cp1252":
        with pytest.raises(UnicodeDecodeError):
            content.decode("utf-8")
    response = upload(client, coach, content, dry_run=False)
    assert response.status_code == 201, response.json
    assert response.json["created"] == 3
    found = {(c["given_names"], c["family_name"]): c for c in listed(client, coach)}
    assert set(found) == set(names)
    assert [found[n]["date_of_birth"] for n in names] == ["1980-03-15", "1985-11-30", "1999-06-05"]
    assert [found[n]["referral_date"] for n in names] == ["2024-02-01", "2024-02-03", date.today().isoformat()]
    assert [found[n]["neighbourhood"] for n in names] == ["Beijum", "Vinkhuizen", None]
    assert [found[n]["available_hours"] for n in names] == [32, 20, None]
    assert [found[n]["bsn_masked"] for n in names] == ["******" + bsns[0][-3:], "******" + bsns[1][-3:], None]


@pytest.mark.parametrize("typed, expected", [
    ("15-03-1980", "1980-03-15"), ("1980-03-15", "1980-03-15"), ("15/03/1980", "1980-03-15"),
    ("15.03.1980", "1980-03-15"), ("5-3-1980", "1980-03-05"), ("29-02-2000", "2000-02-29"),
])
def test_date_formats(app, client, coach, typed, expected):
    rows = [["voornamen", "achternaam", "geboortedatum"], ["Jan", "Datum", typed]]
    assert upload(client, coach, csv_bytes(rows)).status_code == 201
    assert listed(client, coach)[0]["date_of_birth"] == expected


@pytest.mark.parametrize("typed", ["29-02-2001", "1980/03/15", "15 maart 1980", "03-15-1980", "19800315"])
def test_dates_in_other_forms_are_refused(app, client, coach, typed):
    rows = [["voornamen", "achternaam", "geboortedatum"], ["Jan", "Datum", typed]]
    response = upload(client, coach, csv_bytes(rows), dry_run=True)
    assert response.json["problems"] == [
        {"row": 2, "errors": {"date_of_birth": ["Not a date (use YYYY-MM-DD or DD-MM-YYYY)."]}}]


def test_every_date_column_refuses_the_future(app, client, coach):
    rows = [["voornamen", "achternaam", "geboortedatum", "aanmelddatum", "bijstand_sinds"],
            ["Jan", "Toekomst", TOMORROW, TOMORROW, TOMORROW],
            ["Piet", "Vandaag", *[date.today().strftime("%d-%m-%Y")] * 3]]
    response = upload(client, coach, csv_bytes(rows), dry_run=True)
    future = ["Cannot be in the future."]
    assert response.json["problems"] == [{"row": 2, "errors": {
        "date_of_birth": future, "referral_date": future, "social_assistance_since": future}}]
    assert response.json["valid"] == 1


# --- XLSX -------------------------------------------------------------------------------------------------

def test_an_xlsx_workbook_imports_like_csv(app, client, coach, hoods, owner_engine):
    rows = [list(DUTCH),
            [111222333, "Jürgen", "Müller", datetime(1980, 3, 15), "Beijum", date(2024, 2, 1), 32],
            ["123456782", "Ayşe", "Ündüz", "30-11-1985", "vinkhuizen", "2024-02-03", "20"],
            [None, "François", "Çelik", date(1999, 6, 5), None, None, None]]
    content = xlsx_bytes(rows)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["D2"].is_date and sheet["F2"].is_date and sheet["A2"].data_type == "n"  # real dates, a number
    before = counts(owner_engine)
    dry = upload(client, coach, content, filename="Kandidaten.XLSX", dry_run=True)
    assert dry.status_code == 200, dry.json
    assert (dry.json["total"], dry.json["valid"], dry.json["problems"]) == (3, 3, [])
    assert counts(owner_engine) == before
    # The content decides, not the name: a workbook uploaded without .xlsx is still read as one.
    response = upload(client, coach, content, filename="upload", dry_run=False)
    assert response.status_code == 201, response.json
    found = {c["family_name"]: c for c in listed(client, coach)}
    assert [(found[n]["given_names"], found[n]["date_of_birth"]) for n in ("Müller", "Ündüz", "Çelik")] == [
        ("Jürgen", "1980-03-15"), ("Ayşe", "1985-11-30"), ("François", "1999-06-05")]
    assert (found["Müller"]["referral_date"], found["Müller"]["available_hours"]) == ("2024-02-01", 32)
    assert (found["Müller"]["neighbourhood"], found["Ündüz"]["neighbourhood"]) == ("Beijum", "Vinkhuizen")
    assert (found["Müller"]["bsn_masked"], found["Ündüz"]["bsn_masked"], found["Çelik"]["bsn_masked"]) == (
        "******333", "******782", None)


def test_an_xlsx_workbook_reports_the_same_problems_as_the_same_csv(app, client, coach, hoods):
    register(client, coach, bsn="123456782")
    rows = problem_file()
    as_csv = upload(client, coach, csv_bytes(rows), dry_run=True)
    as_xlsx = upload(client, coach, xlsx_bytes(rows), filename="kandidaten.xlsx", dry_run=True)
    assert as_xlsx.status_code == 200, as_xlsx.json
    assert as_xlsx.json == as_csv.json
    assert as_xlsx.json["problems"] == EXPECTED_PROBLEMS


def test_an_xlsx_date_cell_in_the_future_is_refused(app, client, coach):
    rows = [["voornamen", "achternaam", "geboortedatum"],
            ["Jan", "Toekomst", datetime.combine(date.today() + timedelta(days=1), datetime.min.time())]]
    response = upload(client, coach, xlsx_bytes(rows), filename="k.xlsx", dry_run=True)
    assert response.json["problems"] == [{"row": 2, "errors": {"date_of_birth": ["Cannot be in the future."]}}]


# --- limits -----------------------------------------------------------------------------------------------

@pytest.fixture
def small_app(app, database, registry):
    """An app on the same migrated database that accepts files up to 1000 bytes."""
    other = make_app(database, registry, BASISBAAN_IMPORT_MAX_BYTES=1000)
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_file_over_the_size_limit_is_refused_with_a_clear_message(app, small_app, coach, owner_engine):
    client = small_app.test_client()
    header = b"voornamen;achternaam\r\n"
    row = b"Jan;Jansen\r\n"
    fits = header + row * ((1000 - len(header)) // len(row))
    assert len(fits) <= 1000 < len(fits + row)
    before = counts(owner_engine)
    for dry_run in (True, False):
        response = upload(client, coach, fits + row, dry_run=dry_run)
        assert response.status_code == 422, response.json
        assert response.json["errors"] == {"file": ["The file is larger than the limit of 1 kB."]}
        assert response.json["message"] == "The file is too large."
    assert counts(owner_engine) == before
    # Up to the limit is fine (and the session app's limit of 10 MB takes the larger file).
    assert upload(client, coach, fits, dry_run=True).json["total"] == len(fits.splitlines()) - 1
    assert upload(app.test_client(), coach, fits + row, dry_run=True).status_code == 200


@pytest.mark.parametrize("limit, shown", [(10_000_000, "10 MB"), (2_500_000, "2500 kB"), (1500, "1500 bytes"),
                                          (1_000_000, "1 MB")])
def test_the_size_limit_is_shown_in_a_unit_that_fits(app, session, groningen, limit, shown):
    with tenant_scope(session, groningen.id):
        with pytest.raises(InvalidInput) as raised:
            candidate_import.run(session, secrets(app), filename="k.csv", content=b"x" * (limit + 1),
                                 actor=Actor.system("test"), today=date.today(), dry_run=True, max_bytes=limit)
    assert raised.value.errors == {"file": [f"The file is larger than the limit of {shown}."]}


def test_more_rows_than_the_maximum_are_refused(app, client, coach, owner_engine, monkeypatch):
    monkeypatch.setattr(candidate_import, "MAX_ROWS", 3)
    header = ["voornamen", "achternaam"]
    four = [header] + [[f"Naam {n}", "Jansen"] for n in range(4)]
    before = counts(owner_engine)
    for dry_run in (True, False):
        response = upload(client, coach, csv_bytes(four), dry_run=dry_run)
        assert response.status_code == 422, response.json
        assert response.json["errors"] == {"file": ["At most 3 rows per file."]}
    assert counts(owner_engine) == before
    # Three rows, with blank lines in between, are within the limit.
    three = [header, ["A", "Jansen"], [], ["B", "Jansen"], ["", ""], ["C", "Jansen"]]
    response = upload(client, coach, csv_bytes(three))
    assert response.status_code == 201 and response.json["created"] == 3


def test_two_thousand_rows_import_through_the_api(app, client, coach, hoods, owner_engine):
    numbers = valid_bsns(2000, start=300_000_000)
    rows = [list(DUTCH)] + [
        [number, f"Voornaam {n}", f"Achternaam {n:04d}", f"{1 + n % 28:02d}-{1 + n % 12:02d}-{1960 + n % 40}",
         ("Beijum", "Vinkhuizen", "")[n % 3], "2024-01-15", str(n % 41)] for n, number in enumerate(numbers)]
    content = csv_bytes(rows)
    dry = upload(client, coach, content, dry_run=True)
    assert dry.status_code == 200 and (dry.json["valid"], dry.json["problems"]) == (2000, [])
    response = upload(client, coach, content, dry_run=False)
    assert response.status_code == 201, response.json
    assert (response.json["total"], response.json["created"]) == (2000, 2000)
    written = counts(owner_engine)
    assert (written["persons"], written["candidates"], written["candidate_status_changes"]) == (2000, 2000, 2000)
    page = client.get(base(), headers=coach, query_string={"page_size": 1})
    assert json.loads(page.headers["X-Pagination"])["total"] == 2000
    # Spot checks: a row from the middle is findable by its BSN with its own details.
    found = listed(client, coach, q=numbers[1234])
    assert [(c["family_name"], c["available_hours"], c["neighbourhood"]) for c in found] == [
        ("Achternaam 1234", 1234 % 41, "Vinkhuizen")]
    beijum = client.get(base(), headers=coach, query_string={"page_size": 1, "neighbourhood_id": hoods["Beijum"]})
    assert json.loads(beijum.headers["X-Pagination"])["total"] == 667  # every third row of 2000
    hashes = owner_rows(owner_engine, "SELECT count(DISTINCT bsn_hash) AS n FROM persons")
    assert hashes[0]["n"] == 2000
    (event,) = audit_events(owner_engine, "candidate.imported")
    assert event["details"] == {"count": 2000}


# --- municipalities ---------------------------------------------------------------------------------------

def test_another_municipalitys_bsn_is_no_duplicate_and_the_import_stays_home(app, client, groningen, coach, hoods,
                                                                           make_tenant, make_token, owner_engine):
    tilburg = make_tenant("tilburg")
    tilburg_coach = auth(make_token(tilburg, "coach"))
    tilburg_admin = auth(make_token(tilburg, "admin"))
    assert client.post("/api/v1/t/tilburg/neighbourhoods", headers=tilburg_admin,
                       json={"name": "Reeshof"}).status_code == 201
    make_user(app, tilburg, "coach", name="Coach Tilburg", email="coach@tilburg.example.nl")
    theirs = register(client, tilburg_coach, slug="tilburg", bsn="111222333", family_name="Tilburger")

    # Tilburg's neighbourhood and coach are unknown in Groningen.
    rows = [["bsn", "voornamen", "achternaam", "wijk", "coach"],
            ["111222333", "Jan", "Groninger", "Reeshof", ""],
            ["", "Piet", "Groninger", "", "coach@tilburg.example.nl"]]
    response = upload(client, coach, csv_bytes(rows), dry_run=True)
    assert response.json["problems"] == [{"row": 2, "errors": {"neighbourhood": ["Unknown neighbourhood."]}},
                                         {"row": 3, "errors": {"coach_email": ["No such coach."]}}]
    # Tilburg's BSN is not a duplicate in Groningen.
    rows = [["bsn", "voornamen", "achternaam", "wijk"], ["111222333", "Jan", "Groninger", "Beijum"]]
    response = upload(client, coach, csv_bytes(rows))
    assert response.status_code == 201, response.json
    assert [c["family_name"] for c in listed(client, coach)] == ["Groninger"]
    assert [c["id"] for c in listed(client, tilburg_coach, slug="tilburg")] == [theirs["id"]]
    persons = owner_rows(owner_engine, "SELECT tenant_id, family_name FROM persons ORDER BY family_name")
    assert [(str(p["tenant_id"]).replace("-", ""), p["family_name"]) for p in persons] == [
        (groningen.id.hex, "Groninger"), (tilburg.id.hex, "Tilburger")]
    # The audit event is Groningen's; a Groningen coach cannot import into Tilburg.
    (event,) = audit_events(owner_engine, "candidate.imported")
    assert str(event["tenant_id"]).replace("-", "") == groningen.id.hex
    before = counts(owner_engine)
    other = upload(client, coach, csv_bytes([["voornamen", "achternaam"], ["Inbreker", "X"]]), slug="tilburg")
    assert other.status_code == 404
    assert counts(owner_engine) == before


@pytest.mark.parametrize("role", NON_COACH_ROLES)
def test_other_roles_may_not_import(app, client, groningen, make_token, owner_engine, role):
    headers = auth(make_token(groningen, role))
    before = counts(owner_engine)
    for dry_run in (True, False):
        response = upload(client, headers, csv_bytes([["voornamen", "achternaam"], ["Jan", "Jansen"]]),
                          dry_run=dry_run)
        assert response.status_code == 403, (role, response.status_code)
    assert counts(owner_engine) == before


# --- the import service directly ----------------------------------------------------------------------------

def run_service(app, session, tenant, content: bytes, *, today=date(2024, 6, 1), dry_run=True,
                filename="k.csv"):
    """The report, and (family name, referral date, status) of every candidate the session now holds."""
    with tenant_scope(session, tenant.id):
        report = candidate_import.run(session, secrets(app), filename=filename, content=content,
                                      actor=Actor.system("test"), today=today, dry_run=dry_run,
                                      max_bytes=1_000_000)
        written = sorted((c.person.family_name, c.referral_date, c.status)
                         for c in session.scalars(select(Candidate)))
    return report, written


@pytest.mark.parametrize("column, value, message", [
    ("geslacht", "misschien", "Unknown value."),
    ("huishouden", "kasteel", "Unknown value."),
    ("aanmeldbron", "krant", "Unknown value."),
    ("uren", "veel", "Not a number."),
    ("uren", "61", "Between 0 and 60."),
    ("uren", "-1", "Between 0 and 60."),
    ("coach", "niemand@example.nl", "No such coach."),
    ("bsn", "1234567", "A BSN has 8 or 9 digits."),
    ("bsn", "12345678a", "A BSN has 8 or 9 digits."),
    ("achternaam", "x" * 201, "At most 200 characters."),
    ("aanmelddatum", "2024-06-02", "Cannot be in the future."),
])
def test_the_service_names_the_field_of_each_problem(app, session, groningen, column, value, message):
    header = ["voornamen", "achternaam"] + ([column] if column != "achternaam" else [])
    row = ["Jan", value if column == "achternaam" else "Jansen"] + ([value] if column != "achternaam" else [])
    report, written = run_service(app, session, groningen, csv_bytes([header, row]), dry_run=False)
    canonical = next(name for name, aliases in candidate_import.COLUMNS.items() if column in aliases)
    assert [(p.row, p.errors) for p in report.problems] == [(2, {canonical: [message]})]
    assert (report.total, report.valid, report.created) == (1, 0, 0)
    assert written == []


def test_the_service_writes_nothing_on_a_dry_run_and_everything_on_commit(app, session, groningen):
    content = csv_bytes([["voornamen", "achternaam", "aanmelddatum"], ["Jan", "Jansen", "2024-06-01"],
                         ["Piet", "Bakker", ""]])
    report, written = run_service(app, session, groningen, content, dry_run=True)
    assert (report.total, report.valid, report.created, written) == (2, 2, 0, [])
    report, written = run_service(app, session, groningen, content, dry_run=False)
    assert report.created == 2
    assert written == [("Bakker", date(2024, 6, 1), "referred"), ("Jansen", date(2024, 6, 1), "referred")]
    with tenant_scope(session, groningen.id):
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "candidate.imported")).all()
        assert (event.actor_type, event.actor_label, event.details) == ("system", "test", {"count": 2})
    session.rollback()


# --- export -----------------------------------------------------------------------------------------------

SPECIAL = {"has_debts": True, "debt_support": True, "health_notes": "Chronische rugpijn",
           "limitations": "Niet tillen", "support_needs": "Vaste begeleider"}
FORMULAS = ['=HYPERLINK("http://x")', "+31612345678", "-Jansen", "@SUM(A1:A9)", "=1+1"]


@pytest.fixture
def tilburg(make_tenant):
    return make_tenant("tilburg")


@pytest.fixture
def exportable(app, client, groningen, coach, hoods, tilburg, make_token):
    """Groningen candidates with a BSN, special data and a conversation; one Tilburg candidate."""
    anna = make_user(app, groningen, "coach", name="Coach Anna", email="anna@groningen.example.nl")
    made = [register(client, coach, given_names="Wilhelmina", family_name="Oosterhuis", bsn="111222333",
                     neighbourhood_id=hoods["Beijum"], coach_id=str(anna), available_hours=32,
                     preferred_work=["groen", "schoonmaak"], **SPECIAL),
            register(client, coach, given_names="Johan", family_name="Bakker", bsn="123456782",
                     referral_date="2024-02-01", **SPECIAL)]
    talked = client.post(f"{base()}/{made[1]['id']}/conversations", headers=coach,
                         json={"held_on": "2024-02-05", "notes": "Gesprek over de schuldhulp"})
    assert talked.status_code == 201
    register(client, auth(make_token(tilburg, "coach")), slug="tilburg", given_names="Tineke",
             family_name="Tilburger", bsn="011122237")
    return made


SECRET_VALUES = ("111222333", "123456782", "******", "Chronische rugpijn", "Niet tillen", "Vaste begeleider",
                 "schuldhulp", "Tilburger", "Tineke")


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))


def read_xlsx(body: bytes):
    workbook = load_workbook(io.BytesIO(body))
    assert workbook.sheetnames == ["Kandidaten"]
    return list(workbook.active.iter_rows())


def export(client, headers, fmt: str, **query):
    return client.get(f"{base()}/export", headers=headers, query_string={"format": fmt, **query})


def test_the_csv_export_has_this_municipalitys_candidates_without_bsn_or_special_data(app, client, coach,
                                                                                     exportable):
    response = export(client, coach, "csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert re.fullmatch(r'attachment; filename="kandidaten-\d{4}-\d{2}-\d{2}\.csv"',
                        response.headers["Content-Disposition"])
    rows = read_csv(response.data)
    assert rows[0] == list(candidate_exports.HEADERS)
    assert [r[:2] for r in rows[1:]] == [["Johan", "Bakker"], ["Wilhelmina", "Oosterhuis"]]
    bakker, oosterhuis = (dict(zip(rows[0], r)) for r in rows[1:])
    assert (oosterhuis["status"], oosterhuis["neighbourhood"], oosterhuis["coach"], oosterhuis["available_hours"],
            oosterhuis["preferred_work"], oosterhuis["referral_date"]) == (
        "referred", "Beijum", "Coach Anna", "32", "groen, schoonmaak", "2024-01-15")
    assert (bakker["status"], bakker["status_since"]) == ("in_conversation", "2024-02-05")
    text_body = response.data.decode("utf-8-sig")
    for secret in SECRET_VALUES:
        assert secret not in text_body, secret
    assert not {"bsn", "bsn_masked", "health_notes", "has_debts", "limitations"} & set(rows[0])


def test_the_xlsx_export_has_the_same_content(app, client, coach, exportable):
    response = export(client, coach, "xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert re.fullmatch(r'attachment; filename="kandidaten-\d{4}-\d{2}-\d{2}\.xlsx"',
                        response.headers["Content-Disposition"])
    rows = read_xlsx(response.data)
    values = [["" if c.value is None else str(c.value) for c in row] for row in rows]
    assert values == read_csv(export(client, coach, "csv").data)
    every_cell = " ".join(" ".join(row) for row in values)
    for secret in SECRET_VALUES:
        assert secret not in every_cell, secret


def test_the_export_can_be_filtered_by_status(app, client, coach, exportable):
    rows = read_csv(export(client, coach, "csv", status="in_conversation").data)
    assert [r[1] for r in rows[1:]] == ["Bakker"]
    bad = export(client, coach, "pdf")
    assert bad.status_code == 422 and "format" in bad.json["errors"]


def test_text_that_a_spreadsheet_would_run_is_neutralised(app, client, coach):
    for name in FORMULAS:
        register(client, coach, family_name=name, given_names="Gewoon")
    register(client, coach, family_name="Werkwens", given_names="-Min", preferred_work=["=cmd|' /C calc'!A0"])
    rows = read_csv(export(client, coach, "csv").data)
    by_given = [dict(zip(rows[0], r)) for r in rows[1:]]
    names = sorted(r["family_name"] for r in by_given if r["given_names"] == "Gewoon")
    assert names == sorted("'" + name for name in FORMULAS)
    (wish,) = [r for r in by_given if r["family_name"] == "Werkwens"]
    assert wish["given_names"] == "'-Min"
    assert wish["preferred_work"] == "'=cmd|' /C calc'!A0"
    # In the workbook every such cell is text, never a formula.
    cells = [c for row in read_xlsx(export(client, coach, "xlsx").data)[1:] for c in row if c.value is not None]
    assert cells and all(c.data_type != "f" for c in cells)
    texts = {c.value for c in cells if c.data_type == "s"}
    for value in FORMULAS + ["-Min", "=cmd|' /C calc'!A0"]:
        assert value in texts or "'" + value in texts, value


def test_control_characters_do_not_break_the_workbook(app, client, coach):
    register(client, coach, family_name="Bel\x07letje", given_names="Tab\x0bje")
    register(client, coach, family_name="\x07=HYPERLINK(\"http://x\")", given_names="Verstopt",
             preferred_work=["\x01@SUM(A1)"])
    response = export(client, coach, "xlsx")
    assert response.status_code == 200
    by_given = {row[0].value: row for row in read_xlsx(response.data)[1:]}
    assert [c.value for c in by_given["Tabje"][:2]] == ["Tabje", "Belletje"]
    # Without the control character the text would start a formula: it is neutralised all the same.
    hidden = {c.value: c for c in by_given["Verstopt"]}
    assert hidden["'=HYPERLINK(\"http://x\")"].data_type == "s" and hidden["'@SUM(A1)"].data_type == "s"
    assert all(c.data_type != "f" for row in by_given.values() for c in row)


def test_every_export_is_audited_without_personal_data(app, client, groningen, coach, exportable, owner_engine):
    assert export(client, coach, "csv").status_code == 200
    assert export(client, coach, "xlsx", status="in_conversation").status_code == 200
    events = audit_events(owner_engine, "candidate.exported")
    assert [e["details"] for e in events] == [{"format": "csv", "count": 2}, {"format": "xlsx", "count": 1}]
    assert all(e["actor_type"] == "token" and str(e["tenant_id"]).replace("-", "") == groningen.id.hex
               for e in events)
    dumped = json.dumps([{k: str(v) for k, v in e.items()} for e in events])
    for secret in ("Oosterhuis", "Bakker", "111222333"):
        assert secret not in dumped


@pytest.mark.parametrize("role", NON_COACH_ROLES)
def test_other_roles_may_not_export(app, client, groningen, make_token, exportable, owner_engine, role):
    headers = auth(make_token(groningen, role))
    for fmt in ("csv", "xlsx"):
        response = export(client, headers, fmt)
        assert response.status_code == 403, (role, fmt)
        assert b"Oosterhuis" not in response.data
    assert audit_events(owner_engine, "candidate.exported") == []


def test_a_tilburg_coach_exports_only_tilburg(app, client, tilburg, exportable, make_token):
    headers = auth(make_token(tilburg, "coach"))
    rows = read_csv(client.get("/api/v1/t/tilburg/candidates/export", headers=headers).data)
    assert [r[:2] for r in rows[1:]] == [["Tineke", "Tilburger"]]
    assert client.get(f"{base()}/export", headers=headers).status_code == 404
