"""``casetrail`` commands the bench runs beside itself: the projection runner, the API server.

Each runs as its own process on the bench database, as it would in production, so its work
does not share an interpreter lock with the bench's timing loops. Output goes to a log file that
the bench names when something fails.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def casetrail_env(database_url: str, **extra: str) -> dict[str, str]:
    """This process's environment with the Casetrail settings replaced by the bench's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASETRAIL_")}
    env["CASETRAIL_DATABASE_URL"] = database_url
    env.update(extra)
    return env


@contextmanager
def running(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``casetrail ARGS`` for the block; SIGTERM (then SIGKILL after 15 s) when it ends."""
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "api.cli.main", *args],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def tail(log: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
