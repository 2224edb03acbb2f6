"""Rebuilding several read models at once, one process each.

Read models are independent: each reads its own topics from the log and writes its own tables
under its own position row. Replaying one is mostly Python (decoding events, running handlers),
so one process per read model lets a rebuild of all of them use every core, where threads would
queue on the interpreter lock.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from infra.bootstrap import bootstrap
from infra.projections.log import EventLog
from infra.projections.operations import REBUILD_BATCH_SIZE, rebuild
from infra.settings import Settings
from infra.views import open_view_store
from projections.registry import find, log_projections

REPLAY_GC_THRESHOLD = 100_000
"""Allocations between the collector's young passes in a rebuild process (CPython: 700).

A replay allocates and drops a few dictionaries per event and keeps up to ``WARM_ROWS`` rows
between batches, so at the default each young pass found next to nothing to free and every
older pass walked the kept rows again: about a tenth of a case model rebuild's CPU, for no
memory back. The rows a replay keeps hold no cycles, and what it drops is freed by reference
counting; the collector still runs, a hundred times less often."""

Done = Callable[[str, int], None]
"""Told each read model's name and events applied as it finishes."""


def rebuild_in_processes(
    settings: Settings, names: Sequence[str], *, jobs: int | None = None,
    batch_size: int = REBUILD_BATCH_SIZE, done: Done | None = None,
) -> dict[str, int]:
    """Rebuild the read models ``names`` (blue/green, see ``operations.rebuild``) in up to
    ``jobs`` processes (default: the CPU count); returns the events each applied.

    The first failure is raised once the others have finished; a read model whose rebuild
    failed keeps serving its old view and carries on from where it stopped next time.
    """
    workers = max(1, min(jobs or os.cpu_count() or 1, len(names)))
    applied: dict[str, int] = {}
    # fork: a child starts at once with the modules already imported (a fresh interpreter takes
    # seconds to import them). It opens connections of its own and never uses the parent's;
    # pool workers leave with os._exit, so nothing closes the parent's connections either.
    context = multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    )
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        running: dict[Future[int], str] = {
            pool.submit(_rebuild_one, settings, name, batch_size): name for name in names
        }
        failure: BaseException | None = None
        while running:
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                name = running.pop(future)
                error = future.exception()
                if error is not None:
                    failure = failure or error
                    continue
                applied[name] = future.result()
                if done is not None:
                    done(name, applied[name])
        if failure is not None:
            raise failure
    return applied


def _rebuild_one(settings: Settings, name: str, batch_size: int) -> int:
    # The process does nothing but this rebuild and then exits (or takes the next read model,
    # which wants the same): the collector's setting need not be put back.
    gc.set_threshold(REPLAY_GC_THRESHOLD, *gc.get_threshold()[1:])
    app = bootstrap(settings)  # beside the others: infra.set_up_lock keeps their DDL apart
    store = open_view_store(settings, app.clock)
    try:
        return rebuild(
            EventLog.of(app), store, find(name, log_projections()), batch_size=batch_size
        )
    finally:
        store.close()
        app.close()
