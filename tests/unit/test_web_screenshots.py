"""The README links every screenshot the browser tests take, and each link finds its file."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests" / "e2e"


def taken() -> set[str]:
    names: set[str] = set()
    for path in TESTS.glob("test_web_*.py"):
        names |= set(re.findall(r"""\.shot\(\s*["']([a-z0-9-]+)["']""", path.read_text()))
    return names


def linked() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return set(re.findall(r"\(docs/screenshots/([a-z0-9-]+)\.png\)", readme))


def test_every_screenshot_the_tests_take_is_linked_from_the_readme() -> None:
    # The dashboards are shot in a loop, as dash-<name>.
    dashboards = {f"dash-{n}" for n in ("board", "reviews", "lists", "coverage", "ranking")}
    assert (taken() | dashboards) - linked() == set()


def test_every_linked_screenshot_is_in_the_repository() -> None:
    missing = [n for n in linked() if not (ROOT / "docs" / "screenshots" / f"{n}.png").exists()]
    assert missing == []
