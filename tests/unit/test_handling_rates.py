"""Handling rates and the board on a small history whose answers were worked out by hand.

June 2026 (Dragon Boat Festival on Fri 06-19), asked on Fri 2026-07-10:
  A complaint filed Mon 06-01, signed the same day, closed 06-10: on time; callback resolved,
    satisfied.
  B complaint filed Mon 06-01, misrouted, returned, re-dispatched, signed Wed 06-03 (too late a
    response), still open: due Tue 06-23, so overdue now.
  C consultation filed Tue 06-02, answered at once and closed; reopened Fri 06-05, closed again
    on time Mon 06-08; callback: not resolved, not satisfied.
  D complaint filed Wed 06-03, signed at once, due Thu 06-25, replied and closed Tue 06-30:
    late; callback: resolved, not satisfied.
  E help filed Thu 06-04, terminated 06-05: left out of handling, still counted for response.
  F complaint filed Fri 05-29: another period, left out.

The counts are the same under both definition versions for the whole of June; per unit they
differ in 回退率, which ``metrics-2026.2`` charges to the unit that asked (HRS for B).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import pytest

from domain.actors import Actor, Role
from domain.application import Casetrail
from projections.cases import CaseProjection
from projections.figures.board import board, counts_by
from projections.figures.context import Context
from projections.figures.facts import Facts
from projections.figures.handling import handling_rates, handling_rates_by
from projections.figures.legacy import DEFINITIONS_2026_1
from projections.figures.periods import Period
from tests.support.app import memory_app, seed_directory
from tests.support.clock import CHINA, FakeClock
from tests.support.views import project, rows_by_id

LI = Actor("li.na", Role.WINDOW_STAFF)
WANG = Actor("wang.qiang", Role.UNIT_HEAD)
ZHAO = Actor("zhao.lei", Role.WINDOW_STAFF)


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"2026-{day}T{hour:02d}:00").replace(tzinfo=CHINA)


def filed(app: Casetrail, clock: FakeClock, day: str, case_type: str = "complaint") -> UUID:
    clock.set(at(day, 9))
    return app.file_demand(
        case_type=case_type, channel="window", summary="诉求", actor=LI, filer_name="某企业"
    ).id


def close(
    app: Casetrail,
    clock: FakeClock,
    case_id: UUID,
    day: str,
    *,
    resolved: bool | None,
    satisfied: bool = False,
) -> None:
    clock.set(at(day))
    app.reply(case_id, "已答复", actor=LI)
    if resolved is not None:
        app.record_callback(case_id, resolved, satisfied, "回访", actor=LI)
    app.close_case(case_id, "solved", "办结", actor=LI)


History = tuple[list[dict[str, Any]], Casetrail]
JUNE = Period.parse("2026-06")


@pytest.fixture
def history() -> History:
    clock = FakeClock(at("05-01"))
    app = memory_app(clock)
    seed_directory(app)
    f = filed(app, clock, "05-29")
    app.dispatch(f, "AMR", actor=LI)
    a = filed(app, clock, "06-01")
    app.dispatch(a, "AMR", actor=LI)
    app.sign_for(a, actor=LI)
    close(app, clock, a, "06-10", resolved=True, satisfied=True)
    b = filed(app, clock, "06-01")
    app.dispatch(b, "HRS", actor=LI)
    app.request_return(b, "非本单位职责", actor=ZHAO)
    app.decide_return(b, True, "同意", actor=WANG)
    app.dispatch(b, "AMR", actor=LI)
    clock.set(at("06-03"))
    app.sign_for(b, actor=LI)
    c = filed(app, clock, "06-02", "consultation")
    app.answer_directly(c, "已解答", actor=LI)
    app.close_case(c, "explained", "当场答复", actor=LI)
    clock.set(at("06-05"))
    app.reopen(c, "企业仍有疑问", actor=WANG)
    close(app, clock, c, "06-08", resolved=False, satisfied=False)
    d = filed(app, clock, "06-03")
    app.dispatch(d, "AMR", actor=LI)
    app.sign_for(d, actor=LI)
    close(app, clock, d, "06-30", resolved=True, satisfied=False)
    e = filed(app, clock, "06-04", "help")
    clock.set(at("06-05"))
    app.terminate(e, "企业撤回", "li.na", actor=WANG)
    clock.set(at("07-10"))
    return list(rows_by_id(app, CaseProjection(), "cases").values()), app


def counted(rates: dict[str, Any]) -> dict[str, tuple[int, int]]:
    return {k: (r.numerator, r.denominator) for k, r in rates.items()}


def facts_of(app: Casetrail) -> Facts:
    store = project(app, CaseProjection())
    return Facts(
        cases=store.rows(CaseProjection().table("cases")),
        case_units=store.rows(CaseProjection().table("case_units")),
    )


@pytest.mark.parametrize("definitions", [DEFINITIONS_2026_1, "metrics-2026.2"])
def test_rates_of_june_match_the_hand_count(history: History, definitions: str) -> None:
    _, app = history
    ctx = Context(app.now(), app.work_calendar(), app.policy, definitions=definitions)
    rates = handling_rates_by(facts_of(app), "all", JUNE, ctx)["all"]
    assert counted(rates) == {
        "on_time_rate": (2, 4),  # A, C on time of A, C, D closed and B open overdue
        "overdue_rate": (2, 4),  # D closed late, B open and overdue now
        "return_rate": (1, 3),  # B of the dispatched A, B, D
        "reopen_rate": (1, 3),  # C of the closed A, C, D
        "response_rate": (3, 5),  # A, C, D answered by the next working day; B and E not
        "resolution_rate": (2, 3),  # A, D of the called-back A, C, D
        "satisfaction_rate": (1, 3),  # A
    }


def test_finding_1_a_return_counts_against_the_unit_that_asked_for_it(history: History) -> None:
    _, app = history
    amr, hrs = str(app.unit("AMR").id), str(app.unit("HRS").id)
    now = Context(app.now(), app.work_calendar(), app.policy)
    by_unit = handling_rates_by(facts_of(app), "unit", JUNE, now)
    # B was returned by HRS and handled by AMR afterwards: HRS asked, HRS is charged.
    assert by_unit[hrs]["return_rate"].as_dict() == {"numerator": 1, "denominator": 1, "value": 1}
    assert counted(by_unit[amr])["return_rate"] == (0, 3)  # A, B, D dispatched to AMR
    before = Context(app.now(), app.work_calendar(), app.policy, definitions=DEFINITIONS_2026_1)
    legacy = handling_rates_by(facts_of(app), "unit", JUNE, before)
    assert counted(legacy[amr])["return_rate"] == (1, 3)  # what metrics-2026.1 published
    assert hrs not in legacy


def test_an_open_overdue_case_counts_as_overdue_now(history: History) -> None:
    case_rows, app = history
    before = Context(at("06-23", 23), app.work_calendar(), app.policy)
    after = Context(at("06-24", 0), app.work_calendar(), app.policy)
    assert handling_rates(case_rows, JUNE, before)["overdue_rate"].numerator == 1  # D only
    assert handling_rates(case_rows, JUNE, after)["overdue_rate"].numerator == 2  # and B


def test_the_board_shows_each_state_and_counts_per_owner(history: History) -> None:
    case_rows, app = history
    entries = board(case_rows, Context(app.now(), app.work_calendar(), app.policy))
    states = sorted(e.state for e in entries)
    # A and C closed on time, D late, E terminated; B and F (filed 05-29) open past due.
    assert states == [
        "closed_late",
        "closed_on_time",
        "closed_on_time",
        "overdue",
        "overdue",
        "terminated",
    ]
    assert counts_by(entries, "owner") == {
        "li.na": {"overdue": 2, "closed_on_time": 2, "closed_late": 1, "terminated": 1}
    }
    assert all(e.working_days_left is not None for e in entries if e.state == "overdue")
