"""The bench's clocks: the demo's simulated one while seeding, then one moving in real time.

Histories are seeded over a simulated year ending at ``SEEDED_UNTIL``; the commands the bench
times afterwards happen after it, at real-time pace, so every step is later than the last.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

SEEDED_UNTIL = datetime(2026, 6, 1, tzinfo=UTC)


class MovingClock:
    """``start`` when made, then moving forward in real time."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self._began = time.monotonic()

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self._began)
