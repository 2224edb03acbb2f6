"""Issue 12, finding 9: 约谈 follows Casetrail's own ranking.

Reproduced: the consecutive-bottom trigger was fed only by hand-entered bottom flags (the demo's
ECO had a 约谈 for 2024-2025 though the system ranked it 5th of 8 in 2025); two units were
accepted as bottom of one year; a result for 2027 was accepted in 2026 and triggered a talk.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from uuid import UUID

import pytest

from domain.actors import Actor, Role
from domain.application import Casetrail
from domain.assessment import AssessmentTrigger
from domain.errors import DomainError
from domain.list_rules import Measured
from domain.publication import Kind, Snapshot
from infra.publishing import Publisher
from tests.support.app import ADMIN, shipped_policy
from tests.support.clock import CHINA, FakeClock
from tests.support.oversight_world import CHEN, ENTERPRISE, LI, SUN, ZHAO, oversight_app
from tests.support.views import all_views

NEW_YEAR = datetime(2026, 1, 6, 10, 0, tzinfo=CHINA)
TAXI = Actor("tax.clerk", Role.WINDOW_STAFF)
CLERKS = {"AMR": LI, "HRS": ZHAO, "TAX": TAXI}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2024, 3, 4, 9, 0, tzinfo=CHINA))


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    policy = shipped_policy()
    app = oversight_app(clock, replace(policy, lists=replace(policy.lists, min_sample=1)))
    app.register_unit("TAX", "税务局", actor=ADMIN)
    app.enrol_staff("tax.clerk", "税务窗口", Role.WINDOW_STAFF, unit_code="TAX", actor=ADMIN)
    return app


def handled(app: Casetrail, clock: FakeClock, unit: str, filed: datetime, *, late: bool) -> None:
    """A consultation (2 working days) dispatched to ``unit``, answered on time or a week late."""
    clock.set(filed)
    case_id = app.file_demand(
        case_type="consultation",
        channel="window",
        summary="咨询办事流程",
        actor=LI,
        filer_name="张先生",
        enterprise_id=app.enterprise(ENTERPRISE.id).id,
    ).id
    app.dispatch(case_id, unit, actor=LI)
    clerk = CLERKS[unit]
    app.sign_for(case_id, actor=clerk)
    clock.advance(timedelta(days=9) if late else timedelta(hours=3))
    app.reply(case_id, "已答复", actor=clerk)
    app.close_case(case_id, "solved", "办结", actor=clerk)


def snapshot(app: Casetrail, **composites: float) -> Snapshot:
    units = [Measured(str(app.unit(c).id), v, 10) for c, v in composites.items()]
    return Snapshot({"unit": units}, "metrics-2026.3", 1, app.now(), app.work_calendar().version)


def talks(app: Casetrail, unit: str) -> list[dict[str, object]]:
    return app.assessment_trigger(unit).triggers


def test_finding_9_the_talk_follows_casetrails_own_published_ranking(
    app: Casetrail, clock: FakeClock
) -> None:
    for year in (2024, 2025):
        handled(app, clock, "AMR", datetime(year, 3, 4, 9, 0, tzinfo=CHINA), late=False)
        handled(app, clock, "TAX", datetime(year, 3, 4, 9, 0, tzinfo=CHINA), late=False)
        handled(app, clock, "HRS", datetime(year, 3, 4, 9, 0, tzinfo=CHINA), late=True)
    assert not hasattr(app, "record_ranking_result")  # no hand-entered bottom flags
    clock.set(NEW_YEAR)
    publisher = Publisher(app, all_views(app))
    first = publisher.publish(Kind.RANKING, "2024", actor=CHEN)
    second = publisher.publish(Kind.RANKING, "2025", actor=CHEN)
    assert first.formal_talks == []
    assert second.formal_talks == [app.unit("HRS").id]
    ranking = app.publication("ranking", "2025").latest["entries"]["unit"]
    by_unit = {UUID(line["member"]): line["rank"] for line in ranking}
    assert by_unit == {app.unit("AMR").id: 1, app.unit("TAX").id: 1, app.unit("HRS").id: 3}
    (talk,) = talks(app, "HRS")
    assert talk["periods"] == ["2024", "2025"]
    assert talk["recommendation"] == "reassign_deputy_in_charge"  # 分管领导调整, with the talk
    assert talks(app, "AMR") == []


def test_finding_9_a_ranking_of_a_period_not_yet_over_is_refused(
    app: Casetrail, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 11, 20, 10, 0, tzinfo=CHINA))
    for year in ("2027", "2026"):
        with pytest.raises(DomainError) as refused:
            app.publish(Kind.RANKING, year, snapshot(app, AMR=0.8, HRS=0.2), actor=CHEN)
        assert refused.value.code == "period-not-over"
        assert not app.exists(AssessmentTrigger.id_for(app.unit("HRS").id, "year"))


def test_finding_9_two_units_share_the_bottom_only_when_tied(
    app: Casetrail, clock: FakeClock
) -> None:
    clock.set(NEW_YEAR)
    app.publish(Kind.RANKING, "2024", snapshot(app, AMR=0.8, HRS=0.4, TAX=0.4), actor=CHEN)
    tied = app.publish(Kind.RANKING, "2025", snapshot(app, AMR=0.8, HRS=0.4, TAX=0.4), actor=CHEN)
    assert sorted(tied.formal_talks) == sorted([app.unit("HRS").id, app.unit("TAX").id])
    clock.set(datetime(2027, 1, 6, 10, 0, tzinfo=CHINA))
    apart = app.publish(
        Kind.RANKING, "2026", snapshot(app, AMR=0.8, HRS=0.4, TAX=0.400001), actor=CHEN
    )
    assert apart.formal_talks == []
    assert app.assessment_trigger("HRS").current_streak == 1
    assert app.assessment_trigger("TAX").current_streak == 0


def test_finding_9_a_corrected_ranking_withdraws_the_talk_that_rested_on_it(
    app: Casetrail, clock: FakeClock
) -> None:
    clock.set(NEW_YEAR)
    app.publish(Kind.RANKING, "2024", snapshot(app, AMR=0.8, HRS=0.4, TAX=0.7), actor=CHEN)
    app.publish(Kind.RANKING, "2025", snapshot(app, AMR=0.8, HRS=0.4, TAX=0.7), actor=CHEN)
    assert len(talks(app, "HRS")) == 1
    clock.advance(days=1)
    objection = app.object_to("ranking", "2025", "unit", "HRS", "两件超期系系统故障", actor=SUN)
    clock.advance(days=1)
    corrected = app.decide_objection(
        "ranking",
        "2025",
        objection.number,
        upheld=True,
        reason="经核实系统故障期间的超期不予计入",
        corrected=snapshot(app, AMR=0.8, HRS=0.75, TAX=0.7),
        actor=CHEN,
    )
    assert corrected.formal_talks == []
    (talk,) = talks(app, "HRS")
    assert talk["withdrawn"] is not None
    assert "ranking 2025 edition 2" in str(talk["withdrawn"])
    assert app.assessment_trigger("TAX").current_streak == 1  # TAX is bottom of edition 2
