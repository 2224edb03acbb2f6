"""A clock the test controls: the application reads it exactly like the real one."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8))

# Monday 2 March 2026, 09:00 in China: a plain working day, clear of the Spring Festival.
START = datetime(2026, 3, 2, 9, 0, tzinfo=CHINA)


class FakeClock:
    """Returns ``now`` until the test sets or advances it; never moves on its own."""

    def __init__(self, now: datetime = START) -> None:
        self.now = _aware(now)

    def __call__(self) -> datetime:
        return self.now

    def set(self, now: datetime) -> datetime:
        self.now = _aware(now)
        return self.now

    def advance(self, delta: timedelta | None = None, **units: float) -> datetime:
        """Move forward by ``delta`` or by ``timedelta`` units (``hours=2``, ``days=3``)."""
        step = delta if delta is not None else timedelta(**units)
        if step < timedelta(0):
            raise ValueError("a clock does not go backwards; use set() to start over")
        self.now += step
        return self.now


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError(f"{now.isoformat()} has no time zone; the application needs one")
    return now
