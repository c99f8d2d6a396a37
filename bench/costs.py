"""How long programme costs take: 250 participants (three contracts each over three years, as
bench/employment.py) on Groningen's plugin, with a coaching organisation, task packages with host
contributions, wage-value assessments for a third of them and trainings; `costs.programme_cost` over
[2022-01-01, 2025-01-01) day-accurate, ungrouped and grouped by month and by employer, and one participant's
cost card. Prints best and median of several runs and the SQL statements each run takes.
"""

from __future__ import annotations

import argparse
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from basisbaan.extensions import db
from basisbaan.models import (Assignment, DisplacementCheck, Organisation, Participant, Task, Training,
                              WageValueAssessment)
from basisbaan.services import costs as cost_service
from basisbaan.services.timeline import SettingsTimeline
from basisbaan.tenancy import tenant_scope
from bench.employment import END, LOCAL_POSTGRES, START, analyse, bench_app, populate, timed


def add_costs_data(session) -> int:
    coaching = Organisation(name="Begeleidende partij", is_coaching=True)
    task = Task(title="Buurtcentrum", category="maintenance", hours_per_week=Decimal(8), places=1000,
                source="area_team", status="active", host_contribution_per_year=Decimal(250))
    session.add_all([coaching, task])
    session.flush()
    session.add(DisplacementCheck(task_id=task.id, checked_on=START - timedelta(days=30), done_by_paid_staff=False,
                                  host_would_hire=False, done_by_volunteers=False, is_additional=True,
                                  verdict="approved", reasons="Bench."))
    participants = list(session.scalars(select(Participant).order_by(Participant.id)))
    for i, p in enumerate(participants):
        p.coaching_organisation_id = coaching.id
        session.add(Assignment(participant_id=p.id, task_id=task.id, hours_per_week=Decimal(8), days=["mon"],
                               start_on=p.started_on))
        if i % 3 == 0:
            session.add(WageValueAssessment(participant_id=p.id, assessed_on=p.started_on,
                                            wage_value_percent=Decimal(30 + i % 40), assessor="UWV"))
        if i % 4 == 0:
            session.add(Training(participant_id=p.id, kind="first_aid", name="BHV", cost=Decimal(350),
                                 started_on=p.started_on + timedelta(days=60)))
    session.flush()
    return len(participants)


def run(participants: int, repeat: int, database_url: str | None) -> None:
    with bench_app(database_url) as (app, tenant):
        hooks = app.extensions["basisbaan.plugins"].for_tenant(tenant)
        with tenant_scope(db.session, tenant.id):
            populate(db.session, participants)
            add_costs_data(db.session)
            someone = db.session.scalars(select(Participant).order_by(Participant.id)).first()
        db.session.commit()
        analysed = analyse(True)
        print(f"{db.engine.dialect.name}: {participants} participants{analysed}; period {START} .. {END} "
              f"(exclusive), best/median of {repeat} runs")

        def programme(group_by):
            return lambda session: cost_service.programme_cost(session, SettingsTimeline(session, hooks), START, END,
                                                               group_by)

        def card(session):
            return cost_service.participant_cost(session, SettingsTimeline(session, hooks),
                                                 session.get(Participant, someone.id), START, END)

        for label, work, describe in (
                ("programme, ungrouped   ", programme(None), lambda r: f"net {r.total.net:,.2f}"),
                ("programme, by month    ", programme("month"), lambda r: f"{len(r.groups)} months"),
                ("programme, by employer ", programme("employer"), lambda r: f"{len(r.groups)} employers"),
                ("one participant's card ", card, lambda r: f"net {r.totals.net:,.2f}")):
            best, median, counts, result = timed(app, tenant, work, repeat)
            print(f"  {label}: best {best * 1000:8.1f} ms, median {median * 1000:8.1f} ms, "
                  f"statements {'/'.join(map(str, counts))}  ({describe(result)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=250)
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement")
    parser.add_argument("--database-url", default=None, help="PostgreSQL server URL (a superuser)")
    parser.add_argument("--postgresql", action="store_true", help=f"shorthand for --database-url {LOCAL_POSTGRES}")
    args = parser.parse_args()
    run(args.participants, args.repeat, args.database_url or (LOCAL_POSTGRES if args.postgresql else None))


if __name__ == "__main__":
    main()
