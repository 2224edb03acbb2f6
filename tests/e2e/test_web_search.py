"""Search in the web, in zh-CN and in English: an enterprise finds its own demands on the portal
(never another enterprise's), a page at a time; a clerk finds a case from the desk and opens it.
"""

from __future__ import annotations

from typing import Any

import pytest

from domain.actors import Actor, Role
from tests.e2e.api_world import PASSWORD
from tests.e2e.test_web_world import PHONE, WebWorld, chromium, open_pages, sign_in, web_world
from tests.support.text import UUID_TEXT

__all__ = ["chromium", "web_world"]
EXAMPLE, OTHER = "91440300MA5EXAMPLE", "91440300MA5OTHER01"

WORDS: dict[str, dict[str, str]] = {
    "zh-CN": {
        "switch": "", "portal_search": "按诉求内容查找", "find": "查找",
        "one_found": "找到 1 件诉求", "none_found": "没有符合条件的诉求。",
        "next": "下一页", "page_2": "第 2 / 2 页", "desk_search": "按诉求内容或编号查找",
    },
    "en": {
        "switch": "English", "portal_search": "Find by what you asked", "find": "Find",
        "one_found": "1 demand found", "none_found": "No demand matches.", "next": "Next",
        "page_2": "Page 2 of 2", "desk_search": "",
    },
}  # fmt: skip


def file_for(web_world: WebWorld, credit_code: str, summary: str) -> None:
    app = web_world.app
    app.file_demand(
        case_type="help",
        channel="web",
        summary=summary,
        filer_name="王芳",
        enterprise_id=app.enterprise(credit_code).id,
        actor=Actor(credit_code, Role.ENTERPRISE),
    )


def visible(pages: Any) -> str:
    text: str = pages.page.locator("body").inner_text()
    assert not UUID_TEXT.search(text), f"{pages.page.url} shows an id"
    return text


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_an_enterprise_finds_its_own_demands_a_page_at_a_time(
    web_world: WebWorld, chromium: Any, language: str
) -> None:
    words = WORDS[language]
    for n in range(24):
        file_for(web_world, EXAMPLE, f"厂区道路破损第{n + 1}号")
    file_for(web_world, EXAMPLE, "社保补缴流程咨询")
    file_for(web_world, OTHER, "社保补缴另一家公司")
    web_world.container.read.catch_up(["cases"])

    phone = open_pages(chromium, web_world.server, PHONE)
    sign_in(phone, "example-co", PASSWORD)
    if words["switch"]:
        phone.submit(words["switch"])
    phone.goto("/portal")
    # 25 demands of its own: the newest 20, then the next page.
    assert phone.page.locator(".case-card").count() == 20
    with phone.page.expect_navigation():
        phone.page.get_by_role("link", name=words["next"]).click()
    phone.check()
    assert words["page_2"] in visible(phone)
    assert phone.page.locator(".case-card").count() == 5

    phone.page.get_by_label(words["portal_search"]).fill("社保补缴")
    phone.submit(words["find"])
    assert words["one_found"] in visible(phone)
    cards = phone.page.locator(".case-card")
    assert cards.count() == 1
    assert "社保补缴流程咨询" in cards.inner_text()
    assert "另一家公司" not in visible(phone)

    phone.page.get_by_label(words["portal_search"]).fill("不存在的诉求")
    phone.submit(words["find"])
    assert words["none_found"] in visible(phone)


def test_a_clerk_finds_a_case_from_the_desk_and_opens_it(
    web_world: WebWorld, chromium: Any
) -> None:
    app = web_world.app
    clerk = Actor("li.na", Role.WINDOW_STAFF)
    app.file_demand(
        case_type="help", channel="window", summary="营业执照遗失补办", filer_name="李强",
        actor=clerk,
    )  # fmt: skip
    app.file_demand(
        case_type="help", channel="window", summary="厂区道路破损", filer_name="李强", actor=clerk
    )
    web_world.container.read.catch_up(["cases"])
    pages = open_pages(chromium, web_world.server)
    sign_in(pages, "li.na", PASSWORD)
    pages.goto("/desk")
    pages.page.get_by_label(WORDS["zh-CN"]["desk_search"]).fill("执照")
    pages.submit("查找")
    rows = pages.page.locator("table.data tbody tr")
    assert rows.count() == 1
    with pages.page.expect_navigation():
        rows.get_by_role("link", name="营业执照遗失补办").click()
    pages.check()
    assert "营业执照遗失补办" in pages.page.locator("h1").inner_text()
    assert "/cases/" in pages.page.url
