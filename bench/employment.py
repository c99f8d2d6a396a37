"""How long the absence rate and the wage costs of a programme take over three years (SQLite or PostgreSQL).

Builds a municipality (Groningen's plugin) with N participants (default 250) who each have three
contracts over three years (a change of hours, a move to CAO Aan de Slag with a guarantee for half of
them) and four absences (about 1000 in all), then times `absences.rate` and `wages.wage_costs` over
[2022-01-01, 2025-01-01) for the whole programme, and for a group that matches nothing (what a query
costs without data to compute). Prints the best and median time of several runs and the SQL statements
each run takes.

On PostgreSQL the tables are ANALYZEd after the bulk load (as autovacuum would do in service): straight
after loading, the planner still thinks the tables are empty and joins contracts to their versions with
nested loops, about 130-190 ms for 750 contracts. `--no-analyze` measures that state.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import flask_migrate
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from basisbaan import create_app
from basisbaan.extensions import db
from basisbaan.models import (Absence, Contract, ContractVersion, Neighbourhood, Organisation, Participant,
                              PerformanceReport, Person)
from basisbaan.services import absences as absence_service
from basisbaan.services import tenants as tenant_service
from basisbaan.services import wages as wage_service
from basisbaan.services.audit import Actor
from basisbaan.services.timeline import Group, SettingsTimeline
from basisbaan.services.visibility import Viewer
from basisbaan.tenancy import tenant_scope

START, END = date(2022, 1, 1), date(2025, 1, 1)
COACH = Viewer(frozenset({"coach"}))
LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
D = Decimal


def months(day: date, n: int) -> date:
    year, month = divmod(day.month - 1 + n, 12)
    return date(day.year + year, month + 1, min(day.day, 28))


def populate(session, participants: int) -> tuple[int, int, int]:
    """Participants starting over 2022's first year, each with three contracts and four absences."""
    places = [Neighbourhood(name=f"Wijk {n}") for n in range(10)]
    employers = [Organisation(name=f"Werkgever {n}", is_employer=True) for n in range(3)]
    session.add_all(places + employers)
    session.flush()
    contracts = absences = 0
    for i in range(participants):
        person = Person(given_names="Deelnemer", family_name=f"Bench {i:04d}", neighbourhood_id=places[i % 10].id)
        session.add(person)
        session.flush()
        started = START + timedelta(days=i % 365)
        participant = Participant(person_id=person.id, started_on=started)
        session.add(participant)
        session.flush()
        spans = [(started, months(started, 12) - timedelta(days=1)),
                 (months(started, 12), months(started, 24) - timedelta(days=1)),
                 (months(started, 24), None if i % 3 == 0 else months(started, 36) - timedelta(days=1))]
        rows = [Contract(participant_id=participant.id, employer_id=employers[i % 3].id, start_on=a, end_on=b,
                         kind="temporary" if b else "permanent") for a, b in spans]
        session.add_all(rows)
        session.flush()
        contracts += len(rows)
        c1, c2, c3 = rows
        moved = "cao_aan_de_slag" if i % 2 else "cao_sw"
        session.add_all([
            ContractVersion(contract_id=c1.id, valid_from=c1.start_on, hours_per_week=D(32), cao="cao_sw", reason="start"),
            ContractVersion(contract_id=c1.id, valid_from=months(c1.start_on, 5), hours_per_week=D(36), cao="cao_sw",
                            reason="hours"),
            ContractVersion(contract_id=c2.id, valid_from=c2.start_on, hours_per_week=D(36), cao="cao_sw", reason="start"),
            ContractVersion(contract_id=c2.id, valid_from=months(c2.start_on, 6), hours_per_week=D(36), cao=moved,
                            guaranteed_hourly_wage=D("14.16") if i % 2 else None, reason="cao_transition"),
            ContractVersion(contract_id=c3.id, valid_from=c3.start_on, hours_per_week=D(20 + i % 17), cao=moved,
                            reason="start"),
            PerformanceReport(contract_id=c1.id, written_on=c1.end_on - timedelta(days=30), author="Coach", advice="renew"),
            PerformanceReport(contract_id=c2.id, written_on=c2.end_on - timedelta(days=30), author="Coach", advice="renew"),
        ])
        for offset, length, percentage in ((40, 10, 100), (250, 30, 50), (500, 5, 100), (700, 60, 100)):
            first = started + timedelta(days=offset + i % 17)
            session.add(Absence(participant_id=participant.id, start_on=first, end_on=first + timedelta(days=length - 1),
                                percentage=D(percentage)))
            absences += 1
        session.flush()
    return contracts, absences, places[0].id


