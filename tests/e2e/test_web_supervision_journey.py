"""督办 and approvals in the browser, in Chinese and in English: the supervision office issues
an order on a case, the lead unit's head finds it on the desk and answers it, the office sees
it answered and closes it; a refused order is explained beside its form; an order on a unit
runs late and is seen answered late. A head decides an extension and a return from the
approvals queue, which lists only what that head may decide."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.actors import Actor, Role
from tests.e2e.api_world import PASSWORD
from tests.e2e.test_web_world import Pages, WebWorld, chromium, open_pages, sign_in, web_world
from tests.e2e.web_words import Words
from tests.support.clock import CHINA
from tests.support.text import UUID_TEXT

__all__ = ["chromium", "web_world"]
LI = Actor("li.na", Role.WINDOW_STAFF)  # AMR clerk
WANG = Actor("wang.qiang", Role.UNIT_HEAD)  # AMR head
WORDS: dict[str, dict[str, str | None]] = {
    "zh-CN": {
        "supervise": "督办此案件",
        "issue": "下达督办",
        "instruction": "督办事项",
        "required": "要求回复的内容",
        "due": "截止日期",
        "days": "工作日数",
        "needs_due": "督办单须给出截止日期或工作日数。",
        "issued": "督办单已下达。",
        "awaiting": "待回复",
        "respond": "回复督办",
        "response": "回复内容",
        "answered": "已回复",
        "close": "办结督办",
        "conclusion": "办结意见",
        "closed": "已办结",
        "approvals": "待我审批",
        "decide": "去审批",
        "agree": "同意",
        "reason": "理由",
        "decide_extension": "审批延期",
        "nothing_waiting": "目前没有等待您审批的事项。",
        "due_by": "2026年3月5日 24:00 前",
    },
    "en": {
        "supervise": "Supervise this case",
        "issue": "Issue order",
        "instruction": "Instruction",
        "required": "Response required",
        "due": "Due date",
        "days": "Working days",
        "needs_due": "Give a supervision order either a due date or working days.",
        "issued": "The supervision order was issued.",
        "awaiting": "Awaiting answer",
        "respond": "Answer the order",
        "response": "Response",
        "answered": "Answered",
        "close": "Close the order",
        "conclusion": "Conclusion",
        "closed": "Closed",
        "approvals": "Approvals",
        "decide": "Decide",
        "agree": None,  # looked up from the catalogue below
        "reason": None,
        "decide_extension": None,
        "nothing_waiting": "Nothing is waiting for your decision.",
        "due_by": "by the end of 5 Mar 2026",
    },
}


def words(lang: str) -> dict[str, str]:
    """The test's words; the step form's own labels come from the catalogue it is drawn from."""
    from api.web.i18n import catalogue  # noqa: PLC0415 - read when the test runs

    said = {k: v for k, v in WORDS[lang].items() if v is not None}
    messages = catalogue(lang)
    said.setdefault("agree", messages["decision.yes"])
    said.setdefault("reason", messages["field.reason"])
    said.setdefault("decide_extension", messages["step.decide_extension"])
    return said


def a_case_in_progress(world: WebWorld, summary: str) -> UUID:
    """A complaint the clerk recorded, dispatched to AMR and signed for."""
    app = world.app
    filed = app.file_demand(
        case_type="complaint", channel="window", summary=summary, filer_name="张伟", actor=LI
    )
    app.dispatch(filed.id, "AMR", actor=LI)
    app.sign_for(filed.id, actor=LI)
    case_id: UUID = filed.id
    return case_id


def signed_in(chromium: Any, world: WebWorld, login: str, lang: str) -> Pages:
    pages = open_pages(chromium, world.server)
    sign_in(pages, login, PASSWORD)
    if lang == "en":
        pages.submit("English")
    return pages


def no_ids_on(pages: Pages) -> None:
    text = pages.page.locator("body").inner_text()
    assert UUID_TEXT.search(text) is None, f"{pages.page.url} shows an id"
    assert "awaiting_response" not in text
    assert "answered_late" not in text


def supervise_answer_and_close(chromium: Any, world: WebWorld, lang: str) -> None:
    w = words(lang)
    case_id = a_case_in_progress(world, "施工许可审批超时，已逾期两周")
    office = signed_in(chromium, world, "chen.jie", lang)
    office.goto(f"/cases/{case_id}")
    with office.page.expect_navigation():
        office.page.get_by_role("link", name=w["supervise"]).click()
    office.check()
    form = office.page
    form.get_by_label(w["instruction"]).fill("请于三日内报告办理进展")
    form.get_by_label(w["required"]).fill("办理进展与预计办结时间")
    form.get_by_label(w["due"]).fill("2026-03-06")
    form.get_by_label(w["days"]).fill("3")
    office.submit(w["issue"])
    # Both a date and working days: refused beside the due date, what was typed kept.
    assert w["needs_due"] in form.locator("#err-due").inner_text()
    assert form.get_by_label(w["due"]).get_attribute("aria-invalid") == "true"
    assert form.get_by_label(w["instruction"]).input_value() == "请于三日内报告办理进展"
    form.get_by_label(w["due"]).fill("")
    office.submit(w["issue"])
    assert w["issued"] in form.content()
    assert w["awaiting"] in form.locator(".badges").inner_text()
    # Three working days from Monday 2 March: it runs out at the end of Thursday 5 March.
    assert w["due_by"] in form.locator(".facts").inner_text()
    no_ids_on(office)
    office.goto(f"/cases/{case_id}")
    assert "请于三日内报告办理进展" in form.locator("#supervision").inner_text()

    head = signed_in(chromium, world, "wang.qiang", lang)
    head.goto("/desk")
    on_desk = head.page.locator("section", has=head.page.locator("#orders-h"))
    assert "施工许可审批超时" in on_desk.inner_text()
    assert w["awaiting"] in on_desk.inner_text()
    no_ids_on(head)
    with head.page.expect_navigation():
        on_desk.get_by_role("link", name="请于三日内报告办理进展").click()
    head.check()
    head.page.get_by_label(w["response"], exact=True).fill("已约谈申请人，预计3月10日办结")
    head.submit(w["respond"])
    assert "已约谈申请人" in head.page.locator("blockquote").inner_text()

    office.goto("/supervision")
    listed = office.page.locator("table.supervision").inner_text()
    assert w["answered"] in listed
    no_ids_on(office)
    with office.page.expect_navigation():
        office.page.get_by_role("link", name="请于三日内报告办理进展").click()
    office.check()
    assert "已约谈申请人" in office.page.content()
    office.page.get_by_label(w["conclusion"], exact=True).fill("已按要求报告")
    office.submit(w["close"])
    assert w["closed"] in office.page.locator(".badges").inner_text()
    if lang == "zh-CN":
        office.shot("supervision-order")


def approve_from_the_queue(chromium: Any, world: WebWorld, lang: str) -> None:
    w = words(lang)
    app = world.app
    asked = a_case_in_progress(world, "厂区道路破损需要现场核查")
    app.request_extension(asked, date(2026, 3, 25), "需现场核查", actor=LI)
    # A case another unit leads: its extension is not this head's to decide.
    other = world.app.file_demand(
        case_type="help", channel="window", summary="社保卡补办进度", filer_name="李强", actor=LI
    )
    app.dispatch(other.id, "HRS", actor=LI)
    zhao = Actor("zhao.lei", Role.WINDOW_STAFF)
    app.sign_for(other.id, actor=zhao)
    app.request_extension(other.id, date(2026, 3, 25), "等待外省回函", actor=zhao)

    head = signed_in(chromium, world, "wang.qiang", lang)
    head.goto("/approvals")
    queue = head.page.locator("main").inner_text()
    assert "厂区道路破损" in queue
    assert "社保卡补办进度" not in queue
    assert w["decide_extension"] in queue
    no_ids_on(head)
    if lang == "zh-CN":
        head.shot("approvals")
    with head.page.expect_navigation():
        head.page.get_by_role("link", name=w["decide"]).click()
    head.check()
    decision = head.page.locator("#step-decide_extension")
    decision.get_by_label(w["agree"], exact=True).check()
    decision.get_by_label(w["reason"]).fill("情况属实")
    head.submit(w["decide_extension"], within="#step-decide_extension")
    head.goto("/approvals")
    assert w["nothing_waiting"] in head.page.locator("main").inner_text()


def publish_a_circular(chromium: Any, world: WebWorld, lang: str) -> None:
    """From a period whose ranking is not published: refused beside the form, what was chosen
    kept. From a board: published, and listed naming the unit by its name."""
    from api.web.i18n import catalogue  # noqa: PLC0415 - read when the test runs

    messages = catalogue(lang)
    office = signed_in(chromium, world, "chen.jie", lang)
    office.goto("/circulars")
    form = office.page
    form.locator("#title").fill("2026年第一季度超期办理通报")
    form.locator("#source_kind").select_option("period")
    form.locator("#source_ref").fill("2026-Q1")
    form.locator("#who_0").select_option("unit:AMR")
    form.locator("#why_0").fill("超期办结三件")
    office.submit(messages["circular.publish"])
    refused = form.locator("#err-source_ref").inner_text()
    assert messages["refusal.circular-cites-publication"].split("{")[0] in refused
    assert form.locator("#who_0").input_value() == "unit:AMR"
    form.locator("#source_kind").select_option("board")
    office.submit(messages["circular.publish"])
    assert messages["circular.done"] in form.content()
    listed = form.locator("table.circulars").inner_text()
    assert "2026年第一季度超期办理通报" in listed
    assert "超期办结三件" in listed
    assert "AMR" not in listed  # named, not coded
    no_ids_on(office)


def decide_a_return_from_the_queue(chromium: Any, world: WebWorld, lang: str) -> None:
    """AMR dispatched a case to HRS, which asks to return it: AMR's head finds the request in
    the queue and approves it on the case page; the case is back with AMR to dispatch again."""
    words = Words(lang)
    t = words.t
    app = world.app
    filed = app.file_demand(
        case_type="help", channel="window", summary="跨区迁址登记咨询", filer_name="李强", actor=LI
    )
    app.dispatch(filed.id, "HRS", actor=LI)
    app.request_return(filed.id, "属市场监管事项", actor=Actor("zhao.lei", Role.WINDOW_STAFF))

    head = signed_in(chromium, world, "wang.qiang", lang)
    head.goto("/approvals")
    queue = head.page.locator("main")
    assert "跨区迁址登记咨询" in queue.inner_text()
    assert t("step.decide_return") in queue.inner_text()
    no_ids_on(head)
    row = queue.locator("tr", has_text="跨区迁址登记咨询")
    with head.page.expect_navigation():
        row.get_by_role("link", name=t("approvals.decide")).click()
    head.check()
    decision = head.page.locator("#step-decide_return")
    if decision.get_attribute("open") is None:
        decision.locator("summary").click()
    decision.get_by_label(t("decision.yes"), exact=True).check()
    decision.get_by_label(t("field.reason")).fill("确属市场监管事项")
    head.submit(t("step.decide_return"), within="#step-decide_return")
    assert t("case.done", step=t("step.decide_return")) in head.page.locator("main").inner_text()
    assert t("event.ReturnDecided") in head.page.locator(".timeline").inner_text()
    assert app.case(filed.id).lead_unit_id is None  # back with AMR, to dispatch again
    head.goto("/approvals")
    assert t("approvals.none") in head.page.locator("main").inner_text()


def supervise_a_unit_that_answers_late(chromium: Any, world: WebWorld, lang: str) -> None:
    """An order on a unit, not a case: one working day to answer (the end of Tuesday 3 March).
    The head finds it overdue on the desk on Thursday and answers; the office sees it late."""
    words = Words(lang)
    t = words.t
    office = signed_in(chromium, world, "chen.jie", lang)
    office.goto("/supervision")
    with office.page.expect_navigation():
        office.page.locator("main").get_by_role("link", name=t("supervision.new")).click()
    office.check()
    office.page.get_by_label(t("supervision.unit_to_supervise")).select_option("AMR")
    office.page.get_by_label(t("supervision.instruction")).fill("请报告本月窗口差评整改情况")
    office.page.get_by_label(t("supervision.required_response")).fill("整改措施清单")
    office.page.get_by_label(t("supervision.working_days")).fill("1")
    office.submit(t("supervision.issue"))
    assert t("supervision.done_issued") in office.page.content()
    assert t("supervision_state.open") in office.page.locator(".badges").inner_text()
    assert t("supervision.due_by", day=words.day(2026, 3, 3)) in office.page.content()
    no_ids_on(office)

    world.clock.set(datetime(2026, 3, 5, 10, 0, tzinfo=CHINA))
    head = signed_in(chromium, world, "wang.qiang", lang)
    head.goto("/desk")
    on_desk = head.page.locator("section", has=head.page.locator("#orders-h"))
    assert t("supervision_state.overdue") in on_desk.inner_text()
    with head.page.expect_navigation():
        on_desk.get_by_role("link", name="请报告本月窗口差评整改情况").click()
    head.check()
    head.page.get_by_label(t("supervision.response"), exact=True).fill("措施清单已报送")
    head.submit(t("supervision.respond"))
    assert t("supervision.done_responded") in head.page.content()

    office = signed_in(chromium, world, "chen.jie", lang)
    office.goto("/supervision")
    row = office.page.locator("table.supervision tr", has_text="请报告本月窗口差评整改情况")
    assert t("supervision_state.answered_late") in row.inner_text()
    no_ids_on(office)


def test_supervision_and_approvals_in_chinese(web_world: WebWorld, chromium: Any) -> None:
    supervise_answer_and_close(chromium, web_world, "zh-CN")
    approve_from_the_queue(chromium, web_world, "zh-CN")
    publish_a_circular(chromium, web_world, "zh-CN")
    decide_a_return_from_the_queue(chromium, web_world, "zh-CN")
    supervise_a_unit_that_answers_late(chromium, web_world, "zh-CN")


def test_supervision_and_approvals_in_english(web_world: WebWorld, chromium: Any) -> None:
    supervise_answer_and_close(chromium, web_world, "en")
    approve_from_the_queue(chromium, web_world, "en")
    publish_a_circular(chromium, web_world, "en")
    decide_a_return_from_the_queue(chromium, web_world, "en")
    supervise_a_unit_that_answers_late(chromium, web_world, "en")
