"""Composing the relay from settings, and running it beside the API (``casetrail serve``)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from domain.application import Casetrail
from infra.kafka.relay import DEFAULT_TOPIC, Producer, Relay, kafka_producer
from infra.kafka.relay_position import open_relay_positions
from infra.kafka.topics import DEFAULT_PARTITIONS, ensure_topic
from infra.projections.log import EventLog
from infra.settings import Settings

logger = logging.getLogger("casetrail.relay")


class RelayNotConfiguredError(ValueError):
    """The relay needs CASETRAIL_KAFKA_BOOTSTRAP."""


def event_source(settings: Settings) -> str:
    """The CloudEvents ``source`` of this installation's events."""
    return f"/casetrail/{settings.jurisdiction}"


def open_relay(
    app: Casetrail,
    settings: Settings,
    *,
    topic: str = DEFAULT_TOPIC,
    partitions: int = DEFAULT_PARTITIONS,
    producer_factory: Callable[[], Producer] | None = None,
) -> Relay:
    """A relay over ``app``'s log, its position in the same database. Close with ``close_relay``."""
    if producer_factory is None:
        bootstrap = settings.kafka_bootstrap
        if not bootstrap:
            raise RelayNotConfiguredError(
                "the relay needs a broker: set CASETRAIL_KAFKA_BOOTSTRAP=host:port"
            )

        def producer_factory() -> Producer:
            ensure_topic(bootstrap, topic, partitions=partitions)
            return kafka_producer(bootstrap)

    return Relay(
        EventLog.of(app), open_relay_positions(settings, app.clock), producer_factory,
        source=event_source(settings), topic=topic,
    )


def close_relay(relay: Relay) -> None:
    relay.positions.close()


class RelayThread:
    """The relay on a thread of its own, for a process that does other things too."""

    def __init__(self, relay: Relay) -> None:
        self.relay = relay
        self._thread = threading.Thread(target=self._run, name="kafka-relay", daemon=True)

    def start(self) -> RelayThread:
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            self.relay.run()
        except Exception:  # a relay bug must be loud, but must not take the API down with it
            logger.exception("the Kafka relay stopped")
        finally:
            close_relay(self.relay)

    def stop(self, timeout: float = 15.0) -> None:
        self.relay.stop()
        self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()


def start_relay(
    app: Casetrail, settings: Settings, *, topic: str = DEFAULT_TOPIC
) -> RelayThread | None:
    """Start publishing ``app``'s events when CASETRAIL_KAFKA_BOOTSTRAP is set; else ``None``.

    ``serve`` calls this once at start-up and ``stop()`` on shutdown.
    """
    if not settings.kafka_bootstrap:
        return None
    logger.info("publishing events to %s on %s", topic, settings.kafka_bootstrap)
    return RelayThread(open_relay(app, settings, topic=topic)).start()
