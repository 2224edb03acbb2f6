"""How far Kafka-fed views are behind the topic: end offsets against the offsets they stored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from infra.kafka.offsets import KafkaViewStore
from projections.base import Projection


@dataclass(frozen=True)
class PartitionLag:
    partition: int
    end_offset: int
    next_offset: int
    """The lowest next offset over the views (0 for a view that read nothing yet)."""

    @property
    def lag(self) -> int:
        return max(self.end_offset - self.next_offset, 0)


def partition_lags(
    bootstrap: str, topic: str, store: KafkaViewStore, projections: Sequence[Projection]
) -> list[PartitionLag]:
    """One entry per partition of ``topic``; empty if the topic does not exist."""
    from kafka import KafkaConsumer, TopicPartition  # noqa: PLC0415 - connects on creation

    consumer: Any = KafkaConsumer(
        bootstrap_servers=bootstrap, client_id="casetrail-lag", enable_auto_commit=False
    )
    try:
        numbers = sorted(consumer.partitions_for_topic(topic) or ())
        partitions = [TopicPartition(topic, n) for n in numbers]
        ends = consumer.end_offsets(partitions) if partitions else {}
    finally:
        consumer.close()
    found = []
    for partition in partitions:
        stored = {o.projection: o.next_offset for o in store.offsets(topic, partition.partition)}
        lowest = min((stored.get(p.name, 0) for p in projections), default=0)
        found.append(PartitionLag(partition.partition, int(ends[partition]), lowest))
    return found


def topic_lag(
    bootstrap: str, topic: str, store: KafkaViewStore, projections: Sequence[Projection]
) -> int | None:
    """Messages not yet applied by every view, or None when the topic does not exist."""
    lags = partition_lags(bootstrap, topic, store, projections)
    return sum(p.lag for p in lags) if lags else None
