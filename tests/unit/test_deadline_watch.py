"""The deadline watcher: yellow and red cards, reminder and criticism, each once per cycle."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import pytest

from domain.actors import SYSTEM, Actor, Role
from domain.application import Casetrail
from tests.support.app import memory_app, seed_directory
from tests.support.clock import CHINA, FakeClock

LI = Actor("li.na", Role.WINDOW_STAFF)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 6, 2, 9, 0, tzinfo=CHINA))  # Tuesday


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    app = memory_app(clock)
    seed_directory(app)
    return app


@pytest.fixture
def case_id(app: Casetrail) -> UUID:
    """A complaint due Wed 2026-06-24 (15 working days, Dragon Boat Festival skipped)."""
    case_id = app.file_demand(
        case_type="complaint", channel="window", summary="审批超时", actor=LI, filer_name="吴先生"
    ).id
    app.dispatch(case_id, "AMR", actor=LI)
    app.sign_for(case_id, actor=LI)
    return case_id


def watch_at(app: Casetrail, clock: FakeClock, case_id: UUID, when: datetime) -> list[str]:
    clock.set(when)
    return app.issue_due_alerts(case_id, actor=SYSTEM)


def test_yellow_card_when_three_quarters_of_the_period_is_used(
    app: Casetrail, clock: FakeClock, case_id: UUID
) -> None:
    # Wed 06-17: 4 working days left, 11 of 15 used (< 11.25): nothing yet.
    assert watch_at(app, clock, case_id, datetime(2026, 6, 17, 9, 0, tzinfo=CHINA)) == []
    # Thu 06-18: 3 left, 12 used (>= 75 %): yellow card.
    assert watch_at(app, clock, case_id, datetime(2026, 6, 18, 9, 0, tzinfo=CHINA)) == ["yellow"]
    assert watch_at(app, clock, case_id, datetime(2026, 6, 18, 16, 0, tzinfo=CHINA)) == []


def test_overdue_brings_red_card_and_reminder_then_criticism(
    app: Casetrail, clock: FakeClock, case_id: UUID
) -> None:
    # The day after the deadline is overdue (red) and the reminder (催办) day at once.
    levels = watch_at(app, clock, case_id, datetime(2026, 6, 25, 9, 0, tzinfo=CHINA))
    assert levels == ["yellow", "red", "reminder"]
    # Criticism 5 working days after the reminder day: 06-26, 06-29, 06-30, 07-01, 07-02.
    assert watch_at(app, clock, case_id, datetime(2026, 7, 1, 17, 0, tzinfo=CHINA)) == []
    assert watch_at(app, clock, case_id, datetime(2026, 7, 2, 9, 0, tzinfo=CHINA)) == ["criticism"]
    alerts = [e for e in app.history(case_id) if type(e).__name__ == "TimeLimitAlerted"]
    assert [(e.level, e.actor_id) for e in alerts] == [  # type: ignore[attr-defined]
        ("yellow", "system"),
        ("red", "system"),
        ("reminder", "system"),
        ("criticism", "system"),
    ]


def test_a_paused_clock_raises_no_card(app: Casetrail, clock: FakeClock, case_id: UUID) -> None:
    clock.set(datetime(2026, 6, 10, 9, 0, tzinfo=CHINA))
    app.pause(case_id, "expert_review", "需专家论证", actor=LI)
    assert watch_at(app, clock, case_id, datetime(2026, 6, 30, 9, 0, tzinfo=CHINA)) == []


def test_a_closed_case_raises_nothing(app: Casetrail, clock: FakeClock, case_id: UUID) -> None:
    app.reply(case_id, "已办理", actor=LI)
    app.close_case(case_id, "solved", "已办结", actor=LI)
    assert watch_at(app, clock, case_id, datetime(2026, 7, 30, 9, 0, tzinfo=CHINA)) == []
