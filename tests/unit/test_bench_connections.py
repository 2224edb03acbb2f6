"""The bench's count of the connections each server worker holds (``infra.bench.connections``)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from infra.bench.connections import connections_per_worker

pytestmark = pytest.mark.skipif(
    not Path("/proc/net/tcp").exists(), reason="the count reads Linux's /proc"
)

WORKER = """
import socket, sys
listening = socket.socket(fileno=int(sys.argv[1]))
held = [listening.accept()[0] for _ in range(int(sys.argv[2]))]
print("accepted", flush=True)
sys.stdin.read()  # hold the connections until the test lets go
"""


@contextmanager
def listening() -> Iterator[tuple[socket.socket, int]]:
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield server, server.getsockname()[1]


@contextmanager
def worker(server: socket.socket, accepts: int) -> Iterator[subprocess.Popen[str]]:
    """A process sharing ``server``, as uvicorn's workers do, that accepts ``accepts``
    connections and holds them."""
    process = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(server.fileno()), str(accepts)],
        pass_fds=[server.fileno()], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        yield process
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=10)


def connect(port: int, stack: ExitStack) -> None:
    stack.enter_context(socket.create_connection(("127.0.0.1", port)))


def accepted(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "accepted"


def test_each_worker_is_counted_with_the_connections_it_accepted() -> None:
    with listening() as (server, port), ExitStack() as clients, worker(server, 3) as first:
        for _ in range(3):
            connect(port, clients)
        accepted(first)  # only the first worker was accepting
        with worker(server, 1) as second, worker(server, 0) as idle:
            connect(port, clients)
            accepted(second)
            accepted(idle)
            # The clients' own ends (this process, another local port) are not counted.
            assert connections_per_worker(os.getpid(), port) == [3, 1, 0]


def test_a_server_without_workers_is_counted_itself() -> None:
    with listening() as (server, port), ExitStack() as clients:
        for _ in range(2):
            connect(port, clients)
        held = [server.accept()[0] for _ in range(2)]
        try:
            assert connections_per_worker(os.getpid(), port) == [2]
        finally:
            for connection in held:
                connection.close()
