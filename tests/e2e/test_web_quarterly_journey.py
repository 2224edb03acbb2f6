"""The quarterly evaluation in the browser, in Chinese and in English: an enterprise answers
the quarter's form about a department on its phone, the department shows as rated, a second
answer is not offered; the supervision office sees the result on the dashboard and downloads it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from tests.e2e.api_world import PASSWORD
from tests.e2e.test_web_world import (
    PHONE,
    Pages,
    WebWorld,
    chromium,
    open_pages,
    sign_in,
    web_world,
)
from tests.support.clock import CHINA, FakeClock
from tests.support.text import UUID_TEXT

__all__ = ["chromium", "web_world"]
AMR = "市场监督管理局"
WORDS = {
    "zh-CN": {
        "nav": "季度评价",
        "form_of": "2026-Q3 季度评价",
        "rate": "评价",
        "environment": "营商环境",
        "send": "提交评价",
        "answered": "评价已提交，谢谢！",
        "done": "本季度已评价",
        "dash_tab": "季度评价",
        "ranked_no": "否（评价不足）",
        "mean": "4.60",
        "closed": "2026-Q3 的季度评价在 2026年9月1日 00:00 至 2026年10月1日 00:00 期间开放",
    },
    "en": {
        "nav": "Quarterly evaluation",
        "form_of": "Evaluation of 2026-Q3",
        "rate": "Rate",
        "environment": "Business environment",
        "send": "Send the evaluation",
        "answered": "Your evaluation is recorded. Thank you.",
        "done": "Rated this quarter",
        "dash_tab": "Quarterly evaluation",
        "ranked_no": "no (too few answers)",
        "mean": "4.60",
        "closed": "The evaluation of 2026-Q3 is open from",
    },
}
SCORES = {"environment": 5, "efficiency": 4, "attitude": 5, "policy_delivery": 4, "integrity": 5}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 9, 30, 20, 0, tzinfo=CHINA))  # 2026-Q3's form's last day


def signed_in(chromium: Any, world: WebWorld, login: str, lang: str, **viewport: int) -> Pages:
    pages = open_pages(chromium, world.server, *([viewport] if viewport else []))
    sign_in(pages, login, PASSWORD)
    if lang == "en":
        pages.submit("English")
    return pages


def plain_words_only(pages: Pages, lang: str) -> None:
    text = pages.page.locator("body").inner_text()
    assert UUID_TEXT.search(text) is None, f"{pages.page.url} shows an id"
    if lang == "zh-CN":
        for key in (*SCORES, "quarterly_evaluation", "evaluation-"):
            assert key not in text, f"{pages.page.url} shows {key!r}"


def answer_and_see_the_result(chromium: Any, world: WebWorld, lang: str) -> None:
    w = WORDS[lang]
    firm = signed_in(chromium, world, "example-co", lang, **PHONE)
    with firm.page.expect_navigation():
        firm.page.get_by_role("link", name=w["nav"], exact=True).first.click()
    firm.check()
    assert w["form_of"] in firm.page.locator("main").inner_text()
    card = firm.page.locator("#unit-AMR")
    with firm.page.expect_navigation():
        card.get_by_role("link", name=w["rate"]).click()
    firm.check()
    plain_words_only(firm, lang)
    assert w["environment"] in firm.page.locator("#question-environment").inner_text()
    for question, score in SCORES.items():
        firm.page.locator(f"#question-{question}").get_by_label(str(score), exact=True).check()
    if lang == "zh-CN":
        firm.shot("quarterly-evaluation-form-phone")
    firm.submit(w["send"])
    assert w["answered"] in firm.page.locator(".flash").inner_text()
    assert w["done"] in firm.page.locator("#unit-AMR").inner_text()
    assert firm.page.locator("#unit-AMR").get_by_role("link").count() == 0  # once a quarter
    plain_words_only(firm, lang)
    if lang == "zh-CN":
        firm.shot("quarterly-evaluation-phone")
    # A form opened before the quarter ended and sent after: refused beside it, in words.
    with firm.page.expect_navigation():
        firm.page.locator("#unit-HRS").get_by_role("link", name=w["rate"]).click()
    firm.check()
    for question in SCORES:
        firm.page.locator(f"#question-{question}").get_by_label("3", exact=True).check()
    world.clock.set(datetime(2026, 10, 1, 0, 0, 1, tzinfo=CHINA))
    firm.submit(w["send"])
    assert w["closed"] in firm.page.locator(".flash-error").inner_text()
    plain_words_only(firm, lang)

    office = signed_in(chromium, world, "chen.jie", lang)
    office.goto("/dashboards/board")
    with office.page.expect_navigation():
        office.page.locator("nav.tabs").get_by_role("link", name=w["dash_tab"]).click()
    office.check()
    office.goto("/dashboards/quarterly?quarter=2026-Q3")
    table = office.page.locator("#quarterly-results").inner_text()
    assert AMR in table
    assert w["mean"] in table
    assert "1/3" in table  # one answer of the three enterprises that could answer
    assert w["ranked_no"] in table
    plain_words_only(office, lang)
    download = office.page.request.get(f"{office.base}/dashboards/quarterly.csv?period=2026-Q3")
    assert download.status == 200
    csv = download.body().decode("utf-8-sig")
    assert AMR in csv
    assert "metrics-2026.3" in csv
    if lang == "zh-CN":
        office.shot("dashboard-quarterly")


def test_an_enterprise_rates_a_department_and_the_office_sees_it_in_chinese(
    web_world: WebWorld, chromium: Any
) -> None:
    answer_and_see_the_result(chromium, web_world, "zh-CN")


def test_an_enterprise_rates_a_department_and_the_office_sees_it_in_english(
    web_world: WebWorld, chromium: Any
) -> None:
    answer_and_see_the_result(chromium, web_world, "en")
