"""Finding 7: a clerk read a non-confidential filer's name and phone through
``/api/v1/cases/{id}/filer`` and nothing was recorded. Every read is now an event (who, when,
why), listed per data subject for inspectors, over the API and on the command line."""

from __future__ import annotations

from uuid import UUID

from tests.e2e.api_world import World, world
from tests.support.cli import CommandRunner

__all__ = ["world"]


def test_every_read_of_a_filer_is_recorded_and_listed_for_inspectors(world: World) -> None:
    filed = world.step(
        "li.na",
        "/api/v1/cases",
        {"case_type": "complaint", "channel": "window", "summary": "审批超时",
         "filer_name": "张伟", "filer_contact": "13800000000"},
    )
    read = world.get("li.na", f"/api/v1/cases/{filed['id']}/filer", purpose="电话回访")
    assert read.status_code == 200
    assert read.json()["contact"] == "13800000000"
    subject = world.container.app.case(UUID(filed["id"])).filer_subject
    listed = world.get("zhou.min", f"/api/v1/data-subjects/{subject}/reads")
    assert listed.status_code == 200, listed.text
    assert [(r["reader"], r["role"], r["purpose"], r["case_id"]) for r in listed.json()] == [
        ("li.na", "window_staff", "电话回访", filed["id"])
    ]
    assert world.get("li.na", f"/api/v1/data-subjects/{subject}/reads").status_code == 403
    printed = CommandRunner(world.container.settings.home).ok("identity-reads", str(subject))
    assert "li.na" in printed
    assert "电话回访" in printed
    assert filed["id"] in printed


def test_a_read_without_a_purpose_is_refused_and_leaves_nothing(world: World) -> None:
    filed = world.step(
        "li.na",
        "/api/v1/cases",
        {"case_type": "complaint", "channel": "window", "summary": "审批超时",
         "filer_name": "张伟", "filer_contact": "13800000000"},
    )
    refused = world.get("li.na", f"/api/v1/cases/{filed['id']}/filer")
    assert refused.status_code == 422
    subject = world.container.app.case(UUID(filed["id"])).filer_subject
    assert world.get("zhou.min", f"/api/v1/data-subjects/{subject}/reads").json() == []
