"""An enterprise files a demand and rates the service on a phone (390 x 844), in Chinese and in
English: a 差评 asks for a reason before it can be sent, and the page never scrolls sideways."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from domain.actors import Actor, Role
from domain.evaluation import Evaluation
from domain.rectification import Rectification
from tests.e2e.api_world import PASSWORD
from tests.e2e.test_web_world import PHONE, WebWorld, chromium, open_pages, sign_in, web_world
from tests.e2e.web_words import LANGUAGES, Words
from tests.support.text import UUID_TEXT

__all__ = ["chromium", "web_world"]


def fits_the_screen(pages: Any) -> None:
    width = pages.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{pages.page.url} is {width} px wide on a phone"


def handle(world: WebWorld, case_id: UUID) -> None:
    """The window receives, dispatches, signs for and answers the demand."""
    app, clerk = world.app, Actor("li.na", Role.WINDOW_STAFF)
    app.receive(case_id, actor=clerk)
    app.dispatch(case_id, "AMR", actor=clerk)
    app.sign_for(case_id, actor=clerk)
    app.reply(case_id, "已协调供电部门，本周内完成线路改造", actor=clerk)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_enterprise_files_follows_and_rates_on_a_phone(
    web_world: WebWorld, chromium: Any, lang: str
) -> None:
    words = Words(lang)
    t = words.t
    phone = open_pages(chromium, web_world.server, PHONE)
    words.sign_in(phone, "example-co")
    assert phone.page.url.endswith("/portal")
    assert t("portal.none") in phone.page.content()
    fits_the_screen(phone)
    with phone.page.expect_navigation():
        phone.page.get_by_role("link", name=t("portal.new")).click()
    phone.check()
    fits_the_screen(phone)
    phone.page.get_by_label(t("case_type.help")).check()
    phone.page.get_by_label(t("portal.summary")).fill("厂区用电容量不足，新生产线无法投产")
    phone.page.get_by_label(t("portal.contact_name"), exact=True).fill("陈静")
    phone.page.get_by_label(t("portal.contact_phone")).fill("13800000000")
    if lang == "zh-CN":
        phone.shot("portal-file")
    phone.submit(t("portal.submit"))
    assert t("portal.filed") in phone.page.content()
    assert t("status.received") in phone.page.locator(".badges").inner_text()
    case_id = UUID(phone.page.url.split("/portal/cases/")[1].split("?")[0])
    assert web_world.app.case(case_id).channel == "web"
    handle(web_world, case_id)
    phone.goto(f"/portal/cases/{case_id}")
    fits_the_screen(phone)
    progress = phone.page.locator(".timeline").inner_text()
    for step in ("Filed", "Received", "Dispatched", "SignedFor", "Replied"):
        assert t(f"public.{step}") in progress
    assert "本周内完成线路改造" in progress
    assert "li.na" not in phone.page.content()  # staff's logins are not the enterprise's concern
    assert UUID_TEXT.search(phone.page.locator("body").inner_text()) is None

    # A bad review needs a reason: the form asks for it before sending.
    reason = phone.page.get_by_label(t("rating.reason"))
    phone.page.get_by_label(t("level.dissatisfied"), exact=True).check()
    assert reason.evaluate("el => el.required") is True
    phone.page.get_by_label(t("level.satisfied"), exact=True).check()
    assert reason.evaluate("el => el.required") is False
    phone.page.get_by_label(t("level.dissatisfied"), exact=True).check()
    reason.fill("答复只说本周，没有具体日期")
    if lang == "zh-CN":
        phone.shot("portal-rate")
    phone.submit(t("rating.submit"))
    assert t("portal.rated") in phone.page.content()
    assert t("rating.given", level=t("level.dissatisfied")) in phone.page.content()
    fits_the_screen(phone)

    with phone.page.expect_navigation():
        phone.page.get_by_role("link", name=t("nav.portal")).first.click()
    phone.check()
    assert "厂区用电容量不足" in phone.page.locator(".case-cards").inner_text()
    if lang == "zh-CN":
        phone.shot("portal")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_bad_review_without_a_reason_is_refused_beside_the_form(
    web_world: WebWorld, chromium: Any, lang: str
) -> None:
    words = Words(lang)
    t = words.t
    app = web_world.app
    filed = app.file_demand(
        case_type="consultation",
        channel="web",
        summary="社保补缴流程",
        filer_name="王芳",
        enterprise_id=app.enterprise("91440300MA5EXAMPLE").id,
        actor=Actor("91440300MA5EXAMPLE", Role.ENTERPRISE),
    )
    handle(web_world, filed.id)
    # Without the page's script (an old phone), the server still asks for the reason.
    phone = open_pages(chromium, web_world.server, PHONE, javascript=False)
    words.sign_in(phone, "example-co")
    phone.goto(f"/portal/cases/{filed.id}")
    phone.page.get_by_label(t("level.very_dissatisfied")).check()
    phone.submit(t("rating.submit"))
    error = phone.page.locator("#rating-error").inner_text()
    assert t("form.not_recorded") in error
    assert t("refusal.bad-review-needs-reason") in error
    assert phone.page.get_by_label(t("level.very_dissatisfied")).is_checked()


def test_an_enterprise_cannot_open_another_enterprises_case(
    web_world: WebWorld, chromium: Any
) -> None:
    app = web_world.app
    other = app.file_demand(
        case_type="help",
        channel="web",
        summary="另一家公司的诉求",
        filer_name="赵六",
        enterprise_id=app.enterprise("91440300MA5OTHER01").id,
        actor=Actor("91440300MA5OTHER01", Role.ENTERPRISE),
    )
    phone = open_pages(chromium, web_world.server, PHONE)
    sign_in(phone, "example-co", PASSWORD)
    response = phone.page.goto(f"{phone.base}/portal/cases/{other.id}")
    assert response is not None
    assert response.status == 404
    phone.check()
    assert "另一家公司的诉求" not in phone.page.content()
    assert "没有这条记录" in phone.page.content()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_enterprise_follows_the_rectification_of_its_bad_review_and_re_rates(
    web_world: WebWorld, chromium: Any, lang: str
) -> None:
    words = Words(lang)
    t = words.t
    app = web_world.app
    filed = app.file_demand(
        case_type="help",
        channel="web",
        summary="厂区用电容量不足",
        filer_name="陈静",
        enterprise_id=app.enterprise("91440300MA5EXAMPLE").id,
        actor=Actor("91440300MA5EXAMPLE", Role.ENTERPRISE),
    )
    handle(web_world, filed.id)
    phone = open_pages(chromium, web_world.server, PHONE)
    words.sign_in(phone, "example-co")
    phone.goto(f"/portal/cases/{filed.id}")
    phone.page.get_by_label(t("level.dissatisfied"), exact=True).check()
    phone.page.get_by_label(t("rating.reason")).fill("答复只说本周，没有具体日期")
    phone.submit(t("rating.submit"))
    assert t("rating.given", level=t("level.dissatisfied")) in phone.page.content()

    # The unit calls back, takes measures and completes the rectification.
    evaluation = Evaluation.id_for(f"case:{filed.id}:{app.case(filed.id).cycle}")
    rectification = Rectification.id_for(evaluation, 1)
    clerk, head = Actor("li.na", Role.WINDOW_STAFF), Actor("wang.qiang", Role.UNIT_HEAD)
    phone.goto(f"/portal/cases/{filed.id}")
    rectifying = phone.page.locator(".rectification").inner_text()
    assert t("portal_rectify.title") in rectifying
    assert t("rectify.stage_awaiting_callback") in rectifying
    assert t("rectify.callback_due") in rectifying
    assert t("rectify.due") in rectifying
    assert t("portal_rectify.no_measures") in rectifying
    assert phone.page.locator("#rerate").count() == 0  # not before its completion

    app.record_rectification_callback(rectification, reached=True, note="已电话沟通", actor=clerk)
    app.record_rectification_measures(rectification, ["明确改造完成日期"], actor=clerk)
    app.complete_rectification(rectification, "rectified", "已书面告知3月20日完工", actor=head)

    phone.goto(f"/portal/cases/{filed.id}")
    fits_the_screen(phone)
    page = phone.page.locator("main").inner_text()
    assert t("rectify.stage_completed") in page
    assert t("portal_rectify.called_back") in page
    assert "明确改造完成日期" in page
    assert f"{t('rectify.outcome_rectified')} · 已书面告知3月20日完工" in page
    assert "已电话沟通" not in page  # the staff's note on the callback is theirs
    assert UUID_TEXT.search(phone.page.locator("body").inner_text()) is None
    if lang == "zh-CN":
        phone.shot("portal-rerate")
    phone.page.get_by_label(t("level.satisfied"), exact=True).check()
    phone.submit(t("rating.submit"))
    assert t("portal_rectify.rerated") in phone.page.content()
    assert t("rating.given", level=t("level.satisfied")) in phone.page.content()
    before = t("portal_rectify.first_rating", level=t("level.dissatisfied"))
    assert before in phone.page.content()
    assert phone.page.locator("#rerate").count() == 0  # re-rated once
    assert app.evaluation(evaluation).rerated_at is not None
    fits_the_screen(phone)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_bad_re_rating_without_a_reason_is_refused_beside_the_form(
    web_world: WebWorld, chromium: Any, lang: str
) -> None:
    words = Words(lang)
    t = words.t
    app = web_world.app
    enterprise = Actor("91440300MA5EXAMPLE", Role.ENTERPRISE)
    filed = app.file_demand(
        case_type="consultation",
        channel="web",
        summary="社保补缴流程",
        filer_name="王芳",
        enterprise_id=app.enterprise("91440300MA5EXAMPLE").id,
        actor=enterprise,
    )
    handle(web_world, filed.id)
    app.rate_case(filed.id, "dissatisfied", actor=enterprise, reason="没有说明材料清单")
    evaluation = Evaluation.id_for(f"case:{filed.id}:{app.case(filed.id).cycle}")
    rectification = Rectification.id_for(evaluation, 1)
    clerk, head = Actor("li.na", Role.WINDOW_STAFF), Actor("wang.qiang", Role.UNIT_HEAD)
    app.record_rectification_callback(rectification, reached=True, note="已沟通", actor=clerk)
    app.complete_rectification(rectification, "explained", "已补发材料清单", actor=head)
    # Without the page's script (an old phone), the server still asks for the reason.
    phone = open_pages(chromium, web_world.server, PHONE, javascript=False)
    words.sign_in(phone, "example-co")
    phone.goto(f"/portal/cases/{filed.id}")
    phone.page.get_by_label(t("level.very_dissatisfied")).check()
    phone.submit(t("rating.submit"))
    error = phone.page.locator("#rerate-error").inner_text()
    assert t("form.not_recorded") in error
    assert t("refusal.bad-review-needs-reason") in error
    assert phone.page.get_by_label(t("level.very_dissatisfied")).is_checked()
    assert app.evaluation(evaluation).rerated_at is None

    # With a reason it is recorded, and a second 差评 opens a second rectification.
    phone.page.get_by_label(t("rating.reason")).fill("清单仍不完整")
    phone.submit(t("rating.submit"))
    assert app.evaluation(evaluation).rerated_at is not None
    second = phone.page.locator(".rectification").nth(1).inner_text()
    assert t("portal_rectify.title_again") in second
    assert t("rectify.stage_awaiting_callback") in second
    assert phone.page.locator("#rerate").count() == 0
