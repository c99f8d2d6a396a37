"""How long matching takes: the open tasks for one participant against 1,000 open tasks, and the fitting
participants for one task among 250 participants (SQLite or PostgreSQL). Builds Groningen with N
participants (three contracts each, as bench/employment.py) and T open tasks with passed displacement checks
(various neighbourhoods, categories, hours, days and demands), a work profile per person (preferences,
available days, encrypted limitations) and a running assignment for every other participant; then times
`matching.for_participant` and `matching.for_task` (all matches ranked, the first 20 returned) and prints the
best and median of several runs and the SQL statements each run takes.
"""

from __future__ import annotations

import argparse
import json
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from basisbaan.extensions import db
from basisbaan.models import Assignment, DisplacementCheck, Neighbourhood, Participant, Task, WorkProfile
from basisbaan.models.work import DEMANDS, TASK_CATEGORIES, WEEKDAYS
from basisbaan.services import matching
from bench.employment import LOCAL_POSTGRES, COACH, analyse, bench_app, populate, timed
from basisbaan.tenancy import tenant_scope

ON = date(2024, 6, 3)


def add_work(session, secrets, tasks: int) -> None:
    places = list(session.scalars(select(Neighbourhood.id)))
    made = []
    for n in range(tasks):
        task = Task(title=f"Taak {n:04d}", category=TASK_CATEGORIES[n % len(TASK_CATEGORIES)],
                    neighbourhood_id=places[n % len(places)] if n % 5 else None, hours_per_week=Decimal(4 + n % 13),
                    days=list(WEEKDAYS[n % 5:n % 5 + 2]), places=1 + n % 4, physical_demand=("light", "medium", "heavy")[n % 3],
                    demands=[DEMANDS[n % len(DEMANDS)]] if n % 2 else [], source="area_team", status="approved")
        session.add(task)
        made.append(task)
    session.flush()
    for task in made:
        session.add(DisplacementCheck(task_id=task.id, checked_on=ON - timedelta(days=100), done_by_paid_staff=False,
                                      host_would_hire=False, done_by_volunteers=False, is_additional=True,
                                      verdict="approved", reasons="Bench."))
    for i, participant in enumerate(session.scalars(select(Participant).order_by(Participant.id))):
        session.add(WorkProfile(person_id=participant.person_id, preferred_categories=list(TASK_CATEGORIES[i % 5:i % 5 + 2]),
                                available_days=list(WEEKDAYS[:5]), max_physical_demand=("medium", "heavy")[i % 2],
                                limitations_encrypted=secrets.encrypt(json.dumps([DEMANDS[i % len(DEMANDS)]]))))
        if i % 2:
            session.add(Assignment(participant_id=participant.id, task_id=made[i % len(made)].id,
                                   hours_per_week=Decimal(8), days=["mon"], start_on=ON - timedelta(days=30)))
    session.flush()


def run(participants: int, tasks: int, repeat: int, database_url: str | None) -> None:
    with bench_app(database_url) as (app, tenant):
        secrets = app.extensions["basisbaan.secrets"]
        with tenant_scope(db.session, tenant.id):
            populate(db.session, participants)
            add_work(db.session, secrets, tasks)
            someone = db.session.scalars(select(Participant).where(Participant.started_on <= ON)
                                         .order_by(Participant.id)).first().id
            some_task = db.session.scalars(select(Task.id).order_by(Task.title)).first()
        db.session.commit()
        analysed = analyse(True)
        print(f"{db.engine.dialect.name}: {participants} participants, {tasks} open tasks{analysed}; on {ON}, "
              f"best/median of {repeat} runs")

        def for_participant(session):
            participant = session.get(Participant, someone)
            return matching.for_participant(session, secrets, participant, ON, include_blocked=True)

        def for_task(session):
            return matching.for_task(session, secrets, session.get(Task, some_task), COACH, ON, include_blocked=True)

        for label, work in (("tasks for a participant ", for_participant), ("participants for a task", for_task)):
            best, median, counts, result = timed(app, tenant, work, repeat)
            print(f"  {label}: best {best * 1000:8.1f} ms, median {median * 1000:8.1f} ms, "
                  f"statements {'/'.join(map(str, counts))}  ({result.total} ranked, "
                  f"{sum(1 for m in result.matches if not m.blocked)} of the first {len(result.matches)} fit)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=250)
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement")
    parser.add_argument("--database-url", default=None, help="PostgreSQL server URL (a superuser)")
    parser.add_argument("--postgresql", action="store_true", help=f"shorthand for --database-url {LOCAL_POSTGRES}")
    args = parser.parse_args()
    run(args.participants, args.tasks, args.repeat, args.database_url or (LOCAL_POSTGRES if args.postgresql else None))


if __name__ == "__main__":
    main()
