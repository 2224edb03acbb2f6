"""Issue 12, finding 11: visits cannot be backdated freely.

Reproduced: a visit dated a month earlier flipped a leader's October quota to met; one dated
2025-03-01 was accepted in November 2026. A visit recorded later than the policy's working days
after it took place is now kept but marked late, and meets no quota (the choice: nothing a
leader reports is lost, nothing late counts); both times are kept; the enterprise visited
confirms it or disputes it, and coverage shows both.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from domain.actors import Actor, Role
from domain.application import Casetrail
from domain.errors import DomainError
from infra.figures import Figures
from projections.figures import DEFINITIONS
from tests.support.clock import CHINA, FakeClock
from tests.support.oversight_world import (
    ENTERPRISE,
    KEY_ENTERPRISE,
    LEADER,
    oversight_app,
)
from tests.support.views import all_views

NOVEMBER = datetime(2026, 11, 20, 17, 0, tzinfo=CHINA)  # a Friday


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOVEMBER)


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    return oversight_app(clock)


def visit(app: Casetrail, started: datetime) -> Any:
    return app.record_visit(
        kind="visit",
        place="厂区",
        started_at=started,
        duration=3,
        enterprise=KEY_ENTERPRISE,
        findings=["用地审批慢"],
        actor=LEADER,
    )


def quota(app: Casetrail, month: str, definitions: str = DEFINITIONS) -> dict[str, Any]:
    figure = Figures(app, all_views(app)).coverage(month, definitions=definitions)
    leader_id = str(app.leader(LEADER.id).id)
    mine: dict[str, Any] = next(q for q in figure["quota"] if q["leader_id"] == leader_id)
    return mine


def test_finding_11_a_visit_dated_a_month_earlier_meets_no_quota(app: Casetrail) -> None:
    saved = visit(app, datetime(2026, 10, 20, 9, 30, tzinfo=CHINA))
    state = app.visit(saved.id).state()
    assert (state["late"], state["record_by"]) == (True, "2026-10-23")
    assert state["started_at"] == "2026-10-20T09:30:00+08:00"
    assert state["recorded_at"] == "2026-11-20T17:00:00+08:00"  # both times are kept
    october = quota(app, "2026-10")
    assert (october["visits"], october["late"], october["met"]) == (0, 1, False)
    assert quota(app, "2026-10", "metrics-2026.1")["met"] is True  # as it was reproduced


def test_finding_11_a_visit_of_2025_entered_in_november_2026_is_kept_late(
    app: Casetrail,
) -> None:
    saved = visit(app, datetime(2025, 3, 1, 9, 0, tzinfo=CHINA))
    assert app.visit(saved.id).late is True
    march = quota(app, "2025-03")
    assert (march["visits"], march["late"], march["findings"]) == (0, 1, 1)


def test_finding_11_a_visit_recorded_within_three_working_days_counts(
    app: Casetrail, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 11, 19, 23, 0, tzinfo=CHINA))  # Thursday: 3 working days on
    visit(app, datetime(2026, 11, 16, 9, 0, tzinfo=CHINA))  # Monday
    november = quota(app, "2026-11")
    assert (november["visits"], november["late"], november["met"]) == (1, 0, True)


def test_finding_11_the_enterprise_visited_confirms_or_disputes_and_coverage_shows_it(
    app: Casetrail, clock: FakeClock
) -> None:
    first = visit(app, datetime(2026, 11, 18, 9, 0, tzinfo=CHINA))
    second = visit(app, datetime(2026, 11, 19, 9, 0, tzinfo=CHINA))
    key = Actor(KEY_ENTERPRISE, Role.ENTERPRISE)
    clock.advance(days=1)
    with pytest.raises(DomainError) as stranger:
        app.answer_visit(first.id, confirmed=True, actor=ENTERPRISE)
    assert stranger.value.code == "visit-confirmed-by-the-enterprise-visited"
    with pytest.raises(DomainError) as no_reason:
        app.answer_visit(second.id, confirmed=False, actor=key)
    assert no_reason.value.code == "required"
    app.answer_visit(first.id, confirmed=True, actor=key)
    app.answer_visit(second.id, confirmed=False, note="当天无人来访", actor=key)
    with pytest.raises(DomainError) as again:
        app.answer_visit(second.id, confirmed=True, actor=key)
    assert again.value.code == "visit-answered-once"
    november = quota(app, "2026-11")
    assert (november["confirmed"], november["disputed"], november["visits"]) == (1, 1, 1)
    answer = app.visit(first.id).state()["enterprise_answer"]
    assert answer["confirmed"] is True
