"""A refused filing says why beside the field it concerns, in the page's language, with what was
typed kept: at the desk (a clerk) and on the portal (an enterprise, on a phone)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.api_world import PASSWORD
from tests.e2e.test_web_world import PHONE, WebWorld, chromium, open_pages, sign_in, web_world

__all__ = ["chromium", "web_world"]

WORDS: dict[str, dict[str, str]] = {
    "zh-CN": {
        "switch": "", "summary": "诉求内容", "filer": "诉求人姓名", "record": "登记",
        "no_name": "实名诉求需要填写诉求人姓名。", "portal_summary": "请描述您的诉求",
        "file": "提交", "no_summary": "请填写诉求内容。",
    },
    "en": {
        "switch": "English", "summary": "Demand", "filer": "Filer's name", "record": "Record",
        "no_name": "A real-name demand needs the filer's name.",
        "portal_summary": "Describe your demand", "file": "File",
        "no_summary": "A demand needs a summary of what is asked.",
    },
}  # fmt: skip


def beside(pages: Any, field: str) -> str:
    control = pages.page.locator(f"#{field}")
    assert control.get_attribute("aria-invalid") == "true"
    assert control.get_attribute("aria-describedby") == f"err-{field}"
    assert pages.page.locator(".flash-error").count() == 0  # not above the form
    text: str = pages.page.locator(f"#err-{field}").inner_text()
    return text


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_a_refused_filing_is_explained_beside_its_field(
    web_world: WebWorld, chromium: Any, language: str
) -> None:
    words = WORDS[language]
    clerk = open_pages(chromium, web_world.server)
    sign_in(clerk, "li.na", PASSWORD)
    if words["switch"]:
        clerk.submit(words["switch"])
    clerk.goto("/desk/new")
    clerk.page.get_by_label(words["summary"]).fill("营业执照变更迟迟未办")
    clerk.submit(words["record"])  # a real-name demand, with no name
    assert words["no_name"] in beside(clerk, "filer_name")
    assert clerk.page.get_by_label(words["summary"]).input_value() == "营业执照变更迟迟未办"

    phone = open_pages(chromium, web_world.server, PHONE)
    sign_in(phone, "example-co", PASSWORD)
    if words["switch"]:
        phone.submit(words["switch"])
    phone.goto("/portal/new")
    phone.page.get_by_label(words["portal_summary"]).fill("   ")
    phone.submit(words["file"])
    assert words["no_summary"] in beside(phone, "summary")
