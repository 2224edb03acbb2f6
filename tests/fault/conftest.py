"""Fixtures of the fault suite: a private PostgreSQL server the tests may stop and start."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator

import pytest

from tests.fault.private_postgres import PrivatePostgres, private_root, server_binaries
from tests.support.postgres import in_ci


@pytest.fixture(scope="module")
def private_postgres() -> Iterator[PrivatePostgres]:
    """A running private server for the module's tests; stopped and removed after them."""
    binaries = server_binaries()
    if binaries is None or (os.geteuid() == 0 and shutil.which("runuser") is None):
        message = "no initdb/pg_ctl (or no runuser when running as root) for a private server"
        if in_ci():
            pytest.fail(f"CI=true and the outage tests cannot run: {message}", pytrace=False)
        pytest.skip(message)
    root = private_root()
    server = PrivatePostgres(binaries, root)
    server.start()
    try:
        yield server
    finally:
        with contextlib.suppress(RuntimeError):  # the test may have left it stopped
            server.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)
