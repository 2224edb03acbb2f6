"""The relay publishes every event, acknowledged before it moves on, in order per key."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from kafka import KafkaConsumer, TopicPartition

from domain.application import Casetrail
from infra.bootstrap import bootstrap
from infra.kafka.public import publication_of
from infra.kafka.relay import Relay
from infra.kafka.service import RelayThread, close_relay, open_relay
from infra.projections.log import EventLog
from infra.settings import Settings, shipped_policy_path
from tests.support.app import ADMIN
from tests.support.clock import FakeClock

if TYPE_CHECKING:
    from tests.support.broker import TansuBroker

pytest_plugins = ["tests.support.broker"]
pytestmark = pytest.mark.kafka

UNITS = 12


def _settings(home: Path, bootstrap_at: str) -> Settings:
    return Settings(
        store="sqlite", database_url=None, home=home, policy_file=shipped_policy_path(),
        jurisdiction="national", kafka_bootstrap=bootstrap_at,
    )


def _write_round(app: Casetrail, clock: FakeClock, round_number: int) -> None:
    """Round 0 registers the units; each later round renames every one of them."""
    for n in range(UNITS):
        clock.advance(minutes=1)
        code = f"U{n:02d}"
        if round_number == 0:
            app.register_unit(code, f"Unit {n}", actor=ADMIN)
        else:
            unit = app.unit(code)
            unit.rename(f"Unit {n} (r{round_number})", actor=ADMIN, at=clock())
            app.save(unit)


def _wait_caught_up(relay: Relay, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if relay.status().lag == 0:
            return
        time.sleep(0.1)
    raise AssertionError(f"relay still {relay.status().lag} event(s) behind after {timeout}s")


def _expected_ids(app: Casetrail) -> set[str]:
    log = EventLog.of(app)
    head = log.head()
    return {
        f"{event.originator_id}:{event.originator_version}"  # type: ignore[attr-defined]
        for _, event in log.read(0, head + 1, head, ())
        if publication_of(event) is not None
    }


def consume_all(bootstrap_at: str, topic: str) -> list[Any]:
    """Every message on ``topic``, partition by partition, in offset order."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap_at, enable_auto_commit=False)
    try:
        numbers = sorted(consumer.partitions_for_topic(topic))
        partitions = [TopicPartition(topic, p) for p in numbers]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        found: list[Any] = []
        deadline = time.monotonic() + 30
        while any(consumer.position(p) < ends[p] for p in partitions):
            assert time.monotonic() < deadline, "could not read the topic to its end"
            for messages in consumer.poll(timeout_ms=500).values():
                found.extend(messages)
        return found
    finally:
        consumer.close()


def _ids_in_order_per_key(messages: list[Any]) -> dict[str, list[int]]:
    """Each key's versions in arrival order, duplicates dropped by ``ce_id`` as a consumer does."""
    seen: set[str] = set()
    versions: dict[str, list[int]] = defaultdict(list)
    for message in sorted(messages, key=lambda m: (m.partition, m.offset)):
        event_id = dict(message.headers)["ce_id"].decode()
        if event_id in seen:
            continue
        seen.add(event_id)
        aggregate, version = event_id.rsplit(":", 1)
        assert message.key.decode() == aggregate
        versions[aggregate].append(int(version))
    return versions


def test_a_paused_broker_delays_the_relay_but_loses_and_reorders_nothing(
    own_broker: TansuBroker, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="casetrail.relay")
    settings = _settings(tmp_path / "home", own_broker.bootstrap)
    clock = FakeClock()
    app = bootstrap(settings, clock=clock)
    relay = open_relay(app, settings, topic="paused", partitions=3)
    running = RelayThread(relay).start()
    try:
        _write_round(app, clock, 0)
        _wait_caught_up(relay, 30)
        own_broker.pause()
        try:
            for round_number in (1, 2):
                _write_round(app, clock, round_number)
            time.sleep(6.5)  # longer than the relay waits before it reports its lag
            assert relay.status().lag > 0
        finally:
            own_broker.resume()
        for round_number in (3, 4):
            _write_round(app, clock, round_number)
        _wait_caught_up(relay, 60)
    finally:
        running.stop()
        app.close()
    assert any("lag" in r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)

    messages = consume_all(own_broker.bootstrap, "paused")
    ids = {dict(m.headers)["ce_id"].decode() for m in messages}
    app = bootstrap(settings, clock=clock)
    try:
        assert ids == _expected_ids(app)
    finally:
        app.close()
    per_key = _ids_in_order_per_key(messages)
    units = [v for v in per_key.values() if len(v) == 5]
    assert len(units) == UNITS
    for versions in per_key.values():
        assert versions == list(range(1, len(versions) + 1))


def test_publishing_again_from_a_position_repeats_events_that_consumers_drop_by_id(
    broker: TansuBroker, tmp_path: Path
) -> None:
    settings = _settings(tmp_path / "home", broker.bootstrap)
    clock = FakeClock()
    app = bootstrap(settings, clock=clock)
    relay = open_relay(app, settings, topic="again", partitions=2)
    try:
        for round_number in (0, 1):
            _write_round(app, clock, round_number)
        relay.run(until_caught_up=True)
        first = relay.published
        relay.rewind(1)
        relay.run(until_caught_up=True)
        assert relay.published == 2 * first
        assert relay.status().lag == 0
    finally:
        close_relay(relay)
        app.close()
    messages = consume_all(broker.bootstrap, "again")
    assert len(messages) == 2 * first
    per_key = _ids_in_order_per_key(messages)
    assert sum(len(v) for v in per_key.values()) == first
    for versions in per_key.values():
        assert versions == list(range(1, len(versions) + 1))
