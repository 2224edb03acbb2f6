"""Percentiles and rates, computed the same way for every figure."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass


def percentile(samples: Sequence[float], q: float) -> float:
    """The nearest-rank ``q``-th percentile (0 < q <= 100): a value that was observed.

    With 100 samples the 99th percentile is the 99th smallest; with fewer than 100 it is the
    largest, which is what a p99 of a small sample honestly is.
    """
    if not samples:
        raise ValueError("no samples")
    if not 0 < q <= 100:
        raise ValueError(f"a percentile is in (0, 100], not {q}")
    ordered = sorted(samples)
    rank = math.ceil(q / 100 * len(ordered))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Latency:
    """Milliseconds: median, 99th percentile and the number of samples."""

    p50_ms: float
    p99_ms: float
    samples: int

    @classmethod
    def of_seconds(cls, samples: Sequence[float]) -> Latency:
        millis = [s * 1000 for s in samples]
        return cls(percentile(millis, 50), percentile(millis, 99), len(millis))


def rate(count: int, seconds: float) -> float:
    """``count`` per second; an instant (zero seconds) is refused rather than infinite."""
    if seconds <= 0:
        raise ValueError(f"cannot make a rate over {seconds} s")
    return count / seconds


class Stopwatch:
    """Seconds spent inside ``with watch.timing():`` blocks, added up."""

    def __init__(self) -> None:
        self.seconds = 0.0

    @contextmanager
    def timing(self) -> Iterator[None]:
        began = time.perf_counter()
        try:
            yield
        finally:
            self.seconds += time.perf_counter() - began
