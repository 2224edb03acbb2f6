"""Who is told what: notices resolved from the log alone, one per event and recipient."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from domain.application import Casetrail
from domain.directory import Enterprise
from domain.identity import User
from projections.notices import NoticeProjection
from tests.support.app import ADMIN, memory_app
from tests.support.clock import FakeClock
from tests.support.notice_world import FILED, rectification_due, red_card, seed_people, supervision
from tests.support.oversight_world import CHEN, LI, WANG
from tests.support.views import project


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
