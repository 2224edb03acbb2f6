"""Kafka-fed projection workers against the log-fed runner, through the ``casetrail`` commands.

Store A holds the demo's history and the log-fed views. Store B starts as a copy of A's events
(as a replica would be) and gets its views from two Kafka workers sharing a 4-partition topic.
``casetrail projections checksum`` must print the same for both, including after a worker was
killed with SIGKILL in the middle of its work.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from projections.registry import private_projections
from tests.support import postgres
from tests.support.kafka_world import (
    ORDER_SENSITIVE,
    casetrail,
    checksum_lines,
    copy_postgres_database,
    copy_store,
    start_casetrail,
)

if TYPE_CHECKING:
    from tests.support.broker import TansuBroker

pytest_plugins = ["tests.support.broker"]
pytestmark = [pytest.mark.kafka, pytest.mark.slow]

WORKER = ("worker", "--source", "kafka", "--session-timeout", "6")


@pytest.fixture(scope="module")
def published(broker: TansuBroker, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Store A with its history relayed to a fresh topic and projected from the log."""
    root = tmp_path_factory.mktemp("kafka-workers")
    a = root / "a"
    casetrail(a, "demo", "--cases", "25")
    copy_store(a, root / "events")  # before A has views: B's copies start view-less
    casetrail(a, "relay", "--until-caught-up", "--topic", "workers", "--partitions", "4",
              bootstrap=broker.bootstrap)
    casetrail(a, "projections", "run", "--until-caught-up")
    return {"a": a, "events": root / "events", "root": root}


# Read models about particular people are fed from the log only, never from the stream.
LOG_ONLY = {projection.name for projection in private_projections()}


def _stream_fed(checksums: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in checksums.items() if name not in LOG_ONLY}


def _same_views(a: Path, b: Path) -> None:
    expected, found = _stream_fed(checksum_lines(a)), _stream_fed(checksum_lines(b))
    assert sorted(found) == sorted(expected)
    for name in expected:
        if name not in ORDER_SENSITIVE:
            assert found[name] == expected[name], name


def _wait(processes: list[subprocess.Popen[bytes]], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    for process in processes:
        remaining = max(deadline - time.monotonic(), 1)
        assert process.wait(timeout=remaining) == 0


def test_two_kafka_workers_build_the_same_views_as_the_log_fed_runner(
    published: dict[str, Path], broker: TansuBroker, tmp_path: Path
) -> None:
    b = tmp_path / "b"
    copy_store(published["events"], b)
    args = (*WORKER, "--topic", "workers", "--group", "pair", "--until-caught-up")
    workers = [
        start_casetrail(b, *args, bootstrap=broker.bootstrap, log=tmp_path / f"w{n}.log")
        for n in (1, 2)
    ]
    _wait(workers, timeout=150)
    _same_views(published["a"], b)
    logs = [(tmp_path / f"w{n}.log").read_text() for n in (1, 2)]
    # Both took part: each was assigned partitions and applied events.
    assert all("partitions assigned: [" in log and "applied " in log for log in logs)
    status = casetrail(b, "worker", "--source", "kafka", "--topic", "workers", "--status",
                       bootstrap=broker.bootstrap)
    assert "total lag 0" in status.stdout


def test_a_worker_killed_mid_batch_resumes_without_counting_anything_twice(
    published: dict[str, Path], broker: TansuBroker, tmp_path: Path
) -> None:
    b = tmp_path / "b"
    copy_store(published["events"], b)
    small = (*WORKER, "--topic", "workers", "--group", "killed", "--batch-size", "5")
    victim = start_casetrail(b, *small, bootstrap=broker.bootstrap, log=tmp_path / "victim.log")
    applied = _wait_for_offsets(b / "casetrail.db", at_least=40, timeout=60)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=10)
    assert applied > 0
    survivors = [
        start_casetrail(b, *small, "--until-caught-up", bootstrap=broker.bootstrap,
                        log=tmp_path / f"after{n}.log")
        for n in (1, 2)
    ]
    _wait(survivors, timeout=150)
    _same_views(published["a"], b)


def _wait_for_offsets(database: Path, *, at_least: int, timeout: float) -> int:
    """Wait until the views stored offsets past ``at_least`` messages; return how many."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with sqlite3.connect(database, timeout=5) as conn:
                found = conn.execute(
                    "SELECT COALESCE(SUM(next_offset), 0) FROM kafka_offset"
                    " WHERE projection = 'cases'"
                ).fetchone()[0]
        except sqlite3.OperationalError:  # the table is not there yet
            found = 0
        if found >= at_least:
            return int(found)
        time.sleep(0.05)
    raise AssertionError(f"the worker stored no offsets past {at_least} in {timeout}s")


@pytest.mark.postgres
def test_two_kafka_workers_on_postgresql_match_the_log_fed_runner(
    broker: TansuBroker, postgres_server: str, tmp_path: Path
) -> None:
    a_url = postgres.create_database(postgres_server, prefix="casetrail_kafka_a")
    b_url = ""
    try:
        casetrail(tmp_path, "demo", "--cases", "15", database_url=a_url)
        # B starts as a copy of A's events, before A has views: a replica, in effect.
        b_url = copy_postgres_database(postgres_server, a_url, "casetrail_kafka_b")
        casetrail(tmp_path, "relay", "--until-caught-up", "--topic", "workers-pg",
                  "--partitions", "4", bootstrap=broker.bootstrap, database_url=a_url)
        casetrail(tmp_path, "projections", "run", "--until-caught-up", database_url=a_url)
        args = (*WORKER, "--topic", "workers-pg", "--group", "pg", "--until-caught-up")
        workers = [
            start_casetrail(tmp_path, *args, bootstrap=broker.bootstrap, database_url=b_url,
                            log=tmp_path / f"pg{n}.log")
            for n in (1, 2)
        ]
        _wait(workers, timeout=150)
        found = _stream_fed(checksum_lines(tmp_path, b_url))
        assert found == _stream_fed(checksum_lines(tmp_path, a_url))
    finally:
        for url in (a_url, b_url):
            if url:
                postgres.drop_database(postgres_server, url)
