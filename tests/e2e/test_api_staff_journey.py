"""Window staff handle a complaint to closure over HTTP, with a 补正 pause and an extension."""

from __future__ import annotations

from datetime import datetime

from tests.e2e.api_world import World, world
from tests.support.clock import CHINA

__all__ = ["world"]


def test_staff_handle_a_complaint_to_closure_with_a_pause_and_an_extension(world: World) -> None:
    filed = world.step(
        "li.na",
        "/api/v1/cases",
        {
            "case_type": "complaint",
            "channel": "window",
            "summary": "施工许可审批超时",
            "enterprise": "91440300MA5EXAMPLE",
            "filer_name": "张伟",
        },
    )
    case = f"/api/v1/cases/{filed['id']}"
    assert filed["version"] == 1
    # Filed Monday 2 March 2026: 15 working days, three weekends skipped, due Monday 23 March.
    assert world.get("li.na", case).json()["due"] == "2026-03-23"

    world.step("li.na", f"{case}/dispatch", {"lead_unit": "AMR"}, version=1)
    world.step("li.na", f"{case}/sign-for", version=2)
    world.clock.set(datetime(2026, 3, 3, 10, 0, tzinfo=CHINA))
    world.step(
        "li.na", f"{case}/pause", {"kind": "supplement", "reason": "缺少营业执照副本"}, version=3
    )
    world.clock.set(datetime(2026, 3, 5, 15, 0, tzinfo=CHINA))
    resumed = world.step("li.na", f"{case}/resume", {"note": "材料已补齐"}, version=4)
    # Paused from Tuesday 3 March, resumed Thursday 5 March: Wednesday and Thursday are not
    # counted, so the deadline moves two working days, to Wednesday 25 March.
    shown = world.get("li.na", case)
    assert shown.json()["due"] == "2026-03-25"
    assert shown.headers["ETag"] == f'W/"{resumed["version"]}"'

    world.step(
        "li.na",
        f"{case}/extension-requests",
        {"new_due": "2026-03-27", "reason": "需现场核查"},
        version=5,
    )
    refused = world.post(
        "li.na", f"{case}/extension-decisions", {"approved": True, "reason": "同意"}
    )
    assert refused.status_code == 403  # a clerk may not decide; the head does
    assert refused.json()["type"] == "urn:casetrail:problem:role-not-allowed"
    world.step(
        "wang.qiang", f"{case}/extension-decisions", {"approved": True, "reason": "同意"}, version=6
    )
    assert world.get("li.na", case).json()["due"] == "2026-03-27"

    world.clock.set(datetime(2026, 3, 20, 11, 0, tzinfo=CHINA))
    world.step("li.na", f"{case}/reply", {"text": "许可已于今日发放"}, version=7)
    world.step("li.na", f"{case}/callback", {"resolved": True, "satisfied": True}, version=8)
    closed = world.step(
        "li.na", f"{case}/close", {"outcome": "solved", "reason": "企业确认已解决"}, version=9
    )
    final = world.get("li.na", case).json()
    assert (closed["version"], final["status"], final["outcome"]) == (10, "closed", "solved")
    assert final["closed_on_time"] is True
    assert final["allowed_steps"] == ["reopen"]


def test_a_stale_if_match_is_a_conflict_that_names_the_current_version(world: World) -> None:
    filed = world.step(
        "li.na",
        "/api/v1/cases",
        {
            "case_type": "consultation",
            "channel": "window",
            "summary": "咨询社保补缴流程",
            "filer_name": "王芳",
        },
    )
    case = f"/api/v1/cases/{filed['id']}"
    world.step("li.na", f"{case}/dispatch", {"lead_unit": "AMR"}, version=1)
    stale = world.post(
        "li.na",
        f"{case}/hand-over",
        {"to": "zhao.lei", "reason": "社保事项"},
        **{"If-Match": 'W/"1"'},
    )
    assert stale.status_code == 409
    assert stale.headers["content-type"] == "application/problem+json"
    body = stale.json()
    assert (body["type"], body["current_version"]) == ("urn:casetrail:problem:version-conflict", 2)
    assert (body["code"], body["params"]) == ("version-conflict", {"expected": 1, "current": 2})


def test_a_step_the_status_does_not_allow_is_409_with_the_steps_allowed_now(world: World) -> None:
    filed = world.step(
        "li.na",
        "/api/v1/cases",
        {"case_type": "help", "channel": "window", "summary": "厂区道路破损", "filer_name": "李强"},
    )
    refused = world.post(
        "li.na", f"/api/v1/cases/{filed['id']}/close", {"outcome": "solved", "reason": "x"}
    )
    assert refused.status_code == 409
    assert refused.json()["type"] == "urn:casetrail:problem:step-not-allowed"
    assert refused.json()["allowed"] == ["answer directly", "dispatch", "hand over", "receive"]
    # The rule and what it quotes, so a client can word the refusal in its reader's language.
    assert refused.json()["code"] == "step-not-allowed"
    assert refused.json()["params"]["step"] == "close"
    assert refused.json()["params"]["allowed"] == refused.json()["allowed"]


def test_a_clerk_of_another_unit_cannot_see_or_touch_the_case(world: World) -> None:
    filed = world.step(
        "li.na",
        "/api/v1/cases",
        {"case_type": "help", "channel": "window", "summary": "办理加急", "filer_name": "李强"},
    )
    case = f"/api/v1/cases/{filed['id']}"
    assert world.get("zhao.lei", case).status_code == 404
    assert world.post("zhao.lei", f"{case}/dispatch", {"lead_unit": "HRS"}).status_code == 404
    world.step("li.na", f"{case}/dispatch", {"lead_unit": "HRS"}, version=1)
    assert world.get("zhao.lei", case).status_code == 200  # now HRS leads it
