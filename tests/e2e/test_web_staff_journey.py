"""Window staff handle a complaint in the browser: record it, dispatch, sign for, stop the clock
for 补正, restart it, get an extension from the head, reply, call back and close; a refused
step is explained beside its form, and a colleague's edit in between is explained in words."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.actors import Actor, Role
from tests.e2e.api_world import PASSWORD
from tests.e2e.test_web_world import Pages, WebWorld, chromium, open_pages, sign_in, web_world
from tests.support.clock import CHINA

__all__ = ["chromium", "web_world"]
LI = Actor("li.na", Role.WINDOW_STAFF)


def open_step(pages: Pages, step: str) -> Any:
    """The step's form, unfolded (steps are <details> elements)."""
    details = pages.page.locator(f"#step-{step}")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return details


def another_day(world: WebWorld, pages: Pages, login: str, when: datetime) -> None:
    """Move the clock on: yesterday's session has ended, so sign in again and come back."""
    url = pages.page.url.split("?")[0]
    world.clock.set(when)
    pages.page.goto(url)
    assert "/login" in pages.page.url
    assert "您的登录已过期" in pages.page.content()
    pages.page.get_by_label("登录名").fill(login)
    pages.page.get_by_label("密码").fill(PASSWORD)
    pages.submit("登录")
    assert pages.page.url == url


def record_a_complaint(clerk: Pages) -> None:
    """At the window, Monday 2 March 2026 09:00: the clerk records it and owns it."""
    clerk.goto("/desk/new")
    form = clerk.page
    form.get_by_label("类型").select_option("complaint")
    form.get_by_label("渠道").select_option("window")
    form.get_by_label("企业").select_option("91440300MA5EXAMPLE")
    form.get_by_label("诉求内容").fill("施工许可审批超时，已逾期两周")
    form.get_by_label("诉求人姓名").fill("张伟")
    clerk.submit("登记")
    assert "诉求已登记" in form.content()
    # 15 working days, three weekends skipped: due Monday 23 March.
    assert "2026年3月23日" in form.locator(".facts").inner_text()
    # The clerk is offered only what a clerk may do on a received case she owns.
    offered = form.locator("details.step > summary").all_inner_texts()
    assert offered == ["移交", "直接答复", "派单"]


def stop_the_clock_for_materials(world: WebWorld, clerk: Pages) -> None:
    """补正 from Tuesday 3 March to Thursday 5 March: two working days are not counted."""
    another_day(world, clerk, "li.na", datetime(2026, 3, 3, 10, 0, tzinfo=CHINA))
    open_step(clerk, "request_supplement").get_by_label("理由").fill("缺少营业执照副本")
    clerk.submit("要求补正（中止计时）", within="#step-request_supplement")
    assert "计时已中止" in clerk.page.locator(".facts").inner_text()
    assert clerk.page.locator("details.step > summary").all_inner_texts()[:2] == [
        "移交",
        "补正材料已收到（恢复计时）",
    ]
    another_day(world, clerk, "li.na", datetime(2026, 3, 5, 15, 0, tzinfo=CHINA))
    open_step(clerk, "receive_supplement").get_by_label("说明").fill("材料已补齐")
    clerk.submit("补正材料已收到（恢复计时）", within="#step-receive_supplement")
    assert "2026年3月25日" in clerk.page.locator(".facts").inner_text()
    proof = clerk.page.locator(".proof").inner_text()
    assert "中止期间未计入的工作日：2 天" in proof
    assert "核对：起算日后共 23 天 = 计入 15 个工作日 + 休息日 6 天 + 中止 2 天" in proof


def extend_with_the_heads_approval(chromium: Any, world: WebWorld, clerk: Pages) -> None:
    """Too long an extension is refused beside its form; two days more, approved by the head."""
    form = clerk.page
    extension = open_step(clerk, "request_extension")
    extension.get_by_label("申请延至").fill("2026-04-30")
    extension.get_by_label("理由").fill("需现场核查")
    clerk.submit("申请延期", within="#step-request_extension")
    error = form.locator("#step-request_extension .flash-error").inner_text()
    assert "未记录" in error
    assert "政策允许 1 至 10 个工作日" in error
    assert form.get_by_label("申请延至").input_value() == "2026-04-30"  # kept for correction
    form.get_by_label("申请延至").fill("2026-03-27")
    clerk.submit("申请延期", within="#step-request_extension")
    assert "审批延期" not in form.locator("#steps").inner_text()  # the head decides

    head = open_pages(chromium, world.server)
    sign_in(head, "wang.qiang", PASSWORD)
    head.goto(clerk.page.url.split(clerk.base)[1].split("?")[0])
    decision = open_step(head, "decide_extension")
    decision.get_by_label("同意", exact=True).check()
    decision.get_by_label("理由").fill("情况属实")
    head.submit("审批延期", within="#step-decide_extension")
    assert "2026年3月27日" in head.page.locator(".facts").inner_text()


