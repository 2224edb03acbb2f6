"""Appeal of a rating (申诉) in the browser, on the rectification page of the 差评: the rated
unit's head files it within its window, shown with its clock, and a supervisor decides it; in
Chinese and in English. After the window the page says it has closed and offers no form."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import pytest

from domain.evaluation import Level
from tests.e2e.api_world import PASSWORD
from tests.e2e.test_web_world import WebWorld, chromium, open_pages, sign_in, web_world
from tests.support.clock import CHINA
from tests.support.oversight_world import ENTERPRISE, window_service
from tests.support.text import UUID_TEXT

__all__ = ["chromium", "web_world"]

WORDS: dict[str, dict[str, str]] = {
    "zh-CN": {
        "switch": "",
        "window": "申诉期限",
        "left": "剩 4 个工作日",
        "grounds": "申诉类别",
        "malicious": "恶意评价",
        "reason": "申诉理由",
        "file": "提出申诉",
        "filed": "申诉已提出。",
        "pending": "待督查室决定",
        "uphold": "申诉成立",
        "decision": "决定理由",
        "decide": "作出决定",
        "decided": "申诉已决定。",
        "upheld": "申诉成立，该评价不计入得分",
    },
    "en": {
        "switch": "English",
        "window": "Appeal by",
        "left": "4 working days left",
        "grounds": "Grounds",
        "malicious": "Malicious rating",
        "reason": "Why the rating is wrong",
        "file": "File the appeal",
        "filed": "The appeal is filed.",
        "pending": "Awaiting the supervisor's decision",
        "uphold": "Uphold the appeal",
        "decision": "Reason for the decision",
        "decide": "Decide",
        "decided": "The appeal is decided.",
        "upheld": "Upheld: the rating no longer counts in scores",
    },
}


def visible(pages: Any) -> str:
    text: str = pages.page.locator("body").inner_text()
    assert not UUID_TEXT.search(text), f"{pages.page.url} shows an id"
    return text


def rated_badly(web_world: WebWorld) -> tuple[UUID, UUID]:
    """A 差评 of AMR's window on Monday 2 March 2026: its rectification's and evaluation's ids."""
    app = web_world.app
    service = window_service(app, datetime(2026, 3, 2, 9, 0, tzinfo=CHINA))
    web_world.clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=CHINA))
    rated = app.rate_service(
        service, Level.DISSATISFIED, actor=ENTERPRISE, reason="态度不好", real_name=True
    )
    assert rated.rectification is not None
    web_world.clock.set(datetime(2026, 3, 3, 9, 0, tzinfo=CHINA))
    return rated.rectification.id, rated.evaluation.id


def in_language(pages: Any, language: str) -> None:
    switch = WORDS[language]["switch"]
    if switch:
        pages.submit(switch)


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_the_rated_units_head_appeals_and_a_supervisor_upholds_it(
    web_world: WebWorld, chromium: Any, language: str
) -> None:
    words = WORDS[language]
    rectification_id, evaluation_id = rated_badly(web_world)
    address = f"/desk/rectifications/{rectification_id}"

    # The clerk sees the appeal's clock but may not appeal: only the head does.
    clerk = open_pages(chromium, web_world.server)
    sign_in(clerk, "li.na", PASSWORD)
    in_language(clerk, language)
    clerk.goto(address)
    assert words["window"] in visible(clerk)
    assert clerk.page.get_by_role("button", name=words["file"], exact=True).count() == 0

    head = open_pages(chromium, web_world.server)
    sign_in(head, "wang.qiang", PASSWORD)
    in_language(head, language)
    head.goto(address)
    assert words["left"] in head.page.locator("td.appeal-due").inner_text()
    head.page.get_by_label(words["grounds"]).select_option(label=words["malicious"])
    head.page.get_by_label(words["reason"]).fill("评价人当天未到窗口办理业务")
    head.submit(words["file"])
    assert words["filed"] in visible(head)
    assert head.page.locator("td.appeal-state").inner_text() == words["pending"]
    assert head.page.get_by_role("button", name=words["file"], exact=True).count() == 0

    supervisor = open_pages(chromium, web_world.server)
    sign_in(supervisor, "chen.jie", PASSWORD)
    in_language(supervisor, language)
    supervisor.goto(address)
    supervisor.page.get_by_label(words["uphold"], exact=True).check()
    supervisor.page.get_by_label(words["decision"]).fill("经核查窗口记录，评价人当天未办理")
    supervisor.submit(words["decide"])
    assert words["decided"] in visible(supervisor)
    assert supervisor.page.locator("td.appeal-state").inner_text() == words["upheld"]
    assert "经核查窗口记录" in supervisor.page.locator("td.appeal-decision").inner_text()
    assert web_world.app.evaluation(evaluation_id).excluded_by is not None


def test_after_its_window_the_page_says_the_appeal_is_closed(
    web_world: WebWorld, chromium: Any
) -> None:
    rectification_id, _ = rated_badly(web_world)
    web_world.clock.set(datetime(2026, 3, 20, 9, 0, tzinfo=CHINA))
    head = open_pages(chromium, web_world.server)
    sign_in(head, "wang.qiang", PASSWORD)
    head.goto(f"/desk/rectifications/{rectification_id}")
    assert "申诉期已过" in head.page.locator("td.appeal-due").inner_text()
    assert head.page.get_by_role("button", name="提出申诉", exact=True).count() == 0
