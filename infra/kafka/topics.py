"""Creating the event topic when it does not exist yet.

Partitions fix how far consumers can spread (one consumer per partition at most) and cannot be
added later without breaking per-case order, so choose generously up front (docs/scaling.md).
Retention is unlimited: a new Kafka-fed view starts from the first event of the topic.
"""

from __future__ import annotations

import logging
from typing import Any

from kafka.errors import TopicAlreadyExistsError

logger = logging.getLogger("casetrail.relay")

DEFAULT_PARTITIONS = 12
BROKER_DEFAULT = -1
"""A replication factor of -1 asks the broker for its default (3 on a production cluster)."""


def ensure_topic(
    bootstrap: str, topic: str, *, partitions: int = DEFAULT_PARTITIONS,
    replication_factor: int = BROKER_DEFAULT,
) -> bool:
    """Create ``topic`` if missing; True if it was created now."""
    from kafka import KafkaAdminClient  # noqa: PLC0415 - connects on creation
    from kafka.admin import NewTopic  # noqa: PLC0415

    admin: Any = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="casetrail-admin")
    try:
        if topic in admin.list_topics():
            return False
        admin.create_topics([NewTopic(
            topic, partitions, replication_factor,
            topic_configs={"retention.ms": "-1", "retention.bytes": "-1"},
        )])
        logger.info("created topic %s with %d partitions", topic, partitions)
        return True
    except TopicAlreadyExistsError:
        return False
    finally:
        admin.close()


def partition_count(bootstrap: str, topic: str) -> int | None:
    """How many partitions ``topic`` has, or None if it does not exist."""
    from kafka import KafkaConsumer  # noqa: PLC0415

    consumer: Any = KafkaConsumer(bootstrap_servers=bootstrap, client_id="casetrail-admin")
    try:
        found = consumer.partitions_for_topic(topic)
        return None if not found else len(found)
    finally:
        consumer.close()
