"""Commendations and sanctions cite published entries (七); a false accusation is cleared,
published at the cleared person's request, and its accuser held to account (十二)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import pytest

from domain.accountability import DISTINCTIONS
from domain.application import Casetrail
from domain.directory import Staff, Window
from domain.errors import DomainError, InvalidInputError
from domain.list_rules import Measured
from domain.publication import Kind, Publication, Snapshot
from domain.refusals import StepRefusedError
from projections.figures.competition import COMPETITION, standings
from projections.query import Compare
from projections.records import RecordProjection
from projections.store import PageQuery
from tests.support.app import ADMIN
from tests.support.clock import CHINA, FakeClock
from tests.support.oversight_world import CHEN, LI, ZHAO, ZHOU, oversight_app
from tests.support.views import project

AFTER_Q2 = datetime(2026, 7, 1, 10, 0, tzinfo=CHINA)
LENIENT = dict.fromkeys(DISTINCTIONS, "lenient")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(AFTER_Q2)


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    app = oversight_app(clock)
    app.open_window("AMR-W1", "综合窗口一", "AMR", actor=ADMIN)
    app.open_window("HRS-W1", "社保窗口一", "HRS", actor=ADMIN)
    return app


def measured(member: str, score: float) -> Measured:
    return Measured(member, score, 10, 0.0, {"good_review_rate": score})


def publish_lists(app: Casetrail) -> UUID:
    """2026-Q2's lists: li.na red, zhao.lei black; AMR-W1 red, HRS-W1 black."""
    amr_w, hrs_w = Window.id_for("AMR-W1"), Window.id_for("HRS-W1")
    amr, hrs = app.unit("AMR").id, app.unit("HRS").id
    snapshot = Snapshot(
        {
            "staff": [measured("li.na", 0.98), measured("zhao.lei", 0.4)],
            "window": [measured(str(amr_w), 0.95), measured(str(hrs_w), 0.5)],
            "unit": [measured(str(amr), 0.8), measured(str(hrs), 0.3)],
        },
        "test-definitions",
        1,
        AFTER_Q2,
        1,
    )
    return app.publish(Kind.LISTS, "2026-Q2", snapshot, actor=CHEN).saved.id


def code(error: pytest.ExceptionInfo[DomainError]) -> str:
    return error.value.code


def test_a_commendation_cites_the_red_list_line_of_its_subject(app: Casetrail) -> None:
    publication = publish_lists(app)
    saved = app.decide_merit(
        "commendation",
        subject_kind="staff",
        subject="li.na",
        reason="二季度好评率居全县窗口人员首位",
        publication_id=publication,
        entry=("staff", "li.na"),
        actor=CHEN,
    )
    state = app.merit_decision(saved.id).state()
    assert (state["decision"], state["member"]) == ("commendation", "li.na")
    assert state["cites"]["publication_id"] == str(publication)
    assert (state["cites"]["side"], state["cites"]["rank"], state["cites"]["edition"]) == (
        "red",
        1,
        1,
    )


def test_a_commendation_citing_no_published_entry_is_refused(app: Casetrail) -> None:
    with pytest.raises(StepRefusedError) as nothing:
        app.decide_merit(
            "commendation",
            subject_kind="staff",
            subject="li.na",
            reason="表现好",
            publication_id=None,
            entry=None,
            actor=CHEN,
        )
    assert code(nothing) == "decision-cites-published-entry"
    # A period whose lists were never published is no ground either.
    with pytest.raises(StepRefusedError) as unpublished:
        app.decide_merit(
            "commendation",
            subject_kind="staff",
            subject="li.na",
            reason="表现好",
            publication_id=Publication.id_for("lists", "2026-Q1"),
            entry=("staff", "li.na"),
            actor=CHEN,
        )
    assert code(unpublished) == "decision-cites-published-entry"


def test_a_decision_citing_an_entry_not_about_its_subject_is_refused(app: Casetrail) -> None:
    publication = publish_lists(app)
    with pytest.raises(StepRefusedError) as another:
        app.decide_merit(
            "commendation",
            subject_kind="staff",
            subject="zhao.lei",
            reason="借用他人名次",
            publication_id=publication,
            entry=("staff", "li.na"),
            actor=CHEN,
        )
    assert code(another) == "decision-cites-entry-of-subject"
    with pytest.raises(StepRefusedError) as window_for_unit:
        app.decide_merit(
            "commendation",
            subject_kind="unit",
            subject="AMR",
            reason="窗口名次算作单位",
            publication_id=publication,
            entry=("window", "AMR-W1"),
            actor=CHEN,
        )
    assert code(window_for_unit) == "decision-cites-entry-of-subject"


def test_a_sanction_rests_on_a_black_line_and_a_commendation_never_does(app: Casetrail) -> None:
    publication = publish_lists(app)
    with pytest.raises(StepRefusedError) as praised_from_black:
        app.decide_merit(
            "commendation",
            subject_kind="window",
            subject="HRS-W1",
            reason="x",
            publication_id=publication,
            entry=("window", "HRS-W1"),
            actor=CHEN,
        )
    assert code(praised_from_black) == "decision-not-grounded-by-entry"
    sanction = app.decide_merit(
        "ordered_rectification",
        subject_kind="window",
        subject="HRS-W1",
        reason="二季度列入黑榜，责令一个月内整改",
        publication_id=publication,
        entry=("window", "HRS-W1"),
        actor=CHEN,
    )
    assert app.merit_decision(sanction.id).state()["cites"]["side"] == "black"


