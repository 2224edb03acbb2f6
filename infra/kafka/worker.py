"""Kafka-fed projection workers: the same read models, fed from the topic by a consumer group.

Each worker owns some partitions of the topic. For a batch of one partition it reads the events
the messages name (``ce_id`` is ``<aggregate id>:<version>``) from the event store, because the
public messages deliberately lack what read models may need (free text, confidential fields),
then applies them and the partition's new offset in one transaction (``infra.kafka.offsets``).
On assignment it seeks to the offsets stored with the views, so a rebalance or a crash resumes
exactly where the views are.

Only per-case order crosses Kafka: events of different aggregates may be applied in another
order than the log's. The read models are written so that this does not change their rows
(``tests/unit/test_kafka_projection_order.py`` checks it).
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

import psycopg
from kafka import ConsumerRebalanceListener, TopicPartition
from kafka.errors import KafkaError

from infra.kafka.cloudevents import NotACloudEventError, Received, decode
from infra.kafka.offsets import Delivered, KafkaViewStore
from infra.kafka.public import by_type
from infra.projections.follow import Backoff
from infra.projections.log import EventLog
from infra.projections.runner import TRANSIENT_ERRORS
from projections.base import Projection

logger = logging.getLogger("casetrail.worker")

BATCH_SIZE = 500
CREATE_RACES = (psycopg.errors.UniqueViolation, psycopg.errors.DuplicateTable)
IDLE_CHECK_SECONDS = 2.0


class MissingEventError(RuntimeError):
    """A message names an event the store does not hold (yet): a replica behind, or another
    store. The batch is read again later."""


class HistoryLostError(RuntimeError):
    """The topic no longer begins where a view needs to start reading."""


class StoreEvents:
    """Reads the events named by messages from the event store, by aggregate and version."""

    def __init__(self, log: EventLog) -> None:
        self.recorder, self.mapper = log.recorder, log.mapper

    def fetch(self, wanted: Sequence[Received]) -> dict[tuple[UUID, int], object]:
        ranges: dict[UUID, list[int]] = defaultdict(list)
        for message in wanted:
            ranges[message.aggregate_id].append(message.version)
        found: dict[tuple[UUID, int], object] = {}
        for aggregate_id, versions in ranges.items():
            stored = self.recorder.select_events(
                aggregate_id, gt=min(versions) - 1, lte=max(versions)
            )
            for item in stored:
                found[(aggregate_id, item.originator_version)] = self.mapper.to_domain_event(item)
        missing = [m.id for m in wanted if (m.aggregate_id, m.version) not in found]
        if missing:
            raise MissingEventError(f"the store holds no event {', '.join(missing[:5])}")
        return found


class KafkaWorker:
    def __init__(
        self,
        consumer_factory: Callable[[], Any],
        store: KafkaViewStore,
        events: StoreEvents,
        projections: Sequence[Projection],
        *,
        topic: str,
        batch_size: int = BATCH_SIZE,
        lag: Callable[[], int | None] | None = None,
    ) -> None:
        self.consumer_factory, self.store, self.events = consumer_factory, store, events
        self.projections, self.topic, self.batch_size = list(projections), topic, batch_size
        self._lag = lag
        self._needed = {c for p in self.projections for c in p._handlers}
        self._stopping = threading.Event()
        self.applied = 0

    def prepare(self) -> None:
        """Create missing views; start over any view whose definition changed."""
        for attempt in range(1, 6):
            try:
                self._prepare()
                return
            except CREATE_RACES as error:
                # Workers starting together on a new PostgreSQL database race to create the
                # same tables (CREATE TABLE IF NOT EXISTS is not safe against that): the loser
                # finds them made and tries again.
                logger.info("another worker is creating the views (%s); again", error)
                self._stopping.wait(0.2 * attempt)
        self._prepare()

    def _prepare(self) -> None:
        self.store.ensure_offsets()
        for projection in self.projections:
            stored = self.store.ensure(projection)
            if stored.definition_version != projection.version:
                logger.warning(
                    "projection %s changed (definition %s, the view holds %s): reading the"
                    " topic again from its start", projection.name, projection.version,
                    stored.definition_version,
                )
                # Offsets first: a crash between the two leaves a changed view to reset again,
                # never an emptied view with offsets that say it is complete.
                self.store.forget_offsets(projection)
                self.store.reset(projection)

    def run(self, *, until_caught_up: bool = False) -> None:
        self.prepare()
        consumer = self.consumer_factory()
        assignments = _Assignments()
        consumer.subscribe([self.topic], listener=assignments)
        retry, idle_since = Backoff(0.5, 30.0), 0.0
        try:
            while not self._stopping.is_set():
                records = consumer.poll(timeout_ms=500, max_records=self.batch_size)
                fresh = assignments.take()
                if fresh:
                    # Read from where the views are; what this poll fetched for these
                    # partitions came from the default start and is fetched again after.
                    records = {tp: m for tp, m in records.items() if tp not in fresh}
                    try:
                        self._seek(consumer, fresh)
                    except (KafkaError, *TRANSIENT_ERRORS) as error:
                        logger.warning("cannot place new partitions yet (%s)", error)
                        assignments.again(fresh)
                        self._stopping.wait(retry.next())
                        continue
                if not records:
                    idle_since += 0.5
                    if until_caught_up and idle_since >= IDLE_CHECK_SECONDS:
                        if self._done():
                            return
                        idle_since = 0.0  # look again after another quiet spell
                    continue
                idle_since = 0.0
                for partition, messages in records.items():
                    if not self._handle(consumer, partition, messages):
                        self._stopping.wait(retry.next())
                        break
                else:
                    retry.reset()
        finally:
            consumer.close(autocommit=False)

    def stop(self) -> None:
        self._stopping.set()

    def _done(self) -> bool:
        try:
            lag = self._lag() if self._lag else None
        except (KafkaError, OSError, *TRANSIENT_ERRORS) as error:
            logger.info("cannot measure the lag yet (%s)", error)
            return False
        return lag == 0

    def _seek(self, consumer: Any, assigned: set[TopicPartition]) -> None:
        partitions = sorted(assigned, key=lambda p: p.partition)
        beginnings = consumer.beginning_offsets(partitions)
        ends = consumer.end_offsets(partitions)
        for partition in partitions:
            stored = {o.projection: o.next_offset for o in
                      self.store.offsets(self.topic, partition.partition)}
            target = min(stored.get(p.name, 0) for p in self.projections)
            beginning, end = int(beginnings[partition]), int(ends[partition])
            if target < beginning:
                raise HistoryLostError(
                    f"partition {partition.partition} now begins at offset {beginning} but a"
                    f" view needs offset {target}: the topic lost history; build the views"
                    " from the log instead"
                )
            if target > end:
                logger.warning(
                    "partition %d ends at %d but the views read up to %d: the topic was"
                    " recreated or lost data; reading it from the start (events already"
                    " applied are skipped)", partition.partition, end, target,
                )
                target = beginning
            consumer.seek(partition, target)

    def _handle(self, consumer: Any, partition: TopicPartition, messages: list[Any]) -> bool:
        """Apply one partition's messages; False (and seek back) if it must be tried again."""
        try:
            batch = self._deliveries(messages)
            self.applied += self.store.apply_partition(
                self.projections, self.topic, partition.partition, batch
            )
            return True
        except (MissingEventError, *TRANSIENT_ERRORS) as error:
            logger.warning(
                "partition %d from offset %d: %s: %s; reading it again shortly",
                partition.partition, messages[0].offset, type(error).__name__, error,
            )
            consumer.seek(partition, messages[0].offset)
            return False

    def _deliveries(self, messages: list[Any]) -> list[Delivered]:
        received: list[tuple[int, Received | None]] = []
        for message in messages:
            try:
                received.append((message.offset, decode(message.headers, message.value)))
            except NotACloudEventError as error:
                logger.warning("offset %d skipped: %s", message.offset, error)
                received.append((message.offset, None))
        wanted = [r for _, r in received if r is not None and self._wants(r)]
        events = self.events.fetch(wanted) if wanted else {}
        return [
            Delivered(offset, r.position if r else 0,
                      events.get((r.aggregate_id, r.version)) if r else None)
            for offset, r in received
        ]

    def _wants(self, message: Received) -> bool:
        publication = by_type().get(message.type)
        # A type this code does not know may be a newer form of an event it handles: read it.
        return publication is None or publication.event_class in self._needed


class _Assignments(ConsumerRebalanceListener):  # type: ignore[misc]
    """Notes newly assigned partitions; the run loop seeks them (the client forbids blocking
    calls here, as it runs listeners on its network thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._new: set[TopicPartition] = set()

    def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        # Nothing to hand over: every applied batch is already committed with its offsets.
        logger.info("partitions revoked: %s", sorted(p.partition for p in revoked))
        with self._lock:
            self._new -= set(revoked)

    def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        logger.info("partitions assigned: %s", sorted(p.partition for p in assigned))
        with self._lock:
            self._new |= set(assigned)

    def again(self, partitions: set[TopicPartition]) -> None:
        with self._lock:
            self._new |= partitions

    def take(self) -> set[TopicPartition]:
        with self._lock:
            found, self._new = self._new, set()
        return found
