"""Finding 10 (readiness): with PostgreSQL stopped, ``/readyz`` answers 503 within a second."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e.api_world import open_world, settings_for
from tests.fault.conftest import private_postgres  # noqa: F401  (the fixture, for this module)
from tests.fault.private_postgres import PrivatePostgres
from tests.support.clock import FakeClock

pytestmark = [pytest.mark.postgres, pytest.mark.fault]


def test_readyz_says_unavailable_within_a_second_while_the_store_is_down(
    private_postgres: PrivatePostgres, tmp_path: Path, clock: FakeClock  # noqa: F811
) -> None:
    world = open_world(settings_for(tmp_path / "home", "postgres", private_postgres.url), clock)
    try:
        assert world.client.get("/readyz").status_code == 200
        private_postgres.stop("fast")
        for _ in range(3):
            began = time.monotonic()
            answer = world.client.get("/readyz")
            took = time.monotonic() - began
            assert answer.status_code == 503
            assert answer.json()["status"] == "unavailable"
            assert took < 1.0, f"/readyz took {took:.1f} s"
        private_postgres.start()
        # Connections the restart ended are found dead on first use and replaced.
        answers = [world.client.get("/readyz") for _ in range(3)]
        assert answers[-1].status_code == 200, [a.text for a in answers]
    finally:
        world.container.close()
