"""Key projects over HTTP: a supervisor opens, the leader plans, staff work and block, the
leader answers and closes; the watcher warns an overdue task; the board counts in SQL."""

from __future__ import annotations

from datetime import timedelta

from infra.projects_read import task_filter, task_rows
from infra.runtime import issue_due_alerts
from infra.watcher import running_projects, warn_running_tasks
from tests.e2e.api_world import World, world

__all__ = ["world"]


def test_the_project_journey_over_the_api(world: World) -> None:
    opened = world.post("chen.jie", "/api/v1/projects", {
        "title": "电池厂二期扩建", "project_kind": "construction", "leader": "county-01",
        "targets": ["年底前取得施工许可"], "enterprise": "91440300MA5KEY0001",
    })
    assert opened.status_code == 201, opened.text
    pid = opened.json()["id"]
    refused = world.post("li.na", "/api/v1/projects", {
        "title": "x", "project_kind": "investment", "leader": "county-01", "targets": ["t"],
    })
    assert refused.status_code == 403
    force = world.post("county-01", f"/api/v1/projects/{pid}/task-force",
                       {"members": ["li.na", "zhao.lei"]})
    assert force.status_code == 200, force.text
    added = world.post("county-01", f"/api/v1/projects/{pid}/tasks", {
        "title": "施工许可", "responsible": "li.na", "standard": "并联审批", "working_days": 2,
    })
    assert (added.status_code, added.json()["task_id"]) == (201, "T1")
    not_member = world.post("county-01", f"/api/v1/projects/{pid}/tasks", {
        "title": "x", "responsible": "sun.li", "standard": "y", "working_days": 2,
    })
    assert not_member.status_code == 422
    assert not_member.json()["code"] == "project.responsible-not-member"
    progress = world.post("li.na", f"/api/v1/projects/{pid}/tasks/T1/progress",
                          {"note": "材料已齐", "percent": 50})
    assert progress.status_code == 200, progress.text
    assert world.post("zhao.lei", f"/api/v1/projects/{pid}/tasks/T1/blockage",
                      {"reason": "x"}).status_code == 403
    blocked = world.post("li.na", f"/api/v1/projects/{pid}/tasks/T1/blockage",
                         {"reason": "规划许可未下达"})
    assert blocked.status_code == 200
    waiting = world.get("county-01", "/api/v1/project-tasks", leader="county-01",
                        status="blocked", min_position=blocked.json()["position"])
    assert [t["task_id"] for t in waiting.json()["items"]] == ["T1"]
    answered = world.post("county-01", f"/api/v1/projects/{pid}/tasks/T1/blockage/answer",
                          {"decision": "已协调规划局"})
    assert answered.status_code == 200, answered.text

    world.clock.now += timedelta(days=7)
    app, read = world.container.app, world.container.read
    read.refresh(["projects"])
    report = warn_running_tasks(app, running_projects(read.store))
    assert dict(report.task_issued) == {"yellow": 1, "red": 1, "reminder": 1}
    world.clock.now += timedelta(days=14)
    assert issue_due_alerts(app, read) == 1  # what `serve` runs: 通报批评, once
    assert issue_due_alerts(app, read) == 0
    overdue = task_rows(app, read, task_filter(app, unit="AMR", overdue_now=True))
    assert [(t["task_id"], t["last_alert"]) for t in overdue] == [("T1", "criticism")]

    board = world.get("zhou.min", "/api/v1/projects/board")
    assert board.status_code == 200, board.text
    figures = board.json()
    assert figures["overdue_by_unit"] == {"AMR": 1}
    assert figures["overdue_by_person"] == {"li.na": 1}
    assert figures["stamp"]["definitions"] == "projects-2026.1"
    assert world.get("example-co", "/api/v1/projects/board").status_code == 403

    done = world.post("li.na", f"/api/v1/projects/{pid}/tasks/T1/completion", {"note": "已发证"})
    assert done.status_code == 200
    closed = world.post("county-01", f"/api/v1/projects/{pid}/closure",
                        {"outcome": "achieved", "summary": "许可已发，项目开工"})
    assert closed.status_code == 200, closed.text
    shown = world.get("chen.jie", f"/api/v1/projects/{pid}").json()
    assert (shown["status"], shown["outcome"]) == ("closed", "achieved")
    assert shown["tasks"][0]["completed_late"] is True
    listed = world.get("li.na", "/api/v1/projects", status="closed",
                       min_position=closed.json()["position"]).json()
    assert [p["id"] for p in listed["items"]] == [pid]
