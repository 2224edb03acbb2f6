"""The real ``casetrail`` command in a subprocess, on a fresh embedded store per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import ROOT, CommandRunner

EXAMPLE_2027 = ROOT / "docs" / "examples" / "calendar-2027.toml"


@pytest.fixture
def casetrail(tmp_path: Path) -> CommandRunner:
    return CommandRunner(tmp_path / "home")


def test_a_complaint_filed_before_spring_festival_2026_is_due_on_march_11(
    casetrail: CommandRunner,
) -> None:
    # Counted by hand in tests/unit/test_clock.py: the holiday Feb 15-23 is skipped and the
    # make-up Saturdays Feb 14 and Feb 28 count.
    done = casetrail("deadline", "2026-02-12", "--type", "complaint")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "2026-03-11"
    assert "  2026-02-14 (Saturday)    make-up for Spring Festival 春节" in lines
    assert "provisional" not in done.stdout


def test_publishing_2027_turns_a_provisional_deadline_into_an_official_one(
    casetrail: CommandRunner,
) -> None:
    new_year = casetrail("deadline", "2026-12-20", "--days", "15")
    assert new_year.stdout.splitlines()[0] == "2027-01-11"  # 1 January rests by statute
    before = casetrail("deadline", "2027-01-25", "--days", "15")
    assert before.returncode == 0, before.stderr
    assert before.stdout.splitlines()[0] == "2027-02-15"  # no Spring Festival known yet
    assert "provisional: no official arrangement for 2027" in before.stdout

    published = casetrail("calendar", "publish", "2027", "--file", str(EXAMPLE_2027))
    assert published.returncode == 0, published.stderr
    assert "published 2027: 29 rest days, 5 make-up working days" in published.stdout
    assert "recomputed 0 provisional case deadlines on 2027" in published.stdout

    after = casetrail("deadline", "2027-01-25", "--days", "15")
    assert after.returncode == 0, after.stderr
    assert after.stdout.splitlines()[0] == "2027-02-20"  # the example's Spring Festival
    assert "provisional" not in after.stdout

    shown = casetrail("calendar", "show", "2027")
    assert "official arrangement, source: EXAMPLE for testing" in shown.stdout


@pytest.mark.parametrize(
    "argv",
    [
        ["deadline", "2026-02-12"],
        ["deadline", "2026-02-12", "--days", "15", "--type", "complaint"],
        ["deadline", "2026-02-12", "--days", "0"],
        ["deadline", "2026-02-12", "--type", "gossip"],
        ["calendar", "publish", "2028", "--file", str(EXAMPLE_2027)],
    ],
)
def test_bad_arguments_exit_2_with_a_message(casetrail: CommandRunner, argv: list[str]) -> None:
    done = casetrail(*argv)
    assert done.returncode == 2
    assert "casetrail" in done.stderr
    assert "Traceback" not in done.stderr
