"""The bench reports each figure beside its baseline and says whether it meets its target."""

from __future__ import annotations

import json
from typing import Any

from infra.bench.report import FIGURE_KEYS, TARGETS, Line, as_json, as_table, targets_met
from infra.bench.run import FULL, QUICK, sizes_for


def _result(**figures: float | None) -> dict[str, Any]:
    return {**{k: None for k in FIGURE_KEYS}, **figures, "mode": "quick",
            "sizes": {"events": 20000, "api_clients": 16}}


def test_targets_are_the_ones_the_issue_sets() -> None:
    assert {t.key: t.text for t in TARGETS} == {
        "write_vs_raw": "≥ 0.6",
        "rebuild_vs_copy": "≥ 0.5",
        "freshness_p99_ms": "≤ 100",
        "kafka_freshness_p99_ms": "≤ 500",
        "api_p99_ms": "≤ 50",
        "replay_ms": "≤ 10",
    }


def test_a_ratio_target_is_met_at_its_bound_and_a_latency_target_below_it() -> None:
    met = targets_met({"write_vs_raw": 0.6, "rebuild_vs_copy": 0.49, "api_p99_ms": 50.0,
                       "replay_ms": 10.5, "freshness_p99_ms": 12.0})
    assert met["write_vs_raw"] == {"target": "≥ 0.6", "met": True}
    assert met["rebuild_vs_copy"]["met"] is False
    assert met["api_p99_ms"]["met"] is True
    assert met["replay_ms"]["met"] is False
    assert met["freshness_p99_ms"]["met"] is True


def test_a_figure_not_measured_meets_no_target_and_fails_none() -> None:
    assert targets_met({})["kafka_freshness_p99_ms"] == {"target": "≤ 500", "met": None}


def test_the_table_shows_value_baseline_target_and_verdict_on_one_line() -> None:
    result = _result(write_vs_raw=0.25, replay_ms=3.5)
    table = as_table(result, [
        Line("write_vs_raw", 0.25, "100 commands/s vs 400 raw/s", "140 commands"),
        Line("replay_ms", 3.5, "raw read 0.4 ms"),
        Line("kafka_freshness_p50_ms", None, "no broker"),
    ])
    lines = table.splitlines()
    assert lines[0] == "casetrail bench (quick): events 20000, api_clients 16"
    write = next(line for line in lines if line.startswith("write_vs_raw"))
    assert write.split() == ["write_vs_raw", "0.250", "100", "commands/s", "vs", "400",
                             "raw/s", "≥", "0.6", "SHORT"]
    assert next(line for line in lines if line.startswith("replay_ms")).endswith("met")
    assert "n/a" in next(line for line in lines if line.startswith("kafka_freshness_p50_ms"))
    assert "  write_vs_raw: 140 commands" in lines


def test_json_keeps_every_figure_key_and_chinese_text_readable() -> None:
    printed = as_json({**_result(write_vs_raw=0.2), "note": "审批"})
    parsed = json.loads(printed)
    assert set(FIGURE_KEYS) <= set(parsed)
    assert "审批" in printed


def test_quick_mode_is_a_smaller_store_with_the_same_sixteen_clients() -> None:
    assert sizes_for(quick=True) == QUICK
    assert sizes_for(quick=False) == FULL
    assert (QUICK.events, FULL.events) == (20_000, 1_000_000)
    assert QUICK.api_clients == FULL.api_clients == 16
    assert sizes_for(quick=False, events=100_000).events == 100_000
