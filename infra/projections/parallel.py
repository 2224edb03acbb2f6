"""Rebuilding several read models at once, one process each, the longest in parts.

Read models are independent: each reads its own topics from the log and writes its own tables
under its own position row. Replaying one is mostly Python (decoding events, running handlers),
so one process per read model lets a rebuild of all of them use every core, where threads would
queue on the interpreter lock. One read model (the case model) takes longer than all the others
together; replayed whole, it alone set the rebuild's wall time while the other cores idled, so
it is replayed in parts side by side (``Projection.split``).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass

from infra.bootstrap import bootstrap, utc_now
from infra.projections.log import EventLog
from infra.projections.operations import (
    REBUILD_BATCH_SIZE,
    begin_split,
    finish_split,
    rebuild,
    rebuild_part,
)
from infra.settings import Settings
from infra.views import open_view_store
from projections.registry import find, log_projections
from projections.store import Part

REPLAY_GC_THRESHOLD = 100_000
"""Allocations between the collector's young passes in a rebuild process (CPython: 700).

A replay allocates and drops a few dictionaries per event and keeps up to ``WARM_ROWS`` rows
between batches, so at the default each young pass found next to nothing to free and every
older pass walked the kept rows again: about a tenth of a case model rebuild's CPU, for no
memory back. The rows a replay keeps hold no cycles, and what it drops is freed by reference
counting; the collector still runs, a hundred times less often."""

Done = Callable[[str, int], None]
"""Told each read model's name and events applied as it finishes."""
TICK_SECONDS = 2.0
"""How often ``rebuild_in_processes`` calls its ``tick`` while processes work."""


@dataclass(frozen=True)
class _Task:
    """What one process does: rebuild a read model whole, replay one part of a split one, or
    merge and finish a split one (``part`` None, ``finish`` True)."""

    name: str
    part: Part | None = None
    finish: bool = False


def rebuild_in_processes(
    settings: Settings, names: Sequence[str], *, jobs: int | None = None,
    batch_size: int = REBUILD_BATCH_SIZE, done: Done | None = None,
    tick: Callable[[], None] | None = None,
) -> dict[str, int]:
    """Rebuild the read models ``names`` (blue/green, see ``operations.rebuild``) in up to
    ``jobs`` processes (default: the CPU count); returns the events each applied.
    ``tick`` is called every ``TICK_SECONDS`` meanwhile, here in the calling thread (a thread
    of its own could hold a lock when the pool forks), to show progress.

    A read model that can be split (``Projection.split``, on PostgreSQL) is replayed in as many
    parts as there are processes, each part in a process of its own, handed out first: the
    longest read model then keeps every core busy while the others queue behind it, and its
    parts end about when they would end whole. Once they are all done, one more process adds
    up their sums and carries the read model on to the switch, beside the ``jobs`` replaying
    the others, which are handed out largest first (``_largest_first``).

    The first failure is raised once the others have finished; a read model whose rebuild
    failed keeps serving its old view and carries on from where it stopped next time.
    """
    cpus = max(1, jobs or os.cpu_count() or 1)
    split = _begin_splits(settings, names, cpus)
    waiting = [_Task(name, part) for name in names for part in split.get(name, ())]
    whole = _largest_first(settings, [name for name in names if name not in split])
    waiting += [_Task(name) for name in whole]
    workers = max(1, min(cpus, len(waiting)))
    parts_left = {name: len(found) for name, found in split.items()}
    applied: dict[str, int] = dict.fromkeys(names, 0)
    # fork: a child starts at once with the modules already imported (a fresh interpreter takes
    # seconds to import them). It opens connections of its own and never uses the parent's;
    # pool workers leave with os._exit, so nothing closes the parent's connections either.
    context = multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    )
    failed: set[str] = set()
    # A split read model's finish has a process of its own beside the workers: adding up the
    # parts and indexing the tables is the database's work, mostly, and the workers' cores go
    # on replaying the other read models meanwhile.
    with ProcessPoolExecutor(max_workers=workers + len(split), mp_context=context) as pool:
        # Handed out one per free process, not queued in the pool all at once, so a split
        # read model's finish goes ahead of the read models still waiting.
        running: dict[Future[int], _Task] = {}
        failure: BaseException | None = None
        while waiting or running:
            replaying = sum(not task.finish for task in running.values())
            while waiting and (waiting[0].finish or replaying < workers):
                task = waiting.pop(0)
                running[pool.submit(_run, settings, task, batch_size)] = task
                replaying += not task.finish
            if tick is not None:
                tick()
            finished, _ = wait(
                running, timeout=TICK_SECONDS if tick else None, return_when=FIRST_COMPLETED
            )
            for future in finished:
                task = running.pop(future)
                error = future.exception()
                if error is not None:
                    failure = failure or error
                    failed.add(task.name)
                    continue
                applied[task.name] += future.result()
                if task.part is not None:
                    parts_left[task.name] -= 1
                    if parts_left[task.name] == 0 and task.name not in failed:
                        waiting.insert(0, _Task(task.name, finish=True))
                    continue
                if done is not None:
                    done(task.name, applied[task.name])
        if failure is not None:
            raise failure
    return applied


def _begin_splits(settings: Settings, names: Sequence[str], of: int) -> dict[str, list[Part]]:
    """Begin the split rebuilds among ``names``, here before any process starts (they would
    race to create the parts' tables); the parts of each."""
    if of < 2 or settings.backend != "postgres":  # SQLite's one writer: nothing to gain
        return {}
    splittable = [n for n in names if find(n, log_projections()).split]
    if not splittable:
        return {}
    store = open_view_store(settings, utc_now)
    try:
        found = {n: begin_split(store, find(n, log_projections()), of) for n in splittable}
    finally:
        store.close()
    return {name: split for name, split in found.items() if split}


def _largest_first(settings: Settings, names: Sequence[str]) -> list[str]:
    """``names`` by the share of the log each replays, largest first (ties as given): the
    small read models then fill the last minutes beside the last large one, where in the
    given order a large one could start last and end alone. Read, and the application
    closed, before the pool forks (its connections' threads must not be forked)."""
    if len(names) < 2:
        return list(names)
    app = bootstrap(settings)
    try:
        log = EventLog.of(app)
        share = {name: log.share_of(find(name, log_projections()).topics) for name in names}
    finally:
        app.close()
    return sorted(names, key=lambda name: -share[name])


def _run(settings: Settings, task: _Task, batch_size: int) -> int:
    # The process does nothing but this rebuild and then exits (or takes the next read model,
    # which wants the same): the collector's setting need not be put back.
    gc.set_threshold(REPLAY_GC_THRESHOLD, *gc.get_threshold()[1:])
    app = bootstrap(settings)  # beside the others: infra.set_up_lock keeps their DDL apart
    store = open_view_store(settings, app.clock)
    projection = find(task.name, log_projections())
    try:
        log = EventLog.of(app)
        if task.part is not None:
            return rebuild_part(log, store, projection, task.part, batch_size=batch_size)
        if task.finish:
            return finish_split(log, store, projection, batch_size=batch_size)
        return rebuild(log, store, projection, batch_size=batch_size)
    finally:
        store.close()
        app.close()
