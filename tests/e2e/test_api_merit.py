"""Commendations and sanctions over HTTP: decided by a supervisor on a published entry, shown in
the quarter's competition and the person's record; a false accusation cleared, published at the
cleared person's request, and its accuser pursued through a recorded identity read."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from tests.e2e.api_world import World, open_world, settings_for, world
from tests.support.clock import CHINA, FakeClock

__all__ = ["world"]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 30, 9, 0, tzinfo=CHINA))  # Monday, end of Q1


def test_a_commendation_cites_the_published_line_and_lands_in_the_record(world: World) -> None:
    commend_and_withdraw(world)


@pytest.mark.postgres
def test_the_record_keeps_decisions_and_withdrawals_on_postgresql(
    tmp_path: Path, clock: FakeClock, fresh_postgres_url: str
) -> None:
    world = open_world(settings_for(tmp_path / "home", "postgres", fresh_postgres_url), clock)
    try:
        commend_and_withdraw(world)
    finally:
        world.container.close()


def commend_and_withdraw(world: World) -> None:
    for _ in range(6):
        served = world.step(
            "li.na",
            "/api/v1/window-services",
            {"service_item": "营业执照变更登记", "enterprise": "91440300MA5EXAMPLE"},
        )
        world.clock.advance(minutes=10)
        world.step(
            "example-co", "/api/v1/ratings", {"service_id": served["id"], "level": "very_satisfied"}
        )
    world.clock.set(datetime(2026, 4, 7, 10, 0, tzinfo=CHINA))
    world.step("chen.jie", "/api/v1/lists", {"period": "2026-Q1"})
    lists = world.get("chen.jie", "/api/v1/lists/2026-Q1").json()
    board = world.get("example-co", "/api/v1/competitions/2026-Q1").json()
    assert [(s["place"], s["member"], s["side"]) for s in board["standings"]["staff"]] == [
        (1, "li.na", "red")
    ]
    assert board["definitions"] == "competition-2026.1"
    assert board["publication_id"] == lists["id"]

    body = {
        "decision": "commendation",
        "subject_kind": "staff",
        "subject": "li.na",
        "reason": "一季度好评率第一，予以表彰",
    }
    uncited = world.post("chen.jie", "/api/v1/merit-decisions", body)
    assert (uncited.status_code, uncited.json()["code"]) == (409, "decision-cites-published-entry")
    cited = {
        **body,
        "publication_id": lists["id"],
        "entry_dimension": "staff",
        "entry_member": "li.na",
    }
    assert world.post("zhou.min", "/api/v1/merit-decisions", cited).status_code == 403
    decided = world.step("chen.jie", "/api/v1/merit-decisions", cited)
    shown = world.get("zhou.min", f"/api/v1/merit-decisions/{decided['id']}").json()
    assert shown["cites"]["side"] == "red"
    record = world.get("chen.jie", "/api/v1/records/staff/li.na", min_position=decided["position"])
    assert record.status_code == 200, record.text
    assert [e["entry_kind"] for e in record.json()["items"]] == ["commendation"]
    withdrawn = world.step(
        "chen.jie",
        f"/api/v1/merit-decisions/{decided['id']}/withdrawal",
        {"reason": "引用版次有误"},
    )
    again = world.get("zhou.min", "/api/v1/records/staff/li.na", min_position=withdrawn["position"])
    assert again.json()["items"][0]["withdrawn_at"] is not None
    assert world.get("li.na", "/api/v1/records/staff/li.na").status_code == 403


def test_a_false_accusation_is_cleared_published_and_its_accuser_pursued(world: World) -> None:
    case = world.step(
        "li.na",
        "/api/v1/cases",
        {
            "case_type": "report",
            "channel": "hotline_12345",
            "summary": "窗口人员索要好处费",
            "filer_name": "举报人甲",
            "filer_contact": "13912345678",
        },
    )
    matter = world.step(
        "zhou.min",
        "/api/v1/accountability-matters",
        {"subject_kind": "case", "subject": case["id"], "allegation": "索要好处费"},
    )
    path = f"/api/v1/accountability-matters/{matter['id']}"
    world.step("zhou.min", f"{path}/findings", {"findings": "调取录像，未发现索要行为"})
    world.step("zhou.min", f"{path}/clearance", {"statement": "经查举报失实，予以澄清"})
    early = world.post("zhou.min", f"{path}/clearing-circular", {"title": "澄清"})
    assert (early.status_code, early.json()["code"]) == (409, "clearing-circular-needs-request")
    opened = world.step(
        "zhou.min",
        f"{path}/accuser-matter",
        {"allegation": "捏造事实举报，涉嫌诬告陷害", "purpose": "查处诬告陷害"},
    )
    assert (opened["accuser_name"], opened["accuser_contact"]) == ("举报人甲", "13912345678")
    against = world.get("zhou.min", f"/api/v1/accountability-matters/{opened['id']}").json()
    assert against["subject_kind"] == "accuser"
    assert "举报人甲" not in str(against)
