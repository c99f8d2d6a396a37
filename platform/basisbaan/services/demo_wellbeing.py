"""Demo work profiles and wellbeing measurements: each participant measured at the start and every six
months on the municipality's instrument, improving on every domain and most on income and savings (as
Groningen's letter of 8 March 2023 reports). Deterministic; written after the participants."""

from __future__ import annotations

import json
import random
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from basisbaan.crypto import Secrets
from basisbaan.domain.dates import add_months
from basisbaan.models import Participant, WellbeingMeasurement, WorkProfile
from basisbaan.models.work import DEMANDS, TASK_CATEGORIES, WEEKDAYS
from basisbaan.services.demo_support import LOGGED_UNTIL
from basisbaan.services.timeline import SettingsTimeline

# Points gained per half year, before the scale's top; income and savings (or finances) grow fastest.
GROWTH = {"income": 0.9, "savings": 0.8, "finances": 0.9}
OTHER_GROWTH = 0.35
FIRST_AFTER = timedelta(days=14)


def generate(session: Session, secrets: Secrets, timeline: SettingsTimeline, slug: str) -> int:
    """Profiles and measurements unless there are measurements already; returns the measurements made."""
    if session.scalar(select(func.count()).select_from(WellbeingMeasurement)):
        return 0
    rng = random.Random(f"basisbaan-demo-wellbeing-{slug}")
    people = list(session.scalars(select(Participant).order_by(Participant.started_on, Participant.id)))
    have_profile = set(session.scalars(select(WorkProfile.person_id)))
    made = 0
    for p in people:
        if p.person_id not in have_profile:
            have_profile.add(p.person_id)
            limitations = rng.sample(DEMANDS, rng.choice((0, 0, 1, 2)))
            session.add(WorkProfile(
                person_id=p.person_id, preferred_categories=rng.sample(TASK_CATEGORIES[:-1], 2),
                available_days=list(WEEKDAYS[:5]) if rng.random() < 0.7 else rng.sample(WEEKDAYS[:5], 4),
                max_physical_demand=rng.choice(("light", "medium", "heavy")),
                limitations_encrypted=secrets.encrypt(json.dumps(sorted(limitations))) if limitations else None,
                updated_by="demo"))
        last = min(p.exit_on or LOGGED_UNTIL, LOGGED_UNTIL)
        day, step = p.started_on + FIRST_AFTER, 0
        baseline: dict[str, int] = {}
        while day <= last:
            instrument = timeline.instrument(day)
            scores = {}
            for code in instrument.codes:
                start = baseline.setdefault(code, rng.randint(instrument.low, instrument.low + 2))
                growth = GROWTH.get(code, OTHER_GROWTH) * step + rng.uniform(-0.3, 0.3)
                scores[code] = max(instrument.low, min(instrument.high, start + int(round(growth))))
            session.add(WellbeingMeasurement(participant_id=p.id, measured_on=day, instrument=instrument.code,
                                             scores_encrypted=secrets.encrypt(json.dumps(scores)), measured_by="demo"))
            made += 1
            step += 1
            day = add_months(p.started_on + FIRST_AFTER, 6 * step)
    session.flush()
    return made
