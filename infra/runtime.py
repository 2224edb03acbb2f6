"""What runs beside the API in ``casetrail serve``: the projection runner and the deadline watcher.

Both are daemon threads. The runner follows the log (polling SQLite, LISTEN on PostgreSQL) so
views stay fresh; the watcher periodically records the warnings open cases have reached
(yellow, red, reminder, criticism) as the system actor, each exactly once per threshold.

They run in one process per store, however many serve it (``serve --workers N``, or several
``serve`` processes): every process asks for the store's leadership lock (``infra.leader``),
the one that holds it runs them (and the event relay, through ``on_lead``/``on_follow``), and
the others ask again every ``retry_every`` seconds, taking over when the holder is gone.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

from domain.application import Casetrail
from infra.leader import AlwaysLeader, Leadership
from infra.readside import ReadSide
from infra.watcher import cases_maybe_due, running_projects, warn_open_cases, warn_running_tasks

logger = logging.getLogger("casetrail.serve")


def issue_due_alerts(app: Casetrail, read: ReadSide) -> int:
    """One pass over the open cases and the running key-project tasks; returns how many
    warnings were recorded."""
    read.refresh(["cases", "projects"])
    report = warn_open_cases(app, cases_maybe_due(app, read.store))
    warn_running_tasks(app, running_projects(read.store), report)
    return sum(report.issued.values()) + sum(report.task_issued.values())


class Background:
    def __init__(
        self,
        app: Casetrail,
        read: ReadSide,
        *,
        watch_every: float = 60.0,
        on_alerts: Callable[[int], None] | None = None,
        leadership: Leadership | None = None,
        on_lead: Callable[[], None] | None = None,
        on_follow: Callable[[], None] | None = None,
        retry_every: float = 2.0,
    ) -> None:
        self.app, self.read, self.watch_every = app, read, watch_every
        self.on_alerts, self.on_lead, self.on_follow = on_alerts, on_lead, on_follow
        self.leadership = leadership or AlwaysLeader()
        self.retry_every = retry_every
        self.leading = threading.Event()
        """Set while this process holds the lock and runs the background work."""
        self.terms = 0
        """How many times this process took the lead (tests and logs watch it)."""
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._term: threading.Event | None = None
        """Set to end the current term of leadership; None while not leading."""
        self._term_threads: list[threading.Thread] = []

    def start(self) -> None:
        self.read.prepare()
        # Some process follows the log (this one or the holder of the lock): requests wait for
        # the views rather than catching them up themselves.
        self.read.following.set()
        self._ask()  # at once: a lone server leads from its first request on
        thread = threading.Thread(target=self._lead, name="leadership", daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
        self._end_term()
        self.read.following.clear()

    def _lead(self) -> None:
        while not self._stop.wait(self.retry_every):
            if self._term is None:
                self._ask()
            elif not self._still_held():
                logger.warning("process %d lost the background lock; stopping its work",
                               os.getpid())
                self._end_term()

    def _ask(self) -> None:
        try:
            acquired = self.leadership.try_acquire()
        except Exception:
            logger.exception("could not ask for the background lock; asking again")
            return
        if acquired:
            self._begin_term()

    def _still_held(self) -> bool:
        try:
            return self.leadership.still_held()
        except Exception:
            return False

    def _begin_term(self) -> None:
        """Run the background work: this process holds the lock."""
        self.terms += 1
        term = self._term = threading.Event()
        self.read.runner.resume()
        self._term_threads = [
            threading.Thread(target=target, args=(term,), name=name, daemon=True)
            for target, name in ((self._follow, "projections"), (self._watch, "deadline-watcher"))
        ]
        logger.info("process %d runs the projection runner, deadline watcher and relay",
                    os.getpid())
        self.leading.set()
        for thread in self._term_threads:
            thread.start()
        if self.on_lead:
            self.on_lead()

    def _end_term(self) -> None:
        """Stop the background work and give the lock up."""
        term = self._term
        if term is None:
            return
        term.set()
        self.read.runner.stop()
        for thread in self._term_threads:
            thread.join(10.0)
        if self.on_follow:
            self.on_follow()
        self._term = None
        self.leading.clear()
        self.leadership.release()

    def _follow(self, term: threading.Event) -> None:
        while not term.is_set():
            try:
                self.read.runner.run()
            except Exception:  # a projection's bug: log it, keep serving, try again later
                logger.exception("the projection runner stopped; restarting in 5 s")
                term.wait(5.0)

    def _watch(self, term: threading.Event) -> None:
        while not term.wait(self.watch_every):
            try:
                issued = issue_due_alerts(self.app, self.read)
            except Exception:
                logger.exception("the deadline watcher's pass failed; trying again next time")
                continue
            logger.info("deadline watcher pass in process %d: %d warnings", os.getpid(), issued)
            if issued and self.on_alerts:
                self.on_alerts(issued)
