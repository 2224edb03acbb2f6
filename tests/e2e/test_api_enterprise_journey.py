"""An enterprise files a demand online, follows it, and rates the service."""

from __future__ import annotations

from tests.e2e.api_world import World, world

__all__ = ["world"]


def test_an_enterprise_files_follows_and_rates_its_case(world: World) -> None:
    filed = world.step(
        "example-co",
        "/api/v1/cases",
        {"case_type": "consultation", "summary": "咨询高新技术企业认定条件", "filer_name": "张伟"},
    )
    case = f"/api/v1/cases/{filed['id']}"
    following = world.get("example-co", case).json()
    # Filed online: nobody owns it yet, it waits in the intake queue, for this enterprise.
    assert (following["owner"], following["status"], following["channel"]) == (
        None,
        "received",
        "web",
    )
    assert (
        following["enterprise_id"]
        == world.get("example-co", "/api/v1/session").json()["enterprise_id"]
    )
    assert world.get("other-co", case).status_code == 404

    world.step("li.na", f"{case}/receive", version=1)
    answered = world.step(
        "li.na", f"{case}/direct-answer", {"answer": "认定条件见科技局官网第3条"}, version=2
    )
    assert world.get("example-co", case).json()["status"] == "replied"

    # The list is a read model: behind a server's background runner it shows the write once
    # it has reached the write's position (the case itself is read from its history).
    mine = world.get(
        "example-co", "/api/v1/cases", min_position=answered["position"]
    ).json()["items"]
    assert [c["id"] for c in mine] == [filed["id"]]
    assert world.get("other-co", "/api/v1/cases").json()["items"] == []

    rated = world.post(
        "example-co", f"{case}/ratings", {"level": "dissatisfied", "reason": "答复不具体"}
    )
    assert rated.status_code == 201, rated.text
    body = rated.json()
    assert body["rectification"] is not None  # a 差评 opens its rectification at once
    evaluation = world.get("example-co", f"/api/v1/evaluations/{body['evaluation']['id']}")
    assert (evaluation.json()["level"], evaluation.json()["bad"]) == ("dissatisfied", True)
    again = world.post("example-co", f"{case}/ratings", {"level": "satisfied"})
    assert again.status_code == 409  # one rating per service
    assert world.post("li.na", f"{case}/ratings", {"level": "satisfied"}).status_code == 403


def test_an_enterprise_cannot_file_for_another_enterprise(world: World) -> None:
    refused = world.post(
        "example-co",
        "/api/v1/cases",
        {
            "case_type": "complaint",
            "summary": "x",
            "enterprise": "91440300MA5OTHER01",
            "filer_name": "张伟",
        },
    )
    assert refused.status_code == 403
