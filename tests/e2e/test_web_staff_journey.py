"""Window staff handle a complaint in the browser, in Chinese and in English: record it,
dispatch, sign for, stop the clock for 补正, restart it, get an extension from the head, reply,
call back and close; a refused step is explained beside its form, and a colleague's edit in
between is explained in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from domain.actors import Actor, Role
from tests.e2e.api_world import PASSWORD
from tests.e2e.test_web_world import Pages, WebWorld, chromium, open_pages, web_world
from tests.e2e.web_words import Words
from tests.support.clock import CHINA
from tests.support.text import UUID_TEXT

__all__ = ["chromium", "web_world"]
LI = Actor("li.na", Role.WINDOW_STAFF)


def open_step(pages: Pages, step: str) -> Any:
    """The step's form, unfolded (steps are <details> elements)."""
    details = pages.page.locator(f"#step-{step}")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return details


@dataclass(frozen=True)
class Journey(Words):
    """The words of the journey's language, and the world it walks through."""

    world: WebWorld | None = None

    def another_day(self, pages: Pages, login: str, when: datetime) -> None:
        """Move the clock on: yesterday's session has ended, so sign in again and come back."""
        assert self.world is not None
        url = pages.page.url.split("?")[0]
        self.world.clock.set(when)
        pages.page.goto(url)
        assert "/login" in pages.page.url
        assert self.t("login.expired") in pages.page.content()
        self.fill_in_the_login(pages, login)
        assert pages.page.url == url


def record_a_complaint(journey: Journey, clerk: Pages) -> None:
    """At the window, Monday 2 March 2026 09:00: the clerk records it and owns it."""
    t = journey.t
    clerk.goto("/desk/new")
    form = clerk.page
    form.get_by_label(t("case.type"), exact=True).select_option("complaint")
    form.get_by_label(t("case.channel"), exact=True).select_option("window")
    form.get_by_label(t("case.enterprise"), exact=True).select_option("91440300MA5EXAMPLE")
    form.get_by_label(t("case.summary"), exact=True).fill("施工许可审批超时，已逾期两周")
    form.get_by_label(t("case.filer_name"), exact=True).fill("张伟")
    clerk.submit(t("new_case.submit"))
    assert t("case.done_filed") in form.content()
    # 15 working days, three weekends skipped: due Monday 23 March.
    assert journey.day(2026, 3, 23) in form.locator(".facts").inner_text()
    # The clerk is offered only what a clerk may do on a received case she owns.
    offered = form.locator("details.step > summary").all_inner_texts()
    assert offered == [t("step.hand_over"), t("step.answer_directly"), t("step.dispatch")]


def stop_the_clock_for_materials(journey: Journey, clerk: Pages) -> None:
    """补正 from Tuesday 3 March to Thursday 5 March: two working days are not counted."""
    t = journey.t
    journey.another_day(clerk, "li.na", datetime(2026, 3, 3, 10, 0, tzinfo=CHINA))
    open_step(clerk, "request_supplement").get_by_label(t("field.reason")).fill("缺少营业执照副本")
    clerk.submit(t("step.request_supplement"), within="#step-request_supplement")
    assert t("case.clock_stopped") in clerk.page.locator(".facts").inner_text()
    assert clerk.page.locator("details.step > summary").all_inner_texts()[:2] == [
        t("step.hand_over"),
        t("step.receive_supplement"),
    ]
    journey.another_day(clerk, "li.na", datetime(2026, 3, 5, 15, 0, tzinfo=CHINA))
    open_step(clerk, "receive_supplement").get_by_label(t("field.note")).fill("材料已补齐")
    clerk.submit(t("step.receive_supplement"), within="#step-receive_supplement")
    assert journey.day(2026, 3, 25) in clerk.page.locator(".facts").inner_text()
    proof = clerk.page.locator(".proof").inner_text()
    assert t("proof.paused_days", n=2) in proof
    assert t("proof.check", elapsed=23, counted=15, rest=6, paused=2) in proof


def extend_with_the_heads_approval(chromium: Any, journey: Journey, clerk: Pages) -> None:
    """Too long an extension is refused beside its form; two days more, approved by the head."""
    t = journey.t
    form = clerk.page
    extension = open_step(clerk, "request_extension")
    extension.get_by_label(t("field.new_due")).fill("2026-04-30")
    extension.get_by_label(t("field.reason")).fill("需现场核查")
    clerk.submit(t("step.request_extension"), within="#step-request_extension")
    error = form.locator("#step-request_extension .flash-error").inner_text()
    assert t("form.not_recorded") in error
    # "... out of range: the policy allows 1 to 10": the policy's bounds, in words.
    out_of_range = journey.raw("refusal.extension-length-out-of-range")
    assert out_of_range.split("{asked}")[1].format(most=10) in error
    assert form.get_by_label(t("field.new_due")).input_value() == "2026-04-30"  # kept
    form.get_by_label(t("field.new_due")).fill("2026-03-27")
    clerk.submit(t("step.request_extension"), within="#step-request_extension")
    assert t("step.decide_extension") not in form.locator("#steps").inner_text()  # the head's

    assert journey.world is not None
    head = open_pages(chromium, journey.world.server)
    journey.sign_in(head, "wang.qiang")
    head.goto(clerk.page.url.split(clerk.base)[1].split("?")[0])
    decision = open_step(head, "decide_extension")
    decision.get_by_label(t("decision.yes"), exact=True).check()
    decision.get_by_label(t("field.reason")).fill("情况属实")
    head.submit(t("step.decide_extension"), within="#step-decide_extension")
    assert journey.day(2026, 3, 27) in head.page.locator(".facts").inner_text()


