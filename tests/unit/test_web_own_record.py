"""The own-record page for a cleared unit: its head finds the clearing and asks for it to be
published; a clerk of the unit sees only their own record, and asking for a clearing that is
not theirs is refused in words."""

from __future__ import annotations

import re

from infra.container import Container
from tests.support.oversight_world import ZHOU
from tests.support.text import UUID_TEXT
from tests.unit.test_web_pages import container, csrf_of, signed_in

__all__ = ["container"]


def visible(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html.split("<main", 1)[1])


def test_the_head_of_a_cleared_unit_asks_for_the_circular_and_a_clerk_cannot(
    container: Container,
) -> None:
    app = container.app
    matter = app.open_accountability_matter(
        subject_kind="unit", subject="HRS", allegation="举报社保窗口集体推诿",
        source="来信", actor=ZHOU,
    ).id
    app.record_accountability_findings(matter, "查阅流水，未发现推诿", actor=ZHOU)
    app.clear_accountability_subject(matter, "经查举报失实，予以澄清", actor=ZHOU)

    clerk = signed_in(container, "zhao.lei")
    mine = clerk.get("/my-record").text
    assert "没有关于您的澄清正名" in mine
    refused = clerk.post(f"/my-record/clearings/{matter}",
                         data={"csrf": csrf_of(mine), "text": "替单位申请"})
    assert refused.status_code == 422
    assert "flash-error" in refused.text
    assert not UUID_TEXT.search(visible(refused.text))
    assert app.accountability_matter(matter).state()["circular_request"] is None

    head = signed_in(container, "sun.li")
    page = head.get("/my-record").text
    shown = visible(page)
    assert "举报社保窗口集体推诿" in shown
    assert f"关于{app.unit('HRS').name}" in shown
    assert not UUID_TEXT.search(shown)
    done = head.post(f"/my-record/clearings/{matter}",
                     data={"csrf": csrf_of(page), "text": "本单位申请公开澄清"},
                     follow_redirects=False)
    assert done.status_code == 303
    assert app.accountability_matter(matter).state()["circular_request"] == "本单位申请公开澄清"
    after = visible(head.get(done.headers["location"]).text)
    assert "公开澄清的申请已提交" in after
    assert "本单位申请公开澄清" in after
