"""Text colours in the stylesheet meet WCAG 2 AA contrast (4.5:1) on the backgrounds they sit on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "api/web/static/casetrail.css").read_text()
VARIABLES = dict(re.findall(r"--([a-z0-9-]+):\s*(#[0-9a-fA-F]{6})", CSS))
# (text, background, where): colours as written in the stylesheet, variables by name.
PAIRS = [
    ("ink", "panel", "body text"),
    ("ink", "bg", "text on the page background"),
    ("muted", "panel", "hints and captions"),
    ("muted", "bg", "hints on the page background"),
    ("muted", "#f0f3f7", "hints over table heads"),
    ("link", "panel", "links"),
    ("link", "bg", "links on the page background"),
    ("#ffffff", "brand", "the header"),
    ("#c9d8ea", "brand", "the role under the login in the header"),
    ("#e8eef6", "brand", "header navigation"),
    ("brand", "#ffffff", "the current section in the header"),
    ("#ffffff", "brand-2", "buttons"),
    ("red", "red-bg", "overdue badges"),
    ("yellow", "yellow-bg", "due-soon badges"),
    ("green", "green-bg", "on-time badges"),
    ("#4b2d83", "#ece7f6", "paused badges"),
    ("#1a4f8a", "#e6f0fb", "provisional badges"),
    ("#1d3d63", "#e8eef6", "status badges"),
    ("#3b4654", "grey-bg", "closed badges"),
    ("#123f20", "green-bg", "confirmations"),
    ("#7a140c", "red-bg", "errors"),
    ("yellow", "#fff8e1", "the conflict notice"),
]


def colour(name: str) -> str:
    return name if name.startswith("#") else VARIABLES[name]


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_is_computed_as_wcag_defines_it() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize(("text", "background", "where"), PAIRS)
def test_text_meets_aa_contrast(text: str, background: str, where: str) -> None:
    ratio = contrast(colour(text), colour(background))
    assert ratio >= 4.5, f"{where}: {ratio:.2f}:1"
