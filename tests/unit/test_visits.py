"""Leaders and enterprises: links, stationed staff, visits, and cases opened from findings."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import pytest

from domain.application import Casetrail
from domain.case import Case
from domain.case_rules import CaseStatus
from domain.engagement import Engagement
from domain.errors import AlreadyExistsError, InvalidInputError, NotFoundError, NotPermittedError
from domain.refusals import StepRefusedError
from domain.visit import Visit
from tests.support.app import ADMIN
from tests.support.clock import CHINA, FakeClock
from tests.support.oversight_world import (
    CHEN,
    KEY_ENTERPRISE,
    LEADER,
    LI,
    OTHER_LEADER,
    oversight_app,
)

NOW = datetime(2026, 3, 6, 17, 0, tzinfo=CHINA)  # Friday
VISITED = datetime(2026, 3, 6, 9, 30, tzinfo=CHINA)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    return oversight_app(clock)


def visit_with_findings(app: Casetrail) -> UUID:
    return app.record_visit(
        kind="visit",
        enterprise=KEY_ENTERPRISE,
        place="重点示例制造有限公司 二号厂区",
        started_at=VISITED,
        duration=3,
        findings=["厂区外道路积水影响物流", "环评批复等待超过两个月"],
        actor=LEADER,
    ).id


def test_admins_and_supervisors_link_leaders_to_enterprises(app: Casetrail) -> None:
    app.link_leader("county-01", KEY_ENTERPRISE, actor=ADMIN, note="挂钩联系")
    app.link_leader("county-02", KEY_ENTERPRISE, actor=CHEN)
    engagement = app.engagement(KEY_ENTERPRISE)
    assert engagement.id == Engagement.id_for(app.enterprise(KEY_ENTERPRISE).id)
    assert set(engagement.leaders) == {app.leader("county-01").id, app.leader("county-02").id}
    assert engagement.state()["kind"] == "engagement"


def test_a_leader_does_not_link_themself(app: Casetrail) -> None:
    with pytest.raises(NotPermittedError, match="only an admin or supervisor may link people"):
        app.link_leader("county-01", KEY_ENTERPRISE, actor=LEADER)
    assert not app.exists(Engagement.id_for(app.enterprise(KEY_ENTERPRISE).id))


def test_a_link_is_made_once_and_ended_with_a_reason(app: Casetrail) -> None:
    app.link_leader("county-01", KEY_ENTERPRISE, actor=ADMIN)
    with pytest.raises(InvalidInputError, match="is already linked to enterprise"):
        app.link_leader("county-01", KEY_ENTERPRISE, actor=ADMIN)
    with pytest.raises(InvalidInputError, match="the reason for unlinking must not be empty"):
        app.unlink_leader("county-01", KEY_ENTERPRISE, " ", actor=ADMIN)
    app.unlink_leader("county-01", KEY_ENTERPRISE, "职务调整", actor=ADMIN)
    engagement = app.engagement(KEY_ENTERPRISE)
    assert (engagement.leaders, engagement.past_leaders) == ({}, 1)
    with pytest.raises(StepRefusedError, match="is not linked to enterprise"):
        app.unlink_leader("county-01", KEY_ENTERPRISE, "再次解除", actor=ADMIN)
    names = [type(e).__name__ for e in app.history(engagement.id)]
    assert names == ["Opened", "LeaderLinked", "LeaderUnlinked"]


def test_linking_an_unknown_leader_is_refused(app: Casetrail) -> None:
    with pytest.raises(NotFoundError, match="no leader with id"):
        app.link_leader("nobody", KEY_ENTERPRISE, actor=ADMIN)


def test_staff_are_stationed_with_key_enterprises_only(app: Casetrail) -> None:
    with pytest.raises(StepRefusedError, match="is not a key enterprise"):
        app.station_staff("li.na", "91440300MA5EXAMPLE", actor=ADMIN)
    app.station_staff("li.na", KEY_ENTERPRISE, actor=ADMIN)
    with pytest.raises(InvalidInputError, match=r"li\.na is already stationed"):
        app.station_staff("li.na", KEY_ENTERPRISE, actor=ADMIN)
    assert app.engagement(KEY_ENTERPRISE).state()["stationed_staff"] == ["li.na"]
    app.withdraw_staff("li.na", KEY_ENTERPRISE, "轮岗", actor=CHEN)
    assert app.engagement(KEY_ENTERPRISE).stationed == {}
    with pytest.raises(StepRefusedError, match=r"li\.na is not stationed"):
        app.withdraw_staff("li.na", KEY_ENTERPRISE, "轮岗", actor=CHEN)


def test_a_leader_records_a_visit_with_numbered_findings(app: Casetrail) -> None:
    visit = app.visit(visit_with_findings(app))
    state = visit.state()
    assert (state["kind"], state["visit_kind"], state["leader_code"]) == (
        "visit",
        "visit",
        "county-01",
    )
    assert state["enterprise_id"] == str(app.enterprise(KEY_ENTERPRISE).id)
    assert (state["started_at"], state["duration"], state["duration_unit"]) == (
        "2026-03-06T09:30:00+08:00",
        3.0,
        "hours",
    )
    assert [(f["id"], f["description"]) for f in state["findings"]] == [
        (1, "厂区外道路积水影响物流"),
        (2, "环评批复等待超过两个月"),
    ]
    recorded = app.history(visit.id)[0]
    assert (recorded.actor_id, recorded.actor_role, recorded.timestamp) == (
        "county-01",
        "leader",
        NOW,
    )


def test_an_office_day_without_an_enterprise_and_a_front_line_week_in_days(
    app: Casetrail,
) -> None:
    office = app.record_visit(
        kind="office_day",
        place="政务服务中心 三楼",
        started_at=VISITED,
        duration=8,
        actor=LEADER,
    )
    assert app.visit(office.id).enterprise_id is None
    week = app.record_visit(
        kind="front_line_week",
        place="审批窗口",
        started_at=datetime(2026, 3, 2, 9, 0, tzinfo=CHINA),
        duration=5,
        duration_unit="days",
        actor=OTHER_LEADER,
    )
    assert (app.visit(week.id).duration, app.visit(week.id).duration_unit) == (5.0, "days")


def test_visits_are_recorded_by_leaders_after_they_start_and_with_a_sensible_length(
    app: Casetrail,
) -> None:
    with pytest.raises(NotPermittedError, match="only a leader may record a visit"):
        app.record_visit(kind="visit", place="x", started_at=VISITED, duration=1, actor=CHEN)
    with pytest.raises(InvalidInputError, match="record it once it has taken place"):
        app.record_visit(
            kind="visit",
            place="x",
            started_at=datetime(2026, 3, 9, 9, 0, tzinfo=CHINA),
            duration=1,
            actor=LEADER,
        )
    with pytest.raises(InvalidInputError, match="at most 24 hours, not 30"):
        app.record_visit(kind="visit", place="x", started_at=VISITED, duration=30, actor=LEADER)
    with pytest.raises(InvalidInputError, match="visit kind 'tour' is unknown"):
        app.record_visit(kind="tour", place="x", started_at=VISITED, duration=1, actor=LEADER)


def test_a_finding_opens_a_case_linked_both_ways_in_one_commit(app: Casetrail) -> None:
    visit_id = visit_with_findings(app)
    saved = app.open_case_from_finding(visit_id, 2, "help", actor=LEADER)
    case = app.load(Case, saved.id)
    assert (case.channel, case.case_type, case.source_visit_id) == (
        "visit_finding",
        "help",
        visit_id,
    )
    assert case.summary == "环评批复等待超过两个月"
    assert case.enterprise_id == app.enterprise(KEY_ENTERPRISE).id
    assert case.status is CaseStatus.RECEIVED
    visit = app.visit(visit_id)
    assert visit.finding(2)["case_id"] == str(case.id)
    opened = app.history(visit_id)[-1]
    assert isinstance(opened, Visit.FindingCaseOpened)
    assert (opened.finding_id, opened.case_id) == (2, case.id)
    # One commit wrote them all: the case, its filer's data subject, then the visit's event.
    assert saved.position is not None
    assert app.recorder.max_notification_id() == saved.position + 2


def test_a_finding_opens_one_case_and_only_for_its_leader(app: Casetrail) -> None:
    visit_id = visit_with_findings(app)
    with pytest.raises(NotPermittedError, match="only the leader who made visit"):
        app.open_case_from_finding(visit_id, 1, "help", actor=OTHER_LEADER)
    app.open_case_from_finding(visit_id, 1, "help", actor=LEADER, summary="道路积水")
    before = app.recorder.max_notification_id()
    with pytest.raises(AlreadyExistsError, match="already opened case"):
        app.open_case_from_finding(visit_id, 1, "complaint", actor=LEADER)
    assert app.recorder.max_notification_id() == before  # no orphan case was saved
    with pytest.raises(NotFoundError, match=r"has no finding 7 \(its findings: 1, 2\)"):
        app.open_case_from_finding(visit_id, 7, "help", actor=LEADER)


def test_findings_are_added_later_or_resolved_on_site(app: Casetrail, clock: FakeClock) -> None:
    visit_id = visit_with_findings(app)
    clock.advance(hours=1)
    added = app.add_visit_finding(visit_id, "企业反映用电报装慢", actor=LEADER)
    assert added.finding_id == 3
    app.resolve_finding_on_site(visit_id, 3, "现场协调供电所当日报装", actor=LEADER)
    assert app.visit(visit_id).finding(3)["resolved_on_site"] == "现场协调供电所当日报装"
    with pytest.raises(AlreadyExistsError, match="is already handled"):
        app.open_case_from_finding(visit_id, 3, "help", actor=LEADER)
    with pytest.raises(NotPermittedError, match="only the leader who made visit"):
        app.add_visit_finding(visit_id, "代记", actor=LI)
