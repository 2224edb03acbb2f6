"""Issue 12, finding 8: the 红黑榜 is fair by construction, published, open to objection.

Reproduced: a clerk at 好评率 0 % (six 非常不满意) was on the red list as the only eligible
member; two windows with identical ratings were split, one red and one black, by id order;
lists were computed on the fly and named in circulars without being published.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from domain.actors import Actor, Role
from domain.application import Casetrail
from domain.errors import DomainError
from domain.evaluation import Level
from domain.list_rules import Floors, Measured, Side, bottom, ranked, sides
from domain.policy import ListPolicy
from domain.publication import Kind
from infra.publishing import Publisher, reproduce
from projections.reviews import ReviewProjection
from tests.support.app import ADMIN
from tests.support.clock import CHINA, FakeClock
from tests.support.oversight_world import (
    CHEN,
    ENTERPRISE,
    LI,
    SUN,
    WANG,
    ZHAO,
    oversight_app,
    window_service,
)
from tests.support.views import all_views

JUNE = datetime(2026, 6, 29, 9, 0, tzinfo=CHINA)  # Monday
AFTER_Q2 = datetime(2026, 7, 1, 10, 0, tzinfo=CHINA)  # Wednesday
QIAN = Actor("qian.yu", Role.WINDOW_STAFF)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(JUNE)


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    app = oversight_app(clock)
    app.open_window("AMR-W1", "综合窗口一", "AMR", actor=ADMIN)
    app.open_window("HRS-W1", "社保窗口一", "HRS", actor=ADMIN)
    app.enrol_staff(
        "qian.yu", "钱雨", Role.WINDOW_STAFF, unit_code="AMR", window_code="AMR-W1", actor=ADMIN
    )
    app.enrol_staff(
        "sun.wei", "孙伟", Role.WINDOW_STAFF, unit_code="HRS", window_code="HRS-W1", actor=ADMIN
    )
    return app


def rated(app: Casetrail, clock: FakeClock, staff: str, level: Level, times: int) -> None:
    for _ in range(times):
        clock.advance(minutes=20)
        service = window_service(app, clock.now, staff=staff)
        clock.advance(minutes=5)
        reason = "态度恶劣" if level.is_bad else None
        app.rate_service(service, level, actor=ENTERPRISE, reason=reason)


def publisher(app: Casetrail) -> Publisher:
    return Publisher(app, all_views(app))


def code(error: pytest.ExceptionInfo[DomainError]) -> str:
    return error.value.code


def test_finding_8_a_clerk_at_zero_percent_is_never_on_the_red_list(
    app: Casetrail, clock: FakeClock
) -> None:
    rated(app, clock, "li.na", Level.VERY_DISSATISFIED, 6)
    clock.set(AFTER_Q2)
    publisher(app).publish(Kind.LISTS, "2026-Q2", actor=CHEN)
    line = app.publication("lists", "2026-Q2").line("staff", "li.na")
    assert line is not None
    assert (line["rank"], line["score"], line["sample"]) == (1, 0.0, 6)
    assert line["side"] == "black"  # the only eligible member, and below the ceiling


def test_finding_8_equal_figures_share_a_rank_and_a_list(app: Casetrail, clock: FakeClock) -> None:
    rated(app, clock, "qian.yu", Level.VERY_SATISFIED, 5)
    rated(app, clock, "sun.wei", Level.VERY_SATISFIED, 5)
    clock.set(AFTER_Q2)
    publisher(app).publish(Kind.LISTS, "2026-Q2", actor=CHEN)
    windows = app.publication("lists", "2026-Q2").latest["entries"]["window"]
    assert [(w["rank"], w["side"]) for w in windows] == [(1, "red"), (1, "red")]
    # The first definitions split them by id, one red and one black, as reproduced:
    first = publisher(app).snapshot(Kind.LISTS, "2026-Q2", definitions="metrics-2026.1")
    assert [m.score for m in first.measured["window"]] == [1.0, 1.0]


def test_finding_8_the_list_rules_rank_ties_alike_and_keep_the_lists_apart() -> None:
    floors = Floors(red_size=1, black_size=1, min_sample=5, red_floor=0.9, black_ceiling=0.7)
    members = [
        Measured("a", 0.95, 9),
        Measured("b", 0.95, 5),
        Measured("c", 0.8, 7),
        Measured("d", 0.5, 6, second=0.5),
        Measured("e", 0.5, 6, second=0.5),
        Measured("f", 0.1, 4),  # too few ratings to be judged
    ]
    assert [(r, m.member) for r, m in ranked(members, 5)] == [
        (1, "a"),
        (1, "b"),
        (3, "c"),
        (4, "d"),
        (4, "e"),
        (None, "f"),
    ]
    assert sides(members, floors) == {
        "a": Side.RED,
        "b": Side.RED,
        "d": Side.BLACK,
        "e": Side.BLACK,
    }
    assert bottom({"a": 1, "d": 4, "e": 4, "f": None}) == ["d", "e"]
    assert bottom({"a": 1, "b": 1}) == []  # all equal: nobody is last
    with pytest.raises(DomainError) as same:
        Floors(3, 3, 5, red_floor=0.7, black_ceiling=0.7)
    assert code(same) == "list-floor-above-ceiling"
    with pytest.raises(DomainError) as policy:
        ListPolicy(red_min_good_review_rate=0.6, black_max_good_review_rate=0.7)
    assert code(policy) == "list-floor-above-ceiling"


def test_finding_8_lists_are_published_frozen_once_the_period_is_over(
    app: Casetrail, clock: FakeClock
) -> None:
    rated(app, clock, "li.na", Level.VERY_DISSATISFIED, 6)
    with pytest.raises(DomainError) as running:
        publisher(app).publish(Kind.LISTS, "2026-Q2", actor=CHEN)
    assert code(running) == "period-not-over"
    clock.set(AFTER_Q2)
    with pytest.raises(DomainError) as not_supervisor:
        publisher(app).publish(Kind.LISTS, "2026-Q2", actor=WANG)
    assert code(not_supervisor) == "role-may-not"
    saved = publisher(app).publish(Kind.LISTS, "2026-Q2", actor=CHEN).saved
    publication = app.publication("lists", "2026-Q2")
    edition = publication.latest
    assert edition["stamp"]["definitions"] == "metrics-2026.3"
    assert saved.position is not None
    assert edition["stamp"]["position"] == saved.position - 1  # the log just before it
    assert edition["policy_version"] == app.policy.version
    assert edition["rules"]["staff"]["red_floor"] == 0.9
    assert edition["objection_due"]["due"] == "2026-07-08"  # 5 working days
    with pytest.raises(DomainError) as twice:
        publisher(app).publish(Kind.LISTS, "2026-Q2", actor=CHEN)
    assert code(twice) == "published-once"

    table = ReviewProjection().table("evaluations")
    evaluations = [e for e in all_views(app).rows(table) if e["staff"] == "li.na"]
    clock.advance(hours=2)
    appeal = app.appeal_rating(evaluations[0]["id"], "malicious", "同一企业连续差评", actor=WANG)
    app.decide_appeal(appeal.id, upheld=True, reason="经核实属恶意", actor=CHEN)
    live = publisher(app).snapshot(Kind.LISTS, "2026-Q2").measured["staff"]
    assert [m.sample for m in live] == [5]  # the record moved on: one rating excluded
    assert app.publication("lists", "2026-Q2").latest == edition  # the publication did not
    assert reproduce(app, app.publication("lists", "2026-Q2")).measured["staff"][0].sample == 6


def test_finding_8_objections_are_decided_by_a_supervisor_and_an_upheld_one_corrects(
    app: Casetrail, clock: FakeClock
) -> None:
    rated(app, clock, "li.na", Level.VERY_DISSATISFIED, 6)
    rated(app, clock, "zhao.lei", Level.DISSATISFIED, 5)
    clock.set(AFTER_Q2)
    publisher(app).publish(Kind.LISTS, "2026-Q2", actor=CHEN)
    with pytest.raises(DomainError) as stranger:
        app.object_to("lists", "2026-Q2", "staff", "li.na", "不公", actor=ZHAO)
    assert code(stranger) == "objection-by-the-listed"
    with pytest.raises(DomainError) as not_listed:
        app.object_to("lists", "2026-Q2", "staff", "qian.yu", "不公", actor=QIAN)
    assert code(not_listed) == "objection-names-no-entry"
    mine = app.object_to("lists", "2026-Q2", "staff", "li.na", "六条差评系同一企业所为", actor=LI)
    heads = app.object_to("lists", "2026-Q2", "staff", "zhao.lei", "样本不足", actor=SUN)
    with pytest.raises(DomainError) as again:
        app.object_to("lists", "2026-Q2", "staff", "li.na", "再议", actor=WANG)
    assert code(again) == "objection-filed-once"

    clock.advance(days=1)
    rejected = publisher(app).decide(
        Kind.LISTS, "2026-Q2", heads.number, upheld=False, reason="样本符合规定", actor=CHEN
    )
    assert app.publication("lists", "2026-Q2").edition == 1
    assert rejected.formal_talks == []
    publisher(app).decide(
        Kind.LISTS, "2026-Q2", mine.number, upheld=True, reason="经核实属恶意评价", actor=CHEN
    )
    publication = app.publication("lists", "2026-Q2")
    assert publication.edition == 2
    assert publication.latest["corrects_objection"] == mine.number
    li, zhao = publication.line("staff", "li.na"), publication.line("staff", "zhao.lei")
    assert li is not None
    assert zhao is not None
    assert (li["side"], li["struck_by_objection"]) == (None, mine.number)
    assert zhao["side"] == "black"
    assert publication.editions[0]["entries"]["staff"][0]["side"] == "black"  # kept
    with pytest.raises(DomainError) as decided:
        publisher(app).decide(Kind.LISTS, "2026-Q2", 1, upheld=True, reason="再议", actor=CHEN)
    assert code(decided) == "objection-decided-once"

    clock.set(datetime(2026, 7, 20, 9, 0, tzinfo=CHINA))
    with pytest.raises(DomainError) as late:
        app.object_to("lists", "2026-Q2", "staff", "zhao.lei", "逾期", actor=ZHAO)
    assert code(late) == "window-closed"


def test_finding_8_a_named_circular_cites_a_published_list_entry(
    app: Casetrail, clock: FakeClock
) -> None:
    rated(app, clock, "li.na", Level.VERY_DISSATISFIED, 6)
    clock.set(AFTER_Q2)
    with pytest.raises(DomainError) as unpublished:
        app.publish_circular(
            title="二季度差评通报",
            source_kind="list",
            source_ref="2026-Q2",
            subjects=[("staff", "li.na", "好评率末位")],
            actor=CHEN,
        )
    assert code(unpublished) == "circular-cites-publication"
    publisher(app).publish(Kind.LISTS, "2026-Q2", actor=CHEN)
    with pytest.raises(DomainError) as unlisted:
        app.publish_circular(
            title="二季度差评通报",
            source_kind="list",
            source_ref="2026-Q2",
            subjects=[("staff", "zhao.lei", "差评多")],
            actor=CHEN,
        )
    assert code(unlisted) == "circular-names-published-entries"
    saved = app.publish_circular(
        title="二季度差评通报",
        source_kind="list",
        source_ref="2026-Q2",
        subjects=[("staff", "li.na", "好评率末位，列入黑榜")],
        actor=CHEN,
    )
    circular = app.circular(saved.id).state()
    assert circular["cites"]["edition"] == 1
    assert circular["subjects"][0]["listed"] == "black"
