"""Key projects in the browser, in Chinese and in English: the supervision office opens a
project naming its leader (a refusal is explained beside the form); the leader sets the task
force and the plan; the responsible clerk reports progress and reports the task blocked; the
leader finds the escalation on their page and answers it; the clerk completes the task; the
leader closes the project (achieved is refused while a task is unfinished); the office sees it
on the board. No page shows an id or a raw value."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from api.web.i18n import catalogue
from tests.e2e.api_world import PASSWORD
from tests.e2e.test_web_world import Pages, WebWorld, chromium, open_pages, sign_in, web_world
from tests.support.text import UUID_TEXT

__all__ = ["chromium", "web_world"]
RAW = ("under_way", "in_progress", "enterprise_problem", "partly_achieved", "county-01")


def signed_in(chromium: Any, world: WebWorld, login: str, lang: str) -> Pages:
    pages = open_pages(chromium, world.server)
    sign_in(pages, login, PASSWORD)
    if lang == "en":
        pages.submit("English")
    return pages


def clean(pages: Pages) -> str:
    text = str(pages.page.locator("main").inner_text())
    assert UUID_TEXT.search(text) is None, f"{pages.page.url} shows an id"
    for raw in RAW:
        assert raw not in text, f"{pages.page.url} shows {raw}"
    return text


def follow(pages: Pages, name: str) -> None:
    with pages.page.expect_navigation():
        pages.page.get_by_role("link", name=name).first.click()
    pages.check()


def words(lang: str) -> tuple[dict[str, str], Mapping[str, str]]:
    """The project pages' words, and every message, in ``lang``."""
    messages = catalogue(lang)
    t = {k.removeprefix("project."): v for k, v in messages.items() if k.startswith("project.")}
    return t, messages


def run_a_project(chromium: Any, world: WebWorld, lang: str) -> None:
    title = f"电池厂二期扩建（{lang}）"
    office = open_the_project(chromium, world, lang, title)
    leader, clerk = plan_and_work(chromium, world, lang, title)
    answer_and_close(world, leader, clerk, lang, title)
    t, label = words(lang)
    office.goto("/projects")
    board = clean(office)
    assert t["board"] in board
    assert title in board
    assert label["project_state.closed"] in board
    if lang == "zh-CN":
        office.shot("projects-board")


def open_the_project(chromium: Any, world: WebWorld, lang: str, title: str) -> Pages:
    t, label = words(lang)
    office = signed_in(chromium, world, "chen.jie", lang)
    office.goto("/projects")
    follow(office, t["new"])
    form = office.page
    form.get_by_label(t["name"]).fill(title)
    form.get_by_label(t["kind"]).select_option("enterprise_problem")
    form.get_by_label(t["leader"]).select_option("county-01")
    form.get_by_label(t["targets"]).fill("年底前取得施工许可\n明年二季度投产")
    office.submit(t["open"])
    assert label["refusal.project.needs-enterprise"] in form.locator(".flash-error").inner_text()
    assert form.get_by_label(t["name"]).input_value() == title  # what was typed is kept
    form.get_by_label(t["kind"]).select_option("construction")
    office.submit(t["open"])
    assert t["done_opened"] in form.content()
    assert label["project_state.planning"] in form.locator(".badges").inner_text()
    clean(office)
    return office


def plan_and_work(
    chromium: Any, world: WebWorld, lang: str, title: str
) -> tuple[Pages, Pages]:
    t, _ = words(lang)
    leader = signed_in(chromium, world, "county-01", lang)
    leader.goto("/projects")
    follow(leader, title)
    page = leader.page
    page.get_by_label(t["members"]).fill("li.na zhao.lei")
    leader.submit(t["save_task_force"])
    assert t["done_task_force"] in page.content()
    add = page.locator("#add-task")
    add.get_by_label(t["task"], exact=True).fill("办理施工许可")
    add.get_by_label(t["responsible"]).select_option("li.na")
    add.get_by_label(t["working_days"]).fill("3")
    add.get_by_label(t["standard"]).fill("并联审批，一次告知")
    leader.submit(t["add_task"], within="#add-task")
    add.get_by_label(t["task"], exact=True).fill("社保登记")
    add.get_by_label(t["responsible"]).select_option("zhao.lei")
    add.get_by_label(t["working_days"]).fill("5")
    add.get_by_label(t["standard"]).fill("一次办好")
    leader.submit(t["add_task"], within="#add-task")
    plan = page.locator("table.project-tasks").inner_text()
    assert "办理施工许可" in plan
    assert "社保登记" in plan
    assert "李娜" in plan
    assert "赵磊" in plan
    clean(leader)

    clerk = signed_in(chromium, world, "li.na", lang)
    clerk.goto("/projects")
    assert "办理施工许可" in clean(clerk)
    follow(clerk, title)
    work = clerk.page.locator("#work-T1")
    work.get_by_label(t["progress_note"]).fill("材料已收齐")
    work.get_by_label(t["percent"]).fill("40")
    clerk.submit(t["report_progress"], within="#work-T1")
    assert t["done_progress"] in clerk.page.content()
    world.clock.now += timedelta(minutes=20)
    work.get_by_label(t["block_reason"]).fill("规划许可未下达，无法受理")
    clerk.submit(t["block"], within="#work-T1")
    assert t["done_block"] in clerk.page.content()
    assert t["waiting_for_leader"] in clerk.page.locator("#work-T1").inner_text()
    clean(clerk)
    return leader, clerk


def answer_and_close(world: WebWorld, leader: Pages, clerk: Pages, lang: str, title: str) -> None:
    t, label = words(lang)
    leader.goto("/projects")
    waiting = leader.page.locator("section", has=leader.page.locator("#esc-h"))
    assert "办理施工许可" in waiting.inner_text()
    clean(leader)
    follow(leader, title)
    answer = leader.page.locator("#answer-T1")
    assert "规划许可未下达" in answer.inner_text()
    world.clock.now += timedelta(minutes=20)
    answer.get_by_label(t["decision"]).fill("已协调规划局三日内下达")
    leader.submit(t["answer"], within="#answer-T1")
    assert t["done_answer"] in leader.page.content()

    world.clock.now += timedelta(minutes=20)
    clerk.goto(urlsplit(clerk.page.url).path)
    clerk.page.locator("#work-T1").get_by_label(t["what_was_done"]).fill("许可已发放")
    clerk.submit(t["complete"], within="#work-T1")
    assert t["done_complete"] in clerk.page.content()

    leader.goto(urlsplit(leader.page.url).path)
    close = leader.page.locator("#close")
    close.get_by_label(t["outcome"]).select_option("achieved")
    close.get_by_label(t["summary"]).fill("全部完成")
    leader.submit(t["close"], within="#close")
    refused = leader.page.locator("#close .flash-error").inner_text()
    assert label["refusal.project.achieved-needs-tasks-done"].split("（")[0][:6] in refused
    close.get_by_label(t["outcome"]).select_option("partly_achieved")
    close.get_by_label(t["summary"]).fill("施工许可已发，社保登记转入下一批")
    leader.submit(t["close"], within="#close")
    assert label["project_state.closed"] in leader.page.locator(".badges").inner_text()
    assert label["project_outcome.partly_achieved"] in clean(leader)
    if lang == "zh-CN":
        leader.shot("project")


def test_the_project_journey_in_chinese(chromium: Any, web_world: WebWorld) -> None:
    run_a_project(chromium, web_world, "zh-CN")


def test_the_project_journey_in_english(chromium: Any, web_world: WebWorld) -> None:
    run_a_project(chromium, web_world, "en")
