"""Termination (终止办理) through the head's approvals queue, in the browser: the handling clerk
asks for it with a reason on the case page; the request waits in the unit head's approvals
queue beside extensions and returns, and the head approves it there (the case ends, in the
clerk's name) or refuses it (handling goes on). In zh-CN and in English."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from domain.actors import Actor, Role
from domain.case_rules import CaseStatus
from tests.e2e.api_world import PASSWORD
from tests.e2e.test_web_world import Pages, WebWorld, chromium, open_pages, sign_in, web_world
from tests.support.text import UUID_TEXT

__all__ = ["chromium", "web_world"]
CLERK = Actor("li.na", Role.WINDOW_STAFF)

WORDS: dict[str, dict[str, str]] = {
    "zh-CN": {
        "switch": "", "request": "申请终止办理", "reason": "理由", "decide": "审批终止办理",
        "approvals": "待我审批", "go": "去审批", "approve": "同意", "refuse": "不同意",
        "pending": "已有一项终止办理申请等待审批。", "terminated": "已终止",
    },
    "en": {
        "switch": "English", "request": "Ask to end handling", "reason": "Reason",
        "decide": "Decide the termination", "approvals": "Approvals", "go": "Decide",
        "approve": "Approve", "refuse": "Refuse",
        "pending": "A termination request is already waiting for a decision.",
        "terminated": "Terminated",
    },
}  # fmt: skip


def handled_by_the_clerk(web_world: WebWorld) -> UUID:
    """A help request AMR's clerk received, dispatched to AMR and signed for: in progress."""
    app = web_world.app
    filed = app.file_demand(
        case_type="help", channel="window", summary="企业搬迁后原址诉求", filer_name="李强",
        actor=CLERK,
    )  # fmt: skip
    app.dispatch(filed.id, "AMR", actor=CLERK)
    app.sign_for(filed.id, actor=CLERK)
    case_id: UUID = filed.id
    return case_id


def open_step(pages: Pages, step: str) -> Any:
    details = pages.page.locator(f"#step-{step}")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return details


def signed_in(chromium: Any, web_world: WebWorld, login: str, language: str) -> Pages:
    pages = open_pages(chromium, web_world.server)
    sign_in(pages, login, PASSWORD)
    if WORDS[language]["switch"]:
        pages.submit(WORDS[language]["switch"])
    return pages


def ask_to_terminate(chromium: Any, web_world: WebWorld, case_id: UUID, language: str) -> None:
    words = WORDS[language]
    clerk = signed_in(chromium, web_world, "li.na", language)
    clerk.goto(f"/cases/{case_id}")
    form = open_step(clerk, "request_termination")
    form.get_by_label(words["reason"]).fill("企业已注销，诉求无法继续办理")
    clerk.submit(words["request"], within="#step-request_termination")
    steps = clerk.page.locator("#steps").inner_text()
    assert words["request"] not in steps  # one request waits at a time
    assert words["decide"] not in steps  # the head decides, not the clerk
    assert web_world.app.case(case_id).pending_termination_by == "li.na"


def decide_from_the_queue(
    chromium: Any, web_world: WebWorld, language: str, *, approve: bool
) -> Pages:
    words = WORDS[language]
    head = signed_in(chromium, web_world, "wang.qiang", language)
    head.goto("/approvals")
    queue = head.page.locator("table.data").inner_text()
    assert words["decide"] in queue
    assert "企业已注销" in queue
    assert not UUID_TEXT.search(head.page.locator("body").inner_text())
    with head.page.expect_navigation():
        head.page.get_by_role("link", name=words["go"]).click()
    head.check()
    decision = open_step(head, "decide_termination")
    decision.get_by_label(words["approve" if approve else "refuse"], exact=True).check()
    decision.get_by_label(words["reason"]).fill("情况属实" if approve else "企业仍在经营，继续办理")
    head.submit(words["decide"], within="#step-decide_termination")
    return head


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_a_head_approves_a_termination_from_the_approvals_queue(
    web_world: WebWorld, chromium: Any, language: str
) -> None:
    case_id = handled_by_the_clerk(web_world)
    ask_to_terminate(chromium, web_world, case_id, language)
    head = decide_from_the_queue(chromium, web_world, language, approve=True)
    assert WORDS[language]["terminated"] in head.page.locator("main").inner_text()
    case = web_world.app.case(case_id)
    assert case.status is CaseStatus.TERMINATED
    head.goto("/approvals")
    assert "企业已注销" not in head.page.locator("main").inner_text()


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_a_refused_termination_leaves_the_case_in_hand(
    web_world: WebWorld, chromium: Any, language: str
) -> None:
    case_id = handled_by_the_clerk(web_world)
    ask_to_terminate(chromium, web_world, case_id, language)
    decide_from_the_queue(chromium, web_world, language, approve=False)
    case = web_world.app.case(case_id)
    assert case.status is CaseStatus.IN_PROGRESS
    assert case.pending_termination_by is None
    # The clerk may ask again; asking twice while one waits is refused by the rules.
    web_world.app.request_termination(case_id, "企业已注销", actor=CLERK)
    clerk = signed_in(chromium, web_world, "li.na", language)
    clerk.goto(f"/cases/{case_id}")
    assert clerk.page.locator("#step-request_termination").count() == 0
