"""The bench's clocks: the demo's simulated one while seeding, then one moving in real time.

Histories are seeded over a simulated year ending at ``SEEDED_UNTIL``; the commands the bench
times afterwards happen after it, at real-time pace, so every step is later than the last. A
kept store measured again already holds such steps, so its clock starts after its last event.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from domain.application import Casetrail

SEEDED_UNTIL = datetime(2026, 6, 1, tzinfo=UTC)


def after_the_log(app: Casetrail, start: datetime, tail: int = 100) -> datetime:
    """``start``, or the latest moment among the log's last events if that is later."""
    head = app.recorder.max_notification_id() or 0
    found = app.recorder.select_notifications(max(1, head - tail + 1), tail)
    events = [app.mapper.to_domain_event(n) for n in found]
    moments: list[datetime] = [getattr(e, "timestamp", start) for e in events]
    return max([start, *moments])


class MovingClock:
    """``start`` when made, then moving forward in real time."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self._began = time.monotonic()

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self._began)
