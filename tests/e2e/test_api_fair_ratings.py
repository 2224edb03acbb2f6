"""Issue 12, finding 7 over HTTP: `POST /api/v1/ratings` took any made-up service id and any
staff string; an anonymous rater could not be traced. Now the window records the service, the
visitor rates with the code on the receipt, and an inspector reads an anonymous rater on record.
"""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.api_world import World, world
from tests.support.clock import FakeClock

__all__ = ["world"]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_finding_7_a_made_up_service_or_a_named_clerk_is_refused(world: World) -> None:
    made_up = world.post(
        "example-co",
        "/api/v1/ratings",
        {"service_id": str(uuid.uuid4()), "level": "very_dissatisfied", "reason": "差"},
    )
    assert made_up.status_code == 404, made_up.text
    assert made_up.json()["code"] == "service-not-recorded"
    named = world.post(
        "example-co",
        "/api/v1/ratings",
        {"service_id": str(uuid.uuid4()), "level": "satisfied", "staff": "nobody"},
    )
    assert named.status_code == 422  # the staff rated is the one who served, never a field


def test_finding_7_a_visitor_rates_with_the_receipt_code_and_an_inspector_can_trace_abuse(
    world: World,
) -> None:
    served = world.step("li.na", "/api/v1/window-services", {"service_item": "营业执照变更登记"})
    code = served["rating_code"]
    shown = world.get("li.na", f"/api/v1/window-services/{served['id']}").json()
    assert shown["staff"] == "li.na"
    assert code not in str(shown)
    world.clock.advance(minutes=5)

    forged = world.client.post(
        "/api/v1/ratings/by-code",
        json={"service_id": served["id"], "code": "AAAA-BBBB-CCCC", "level": "satisfied"},
    )
    assert (forged.status_code, forged.json()["code"]) == (403, "rating-code-mismatch")
    rated = world.client.post(
        "/api/v1/ratings/by-code",
        json={"service_id": served["id"], "code": code, "level": "satisfied"},
    )
    assert rated.status_code == 201, rated.text
    again = world.client.post(
        "/api/v1/ratings/by-code",
        json={"service_id": served["id"], "code": code, "level": "satisfied"},
    )
    assert (again.status_code, again.json()["code"]) == (409, "service-rated-once")

    for_example = world.step(
        "li.na",
        "/api/v1/window-services",
        {"service_item": "营业执照变更登记", "enterprise": "91440300MA5EXAMPLE"},
    )
    world.clock.advance(minutes=5)
    by_other = world.post(
        "other-co", "/api/v1/ratings", {"service_id": for_example["id"], "level": "satisfied"}
    )
    assert (by_other.status_code, by_other.json()["code"]) == (403, "rating-by-party-served")
    anonymous = world.step(
        "example-co",
        "/api/v1/ratings",
        {
            "service_id": for_example["id"],
            "level": "very_dissatisfied",
            "reason": "态度恶劣",
            "real_name": False,
        },
    )
    evaluation = anonymous["evaluation"]["id"]
    as_head = world.get("wang.qiang", f"/api/v1/evaluations/{evaluation}/rater", purpose="查")
    assert as_head.status_code == 403
    as_inspector = world.get(
        "zhou.min", f"/api/v1/evaluations/{evaluation}/rater", purpose="核查恶意差评"
    )
    assert as_inspector.status_code == 200, as_inspector.text
    assert as_inspector.json()["rater"] == "91440300MA5EXAMPLE"
    unit_view = world.get("wang.qiang", f"/api/v1/evaluations/{evaluation}").json()
    assert "91440300MA5EXAMPLE" not in str(unit_view)
    own = world.get("example-co", f"/api/v1/evaluations/{evaluation}")
    assert own.status_code == 200  # the rater still finds their own anonymous rating
