"""`casetrail quarterly`: the form, an enterprise's answer and a quarter's results per
department, over the demo (whose enterprises answered the last quarter whose form closed)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from domain.periods import Period
from tests.support.cli import CommandRunner

CHINA = timezone(timedelta(hours=8))
SCORES = ("environment=5", "efficiency=4", "attitude=5", "policy_delivery=4", "integrity=5")


def current_quarter(today: date) -> Period:
    return Period.parse(f"{today.year}-Q{(today.month - 1) // 3 + 1}")


def test_the_cli_shows_the_form_refuses_a_closed_quarter_and_reports_the_results(
    tmp_path: Path,
) -> None:
    casetrail = CommandRunner(tmp_path / "home")
    summary = json.loads(casetrail.ok("demo", "--cases", "20", "--json"))
    assert summary["quarterly_evaluations"] > 0
    now = json.loads(casetrail.ok("report", "board"))["as_of"]  # the command line's "now"
    today = datetime.fromisoformat(now).astimezone(CHINA).date()
    closed = current_quarter(today).previous()  # its form closed when it ended

    form = json.loads(casetrail.ok("quarterly", "form"))
    assert list(form["questions"]) == [s.split("=")[0] for s in SCORES]
    assert (form["scale"]["min"], form["scale"]["max"]) == (1, 5)

    results = json.loads(casetrail.ok("quarterly", "results", "--quarter", closed.name))
    assert results["definitions"] == "metrics-2026.3"
    assert results["eligible_enterprises"] == 24
    assert sum(u["answers"] for u in results["units"]) == summary["quarterly_evaluations"]
    assert all(u["response_rate"]["denominator"] == 24 for u in results["units"])

    casetrail.ok(
        "users", "add", "huachuang", "--role", "enterprise", "--enterprise", "91440300000DEMO0X"
    )
    late = casetrail(
        "quarterly", "answer", "--as", "huachuang", "--unit", "AMR", "--quarter", closed.name,
        *(x for s in SCORES for x in ("--score", s)),
    )
    assert late.returncode == 1
    assert f"the evaluation of {closed.name} is open from" in late.stderr

    bad_quarter = casetrail("quarterly", "results", "--quarter", "2026-13")
    assert bad_quarter.returncode == 2
    bad_score = casetrail(
        "quarterly", "answer", "--as", "huachuang", "--unit", "AMR", "--quarter", closed.name,
        "--score", "environment=five",
    )
    assert bad_score.returncode == 2
    assert "QUESTION=N" in bad_score.stderr
    staff = casetrail(
        "quarterly", "answer", "--as", "amr.clerk1", "--unit", "AMR", "--quarter", closed.name,
        *(x for s in SCORES for x in ("--score", s)),
    )
    assert staff.returncode == 2
