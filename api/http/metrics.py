"""Prometheus metrics through the official client library (``prometheus_client``).

Requests by route and status, a latency histogram per route, successful commands by type and
the deadline watcher's warnings are kept in the library's metrics; each read model's position
and lag behind the log is read from the store when ``/metrics`` is scraped; ``process_*`` (and
``python_*``) describe the answering process. The text format is the library's, so families
are typed and grouped as Prometheus parses them, and OpenMetrics is answered when the scraper's
``Accept`` asks for it.

Several worker processes (``serve --workers N``) use the library's multiprocess mode: with
``PROMETHEUS_MULTIPROC_DIR`` set before the workers start, each writes its values to files in
that directory and a scrape, whichever worker answers it, adds them up. The library reads the
variable when it is first imported, so it is set in the environment, not in our settings.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Histogram,
    multiprocess,
)
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
Lag = Iterable[tuple[str, int, int]]
"""(read model, log position it reflects, events it is behind)."""


def multiprocess_dir() -> Path | None:
    found = os.environ.get(MULTIPROCESS_VARIABLE)
    return Path(found) if found else None


def clear_multiprocess_dir(path: Path | None = None) -> None:
    """Start a server's life with no values left by an earlier run's workers (the library asks
    for the directory to be wiped between runs)."""
    directory = path or multiprocess_dir()
    if directory is None:
        return
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink(missing_ok=True)


class Metrics:
    def __init__(self, multiprocess_path: Path | None = None) -> None:
        """``multiprocess_path``: the directory the workers write to; by default
        ``PROMETHEUS_MULTIPROC_DIR``, and none (one process) when that is unset."""
        self.multiprocess_path = multiprocess_path or multiprocess_dir()
        # A registry of our own, not the library's global one: each app (and each test's app)
        # counts for itself.
        self.registry = CollectorRegistry()
        self._requests = Counter(
            "casetrail_http_requests",
            "HTTP requests by method, route and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self._latency = Histogram(
            "casetrail_http_request_duration_seconds",
            "Time to answer, by route.",
            ["route"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self._commands = Counter(
            "casetrail_commands", "Commands recorded, by type.", ["command"], registry=self.registry
        )
        self._alerts = Counter(
            "casetrail_deadline_alerts",
            "Warnings the deadline watcher recorded.",
            registry=self.registry,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self._requests.labels(method=method, route=route, status=str(status)).inc()
        self._latency.labels(route=route).observe(seconds)

    def command(self, name: str) -> None:
        self._commands.labels(command=name).inc()

    def alerted(self, count: int) -> None:
        self._alerts.inc(count)

    def exposition(self, lag: Lag = (), accept: str | None = None) -> tuple[bytes, str]:
        """The scrape's body and content type: OpenMetrics when ``accept`` asks for it,
        Prometheus text otherwise."""
        encoder, content_type = choose_encoder(accept or "")
        return encoder(self._scrape_registry(lag)), content_type

    def render(self, lag: Lag = ()) -> str:
        """The Prometheus text format, for tests and the command line."""
        body, _ = self.exposition(lag)
        return body.decode("utf-8")

    def _scrape_registry(self, lag: Lag) -> CollectorRegistry:
        registry = CollectorRegistry()
        if self.multiprocess_path is not None:
            # Every worker's values, added up from their files (this one's included).
            multiprocess.MultiProcessCollector(  # type: ignore[no-untyped-call]
                registry, path=str(self.multiprocess_path)
            )
        else:
            registry.register(_Delegate(self.registry))
        # The answering process: memory, CPU time, open files, start time; and Python's own.
        for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
            registry.register(collector)
        registry.register(_ProjectionLag(list(lag)))
        return registry


class _Delegate(Collector):
    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self) -> Iterator[Metric]:
        yield from self.registry.collect()


class _ProjectionLag(Collector):
    """Each family with all its samples together (the hand-written text interleaved them, and
    Prometheus's parser then saw two untyped families without samples)."""

    def __init__(self, lag: list[tuple[str, int, int]]) -> None:
        self.lag = lag

    def collect(self) -> Iterator[Metric]:
        position = GaugeMetricFamily(
            "casetrail_projection_position",
            "Last log position a read model reflects.",
            labels=["projection"],
        )
        behind = GaugeMetricFamily(
            "casetrail_projection_lag_events",
            "Log positions a read model is behind.",
            labels=["projection"],
        )
        for name, at, lag in self.lag:
            position.add_metric([name], at)
            behind.add_metric([name], lag)
        yield position
        yield behind
