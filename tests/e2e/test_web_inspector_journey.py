"""An inspector replays a case in the browser, in Chinese and in English: version by version
and as of a moment, sees the state and the clock proof then, and opens an accountability matter
on it."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import pytest

from domain.actors import Actor, Role
from tests.e2e.api_world import PASSWORD
from tests.e2e.test_web_world import WebWorld, chromium, open_pages, sign_in, web_world
from tests.e2e.web_words import LANGUAGES, Words
from tests.support.clock import CHINA
from tests.support.text import UUID_TEXT

__all__ = ["chromium", "web_world"]


def handled_case(world: WebWorld) -> UUID:
    """Filed Monday 2 March, dispatched and signed for, 补正 from Tuesday 3 to Thursday 5 March,
    replied on Friday 13 March: six versions."""
    app, clerk = world.app, Actor("li.na", Role.WINDOW_STAFF)
    filed = app.file_demand(
        case_type="complaint",
        channel="hotline_12345",
        summary="消防验收迟迟未安排",
        filer_name="周强",
        enterprise_id=app.enterprise("91440300MA5EXAMPLE").id,
        actor=clerk,
    )
    app.dispatch(filed.id, "AMR", actor=clerk)
    app.sign_for(filed.id, actor=clerk)
    world.clock.set(datetime(2026, 3, 3, 10, 0, tzinfo=CHINA))
    app.pause(filed.id, "supplement", "缺少消防设计图纸", actor=clerk)
    world.clock.set(datetime(2026, 3, 5, 16, 0, tzinfo=CHINA))
    app.resume(filed.id, "图纸已补交", actor=clerk)
    world.clock.set(datetime(2026, 3, 13, 11, 0, tzinfo=CHINA))
    app.reply(filed.id, "已安排3月16日验收", actor=clerk)
    case_id: UUID = filed.id
    return case_id


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_inspector_replays_a_case_as_of_an_earlier_version_and_time(
    web_world: WebWorld, chromium: Any, lang: str
) -> None:
    words = Words(lang)
    t = words.t
    case_id = handled_case(web_world)
    pages = open_pages(chromium, web_world.server)
    words.sign_in(pages, "zhou.min")
    assert pages.page.url.endswith("/inspect")
    pages.page.get_by_label(t("inspect.search")).fill("消防验收")
    pages.submit(t("inspect.find"))
    with pages.page.expect_navigation():
        main = pages.page.locator("main")
        main.get_by_role("link", name=t("inspect.replay"), exact=True).click()
    pages.check()
    assert pages.page.locator("h1").inner_text() == "消防验收迟迟未安排"  # titled by its demand
    version_now = pages.page.locator(".version-now")
    assert t("replay.version_of", v=6, latest=6) in version_now.inner_text()

    # Step back to version 4: the clock is stopped for 补正 and later steps are greyed out.
    for _ in range(2):
        with pages.page.expect_navigation():
            pages.page.get_by_role("link", name=t("replay.previous")).click()
        pages.check()
    assert t("replay.version_of", v=4, latest=6) in version_now.inner_text()
    state = pages.page.locator("table.kv").inner_text()
    assert t("status.paused") in state
    assert words.day(2026, 3, 3) in state
    assert pages.page.locator(".tl-item.later").count() == 2
    assert t("event.Paused") in pages.page.locator(".tl-item.current").inner_text()
    assert t("state_key.status") in pages.page.locator("tr.changed").first.inner_text()
    assert UUID_TEXT.search(pages.page.locator("main").inner_text()) is None
    if lang == "zh-CN":
        pages.shot("inspect-replay")

    # As of noon on 4 March the case was still paused (version 4); the proof then has no pause
    # counted yet, so the due date is the original one, 23 March.
    pages.page.get_by_label(t("replay.at")).fill("2026-03-04T12:00")
    pages.submit(t("replay.go"), within="form:has(#at)")
    assert t("replay.version_of", v=4, latest=6) in version_now.inner_text()
    noon = words.locale.datetime(datetime(2026, 3, 4, 12, 0, tzinfo=CHINA))
    assert t("replay.as_of_note", at=noon, v=4) in pages.page.locator("main").inner_text()
    assert words.day(2026, 3, 23) in pages.page.locator(".proof-due").inner_text()

    # At the latest version the proof counts the two paused working days: due 25 March.
    pages.page.get_by_label(t("replay.version")).fill("6")
    pages.submit(t("replay.go"), within="form:has(#version)")
    proof = pages.page.locator(".proof").inner_text()
    assert words.day(2026, 3, 25) in proof
    assert t("proof.paused_days", n=2) in proof

    pages.page.get_by_label(t("matter.allegation")).fill("补正要求是否必要，需核实")
    pages.page.get_by_label(t("matter.source")).fill("12345热线回访")
    pages.submit(t("matter.open"))
    assert t("replay.matter_opened") in pages.page.content()
    matters = pages.page.locator(".matters").inner_text()
    assert "周敏 (zhou.min)" in matters
    assert len(web_world.app.history(case_id)) == 6  # the matter is its own record


def test_a_time_before_the_case_existed_is_explained(web_world: WebWorld, chromium: Any) -> None:
    case_id = handled_case(web_world)
    pages = open_pages(chromium, web_world.server)
    sign_in(pages, "zhou.min", PASSWORD)
    pages.goto(f"/inspect/cases/{case_id}?at=2026-02-01T09:00")
    assert "无法按所选版本或时间回溯" in pages.page.content()
    assert "第 6 版 / 共 6 版" in pages.page.locator(".version-now").inner_text()


def test_a_window_clerk_may_replay_but_not_open_a_matter(
    web_world: WebWorld, chromium: Any
) -> None:
    case_id = handled_case(web_world)
    pages = open_pages(chromium, web_world.server)
    sign_in(pages, "li.na", PASSWORD)
    pages.goto(f"/inspect/cases/{case_id}?version=2")
    assert "第 2 版 / 共 6 版" in pages.page.locator(".version-now").inner_text()
    assert pages.page.get_by_role("button", name="立案").count() == 0
