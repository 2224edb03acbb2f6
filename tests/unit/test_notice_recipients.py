"""Who is told what: notices resolved from the log alone, one per event and recipient."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest

from domain.actors import SYSTEM
from domain.application import Casetrail
from domain.directory import Enterprise, Window
from domain.identity import User
from projections.notices import NoticeProjection
from tests.support.app import ADMIN, memory_app
from tests.support.clock import FakeClock
from tests.support.notice_world import (
    FILED,
    blocked_task,
    planned_project,
    rectification_due,
    red_card,
    seed_people,
    supervision,
)
from tests.support.oversight_world import CHEN, LI, WANG
from tests.support.views import project
from tests.unit.test_merit import AFTER_Q2, publish_lists


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(FILED)


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    app = memory_app(clock)
    seed_people(app)
    return app


def inbox(app: Casetrail) -> list[dict[str, Any]]:
    projection = NoticeProjection()
    return project(app, projection).rows(projection.table("inbox"))


def test_a_red_card_reaches_the_handling_units_staff_and_head_once(
    app: Casetrail, clock: FakeClock
) -> None:
    red_card(app, clock)
    kinds = Counter((row["recipient"], row["kind"]) for row in inbox(app))
    for login in ("li.na", "wang.qiang"):
        assert kinds[(login, "red")] == 1
        assert kinds[(login, "yellow")] == 1
        assert kinds[(login, "reminder")] == 1
    assert not any(login in ("zhao.lei", "sun.li") for login, _ in kinds)


def test_a_supervision_order_reaches_the_supervised_unit_with_its_deadline(
    app: Casetrail,
) -> None:
    supervision(app)
    rows = [row for row in inbox(app) if row["kind"] == "supervision"]
    assert sorted(row["recipient"] for row in rows) == ["sun.li", "zhao.lei"]
    assert all(row["params"]["due"] and row["params"]["instruction"] for row in rows)


def test_a_bad_review_tells_the_rated_unit_its_rectification_is_due(
    app: Casetrail, clock: FakeClock
) -> None:
    rectification_due(app, clock)
    rows = [row for row in inbox(app) if row["kind"] == "rectification_due"]
    assert sorted(row["recipient"] for row in rows) == ["li.na", "wang.qiang"]


def test_the_answer_invites_the_filer_enterprises_users_to_rate(app: Casetrail) -> None:
    case_id = app.file_demand(
        case_type="consultation", channel="window", summary="如何办理", actor=LI,
        enterprise_id=Enterprise.id_for("91440300MA5EXAMPLE"), filer_name="吴先生",
    ).id
    app.answer_directly(case_id, "请携带执照原件", actor=LI)
    rows = [row for row in inbox(app) if row["kind"] == "rating_invitation"]
    assert [row["recipient"] for row in rows] == ["ent.user"]


def test_notice_ids_and_params_are_the_same_on_every_rebuild_and_show_no_ids(
    app: Casetrail, clock: FakeClock
) -> None:
    red_card(app, clock)
    supervision(app)
    first, second = inbox(app), inbox(app)
    assert [r["id"] for r in first] == [r["id"] for r in second]
    assert len({r["id"] for r in first}) == len(first)
    for row in first:
        assert str(row["subject_id"]) not in str(row["params"])


def test_an_appeal_decision_reaches_the_appealing_unit(app: Casetrail, clock: FakeClock) -> None:
    rectification_id = rectification_due(app, clock)
    evaluation_id = app.rectification(rectification_id).evaluation_id
    appeal = app.appeal_rating(evaluation_id, "mistaken", "评价对象错误", actor=WANG)
    app.decide_appeal(appeal.id, upheld=False, reason="证据不足", actor=CHEN)
    rows = [row for row in inbox(app) if row["kind"] == "appeal_decided"]
    assert sorted(row["recipient"] for row in rows) == ["li.na", "wang.qiang"]
    assert rows[0]["params"]["upheld"] is False


def test_a_circular_reaches_the_named_staff_and_every_member_of_a_named_unit(
    app: Casetrail,
) -> None:
    app.publish_circular(
        title="超期办件通报", source_kind="board", source_ref="限时办结看板",
        subjects=[("staff", "li.na", "超期"), ("unit", "HRS", "超期件数居末位")], actor=CHEN,
    )
    rows = [row for row in inbox(app) if row["kind"] == "circular"]
    assert sorted(row["recipient"] for row in rows) == ["li.na", "sun.li", "zhao.lei"]


def test_a_disabled_user_is_told_nothing_more(app: Casetrail, clock: FakeClock) -> None:
    user = app.load(User, User.id_for("ent.user"))
    user.disable("left the company", actor=ADMIN, at=clock.now)
    app.save(user)
    case_id = app.file_demand(
        case_type="consultation", channel="window", summary="如何办理", actor=LI,
        enterprise_id=Enterprise.id_for("91440300MA5EXAMPLE"), filer_name="吴先生",
    ).id
    app.answer_directly(case_id, "请携带执照原件", actor=LI)
    assert not [row for row in inbox(app) if row["kind"] == "rating_invitation"]


def test_a_blocked_task_reaches_the_leader_it_is_escalated_to_and_no_one_else(
    app: Casetrail,
) -> None:
    blocked_task(app)
    rows = [row for row in inbox(app) if row["kind"] == "task_blocked"]
    assert [row["recipient"] for row in rows] == ["county-01"]
    assert rows[0]["params"] == {
        "project": "新能源电池厂二期扩建", "task": "办理施工许可",
        "reason": "规划许可未下达，无法受理",
    }
    assert rows[0]["subject_kind"] == "project"


def test_an_overdue_task_warns_its_responsible_person_at_each_level(
    app: Casetrail, clock: FakeClock
) -> None:
    project_id = planned_project(app)
    clock.now += timedelta(days=9)  # past the four working days
    issued = app.issue_task_alerts(project_id, actor=SYSTEM)
    clock.now += timedelta(days=1)
    issued += app.issue_task_alerts(project_id, actor=SYSTEM)
    assert issued, "the watcher warned the task"
    rows = [row for row in inbox(app) if row["kind"].startswith("task_")]
    assert sorted((row["recipient"], row["kind"]) for row in rows) == sorted(
        ("li.na", f"task_{level}") for _, level in issued
    )
    assert all(row["params"]["due"] and row["params"]["task"] == "办理施工许可" for row in rows)


def test_a_commendation_reaches_its_person_and_a_sanction_the_units_head(
    app: Casetrail, clock: FakeClock
) -> None:
    clock.set(AFTER_Q2)
    app.open_window("HRS-W1", "社保窗口一", "HRS", actor=ADMIN)
    publication = publish_lists(app)
    app.decide_merit(
        "commendation", subject_kind="staff", subject="li.na", reason="好评率居首位",
        publication_id=publication, entry=("staff", "li.na"), actor=CHEN,
    )
    app.decide_merit(
        "criticism_education", subject_kind="unit", subject="HRS", reason="好评率居末位",
        publication_id=publication, entry=("unit", str(app.unit("HRS").id)), actor=CHEN,
    )
    app.decide_merit(
        "ordered_rectification", subject_kind="window", subject="HRS-W1", reason="差评集中",
        publication_id=publication, entry=("window", str(Window.id_for("HRS-W1"))), actor=CHEN,
    )
    rows = [row for row in inbox(app) if row["kind"] == "merit_decided"]
    assert sorted(
        (row["recipient"], row["params"]["decision"], row["params"]["subject"]) for row in rows
    ) == [
        ("li.na", "commendation", ""),
        ("sun.li", "criticism_education", app.unit("HRS").name),
        ("sun.li", "ordered_rectification", "社保窗口一"),
    ]
