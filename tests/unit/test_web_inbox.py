"""The inbox page: a person's notices in the page's language (no ids, no raw values), marking
them read, and saving how to be reached; a bad address is refused and saves nothing."""

from __future__ import annotations

import re

from api.web.security import LANG_COOKIE
from infra.container import Container
from tests.support.clock import FakeClock
from tests.support.notice_world import red_card, supervision
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
