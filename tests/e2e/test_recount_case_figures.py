"""The demo's 按时办结率, 回退率 and 重办率 per unit, recounted by hand from the raw stored events
(the SQLite rows, decoded here), equal the figures ``casetrail report rates`` publishes.

The recount reads nothing of the read models or of ``projections/figures``: it follows each
case's events and applies the rules of metrics-2026.2 as docs/metrics.md states them:

- a case is judged by the first answer (reply or direct answer) of its first handling cycle:
  on time when it came before the deadline in force and the running clock had not reached it
  before; a case not yet answered is late once its clock ran out (now, or at any earlier step);
  a case terminated before running out leaves the population, one terminated after stays late;
- 回退率: of the cases dispatched to a unit, those the unit asked to return;
- 重办率: of the cases closed at least once, those reopened; both by lead unit.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from projections.figures import DEFINITIONS
from tests.support.cli import CommandRunner

CHINA = timezone(timedelta(hours=8))
RATES = ("on_time_rate", "return_rate", "reopen_rate")
Counts = dict[str, dict[str, tuple[int, int]]]


@dataclass
class Demo:
    casetrail: CommandRunner
    database: Path
    now: datetime


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    home = tmp_path_factory.mktemp("recount") / "home"
    casetrail = CommandRunner(home)
    casetrail.ok("demo", "--cases", "120", "--json")
    database = home / "casetrail.db"
    # The figures are asked for just after the last recorded step (the demo's year ends at
    # the moment it ran), so published and recounted figures see the same "now".
    latest = max(data["timestamp"] for _, _, data in case_events(database))
    return Demo(casetrail, database, latest + timedelta(minutes=1))


def _decode(value: dict[str, Any]) -> Any:
    kind = value.get("_type_")
    if kind == "datetime_iso":
        return datetime.fromisoformat(value["_data_"])
    if kind == "uuid_hex":
        return str(UUID(hex=value["_data_"]))
    return value


def case_events(database: Path) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(case id, event name, event state) in each case's order, straight from the store."""
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT originator_id, topic, state FROM stored_events"
            " WHERE topic LIKE 'domain.case:Case.%' ORDER BY originator_id, originator_version"
        ).fetchall()
    for case_id, topic, state in rows:
        yield str(case_id), topic.rsplit(".", 1)[1], json.loads(state, object_hook=_decode)


@dataclass
class Recounted:
    filed: datetime
    due_at: datetime
    lead: str | None = None
    status: str = "running"
    cycle: int = 1
    ran_out: bool = False
    first_answer: str | None = None
    terminated_late: bool | None = None
    closed_once: bool = False
    reopened: bool = False
    dispatched_to: set[str] = field(default_factory=set)
    returned_by: set[str] = field(default_factory=set)

    def step(self, name: str, at: datetime, data: dict[str, Any]) -> None:
        answered = self.status in ("answered", "closed")
        if name != "DeadlineRecomputed" and self.status == "running" and at >= self.due_at:
            self.ran_out = self.ran_out or not answered
        if name == "Dispatched":
            self.lead = data["lead_unit_id"]
            self.dispatched_to.add(self.lead)
        elif name == "ReturnRequested":
            self.returned_by.add(str(self.lead))
        elif name == "ReturnDecided" and data["approved"]:
            self.lead = None
        elif name == "Paused":
            self.status = "paused"
        elif name in ("Resumed", "ExtensionDecided", "DeadlineRecomputed", "Reopened"):
            if data.get("deadline"):
                self.due_at = datetime.fromisoformat(data["deadline"]["due_at"])
            if name == "Resumed":
                self.status = "running"
            if name == "Reopened":
                self.status, self.cycle, self.ran_out, self.reopened = "running", 2, False, True
        elif name in ("Replied", "AnsweredDirectly"):
            if self.cycle == 1 and self.first_answer is None:
                late = self.ran_out or at >= self.due_at
                self.first_answer = "late" if late else "on_time"
            self.status = "answered"
        elif name == "Closed":
            self.status, self.closed_once = "closed", True
        elif name == "Terminated":
            self.terminated_late = self.ran_out
            self.status = "terminated"

    def verdict(self, now: datetime) -> str | None:
        if self.first_answer is not None:
            return self.first_answer
        if self.status == "terminated":
            return "late" if self.terminated_late else None
        if self.ran_out or (self.status == "running" and now >= self.due_at):
            return "late"
        return None


