"""Prometheus metrics in the text exposition format, kept by hand (no client library needed).

Requests by route and status, a latency histogram per route, successful commands by type, and
each read model's lag behind the log (filled in when ``/metrics`` is scraped).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[tuple[str, str, str], int] = defaultdict(int)
        self.commands: dict[str, int] = defaultdict(int)
        self.alerts = 0
        self._buckets: dict[str, list[int]] = {}
        self._sums: dict[str, float] = defaultdict(float)
        self._counts: dict[str, int] = defaultdict(int)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        with self._lock:
            self.requests[(method, route, str(status))] += 1
            buckets = self._buckets.setdefault(route, [0] * len(BUCKETS))
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    buckets[i] += 1
            self._sums[route] += seconds
            self._counts[route] += 1

    def command(self, name: str) -> None:
        with self._lock:
            self.commands[name] += 1

    def alerted(self, count: int) -> None:
        with self._lock:
            self.alerts += count

    def render(self, lag: Iterable[tuple[str, int, int]] = ()) -> str:
        """The exposition text; ``lag`` holds (projection, position, events behind)."""
        with self._lock:
            lines = [
                "# HELP casetrail_http_requests_total HTTP requests by method, route and status.",
                "# TYPE casetrail_http_requests_total counter",
            ]
            for (method, route, status), n in sorted(self.requests.items()):
                labels = _labels(method=method, route=route, status=status)
                lines.append(f"casetrail_http_requests_total{labels} {n}")
            lines += [
                "# HELP casetrail_http_request_duration_seconds Time to answer, by route.",
                "# TYPE casetrail_http_request_duration_seconds histogram",
            ]
            for route, buckets in sorted(self._buckets.items()):
                for bound, n in zip(BUCKETS, buckets, strict=True):
                    labels = _labels(route=route, le=_number(bound))
                    lines.append(f"casetrail_http_request_duration_seconds_bucket{labels} {n}")
                labels = _labels(route=route, le="+Inf")
                count = self._counts[route]
                lines.append(f"casetrail_http_request_duration_seconds_bucket{labels} {count}")
                plain = _labels(route=route)
                lines.append(
                    f"casetrail_http_request_duration_seconds_sum{plain} {self._sums[route]:.6f}"
                )
                lines.append(f"casetrail_http_request_duration_seconds_count{plain} {count}")
            lines += [
                "# HELP casetrail_commands_total Commands recorded, by type.",
                "# TYPE casetrail_commands_total counter",
            ]
            for name, n in sorted(self.commands.items()):
                lines.append(f"casetrail_commands_total{_labels(command=name)} {n}")
            lines += [
                "# HELP casetrail_deadline_alerts_total Warnings the deadline watcher recorded.",
                "# TYPE casetrail_deadline_alerts_total counter",
                f"casetrail_deadline_alerts_total {self.alerts}",
            ]
        lines += [
            "# HELP casetrail_projection_position Last log position a read model reflects.",
            "# TYPE casetrail_projection_position gauge",
            "# HELP casetrail_projection_lag_events Log positions a read model is behind.",
            "# TYPE casetrail_projection_lag_events gauge",
        ]
        for name, position, behind in lag:
            lines.append(f"casetrail_projection_position{_labels(projection=name)} {position}")
            lines.append(f"casetrail_projection_lag_events{_labels(projection=name)} {behind}")
        return "\n".join(lines) + "\n"


def _labels(**values: str) -> str:
    inner = ",".join(f'{k}="{_escape(v)}"' for k, v in values.items())
    return "{" + inner + "}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: float) -> str:
    return repr(value)
