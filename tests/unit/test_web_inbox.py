"""The inbox page: a person's notices in the page's language (no ids, no raw values), marking
them read, and saving how to be reached; a bad address is refused and saves nothing."""

from __future__ import annotations

import re
from datetime import timedelta

from api.web.security import LANG_COOKIE
from domain.actors import SYSTEM
from infra.container import Container
from tests.support.clock import FakeClock
from tests.support.notice_world import blocked_task, red_card, supervision
from tests.support.oversight_world import LEADER
from tests.support.text import UUID_TEXT
from tests.unit.test_web_pages import container, csrf_of, signed_in

__all__ = ["container"]


def visible(html: str) -> str:
    """The text a reader sees: no tags, no attribute values (links and form values hold ids)."""
    return re.sub(r"<[^>]+>", " ", html)


def test_the_inbox_shows_a_red_card_in_words_and_marks_it_read(
    container: Container, clock: FakeClock
) -> None:
    red_card(container.app, clock)
    supervision(container.app)
    client = signed_in(container, "li.na")
    html = client.get("/inbox").text
    assert "红牌：投诉已超期" in html
    listed = visible(html.split("<main", 1)[1]).split("通知方式")[0]  # the page, not the nav
    assert "督办" not in listed, "HRS's order is not li.na's"
    assert not UUID_TEXT.search(visible(html))
    assert "complaint" not in visible(html)
    assert 'href="/inbox"' in html, "the inbox is in the navigation"

    ids = re.findall(r'name="ids" value="([^"]+)"', html)
    assert len(ids) == 3
    done = client.post("/inbox/read", data={"csrf": csrf_of(html), "ids": ids[:1]},
                       follow_redirects=False)
    assert done.status_code == 303
    assert len(re.findall(r'name="ids" value=', client.get("/inbox").text)) == 2

    client.cookies.set(LANG_COOKIE, "en")
    english = client.get("/inbox").text
    assert "Red card: a complaint is overdue" in english


def test_preferences_are_saved_and_a_bad_address_is_refused(container: Container) -> None:
    client = signed_in(container, "zhao.lei")
    token = csrf_of(client.get("/inbox").text)
    saved = client.post("/inbox/preferences", data={
        "csrf": token, "email": "zhao.lei@hrs.example", "phone": "138 0000 0000",
        "channels": ["email"], "kinds": ["supervision", "red"],
    }, follow_redirects=False)
    assert saved.status_code == 303
    prefs = container.inbox().preferences("zhao.lei")
    assert prefs.email == "zhao.lei@hrs.example"
    assert prefs.channels == ("email",)
    assert prefs.kinds == ("red", "supervision")
    refused = client.post("/inbox/preferences", data={"csrf": token, "email": "no at sign"})
    assert refused.status_code == 400
    assert "电子邮箱格式不对" in refused.text
    assert 'value="no at sign"' in refused.text, "the form comes back as typed"
    assert container.inbox().preferences("zhao.lei").email == "zhao.lei@hrs.example"


def test_the_leader_reads_a_blocked_task_and_the_clerk_her_task_warning_in_words(
    container: Container, clock: FakeClock
) -> None:
    project_id = blocked_task(container.app)
    leader = signed_in(container, "county-01")
    html = leader.get("/inbox").text
    assert "项目任务受阻：办理施工许可" in html
    assert "新能源电池厂二期扩建" in html
    assert "规划许可未下达，无法受理" in html
    assert f'href="/projects/{project_id}"' in html, "the notice leads to the project"
    assert not UUID_TEXT.search(visible(html))
    leader.cookies.set(LANG_COOKIE, "en")
    assert "Project task blocked: 办理施工许可" in leader.get("/inbox").text

    container.app.answer_project_blockage(project_id, "T1", "已协调", actor=LEADER)
    clock.now += timedelta(days=30)
    assert container.app.issue_task_alerts(project_id, actor=SYSTEM)
    clerk = visible(signed_in(container, "li.na").get("/inbox").text)
    assert "任务“办理施工许可”" in clerk
    assert not UUID_TEXT.search(clerk)
    assert "task_" not in clerk
