"""Stationed staff's work and secondments over HTTP: the stationed staff member records and opens
a case, another staff member and another enterprise find nothing, the enterprise served
confirms; a short secondment is a 422 naming its rule, and the roster shows who is where."""

from __future__ import annotations

from datetime import datetime

from domain.actors import Role
from tests.e2e.api_world import PASSWORD, World, world
from tests.support.app import ADMIN
from tests.support.clock import CHINA
from tests.support.oversight_world import KEY_ENTERPRISE

__all__ = ["world"]


def test_a_stationed_activity_is_recorded_scoped_confirmed_and_opens_a_case(world: World) -> None:
    world.clock.set(datetime(2026, 4, 10, 16, 0, tzinfo=CHINA))
    world.container.app.station_staff("li.na", KEY_ENTERPRISE, actor=ADMIN)
    world.container.accounts.add_user(
        "key-co", Role.ENTERPRISE, actor=ADMIN, unit=None, enterprise=KEY_ENTERPRISE,
        leader=None, password=PASSWORD,
    )  # fmt: skip
    world.tokens["key-co"] = world.container.accounts.issue_token("key-co", actor=ADMIN).token
    path = f"/api/v1/enterprises/{KEY_ENTERPRISE}/stationed-activities"
    body = {
        "kind": "problem_taken_up", "description": "用电报装进度慢", "happened_on": "2026-04-09",
    }  # fmt: skip

    refused = world.post("zhao.lei", path, body)
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "activity-needs-stationing"
    created = world.step("li.na", path, body)
    activity = f"/api/v1/stationed-activities/{created['id']}"

    assert world.get("zhao.lei", activity).status_code == 404
    assert world.get("example-co", activity).status_code == 404
    assert world.get("county-01", activity).status_code == 403
    shown = world.get("key-co", activity).json()
    assert (shown["activity_kind"], shown["happened_on"]) == ("problem_taken_up", "2026-04-09")

    case = world.step("li.na", f"{activity}/case", {"case_type": "help"})
    assert world.get("li.na", activity).json()["case_id"] == case["id"]
    again = world.post("li.na", f"{activity}/case", {"case_type": "help"})
    assert again.status_code == 409

    other = world.post("example-co", f"{activity}/confirmation", {"confirmed": True})
    assert other.status_code == 404
    world.step("key-co", f"{activity}/confirmation", {"confirmed": True})
    assert world.get("chen.jie", activity).json()["enterprise_answer"]["confirmed"] is True


def test_a_short_secondment_is_refused_and_the_roster_shows_who_is_where(world: World) -> None:
    body = {
        "person": "周强", "direction": "cadre_to_enterprise", "home": "AMR",
        "host": KEY_ENTERPRISE, "starts_on": "2026-03-01", "ends_on": "2026-08-31",
    }  # fmt: skip
    short = world.post("chen.jie", "/api/v1/secondments", body)
    assert short.status_code == 422, short.text
    problem = short.json()
    assert (problem["code"], problem["params"]["earliest_end"]) == (
        "secondment-too-short",
        "2026-09-01",
    )
    assert world.post("li.na", "/api/v1/secondments", body).status_code == 403
    saved = world.step("chen.jie", "/api/v1/secondments", {**body, "ends_on": "2026-09-01"})
    roster = world.get("county-01", "/api/v1/secondments", on="2026-05-01").json()
    assert [(r["person"], r["id"]) for r in roster] == [("周强", saved["id"])]
    world.step(
        "root", f"/api/v1/secondments/{saved['id']}/early-end",
        {"on": "2026-04-30", "reason": "工作需要"},
    )  # fmt: skip
    assert world.get("county-01", "/api/v1/secondments", on="2026-05-01").json() == []
    shown = world.get("zhou.min", f"/api/v1/secondments/{saved['id']}").json()
    assert (shown["ended_on"], shown["end_reason"]) == ("2026-04-30", "工作需要")
