"""Seed a store with the demo: the directory, then a year of cases, with progress reports."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.application import Casetrail
from domain.case import Case
from domain.directory import Unit
from infra.demo.cases import SimClock, play_case
from infra.demo.people import seed_directory

Progress = Callable[[int], None]


@dataclass
class DemoSummary:
    """What the demo wrote: counts per kind of record and one sample id of each."""

    counts: Counter[str] = field(default_factory=Counter)
    samples: dict[str, str] = field(default_factory=dict)
    stories: Counter[str] = field(default_factory=Counter)

    def add(self, kind: str, record_id: UUID) -> None:
        self.counts[kind] += 1
        self.samples.setdefault(kind, str(record_id))


def store_has_data(app: Casetrail) -> bool:
    """True when the store holds anything beyond its working calendar."""
    topics = [get_topic(Unit.Registered), get_topic(Case.Filed)]
    return next(iter(app.iter_ids(topics, batch=1)), None) is not None


def seed_demo(
    app: Casetrail,
    clock: SimClock,
    *,
    cases: int,
    end: datetime,
    seed: int = 2026,
    progress: Progress | None = None,
) -> DemoSummary:
    """Write the demo directory and ``cases`` case stories filed over the year before ``end``."""
    rng, summary = random.Random(seed), DemoSummary()
    tz = app.policy.tz
    clock.now = end - timedelta(days=400)
    people = seed_directory(app)
    calendar = app.work_calendar()
    filings = []
    for _ in range(cases):
        day = (end - timedelta(days=rng.uniform(1, 365))).astimezone(tz).date()
        while not calendar.is_working_day(day):
            day -= timedelta(days=1)
        filings.append(datetime.combine(day, time(9 + rng.randrange(8), rng.randrange(60)), tz))
    for filed_at in sorted(filings):
        case_id, story = play_case(
            app=app, clock=clock, people=people, rng=rng, filed_at=filed_at, end=end
        )
        summary.add("cases", case_id)
        summary.stories[story] += 1
        if progress:
            progress(1)
    return summary
