"""Rebuilding several read models at once: the longest in parts, the others together.

Read models are independent: each reads its own topics from the log and writes its own tables
under its own position row. Replaying one is mostly Python (decoding events, running handlers),
so processes, not threads (which would queue on the interpreter lock), let a rebuild use every
core. One read model (the case model) takes longer than all the others together; replayed
whole, it alone set the rebuild's wall time while the other cores idled, so it is replayed in
parts side by side (``Projection.split``). The others are replayed in a few groups, each
reading the log once for its read models (``rebuild_together``): they handle many of the same
events, and the small ones read the whole log for a few hundred.
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
    rebuild_together,
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

GROUP_PER_CPUS = 4
"""CPUs per group of read models rebuilt together (at least one group). On two cores one
group beside the case model's two parts took 29 to 34 s for a 1M log, where each read model
alone, handed out after the parts, took 38 to 43 (alternating runs): the group reads and
decodes the events the reviews and the notices share once, and the small read models' events
in the same reads. On more cores the groups spread the other read models over more of them;
that is reasoned, not measured: the bench machine has two."""
Done = Callable[[str, int], None]
"""Told each read model's name and events applied as it finishes."""
TICK_SECONDS = 2.0
"""How often ``rebuild_in_processes`` calls its ``tick`` while processes work."""


@dataclass(frozen=True)
class _Task:
    """What one process does: rebuild read models whole (``names``, read from the log
    together), replay one part of a split one, or merge and finish a split one (``part``
    None, ``finish`` True)."""

    names: tuple[str, ...]
    part: Part | None = None
    finish: bool = False

    @property
    def name(self) -> str:
        """The read model of a split one's part or finish."""
        return self.names[0]


def rebuild_in_processes(
    settings: Settings, names: Sequence[str], *, jobs: int | None = None,
    batch_size: int = REBUILD_BATCH_SIZE, done: Done | None = None,
    tick: Callable[[], None] | None = None,
) -> dict[str, int]:
    """Rebuild the read models ``names`` (blue/green, see ``operations.rebuild``) in
    processes, ``jobs`` (default: the CPU count) telling how many cores to count on; returns
    the events each applied. ``tick`` is called every ``TICK_SECONDS`` meanwhile, here in the
    calling thread (a thread of its own could hold a lock when the pool forks), to show
    progress.

    A read model that can be split (``Projection.split``, on PostgreSQL) is replayed in
    ``jobs`` parts, each in a process of its own. The others are replayed in
    ``jobs // GROUP_PER_CPUS`` groups (at least one), each in one process reading the log
    once for all its read models (``_groups``). Every part and group starts at once, a few
    more processes than cores: each core stays busy until the last one ends, where handing
    out the groups after the parts left a core idle at the end. Once the parts are all done,
    one more process adds up their sums and carries the read model on to the switch (the
    database's work, mostly).

    The first failure is raised once the others have finished; a read model whose rebuild
    failed keeps serving its old view and carries on from where it stopped next time.
    """
    cpus = max(1, jobs or os.cpu_count() or 1)
    split = _begin_splits(settings, names, cpus)
    whole = [name for name in names if name not in split]
    waiting = [_Task(group) for group in _groups(settings, whole, cpus // GROUP_PER_CPUS)]
    waiting += [_Task((name,), part) for name in names for part in split.get(name, ())]
    workers = max(1, len(waiting))
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
        # Every part and group goes out at once; a split read model's finish, once its parts
        # are done, takes the pool's one process more.
        running: dict[Future[dict[str, int]], _Task] = {}
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
                    failed.update(task.names)
                    continue
                for name, count in future.result().items():
                    applied[name] += count
                if task.part is not None:
                    parts_left[task.name] -= 1
                    if parts_left[task.name] == 0 and task.name not in failed:
                        waiting.insert(0, _Task(task.names, finish=True))
                    continue
                if done is not None:
                    for name in task.names:
                        done(name, applied[name])
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


def _groups(settings: Settings, names: Sequence[str], of: int) -> list[tuple[str, ...]]:
    """``names`` in at most ``of`` groups (one if ``of`` is below 2), each rebuilt in one
    process reading the log once for all its read models (``rebuild_together``).

    Largest first by the share of the log each replays: each read model goes to the group
    that replays least so far, so the groups end about together and the small read models
    (a few hundred events each, but a whole log to read for them alone) join a large one's
    reading. Read, and the application closed, before the pool forks (its connections'
    threads must not be forked)."""
    if len(names) < 2 or of < 2:
        return [tuple(names)] if names else []
    app = bootstrap(settings)
    try:
        log = EventLog.of(app)
        share = {name: log.share_of(find(name, log_projections()).topics) for name in names}
    finally:
        app.close()
    ordered = sorted(names, key=lambda name: -share[name])
    groups: list[list[str]] = [[] for _ in range(min(of, len(names)))]
    load = [0.0 for _ in groups]
    for name in ordered:
        least = load.index(min(load))
        groups[least].append(name)
        load[least] += share[name]
    return [tuple(group) for group in groups if group]


def _run(settings: Settings, task: _Task, batch_size: int) -> dict[str, int]:
    # The process does nothing but this rebuild and then exits (or takes the next read model,
    # which wants the same): the collector's setting need not be put back.
    gc.set_threshold(REPLAY_GC_THRESHOLD, *gc.get_threshold()[1:])
    app = bootstrap(settings)  # beside the others: infra.set_up_lock keeps their DDL apart
    store = open_view_store(settings, app.clock)
    projections = [find(name, log_projections()) for name in task.names]
    try:
        log = EventLog.of(app)
        if task.part is not None:
            return {task.name: rebuild_part(
                log, store, projections[0], task.part, batch_size=batch_size
            )}
        if task.finish:
            return {task.name: finish_split(log, store, projections[0], batch_size=batch_size)}
        if len(projections) == 1:
            return {task.name: rebuild(log, store, projections[0], batch_size=batch_size)}
        return rebuild_together(log, store, projections, batch_size=batch_size)
    finally:
        store.close()
        app.close()
