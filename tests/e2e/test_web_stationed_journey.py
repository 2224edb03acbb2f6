"""Stationed staff's work, front-line days and secondments in the browser: a stationed staff
member records a problem taken up for their key enterprise and opens a case for it, and the
enterprise confirms the activity (in English); a leader records a front-line week across a
holiday and sees its working days beside the visit quota; a supervisor arranges a secondment
(a short one refused beside the form), reads the roster and ends one early."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain.actors import Role
from tests.e2e.api_world import PASSWORD
from tests.e2e.test_web_world import WebWorld, chromium, open_pages, sign_in, web_world
from tests.support.app import ADMIN
from tests.support.clock import CHINA
from tests.support.oversight_world import KEY_ENTERPRISE
from tests.support.text import UUID_TEXT

__all__ = ["chromium", "web_world"]


def visible(pages: Any) -> str:
    text: str = pages.page.locator("body").inner_text()
    assert not UUID_TEXT.search(text), f"{pages.page.url} shows an id"
    return text


def test_a_stationed_staff_member_records_a_problem_opens_a_case_and_the_enterprise_confirms(
    web_world: WebWorld, chromium: Any
) -> None:
    web_world.clock.set(datetime(2026, 4, 10, 16, 0, tzinfo=CHINA))
    web_world.app.station_staff("li.na", KEY_ENTERPRISE, actor=ADMIN)
    web_world.container.accounts.add_user(
        "key-co", Role.ENTERPRISE, actor=ADMIN, unit=None, enterprise=KEY_ENTERPRISE,
        leader=None, password=PASSWORD,
    )  # fmt: skip
    staff = open_pages(chromium, web_world.server)
    sign_in(staff, "li.na", PASSWORD)
    with staff.page.expect_navigation():
        staff.page.get_by_role("link", name="驻企服务", exact=True).click()
    staff.check()
    assert "重点示例制造有限公司" in staff.page.locator(".linked-enterprises").inner_text()

    staff.page.get_by_label("解决问题").check()
    staff.page.get_by_label("做了什么").fill("厂房消防验收排期太久，企业无法投产")
    staff.page.get_by_label("服务日期").fill("2026-04-09")
    staff.submit("保存记录")
    text = visible(staff)
    assert "服务已记录。" in text
    card = staff.page.locator(".activity-card").inner_text()
    assert "解决问题 · 2026年4月9日 · 重点示例制造有限公司" in card
    assert "待企业确认" in card

    staff.page.locator(".activity-card").get_by_label("诉求类型").select_option(label="求助")
    staff.submit("代企业登记诉求", within=".activity-card")
    assert "已代企业登记诉求。" in visible(staff)
    assert "已登记诉求" in staff.page.locator(".activity-card").inner_text()
    staff.shot("stationed-staff")
    opened = web_world.container.read.rows("cases", "cases")
    assert [(r["summary"], r["channel"]) for r in opened] == [
        ("厂房消防验收排期太久，企业无法投产", "stationed_staff")
    ]

    # The enterprise served confirms it from its portal, in English.
    firm = open_pages(chromium, web_world.server)
    sign_in(firm, "key-co", PASSWORD)
    firm.submit("English")
    with firm.page.expect_navigation():
        firm.page.get_by_role("link", name="Stationed staff's work", exact=True).click()
    firm.check()
    assert "Problem taken up · 9 Apr 2026" in visible(firm)
    firm.page.get_by_label("I dispute it").check()
    firm.submit("Send")
    error = firm.page.locator(".activity-card [role=alert]").inner_text()
    assert "what the enterprise disputes" in error
    firm.page.get_by_label("Yes").check()
    firm.submit("Send")
    assert "Your answer was recorded." in visible(firm)
    assert "Confirmed by the enterprise" in firm.page.locator(".activity-card").inner_text()
    firm.shot("portal-stationed")

    staff.goto("/stationed")
    assert "企业已确认" in staff.page.locator(".activity-card").inner_text()
    coverage_counts_it(web_world, chromium)


def coverage_counts_it(web_world: WebWorld, chromium: Any) -> None:
    """The coverage dashboard counts it: the key enterprise has staff and April's activity,
    and none in March."""
    leader = open_pages(chromium, web_world.server)
    sign_in(leader, "county-01", PASSWORD)
    leader.goto("/dashboards/coverage?month=2026-04")
    coverage = leader.page.locator("#stationed-coverage").inner_text()
    assert "驻企服务覆盖（2026年4月）" in coverage
    assert "重点企业 1 家" in coverage
    assert "解决问题 1 项" in coverage
    assert "代企业登记诉求 1 件" in coverage
    assert coverage.count("全部覆盖。") == 2
    assert "stationed-2026.1" in coverage
    leader.goto("/dashboards/coverage?month=2026-03")
    march = leader.page.locator("#stationed-coverage .without-activity").inner_text()
    assert "重点示例制造有限公司" in march


def test_staff_not_stationed_anywhere_are_told_so_and_record_nothing(
    web_world: WebWorld, chromium: Any
) -> None:
    pages = open_pages(chromium, web_world.server)
    sign_in(pages, "zhao.lei", PASSWORD)
    pages.goto("/stationed")
    assert "您目前没有派驻任何企业。" in visible(pages)
    assert web_world.container.read.rows("stationed", "activities") == []


def test_a_leader_records_a_front_line_week_across_a_holiday_in_working_days(
    web_world: WebWorld, chromium: Any
) -> None:
    web_world.clock.set(datetime(2026, 4, 10, 17, 0, tzinfo=CHINA))
    pages = open_pages(chromium, web_world.server)
    sign_in(pages, "county-01", PASSWORD)
    pages.goto("/leader")
    assert "本月一线工作 0 个工作日，要求 5 个" in pages.page.locator("#quota").inner_text()
    pages.page.get_by_role("radio", name="一线工作周").check()
    pages.page.get_by_label("地点").fill("政务服务中心一楼综合窗口")
    pages.page.get_by_label("开始时间").fill("2026-04-03T09:00")
    pages.page.locator("#ended_on").fill("2026-04-09")
    pages.submit("登记")
    assert "走访已登记。" in visible(pages)
    assert "2026年4月3日 至 2026年4月9日" in pages.page.locator("#front-line-range").inner_text()
    pages.goto("/leader")
    # 3-9 April holds 清明 (4-6 April): 3, 7, 8 and 9 April are the working days.
    quota = pages.page.locator("#front-line-days").inner_text()
    assert "本月一线工作 4 个工作日，要求 5 个" in quota
    pages.shot("leader-front-line")

    pages.submit("English")
    pages.goto("/leader")
    pages.page.get_by_role("radio", name="Front-line week").check()
    pages.page.get_by_label("Place").fill("Service hall")
    pages.page.get_by_label("Started").fill("2026-04-04T09:00")
    pages.page.locator("#ended_on").fill("2026-04-06")
    pages.submit("Record the visit")
    error = pages.page.locator("#visit-error").inner_text()
    assert "holds no working day" in error
    assert pages.page.get_by_label("Place").input_value() == "Service hall"
    visible(pages)


def test_a_front_line_week_across_two_months_counts_in_each_the_days_it_spent_there(
    web_world: WebWorld, chromium: Any
) -> None:
    """28 April - 8 May 2026: 劳动节 (1-5 May) between; 6-8 May work, and count in May."""
    web_world.clock.set(datetime(2026, 5, 8, 18, 0, tzinfo=CHINA))
    pages = open_pages(chromium, web_world.server)
    sign_in(pages, "county-01", PASSWORD)
    pages.goto("/leader")
    pages.page.get_by_role("radio", name="一线工作周").check()
    pages.page.get_by_label("地点").fill("政务服务中心")
    pages.page.get_by_label("开始时间").fill("2026-04-28T09:00")
    pages.page.locator("#ended_on").fill("2026-05-08")
    pages.submit("登记")
    assert "走访已登记。" in visible(pages)
    pages.goto("/leader")
    may = pages.page.locator("#front-line-days").inner_text()
    calendar = web_world.app.work_calendar()
    days = sum(1 for d in (6, 7, 8) if calendar.rest_reason(date(2026, 5, d)) is None)
    assert f"本月一线工作 {days} 个工作日" in may


def test_a_supervisor_arranges_a_secondment_reads_the_roster_and_ends_one_early(
    web_world: WebWorld, chromium: Any
) -> None:
    web_world.clock.set(datetime(2026, 4, 10, 17, 0, tzinfo=CHINA))
    pages = open_pages(chromium, web_world.server)
    sign_in(pages, "chen.jie", PASSWORD)
    pages.submit("English")
    with pages.page.expect_navigation():
        pages.page.get_by_role("link", name="Secondments", exact=True).click()
    pages.check()
    assert "Nobody is on secondment that day." in visible(pages)

    pages.page.get_by_label("Name", exact=True).fill("Zhou Qiang")
    pages.page.get_by_label("Cadre to an enterprise").check()
    pages.page.locator("#home").fill("AMR")
    pages.page.locator("#host").fill(KEY_ENTERPRISE)
    pages.page.get_by_label("Start", exact=True).fill("2026-04-01")
    pages.page.get_by_label("Planned end", exact=True).fill("2026-08-31")
    pages.submit("Save")
    error = pages.page.locator("#secondment-error").inner_text()
    assert "at least 6 months" in error
    assert "1 Oct 2026" in error
    assert pages.page.get_by_label("Name", exact=True).input_value() == "Zhou Qiang"
    pages.page.get_by_label("Planned end", exact=True).fill("2026-10-01")
    pages.submit("Save")
    text = visible(pages)
    assert "The secondment was arranged." in text
    roster = pages.page.locator("table.roster").inner_text()
    assert "Zhou Qiang" in roster
    assert "Cadre to an enterprise" in roster
    assert "重点示例制造有限公司" in roster
    pages.shot("secondments-roster")

    row = pages.page.locator("#secondment-1")
    row.get_by_label("Last day").fill("2026-06-30")
    row.get_by_label("Reason for ending early").fill("Recalled by the unit")
    pages.submit("End early", within="#secondment-1")
    assert "The secondment was ended early." in visible(pages)
    assert "Ended early" in pages.page.locator("table.roster").inner_text()
    pages.goto("/secondments?on=2026-07-01")
    assert "Nobody is on secondment that day." in visible(pages)

    # The same page in Chinese.
    pages.submit("中文")
    pages.goto("/secondments?on=2026-05-01")
    assert "干部到企业" in visible(pages)
