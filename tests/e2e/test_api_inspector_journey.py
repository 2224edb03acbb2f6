"""An inspector replays a case as of an earlier time, checks its deadline and its changes."""

from __future__ import annotations

from datetime import datetime

from tests.e2e.api_world import World, world
from tests.support.clock import CHINA

__all__ = ["world"]


def test_an_inspector_replays_a_case_as_of_an_earlier_time(world: World) -> None:
    filed = world.step(
        "li.na",
        "/api/v1/cases",
        {
            "case_type": "complaint",
            "channel": "window",
            "summary": "窗口人员推诿",
            "filer_name": "赵敏",
        },
    )
    case = f"/api/v1/cases/{filed['id']}"
    world.clock.set(datetime(2026, 3, 3, 9, 30, tzinfo=CHINA))
    world.step("li.na", f"{case}/dispatch", {"lead_unit": "AMR"})
    world.clock.set(datetime(2026, 3, 4, 14, 0, tzinfo=CHINA))
    world.step("li.na", f"{case}/sign-for")
    world.step("li.na", f"{case}/contacts", {"note": "已电话联系企业"})

    then = world.get("zhou.min", f"{case}/as-of", at="2026-03-03T18:00:00+08:00")
    assert then.status_code == 200, then.text
    replay = then.json()
    assert (replay["version"], replay["latest"], replay["state"]["status"]) == (2, 4, "dispatched")
    assert [s["event"] for s in replay["timeline"]] == ["Filed", "Dispatched"]

    history = world.get("zhou.min", f"{case}/history").json()
    assert [(s["actor"], s["role"]) for s in history["timeline"]] == [("li.na", "window_staff")] * 4
    assert history["timeline"][3]["reason"] == "已电话联系企业"

    diff = world.get("zhou.min", f"{case}/diff", **{"from": 2, "to": 3}).json()
    assert diff["changes"]["status"] == {"from": "dispatched", "to": "in_progress"}
    assert [s["event"] for s in diff["steps"]] == ["SignedFor"]

    proof = world.get("zhou.min", f"{case}/deadline").json()
    assert proof["due"] == "2026-03-23"
    assert (
        "check: 21 days after the start day = 15 counted + 6 rest + 0 paused"
        in proof["explanation"]
    )

    before = world.get("zhou.min", f"{case}/as-of", at="2026-03-01T12:00:00+08:00")
    assert before.status_code == 404
    assert world.get("zhou.min", f"{case}/as-of", version=9).status_code == 422
    assert world.get("data-platform", f"{case}/history").status_code == 403
