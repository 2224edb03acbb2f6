"""The bench's percentiles are nearest-rank: always a value that was observed."""

from __future__ import annotations

import pytest

from infra.bench.stats import Latency, Stopwatch, percentile, rate


def test_the_median_of_an_odd_count_is_the_middle_value() -> None:
    assert percentile([5.0, 1.0, 3.0], 50) == 3.0


def test_the_median_of_an_even_count_is_the_lower_middle_value_not_an_average() -> None:
    # ceil(0.5 * 4) = 2: the second smallest
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.0


def test_p99_of_a_hundred_samples_is_the_ninety_ninth_smallest() -> None:
    samples = [float(n) for n in range(1, 101)]
    assert percentile(samples, 99) == 99.0
    assert percentile(samples, 100) == 100.0


def test_p99_of_fewer_than_a_hundred_samples_is_the_largest() -> None:
    # ceil(0.99 * 30) = 30
    assert percentile([float(n) for n in range(30)], 99) == 29.0


def test_a_percentile_needs_samples_and_a_sensible_rank() -> None:
    with pytest.raises(ValueError, match="no samples"):
        percentile([], 50)
    with pytest.raises(ValueError, match="percentile"):
        percentile([1.0], 0)


def test_latency_reports_milliseconds_from_seconds() -> None:
    found = Latency.of_seconds([0.001, 0.002, 0.003, 0.010])
    assert found == Latency(p50_ms=2.0, p99_ms=10.0, samples=4)


def test_a_rate_over_no_time_is_refused_rather_than_infinite() -> None:
    assert rate(300, 1.5) == 200.0
    with pytest.raises(ValueError, match="0"):
        rate(1, 0.0)


def test_a_stopwatch_adds_up_the_time_spent_inside_its_blocks() -> None:
    watch = Stopwatch()
    with watch.timing():
        pass
    first = watch.seconds
    with watch.timing():
        pass
    assert 0 <= first <= watch.seconds
