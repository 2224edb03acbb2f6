"""Leaders' visits and accountability in the browser: a leader records a visit whose finding
opens a case and sees the month's quota move; the enterprise visited confirms the visit; an
inspector takes a matter from findings through the three distinctions to its outcome."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from domain.actors import Actor, Role
from tests.e2e.api_world import PASSWORD
from tests.e2e.test_web_inspector_journey import handled_case
from tests.e2e.test_web_world import WebWorld, chromium, open_pages, sign_in, web_world
from tests.support.app import ADMIN
from tests.support.clock import CHINA
from tests.support.text import UUID_TEXT

__all__ = ["chromium", "web_world"]


def visible(pages: Any) -> str:
    text: str = pages.page.locator("body").inner_text()
    assert not UUID_TEXT.search(text), f"{pages.page.url} shows an id"
    return text


def test_a_leader_records_a_visit_whose_finding_opens_a_case_and_the_enterprise_confirms(
    web_world: WebWorld, chromium: Any
) -> None:
    web_world.clock.set(datetime(2026, 3, 10, 16, 0, tzinfo=CHINA))
    web_world.app.link_leader("county-01", "91440300MA5EXAMPLE", actor=ADMIN)
    pages = open_pages(chromium, web_world.server)
    sign_in(pages, "county-01", PASSWORD)
    with pages.page.expect_navigation():
        pages.page.get_by_role("link", name="走访", exact=True).click()
    pages.check()
    quota = pages.page.locator("#quota").inner_text()
    assert "2026年3月 走访任务" in quota
    assert "本月已完成 0 次" in quota
    assert "深圳示例科技有限公司" in pages.page.locator(".linked-enterprises").inner_text()

    pages.page.locator("#enterprise").select_option(label="深圳示例科技有限公司")
    pages.page.get_by_label("地点").fill("科技园厂区")
    pages.page.get_by_label("开始时间").fill("2026-03-10T09:30")
    pages.page.get_by_label("时长", exact=True).fill("2")
    pages.page.get_by_label("发现的问题").fill("消防通道被货物占用\n厂区门前路灯损坏")
    pages.submit("登记")
    text = visible(pages)
    assert "走访已登记。" in text
    assert "问题 1" in text
    assert "问题 2" in text

    pages.page.locator("#finding-1").get_by_label("立案类型").select_option(label="求助")
    pages.submit("为此问题立案", within="#finding-1")
    assert "已立案：消防通道被货物占用" in visible(pages)
    pages.page.locator("#finding-2").get_by_label("现场解决情况").fill("已通知路灯所当场修复")
    pages.submit("记为现场解决", within="#finding-2")
    assert "已现场解决：已通知路灯所当场修复" in visible(pages)
    pages.shot("leader-visit")
    opened = web_world.container.read.rows("cases", "cases")
    assert [r["summary"] for r in opened] == ["消防通道被货物占用"]

    pages.goto("/leader")
    quota = pages.page.locator("#quota").inner_text()
    assert "本月已完成 1 次" in quota
    assert "待企业确认" in visible(pages)
    pages.shot("leader-visits")

    # The enterprise visited confirms it from its portal.
    firm = open_pages(chromium, web_world.server)
    sign_in(firm, "example-co", PASSWORD)
    with firm.page.expect_navigation():
        firm.page.get_by_role("link", name="领导走访", exact=True).click()
    firm.check()
    assert "刘建国（副县长） · 科技园厂区" in visible(firm)
    firm.shot("portal-visits")
    firm.submit("提交")
    assert "已提交确认。" in visible(firm)
    assert "企业已确认" in firm.page.locator(".visit-card").inner_text()

    pages.goto("/leader")
    assert "企业已确认" in visible(pages)
    assert "企业已确认 1 次" in pages.page.locator("#quota").inner_text()


def test_a_visit_in_the_future_is_refused_beside_its_start_in_english(
    web_world: WebWorld, chromium: Any
) -> None:
    pages = open_pages(chromium, web_world.server)
    sign_in(pages, "county-01", PASSWORD)
    pages.submit("English")
    pages.goto("/leader")
    assert "Visit quota, Mar 2026" in pages.page.locator("#quota").inner_text()
    pages.page.get_by_label("Place").fill("Industrial park")
    pages.page.get_by_label("Started").fill("2026-03-20T09:30")
    pages.page.get_by_label("Duration", exact=True).fill("3")
    pages.submit("Record the visit")
    error = pages.page.locator("#err-started_at").inner_text()
    assert error.startswith("Not recorded:")
    assert pages.page.get_by_label("Started").get_attribute("aria-invalid") == "true"
    assert pages.page.get_by_label("Place").input_value() == "Industrial park"
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
