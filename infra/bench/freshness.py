"""``freshness_p50_ms`` and ``freshness_p99_ms``: a command committed, then visible in a read model.

The bench takes one command at a time (a contact recorded on a case in progress), notes the
moment the commit returned and the log position it got, and polls the read model's stored
position until it reaches that position: the case list then shows the step. The next command
waits a few milliseconds more, at random, so samples do not lock in step with any poll cycle.

``Watch`` is what is polled: the log-fed runner's position row (``casetrail projections run``
in a process of its own, woken by LISTEN/NOTIFY), or the Kafka-fed worker's offsets
(``kafka.py``). The baseline is the same loop against a position that is already there: the
cost of the poll itself.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

import psycopg

from domain.application import Casetrail
from infra.bench.stats import Latency
from infra.bench.workload import open_case, record_contact

POLL_SECONDS = 0.0005
SAMPLE_TIMEOUT = 10.0
CASES = 5

Watch = Callable[[], int]
"""Returns the log position the read model reflects now."""


@dataclass(frozen=True)
class Freshness:
    latency: Latency
    poll: Latency
    """The cost of one look at the position: the floor under every sample."""
    timeouts: int


class NotVisibleError(RuntimeError):
    """The read model did not reach a position in time."""


def position_row(conninfo: str, projection: str = "cases") -> tuple[Watch, Callable[[], None]]:
    """A watch over the runner's position row, and a function that closes its connection."""
    connection = psycopg.connect(conninfo, autocommit=True)

    def watch() -> int:
        row = connection.execute(
            "SELECT position FROM projection_position WHERE projection = %s", (projection,),
            prepare=True,
        ).fetchone()
        return int(str(row[0])) if row else 0

    return watch, connection.close


def wait_until(watch: Watch, position: int, timeout: float) -> float:
    """Seconds until ``watch()`` reaches ``position``; NotVisibleError after ``timeout``."""
    began = time.perf_counter()
    while watch() < position:
        if time.perf_counter() - began > timeout:
            raise NotVisibleError(f"position {position} not visible after {timeout:g} s")
        time.sleep(POLL_SECONDS)
    return time.perf_counter() - began


def prepare_cases(app: Casetrail, watch: Watch, timeout: float) -> list[UUID]:
    """Cases in progress to record contacts on, once the read model shows them."""
    cases = [open_case(app, number) for number in range(CASES)]
    wait_until(watch, record_contact(app, cases[-1]), timeout)
    return cases


def measure_freshness(
    app: Casetrail, watch: Watch, samples: int, *, warm_up_timeout: float = 120.0
) -> Freshness:
    rng = random.Random(7)
    cases = prepare_cases(app, watch, warm_up_timeout)
    seconds, polls, timeouts = [], [], 0
    for number in range(samples):
        position = record_contact(app, cases[number % len(cases)])
        try:
            seconds.append(wait_until(watch, position, SAMPLE_TIMEOUT))
        except NotVisibleError:
            timeouts += 1
            seconds.append(SAMPLE_TIMEOUT)
            wait_until(watch, position, 10 * SAMPLE_TIMEOUT)
        began = time.perf_counter()
        watch()
        polls.append(time.perf_counter() - began)
        time.sleep(rng.uniform(0.005, 0.03))
    return Freshness(Latency.of_seconds(seconds), Latency.of_seconds(polls), timeouts)
