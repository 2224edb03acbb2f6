"""``casetrail relay``: publish every event of the store to Kafka, as CloudEvents."""

from __future__ import annotations

import argparse
import logging
import signal
from types import FrameType
from typing import Any

from api.cli.common import UsageError
from infra.bootstrap import bootstrap
from infra.kafka.relay import DEFAULT_TOPIC
from infra.kafka.service import RelayNotConfiguredError, close_relay, open_relay
from infra.kafka.topics import DEFAULT_PARTITIONS
from infra.settings import Settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "relay", help="publish every event to Kafka (CASETRAIL_KAFKA_BOOTSTRAP)",
        description="Follow the event log and publish each event to a Kafka topic as a"
        " CloudEvent (see docs/events/). The position advances only once the broker has"
        " acknowledged; during an outage the relay waits, retries and reports its lag.",
    )
    parser.add_argument("--topic", default=DEFAULT_TOPIC, help=f"default {DEFAULT_TOPIC}")
    parser.add_argument(
        "--until-caught-up", action="store_true",
        help="stop (exit 0) once everything in the log now is acknowledged",
    )
    parser.add_argument(
        "--from", dest="from_position", type=int, metavar="POSITION",
        help="publish again from this log position on (after the broker lost data)",
    )
    parser.add_argument(
        "--partitions", type=int, default=DEFAULT_PARTITIONS,
        help=f"partitions of the topic if the relay creates it (default {DEFAULT_PARTITIONS})",
    )
    parser.add_argument(
        "--status", action="store_true", help="print the position, the head and the lag, and exit"
    )
    parser.set_defaults(handler=run_relay)


def run_relay(args: argparse.Namespace) -> int:
    if args.partitions < 1:
        raise UsageError("--partitions must be at least 1")
    if args.from_position is not None and args.from_position < 1:
        raise UsageError("--from is a log position, 1 or more")
    settings = Settings()
    app = bootstrap(settings)
    try:
        factory = _no_producer if args.status else None
        relay = open_relay(
            app, settings, topic=args.topic, partitions=args.partitions, producer_factory=factory
        )
    except RelayNotConfiguredError as error:
        app.close()
        raise UsageError(str(error)) from None
    try:
        if args.status:
            status = relay.status()
            print(f"topic {status.topic} position {status.position} head {status.head}"
                  f" lag {status.lag}")
            return 0
        if args.from_position is not None:
            relay.rewind(args.from_position)
        quiet_logging()

        def stop(signum: int, _frame: FrameType | None) -> None:
            logging.getLogger("casetrail.relay").info(
                "%s: stopping after the current page", signal.Signals(signum).name
            )
            relay.stop()

        previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            relay.run(until_caught_up=args.until_caught_up)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        status = relay.status()
        logging.getLogger("casetrail.relay").info(
            "published %d event(s); position %d of %d", relay.published, status.position,
            status.head,
        )
        return 0
    finally:
        close_relay(relay)
        app.close()


def quiet_logging() -> None:
    """Our progress at INFO; the Kafka client's connection chatter only when it goes wrong."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("kafka").setLevel(logging.WARNING)


def _no_producer() -> Any:
    raise AssertionError("--status publishes nothing")
