"""Rebuilds never go dark: the new view is built beside the serving one and switched in at once.

Every test runs on SQLite and on PostgreSQL. The directory view counts staff per unit, so a
reader that ever saw a view half rebuilt would see head counts below the true ones.
"""

from __future__ import annotations

import signal
import threading
import time
from dataclasses import replace
from typing import ClassVar

import psycopg
import pytest

from infra.projections import open_runner
from infra.projections.operations import checksums, rebuild
from infra.views import open_view_store
from projections.base import Column, Table
from projections.directory import DirectoryProjection
from projections.notices import NoticeProjection
from projections.store import next_name
from tests.integration.test_projection_runner import (
    enrol,
    head_counts,
    position,
    projections_cli,
    seed,
    wait_for,
)
from tests.support.stores import StoreUnderTest


class CrashError(Exception):
    """Stands for a crash in the middle of a rebuild, after some batches committed."""


def test_readers_see_the_whole_old_view_until_the_rebuilt_one_replaces_it_at_once(
    durable_store: StoreUnderTest,
) -> None:
    app = durable_store.open()
    seed(app, units=3, staff=240)
    runner = open_runner(app, durable_store.settings)
    reader = open_view_store(durable_store.settings, durable_store.clock)
    seen: list[dict[str, int]] = []
    done = threading.Event()

    def read_all_through() -> None:
        while not done.is_set():
            seen.append(head_counts(reader))

    try:
        runner.run(until_caught_up=True)
        expected = head_counts(reader)
        assert expected == {"U0": 80, "U1": 80, "U2": 80}
        before = checksums(runner.store, [DirectoryProjection()])
        thread = threading.Thread(target=read_all_through)
        thread.start()
        try:
            batches: list[int] = []

            def slowly(at: int, _head: int) -> None:
                batches.append(at)
                time.sleep(0.002)  # give the reader a chance between every two batches

            applied = rebuild(
                runner.log, runner.store, DirectoryProjection(), batch_size=4, progress=slowly
            )
        finally:
            done.set()
            thread.join(timeout=30)

        assert applied == 243
        assert len(batches) > 50, "the rebuild must take many batches for this to mean much"
        assert len(seen) > 20, "the reader must have read all through the rebuild"
        assert [counts for counts in seen if counts != expected] == []
        assert checksums(runner.store, [DirectoryProjection()]) == before
        assert runner.store.rebuilding(DirectoryProjection()) is None
    finally:
        reader.close()
        runner.store.close()


def test_an_interrupted_rebuild_carries_on_from_where_it_stopped(
    durable_store: StoreUnderTest,
) -> None:
    app = durable_store.open()
    seed(app, units=2, staff=100)
    runner = open_runner(app, durable_store.settings)
    store, projection = runner.store, DirectoryProjection()
    try:
        runner.run(until_caught_up=True)
        before = checksums(store, [projection])
        head = runner.log.head()

        def crash_midway(at: int, _head: int) -> None:
            if at > head // 2:
                raise CrashError

        with pytest.raises(CrashError):
            rebuild(runner.log, store, projection, batch_size=10, progress=crash_midway)
        stopped = store.rebuilding(projection)
        assert stopped is not None
        assert 0 < stopped.position < head
        assert head_counts(store) == {"U0": 50, "U1": 50}  # the old view serves meanwhile

        enrol(app, units=2, staff=2, first=100)  # the log moves on meanwhile
        runner.run(until_caught_up=True)  # the serving view follows it
        assert head_counts(store) == {"U0": 51, "U1": 51}

        resumed = rebuild(runner.log, store, projection, batch_size=10)

        # Only what came after the interruption is applied: 2 units and 102 enrolments in all.
        assert resumed == 104 - _events_up_to(runner, stopped.position)
        assert resumed < 104
        assert store.rebuilding(projection) is None
        assert head_counts(store) == {"U0": 51, "U1": 51}
        assert position(store) == runner.log.head()
        rebuilt = checksums(store, [projection])
        assert rebuilt != before
        runner.run(until_caught_up=True)
        assert checksums(store, [projection]) == rebuilt
    finally:
        store.close()


def _events_up_to(runner: object, at: int) -> int:
    """Directory events at or before position ``at``."""
    log = runner.log  # type: ignore[attr-defined]
    return len(log.read(0, 1_000_000, at, DirectoryProjection().topics))


@pytest.mark.slow
def test_a_rebuild_killed_with_sigkill_resumes_and_gives_the_same_view(
    durable_store: StoreUnderTest,
) -> None:
    app = durable_store.open()
    seed(app, units=4, staff=1600)
    settings = durable_store.settings
    watcher = open_view_store(settings, durable_store.clock)
    projection = DirectoryProjection()
    runner = open_runner(app, settings)
    try:
        runner.run(until_caught_up=True)
        before = checksums(watcher, [projection])
        expected = head_counts(watcher)
        killing = projections_cli(settings, "rebuild", "directory", "--batch-size", "20")
        wait_for(
            lambda: (_rebuilt_to(watcher) or 0) > 0 or killing.poll() is not None,
            120, "the rebuild moving on",
        )
        killing.send_signal(signal.SIGKILL)
        _, errors = killing.communicate(timeout=10)
        assert killing.returncode == -signal.SIGKILL, errors.decode()
        stopped = _rebuilt_to(watcher)
        assert stopped is not None
        assert stopped < runner.log.head(), "the rebuild finished before it was killed: add events"
        assert head_counts(watcher) == expected

        finish = projections_cli(settings, "rebuild", "directory", "--batch-size", "20")
        out, errors = finish.communicate(timeout=180)
        assert finish.returncode == 0, errors.decode()
        applied = int(out.decode().rsplit("rebuilt directory:", 1)[1].split()[0])
        assert applied < 1604, "the second rebuild started again from the beginning"
        assert watcher.rebuilding(projection) is None
        assert checksums(watcher, [projection]) == before
    finally:
        watcher.close()
        runner.store.close()


