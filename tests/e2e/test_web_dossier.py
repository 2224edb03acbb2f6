"""A case prints as a dossier, in Chinese and in English: what it is, every step, the clock
proof and the integrity check's result, with nothing of the screen's navigation or forms on
paper; a tampered record says so."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from domain.actors import Actor, Role
from tests.e2e.test_web_world import Pages, WebWorld, chromium, open_pages, web_world
from tests.e2e.web_words import LANGUAGES, Words
from tests.support.text import UUID_TEXT

__all__ = ["chromium", "web_world"]
CLERK = Actor("li.na", Role.WINDOW_STAFF)
HEAD = Actor("wang.qiang", Role.UNIT_HEAD)


def handled_case(world: WebWorld) -> str:
    app = world.app
    filed = app.file_demand(
        case_type="help", channel="window", summary="厂区道路破损，影响货车通行", filer_name="李强",
        actor=CLERK,
    )  # fmt: skip
    app.dispatch(filed.id, "AMR", actor=CLERK)
    app.sign_for(filed.id, actor=HEAD)
    return str(filed.id)


def open_dossier(chromium: Any, world: WebWorld, case_id: str, lang: str = "zh-CN") -> Pages:
    words = Words(lang)
    pages = open_pages(chromium, world.server)
    words.sign_in(pages, "li.na")
    pages.goto(f"/cases/{case_id}")
    with pages.page.expect_navigation():
        pages.page.get_by_role("link", name=words.t("dossier.link")).click()
    pages.check()
    return pages


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_case_prints_as_a_dossier_with_its_steps_proof_and_integrity(
    chromium: Any, web_world: WebWorld, lang: str
) -> None:
    words = Words(lang)
    case_id = handled_case(web_world)
    pages = open_dossier(chromium, web_world, case_id, lang)
    page = pages.page
    assert "厂区道路破损" in page.locator("h1").inner_text()
    steps = page.locator(".timeline li")
    assert steps.count() == 3  # filed, dispatched, signed for
    assert page.locator(".proof").count() == 1
    integrity = page.locator(".integrity").inner_text()
    assert words.raw("dossier.intact").split("{first}")[0].format(versions=3) in integrity
    printed = words.raw("dossier.printed").split("{when}")[1].format(who="李娜 (li.na)")
    assert printed in page.locator(".printed").inner_text()
    assert UUID_TEXT.search(page.locator("body").inner_text()) is None

    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    assert not page.get_by_role("button", name=words.t("dossier.print")).is_visible()
    assert page.locator(".timeline").is_visible()
    assert page.locator(".integrity").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    if lang == "zh-CN":
        pages.shot("case-dossier-print")


def test_a_dossier_of_a_tampered_case_says_which_version_broke(
    chromium: Any, web_world: WebWorld
) -> None:
    case_id = handled_case(web_world)
    database = web_world.container.settings.sqlite_path
    with sqlite3.connect(database) as connection:  # the embedded store keys records by hex
        changed = connection.execute(
            "UPDATE stored_events SET state = CAST(state || x'20' AS BLOB)"
            " WHERE originator_id = ? AND originator_version = 2",
            (case_id.replace("-", ""),),
        ).rowcount
    assert changed == 1
    pages = open_dossier(chromium, web_world, case_id)
    broken = pages.page.locator(".integrity-broken")
    assert broken.is_visible()
    assert "校验未通过：第 2 版被修改" in broken.inner_text()
