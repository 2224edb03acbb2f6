"""The API on PostgreSQL: commands, idempotency keys, the case list and Open311, end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.api_world import open_world, settings_for
from tests.support.clock import FakeClock

pytestmark = pytest.mark.postgres


def test_the_api_runs_on_postgresql(
    tmp_path: Path, clock: FakeClock, fresh_postgres_url: str
) -> None:
    world = open_world(settings_for(tmp_path / "home", "postgres", fresh_postgres_url), clock)
    try:
        body = {
            "case_type": "complaint",
            "channel": "window",
            "summary": "审批超时",
            "filer_name": "张伟",
        }
        first = world.post("li.na", "/api/v1/cases", body, **{"Idempotency-Key": "pg-1"})
        again = world.post("li.na", "/api/v1/cases", body, **{"Idempotency-Key": "pg-1"})
        assert first.status_code == 201
        assert again.json() == first.json()
        case = f"/api/v1/cases/{first.json()['id']}"
        dispatched = world.step("li.na", f"{case}/dispatch", {"lead_unit": "AMR"}, version=1)
        stale = world.post("li.na", f"{case}/sign-for", **{"If-Match": 'W/"1"'})
        assert (stale.status_code, stale.json()["current_version"]) == (409, 2)
        listed = world.get("data-platform", "/api/v1/cases", min_position=dispatched["position"])
        assert [(c["id"], c["status"]) for c in listed.json()["items"]] == [
            (first.json()["id"], "dispatched")
        ]
        requests = world.client.get(
            "/open311/v2/requests.json", params={"api_key": world.tokens["data-platform"]}
        ).json()
        assert [r["agency_responsible"] for r in requests] == ["市场监督管理局"]
        assert world.client.get("/readyz").json()["store"] == "postgres"
    finally:
        world.container.close()
