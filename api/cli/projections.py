"""``casetrail projections``: run the read models, see their lag, rebuild and fingerprint them."""

from __future__ import annotations

import argparse
import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from rich.progress import Progress, TaskID

from api.cli.common import UsageError
from infra.bootstrap import bootstrap
from infra.projections import ProjectionRunner, open_runner
from infra.projections.operations import REBUILD_BATCH_SIZE, checksums, rebuild, status
from infra.projections.parallel import rebuild_in_processes
from infra.settings import Settings
from infra.views.store import SqlViewStore
from projections.registry import find, log_projections
from projections.store import NEXT


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "projections", help="run, inspect, rebuild and checksum the read models",
        description="The read models follow the event log; these commands operate them.",
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)

    run = actions.add_parser("run", help="keep every read model up to date with the log")
    run.add_argument(
        "--until-caught-up", action="store_true",
        help="stop (exit 0) once every read model has reached the head of the log",
    )
    run.add_argument("--batch-size", type=int, default=200, help="events per transaction")
    run.set_defaults(handler=run_projections)

    status = actions.add_parser("status", help="position, head and lag of each read model")
    status.set_defaults(handler=show_status)

    rebuild = actions.add_parser("rebuild", help="empty read models and replay the whole log")
    rebuild.add_argument("name", nargs="?", help="the read model to rebuild")
    rebuild.add_argument("--all", action="store_true", help="rebuild every read model")
    rebuild.add_argument(
        "--batch-size", type=int, default=REBUILD_BATCH_SIZE, metavar="N",
        help=f"events per transaction (default {REBUILD_BATCH_SIZE})",
    )
    rebuild.add_argument(
        "--jobs", type=int, default=None, metavar="N",
        help="with --all: read models rebuilt at once, one process each (default: the CPU count);"
        " on PostgreSQL the case model is replayed in as many parts, one process each",
    )
    rebuild.set_defaults(handler=rebuild_projections)

    checksum = actions.add_parser("checksum", help="print NAME SHA256 for each read model")
    checksum.set_defaults(handler=print_checksums)


@contextmanager
def _opened(batch_size: int = 200) -> Iterator[ProjectionRunner]:
    settings = Settings()
    app = bootstrap(settings)
    runner = open_runner(app, settings, batch_size=batch_size)
    try:
        yield runner
    finally:
        runner.store.close()
        app.close()


def run_projections(args: argparse.Namespace) -> int:
    if args.batch_size < 1:
        raise UsageError("--batch-size must be at least 1")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    with _opened(args.batch_size) as runner:

        def stop(signum: int, _frame: FrameType | None) -> None:
            logging.getLogger("casetrail.projections").info(
                "%s: stopping after the current batch", signal.Signals(signum).name
            )
            runner.stop()

        previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            runner.run(until_caught_up=args.until_caught_up)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
    return 0


def show_status(_args: argparse.Namespace) -> int:
    with _opened() as runner:
        rows = status(runner.log, runner.store, runner.projections)
    lines = [("projection", "version", "state", "position", "head", "lag_events", "lag_seconds")]
    for row in rows:
        lines.append((
            row.name, row.definition_version, row.state.replace(" ", "-"), str(row.position),
            str(row.head), str(row.lag_events), f"{row.lag_seconds:.0f}",
        ))
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    for line in lines:
        cells = zip(line, widths, strict=True)
        print("  ".join(cell.ljust(width) for cell, width in cells).rstrip())
    return 0


def rebuild_projections(args: argparse.Namespace) -> int:
    if bool(args.name) == bool(args.all):
        raise UsageError("name one read model to rebuild, or give --all")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.batch_size < 1:
        raise UsageError("--batch-size must be at least 1")
    settings = Settings()
    # One read model that can be split is rebuilt in processes too, one per part.
    split = args.name is not None and settings.backend == "postgres" and _can_split(args.name)
    if (args.all or split) and settings.backend != "memory" and args.jobs != 1:
        names = [p.name for p in log_projections()] if args.all else [args.name]
        print(f"rebuilding {len(names)} read model(s) beside the serving ones")
        with _opened() as runner, Progress() as bar:
            shown = _RebuildsShown(runner, bar)
            rebuild_in_processes(
                settings, names, jobs=args.jobs, batch_size=args.batch_size,
                done=lambda name, applied: bar.console.print(f"rebuilt {name}: {applied} events"),
                tick=shown.update,
            )
            shown.finish()
        return 0
    with _opened() as runner:
        try:
            chosen = runner.projections if args.all else [find(args.name, runner.projections)]
        except KeyError as error:
            raise UsageError(str(error.args[0])) from None
        with Progress() as bar:
            for projection in chosen:
                task = bar.add_task(f"rebuilding {projection.name}", total=None)

                def advance(position: int, head: int, task: Any = task) -> None:
                    bar.update(task, completed=position, total=head)

                applied = rebuild(
                    runner.log, runner.store, projection, batch_size=args.batch_size,
                    progress=advance,
                )
                bar.update(task, completed=1, total=1)
                bar.console.print(f"rebuilt {projection.name}: {applied} events")
    return 0


class _RebuildsShown:
    """A bar per rebuild under way (a read model's, or each part of a split one's), read from
    their position rows: the processes doing them report nothing back until they finish."""

    def __init__(self, runner: ProjectionRunner, bar: Progress) -> None:
        self.runner, self.bar = runner, bar
        self.tasks: dict[str, TaskID] = {}

    def update(self) -> None:
        store = self.runner.store
        if not isinstance(store, SqlViewStore):  # the processes' rebuilds are on a database
            return
        head = self.runner.log.head()
        for found in store.positions():
            if not found.projection.endswith(NEXT):
                continue
            name = found.projection.removesuffix(NEXT)
            if name not in self.tasks:
                self.tasks[name] = self.bar.add_task(f"rebuilding {name}", total=head)
            self.bar.update(self.tasks[name], completed=found.position, total=head)

    def finish(self) -> None:
        """Every rebuild shown is done (its position row went with its switch)."""
        for task in self.tasks.values():
            total = self.bar.tasks[task].total
            self.bar.update(task, completed=total)


def _can_split(name: str) -> bool:
    try:
        return find(name, log_projections()).split
    except KeyError as error:
        raise UsageError(str(error.args[0])) from None


def print_checksums(_args: argparse.Namespace) -> int:
    with _opened() as runner:
        for name, sha256 in checksums(runner.store, runner.projections):
            print(f"{name} {sha256}")
    return 0
