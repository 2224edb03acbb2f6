"""One demo run: the application, its simulated clock, the people, the dice and the tally."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from domain.application import Casetrail
from infra.demo.people import Directory


@dataclass
class SimClock:
    """The application's clock while seeding: each step sets it before it acts."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class DemoSummary:
    """What the demo wrote: counts per kind of record and one sample id of each."""

    counts: Counter[str] = field(default_factory=Counter)
    samples: dict[str, str] = field(default_factory=dict)
    stories: Counter[str] = field(default_factory=Counter)

    def add(self, kind: str, record_id: UUID) -> None:
        self.counts[kind] += 1
        self.samples.setdefault(kind, str(record_id))


@dataclass
class DemoRun:
    app: Casetrail
    clock: SimClock
    people: Directory
    rng: random.Random
    end: datetime
    """"Now": nothing in the demo happens after it."""
    summary: DemoSummary = field(default_factory=DemoSummary)

    def move(self, **delta: float) -> bool:
        """Move the clock on; False (and no move) when that would pass the end."""
        when = self.clock.now + timedelta(**delta)
        if when > self.end:
            return False
        self.clock.now = when
        return True
