"""Issue 12, finding 12: the first asker (首问负责) keeps sight of a case after handing it over,
because the rule says the owner follows it up; before, the case answered 404 to them."""

from __future__ import annotations

from tests.e2e.api_world import World, world

__all__ = ["world"]


def test_finding_12_the_first_asker_still_sees_a_case_after_handing_it_over(
    world: World,
) -> None:
    filed = world.step(
        "li.na",  # an AMR clerk takes a social-insurance demand at the window
        "/api/v1/cases",
        {"case_type": "help", "channel": "window", "summary": "社保补缴", "filer_name": "王女士"},
    )
    case = f"/api/v1/cases/{filed['id']}"
    world.step("li.na", f"{case}/hand-over", {"to": "zhao.lei", "reason": "社保事项，非本单位"})
    shown = world.get("li.na", case)
    assert shown.status_code == 200, shown.text
    assert (shown.json()["owner"], shown.json()["first_asker"]) == ("zhao.lei", "li.na")
    listed = world.get("li.na", "/api/v1/cases", limit=200).json()["items"]
    assert filed["id"] in {item["id"] for item in listed}
    # The sight is the first asker's own: a colleague who never held the case has none.
    assert world.get("wang.qiang", case).status_code == 404
