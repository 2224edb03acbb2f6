"""casetrail merit: the demo's commendations, sanction and cleared accusation from the command
line; the competition of a published quarter; bad input exits 2, a refused decision 1."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import CommandRunner


def test_the_demo_quarter_competes_and_decisions_land_in_the_record(tmp_path: Path) -> None:
    casetrail = CommandRunner(tmp_path / "home")
    summary = json.loads(casetrail.ok("demo", "--cases", "60", "--json"))
    decision = json.loads(casetrail.ok("replay", summary["samples"]["commendations"], "--json"))
    cites = decision["state"]["cites"]
    period = cites["period"]
    board = json.loads(casetrail.ok("merit", "competition", "--period", period))
    assert board["definitions"] == "competition-2026.1"
    assert set(board["standings"]) == {"window", "staff"}
    assert board["publication_id"] == cites["publication_id"]
    kind, subject = decision["state"]["subject_kind"], decision["state"]["subject_id"]
    record = json.loads(casetrail.ok("merit", "record", f"{kind}:{subject}"))
    assert "commendation" in [e["entry_kind"] for e in record["items"]]

    bad_subject = casetrail(
        "merit", "decide", "commendation", "--subject", "li.na", "--cites",
        f"lists:{period}:staff:li.na", "--reason", "x", "--as", "chen.jie",
    )
    assert bad_subject.returncode == 2
    assert "staff:LOGIN" in bad_subject.stderr
    bad_period = casetrail("merit", "competition", "--period", "2026")
    assert bad_period.returncode == 2
    unpublished = casetrail(
        "merit", "decide", "commendation", "--subject", "unit:AMR", "--cites",
        "lists:2001-Q1:unit:AMR", "--reason", "x", "--as", "duchashi1",
    )
    assert unpublished.returncode == 1, unpublished.stderr
    assert "cites the published" in unpublished.stderr
