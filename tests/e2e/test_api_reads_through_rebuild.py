"""The API answers all through a rebuild of its read models, and never with an empty or partial
view: the case list and the directory's head counts read the same before, during and after."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from infra.projections.log import EventLog
from infra.projections.operations import rebuild
from infra.views import open_view_store
from projections.registry import find
from tests.e2e.api_world import open_world, settings_for
from tests.support.clock import FakeClock

CASES = 12


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_case_list_and_a_figure_read_whole_all_through_a_rebuild(
    kind: str, tmp_path: Path, clock: FakeClock, request: pytest.FixtureRequest,
) -> None:
    url = request.getfixturevalue("fresh_postgres_url") if kind == "postgres" else None
    world = open_world(settings_for(tmp_path / "home", kind, url), clock)
    try:
        for n in range(CASES):
            body = {"case_type": "complaint", "channel": "window", "summary": f"第{n}件",
                    "filer_name": "张伟"}
            filed = world.step("li.na", "/api/v1/cases", body)
            world.step("li.na", f"/api/v1/cases/{filed['id']}/dispatch", {"lead_unit": "AMR"},
                       version=1)

        def read() -> tuple[Any, Any]:
            listed = world.get("data-platform", "/api/v1/cases", limit=100)
            units = world.get("root", "/api/v1/views/directory/units", limit=100)
            assert listed.status_code == 200, listed.text
            assert units.status_code == 200, units.text
            return (
                sorted((c["id"], c["status"]) for c in listed.json()["items"]),
                sorted((u["code"], u["staff_count"]) for u in units.json()["items"]),
            )

        expected = read()
        assert len(expected[0]) == CASES
        assert any(count for _, count in expected[1])

        seen: list[tuple[Any, Any]] = []
        failures: list[BaseException] = []
        done = threading.Event()

        def keep_reading() -> None:
            while not done.is_set():
                try:
                    seen.append(read())
                except BaseException as error:  # reported by the main thread
                    failures.append(error)
                    return

        settings, app = world.container.settings, world.container.app
        store = open_view_store(settings, clock)
        reader = threading.Thread(target=keep_reading)
        reader.start()
        batches = 0

        def slowly(_at: int, _head: int) -> None:
            nonlocal batches
            batches += 1
            time.sleep(0.005)  # room for the reader between two batches

        try:
            for name in ("cases", "directory"):
                rebuild(EventLog.of(app), store, find(name), batch_size=1, progress=slowly)
        finally:
            done.set()
            reader.join(timeout=60)
            store.close()

        assert failures == []
        assert batches > 20
        assert len(seen) > 5, "the reader must have read all through the rebuild"
        assert [answer for answer in seen if answer != expected] == []
        assert read() == expected
    finally:
        world.container.close()
