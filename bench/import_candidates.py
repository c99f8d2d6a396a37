"""How long a candidate import of N rows takes: the dry run and the commit (SQLite or PostgreSQL)."""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import flask_migrate
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from basisbaan import create_app
from basisbaan.extensions import db
from basisbaan.services import candidate_import
from basisbaan.services import tenants as tenant_service
from basisbaan.services.audit import Actor
from basisbaan.services.demo_candidates import valid_bsn
from basisbaan.tenancy import tenant_scope


def csv_of(rows: int) -> bytes:
    rng = random.Random(7)
    lines = ["bsn;voornamen;achternaam;geboortedatum;aanmelddatum;uren"]
    seen = set()
    while len(lines) <= rows:
        number = valid_bsn(rng)
        if number in seen:
            continue
        seen.add(number)
        lines.append(f"{number};Kim;Bench {len(lines)};1970-01-0{rng.randint(1, 9)};2024-01-02;32")
    return "\n".join(lines).encode()


def run(rows: int, database_url: str | None) -> None:
    cleanup = None
    if database_url:
        admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
        name = f"basisbaan_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(database_url).set(database=name).render_as_string(hide_password=False)

        def cleanup():
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench" * 10})
    try:
        with app.app_context():
            flask_migrate.upgrade()
            tenant = tenant_service.create_tenant(db.session, app.extensions["basisbaan.plugins"], slug="groningen",
                                                  name="Groningen", plugin="groningen", cbs_code="GM0014",
                                                  actor=Actor.system("bench"))
            db.session.commit()
            content = csv_of(rows)
            secrets = app.extensions["basisbaan.secrets"]
            for dry_run in (True, False):
                with tenant_scope(db.session, tenant.id):
                    started = time.perf_counter()
                    report = candidate_import.run(db.session, secrets, filename="bench.csv", content=content,
                                                  actor=Actor.system("bench"), today=date.today(), dry_run=dry_run,
                                                  max_bytes=50_000_000)
                    db.session.commit()
                    elapsed = time.perf_counter() - started
                label = "dry run" if dry_run else "commit "
                print(f"{db.engine.dialect.name:10} {label} {rows:6d} rows: {elapsed:6.2f} s "
                      f"(valid {report.valid}, created {report.created}, problems {len(report.problems)})")
            db.engine.dispose()
    finally:
        if cleanup:
            cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url", default=None, help="PostgreSQL server URL (a superuser)")
    args = parser.parse_args()
    run(args.rows, args.database_url)


if __name__ == "__main__":
    main()
