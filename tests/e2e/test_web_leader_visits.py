"""Leaders' visits and accountability in the browser: a leader records a visit whose finding
opens a case, and an on-site office day, and sees the month's quota move; the enterprise visited
confirms the visit (in Chinese and in English); an inspector takes a matter from findings through
the three distinctions to its outcome."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import pytest

from domain.actors import Actor, Role
from tests.e2e.api_world import PASSWORD
from tests.e2e.test_web_inspector_journey import handled_case
from tests.e2e.test_web_world import WebWorld, chromium, open_pages, sign_in, web_world
from tests.e2e.web_words import LANGUAGES, Words
from tests.support.app import ADMIN
from tests.support.clock import CHINA
from tests.support.text import UUID_TEXT

__all__ = ["chromium", "web_world"]


def visible(pages: Any) -> str:
    text: str = pages.page.locator("body").inner_text()
    assert not UUID_TEXT.search(text), f"{pages.page.url} shows an id"
    return text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_leader_records_a_visit_whose_finding_opens_a_case_and_the_enterprise_confirms(
    web_world: WebWorld, chromium: Any, lang: str
) -> None:
    words = Words(lang)
    t = words.t
    web_world.clock.set(datetime(2026, 3, 10, 16, 0, tzinfo=CHINA))
    web_world.app.link_leader("county-01", "91440300MA5EXAMPLE", actor=ADMIN)
    pages = open_pages(chromium, web_world.server)
    words.sign_in(pages, "county-01")
    with pages.page.expect_navigation():
        pages.page.get_by_role("link", name=t("nav.leader"), exact=True).click()
    pages.check()
    quota = pages.page.locator("#quota").inner_text()
    assert t("visit.quota_h", month=words.locale.month("2026-03")) in quota
    assert visits_done(words, 0) in quota
    assert "深圳示例科技有限公司" in pages.page.locator(".linked-enterprises").inner_text()

    pages.page.locator("#enterprise").select_option(label="深圳示例科技有限公司")
    pages.page.get_by_label(t("visit.place")).fill("科技园厂区")
    pages.page.get_by_label(t("visit.started_at")).fill("2026-03-10T09:30")
    pages.page.get_by_label(t("visit.duration"), exact=True).fill("2")
    pages.page.get_by_label(t("visit.findings")).fill("消防通道被货物占用\n厂区门前路灯损坏")
    pages.submit(t("visit.save"))
    text = visible(pages)
    assert t("visit.recorded") in text
    assert t("visit.finding_no", n=1) in text
    assert t("visit.finding_no", n=2) in text

    finding = pages.page.locator("#finding-1")
    finding.get_by_label(t("visit.case_type")).select_option(label=t("case_type.help"))
    pages.submit(t("visit.open_case"), within="#finding-1")
    assert t("visit.finding_case", summary="消防通道被货物占用") in visible(pages)
    on_site = "已通知路灯所当场修复"
    pages.page.locator("#finding-2").get_by_label(t("visit.on_site_note")).fill(on_site)
    pages.submit(t("visit.resolve"), within="#finding-2")
    assert t("visit.finding_resolved", note=on_site) in visible(pages)
    if lang == "zh-CN":
        pages.shot("leader-visit")
    opened = web_world.container.read.rows("cases", "cases")
    assert [r["summary"] for r in opened] == ["消防通道被货物占用"]

    pages.goto("/leader")
    assert visits_done(words, 1) in pages.page.locator("#quota").inner_text()
    assert t("visit.unanswered") in visible(pages)
    record_an_office_day(pages, words)
    if lang == "zh-CN":
        pages.shot("leader-visits")

    the_enterprise_confirms(chromium, web_world, words)
    pages.goto("/leader")
    assert t("visit.confirmed") in visible(pages)
    confirmed = words.raw("visit.quota_note").split("{confirmed}")[0].split("}")[-1]
    assert f"{confirmed}1" in pages.page.locator("#quota").inner_text()


def the_enterprise_confirms(chromium: Any, web_world: WebWorld, words: Words) -> None:
    """The enterprise visited confirms the visit from its portal."""
    t = words.t
    firm = open_pages(chromium, web_world.server)
    words.sign_in(firm, "example-co")
    with firm.page.expect_navigation():
        firm.page.get_by_role("link", name=t("nav.visits"), exact=True).click()
    firm.check()
    assert t("visit.by", leader="刘建国（副县长）", place="科技园厂区") in visible(firm)
    if words.lang == "zh-CN":
        firm.shot("portal-visits")
    firm.submit(t("visit.send_answer"))
    assert t("visit.answered") in visible(firm)
    assert t("visit.confirmed") in firm.page.locator(".visit-card").inner_text()


def visits_done(words: Words, done: int) -> str:
    """ "This month: {done} done" -- the part of the quota line before the requirement."""
    return words.raw("visit.quota_visits").split("{required}")[0].format(done=done)


def record_an_office_day(pages: Any, words: Words) -> None:
    """An on-site office day at a service station, for no one enterprise: listed by its kind."""
    t = words.t
    form = pages.page.locator("#record")
    form.get_by_label(t("visit_kind.office_day"), exact=True).check()
    pages.page.get_by_label(t("visit.place")).fill("高新区政务服务站")
    pages.page.get_by_label(t("visit.started_at")).fill("2026-03-09T09:00")
    pages.page.get_by_label(t("visit.duration"), exact=True).fill("1")
    form.get_by_label(t("visit.unit_days"), exact=True).check()
    pages.submit(t("visit.save"))
    assert t("visit.recorded") in visible(pages)
    assert t("visit_kind.office_day") in pages.page.locator("h1").inner_text()
    pages.goto("/leader")
    mine = pages.page.locator("section", has=pages.page.locator("#mine-h")).inner_text()
    assert "高新区政务服务站" in mine
    assert t("visit_kind.office_day") in mine


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_visit_in_the_future_is_refused_beside_its_start(
    web_world: WebWorld, chromium: Any, lang: str
) -> None:
    words = Words(lang)
    t = words.t
    pages = open_pages(chromium, web_world.server)
    words.sign_in(pages, "county-01")
    pages.goto("/leader")
    quota = pages.page.locator("#quota").inner_text()
    assert t("visit.quota_h", month=words.locale.month("2026-03")) in quota
    pages.page.get_by_label(t("visit.place")).fill("Industrial park")
    pages.page.get_by_label(t("visit.started_at")).fill("2026-03-20T09:30")
    pages.page.get_by_label(t("visit.duration"), exact=True).fill("3")
    pages.submit(t("visit.save"))
    error = pages.page.locator("#err-started_at").inner_text()
    assert error.startswith(t("form.not_recorded"))
    assert pages.page.get_by_label(t("visit.started_at")).get_attribute("aria-invalid") == "true"
    assert pages.page.get_by_label(t("visit.place")).input_value() == "Industrial park"
    assert web_world.container.read.rows("engagement", "visits") == []
    visible(pages)


def open_matter(world: WebWorld, case_id: UUID) -> None:
    world.app.open_accountability_matter(
        subject_kind="case",
        subject=case_id,
        allegation="补正要求是否必要，需核实",
        actor=Actor("zhou.min", Role.INSPECTOR),
    )


def test_an_inspector_records_findings_classification_and_outcome_in_english(
    web_world: WebWorld, chromium: Any
) -> None:
    case_id = handled_case(web_world)
    open_matter(web_world, case_id)
    pages = open_pages(chromium, web_world.server)
    sign_in(pages, "zhou.min", PASSWORD)
    pages.submit("English")
    pages.goto(f"/inspect/cases/{case_id}")
    assert pages.page.locator("h1").inner_text() == "消防验收迟迟未安排"

    # Classifying before any findings is refused beside the matter, in English.
    matter = pages.page.locator("article.matter")
    assert matter.get_by_role("button", name="Classify under the three distinctions").count() == 0
    matter.get_by_label("Record findings").fill("The supplement was needed: drawings were missing")
    pages.submit("Record the findings", within="article.matter")
    assert "The findings are recorded." in visible(pages)

    matter = pages.page.locator("article.matter")
    matter.get_by_label("An honest mistake from inexperience or reform").check()
    matter.get_by_label("A mistake in an experiment nothing yet forbade").check()
    matter.get_by_label("Grounds of the classification").fill("First time, no private gain")
    pages.submit("Classify under the three distinctions", within="article.matter")
    error = pages.page.locator("article.matter [role=alert]").inner_text()
    # The missing distinction is named by its words, not its key.
    assert "Promoting development, or private gain" in error
    assert "development_vs_private_gain" not in error

    matter = pages.page.locator("article.matter")
    matter.get_by_label("An honest mistake from inexperience or reform").check()
    matter.get_by_label("A mistake in an experiment nothing yet forbade").check()
    matter.get_by_label("An unintentional error while promoting development").check()
    pages.submit("Classify under the three distinctions", within="article.matter")
    assert "The classification under the three distinctions is recorded." in visible(pages)

    matter = pages.page.locator("article.matter")
    matter.get_by_label("Outcome", exact=True).select_option(label="Exemption")
    matter.get_by_label("Reason for the outcome").fill("All three on the lenient side")
    pages.submit("Decide the outcome", within="article.matter")
    text = visible(pages)
    assert "The outcome is recorded." in text
    assert "Exemption · All three on the lenient side" in text
    pages.shot("inspect-matter")
    assert pages.page.get_by_role("button", name="Decide the outcome").count() == 0
    rows = web_world.container.read.rows("oversight", "accountability_matters")
    assert [r["outcome"] for r in rows] == ["exemption"]


def test_an_inspector_records_an_outcome_in_chinese(web_world: WebWorld, chromium: Any) -> None:
    case_id = handled_case(web_world)
    open_matter(web_world, case_id)
    pages = open_pages(chromium, web_world.server)
    sign_in(pages, "zhou.min", PASSWORD)
    pages.goto(f"/inspect/cases/{case_id}")
    matter = pages.page.locator("article.matter")
    matter.get_by_label("记录调查结论").fill("补正确有必要")
    pages.submit("记录调查结论", within="article.matter")
    matter = pages.page.locator("article.matter")
    matter.get_by_label("明知故犯的违纪违法").check()
    matter.get_by_label("尚无明确限制的探索性试验中的失误").check()
    matter.get_by_label("为推动发展的无意过失").check()
    matter.get_by_label("认定依据").fill("明知图纸缺失仍受理")
    pages.submit("按“三个区分开来”认定", within="article.matter")
    matter = pages.page.locator("article.matter")
    matter.get_by_label("处理决定", exact=True).select_option(label="容错免责")
    matter.get_by_label("决定理由").fill("初次失误")
    pages.submit("作出处理决定", within="article.matter")
    error = pages.page.locator("article.matter [role=alert]").inner_text()
    assert "不能容错免责" in error
    matter = pages.page.locator("article.matter")
    matter.get_by_label("处理决定", exact=True).select_option(label="批评教育")
    matter.get_by_label("决定理由").fill("初次失误")
    pages.submit("作出处理决定", within="article.matter")
    assert "处理决定已记录。" in visible(pages)


def test_a_visit_is_seen_only_by_its_leader_and_the_enterprise_visited(
    web_world: WebWorld, chromium: Any
) -> None:
    web_world.container.accounts.add_user(
        "county-02", Role.LEADER, actor=ADMIN, unit=None, enterprise=None, leader=None,
        password=PASSWORD,
    )  # fmt: skip
    recorded = web_world.app.record_visit(
        kind="visit",
        place="科技园厂区",
        started_at=datetime(2026, 3, 2, 8, 0, tzinfo=CHINA),
        duration=1,
        enterprise="91440300MA5EXAMPLE",
        findings=["门前道路破损"],
        actor=Actor("county-01", Role.LEADER),
    )
    other = open_pages(chromium, web_world.server)
    sign_in(other, "county-02", PASSWORD)
    response = other.page.goto(f"{web_world.server.base}/leader/visits/{recorded.id}")
    assert response is not None
    assert response.status == 404
    assert "门前道路破损" not in other.page.content()

    firm = open_pages(chromium, web_world.server)
    sign_in(firm, "other-co", PASSWORD)
    firm.goto("/portal/visits")
    assert "科技园厂区" not in visible(firm)
    assert firm.page.get_by_role("button", name="提交").count() == 0
