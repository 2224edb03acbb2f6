"""`casetrail report lists|ranking` show what was published for a period (frozen editions and
their objections, reproducible from the log); `casetrail publish` refuses a period still
running. Over the demo, which publishes every finished quarter's lists and year's ranking."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from domain.periods import Period
from tests.support.cli import CommandRunner

CHINA = timezone(timedelta(hours=8))


def test_reports_show_published_lists_and_rankings_and_publishing_waits_for_the_period_end(
    tmp_path: Path,
) -> None:
    casetrail = CommandRunner(tmp_path / "home")
    casetrail.ok("demo", "--cases", "40")
    now = json.loads(casetrail.ok("report", "board"))["as_of"]
    today = datetime.fromisoformat(now).astimezone(CHINA).date()
    current = Period.parse(f"{today.year}-Q{(today.month - 1) // 3 + 1}")
    finished = current.previous().previous()  # over for months: the demo published it

    shown = json.loads(casetrail.ok("report", "lists", "--period", finished.name, "--reproduce"))
    assert (shown["what"], shown["period"]) == ("lists", finished.name)
    first = shown["editions"][0]
    assert first["stamp"]["definitions"] == "metrics-2026.3"
    assert first["policy_version"] == "2026.4"
    assert set(first["entries"]) == {"unit", "window", "staff"}
    assert isinstance(shown["objections"], list)
    assert all(r["reproduces"] is True for r in shown["reproduced"])
    draft = json.loads(casetrail.ok("report", "lists", "--period", finished.name, "--draft"))
    assert {"red", "black", "definitions"} <= set(draft)  # what publishing now would give

    year = str(today.year)
    missing = casetrail("report", "ranking", "--period", year)
    assert missing.returncode == 1
    assert f"the ranking of {year} are not published" in missing.stderr
    early = casetrail("publish", "ranking", "--period", year, "--as", "duchashi1")
    assert early.returncode == 1
    assert "published once it is over, never for a period still running" in early.stderr
    assert (
        casetrail("publish", "ranking", "--period", "2025-13", "--as", "duchashi1").returncode == 2
    )
