"""After demo and tick, a full rebuild gives the same read models, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import CommandRunner


def rebuild_keeps_checksums(casetrail: CommandRunner) -> None:
    seeded = json.loads(casetrail.ok("demo", "--cases", "40", "--json"))
    assert seeded["seeded"] is True
    first = json.loads(casetrail.ok("tick", "--json"))
    assert first["issued"], "the demo leaves overdue cases, so the first tick warns"
    again = json.loads(casetrail.ok("tick", "--json", "--now", first["now"]))
    assert again["issued"] == {}, "each warning is issued once"
    before = casetrail.ok("projections", "checksum")
    casetrail.ok("projections", "rebuild", "--all")
    assert casetrail.ok("projections", "checksum") == before
    names = [line.split()[0] for line in before.splitlines()]
    assert {"directory", "cases"} <= set(names)


def test_rebuild_gives_identical_checksums_on_sqlite(tmp_path: Path) -> None:
    rebuild_keeps_checksums(CommandRunner(tmp_path / "home"))


@pytest.mark.postgres
def test_rebuild_gives_identical_checksums_on_postgres(
    tmp_path: Path, fresh_postgres_url: str
) -> None:
    casetrail = CommandRunner(tmp_path / "home", fresh_postgres_url)
    rebuild_keeps_checksums(casetrail)
    # The case model alone, split in two parts replayed side by side: a bar for each part.
    before = casetrail.ok("projections", "checksum")
    shown = casetrail.ok("projections", "rebuild", "cases", "--jobs", "2")
    assert "rebuilding cases#0/2" in shown
    assert "rebuilding cases#1/2" in shown
    assert "rebuilt cases:" in shown
    assert casetrail.ok("projections", "checksum") == before
