"""Commendations, sanctions and clearings in the browser, in Chinese and in English: the
supervision office reads the quarter's competition (equal figures share a place), picks a
published entry and decides a commendation, is refused beside the form when the subject is not
the entry's, and finds the decision in the person's record; the inspector clears a falsely
accused, publishes the clearing once it is asked for, and opens a matter against the accuser,
whose identity read is recorded."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

import pytest

from domain.actors import Actor, Role
from domain.directory import Window
from domain.list_rules import Measured
from domain.publication import Kind, Snapshot
from tests.e2e.test_web_supervision_journey import no_ids_on, signed_in
from tests.e2e.test_web_world import WebWorld, chromium, web_world
from tests.support.app import ADMIN
from tests.support.clock import CHINA, FakeClock

__all__ = ["chromium", "web_world"]
AFTER_Q1 = datetime(2026, 4, 7, 10, 0, tzinfo=CHINA)  # after Qingming
LI = Actor("li.na", Role.WINDOW_STAFF)
ZHOU = Actor("zhou.min", Role.INSPECTOR)
CHEN = Actor("chen.jie", Role.SUPERVISOR)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(AFTER_Q1)


def messages(lang: str) -> Mapping[str, str]:
    from api.web.i18n import catalogue  # noqa: PLC0415 - read when the test runs

    return catalogue(lang)


def measured(member: str, score: float) -> Measured:
    return Measured(member, score, 8, 0.0, {"good_review_rate": score})


def publish_q1(world: WebWorld) -> None:
    """Q1's lists: li.na and zhao.lei tie at the top (both red); AMR-W1 red, HRS-W1 black."""
    app = world.app
    app.open_window("AMR-W1", "综合窗口一", "AMR", actor=ADMIN)
    app.open_window("HRS-W1", "社保窗口一", "HRS", actor=ADMIN)
    snapshot = Snapshot(
        {
            "staff": [measured("li.na", 0.95), measured("zhao.lei", 0.95)],
            "window": [
                measured(str(Window.id_for("AMR-W1")), 0.96),
                measured(str(Window.id_for("HRS-W1")), 0.5),
            ],
            "unit": [
                measured(str(app.unit("AMR").id), 0.8),
                measured(str(app.unit("HRS").id), 0.3),
            ],
        },
        "metrics-2026.3",
        1,
        AFTER_Q1,
        1,
    )
    app.publish(Kind.LISTS, "2026-Q1", snapshot, actor=CHEN)


def commend_from_the_competition(chromium: Any, world: WebWorld, lang: str) -> None:
    said = messages(lang)
    publish_q1(world)
    office = signed_in(chromium, world, "chen.jie", lang)
    office.goto("/competition")
    staff = office.page.locator("table.competition-staff")
    assert said["lists.tie"] in staff.inner_text()  # equal figures share a place
    assert "李娜" in staff.inner_text()
    windows = office.page.locator("table.competition-window").inner_text()
    assert windows.index("综合窗口一") < windows.index("社保窗口一")
    no_ids_on(office)
    if lang == "zh-CN":
        office.shot("competition")
    row = office.page.locator("table.competition-staff tr", has_text="李娜")
    with office.page.expect_navigation():
        row.get_by_role("link", name=said["competition.decide_on"]).click()
    office.check()
    form = office.page
    assert form.locator("#entry").input_value() == "staff:li.na"
    # Another person's line does not ground a decision on zhao.lei: refused beside the form.
    form.locator("#subject").select_option("staff:zhao.lei")
    form.locator("#decision").select_option("commendation")
    form.locator("#reason").fill("一季度好评率并列第一，予以表彰")
    office.submit(said["merit.decide"])
    refused = form.locator(".flash-error").inner_text()
    assert said["refusal.decision-cites-entry-of-subject"] in refused
    assert form.locator("#reason").input_value() == "一季度好评率并列第一，予以表彰"
    form.locator("#subject").select_option("staff:li.na")
    office.submit(said["merit.decide"])
    assert said["record.decided"] in form.content()
    record = form.locator("table.record").inner_text()
    assert said["record_entry.commendation"] in record
    assert said["merit_side.red"] in record
    assert "一季度好评率并列第一" in record
    no_ids_on(office)