def test_only_a_supervisor_decides_and_not_on_a_line_under_objection(app: Casetrail) -> None:
    publication = publish_lists(app)
    with pytest.raises(DomainError) as by_inspector:
        app.decide_merit(
            "criticism_education",
            subject_kind="staff",
            subject="zhao.lei",
            reason="x",
            publication_id=publication,
            entry=("staff", "zhao.lei"),
            actor=ZHOU,
        )
    assert code(by_inspector) == "role-may-not"
    app.object_to("lists", "2026-Q2", "staff", "zhao.lei", "差评系误评，已申诉", actor=ZHAO)
    with pytest.raises(StepRefusedError) as pending:
        app.decide_merit(
            "criticism_education",
            subject_kind="staff",
            subject="zhao.lei",
            reason="二季度黑榜",
            publication_id=publication,
            entry=("staff", "zhao.lei"),
            actor=CHEN,
        )
    assert code(pending) == "decision-entry-under-objection"


def false_report(app: Casetrail) -> UUID:
    return app.file_demand(
        case_type="report",
        channel="hotline_12345",
        summary="窗口人员索要好处费",
        actor=LI,
        filer_name="举报人甲",
        filer_contact="13912345678",
    ).id


def cleared_matter(app: Casetrail, case_id: UUID) -> UUID:
    matter = app.open_accountability_matter(
        subject_kind="staff",
        subject="li.na",
        allegation="索要好处费",
        source=f"case {case_id}",
        actor=ZHOU,
    ).id
    app.record_accountability_findings(matter, "调取录像和流水，未发现索要行为", actor=ZHOU)
    app.clear_accountability_subject(matter, "经查举报失实，予以澄清正名", actor=ZHOU)
    return matter


def test_a_clearing_is_published_as_a_circular_when_the_cleared_person_asks(
    app: Casetrail,
) -> None:
    matter = cleared_matter(app, false_report(app))
    with pytest.raises(StepRefusedError) as unasked:
        app.publish_clearing(matter, title="关于李娜同志被举报问题的澄清", actor=ZHOU)
    assert code(unasked) == "clearing-circular-needs-request"
    app.request_clearing_circular(matter, "本人 7 月 2 日书面申请公开澄清", actor=ZHOU)
    circular = app.circular(
        app.publish_clearing(matter, title="关于李娜同志被举报问题的澄清", actor=ZHOU).id
    ).state()
    assert (circular["source_kind"], circular["source_ref"]) == ("clearing", str(matter))
    assert circular["subjects"] == [
        {"kind": "staff", "who": "li.na", "why": "经查举报失实，予以澄清正名"}
    ]
    assert app.accountability_matter(matter).state()["clearing_circular_id"] == circular["id"]
    with pytest.raises(StepRefusedError) as twice:
        app.publish_clearing(matter, title="再次", actor=ZHOU)
    assert code(twice) == "clearing-published-once"
    # A supervisor cannot publish a clearing outside its matter.
    with pytest.raises(StepRefusedError) as by_hand:
        app.publish_circular(
            title="澄清",
            source_kind="clearing",
            source_ref=str(matter),
            subjects=[("staff", "li.na", "澄清")],
            actor=CHEN,
        )
    assert code(by_hand) == "clearing-published-from-matter"


def test_the_cleared_clerk_asks_herself_and_nobody_else_asks_for_her(app: Casetrail) -> None:
    matter = cleared_matter(app, false_report(app))
    with pytest.raises(DomainError) as colleague:
        app.request_clearing_circular(matter, "我替她申请", actor=ZHAO)
    assert code(colleague) == "role-may-not"
    app.request_clearing_circular(matter, "本人申请公开澄清", actor=LI)
    state = app.accountability_matter(matter).state()
    assert state["circular_request"] == "本人申请公开澄清"
    app.publish_clearing(matter, title="澄清说明", actor=ZHOU)


def test_only_a_cleared_matter_publishes_a_clearing_or_pursues_the_accuser(
    app: Casetrail,
) -> None:
    case_id = false_report(app)
    matter = app.open_accountability_matter(
        subject_kind="case", subject=str(case_id), allegation="索要好处费", actor=ZHOU
    ).id
    for step in (
        lambda: app.request_clearing_circular(matter, "申请", actor=ZHOU),
        lambda: app.open_matter_against_accuser(
            matter, allegation="诬告", purpose="查处诬告", actor=ZHOU
        ),
    ):
        with pytest.raises(StepRefusedError) as refused:
            step()
        assert code(refused) == "needs-clearing"


