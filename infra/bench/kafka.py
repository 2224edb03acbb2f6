"""Freshness through Kafka: the relay publishes, a Kafka-fed worker applies, the view shows it.

Only measured when a broker is configured (``CASETRAIL_KAFKA_BOOTSTRAP``). The relay starts at
the head of the log on a topic of the bench's own, so it publishes only what the bench writes
from then on; the worker keeps the case read model in a schema of its own (``bench_kafka``),
with its offsets, and joins a consumer group of its own. Both run on threads of the bench
process, as ``casetrail serve`` runs the relay.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from uuid import uuid4

import psycopg

from domain.application import Casetrail
from infra.bench.freshness import Freshness, Watch, measure_freshness
from infra.kafka.offsets import PostgresKafkaViewStore
from infra.kafka.service import RelayThread, open_relay
from infra.kafka.worker import KafkaWorker, StoreEvents
from infra.kafka.workers import kafka_consumer
from infra.projections.log import EventLog
from infra.settings import Settings
from projections.cases import CaseProjection

SCHEMA = "bench_kafka"
PARTITIONS = 4
# A consumer group's first join takes seconds on the test broker; allow for it.
WARM_UP_SECONDS = 90.0


def measure_kafka_freshness(
    app: Casetrail, settings: Settings, conninfo: str, samples: int
) -> Freshness:
    bootstrap = settings.kafka_bootstrap
    if not bootstrap:
        raise ValueError("no broker configured (CASETRAIL_KAFKA_BOOTSTRAP)")
    topic = f"casetrail.bench.{uuid4().hex[:8]}"
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    with _relaying(app, settings, topic), _working(app, bootstrap, conninfo, topic), \
            _offsets(conninfo) as watch:
        return measure_freshness(app, watch, samples, warm_up_timeout=WARM_UP_SECONDS)


@contextmanager
def _relaying(app: Casetrail, settings: Settings, topic: str) -> Iterator[None]:
    relay = open_relay(app, settings, topic=topic, partitions=PARTITIONS)
    relay.positions.set(topic, EventLog.of(app).head())  # publish only what comes next
    thread = RelayThread(relay).start()
    try:
        yield
    finally:
        thread.stop()


@contextmanager
def _working(app: Casetrail, bootstrap: str, conninfo: str, topic: str) -> Iterator[None]:
    store = PostgresKafkaViewStore(conninfo, app.clock, schema=SCHEMA)
    worker = KafkaWorker(
        lambda: kafka_consumer(bootstrap, f"bench-{topic}", session_timeout=6.0),
        store, StoreEvents(EventLog.of(app)), [CaseProjection()], topic=topic,
    )
    thread = threading.Thread(target=worker.run, name="bench-kafka-worker", daemon=True)
    thread.start()
    try:
        yield
    finally:
        worker.stop()
        thread.join(15)
        store.close()


@contextmanager
def _offsets(conninfo: str) -> Iterator[Watch]:
    connection = psycopg.connect(conninfo, autocommit=True, options=f"-c search_path={SCHEMA}")

    def watch() -> int:
        try:
            row = connection.execute(
                "SELECT max(last_position) FROM kafka_offset WHERE projection = 'cases'",
                prepare=True,
            ).fetchone()
        except psycopg.errors.UndefinedTable:  # the worker has not created it yet
            return 0
        return int(str(row[0])) if row and row[0] is not None else 0

    try:
        yield watch
    finally:
        connection.close()
