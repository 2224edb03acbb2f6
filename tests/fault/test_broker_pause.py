"""The broker frozen (SIGSTOP, then SIGCONT) twice while the relay publishes a live write load.

Case lifecycles are written on PostgreSQL the whole time; the relay follows the log by LISTEN
and publishes every event. After the load, the topic holds every event the log holds (none
lost), and each case's events, duplicates dropped by id as a consumer does, arrive as versions
1, 2, 3, ... with no gap and nothing out of order.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from typing import TYPE_CHECKING, Any

import pytest
from kafka import KafkaConsumer, TopicPartition

from domain.application import Casetrail
from infra.bench.clock import SEEDED_UNTIL, MovingClock
from infra.bench.workload import lifecycle
from infra.bootstrap import bootstrap
from infra.demo.people import seed_directory
from infra.kafka.cloudevents import decode
from infra.kafka.public import publication_of
from infra.kafka.service import RelayThread, open_relay
from infra.projections.log import EventLog
from infra.settings import Settings, shipped_policy_path

if TYPE_CHECKING:
    from tests.support.broker import TansuBroker

pytest_plugins = ["tests.support.broker"]
pytestmark = [pytest.mark.fault, pytest.mark.kafka, pytest.mark.postgres]

TOPIC = "fault-paused"
PAUSE_SECONDS = 3.0


def _write_until(app: Casetrail, stop: threading.Event, written: list[int]) -> None:
    number = 0
    while not stop.is_set():
        written.append(lifecycle(app, number))
        number += 1
        time.sleep(0.01)


def _published_ids(app: Casetrail) -> set[str]:
    log = EventLog.of(app)
    head = log.head()
    return {
        f"{event.originator_id}:{event.originator_version}"  # type: ignore[attr-defined]
        for _, event in log.read(0, head, head, ())
        if publication_of(event) is not None
    }


def _consume_all(bootstrap_at: str) -> list[Any]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap_at, enable_auto_commit=False)
    try:
        numbers = sorted(consumer.partitions_for_topic(TOPIC))
        partitions = [TopicPartition(TOPIC, p) for p in numbers]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        found: list[Any] = []
        deadline = time.monotonic() + 60
        while any(consumer.position(p) < ends[p] for p in partitions):
            assert time.monotonic() < deadline, "could not read the topic to its end"
            for messages in consumer.poll(timeout_ms=500).values():
                found.extend(messages)
        return found
    finally:
        consumer.close()


def test_pausing_the_broker_twice_under_load_loses_nothing_and_keeps_each_case_in_order(
    own_broker: TansuBroker, fresh_postgres_url: str
) -> None:
    settings = Settings(
        store="postgres", database_url=fresh_postgres_url, policy_file=shipped_policy_path(),
        jurisdiction="national", kafka_bootstrap=own_broker.bootstrap,
    )
    app = bootstrap(settings, clock=MovingClock(SEEDED_UNTIL))
    seed_directory(app)
    relay = open_relay(app, settings, topic=TOPIC, partitions=3)
    publishing = RelayThread(relay).start()
    stop, written = threading.Event(), list[int]()
    writer = threading.Thread(target=_write_until, args=(app, stop, written), daemon=True)
    writer.start()
    try:
        for _ in range(2):
            time.sleep(1.5)
            own_broker.pause()
            time.sleep(0.5)  # an acknowledgement already on its way may still land
            paused_at = relay.published
            time.sleep(PAUSE_SECONDS)
            assert relay.published == paused_at, "nothing is acknowledged by a frozen broker"
            own_broker.resume()
        time.sleep(1.5)
        stop.set()
        writer.join(30)
        deadline = time.monotonic() + 90
        while relay.status().lag > 0:
            assert time.monotonic() < deadline, f"relay still {relay.status().lag} behind"
            time.sleep(0.2)
        expected = _published_ids(app)
    finally:
        stop.set()
        publishing.stop()
        app.close()

    assert sum(written) >= 50
    messages = _consume_all(own_broker.bootstrap)
    received = [decode(m.headers, m.value) for m in sorted(messages, key=_place)]
    assert {r.id for r in received} == expected
    seen: set[str] = set()
    versions: dict[str, list[int]] = defaultdict(list)
    for message, event in zip(sorted(messages, key=_place), received, strict=True):
        assert message.key.decode() == str(event.aggregate_id)
        if event.id not in seen:
            seen.add(event.id)
            versions[str(event.aggregate_id)].append(event.version)
    for key, found in versions.items():
        assert found == list(range(1, len(found) + 1)), key


def _place(message: Any) -> tuple[int, int]:
    return int(message.partition), int(message.offset)