def clear_and_pursue_the_accuser(chromium: Any, world: WebWorld, lang: str) -> None:
    said = messages(lang)
    app = world.app
    case_id = app.file_demand(
        case_type="report",
        channel="hotline_12345",
        summary="举报窗口人员索要好处费",
        actor=LI,
        filer_name="举报人甲",
        filer_contact="13912345678",
    ).id
    matter = app.open_accountability_matter(
        subject_kind="staff",
        subject="li.na",
        allegation="举报窗口人员索要好处费",
        source="12345 热线举报",
        actor=ZHOU,
    ).id
    app.record_accountability_findings(matter, "调取录像和流水，未发现索要行为", actor=ZHOU)

    inspector = signed_in(chromium, world, "zhou.min", lang)
    inspector.goto("/matters")
    no_ids_on(inspector)
    with inspector.page.expect_navigation():
        inspector.page.locator("table.matters tr", has_text="李娜").get_by_role(
            "link"
        ).first.click()
    inspector.check()
    page = inspector.page
    page.locator("#clear-text").fill("经查举报失实，予以澄清正名")
    inspector.submit(said["matters_page.clear"], within="section:has(#clear-h)")
    assert said["matters_page.done_clear"] in page.content()
    assert "经查举报失实" in page.locator("td.clearing").inner_text()
    page.locator("#publish-title").fill("关于被举报问题的澄清说明")
    inspector.submit(said["matters_page.publish"], within="section:has(#publish-h)")
    refused = page.locator(".flash-error").inner_text()
    assert said["refusal.clearing-circular-needs-request"] in refused
    assert page.locator("#publish-title").input_value() == "关于被举报问题的澄清说明"
    page.locator("#request-text").fill("被举报人书面申请公开澄清")
    inspector.submit(said["matters_page.record_request"], within="section:has(#request-h)")
    page.locator("#publish-title").fill("关于被举报问题的澄清说明")
    inspector.submit(said["matters_page.publish"], within="section:has(#publish-h)")
    assert said["matters_page.done_publish"] in page.content()
    page.locator("#accuser-text").fill("捏造事实举报，涉嫌诬告陷害")
    page.locator("#accuser-purpose").fill("查处诬告陷害")
    page.locator("#accuser-case").fill(str(case_id))
    inspector.submit(said["matters_page.against_accuser"], within="section:has(#accuser-h)")
    assert "举报人甲" in page.locator(".identity").inner_text()
    assert said["matters_page.identity_recorded"] in page.content()
    no_ids_on(inspector)
    if lang == "zh-CN":
        inspector.shot("clearing")
    filer = app.case(case_id).filer_subject
    assert isinstance(filer, UUID)
    reads = app.identity_reads(filer)
    assert [(r.reader, r.purpose) for r in reads] == [("zhou.min", "查处诬告陷害")]
    # The clearing and its circular are on the cleared clerk's record.
    office = signed_in(chromium, world, "chen.jie", lang)
    office.goto("/records/staff/li.na")
    record = office.page.locator("table.record").inner_text()
    assert said["record_entry.cleared"] in record
    assert "关于被举报问题的澄清说明" in record
    no_ids_on(office)


def test_commendations_and_clearings_in_chinese(web_world: WebWorld, chromium: Any) -> None:
    commend_from_the_competition(chromium, web_world, "zh-CN")
    clear_and_pursue_the_accuser(chromium, web_world, "zh-CN")


def test_commendations_and_clearings_in_english(web_world: WebWorld, chromium: Any) -> None:
    commend_from_the_competition(chromium, web_world, "en")
    clear_and_pursue_the_accuser(chromium, web_world, "en")
