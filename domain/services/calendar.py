"""Calendar commands: seed the official years, publish a new year, add local overlays."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from domain.actors import Actor
from domain.calendar import WorkCalendar, YearArrangement
from domain.services.base import Saved, ServiceBase


class CalendarService(ServiceBase):
    def seed_calendar(self, arrangements: Iterable[YearArrangement], *, actor: Actor) -> bool:
        """Open the jurisdiction's calendar with the official years; False if it exists."""
        calendar_id = WorkCalendar.calendar_id(self.jurisdiction)
        if self.exists(calendar_id):
            return False
        at = self.now()
        calendar = WorkCalendar.open(self.jurisdiction, actor=actor, at=at)
        for arrangement in arrangements:
            calendar.publish_year(arrangement, actor=actor, at=at)
        self.commit(calendar)
        return True

    def publish_year(self, arrangement: YearArrangement, *, actor: Actor) -> Saved:
        """Record a year's arrangement. Deadlines that were provisional on it are recomputed
        by the caller through ``recompute_provisional_deadlines`` (cases own their clocks)."""
        calendar = self.load(WorkCalendar, WorkCalendar.calendar_id(self.jurisdiction))
        calendar.publish_year(arrangement, actor=actor, at=self.now())
        return self.commit(calendar)[0]

    def add_calendar_overlay(
        self, name: str, rest_days: list[date], source: str, *, actor: Actor
    ) -> Saved:
        calendar = self.load(WorkCalendar, WorkCalendar.calendar_id(self.jurisdiction))
        calendar.add_overlay(name, rest_days, source, actor=actor, at=self.now())
        return self.commit(calendar)[0]
