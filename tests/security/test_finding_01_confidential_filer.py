"""Finding 1: a 举报 told the reported unit who filed it.

An enterprise filed a confidential report against a unit; the unit's clerk read the case and saw
``confidential: true`` with the filer's ``enterprise_id``, the case page printed the company
name, and API consumers and leaders got the enterprise of confidential cases from the case list
and the case view. (Every route, page and message: ``test_privacy_matrix``.)
"""

from __future__ import annotations

import re
from pathlib import Path
from uuid import UUID

import pytest

from domain.actors import Actor, Role
from domain.case import Case, Intake
from tests.e2e.api_world import World, open_world, settings_for, world
from tests.security.confidential_world import (
    CREDIT_CODE,
    DESK_CLERK,
    ENTERPRISE_ID,
    ENTERPRISE_NAME,
    file_report,
    leaked,
    open_desk,
    web_session,
)
from tests.support.clock import FakeClock

__all__ = ["world"]


def test_the_reported_unit_never_sees_the_case_nor_its_filer(world: World) -> None:
    open_desk(world)
    report = file_report(world, route_to=None)
    for login in ("li.na", "wang.qiang"):  # the unit reported (AMR), before and after routing
        answer = world.get(login, f"/api/v1/cases/{report.case_id}")
        assert answer.status_code == 404, answer.text
        assert report.case_id not in world.get(login, "/api/v1/cases").text
        page = web_session(world, login).get(f"/cases/{report.case_id}")
        assert page.status_code == 404
        assert not leaked(page.text)


def test_case_lists_and_views_give_nobody_the_enterprise(world: World) -> None:
    open_desk(world)
    report = file_report(world)
    for login in ("data-platform", "county-01", "chen.jie", "zhou.min", "root"):
        case = f"/api/v1/cases/{report.case_id}"
        for path in ("/api/v1/cases", "/api/v1/views/cases/cases", case):
            answer = world.get(login, path)
            assert answer.status_code == 200, answer.text
            assert ENTERPRISE_ID not in answer.text, f"{login} gets the enterprise at {path}"
        mine = world.get(login, "/api/v1/cases", enterprise=CREDIT_CODE).json()["items"]
        assert report.case_id not in {row["id"] for row in mine}, "found by its enterprise"
    page = web_session(world, "zhao.lei").get(f"/cases/{report.case_id}")  # the handling unit
    assert page.status_code == 200
    assert ENTERPRISE_NAME not in page.text


def test_confidential_cases_wait_at_the_desk_not_in_the_intake_queue(world: World) -> None:
    open_desk(world)
    report = file_report(world, route_to=None)
    queue = world.get("zhao.lei", "/api/v1/cases", status="received").json()["items"]
    assert report.case_id not in {row["id"] for row in queue}
    at_desk = world.get(DESK_CLERK, "/api/v1/cases", status="received").json()["items"]
    assert report.case_id in {row["id"] for row in at_desk}


def test_a_clerk_outside_the_desk_does_not_become_its_first_asker(world: World) -> None:
    open_desk(world)
    filed = world.step(
        "li.na",  # AMR takes the call about AMR
        "/api/v1/cases",
        {"case_type": "report", "channel": "hotline_12345", "summary": "索要好处费",
         "filer_name": "某人", "filer_contact": "13900000000"},
    )
    case = world.container.app.case(UUID(filed["id"]))
    assert case.owner is None
    assert case.first_asker is None
    assert world.get("li.na", f"/api/v1/cases/{filed['id']}").status_code == 404
    assert world.post(DESK_CLERK, f"/api/v1/cases/{filed['id']}/receive").status_code == 200
    assert world.container.app.case(case.id).first_asker == DESK_CLERK


def test_only_the_desk_takes_a_confidential_case_on_and_keeps_it_there(world: World) -> None:
    open_desk(world)
    report = file_report(world, route_to=None)
    world.step(DESK_CLERK, f"/api/v1/cases/{report.case_id}/receive")
    handed = world.post(
        DESK_CLERK,
        f"/api/v1/cases/{report.case_id}/hand-over",
        {"to": "li.na", "reason": "归口"},
    )
    assert handed.status_code == 403, handed.text
    assert handed.json()["code"] == "confidential-hand-over-outside"


def test_a_report_is_never_routed_to_the_unit_it_names(world: World) -> None:
    open_desk(world)
    report = file_report(world, route_to=None)
    world.step(DESK_CLERK, f"/api/v1/cases/{report.case_id}/receive")
    for body in ({"lead_unit": "AMR"}, {"lead_unit": "HRS", "co_units": ["AMR"]}):
        routed = world.post(DESK_CLERK, f"/api/v1/cases/{report.case_id}/dispatch", body)
        assert routed.status_code == 403, routed.text
        assert routed.json()["code"] == "confidential-to-reported-unit"
    world.step(DESK_CLERK, f"/api/v1/cases/{report.case_id}/dispatch", {"lead_unit": "HRS"})


