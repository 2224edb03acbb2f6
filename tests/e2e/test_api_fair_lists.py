"""Issue 12, findings 8 and 9 over HTTP: lists and rankings are published, frozen and open to
objection; there is no route left to enter a bottom flag by hand."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.e2e.api_world import World, world
from tests.support.clock import CHINA, FakeClock

__all__ = ["world"]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 30, 9, 0, tzinfo=CHINA))  # Monday, end of Q1


def test_finding_8_lists_are_published_frozen_objected_to_and_corrected(world: World) -> None:
    for _ in range(6):
        served = world.step(
            "li.na",
            "/api/v1/window-services",
            {"service_item": "营业执照变更登记", "enterprise": "91440300MA5EXAMPLE"},
        )
        world.clock.advance(minutes=10)
        world.step(
            "example-co",
            "/api/v1/ratings",
            {"service_id": served["id"], "level": "very_dissatisfied", "reason": "态度恶劣"},
        )
    early = world.post("chen.jie", "/api/v1/lists", {"period": "2026-Q1"})
    assert (early.status_code, early.json()["code"]) == (409, "period-not-over")
    assert world.get("chen.jie", "/api/v1/lists/2026-Q1").json()["code"] == "not-published"

    world.clock.set(datetime(2026, 4, 7, 10, 0, tzinfo=CHINA))  # after Qingming
    assert world.post("wang.qiang", "/api/v1/lists", {"period": "2026-Q1"}).status_code == 403
    published = world.step("chen.jie", "/api/v1/lists", {"period": "2026-Q1"})
    assert published["formal_talks"] == []
    shown = world.get("example-co", "/api/v1/lists/2026-Q1").json()  # published lists are public
    (line,) = shown["editions"][0]["entries"]["staff"]
    assert (line["member"], line["side"], line["score"]) == ("li.na", "black", 0.0)
    assert shown["editions"][0]["stamp"]["definitions"] == "metrics-2026.3"

    filed = world.step(
        "li.na",
        "/api/v1/lists/2026-Q1/objections",
        {"dimension": "staff", "member": "li.na", "grounds": "六条差评系同一企业所为"},
    )
    assert filed["number"] == 1
    decided = world.step(
        "chen.jie",
        "/api/v1/lists/2026-Q1/objections/1/decision",
        {"upheld": True, "reason": "经核实属恶意评价"},
    )
    assert decided["formal_talks"] == []
    after = world.get("zhou.min", "/api/v1/lists/2026-Q1").json()
    assert after["edition"] == 2
    assert after["objections"][0]["status"] == "upheld"
    assert after["editions"][1]["entries"]["staff"][0]["struck_by_objection"] == 1


def test_finding_9_no_route_enters_a_bottom_flag_and_a_running_year_is_not_ranked(
    world: World,
) -> None:
    flag = world.post(
        "chen.jie", "/api/v1/units/HRS/ranking-results", {"period": "2025", "bottom": True}
    )
    assert flag.status_code in (404, 405)
    running = world.post("chen.jie", "/api/v1/rankings", {"period": "2026"})
    assert (running.status_code, running.json()["code"]) == (409, "period-not-over")
    ranked = world.step("chen.jie", "/api/v1/rankings", {"period": "2025"})
    assert ranked["formal_talks"] == []
    units = world.get("sun.li", "/api/v1/rankings/2025").json()["editions"][0]["entries"]["unit"]
    assert all(line["rank"] is None for line in units)  # no handled cases: nobody is ranked
