"""/metrics as Prometheus's own parser reads it: typed families, each with its samples,
process metrics included; OpenMetrics when asked; and the sum of every worker's counts when
several processes serve (the client library's multiprocess mode)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from prometheus_client.openmetrics.parser import (
    text_string_to_metric_families as openmetrics_families,
)
from prometheus_client.parser import text_string_to_metric_families

from api.http.metrics import MULTIPROCESS_VARIABLE, Metrics
from tests.e2e.api_world import World, world

__all__ = ["world"]

CONSULTATION = {
    "case_type": "consultation",
    "channel": "window",
    "summary": "营业执照怎么办",
    "filer_name": "张伟",
}


def families(text: str) -> dict[str, list[tuple[str, dict[str, str], float]]]:
    found: dict[str, list[tuple[str, dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        assert family.type != "unknown", f"{family.name} is untyped"
        found[family.name] = [(s.name, s.labels, s.value) for s in family.samples]
    return found


def test_metrics_parse_into_typed_families_with_samples(world: World) -> None:
    world.post("li.na", "/api/v1/cases", CONSULTATION)
    answer = world.client.get("/metrics")
    assert answer.headers["content-type"].startswith("text/plain")
    parsed = families(answer.text)
    for name in (
        "casetrail_http_requests",
        "casetrail_http_request_duration_seconds",
        "casetrail_commands",
        "casetrail_deadline_alerts",
        "casetrail_projection_position",
        "casetrail_projection_lag_events",
        "process_cpu_seconds",
        "process_resident_memory_bytes",
        "process_start_time_seconds",
    ):
        assert parsed.get(name), f"{name} has no samples"
    assert ("casetrail_commands_total", {"command": "cases.file"}, 1.0) in parsed[
        "casetrail_commands"
    ]
    projections = {s[1]["projection"] for s in parsed["casetrail_projection_lag_events"]}
    assert {"cases", "directory"} <= projections


def test_openmetrics_is_answered_when_the_scraper_asks_for_it(world: World) -> None:
    answer = world.client.get(
        "/metrics", headers={"Accept": "application/openmetrics-text; version=1.0.0"}
    )
    assert answer.headers["content-type"].startswith("application/openmetrics-text")
    assert answer.text.endswith("# EOF\n")
    parsed = openmetrics_families(answer.text)  # type: ignore[no-untyped-call]
    names = {f.name for f in parsed}
    assert {"casetrail_http_requests", "process_cpu_seconds"} <= names


WORKER = """
import sys
from api.http.metrics import Metrics
metrics = Metrics()
for _ in range(int(sys.argv[1])):
    metrics.observe("POST", "/api/v1/cases", 201, 0.02)
    metrics.command("cases.file")
"""


def test_counts_from_two_worker_processes_add_up(tmp_path: Path) -> None:
    shared = tmp_path / "prometheus"
    shared.mkdir()
    env = {**os.environ, MULTIPROCESS_VARIABLE: str(shared)}
    for count in (3, 4):  # two processes, each writing its own file, as uvicorn's workers do
        subprocess.run([sys.executable, "-c", WORKER, str(count)], env=env, check=True)
    assert len(list(shared.glob("*.db"))) >= 2
    parsed = families(Metrics(multiprocess_path=shared).render([("cases", 7, 0)]))
    requests = {
        (s[1]["route"], s[1]["status"]): s[2]
        for s in parsed["casetrail_http_requests"]
        if s[0] == "casetrail_http_requests_total"
    }
    assert requests == {("/api/v1/cases", "201"): 7.0}
    commands = [s[2] for s in parsed["casetrail_commands"] if s[0] == "casetrail_commands_total"]
    assert commands == [7.0]
    counts = [
        s[2] for s in parsed["casetrail_http_request_duration_seconds"] if s[0].endswith("_count")
    ]
    assert counts == [7.0]
    assert parsed["process_resident_memory_bytes"]
    assert parsed["casetrail_projection_position"] == [
        ("casetrail_projection_position", {"projection": "cases"}, 7.0)
    ]
