"""The bench's results: each figure beside its baseline and its target, as text or as JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    bound: float
    at_least: bool
    """True: the figure must be at least ``bound``; False: at most."""

    def met(self, value: float | None) -> bool | None:
        if value is None:
            return None
        return value >= self.bound if self.at_least else value <= self.bound

    @property
    def text(self) -> str:
        return f"{'≥' if self.at_least else '≤'} {self.bound:g}"


TARGETS = (
    Target("write_vs_raw", "commands through the application ÷ raw inserts", 0.6, True),
    Target("rebuild_vs_copy", "full rebuild ÷ COPY of as many rows", 0.5, True),
    Target("freshness_p99_ms", "committed → in the read model, p99 (log-fed)", 100, False),
    Target("kafka_freshness_p99_ms", "committed → in the read model, p99 (via Kafka)", 500, False),
    Target("api_p99_ms", "query latency, 16 clients, p99", 50, False),
    Target("replay_ms", "a 200-event case at an earlier version", 10, False),
)
FIGURE_KEYS = (
    "write_vs_raw", "rebuild_events_per_s", "rebuild_vs_copy", "freshness_p50_ms",
    "freshness_p99_ms", "kafka_freshness_p50_ms", "kafka_freshness_p99_ms", "api_p50_ms",
    "api_p99_ms", "replay_ms",
)


@dataclass(frozen=True)
class Line:
    """One row of the table: a figure, what it was compared with, and how it was measured."""

    key: str
    value: float | None
    baseline: str
    note: str = ""


def targets_met(figures: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        t.key: {"target": t.text, "met": t.met(figures.get(t.key))} for t in TARGETS
    }


def as_json(result: dict[str, Any]) -> str:
    return json.dumps(result, ensure_ascii=False, indent=2, sort_keys=False)


def as_table(result: dict[str, Any], lines: list[Line]) -> str:
    targets = {t.key: t for t in TARGETS}
    rows = [("figure", "value", "baseline (same run)", "target", "")]
    for line in lines:
        target = targets.get(line.key)
        met = target.met(line.value) if target else None
        rows.append((
            line.key,
            _number(line.value),
            line.baseline,
            target.text if target else "",
            {True: "met", False: "SHORT", None: ""}[met] if target else "",
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    text = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows
    ]
    text.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"  {line.key}: {line.note}" for line in lines if line.note]
    sizes = ", ".join(f"{k} {v}" for k, v in result["sizes"].items())
    header = f"casetrail bench ({result['mode']}): {sizes}"
    machine = result.get("machine")
    if machine:
        header += (
            f"\nmachine: {machine['cpus']} CPUs ({machine['cpu_model']}),"
            f" {machine['memory_gb']} GB, PostgreSQL {machine['postgresql']};"
            f" load average {result.get('load_average_at_start')} at start,"
            f" {machine['load_average_1_5_15']} at the end"
        )
    return "\n".join([header, "", *text, "", *notes])


def _number(value: float | None) -> str:
    if value is None:
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def rounded(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)

