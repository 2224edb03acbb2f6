"""Read models rebuilt together read the log once for all of them, and each ends as if it had
been rebuilt alone: the same rows, switched in beside a view that served meanwhile, carried on
from where each stopped after a crash. On SQLite and on PostgreSQL.

The directory and the notices handle the same enrolments; the projects handle none of them,
so their rebuild reads nothing of their own and must still reach the head.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from infra.projections import open_runner
from infra.projections import runner as runner_module
from infra.projections.log import EventLog
from infra.projections.operations import checksums, rebuild_together
from infra.projections.runner import ProjectionRunner
from projections.base import Projection
from projections.directory import DirectoryProjection
from projections.notices import NoticeProjection
from projections.projects import ProjectProjection
from projections.store import EventAt, Part
from tests.integration.test_projection_runner import enrol, head_counts, seed
from tests.support.stores import StoreUnderTest

TOGETHER: tuple[Projection, ...] = (DirectoryProjection(), NoticeProjection(), ProjectProjection())


class CrashError(Exception):
    """Stands for a crash in the middle of a rebuild, after some batches committed."""


class _ReadsNoted(EventLog):
    """The log, noting where each read began and which topics it asked for."""

    def __init__(self, log: EventLog) -> None:
        super().__init__(log.recorder, log.mapper)
        self.reads: list[tuple[int, tuple[str, ...]]] = []

    def read(
        self, after: int, limit: int, stop: int, topics: Sequence[str], part: Part | None = None
    ) -> list[EventAt]:
        self.reads.append((after, tuple(topics)))
        return super().read(after, limit, stop, topics, part)


def _live(durable_store: StoreUnderTest) -> ProjectionRunner:
    app = durable_store.open()
    seed(app, units=3, staff=60)
    runner = open_runner(app, durable_store.settings, projections=TOGETHER)
    runner.run(until_caught_up=True)
    return runner


def test_read_models_rebuilt_together_read_each_event_once_and_equal_their_views(
    durable_store: StoreUnderTest,
) -> None:
    runner = _live(durable_store)
    store = runner.store
    try:
        expected = checksums(store, TOGETHER)
        log = _ReadsNoted(runner.log)
        applied = rebuild_together(log, store, TOGETHER, batch_size=5)

        assert checksums(store, TOGETHER) == expected
        head = log.head()
        for projection in TOGETHER:
            assert store.rebuilding(projection) is None
            found = store.position(projection.name)
            assert found is not None
            assert found.position == head
            assert applied[projection.name] == len(log.read(0, 10**6, head, projection.topics))
        union = tuple(sorted({t for p in TOGETHER for t in p.topics}))
        together = [after for after, topics in log.reads if topics == union]
        # One pass: each read starts where the one before ended, none read twice.
        assert len(together) > 5
        assert together == sorted(set(together))
    finally:
        store.close()


def test_an_interrupted_rebuild_together_carries_on_and_the_old_views_serve_meanwhile(
    durable_store: StoreUnderTest, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A read model of the group that none of the events read concerns (the projects) still
    moves its position every ``IDLE_BATCHES``: the group carries on from not far back."""
    monkeypatch.setattr(runner_module, "IDLE_BATCHES", 2)
    runner = _live(durable_store)
    store = runner.store
    try:
        head = runner.log.head()
        served = head_counts(store)
        assert served == {"U0": 20, "U1": 20, "U2": 20}

        def crash_midway(projection: Projection, at: int, _head: int) -> None:
            if projection.name == NoticeProjection.name and at > head // 2:
                raise CrashError

        crashing = ProjectionRunner(runner.log, store, TOGETHER, batch_size=10,
                                    progress=crash_midway)
        with pytest.raises(CrashError):
            crashing.rebuild_together(TOGETHER)
        stopped = {p.name: store.rebuilding(p) for p in TOGETHER}
        directory, notices = stopped[DirectoryProjection.name], stopped[NoticeProjection.name]
        assert directory is not None
        assert notices is not None
        assert 0 < notices.position < head
        projects = stopped[ProjectProjection.name]
        assert projects is not None
        assert projects.position > head // 4
        assert head_counts(store) == served  # the old views serve meanwhile

        app = durable_store.open()
        enrol(app, units=3, staff=3, first=60)  # the log moves on meanwhile
        runner.run(until_caught_up=True)
        expected = checksums(store, TOGETHER)

        log = _ReadsNoted(runner.log)
        applied = rebuild_together(log, store, TOGETHER, batch_size=10)

        assert checksums(store, TOGETHER) == expected
        assert head_counts(store) == {"U0": 21, "U1": 21, "U2": 21}
        now = log.head()
        # Each carried on from where it stopped: only the events after it are applied again,
        # read from the earliest of them.
        assert log.reads[0][0] == min(found.position for found in stopped.values() if found)
        assert applied[NoticeProjection.name] == len(
            log.read(notices.position, 10**6, now, NoticeProjection().topics)
        )
        assert applied[DirectoryProjection.name] == len(
            log.read(directory.position, 10**6, now, DirectoryProjection().topics)
        )
        assert all(store.rebuilding(p) is None for p in TOGETHER)
    finally:
        store.close()
