"""The relay: a tracked follower of the notification log that publishes every event to Kafka.

It reads a page of the log after its stored position, sends each event's public form (keyed by
aggregate id), waits until the broker acknowledged all of them (acks from all replicas), and only
then stores the new position. A crash or an outage in between means the page is sent again:
consumers may see an event twice and deduplicate on its id; they never miss one.

Order per key holds because there is at most one request in flight, and because the producer
keeps retrying a request until it is acknowledged (its delivery timeout is a day), instead of
failing one batch and sending the next, which would put a later event ahead of an earlier one.
When an error surfaces anyway, the relay drops the producer, waits (with backoff) and sends the
page again from its stored position.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from kafka.errors import KafkaError, KafkaTimeoutError

from infra.kafka.cloudevents import encode
from infra.kafka.public import publication_of
from infra.kafka.relay_position import RelayPositions
from infra.projections.follow import Backoff, Follower, ListenFollower, PollingFollower
from infra.projections.log import EventLog
from infra.projections.runner import TRANSIENT_ERRORS

logger = logging.getLogger("casetrail.relay")

DEFAULT_TOPIC = "casetrail.events"
PAGE_SIZE = 500
REPORT_EVERY_SECONDS = 5.0


class Future(Protocol):
    def failed(self) -> bool: ...

    @property
    def exception(self) -> BaseException | None: ...


class Producer(Protocol):
    def send(
        self, topic: str, value: bytes, key: bytes, headers: list[tuple[str, bytes]]
    ) -> Future: ...

    def flush(self, timeout: float | None = None) -> None: ...

    def close(self, timeout: float | None = None) -> None: ...


class PublishError(RuntimeError):
    """The broker refused an event; nothing after it was counted as published."""


class StoppedError(RuntimeError):
    """The relay was asked to stop while waiting for the broker."""


@dataclass(frozen=True)
class RelayStatus:
    topic: str
    position: int
    head: int

    @property
    def lag(self) -> int:
        return max(self.head - self.position, 0)


class Relay:
    def __init__(
        self,
        log: EventLog,
        positions: RelayPositions,
        producer_factory: Callable[[], Producer],
        *,
        source: str,
        topic: str = DEFAULT_TOPIC,
        page_size: int = PAGE_SIZE,
        follower_factory: Callable[[], Follower] | None = None,
    ) -> None:
        self.log, self.positions, self.topic, self.source = log, positions, topic, source
        self.page_size = page_size
        self._producer_factory = producer_factory
        self._producer: Producer | None = None
        self._follower_factory = follower_factory or self._default_follower
        self._follower: Follower | None = None
        self._stopping = threading.Event()
        self.published = 0
        """Messages acknowledged by the broker since this relay started (tests watch it)."""

    def status(self) -> RelayStatus:
        return RelayStatus(self.topic, self.positions.get(self.topic), self.log.head())

    def rewind(self, position: int) -> None:
        """Publish again from log position ``position`` on (after a broker lost data)."""
        self.positions.set(self.topic, max(position - 1, 0))

    def publish_page(self) -> int:
        """Publish the next page of the log; returns how many log positions it covered."""
        position = self.positions.get(self.topic)
        head = self.log.head()
        if position >= head:
            return 0
        page = self.log.read(position, self.page_size, head, ())
        producer = self._producer or self._new_producer()
        sent: list[tuple[int, Future]] = []
        for at, event in page:
            publication = publication_of(event)
            if publication is None:
                continue
            message = encode(event, at, publication, self.source)
            sent.append((at, producer.send(
                self.topic, value=message.value, key=message.key, headers=message.headers
            )))
        self._wait_for_acks(producer, sent, head)
        # A short page means nothing else up to the head: the position can jump to it.
        new_position = page[-1][0] if len(page) == self.page_size else head
        self.positions.set(self.topic, new_position)
        self.published += len(sent)
        return new_position - position

    def _wait_for_acks(self, producer: Producer, sent: list[tuple[int, Future]], head: int) -> None:
        waited = 0.0
        while True:
            try:
                producer.flush(timeout=REPORT_EVERY_SECONDS)
                break
            except KafkaTimeoutError:
                waited += REPORT_EVERY_SECONDS
                logger.warning(
                    "broker has not acknowledged %d event(s) after %.0fs; lag %d event(s)"
                    " behind the log; still retrying", len(sent), waited,
                    head - self.positions.get(self.topic),
                )
                if self._stopping.is_set():
                    raise StoppedError("stopped while waiting for the broker") from None
        for at, future in sent:
            if future.failed():
                raise PublishError(f"the event at position {at} was refused: {future.exception}")

    def run(self, *, until_caught_up: bool = False) -> None:
        """Publish until ``stop()`` (or, with ``until_caught_up``, up to today's head)."""
        self._take_lock()
        target = self.log.head() if until_caught_up else None
        if not until_caught_up:
            self._follower = self._follower_factory()
        retry = Backoff(0.5, 30.0)
        try:
            while not self._stopping.is_set():
                try:
                    moved = self.publish_page()
                except (KafkaError, PublishError, OSError, *TRANSIENT_ERRORS) as error:
                    self._drop_producer()
                    delay = retry.next()
                    logger.warning(
                        "cannot publish (%s: %s); lag %s; retrying in %.1fs",
                        type(error).__name__, error, self._lag_text(), delay,
                    )
                    self._stopping.wait(delay)
                    continue
                except StoppedError:
                    break
                retry.reset()
                if target is not None:
                    if self.positions.get(self.topic) >= target:
                        return
                elif self._follower is not None:
                    self._follower.worked() if moved else self._follower.wait()
        finally:
            if self._follower is not None:
                self._follower.close()
            self._close_producer()

    def stop(self) -> None:
        """Return from ``run`` after the current page. Safe from a signal handler."""
        self._stopping.set()
        if self._follower is not None:
            self._follower.interrupt()

    def _take_lock(self) -> None:
        waiting = False
        while not self.positions.try_lock(self.topic):
            if not waiting:
                logger.warning("another relay is publishing to %s; waiting", self.topic)
                waiting = True
            if self._stopping.wait(5.0):
                return

    def _lag_text(self) -> str:
        try:
            return f"{self.status().lag} event(s)"
        except Exception:  # the store may be what is down; the lag is then unknown
            return "unknown"

    def _new_producer(self) -> Producer:
        self._producer = self._producer_factory()
        return self._producer

    def _drop_producer(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            try:
                producer.close(timeout=0)
            except Exception as error:  # closing a broken producer may itself fail
                logger.debug("closing the producer failed: %s", error)

    def _close_producer(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            producer.close(timeout=5)

    def _default_follower(self) -> Follower:
        if self.log.can_listen:
            return ListenFollower(self.log.recorder)
        return PollingFollower()


def kafka_producer(bootstrap: str, **overrides: Any) -> Producer:
    """A kafka-python producer configured for the relay's guarantees."""
    from kafka import KafkaProducer  # noqa: PLC0415 - connects on creation; only when used

    config: dict[str, Any] = {
        "bootstrap_servers": bootstrap,
        "client_id": "casetrail-relay",
        "acks": "all",
        "enable_idempotence": True,
        "max_in_flight_requests_per_connection": 1,
        "delivery_timeout_ms": 24 * 3600 * 1000,
        "request_timeout_ms": 30_000,
        "max_block_ms": 10_000,
        "linger_ms": 5,
        "reconnect_backoff_max_ms": 10_000,
        **overrides,
    }
    producer: Producer = KafkaProducer(**config)
    return producer
