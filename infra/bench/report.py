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
    "api_p99_ms", "replay_ms", "list_scale_ratio",
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


def lines_of(result: dict[str, Any]) -> list[Line]:
    """The table's rows for a result made by ``run.run_bench``."""
    b, d, s = result["baselines"], result["details"], result["sizes"]
    kafka = "no broker (set CASETRAIL_KAFKA_BOOTSTRAP)"
    if result["kafka_freshness_p50_ms"] is not None:
        kafka = f"one poll of the offsets p50 {b['freshness_poll_p50_ms']} ms"
    sql = f"same reads in SQL: p50 {b['api_sql_p50_ms']} ms, p99 {b['api_sql_p99_ms']} ms"
    routes = "; ".join(
        f"{name} p50 {r['p50_ms']:.1f} / p99 {r['p99_ms']:.1f} ms ({r['samples']}, alone p50"
        f" {d['api_one_client'].get(name, {}).get('p50_ms', 0):.1f} ms)"
        for name, r in d["api_routes"].items()
    )
    return [
        Line("write_vs_raw", result["write_vs_raw"],
             f"{b['app_commands_per_s']} commands/s vs {b['raw_inserts_per_s']} raw/s",
             f"{s['commands']} commands, {d['write_transactions']} transactions"),
        Line("rebuild_events_per_s", result["rebuild_events_per_s"],
             f"COPY {b['copy_rows_per_s']:,.0f} rows/s",
             f"{s['events']:,} events in {d['rebuild_seconds']} s"),
        Line("rebuild_vs_copy", result["rebuild_vs_copy"],
             f"COPY of {s['events']:,} rows in {d['copy_seconds']} s"),
        Line("freshness_p50_ms", result["freshness_p50_ms"],
             f"one poll p50 {b['freshness_poll_p50_ms']} ms"),
        Line("freshness_p99_ms", result["freshness_p99_ms"], "",
             f"{s['freshness_samples']} samples, {d['freshness_timeouts']} timeouts"),
        Line("kafka_freshness_p50_ms", result["kafka_freshness_p50_ms"], kafka),
        Line("kafka_freshness_p99_ms", result["kafka_freshness_p99_ms"], "",
             f"{s['kafka_samples']} samples" if s["kafka_samples"] else ""),
        Line("api_p50_ms", result["api_p50_ms"], sql, routes),
        Line("api_p99_ms", result["api_p99_ms"], "",
             f"{s['api_requests']} requests ({d['api_requests_per_s']}/s), {d['api_failures']}"
             " failed"),
        *_route_lines(d),
        Line("replay_ms", result["replay_ms"],
             f"raw read of {s['replay_at_version']} rows {b['replay_raw_read_ms']} ms",
             f"median of {s['replay_runs']}; p99 {d['replay_p99_ms']} ms"),
        Line("list_scale_ratio", result["list_scale_ratio"],
             f"lists p99 {d['lists_small_p99_ms']} ms at {s['small_events'] or 0:,} events",
             f"lists p99 {d['lists_p99_ms']} ms at {s['events']:,} events"),
    ]


ROUTE_PREFIX = "route "


def _route_lines(d: dict[str, Any]) -> list[Line]:
    """One row per read of the mix: its p99 under the 16 clients beside the same SQL's."""
    return [
        Line(f"{ROUTE_PREFIX}{name}", r["p99_ms"],
             f"same SQL p50 {r['sql']['p50_ms']:.1f} / p99 {r['sql']['p99_ms']:.1f} ms",
             f"p50 {r['p50_ms']:.1f} ms, {r['samples']} requests; alone p50"
             f" {d['api_one_client'].get(name, {}).get('p50_ms', 0):.1f} ms")
        for name, r in d["api_routes"].items()
    ]
