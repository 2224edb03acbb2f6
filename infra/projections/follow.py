"""How an idle runner learns there is more to read: polling (SQLite) or LISTEN (PostgreSQL).

A follower only says "look again"; the runner always re-reads from each projection's stored
position, so a missed or duplicated wake-up can delay a view but never skip or repeat an event.
"""

from __future__ import annotations

import logging
import threading
from time import monotonic
from typing import Any, Protocol

from eventsourcing.persistence import ApplicationRecorder, Subscription

logger = logging.getLogger("casetrail.projections")


class Backoff:
    """Delays that double from ``first`` up to ``most``, back to ``first`` after ``reset``."""

    def __init__(self, first: float, most: float) -> None:
        self.first, self.most, self.current = first, most, first

    def next(self) -> float:
        delay = self.current
        self.current = min(self.current * 2, self.most)
        return delay

    def reset(self) -> None:
        self.current = self.first


class Follower(Protocol):
    def wait(self) -> None:
        """Return when there may be new events, or when woken by ``interrupt``."""

    def worked(self) -> None:
        """The last look found events: look again soon."""

    def interrupt(self) -> None: ...

    def close(self) -> None: ...


class PollingFollower:
    """Sleeps between looks, longer and longer while the log is quiet."""

    def __init__(self, first: float = 0.05, most: float = 2.0) -> None:
        self._backoff = Backoff(first, most)
        self._woken = threading.Event()

    def wait(self) -> None:
        self._woken.wait(self._backoff.next())
        self._woken.clear()

    def worked(self) -> None:
        self._backoff.reset()

    def interrupt(self) -> None:
        self._woken.set()

    def close(self) -> None:
        self.interrupt()


class ListenFollower:
    """Wakes on the library's LISTEN/NOTIFY subscription, restarted whenever it drops.

    The library does not re-establish a dropped LISTEN connection, so a thread supervises it:
    on any error it logs, waits (with backoff) and subscribes again. Each (re)start also wakes
    the runner, which covers events committed while no one was listening. ``safety_interval``
    bounds how long a view can lag if a notification is lost anyway.
    """

    def __init__(self, recorder: ApplicationRecorder, safety_interval: float = 30.0) -> None:
        self._recorder = recorder
        self._safety = safety_interval
        self._woken = threading.Event()
        self._closed = threading.Event()
        self._subscription: Subscription[Any] | None = None
        self.started = 0
        """How many subscriptions were started (1 + restarts); tests watch it."""
        self._thread = threading.Thread(target=self._supervise, name="listen", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        self._woken.wait(self._safety)
        self._woken.clear()

    def worked(self) -> None:
        pass

    def interrupt(self) -> None:
        self._woken.set()

    def close(self) -> None:
        self._closed.set()
        subscription = self._subscription
        if subscription is not None:
            subscription.stop()
        self._thread.join(timeout=10)
        self.interrupt()

    def _supervise(self) -> None:
        backoff = Backoff(0.5, 30.0)
        while not self._closed.is_set():
            began = monotonic()
            try:
                self._listen()
                reason = "the subscription ended"
            except Exception as error:  # any failure means: subscribe again
                reason = " ".join(f"{type(error).__name__}: {error}".split())
            if self._closed.is_set():
                break
            if monotonic() - began > 60:
                backoff.reset()
            delay = backoff.next()
            logger.warning(
                "LISTEN subscription dropped (%s); subscribing again in %.1fs", reason, delay
            )
            self._woken.set()
            self._closed.wait(delay)

    def _listen(self) -> None:
        subscription = self._recorder.subscribe(gt=self._recorder.max_notification_id())
        try:
            with subscription:
                self._subscription = subscription
                if self._closed.is_set():  # close() ran before it could see this subscription
                    subscription.stop()
                self.started += 1
                logger.info("listening for new events (subscription %d)", self.started)
                self._woken.set()
                for _ in subscription:
                    self._woken.set()
        finally:
            self._subscription = None