def _rebuilt_to(store: object) -> int | None:
    found = store.position(next_name(DirectoryProjection.name))  # type: ignore[attr-defined]
    return found.position if found else None


class DirectoryWithInitials(DirectoryProjection):
    """The directory's next definition: one more column, so its rows must be rebuilt."""

    version = "2-test"
    tables: ClassVar[tuple[Table, ...]] = (  # type: ignore[assignment]
        replace(
            DirectoryProjection.tables[0],
            columns=(*DirectoryProjection.tables[0].columns, Column("initial", "text")),
        ),
        *DirectoryProjection.tables[1:],
    )

    def _unit_registered(self, event, view) -> None:  # type: ignore[no-untyped-def]
        super()._unit_registered(event, view)
        view.upsert("units", {"id": event.originator_id, "initial": event.code[:1]})


def test_a_changed_definition_is_rebuilt_beside_the_old_view_which_serves_meanwhile(
    durable_store: StoreUnderTest,
) -> None:
    app = durable_store.open()
    seed(app, units=2, staff=60)
    old = open_runner(app, durable_store.settings, projections=[DirectoryProjection()])
    reader = open_view_store(durable_store.settings, durable_store.clock)
    seen: list[dict[str, int]] = []

    def look(_projection: object, _at: int, _head: int) -> None:
        seen.append(head_counts(reader))

    try:
        old.run(until_caught_up=True)
        new = open_runner(
            app, durable_store.settings, projections=[DirectoryWithInitials()], batch_size=5,
            progress=look,
        )
        try:
            new.run(until_caught_up=True)
        finally:
            new.store.close()

        assert len(seen) > 5
        assert [counts for counts in seen if counts != {"U0": 30, "U1": 30}] == []
        rows = reader.rows(DirectoryWithInitials.tables[0])
        assert sorted((r["code"], r["staff_count"], r["initial"]) for r in rows) == [
            ("U0", 30, "U"), ("U1", 30, "U"),
        ]
        stored = reader.position(DirectoryProjection.name)
        assert stored is not None
        assert stored.definition_version == "2-test"
        assert stored.position == app.recorder.max_notification_id()
        assert reader.rebuilding(DirectoryWithInitials()) is None
    finally:
        reader.close()
        old.store.close()


def test_the_other_views_keep_following_the_log_while_a_changed_one_is_rebuilt(
    durable_store: StoreUnderTest,
) -> None:
    """A server started with a changed read model rebuilds it a slice at a time, so a person
    enrolled meanwhile reaches the notices' view while the directory is still being rebuilt,
    not only after its switch."""
    app = durable_store.open()
    seed(app, units=2, staff=60)
    old = open_runner(app, durable_store.settings, projections=[DirectoryProjection(),
                                                               NoticeProjection()])
    reader = open_view_store(durable_store.settings, durable_store.clock)
    people = NoticeProjection.tables[1]
    enrolled = False
    known_while_rebuilding: list[bool] = []

    def look(projection: object, _at: int, _head: int) -> None:
        nonlocal enrolled
        rebuilding = reader.rebuilding(DirectoryWithInitials()) is not None
        if not enrolled and rebuilding:
            enrol(app, 2, 1, first=100)  # s100 joins U0 while the directory is rebuilt
            enrolled = True
        elif isinstance(projection, NoticeProjection) and rebuilding:
            logins = {row["login"] for row in reader.rows(people)}
            known_while_rebuilding.append("s100" in logins)

    try:
        old.run(until_caught_up=True)
        new = open_runner(
            app, durable_store.settings, projections=[DirectoryWithInitials(),
                                                      NoticeProjection()],
            batch_size=5, rebuild_slice=2, progress=look,
        )
        try:
            new.run(until_caught_up=True)
        finally:
            new.store.close()

        assert enrolled
        assert True in known_while_rebuilding, "the notices' view waited for the directory"
        assert head_counts(reader) == {"U0": 31, "U1": 30}
        assert reader.rebuilding(DirectoryWithInitials()) is None
        stored = reader.position(DirectoryProjection.name)
        assert stored is not None
        assert stored.definition_version == "2-test"
        assert stored.position == app.recorder.max_notification_id()
    finally:
        reader.close()
        old.store.close()


def test_a_rebuilt_view_serves_with_the_planner_s_statistics_of_what_it_holds(
    postgres_store: StoreUnderTest,
) -> None:
    """A table filled by a rebuild must not wait for autovacuum (a minute, or never where it is
    off) before the planner knows it: until then it plans by guesses, and at city scale a
    guess read a week of requests through a bitmap and a sort instead of the index in order."""
    app = postgres_store.open()
    seed(app, units=3, staff=60)
    runner = open_runner(app, postgres_store.settings)
    projection = DirectoryProjection()
    url = postgres_store.settings.database_url
    assert url is not None

    def with_statistics() -> set[str]:
        """The directory's serving tables the planner has column statistics of."""
        with psycopg.connect(url, autocommit=True) as connection:
            found = connection.execute(
                "SELECT DISTINCT tablename FROM pg_stats WHERE tablename = ANY(%s)",
                ([f"view_{t.name}" for t in projection.tables],),
            ).fetchall()
        return {str(name) for (name,) in found}

    try:
        runner.run(until_caught_up=True)
        assert with_statistics() == set(), "the first build leaves them to autovacuum"

        rebuild(runner.log, runner.store, projection, batch_size=50)

        # ANALYZE records nothing of an empty table: the tables with rows are the ones to know.
        assert with_statistics() == {"view_units", "view_staff"}
    finally:
        runner.store.close()