@contextmanager
def counted(engine):
    statements: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def timed(app, tenant, work, repeat: int):
    """Best and median seconds of `repeat` runs of `work(session)` in a fresh session, and the statements."""
    times, counts, result = [], [], None
    for _ in range(repeat):
        db.session.remove()
        with counted(db.engine) as statements:
            started = time.perf_counter()
            with tenant_scope(db.session, tenant.id):
                result = work(db.session)
            elapsed = time.perf_counter() - started
        db.session.rollback()
        times.append(elapsed)
        counts.append(len(statements))
    return min(times), statistics.median(times), sorted(set(counts)), result


@contextmanager
def bench_app(database_url: str | None):
    """An app on a throw-away database (a new PostgreSQL database, or an SQLite file), migrated, with
    Groningen as a tenant: yields (app, tenant) inside the app context; drops the database afterwards."""
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
            admin.dispose()
    else:
        url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench" * 10})
    try:
        with app.app_context():
            flask_migrate.upgrade()
            registry = app.extensions["basisbaan.plugins"]
            tenant = tenant_service.create_tenant(db.session, registry, slug="groningen", name="Groningen",
                                                  plugin="groningen", cbs_code="GM0014", actor=Actor.system("bench"))
            db.session.commit()
            # Plain values: the ORM row expires at every commit of the benchmark.
            yield app, SimpleNamespace(id=tenant.id, slug=tenant.slug, plugin=tenant.plugin)
            db.session.remove()
            db.engine.dispose()
    finally:
        if cleanup:
            cleanup()


def analyse(analyze: bool) -> str:
    """ANALYZE after a bulk load on PostgreSQL (as autovacuum would in service); a note for the output."""
    if db.engine.dialect.name != "postgresql":
        return ""
    if not analyze:
        return ", tables NOT analysed"
    with db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    return ", tables analysed"


def run(participants: int, repeat: int, database_url: str | None, analyze: bool = True) -> None:
    with bench_app(database_url) as (app, tenant):
        registry = app.extensions["basisbaan.plugins"]
        started = time.perf_counter()
        with tenant_scope(db.session, tenant.id):
            contracts, absences, some_place = populate(db.session, participants)
            empty = Neighbourhood(name="Leeg")  # a neighbourhood nobody lives in
            db.session.add(empty)
            db.session.flush()
            empty_id = empty.id
        db.session.commit()
        built = time.perf_counter() - started
        analysed = analyse(analyze)
        print(f"{db.engine.dialect.name}: {participants} participants, {contracts} contracts, {absences} absences "
              f"(built in {built:.1f} s{analysed}); period {START} .. {END} (exclusive), "
              f"best/median of {repeat} runs")
        hooks = registry.for_tenant(tenant)

        def rate(group):
            return lambda session: absence_service.rate(session, START, END, COACH, group)

        def wages(group):
            return lambda session: wage_service.wage_costs(session, SettingsTimeline(session, hooks), START, END,
                                                           COACH, group)

        for label, work, describe in (
                ("absence rate, programme   ", rate(Group()),
                 lambda r: f"{r.participants} participants, rate {r.totals.rate:.4f}"),
                ("absence rate, neighbourhood", rate(Group(neighbourhood_id=some_place)),
                 lambda r: f"{r.participants} participants, rate {r.totals.rate:.4f}"),
                ("absence rate, empty group ", rate(Group(neighbourhood_id=empty_id)),
                 lambda r: f"{r.participants} participants"),
                ("wage costs, programme     ", wages(Group()),
                 lambda r: f"{len(r.by_participant)} participants, total {r.total.total:,.2f}"),
                ("wage costs, empty group   ", wages(Group(neighbourhood_id=empty_id)),
                 lambda r: f"{len(r.by_participant)} participants"),
        ):
            best, median, counts, result = timed(app, tenant, work, repeat)
            print(f"  {label}: best {best * 1000:8.1f} ms, median {median * 1000:8.1f} ms, "
                  f"statements {'/'.join(map(str, counts))}  ({describe(result)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=250)
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement")
    parser.add_argument("--database-url", default=None, help="PostgreSQL server URL (a superuser)")
    parser.add_argument("--postgresql", action="store_true", help=f"shorthand for --database-url {LOCAL_POSTGRES}")
    parser.add_argument("--no-analyze", action="store_true", help="PostgreSQL: measure without ANALYZE after loading")
    args = parser.parse_args()
    run(args.participants, args.repeat, args.database_url or (LOCAL_POSTGRES if args.postgresql else None),
        analyze=not args.no_analyze)


if __name__ == "__main__":
    main()
