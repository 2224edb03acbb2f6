"""One holder of the background lock per store: a second asker waits, and takes over once the
holder is gone (its file handle or database session ended)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from infra.leader import AdvisoryLeadership, FileLeadership, Leadership


def holders(first: Leadership, second: Leadership) -> list[bool]:
    return [first.try_acquire(), second.try_acquire()]


def test_a_file_lock_has_one_holder_and_passes_on_when_released(tmp_path: Path) -> None:
    first, second = FileLeadership(tmp_path / "bg.lock"), FileLeadership(tmp_path / "bg.lock")
    try:
        assert holders(first, second) == [True, False]
        assert first.try_acquire()  # asking again while holding it keeps it
        first.release()
        assert second.try_acquire()
        assert not first.try_acquire()
    finally:
        first.release()
        second.release()


@pytest.mark.postgres
def test_an_advisory_lock_passes_on_when_its_holders_session_dies(fresh_postgres_url: str) -> None:
    first, second = AdvisoryLeadership(fresh_postgres_url), AdvisoryLeadership(fresh_postgres_url)
    try:
        assert holders(first, second) == [True, False]
        assert first.still_held()
        with psycopg.connect(fresh_postgres_url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = 'casetrail-leader' AND datname = current_database()"
            )
        assert not first.still_held()
        assert second.try_acquire()
        assert not first.try_acquire()
    finally:
        first.release()
        second.release()
