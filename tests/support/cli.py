"""The real ``casetrail`` command in a subprocess, configured only by what the test gives it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


class CommandRunner:
    """Runs ``python -m api.cli.main`` with its own CASETRAIL_HOME (and optional database)."""

    def __init__(self, home: Path, database_url: str | None = None) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CASETRAIL_")}
        self.env["CASETRAIL_HOME"] = str(home)
        if database_url:
            self.env["CASETRAIL_DATABASE_URL"] = database_url

    def __call__(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "api.cli.main", *args], cwd=ROOT, env=self.env,
            capture_output=True, text=True, timeout=timeout, check=False,
        )

    def ok(self, *args: str) -> str:
        """Run and insist on exit 0; the output, or the error in the assertion message."""
        done = self(*args)
        assert done.returncode == 0, f"casetrail {' '.join(args)}: {done.stderr or done.stdout}"
        return done.stdout
