"""The notification sender: a tracked follower of the notices read model, and the delivery loop.

``enqueue`` reads the notices committed after its cursor (a keyset over the log position and
the notice id) and records one delivery per configured channel the recipient wants, moving the
cursor in the same transaction. ``dispatch`` claims due deliveries (the attempt is committed
before sending), sends each, and marks it delivered, or schedules a retry with exponential
backoff and jitter, or dead-letters it after the last attempt. Killed at any point, the next
run finds every notice either enqueued or after the cursor, and every claimed delivery either
marked or coming back when its lease lapses: nothing is lost, and a repeat carries the same id.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from uuid import NAMESPACE_URL, uuid5

from infra.notify.channels import Channel, SendError
from infra.notify.message import render
from infra.notify.store import Delivery, NotifyStore, Place, Preferences
from infra.projections.runner import TRANSIENT_ERRORS, ProjectionRunner
from projections.notices import NoticeProjection, seq
from projections.store import PageQuery, ViewStore

logger = logging.getLogger("casetrail.notify")
DELIVERY_NAMESPACE = uuid5(NAMESPACE_URL, "https://casetrail.example/deliveries")


def delivery_id(notice_id: str, channel: str) -> str:
    return str(uuid5(DELIVERY_NAMESPACE, f"{notice_id}:{channel}"))


@dataclass(frozen=True)
class Retry:
    first: float = 30.0
    most: float = 3600.0
    attempts: int = 10
    lease: float = 60.0

    def delay(self, attempts: int, rand: Callable[[], float] = random.random) -> float:
        """Doubling from ``first`` up to ``most``, then a random half of it taken off, so
        senders retrying after one outage do not all come back at the same moment."""
        full = min(self.first * 2 ** max(attempts - 1, 0), self.most)
        return float(full * (0.5 + 0.5 * rand()))


class Sender:
    def __init__(
        self,
        views: ViewStore,
        store: NotifyStore,
        channels: Sequence[Channel],
        *,
        tz: dt.timezone,
        retry: Retry | None = None,
        runner: ProjectionRunner | None = None,
        batch: int = 100,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.views, self.store, self.tz = views, store, tz
        self.channels = {c.name: c for c in channels}
        self.retry = retry or Retry()
        self.runner, self.batch, self.clock = runner, batch, clock
        self.projection = NoticeProjection()
        self.inbox = self.projection.table("inbox")
        self._stopping = threading.Event()
        self._ensured = False

    def enqueue(self) -> int:
        """Record the deliveries of every notice after the cursor; returns how many were new."""
        if not self._ensured:  # DDL once, not on every poll
            self.views.ensure(self.projection)
            self._ensured = True
        added = 0
        while True:
            place = self.store.cursor()
            rows = self.views.page(self.inbox, PageQuery(
                order="seq", descending=False, limit=self.batch,
                after=(seq(place.position), place.last_id) if place.last_id else None,
            ))
            if not rows:
                return added
            prefs: dict[str, Preferences] = {}
            deliveries: list[Delivery] = []
            for row in rows:
                who = str(row["recipient"])
                wanted = prefs.setdefault(who, self.store.preferences(who))
                for channel in self.channels.values():
                    if channel.address(wanted, row["kind"]) and wanted.wants(channel.name,
                                                                             row["kind"]):
                        deliveries.append(Delivery(
                            id=delivery_id(row["id"], channel.name), notice_id=row["id"],
                            channel=channel.name, recipient=who, kind=row["kind"],
                            params=row["params"], at=row["at"].isoformat(),
                            next_at=self.clock(),
                        ))
            last = rows[-1]
            added += self.store.enqueue(deliveries, Place(int(last["position"]), str(last["id"])))

    def dispatch(self) -> int:
        """Claim and send what is due now; returns how many were delivered."""
        delivered = 0
        while not self._stopping.is_set():
            claimed = self.store.claim(self.clock(), self.retry.lease, 20)
            if not claimed:
                return delivered
            for delivery in claimed:
                delivered += self._send(delivery)
        return delivered

    def _send(self, delivery: Delivery) -> int:
        channel = self.channels.get(delivery.channel)
        if channel is None:  # switched off since it was enqueued: keep it for when it is back
            self.store.failed(delivery.id, "the channel is not configured",
                              self.clock() + self.retry.most)
            return 0
        prefs = self.store.preferences(delivery.recipient)
        address = channel.address(prefs, delivery.kind)
        if address is None:
            self.store.failed(delivery.id, "the recipient has no address on this channel", None)
            return 0
        message = render(delivery.kind, delivery.params, prefs.language, self.tz)
        try:
            channel.send(delivery, message, address)
        except Exception as error:
            if not isinstance(error, SendError):
                logger.exception("sending %s by %s failed", delivery.id, delivery.channel)
            last = delivery.attempts >= self.retry.attempts
            retry_at = None if last else self.clock() + self.retry.delay(delivery.attempts)
            self.store.failed(delivery.id, str(error), retry_at)
            if last:
                logger.warning("delivery %s by %s dead-lettered after %d attempts: %s",
                               delivery.id, delivery.channel, delivery.attempts, error)
            return 0
        now = dt.datetime.fromtimestamp(self.clock(), dt.UTC).isoformat(timespec="seconds")
        self.store.delivered(delivery.id, now)
        return 1

    def run_once(self) -> int:
        """Bring the notices up to date, enqueue, send what is due; the work done."""
        if self.runner is not None:
            self.runner.catch_up()
        return self.enqueue() + self.dispatch()

    def run(self, *, until_idle: bool = False, poll: float = 0.5, most: float = 2.0) -> None:
        """Follow until ``stop()``; ``until_idle``: return once nothing is pending or due."""
        wait = poll
        while not self._stopping.is_set():
            try:
                worked = self.run_once()
            except TRANSIENT_ERRORS as error:
                logger.warning("cannot reach the database (%s); retrying", error)
                worked = 0
            if until_idle and not worked and self.idle():
                return
            wait = poll if worked else min(wait * 2, most)
            self._stopping.wait(wait)

    def idle(self) -> bool:
        counts = self.store.counts()
        return counts["pending"] == 0 and counts["sending"] == 0

    def stop(self) -> None:
        self._stopping.set()
