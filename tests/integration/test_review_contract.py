"""Reviews, visits, supervision and accountability on every store (memory, SQLite, PostgreSQL).

Each flow runs through the composition root on one backend; on the durable ones a second
application opened on the same store must read back exactly the state the first one left,
which proves every event (ids, times, nested findings and derivations) round-trips.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

import pytest

from domain.application import Casetrail
from domain.errors import AlreadyExistsError
from domain.evaluation import Level
from domain.list_rules import Measured
from domain.publication import Kind, Publication, Snapshot
from domain.refusals import ConcludedError, WindowClosedError
from tests.support.clock import CHINA, FakeClock
from tests.support.oversight_world import (
    CHEN,
    ENTERPRISE,
    KEY_ENTERPRISE,
    LEADER,
    LI,
    SUN,
    WANG,
    ZHOU,
    seed_oversight,
    window_service,
)
from tests.support.stores import StoreUnderTest

Factory = Callable[[], Casetrail]


def read_back(store: StoreUnderTest, app_factory: Factory, ids: list[UUID], app: Casetrail) -> None:
    """A second application on a durable store sees what the first one recorded."""
    if store.name == "memory":  # a second in-memory application starts empty
        return
    again = app_factory()
    for aggregate_id in ids:
        assert _state(again, aggregate_id) == _state(app, aggregate_id)
        assert len(again.history(aggregate_id)) == len(app.history(aggregate_id))


def _state(app: Casetrail, aggregate_id: UUID) -> dict[str, Any]:
    version = len(app.history(aggregate_id))
    return app.as_of_version(aggregate_id, version).state()


@pytest.fixture
def world(app_factory: Factory) -> Casetrail:
    app = app_factory()
    seed_oversight(app)
    return app


def test_a_bad_review_is_rectified_and_re_rated(
    world: Casetrail, clock: FakeClock, store: StoreUnderTest, app_factory: Factory
) -> None:
    service = window_service(world, clock.now)
    clock.advance(hours=1)
    saved = world.rate_service(service, Level.DISSATISFIED, actor=ENTERPRISE, reason="排队太久")
    assert saved.rectification is not None
    with pytest.raises(AlreadyExistsError):
        world.rate_service(service, Level.SATISFIED, actor=ENTERPRISE)
    rectification_id = saved.rectification.id
    clock.advance(hours=3)
    world.record_rectification_callback(
        rectification_id, reached=True, complaint_verified=True, actor=LI
    )
    world.record_rectification_measures(rectification_id, ["增开午间窗口"], actor=LI)
    world.complete_rectification(rectification_id, "rectified", "已增开窗口", actor=WANG)
    with pytest.raises(ConcludedError):
        world.request_rectification_extension(rectification_id, 2, "补充", actor=WANG)
    clock.advance(days=2)
    world.rerate_service(saved.evaluation.id, Level.SATISFIED, actor=ENTERPRISE)
    evaluation = world.evaluation(saved.evaluation.id)
    assert (evaluation.first_level, evaluation.level) == (Level.DISSATISFIED, Level.SATISFIED)
    assert world.rectification(rectification_id).state()["stage"] == "completed"
    read_back(store, app_factory, [saved.evaluation.id, rectification_id], world)


def test_an_upheld_appeal_excludes_the_rating(
    world: Casetrail, clock: FakeClock, store: StoreUnderTest, app_factory: Factory
) -> None:
    rated = world.rate_service(
        window_service(world, clock.now),
        Level.VERY_DISSATISFIED,
        actor=ENTERPRISE,
        reason="恶意",
        real_name=False,
    )
    late = world.rate_service(
        window_service(world, clock.now, staff="zhao.lei"),
        Level.DISSATISFIED,
        actor=ENTERPRISE,
        reason="慢",
    )
    appeal = world.appeal_rating(rated.evaluation.id, "malicious", "同一号码连续差评", actor=WANG)
    world.decide_appeal(appeal.id, upheld=True, reason="经核查属恶意", actor=CHEN)
    assert world.evaluation(rated.evaluation.id).counted is False
    clock.set(datetime(2026, 3, 10, 0, 0, tzinfo=CHINA))  # 5 working days after Mon 2 March
    with pytest.raises(WindowClosedError):
        world.appeal_rating(late.evaluation.id, "mistaken", "评错对象", actor=SUN)
    read_back(store, app_factory, [rated.evaluation.id, appeal.id], world)


def test_a_visit_finding_opens_a_case_and_links_stay(
    world: Casetrail, clock: FakeClock, store: StoreUnderTest, app_factory: Factory
) -> None:
    world.link_leader("county-01", KEY_ENTERPRISE, actor=CHEN)
    world.station_staff("li.na", KEY_ENTERPRISE, actor=CHEN)
    started = clock.now
    clock.advance(hours=4)
    visit = world.record_visit(
        kind="visit",
        enterprise=KEY_ENTERPRISE,
        place="二号厂区",
        started_at=started,
        duration=2.5,
        findings=["用地审批慢", "道路积水"],
        actor=LEADER,
    )
    case = world.open_case_from_finding(visit.id, 1, "help", actor=LEADER)
    assert world.case(case.id).source_visit_id == visit.id
    assert world.visit(visit.id).finding(1)["case_id"] == str(case.id)
    engagement_id = world.engagement(KEY_ENTERPRISE).id
    read_back(store, app_factory, [visit.id, case.id, engagement_id], world)


def test_supervision_accountability_and_a_formal_talk(
    world: Casetrail, clock: FakeClock, store: StoreUnderTest, app_factory: Factory
) -> None:
    order = world.supervise_unit(
        "HRS",
        instruction="说明积压原因",
        required_response="书面报告",
        working_days=3,
        actor=CHEN,
    )
    world.respond_to_supervision(order.id, "已报送整改方案", actor=SUN)
    world.close_supervision(order.id, "销号", actor=CHEN)
    circular = world.publish_circular(
        title="超期通报",
        source_kind="board",
        source_ref="overdue board 2026-03",
        subjects=[("unit", "HRS", "超期件数最多")],
        actor=CHEN,
    )
    matter = world.open_accountability_matter(
        subject_kind="staff", subject="zhao.lei", allegation="超期未办", actor=ZHOU
    )
    world.record_accountability_findings(matter.id, "系统切换导致积压", actor=ZHOU)
    world.classify_accountability_matter(
        matter.id,
        {
            "inexperience_vs_knowing": "lenient",
            "experiment_vs_ban": "lenient",
            "development_vs_private_gain": "lenient",
        },
        "改革中的失误",
        actor=ZHOU,
    )
    world.decide_accountability_outcome(matter.id, "exemption", "符合容错情形", actor=ZHOU)
    clock.set(datetime(2026, 1, 6, 10, 0, tzinfo=CHINA))
    for year in ("2024", "2025"):
        units = [
            Measured(str(world.unit(code).id), composite, 12, figures={"on_time_rate": composite})
            for code, composite in (("AMR", 0.81), ("HRS", 0.42))
        ]
        snapshot = Snapshot({"unit": units}, "metrics-2026.3", 7, clock.now, 24)
        published = world.publish(Kind.RANKING, year, snapshot, actor=CHEN)
    assert published.formal_talks == [world.unit("HRS").id]
    trigger_id = world.assessment_trigger("HRS").id
    ranking_id = Publication.id_for(Kind.RANKING, "2025")
    read_back(
        store, app_factory, [order.id, circular.id, matter.id, trigger_id, ranking_id], world
    )
