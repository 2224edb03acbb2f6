"""A consumer written from docs/events/ alone: a plain Kafka client and the JSON Schemas.

It imports nothing of Casetrail. A year of demo history is published by ``casetrail relay``;
the consumer reads every message, checks its CloudEvents attributes against
``envelope.schema.json`` and its data against the schema its ``ce_type`` names.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest
from kafka import KafkaConsumer

from tests.support.kafka_world import casetrail

if TYPE_CHECKING:
    from tests.support.broker import TansuBroker

pytest_plugins = ["tests.support.broker"]
pytestmark = pytest.mark.kafka

DOCS = Path(__file__).resolve().parents[2] / "docs" / "events"


def _schemas() -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    envelope = json.loads((DOCS / "envelope.schema.json").read_text(encoding="utf-8"))
    by_type = {}
    for path in DOCS.glob("cn.casetrail.*.schema.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        by_type[schema["title"]] = schema
    return envelope, by_type


def _read_everything(bootstrap: str, topic: str) -> list[Any]:
    consumer = KafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id="another-platform",
        auto_offset_reset="earliest", enable_auto_commit=False, session_timeout_ms=6000,
        heartbeat_interval_ms=1000, consumer_timeout_ms=4000,
    )
    messages: list[Any] = []
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            batch = [m for records in consumer.poll(timeout_ms=1000).values() for m in records]
            if not batch and messages:
                break
            messages.extend(batch)
    finally:
        consumer.close()
    return messages


def test_a_consumer_built_from_the_published_schemas_validates_every_message(
    broker: TansuBroker, tmp_path: Path
) -> None:
    home = tmp_path / "store"
    casetrail(home, "demo", "--cases", "30")
    casetrail(home, "relay", "--until-caught-up", "--topic", "shared", bootstrap=broker.bootstrap)
    envelope, schemas = _schemas()
    checker = jsonschema.FormatChecker()

    seen: dict[str, int] = {}
    ids: set[str] = set()
    for message in _read_everything(broker.bootstrap, "shared"):
        headers = {name: value.decode() for name, value in message.headers}
        attributes = {k[3:]: v for k, v in headers.items() if k.startswith("ce_")}
        attributes["datacontenttype"] = headers["content-type"]
        jsonschema.validate(attributes, envelope, format_checker=checker)
        if attributes["id"] in ids:
            continue  # delivered twice: the id says so
        ids.add(attributes["id"])
        assert message.key.decode() == attributes["id"].rsplit(":", 1)[0]
        assert attributes["subject"].endswith(message.key.decode())
        schema = schemas[attributes["type"]]
        assert attributes["dataschema"] == schema["$id"]
        jsonschema.validate(json.loads(message.value), schema, format_checker=checker)
        seen[attributes["type"]] = seen.get(attributes["type"], 0) + 1

    assert len(ids) > 500
    # The demo's year uses most of the catalogue: cases, reviews, visits, oversight, calendar.
    assert len(seen) >= 40, sorted(seen)
    for family in ("case", "evaluation", "visit", "supervision", "accountability", "unit"):
        assert any(t.startswith(f"cn.casetrail.{family}.") for t in seen), family
