"""casetrail demo seeds every kind of record once, and replay prints each one's history."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import CommandRunner

KINDS = (
    "cases",
    "evaluations",
    "rectifications",
    "appeals",
    "visits",
    "supervisions",
    "accountability_matters",
    "commendations",
    "cleared_accusations",
    "accuser_matters",
    "quarterly_evaluations",
    "stationed_activities",
    "stationed_cases",
    "front_line_weeks",
    "secondments",
)


def test_demo_seeds_every_kind_and_each_sample_replays(tmp_path: Path) -> None:
    casetrail = CommandRunner(tmp_path / "home")
    summary = json.loads(casetrail.ok("demo", "--cases", "60", "--json"))
    assert all(summary[kind] > 0 for kind in KINDS), summary
    assert set(KINDS) <= set(summary["samples"])
    for kind, sample in summary["samples"].items():
        replay = json.loads(casetrail.ok("replay", sample, "--json"))
        assert replay["timeline"], f"{kind} {sample} has no history"
        assert all(step["actor"] and step["role"] and step["time"] for step in replay["timeline"])
    text = casetrail.ok("replay", summary["samples"]["cases"])
    assert "Filed" in text
    assert "state:" in text


def test_demo_on_a_store_with_data_changes_nothing(tmp_path: Path) -> None:
    casetrail = CommandRunner(tmp_path / "home")
    casetrail.ok("demo", "--cases", "5")
    before = casetrail.ok("projections", "status")
    again = casetrail("demo", "--cases", "5")
    assert again.returncode == 0
    assert "changed nothing" in again.stdout
    assert casetrail.ok("projections", "status") == before


def test_demo_refuses_a_nonsense_case_count(tmp_path: Path) -> None:
    done = CommandRunner(tmp_path / "home")("demo", "--cases", "0")
    assert done.returncode == 2
    assert "--cases must be between 1 and 100000" in done.stderr
