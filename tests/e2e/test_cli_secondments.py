"""Secondments on the command line: arranged, refused when shorter than the policy's months
(exit 2), ended early with a reason, and the roster of who is where on a day."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import CommandRunner


def test_a_secondment_is_arranged_refused_when_short_ended_and_on_the_roster(
    tmp_path: Path,
) -> None:
    casetrail = CommandRunner(tmp_path / "home")
    casetrail.ok("admin", "add", "units", "code=AMR", "name=市场监督管理局")
    casetrail.ok(
        "admin",
        "add",
        "enterprises",
        "credit_code=91350100MA2Y00010F",
        "name=重点示例制造",
        "ownership=private",
        "key_enterprise=true",
    )
    arrange = (
        "secondments",
        "arrange",
        "--person",
        "周强",
        "--direction",
        "cadre_to_enterprise",
        "--home",
        "AMR",
        "--host",
        "91350100MA2Y00010F",
        "--from",
        "2026-03-01",
    )
    short = casetrail(*arrange, "--until", "2026-08-31")
    assert short.returncode == 2
    assert "at least 6 months" in short.stderr
    bad_date = casetrail(*arrange, "--until", "31/08/2026")
    assert (bad_date.returncode, "--until must be a date" in bad_date.stderr) == (2, True)
    done = casetrail.ok(*arrange, "--until", "2026-09-01")
    secondment_id = done.split()[1]

    roster = json.loads(casetrail.ok("secondments", "roster", "--on", "2026-05-01", "--json"))
    assert [row["person"] for row in roster["secondments"]] == ["周强"]
    early = casetrail("secondments", "end", secondment_id, "--on", "2026-09-01", "--reason", "期满")
    assert early.returncode == 2  # the planned end is not an early end
    casetrail.ok("secondments", "end", secondment_id, "--on", "2026-04-30", "--reason", "企业召回")
    after = casetrail.ok("secondments", "roster", "--on", "2026-05-01")
    assert "周强" not in after
    before = casetrail.ok("secondments", "roster", "--on", "2026-04-30")
    assert "周强" in before

    # The coverage report carries the stationed staff's figure: nobody is stationed yet.
    report = json.loads(casetrail.ok("report", "coverage", "--period", "2026-04"))
    stationed = report["stationed"]
    assert (stationed["key_enterprises"], stationed["definitions"]) == (1, "stationed-2026.1")
    assert len(stationed["without_staff"]) == 1