def reply_call_back_and_close(journey: Journey, clerk: Pages) -> None:
    t = journey.t
    journey.another_day(clerk, "li.na", datetime(2026, 3, 20, 11, 0, tzinfo=CHINA))
    open_step(clerk, "reply").get_by_label(t("field.text")).fill("许可已于今日发放")
    clerk.submit(t("step.reply"), within="#step-reply")
    callback = open_step(clerk, "record_callback")
    resolved = callback.locator("fieldset", has_text=t("field.resolved"))
    resolved.get_by_label(t("yesno.yes"), exact=True).check()
    satisfied = callback.locator("fieldset", has_text=t("field.satisfied"))
    satisfied.get_by_label(t("yesno.yes"), exact=True).check()
    clerk.submit(t("step.record_callback"), within="#step-record_callback")
    close = open_step(clerk, "close")
    close.get_by_label(t("field.outcome")).select_option("solved")
    close.get_by_label(t("field.reason")).fill("企业确认已解决")
    if journey.lang == "zh-CN":
        clerk.shot("case")
    clerk.submit(t("step.close"), within="#step-close")


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_staff_handle_a_complaint_through_a_pause_to_closure(
    web_world: WebWorld, chromium: Any, lang: str
) -> None:
    journey = Journey(lang, web_world)
    t = journey.t
    clerk = open_pages(chromium, web_world.server)
    journey.sign_in(clerk, "li.na")
    assert clerk.page.url.endswith("/desk")
    record_a_complaint(journey, clerk)
    open_step(clerk, "dispatch").get_by_label(t("field.lead_unit")).select_option("AMR")
    clerk.submit(t("step.dispatch"), within="#step-dispatch")
    clerk.submit(t("step.sign_for"), within="#step-sign_for")
    assert t("status.in_progress") in clerk.page.locator(".badges").inner_text()
    stop_the_clock_for_materials(journey, clerk)
    extend_with_the_heads_approval(chromium, journey, clerk)
    reply_call_back_and_close(journey, clerk)

    assert t("case.done", step=t("step.close")) in clerk.page.locator("body").inner_text()
    badges = clerk.page.locator(".badges").inner_text()
    assert t("status.closed") in badges
    assert t("time_state.closed_on_time") in badges
    timeline = clerk.page.locator(".timeline").inner_text()
    for event in (
        "Filed",
        "Dispatched",
        "SignedFor",
        "Paused",
        "Resumed",
        "ExtensionDecided",
        "Replied",
        "CallbackRecorded",
        "Closed",
    ):
        assert t(f"event.{event}") in timeline
    assert UUID_TEXT.search(clerk.page.locator("main").inner_text()) is None


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_a_colleagues_edit_in_between_is_explained_with_a_way_back(
    web_world: WebWorld, chromium: Any, lang: str
) -> None:
    words = Words(lang)
    t = words.t
    app = web_world.app
    clerk = Actor("li.na", Role.WINDOW_STAFF)
    filed = app.file_demand(
        case_type="help", channel="window", summary="厂区道路破损", filer_name="李强", actor=clerk
    )
    app.dispatch(filed.id, "AMR", actor=clerk)
    pages = open_pages(chromium, web_world.server)
    words.sign_in(pages, "li.na")
    pages.goto(f"/cases/{filed.id}")
    # Meanwhile the head signs for it: the form on the clerk's screen is now one version old.
    app.sign_for(filed.id, actor=Actor("wang.qiang", Role.UNIT_HEAD))
    open_step(pages, "hand_over").get_by_label(t("field.to")).select_option("zhao.lei")
    pages.page.locator("#step-hand_over").get_by_label(t("field.reason")).fill("社保事项，非本单位")
    pages.submit(t("step.hand_over"), within="#step-hand_over")
    conflict = pages.page.locator(".conflict")
    text = conflict.inner_text()
    assert t("conflict.title") in text
    assert t("conflict.body", step=t("step.hand_over"), seen=2, current=3) in text
    assert "王强 (wang.qiang)" in text
    assert t("event.SignedFor") in text
    assert "社保事项，非本单位" in text  # what the clerk typed is not lost
    if lang == "zh-CN":
        pages.shot("case-conflict", full_page=False)
    with pages.page.expect_navigation():
        conflict.get_by_role("link", name=t("conflict.reload")).click()
    pages.check()
    assert t("status.in_progress") in pages.page.locator(".badges").inner_text()


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


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_a_head_terminates_a_case_the_clerk_asked_to_end(
    web_world: WebWorld, chromium: Any, lang: str
) -> None:
    """终止办理 is the head's: the clerk who asked is named, and the case ends terminated."""
    words = Words(lang)
    t = words.t
    app = web_world.app
    filed = app.file_demand(
        case_type="help", channel="window", summary="企业已注销，诉求无法继续", filer_name="李强",
        actor=LI,
    )  # fmt: skip
    app.dispatch(filed.id, "AMR", actor=LI)
    app.sign_for(filed.id, actor=LI)
    clerk = open_pages(chromium, web_world.server)
    words.sign_in(clerk, "li.na")
    clerk.goto(f"/cases/{filed.id}")
    assert clerk.page.locator("#step-terminate").count() == 0  # not the clerk's to take

    head = open_pages(chromium, web_world.server)
    words.sign_in(head, "wang.qiang")
    head.goto(f"/cases/{filed.id}")
    terminate = open_step(head, "terminate")
    terminate.get_by_label(t("field.reason")).fill("企业已注销")
    terminate.get_by_label(t("field.requested_by")).fill("li.na")
    head.submit(t("step.terminate"), within="#step-terminate")
    assert t("case.done", step=t("step.terminate")) in head.page.locator("main").inner_text()
    assert t("status.terminated") in head.page.locator(".badges").inner_text()
    assert head.page.locator("details.step").count() == 0