def reply_call_back_and_close(world: WebWorld, clerk: Pages) -> None:
    another_day(world, clerk, "li.na", datetime(2026, 3, 20, 11, 0, tzinfo=CHINA))
    open_step(clerk, "reply").get_by_label("答复内容").fill("许可已于今日发放")
    clerk.submit("答复企业", within="#step-reply")
    callback = open_step(clerk, "record_callback")
    callback.locator("fieldset", has_text="问题是否解决").get_by_label("是").check()
    callback.locator("fieldset", has_text="企业是否满意").get_by_label("是").check()
    clerk.submit("记录回访", within="#step-record_callback")
    close = open_step(clerk, "close")
    close.get_by_label("办理结果").select_option("solved")
    close.get_by_label("理由").fill("企业确认已解决")
    clerk.shot("case")
    clerk.submit("办结", within="#step-close")


def test_staff_handle_a_complaint_through_a_pause_to_closure(
    web_world: WebWorld, chromium: Any
) -> None:
    clerk = open_pages(chromium, web_world.server)
    sign_in(clerk, "li.na", PASSWORD)
    assert clerk.page.url.endswith("/desk")
    record_a_complaint(clerk)
    open_step(clerk, "dispatch").get_by_label("承办单位").select_option("AMR")
    clerk.submit("派单", within="#step-dispatch")
    clerk.submit("签收", within="#step-sign_for")
    assert "办理中" in clerk.page.locator(".badges").inner_text()
    stop_the_clock_for_materials(web_world, clerk)
    extend_with_the_heads_approval(chromium, web_world, clerk)
    reply_call_back_and_close(web_world, clerk)

    assert "已记录：办结" in clerk.page.content()
    badges = clerk.page.locator(".badges").inner_text()
    assert "已办结" in badges
    assert "按时办结" in badges
    timeline = clerk.page.locator(".timeline").inner_text()
    for event in (
        "登记",
        "派单",
        "签收",
        "中止计时",
        "恢复计时",
        "审批延期",
        "答复",
        "回访",
        "办结",
    ):
        assert event in timeline


def test_a_colleagues_edit_in_between_is_explained_with_a_way_back(
    web_world: WebWorld, chromium: Any
) -> None:
    app = web_world.app
    clerk = Actor("li.na", Role.WINDOW_STAFF)
    filed = app.file_demand(
        case_type="help", channel="window", summary="厂区道路破损", filer_name="李强", actor=clerk
    )
    app.dispatch(filed.id, "AMR", actor=clerk)
    pages = open_pages(chromium, web_world.server)
    sign_in(pages, "li.na", PASSWORD)
    pages.goto(f"/cases/{filed.id}")
    # Meanwhile the head signs for it: the form on the clerk's screen is now one version old.
    app.sign_for(filed.id, actor=Actor("wang.qiang", Role.UNIT_HEAD))
    open_step(pages, "hand_over").get_by_label("移交给").select_option("zhao.lei")
    pages.page.locator("#step-hand_over").get_by_label("理由").fill("社保事项，非本单位")
    pages.submit("移交", within="#step-hand_over")
    conflict = pages.page.locator(".conflict")
    text = conflict.inner_text()
    assert "同事刚刚修改了这个案件" in text
    assert "第 2 版，现在已是第 3 版" in text
    assert "王强 (wang.qiang)" in text
    assert "签收" in text
    assert "社保事项，非本单位" in text  # what the clerk typed is not lost
    pages.shot("case-conflict", full_page=False)
    with pages.page.expect_navigation():
        conflict.get_by_role("link", name="重新载入案件").click()
    pages.check()
    assert "办理中" in pages.page.locator(".badges").inner_text()


def test_a_clerk_signs_in_and_reaches_a_case_with_the_keyboard_alone(
    web_world: WebWorld, chromium: Any
) -> None:
    filed = web_world.app.file_demand(
        case_type="help", channel="window", summary="厂区道路破损", filer_name="李强", actor=LI
    )
    pages = open_pages(chromium, web_world.server)
    pages.goto("/login")
    keys = pages.page.keyboard

    def focused() -> dict[str, str]:
        found: dict[str, str] = pages.page.evaluate(
            "() => { const e = document.activeElement; const s = getComputedStyle(e);"
            " return {text: e.innerText || e.name || '', outline: s.outlineStyle}; }"
        )
        return found

    assert pages.page.evaluate("document.activeElement.id") == "login"  # ready to type
    keys.type("li.na")
    keys.press("Tab")
    keys.type(PASSWORD)
    with pages.page.expect_navigation():
        keys.press("Enter")
    pages.check()
    assert pages.page.url.endswith("/desk")
    keys.press("Tab")
    assert focused()["text"] == "跳到正文"  # the skip link comes first, and shows its focus
    assert focused()["outline"] != "none"
    keys.press("Enter")
    keys.press("Tab")
    assert focused()["text"] == "登记诉求"  # past the header, straight into the page
    link = pages.page.get_by_role("link", name="厂区道路破损")
    link.focus()
    assert focused()["outline"] != "none"
    with pages.page.expect_navigation():
        keys.press("Enter")
    pages.check()
    assert pages.page.url.endswith(f"/cases/{filed.id}")
    # A step's form opens from the keyboard too.
    pages.page.locator("#step-hand_over summary").focus()
    keys.press("Enter")
    assert pages.page.locator("#step-hand_over").get_attribute("open") is not None