def test_a_matter_against_the_accuser_records_the_read_of_their_identity(
    app: Casetrail,
) -> None:
    case_id = false_report(app)
    matter = cleared_matter(app, case_id)
    opened = app.open_matter_against_accuser(
        matter,
        allegation="捏造事实举报李娜索要好处费，涉嫌诬告陷害",
        purpose="查处诬告陷害（第十二条）",
        case_id=case_id,
        actor=ZHOU,
    )
    assert (opened.identity.name, opened.identity.contact) == ("举报人甲", "13912345678")
    against = app.accountability_matter(opened.saved.id).state()
    assert against["subject_kind"] == "accuser"
    assert against["subject_id"] == str(opened.identity.subject)
    assert against["source"] == f"accountability:{matter}"
    assert "举报人甲" not in str(against)
    reads = app.identity_reads(opened.identity.subject)
    assert [(r.reader, r.purpose, r.case_id) for r in reads] == [
        ("zhou.min", "查处诬告陷害（第十二条）", case_id)
    ]
    assert app.accountability_matter(matter).state()["accuser_matter_id"] == str(opened.saved.id)
    with pytest.raises(StepRefusedError) as twice:
        app.open_matter_against_accuser(
            matter, allegation="再次", purpose="再次", case_id=case_id, actor=ZHOU
        )
    assert code(twice) == "accuser-matter-opened-once"
    # Nobody opens an accuser matter around the clearing and its recorded read.
    with pytest.raises(InvalidInputError) as direct:
        app.open_accountability_matter(
            subject_kind="accuser", subject="li.na", allegation="诬告", actor=ZHOU
        )
    assert code(direct) == "accuser-matter-from-clearing"


def test_the_competition_stands_windows_and_staff_as_the_published_edition_froze_them(
    app: Casetrail,
) -> None:
    amr, hrs = str(app.unit("AMR").id), str(app.unit("HRS").id)
    snapshot = Snapshot(
        {
            "staff": [measured("li.na", 0.95), measured("zhao.lei", 0.95), measured("x", 0.5)],
            "window": [measured(str(Window.id_for("AMR-W1")), 0.9)],
            "unit": [measured(amr, 0.8), measured(hrs, 0.3)],
        },
        "test-definitions",
        7,
        AFTER_Q2,
        1,
    )
    app.publish(Kind.LISTS, "2026-Q2", snapshot, actor=CHEN)
    board = standings(app.publication("lists", "2026-Q2"))
    assert (board["definitions"], board["edition"], board["figures_position"]) == (
        COMPETITION,
        1,
        7,
    )
    staff = [(s["place"], s["tied"], s["member"]) for s in board["standings"]["staff"]]
    assert staff == [(1, True, "li.na"), (1, True, "zhao.lei"), (3, False, "x")]
    assert [s["member"] for s in board["standings"]["window"]] == [str(Window.id_for("AMR-W1"))]
    # A ranking or a month is no competition.
    app.publish(Kind.LISTS, "2026-06", snapshot, actor=CHEN)
    june = app.publication("lists", "2026-06")
    with pytest.raises(InvalidInputError) as month:
        standings(june)
    assert code(month) == "competition-per-quarter"


def test_a_record_lists_what_was_decided_on_its_subject_newest_first(
    app: Casetrail, clock: FakeClock
) -> None:
    publication = publish_lists(app)
    clock.set(datetime(2026, 7, 2, 9, 0, tzinfo=CHINA))
    app.decide_merit(
        "commendation",
        subject_kind="staff",
        subject="li.na",
        reason="二季度好评率第一",
        publication_id=publication,
        entry=("staff", "li.na"),
        actor=CHEN,
    )
    clock.advance(minutes=10)
    app.publish_circular(
        title="二季度红榜通报",
        source_kind="list",
        source_ref="2026-Q2",
        subjects=[("staff", "li.na", "好评率居首")],
        actor=CHEN,
    )
    clock.advance(minutes=10)
    matter = app.open_accountability_matter(
        subject_kind="staff", subject="li.na", allegation="被举报索要好处费", actor=ZHOU
    ).id
    app.record_accountability_findings(matter, "查无实据", actor=ZHOU)
    app.clear_accountability_subject(matter, "举报失实，予以澄清", actor=ZHOU)
    sanction = app.decide_merit(
        "ordered_rectification",
        subject_kind="window",
        subject="HRS-W1",
        reason="黑榜",
        publication_id=publication,
        entry=("window", "HRS-W1"),
        actor=CHEN,
    )
    app.withdraw_merit(sanction.id, "引用版次有误", actor=CHEN)
    projection = RecordProjection()
    store = project(app, projection)
    table = projection.table("record_entries")
    rows = store.page(
        table,
        PageQuery(
            "recorded_at",
            True,
            10,
            where=Compare("subject_id", "=", str(Staff.id_for("li.na"))),
        ),
    )
    assert [r["entry_kind"] for r in rows] == ["cleared", "circular", "commendation"]
    assert rows[2]["detail"]["cites"]["side"] == "red"
    window = store.page(
        table,
        PageQuery(
            "recorded_at",
            True,
            10,
            where=Compare("subject_id", "=", str(Window.id_for("HRS-W1"))),
        ),
    )
    assert [(r["entry_kind"], r["withdrawn_at"] is not None) for r in window] == [
        ("ordered_rectification", True)
    ]
