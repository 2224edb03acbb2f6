"""The inspector's matters a numbered page at a time, the latest opened first: the page after
the last full one holds the oldest, and a page past the end shows the last."""

from __future__ import annotations

import re
from datetime import timedelta

from api.web.routes.merit import MATTERS
from api.web.security import LANG_COOKIE
from infra.container import Container
from tests.support.clock import FakeClock
from tests.support.oversight_world import ZHOU
from tests.support.text import UUID_TEXT
from tests.unit.test_web_pages import container, signed_in

__all__ = ["container"]
ROW = re.compile(r'<a href="/matters/([0-9a-f-]{36})">')


def test_the_matters_come_a_page_at_a_time_the_latest_first(
    container: Container, clock: FakeClock
) -> None:
    opened = []
    for n in range(MATTERS + 1):
        opened.append(container.app.open_accountability_matter(
            subject_kind="staff", subject="li.na", allegation=f"第{n + 1}件举报",
            source="12345 热线", actor=ZHOU,
        ).id)
        clock.now += timedelta(minutes=1)
    inspector = signed_in(container, "zhou.min")
    first = inspector.get("/matters").text
    assert ROW.findall(first) == [str(i) for i in reversed(opened[1:])]
    assert 'href="/matters?page=2"' in first
    assert "第 1 / 2 页" in first
    assert "下一页" in first
    second = inspector.get("/matters?page=2").text
    assert ROW.findall(second) == [str(opened[0])]
    assert 'href="/matters?page=1"' in second
    assert 'href="/matters?page=3"' not in second
    assert ROW.findall(inspector.get("/matters?page=9").text) == [str(opened[0])]
    assert not UUID_TEXT.search(re.sub(r"<[^>]+>", " ", second))
    inspector.cookies.set(LANG_COOKIE, "en")
    assert "Page 1 of 2" in inspector.get("/matters").text


def test_a_short_list_has_no_pager(container: Container) -> None:
    container.app.open_accountability_matter(
        subject_kind="staff", subject="li.na", allegation="举报", source="来信", actor=ZHOU,
    )
    page = signed_in(container, "zhou.min").get("/matters").text
    assert len(ROW.findall(page)) == 1
    assert "/matters?page=" not in page
