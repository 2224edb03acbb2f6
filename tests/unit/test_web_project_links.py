"""A case and a visit linked to a key project: the case page and the visit page name the
project (a link to it), and the project page names the case by its summary and the visit by
its kind, place and day, never by an id, in Chinese and in English."""

from __future__ import annotations

import re
from datetime import timedelta

from api.web.security import LANG_COOKIE
from infra.container import Container
from tests.support.clock import FakeClock
from tests.support.notice_world import planned_project
from tests.support.oversight_world import LEADER, LI
from tests.support.text import UUID_TEXT
from tests.unit.test_web_pages import container, csrf_of, signed_in

__all__ = ["container"]


def visible(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html.split("<main", 1)[1])


def test_a_linked_case_and_visit_name_their_project_and_the_project_names_them(
    container: Container, clock: FakeClock
) -> None:
    app = container.app
    project_id = planned_project(app)
    case_id = app.file_demand(
        case_type="help", channel="window", summary="施工许可材料咨询", actor=LI,
        filer_name="王先生",
    ).id
    visit_id = app.record_visit(
        kind="visit", place="电池厂施工现场", started_at=clock.now - timedelta(hours=3),
        duration=2, actor=LEADER,
    ).id

    leader = signed_in(container, "county-01")
    token = csrf_of(leader.get(f"/projects/{project_id}").text)
    for kind, ref in (("case", case_id), ("visit", visit_id)):
        done = leader.post(f"/projects/{project_id}/link",
                           data={"csrf": token, "kind": kind, "ref": str(ref)},
                           follow_redirects=False)
        assert done.status_code == 303, done.text

    project_page = leader.get(f"/projects/{project_id}").text
    assert f'<a href="/cases/{case_id}">施工许可材料咨询</a>' not in project_page, (
        "a leader has no case page"
    )
    assert "施工许可材料咨询" in visible(project_page)
    assert f'href="/leader/visits/{visit_id}"' in project_page
    assert "走访企业 · 电池厂施工现场" in visible(project_page)
    assert not UUID_TEXT.search(visible(project_page))

    visit_page = leader.get(f"/leader/visits/{visit_id}").text
    assert "关联的重点项目" in visit_page
    assert f'<a href="/projects/{project_id}">新能源电池厂二期扩建</a>' in visit_page

    clerk = signed_in(container, "li.na")
    case_page = clerk.get(f"/cases/{case_id}").text
    assert "关联的重点项目" in case_page
    assert f'<a href="/projects/{project_id}">新能源电池厂二期扩建</a>' in case_page
    assert "推进中" in case_page.split("关联的重点项目", 1)[1].split("</section>")[0]
    back = clerk.get(f"/projects/{project_id}").text
    assert f'<a href="/cases/{case_id}">施工许可材料咨询</a>' in back
    assert not UUID_TEXT.search(visible(back))

    clerk.cookies.set(LANG_COOKIE, "en")
    english = clerk.get(f"/cases/{case_id}").text
    assert "Linked key projects" in english
    assert "Case: " in visible(clerk.get(f"/projects/{project_id}").text)


def test_a_case_linked_to_no_project_shows_no_projects_panel(container: Container) -> None:
    case_id = container.app.file_demand(
        case_type="help", channel="window", summary="一般咨询", actor=LI, filer_name="王先生",
    ).id
    assert "关联的重点项目" not in signed_in(container, "li.na").get(f"/cases/{case_id}").text
