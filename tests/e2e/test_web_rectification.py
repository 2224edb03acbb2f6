"""Rectification of a 差评 in the browser, from the desk: the unit's clerk calls the rater back
and records the measures, its head asks for more time and completes it, each step against the
clocks shown on the page; each in Chinese and in English (the clerk in one, the head in the
other)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from uuid import UUID

import pytest

from domain.actors import Actor, Role
from domain.appeal import Appeal
from domain.evaluation import Level
from tests.e2e.api_world import PASSWORD
from tests.e2e.test_web_world import WebWorld, chromium, open_pages, sign_in, web_world
from tests.e2e.web_words import LANGUAGES, Words
from tests.support.clock import CHINA
from tests.support.oversight_world import ENTERPRISE, window_service
from tests.support.text import UUID_TEXT

__all__ = ["chromium", "web_world"]


def visible(pages: Any) -> str:
    text: str = pages.page.locator("body").inner_text()
    assert not UUID_TEXT.search(text), f"{pages.page.url} shows an id"
    return text


@pytest.mark.parametrize(("clerk_lang", "head_lang"), [("zh-CN", "en"), ("en", "zh-CN")])
def test_staff_call_back_take_measures_and_complete_a_rectification(
    web_world: WebWorld, chromium: Any, clerk_lang: str, head_lang: str
) -> None:
    app = web_world.app
    service = window_service(app, datetime(2026, 3, 2, 9, 0, tzinfo=CHINA))
    web_world.clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=CHINA))
    rated = app.rate_service(
        service, Level.DISSATISFIED, actor=ENTERPRISE, reason="材料被退回三次", real_name=True
    )
    assert rated.rectification is not None
    rectification_id = rated.rectification.id
    web_world.clock.set(datetime(2026, 3, 3, 9, 0, tzinfo=CHINA))

    words = Words(clerk_lang)
    t = words.t
    clerk = open_pages(chromium, web_world.server)
    words.sign_in(clerk, "li.na")
    with clerk.page.expect_navigation():
        clerk.page.get_by_role("link", name=t("nav.rectifications"), exact=True).click()
    clerk.check()
    assert t("rectify.stage_awaiting_callback") in visible(clerk)
    with clerk.page.expect_navigation():
        clerk.page.locator("table.rectifications a").first.click()
    clerk.check()
    text = visible(clerk)
    assert "营业执照变更登记" in clerk.page.locator("h1").inner_text()
    assert f"{t('level.dissatisfied')} · 材料被退回三次" in text
    assert t("rectify.callback_due") in text

    # Measures before the callback are refused beside the form... there is no such form yet:
    # the page offers the callback first, as the rules require.
    assert clerk.page.get_by_role("button", name=t("rectify.record_measures")).count() == 0
    clerk.page.get_by_label(t("rectify.note")).fill("电话联系企业，核实材料退回原因")
    clerk.submit(t("rectify.record_callback"))
    assert t("rectify.done_callback") in visible(clerk)
    assert t("rectify.stage_rectifying") in clerk.page.locator("td.stage").inner_text()
    clerk.page.get_by_label(t("rectify.measures_new")).fill("一次性告知清单上墙\n窗口人员培训")
    clerk.submit(t("rectify.record_measures"))
    assert "窗口人员培训" in clerk.page.locator("td.measures").inner_text()
    if clerk_lang == "zh-CN":
        clerk.shot("rectification")

    # The head, in the other language, asks for more time and completes it.
    words = Words(head_lang)
    t = words.t
    head = open_pages(chromium, web_world.server)
    words.sign_in(head, "wang.qiang")
    head.goto(f"/desk/rectifications/{rectification_id}")
    head.page.get_by_label(t("rectify.working_days")).fill("2")
    head.page.get_by_label(t("rectify.reason")).fill("下周安排培训")
    head.submit(t("rectify.request_extension"))
    assert t("rectify.extension_pending", days=2) in visible(head)
    head.page.get_by_label(t("rectify.outcome"), exact=True).select_option(
        label=t("rectify.outcome_rectified")
    )
    head.page.get_by_label(t("rectify.summary")).fill("清单已上墙，人员已培训")
    head.submit(t("rectify.record_completion"))
    text = visible(head)
    assert t("rectify.done_completion") in text
    assert f"{t('rectify.outcome_rectified')} · 清单已上墙，人员已培训" in text
    assert app.rectification(rectification_id).stage.value == "completed"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_step_the_rules_refuse_is_explained_beside_its_form(
    web_world: WebWorld, chromium: Any, lang: str
) -> None:
    words = Words(lang)
    t = words.t
    app = web_world.app
    service = window_service(app, datetime(2026, 3, 2, 9, 0, tzinfo=CHINA))
    web_world.clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=CHINA))
    rated = app.rate_service(
        service, Level.DISSATISFIED, actor=ENTERPRISE, reason="排队太久", real_name=True
    )
    assert rated.rectification is not None
    clerk = open_pages(chromium, web_world.server)
    words.sign_in(clerk, "li.na")
    clerk.goto(f"/desk/rectifications/{rated.rectification.id}")
    # A call that did not reach the rater is kept as an attempt, saying so.
    clerk.page.get_by_label(t("yesno.no"), exact=True).check()
    clerk.page.get_by_label(t("rectify.note")).fill("电话无人接听")
    clerk.submit(t("rectify.record_callback"))
    callback = clerk.page.locator("td.callback").inner_text()
    assert f"{t('rectify.reached_no')} · 电话无人接听" in callback
    # Only the unit's head asks for more time; more working days than the policy allows are
    # refused beside the request, in the page's language, with what was typed kept.
    assert clerk.page.get_by_role("button", name=t("rectify.request_extension")).count() == 0
    head = open_pages(chromium, web_world.server)
    words.sign_in(head, "wang.qiang")
    head.goto(f"/desk/rectifications/{rated.rectification.id}")
    head.page.get_by_label(t("rectify.working_days")).fill("99")
    head.page.get_by_label(t("rectify.reason")).fill("人手不足")
    head.submit(t("rectify.request_extension"))
    error = head.page.locator("#extension [role=alert]").inner_text()
    assert error.startswith(t("form.not_recorded"))
    if lang == "zh-CN":
        assert not re.search(r"[A-Za-z]{4,}", error)
    assert head.page.get_by_label(t("rectify.reason")).input_value() == "人手不足"
    assert app.rectification(rated.rectification.id).pending_extension is None


def test_another_units_staff_neither_list_nor_open_the_rectification(
    web_world: WebWorld, chromium: Any
) -> None:
    app = web_world.app
    service = window_service(app, datetime(2026, 3, 2, 9, 0, tzinfo=CHINA))
    web_world.clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=CHINA))
    rated = app.rate_service(
        service, Level.DISSATISFIED, actor=ENTERPRISE, reason="排队太久", real_name=True
    )
    assert rated.rectification is not None
    other = open_pages(chromium, web_world.server)
    sign_in(other, "zhao.lei", PASSWORD)  # a clerk of HRS; AMR was rated
    other.goto("/desk/rectifications")
    assert "暂无差评整改。" in visible(other)
    response = other.page.goto(
        f"{web_world.server.base}/desk/rectifications/{rated.rectification.id}"
    )
    assert response is not None
    assert response.status == 404

    # A supervisor follows it, without the unit's steps.
    supervisor = open_pages(chromium, web_world.server)
    sign_in(supervisor, "chen.jie", PASSWORD)
    supervisor.goto(f"/desk/rectifications/{rated.rectification.id}")
    assert "排队太久" in visible(supervisor)
    assert supervisor.page.get_by_role("button", name="记录回访").count() == 0


def a_bad_rating_of_amr(web_world: WebWorld) -> tuple[UUID, UUID]:
    """A 差评 of AMR's window service: the rating's id and its rectification's."""
    app = web_world.app
    service = window_service(app, datetime(2026, 3, 2, 9, 0, tzinfo=CHINA))
    web_world.clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=CHINA))
    rated = app.rate_service(
        service, Level.DISSATISFIED, actor=ENTERPRISE, reason="材料被退回三次", real_name=True
    )
    assert rated.rectification is not None
    web_world.clock.set(datetime(2026, 3, 3, 9, 0, tzinfo=CHINA))
    return rated.evaluation.id, rated.rectification.id


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_supervisor_decides_the_heads_request_for_more_time(
    web_world: WebWorld, chromium: Any, lang: str
) -> None:
    _, rectification_id = a_bad_rating_of_amr(web_world)
    web_world.app.request_rectification_extension(
        rectification_id, 2, "下周安排培训", actor=Actor("wang.qiang", Role.UNIT_HEAD)
    )
    words = Words(lang)
    t = words.t
    supervisor = open_pages(chromium, web_world.server)
    words.sign_in(supervisor, "chen.jie")
    supervisor.goto(f"/desk/rectifications/{rectification_id}")
    assert t("rectify.extension_pending", days=2) in visible(supervisor)
    decision = supervisor.page.locator("#extension")
    assert "下周安排培训" in decision.inner_text()
    assert decision.get_by_label(t("decision.yes"), exact=True).count() == 1
    # A decision without a reason is refused beside the form, in the page's language.
    decision.get_by_label(t("decision.yes"), exact=True).check()
    decision.get_by_label(t("field.reason")).fill("   ")
    supervisor.submit(t("step.decide_extension"), within="#extension")
    error = supervisor.page.locator("#extension [role=alert]").inner_text()
    assert error.startswith(t("form.not_recorded"))
    if lang == "zh-CN":
        assert not re.search(r"[A-Za-z]{4,}", error)
    assert web_world.app.rectification(rectification_id).pending_extension is not None
    decision = supervisor.page.locator("#extension")
    decision.get_by_label(t("decision.yes"), exact=True).check()
    decision.get_by_label(t("field.reason")).fill("情况属实")
    supervisor.submit(t("step.decide_extension"), within="#extension")
    text = visible(supervisor)
    assert t("rectify.done_decide_extension") in text
    assert t("rectify.extended_by", days=2, reason="下周安排培训") in text
    assert t("rectify.extension_pending", days=2) not in text
    assert supervisor.page.locator("#extension").count() == 0
    rectification = web_world.app.rectification(rectification_id)
    assert rectification.pending_extension is None
    assert [e.working_days for e in rectification.extensions] == [2]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_rated_units_head_appeals_the_rating_and_a_supervisor_decides(
    web_world: WebWorld, chromium: Any, lang: str
) -> None:
    evaluation_id, rectification_id = a_bad_rating_of_amr(web_world)
    words = Words(lang)
    t = words.t
    head = open_pages(chromium, web_world.server)
    words.sign_in(head, "wang.qiang")
    head.goto(f"/desk/rectifications/{rectification_id}")
    appeal = head.page.locator("#appeal")
    assert appeal.get_by_role("button", name=t("appeal.file")).count() == 1
    appeal.get_by_label(t("appeal.grounds")).select_option(label=t("appeal_grounds.mistaken"))
    appeal.get_by_label(t("appeal.reason")).fill("评价对象有误")
    head.submit(t("appeal.file"), within="#appeal")
    text = visible(head)
    assert t("appeal.done_appeal") in text
    assert head.page.locator("td.appeal-state").inner_text() == t("appeal.state_pending")
    assert f"{t('appeal_grounds.mistaken')} · 评价对象有误" in text
    # Filed once: the head is offered no second appeal, and may not decide their own.
    assert head.page.get_by_role("button", name=t("appeal.file")).count() == 0
    assert head.page.get_by_role("button", name=t("appeal.decide")).count() == 0

    # A supervisor decides it on the same page; a decision without a reason is refused
    # beside the form, in the page's language, and nothing is decided.
    supervisor = open_pages(chromium, web_world.server)
    words.sign_in(supervisor, "chen.jie")
    supervisor.goto(f"/desk/rectifications/{rectification_id}")
    assert "评价对象有误" in visible(supervisor)
    decision = supervisor.page.locator("#appeal")
    decision.get_by_label(t("appeal.reject"), exact=True).check()
    decision.get_by_label(t("appeal.decision_reason")).fill("   ")
    supervisor.submit(t("appeal.decide"), within="#appeal")
    error = supervisor.page.locator("#appeal [role=alert]").inner_text()
    assert error.startswith(t("form.not_recorded"))
    if lang == "zh-CN":
        assert not re.search(r"[A-Za-z]{4,}", error)
    assert web_world.app.appeal(Appeal.id_for(evaluation_id)).upheld is None
    decision.get_by_label(t("appeal.reject"), exact=True).check()
    decision.get_by_label(t("appeal.decision_reason")).fill("经核实，评价对象无误")
    supervisor.submit(t("appeal.decide"), within="#appeal")
    text = visible(supervisor)
    assert t("appeal.done_decide_appeal") in text
    assert supervisor.page.locator("td.appeal-state").inner_text() == t("appeal.state_rejected")
    assert "经核实，评价对象无误" in supervisor.page.locator("td.appeal-decision").inner_text()
    assert supervisor.page.get_by_role("button", name=t("appeal.decide")).count() == 0
    assert web_world.app.appeal(Appeal.id_for(evaluation_id)).upheld is False


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_anonymous_bad_review_is_verified_instead_of_called_back(
    web_world: WebWorld, chromium: Any, lang: str
) -> None:
    """No one to call: the clerk verifies the complaint, then the measures are open."""
    words = Words(lang)
    t = words.t
    app = web_world.app
    service = window_service(app, datetime(2026, 3, 2, 9, 0, tzinfo=CHINA))
    web_world.clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=CHINA))
    rated = app.rate_service(
        service, Level.DISSATISFIED, actor=ENTERPRISE, reason="排队太久", real_name=False
    )
    assert rated.rectification is not None
    clerk = open_pages(chromium, web_world.server)
    words.sign_in(clerk, "li.na")
    clerk.goto(f"/desk/rectifications/{rated.rectification.id}")
    assert clerk.page.get_by_role("button", name=t("rectify.record_callback")).count() == 0
    verification = clerk.page.locator("#verification")
    verification.get_by_label(t("rectify.verified_yes"), exact=True).check()
    verification.get_by_label(t("rectify.note")).fill("调取排队记录，等候超过一小时")
    clerk.submit(t("rectify.record_verification"))
    assert t("rectify.done_verification") in visible(clerk)
    assert t("rectify.stage_rectifying") in clerk.page.locator("td.stage").inner_text()
    assert clerk.page.get_by_role("button", name=t("rectify.record_measures")).count() == 1
