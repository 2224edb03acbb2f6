"""What runs beside the API in ``casetrail serve``: the projection runner and the deadline watcher.

Both are daemon threads. The runner follows the log (polling SQLite, LISTEN on PostgreSQL) so
views stay fresh; the watcher periodically records the warnings open cases have reached
(yellow, red, reminder, criticism) as the system actor, each exactly once per threshold.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from domain.application import Casetrail
from infra.readside import ReadSide
from infra.watcher import warn_open_cases

logger = logging.getLogger("casetrail.serve")


def issue_due_alerts(app: Casetrail, read: ReadSide) -> int:
    """One pass over the open cases in the case view; returns how many warnings were recorded."""
    read.refresh(["cases"])
    return sum(warn_open_cases(app, read.rows("cases", "cases")).issued.values())


class Background:
    def __init__(
        self,
        app: Casetrail,
        read: ReadSide,
        *,
        watch_every: float = 60.0,
        on_alerts: Callable[[int], None] | None = None,
    ) -> None:
        self.app, self.read, self.watch_every = app, read, watch_every
        self.on_alerts = on_alerts
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        self.read.prepare()
        self.read.following.set()
        for target, name in ((self._follow, "projections"), (self._watch, "deadline-watcher")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self.read.runner.stop()
        for thread in self._threads:
            thread.join(timeout)
        self.read.following.clear()

    def _follow(self) -> None:
        while not self._stop.is_set():
            try:
                self.read.runner.run()
            except Exception:  # a projection's bug: log it, keep serving, try again later
                logger.exception("the projection runner stopped; restarting in 5 s")
                self._stop.wait(5.0)

    def _watch(self) -> None:
        while not self._stop.wait(self.watch_every):
            try:
                issued = issue_due_alerts(self.app, self.read)
            except Exception:
                logger.exception("the deadline watcher's pass failed; trying again next time")
                continue
            if issued and self.on_alerts:
                self.on_alerts(issued)