def recount(database: Path, year: int, now: datetime) -> Counts:
    cases: dict[str, Recounted] = {}
    for case_id, name, data in case_events(database):
        at = data["timestamp"]
        if name == "Filed":
            cases[case_id] = Recounted(at, datetime.fromisoformat(data["deadline"]["due_at"]))
        else:
            cases[case_id].step(name, at, data)
    tally: dict[str, dict[str, list[int]]] = defaultdict(lambda: {rate: [0, 0] for rate in RATES})
    for case in cases.values():
        if case.filed.astimezone(CHINA).year != year:
            continue
        group = tally[case.lead or "-"]
        verdict = case.verdict(now)
        if verdict is not None:
            group["on_time_rate"][0] += verdict == "on_time"
            group["on_time_rate"][1] += 1
        if case.closed_once or case.reopened:
            group["reopen_rate"][0] += case.reopened
            group["reopen_rate"][1] += 1
        for unit in case.dispatched_to:
            tally[unit]["return_rate"][0] += unit in case.returned_by
            tally[unit]["return_rate"][1] += 1
    return {
        unit: {rate: (counts[0], counts[1]) for rate, counts in rates.items()}
        for unit, rates in tally.items()
    }


def published(demo: Demo, year: int) -> Counts:
    report = json.loads(
        demo.casetrail.ok(
            "report",
            "rates",
            "--period",
            str(year),
            "--group",
            "unit",
            "--now",
            demo.now.isoformat(),
        )
    )
    assert report["definitions"] == DEFINITIONS  # handling formulas as since metrics-2026.2
    return {
        unit: {rate: (found[rate]["numerator"], found[rate]["denominator"]) for rate in RATES}
        for unit, found in report["rates"].items()
    }


def test_the_demos_handling_figures_recounted_from_the_raw_events_equal_the_published_ones(
    demo: Demo,
) -> None:
    late = returned = reopened = 0
    for year in (demo.now.year - 1, demo.now.year):
        mine, theirs = recount(demo.database, year, demo.now), published(demo, year)
        empty = {rate: (0, 0) for rate in RATES}
        for unit in set(mine) | set(theirs):
            assert theirs.get(unit, empty) == mine.get(unit, empty), (year, unit)
        late += sum(r["on_time_rate"][1] - r["on_time_rate"][0] for r in mine.values())
        returned += sum(r["return_rate"][0] for r in mine.values())
        reopened += sum(r["reopen_rate"][0] for r in mine.values())
    # The demo exercises every rule the recount checks, so a wrong figure would show.
    assert late > 0
    assert returned > 0
    assert reopened > 0


def test_finding_12_report_rates_is_published_by_every_group_its_help_offers(
    demo: Demo,
) -> None:
    help_text = demo.casetrail.ok("report", "--help")
    assert "rates: unit, window, staff, service_item, all" in " ".join(help_text.split())
    done = demo.casetrail("report", "rates", "--period", str(demo.now.year), "--group", "window")
    assert done.returncode == 0, done.stderr
    windows = json.loads(done.stdout)["rates"]
    on_time = [r["on_time_rate"]["denominator"] for w, r in windows.items() if w != "-"]
    assert sum(on_time) > 0  # cases are counted at their first asker's window
    assert sum(r["good_review_rate"]["denominator"] for r in windows.values()) > 0
    refused = demo.casetrail("report", "rates", "--period", "2026", "--group", "desk")
    assert refused.returncode == 2
    assert "grouped by unit, window, staff, service_item, all, not 'desk'" in refused.stderr
