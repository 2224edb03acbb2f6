"""``casetrail worker``: keep the read models up to date from the Kafka topic, in a group."""

from __future__ import annotations

import argparse
import logging
import signal
from types import FrameType
from typing import Any

from api.cli.common import UsageError
from api.cli.relay import quiet_logging
from infra.bootstrap import bootstrap
from infra.kafka.lag import partition_lags
from infra.kafka.relay import DEFAULT_TOPIC
from infra.kafka.worker import BATCH_SIZE, KafkaWorker
from infra.kafka.workers import (
    DEFAULT_GROUP,
    SESSION_TIMEOUT_SECONDS,
    WorkerNotConfiguredError,
    open_worker,
)
from infra.projections import open_runner
from infra.settings import Settings
from projections.registry import all_projections, find


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "worker", help="run the read models from the Kafka topic (scale out in a group)",
        description="Apply the events of the Kafka topic to the read models. Workers of one"
        " group share the topic's partitions; each stores its offsets with the views, in the"
        " same transaction, so every event counts once. --source log runs the log-fed runner.",
    )
    parser.add_argument("--source", choices=("kafka", "log"), required=True)
    parser.add_argument("--group", default=DEFAULT_GROUP, help=f"default {DEFAULT_GROUP}")
    parser.add_argument("--topic", default=DEFAULT_TOPIC, help=f"default {DEFAULT_TOPIC}")
    parser.add_argument(
        "--projection", action="append", metavar="NAME",
        help="only this read model (repeatable; default: all)",
    )
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    parser.add_argument(
        "--session-timeout", type=float, default=SESSION_TIMEOUT_SECONDS, metavar="SECONDS",
        help="how long the group waits for a silent worker before moving its partitions",
    )
    parser.add_argument(
        "--until-caught-up", action="store_true",
        help="stop (exit 0) once the views hold everything on the topic (or in the log)",
    )
    parser.add_argument(
        "--status", action="store_true", help="print each partition's offsets and lag, and exit"
    )
    parser.set_defaults(handler=run_worker)


def run_worker(args: argparse.Namespace) -> int:
    if args.batch_size < 1:
        raise UsageError("--batch-size must be at least 1")
    try:
        projections = [find(n) for n in args.projection] if args.projection else None
    except KeyError as error:
        raise UsageError(str(error.args[0])) from None
    settings = Settings()
    app = bootstrap(settings)
    try:
        if args.source == "log":
            return _run_log(app, settings, args)
        try:
            worker = open_worker(
                app, settings, group=args.group, topic=args.topic, projections=projections,
                batch_size=args.batch_size, session_timeout=args.session_timeout,
            )
        except WorkerNotConfiguredError as error:
            raise UsageError(str(error)) from None
        try:
            if args.status:
                return _print_status(settings, args.topic, worker)
            quiet_logging()
            _stop_on_signals(worker)
            worker.run(until_caught_up=args.until_caught_up)
            logging.getLogger("casetrail.worker").info("applied %d event(s)", worker.applied)
            return 0
        finally:
            worker.store.close()
    finally:
        app.close()


def _run_log(app: Any, settings: Settings, args: argparse.Namespace) -> int:
    runner = open_runner(app, settings, batch_size=args.batch_size, projections=(
        [find(n) for n in args.projection] if args.projection else None
    ))
    try:
        quiet_logging()
        _stop_on_signals(runner)
        runner.run(until_caught_up=args.until_caught_up)
        return 0
    finally:
        runner.store.close()


def _print_status(settings: Settings, topic: str, worker: KafkaWorker) -> int:
    assert settings.kafka_bootstrap
    lags = partition_lags(settings.kafka_bootstrap, topic, worker.store, worker.projections)
    if not lags:
        print(f"topic {topic} does not exist yet")
        return 0
    print("partition  end_offset  next_offset  lag")
    for entry in lags:
        print(f"{entry.partition:>9}  {entry.end_offset:>10}  {entry.next_offset:>11}"
              f"  {entry.lag:>3}")
    print(f"total lag {sum(e.lag for e in lags)} over {len(worker.projections)} read model(s)"
          f" of {len(all_projections())}")
    return 0


def _stop_on_signals(target: Any) -> None:
    def stop(signum: int, _frame: FrameType | None) -> None:
        logging.getLogger("casetrail.worker").info(
            "%s: stopping after the current batch", signal.Signals(signum).name
        )
        target.stop()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop)
