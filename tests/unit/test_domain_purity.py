"""The domain stays pure: the purity check passes on the real tree and catches each breach."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
CHECK = REPOSITORY / "scripts" / "check_domain_purity.py"


def run_check(domain: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(CHECK), str(domain)],
        capture_output=True,
        text=True,
        check=False,
        cwd=domain.parent,
    )


def domain_with(tmp_path: Path, source: str) -> Path:
    domain = tmp_path / "domain"
    (domain / "services").mkdir(parents=True)
    (domain / "pure.py").write_text("from datetime import datetime\n\nX = datetime.min\n")
    (domain / "services" / "bad.py").write_text(source)
    return domain


def test_the_real_domain_imports_no_infrastructure_and_reads_no_clock() -> None:
    result = run_check(REPOSITORY / "domain")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no violations" in result.stdout


@pytest.mark.parametrize(
    ("source", "line", "problem"),
    [
        ("import fastapi\n", 1, "imports fastapi"),
        ("import os\nfrom psycopg import sql\n", 2, "imports psycopg"),
        ("from infra.settings import Settings\n", 1, "imports infra.settings"),
        ("from projections import board\n", 1, "imports projections"),
        ("def f():\n    import sqlite3\n", 2, "imports sqlite3"),
        ("from eventsourcing.postgres import Factory\n", 1, "imports eventsourcing.postgres"),
        ("import importlib\nK = importlib.import_module('kafka')\n", 2, "imports kafka"),
        ("from datetime import datetime\nT = datetime.now()\n", 2, "datetime.datetime.now"),
        ("import datetime as dt\nT = dt.datetime.utcnow()\n", 2, "datetime.datetime.utcnow"),
        ("from datetime import date\nD = date.today()\n", 2, "datetime.date.today"),
        ("import time\nS = time.time()\n", 2, "time.time"),
        ("from time import time as now\nS = now()\n", 2, "time.time"),
        (
            "from dataclasses import field\nfrom datetime import datetime\n"
            "F = field(default_factory=datetime.now)\n",
            3,
            "datetime.datetime.now",
        ),
    ],
)
def test_a_breach_fails_the_check_and_names_file_and_line(
    tmp_path: Path, source: str, line: int, problem: str
) -> None:
    result = run_check(domain_with(tmp_path, source))

    assert result.returncode == 1
    assert f"domain/services/bad.py:{line}: " in result.stdout
    assert problem in result.stdout
    assert "pure.py" not in result.stdout


def test_arithmetic_on_given_times_is_not_mistaken_for_a_clock_read(tmp_path: Path) -> None:
    source = (
        "from datetime import datetime, timedelta\n"
        "def due(at: datetime) -> datetime:\n"
        "    return at + timedelta(days=1)\n"
        "LATEST = datetime.max\n"
    )

    assert run_check(domain_with(tmp_path, source)).returncode == 0