def test_a_report_stored_before_the_desk_routes_to_the_desk_on_replay(world: World) -> None:
    """Stored the old way: the AMR clerk who took the call owns it and is its first asker."""
    open_desk(world)
    app = world.container.app
    intake = Intake(
        case_type="report", channel="hotline_12345", summary="索要好处费", real_name=False
    )
    clerk = Actor("li.na", Role.WINDOW_STAFF)
    old = Case.file(intake, actor=clerk, at=app.now(), time=app.timekeeping(), at_desk=True)
    app.commit(old)
    assert app.case(old.id).first_asker == "li.na"
    case_id = str(old.id)
    assert world.get("li.na", f"/api/v1/cases/{case_id}").status_code == 404
    assert case_id not in world.get("li.na", "/api/v1/cases").text
    assert case_id in world.get(DESK_CLERK, "/api/v1/cases").text
    world.step(DESK_CLERK, f"/api/v1/cases/{case_id}/dispatch", {"lead_unit": "HRS"})
    assert world.get("zhao.lei", f"/api/v1/cases/{case_id}").status_code == 200


def test_on_the_web_a_clerk_recording_a_report_sends_it_to_the_desk(world: World) -> None:
    open_desk(world)
    browser = web_session(world, "li.na")
    form = browser.get("/desk/new").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form)
    assert csrf is not None
    assert 'name="reported_unit"' in form
    filed = browser.post(
        "/desk/new",
        data={"csrf": csrf.group(1), "case_type": "report", "channel": "hotline_12345",
              "summary": "窗口索要好处费", "filer_name": "某人", "real_name": "yes",
              "reported_unit": "AMR"},
        follow_redirects=False,
    )
    assert filed.status_code == 303
    assert filed.headers["location"].endswith("sent-to-desk")
    queue = world.get(DESK_CLERK, "/api/v1/cases", status="received").json()["items"]
    [case_id] = [row["id"] for row in queue]
    assert world.container.app.case(UUID(case_id)).reported_unit_id is not None
    assert "窗口索要好处费" not in browser.get("/desk").text


@pytest.mark.postgres
def test_on_postgresql_the_store_s_filters_leave_the_filer_out_too(
    tmp_path: Path, clock: FakeClock, fresh_postgres_url: str
) -> None:
    """The case list pages and filters in SQL on PostgreSQL: the same rule holds there."""
    opened = open_world(settings_for(tmp_path / "home", "postgres", fresh_postgres_url), clock)
    try:
        open_desk(opened)
        report = file_report(opened)
        for login in ("data-platform", "chen.jie"):
            mine = opened.get(login, "/api/v1/cases", enterprise=CREDIT_CODE, min_position=0)
            assert mine.status_code == 200, mine.text
            assert report.case_id not in {row["id"] for row in mine.json()["items"]}
            every = opened.get(login, "/api/v1/cases").json()["items"]
            [row] = [r for r in every if r["id"] == report.case_id]
            assert row["enterprise_id"] is None
            view = opened.get(login, "/api/v1/views/cases/cases").text
            assert report.case_id in view
            assert ENTERPRISE_ID not in view
    finally:
        opened.container.close()


def test_a_report_opened_from_a_visit_is_not_tied_back_to_the_visit(world: World) -> None:
    """A leader's visit finding opened a 举报: the visit names the enterprise, so the tie from
    the visit (its record, its findings' rows) to the case is left out of every read."""
    visit = world.step(
        "county-01",
        "/api/v1/visits",
        {"kind": "visit", "place": "某公司", "started_at": world.clock.now.isoformat(),
         "duration": 1, "enterprise": CREDIT_CODE, "findings": ["反映窗口人员索要好处费"]},
    )
    opened = world.step(
        "county-01", f"/api/v1/visits/{visit['id']}/findings/1/case", {"case_type": "report"}
    )
    for login in ("county-01", "chen.jie", "zhou.min", "data-platform"):
        rows = world.get(
            login, "/api/v1/views/engagement/visit_findings", min_position=opened["position"]
        )
        assert "反映窗口人员索要好处费" in rows.text, login
        assert opened["id"] not in rows.text, login
        case = world.get(login, f"/api/v1/cases/{opened['id']}").text
        assert visit["id"] not in case, login
        assert ENTERPRISE_ID not in case, login
    for login in ("county-01", "chen.jie", "zhou.min"):
        assert opened["id"] not in world.get(login, f"/api/v1/visits/{visit['id']}").text


def test_the_place_of_a_confidential_request_is_not_read_back(world: World) -> None:
    """A report filed over Open311 with the filer's own address: no ordinary read shows it."""
    open_desk(world)
    place = "深圳市南山区举报人公司所在路1号"
    created = world.client.post(
        "/open311/v2/requests.json",
        data={"api_key": world.tokens["example-co"], "service_code": "report",
              "description": "窗口索要好处费", "address_string": place, "lat": "22.5",
              "long": "113.9", "attribute[confidential]": "true"},
    )
    assert created.status_code == 201, created.text
    case_id = created.json()[0]["service_request_id"]
    paths = [f"/api/v1/cases/{case_id}", f"/api/v1/cases/{case_id}/history",
             f"/api/v1/records/{case_id}/history", "/api/v1/views/cases/cases",
             "/api/v1/cases", "/open311/v2/requests.json"]
    for login in ("chen.jie", "zhou.min", "root", DESK_CLERK, "data-platform"):
        for path in paths:
            answer = world.get(login, path)
            assert answer.status_code < 500, answer.text
            assert place not in answer.text, f"{login} reads the place at {path}"
    for login in ("chen.jie", DESK_CLERK):
        page = web_session(world, login).get(f"/cases/{case_id}")
        assert page.status_code == 200
        assert place not in page.text
