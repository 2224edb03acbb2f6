"""Termination (终止办理) over the API: the handling clerk asks, the unit's head refuses (handling
goes on) or, asked again, terminates; a second request while one waits is refused with its code."""

from __future__ import annotations

from domain.actors import Actor, Role
from tests.e2e.api_world import World, world

__all__ = ["world"]
CLERK = Actor("li.na", Role.WINDOW_STAFF)


def test_a_termination_is_asked_refused_asked_again_and_approved(world: World) -> None:
    app = world.container.app
    case_id = app.file_demand(
        case_type="help", channel="window", summary="企业搬迁", filer_name="张先生", actor=CLERK
    ).id
    app.dispatch(case_id, "AMR", actor=CLERK)
    app.sign_for(case_id, actor=CLERK)
    base = f"/api/v1/cases/{case_id}"

    world.step("li.na", f"{base}/termination-requests", {"reason": "企业已注销"})
    again = world.post("li.na", f"{base}/termination-requests", {"reason": "企业已注销"})
    assert again.status_code == 422
    assert again.json()["code"] == "termination-already-pending"
    other_head = world.post("sun.li", f"{base}/termination-refusals", {"reason": "继续"})
    assert other_head.status_code in (403, 404)

    world.step("wang.qiang", f"{base}/termination-refusals", {"reason": "企业仍在经营"})
    assert world.get("wang.qiang", base).json()["status"] == "in_progress"
    world.step("li.na", f"{base}/termination-requests", {"reason": "企业确已注销"})
    world.step("wang.qiang", f"{base}/terminate", {"reason": "情况属实", "requested_by": "li.na"})
    assert world.get("wang.qiang", base).json()["status"] == "terminated"
