"""Accountability matters (问责) under the three distinctions (三个区分开来)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import pytest

from domain.accountability import DISTINCTIONS, Outcome
from domain.application import Casetrail
from domain.errors import InvalidInputError, NotFoundError, NotPermittedError
from domain.refusals import ConcludedError, StepRefusedError
from tests.support.clock import CHINA, FakeClock
from tests.support.oversight_world import CHEN, LI, ZHOU, oversight_app

LENIENT = dict.fromkeys(DISTINCTIONS, "lenient")
KNOWING = {**LENIENT, "inexperience_vs_knowing": "strict"}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=CHINA))


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    return oversight_app(clock)


def matter_on_staff(app: Casetrail, *, findings: bool = True) -> UUID:
    matter_id = app.open_accountability_matter(
        subject_kind="staff",
        subject="li.na",
        allegation="未按一次性告知要求办理，致企业三次往返",
        source="rectification of a 差评",
        actor=ZHOU,
    ).id
    if findings:
        app.record_accountability_findings(
            matter_id, "新上岗，对新版告知清单不熟悉，无主观故意", actor=ZHOU
        )
    return matter_id


def test_an_inspector_opens_a_matter_on_a_case_a_staff_member_or_a_unit(
    app: Casetrail,
) -> None:
    case_id = app.file_demand(
        case_type="report",
        channel="hotline_12345",
        summary="窗口人员索要好处费",
        actor=LI,
        filer_name="匿名者",
    ).id
    on_case = app.open_accountability_matter(
        subject_kind="case", subject=str(case_id), allegation="索要好处费", actor=ZHOU
    )
    on_staff = matter_on_staff(app, findings=False)
    on_unit = app.open_accountability_matter(
        subject_kind="unit", subject="HRS", allegation="超期件数连续居末位", actor=ZHOU
    )
    assert app.accountability_matter(on_case.id).subject_id == case_id
    assert app.accountability_matter(on_staff).subject_id == app.staff("li.na").id
    state = app.accountability_matter(on_unit.id).state()
    assert (state["kind"], state["subject_kind"], state["status"]) == (
        "accountability",
        "unit",
        "opened",
    )
    assert state["subject_id"] == str(app.unit("HRS").id)


def test_only_inspectors_act_on_matters(app: Casetrail) -> None:
    with pytest.raises(NotPermittedError, match="only an inspector may open an accountability"):
        app.open_accountability_matter(
            subject_kind="unit", subject="HRS", allegation="x", actor=CHEN
        )
    matter_id = matter_on_staff(app)
    with pytest.raises(NotPermittedError, match="only an inspector may classify"):
        app.classify_accountability_matter(matter_id, LENIENT, "无故意", actor=CHEN)


def test_a_matter_on_an_unknown_subject_is_refused(app: Casetrail) -> None:
    with pytest.raises(NotFoundError, match="no staff with id"):
        app.open_accountability_matter(
            subject_kind="staff", subject="nobody", allegation="x", actor=ZHOU
        )
    with pytest.raises(InvalidInputError, match="'not-an-id' is not a case id"):
        app.open_accountability_matter(
            subject_kind="case", subject="not-an-id", allegation="x", actor=ZHOU
        )


def test_the_classification_rests_on_findings_and_covers_all_three_distinctions(
    app: Casetrail,
) -> None:
    matter_id = matter_on_staff(app, findings=False)
    with pytest.raises(StepRefusedError, match="has no findings yet"):
        app.classify_accountability_matter(matter_id, LENIENT, "无故意", actor=ZHOU)
    app.record_accountability_findings(matter_id, "调查属实", actor=ZHOU)
    partial = {k: v for k, v in LENIENT.items() if k != "experiment_vs_ban"}
    with pytest.raises(InvalidInputError, match="missing: experiment_vs_ban"):
        app.classify_accountability_matter(matter_id, partial, "无故意", actor=ZHOU)
    with pytest.raises(InvalidInputError, match="the side of experiment_vs_ban 'soft'"):
        app.classify_accountability_matter(
            matter_id, {**LENIENT, "experiment_vs_ban": "soft"}, "无故意", actor=ZHOU
        )
    app.classify_accountability_matter(matter_id, LENIENT, "属先行先试中的失误", actor=ZHOU)
    assert app.accountability_matter(matter_id).state()["classification"] == LENIENT


def test_exemption_needs_the_lenient_side_of_all_three(app: Casetrail) -> None:
    matter_id = matter_on_staff(app)
    app.classify_accountability_matter(matter_id, KNOWING, "明知规定仍违反", actor=ZHOU)
    with pytest.raises(StepRefusedError) as refused:
        app.decide_accountability_outcome(matter_id, "exemption", "容错", actor=ZHOU)
    assert str(refused.value) == (
        f"accountability matter {matter_id} cannot end in exemption (容错免责): it is on the"
        " strict side of inexperience_vs_knowing; exemption needs the lenient side of all"
        " three distinctions"
    )
    app.classify_accountability_matter(matter_id, LENIENT, "复核：系经验不足", actor=ZHOU)
    with pytest.raises(InvalidInputError, match="the reason for the outcome must not be empty"):
        app.decide_accountability_outcome(matter_id, "exemption", " ", actor=ZHOU)
    app.decide_accountability_outcome(matter_id, "exemption", "符合容错情形", actor=ZHOU)
    matter = app.accountability_matter(matter_id)
    assert (matter.outcome, matter.lenient_on_all) == (Outcome.EXEMPTION, True)
    names = [type(e).__name__ for e in app.history(matter_id)]
    assert names == ["Opened", "FindingsRecorded", "Classified", "Classified", "OutcomeDecided"]


@pytest.mark.parametrize(
    "outcome", ["criticism_education", "ordered_rectification", "organisational_handling"]
)
def test_a_classified_matter_ends_in_one_of_the_outcomes(app: Casetrail, outcome: str) -> None:
    matter_id = matter_on_staff(app)
    with pytest.raises(StepRefusedError, match="is not classified under the three"):
        app.decide_accountability_outcome(matter_id, outcome, "依规处理", actor=ZHOU)
    app.classify_accountability_matter(matter_id, KNOWING, "明知故犯", actor=ZHOU)
    app.decide_accountability_outcome(matter_id, outcome, "依规处理", actor=ZHOU)
    assert app.accountability_matter(matter_id).state()["status"] == f"concluded ({outcome})"
    with pytest.raises(ConcludedError) as refused:
        app.record_accountability_findings(matter_id, "补充", actor=ZHOU)
    assert str(refused.value) == (
        f"accountability matter {matter_id} is concluded ({outcome}); nothing more can be recorded"
    )


def test_an_unknown_outcome_is_refused(app: Casetrail) -> None:
    matter_id = matter_on_staff(app)
    app.classify_accountability_matter(matter_id, KNOWING, "明知故犯", actor=ZHOU)
    with pytest.raises(InvalidInputError, match="outcome 'dismissal' is unknown"):
        app.decide_accountability_outcome(matter_id, "dismissal", "开除", actor=ZHOU)


def test_a_false_accusation_is_cleared_on_the_record(app: Casetrail) -> None:
    matter_id = matter_on_staff(app, findings=False)
    with pytest.raises(StepRefusedError, match="a clearing rests on them"):
        app.clear_accountability_subject(matter_id, "经查不实", actor=ZHOU)
    app.record_accountability_findings(matter_id, "监控与台账显示已一次性告知", actor=ZHOU)
    app.clear_accountability_subject(matter_id, "经查，举报不实，予以澄清正名", actor=ZHOU)
    state = app.accountability_matter(matter_id).state()
    assert (state["status"], state["outcome"]) == ("cleared", None)
    assert state["clearing_statement"] == "经查，举报不实，予以澄清正名"
    with pytest.raises(ConcludedError, match="is cleared; nothing more can be recorded"):
        app.decide_accountability_outcome(matter_id, "criticism_education", "x", actor=ZHOU)


def test_a_matter_with_an_outcome_is_not_cleared_afterwards(app: Casetrail) -> None:
    matter_id = matter_on_staff(app)
    app.classify_accountability_matter(matter_id, KNOWING, "明知故犯", actor=ZHOU)
    app.decide_accountability_outcome(matter_id, "ordered_rectification", "责令整改", actor=ZHOU)
    with pytest.raises(ConcludedError, match="concluded \\(ordered_rectification\\)"):
        app.clear_accountability_subject(matter_id, "澄清", actor=ZHOU)
