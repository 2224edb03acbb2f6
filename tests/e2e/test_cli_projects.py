"""`casetrail projects ...` over the demo city: the board counts what the demo did; a project is
opened, planned, worked, blocked, answered and closed from the command line; bad input exits 2,
a refusal 1."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import CommandRunner


def test_the_demo_counts_projects_and_the_command_line_runs_a_project(tmp_path: Path) -> None:
    casetrail = CommandRunner(tmp_path / "home")
    seeded = json.loads(casetrail.ok("demo", "--cases", "20", "--json"))
    assert seeded["projects"] == 3
    assert (seeded["project_tasks_done"], seeded["project_tasks_blocked"]) == (4, 1)
    assert seeded["project_tasks_overdue"] == 1
    board = json.loads(casetrail.ok("projects", "board", "--json"))
    assert board["by_state"] == {"planning": 0, "under_way": 1, "blocked": 1, "closed": 1}
    assert board["overdue_by_unit"] == {"ECO": 1}
    assert board["stamp"]["definitions"] == "projects-2026.1"
    overdue = [json.loads(line) for line in casetrail.ok(
        "projects", "tasks", "--overdue", "--unit", "ECO").splitlines()]
    assert [t["responsible"] for t in overdue] == ["eco.clerk2"]
    assert overdue[0]["last_alert"] in ("reminder", "criticism")  # warned by the demo's watcher

    opened = json.loads(casetrail.ok(
        "projects", "open", "--title", "智联软件研发中心落地", "--kind", "investment",
        "--leader", "L-DRC", "--target", "两个月内完成落地手续", "--as", "duchashi1",
    ))
    pid = opened["id"]
    casetrail.ok("projects", "task-force", pid, "drc.clerk1", "tax.clerk2", "--as", "L-DRC")
    added = json.loads(casetrail.ok(
        "projects", "add-task", pid, "--title", "投资协议审查", "--responsible", "drc.clerk1",
        "--standard", "五个工作日内出具意见", "--working-days", "5", "--as", "L-DRC",
    ))
    assert added["task"] == "T1"
    casetrail.ok("projects", "block", pid, "T1", "--reason", "协议条款需法制审核", "--as",
                 "drc.clerk1")
    not_yours = casetrail("projects", "answer", pid, "T1", "--decision", "x", "--as",
                          "L-COUNTY1")
    assert not_yours.returncode == 1
    assert "only they may answer a blocked task" in not_yours.stderr
    casetrail.ok("projects", "answer", pid, "T1", "--decision", "司法局三日内审核", "--as",
                 "L-DRC")
    casetrail.ok("projects", "complete", pid, "T1", "--note", "已出具意见", "--as", "drc.clerk1")
    casetrail.ok("projects", "close", pid, "--outcome", "achieved", "--summary", "已落地",
                 "--as", "L-DRC")
    shown = json.loads(casetrail.ok("projects", "show", pid))
    assert (shown["status"], shown["outcome"]) == ("closed", "achieved")

    for bad in (
        ("projects", "add-task", pid, "--title", "x", "--responsible", "drc.clerk1",
         "--standard", "y", "--working-days", "zero", "--as", "L-DRC"),
        ("projects", "close", "not-an-id", "--outcome", "achieved", "--summary", "x",
         "--as", "L-DRC"),
        ("projects", "open", "--title", "x", "--kind", "investment", "--leader", "L-DRC",
         "--target", " ", "--as", "duchashi1"),
    ):
        done = casetrail(*bad)
        assert done.returncode == 2, (bad, done.stderr)
        assert "error" in done.stderr
    unknown = casetrail("projects", "close", pid, "--outcome", "achieved", "--summary", "x",
                        "--as", "nobody")
    assert unknown.returncode == 2
    assert "neither a staff login nor a leader code" in unknown.stderr
