"""``serve`` publishes the event stream when a broker is configured, and stops cleanly."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from kafka import KafkaConsumer

from domain.actors import Actor, Role
from infra.container import build_container
from infra.kafka.relay import DEFAULT_TOPIC
from infra.settings import Settings, shipped_policy_path
from tests.support.app import ADMIN
from tests.support.clock import FakeClock

if TYPE_CHECKING:
    from tests.support.broker import TansuBroker

pytest_plugins = ["tests.support.broker"]
pytestmark = pytest.mark.kafka


def test_serving_with_a_broker_publishes_each_command(
    own_broker: TansuBroker, tmp_path: Path
) -> None:
    settings = Settings(
        store="sqlite",
        home=tmp_path / "home",
        policy_file=shipped_policy_path(),
        kafka_bootstrap=own_broker.bootstrap,
    )
    container = build_container(settings, clock=FakeClock())
    try:
        container.start_background(watch_every=3600)
        assert container.relay is not None
        unit = container.app.register_unit("AMR", "市场监督管理局", actor=ADMIN)
        container.app.enrol_staff("li.na", "李娜", Role.WINDOW_STAFF, unit_code="AMR", actor=ADMIN)
        case = container.app.file_demand(
            case_type="help",
            channel="web",
            summary="求助",
            filer_name="王经理",
            actor=Actor("li.na", Role.WINDOW_STAFF),
        )
        wanted = {f"{unit.id}:1", f"{case.id}:1"}
        seen = _ids_on(own_broker.bootstrap, DEFAULT_TOPIC, wanted)
        assert wanted <= seen
    finally:
        container.close()
    assert container.relay is None


def _ids_on(bootstrap: str, topic: str, wanted: set[str]) -> set[str]:
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id="serve-test",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        session_timeout_ms=6000,
        heartbeat_interval_ms=1000,
    )
    seen: set[str] = set()
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and not wanted <= seen:
            for records in consumer.poll(timeout_ms=1000).values():
                seen |= {dict(m.headers)["ce_id"].decode() for m in records}
    finally:
        consumer.close()
    return seen
