"""The cleared clerk in the browser, in Chinese and in English: she finds her clearing on her own
record page from the navigation, is refused beside the form when she asks with nothing written,
asks for it to be published as a circular, sees the request recorded, and once the inspector has
published it, the circular on her record. A colleague who was never accused has no clearing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from domain.actors import Actor, Role
from tests.e2e.test_web_merit_journey import messages
from tests.e2e.test_web_supervision_journey import no_ids_on, signed_in
from tests.e2e.test_web_world import WebWorld, chromium, web_world
from tests.support.clock import CHINA, FakeClock

__all__ = ["chromium", "web_world"]
ZHOU = Actor("zhou.min", Role.INSPECTOR)
CLEARED_AT = datetime(2026, 7, 2, 10, 0, tzinfo=CHINA)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(CLEARED_AT)


def cleared_clerk_asks_for_the_circular(chromium: Any, world: WebWorld, lang: str) -> None:
    said = messages(lang)
    app = world.app
    matter = app.open_accountability_matter(
        subject_kind="staff", subject="li.na", allegation="举报窗口人员索要好处费",
        source="12345 热线举报", actor=ZHOU,
    ).id
    app.record_accountability_findings(matter, "调取录像和流水，未发现索要行为", actor=ZHOU)
    app.clear_accountability_subject(matter, "经查举报失实，予以澄清正名", actor=ZHOU)

    clerk = signed_in(chromium, world, "li.na", lang)
    with clerk.page.expect_navigation():
        clerk.page.get_by_role("link", name=said["my_record.nav"], exact=True).click()
    clerk.check()
    page = clerk.page
    item = page.locator("li.clearing-item")
    assert "举报窗口人员索要好处费" in item.inner_text()
    assert "经查举报失实" in item.locator(".clearing").inner_text()
    assert said["record_entry.cleared"] in page.locator("table.record").inner_text()
    no_ids_on(clerk)

    clerk.submit(said["my_record.request"], within="li.clearing-item")
    assert page.locator(".flash-error").count() == 1, "asking with nothing written is refused"
    page.locator("li.clearing-item textarea").fill("本人申请以通报公开澄清结果")
    clerk.submit(said["my_record.request"], within="li.clearing-item")
    assert said["my_record.done_requested"] in page.content()
    assert "本人申请以通报公开澄清结果" in page.locator(".clearing-state.requested").inner_text()
    assert page.locator("li.clearing-item form").count() == 0, "asked once"
    no_ids_on(clerk)
    if lang == "zh-CN":
        clerk.shot("own-record")
    assert app.accountability_matter(matter).state()["circular_request"] == (
        "本人申请以通报公开澄清结果"
    )

    app.publish_clearing(matter, title="关于李娜同志被举报问题的澄清", actor=ZHOU)
    clerk.goto("/my-record")
    assert said["my_record.published"] in page.locator(".clearing-state").inner_text()
    assert "关于李娜同志被举报问题的澄清" in page.locator("table.record").inner_text()
    no_ids_on(clerk)

    colleague = signed_in(chromium, world, "zhao.lei", lang)
    colleague.goto("/my-record")
    assert said["my_record.no_clearings"] in colleague.page.content()
    assert colleague.page.locator("li.clearing-item").count() == 0


def test_the_cleared_clerk_asks_for_her_clearing_to_be_published_in_chinese(
    web_world: WebWorld, chromium: Any
) -> None:
    cleared_clerk_asks_for_the_circular(chromium, web_world, "zh-CN")


def test_the_cleared_clerk_asks_for_her_clearing_to_be_published_in_english(
    web_world: WebWorld, chromium: Any
) -> None:
    cleared_clerk_asks_for_the_circular(chromium, web_world, "en")
