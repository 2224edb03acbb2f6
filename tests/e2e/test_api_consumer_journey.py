"""An API consumer pages through cases, reading its partner's writes via min_position."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.api_world import World, world

__all__ = ["world"]


def test_a_consumer_pages_through_cases_and_reads_the_latest_write(world: World) -> None:
    world.container.start_background(watch_every=3600)
    positions = []
    for n in range(5):
        world.clock.advance(minutes=10)
        filed = world.step(
            "li.na",
            "/api/v1/cases",
            {
                "case_type": "consultation",
                "channel": "window",
                "summary": f"咨询 {n}",
                "filer_name": "王芳",
            },
        )
        positions.append(filed["position"])
    seen, cursor = [], None
    while True:
        params = {"limit": 2, "sort": "filed_at", "min_position": positions[-1]}
        page = world.get(
            "data-platform", "/api/v1/cases", **params, **({"cursor": cursor} if cursor else {})
        )
        assert page.status_code == 200, page.text
        body = page.json()
        assert body["position"] >= positions[-1]
        seen += [item["summary"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"咨询 {n}" for n in range(5)]


def test_an_open_case_past_its_deadline_is_listed_as_overdue_now(world: World) -> None:
    filed = world.step(
        "li.na",
        "/api/v1/cases",
        {
            "case_type": "consultation",
            "channel": "window",
            "summary": "咨询材料",
            "filer_name": "王芳",
        },
    )
    # A consultation is due in 2 working days: Wednesday 4 March. Thursday it is overdue.
    world.clock.advance(timedelta(days=3))
    listed = world.get(
        "data-platform", "/api/v1/cases", overdue=True, min_position=filed["position"]
    ).json()
    assert [(c["id"], c["time_state"]) for c in listed["items"]] == [(filed["id"], "overdue")]


def test_a_position_past_the_end_of_the_log_is_refused(world: World) -> None:
    refused = world.get("data-platform", "/api/v1/cases", min_position=10**9)
    assert refused.status_code == 422
