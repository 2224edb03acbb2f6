"""Every role against every route, page and stream message: a reporter's identity reaches only
inspectors and supervisors, through the one route that records the read.

A 举报 is filed against the AMR unit and dispatched to it (the unit reported). Its filer's name
and contact are then looked for in every JSON and XML answer of the API, every web page a role
can open, and the public form of every event in the log.
"""

from __future__ import annotations

import json
import re
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from api.http import create_app
from domain.actors import Role
from domain.privacy import DataSubject
from infra.kafka.public import publication_of
from projections.registry import all_projections
from tests.e2e.api_world import BY_ROLE, PASSWORD, World, world

__all__ = ["world"]
NAME, CONTACT = "举报人甲乙", "13912345678"
SUMMARY = "窗口人员索要好处费"
READERS = {Role.INSPECTOR, Role.SUPERVISOR}
CASE_WORKERS = {Role.WINDOW_STAFF, Role.UNIT_HEAD, Role.SUPERVISOR, Role.INSPECTOR, Role.ADMIN}


def filed_report(world: World) -> tuple[str, str]:
    filed = world.step(
        "li.na",
        "/api/v1/cases",
        {
            "case_type": "report",
            "channel": "hotline_12345",
            "summary": "窗口人员索要好处费",
            "filer_name": NAME,
            "filer_contact": CONTACT,
        },
    )
    world.step("li.na", f"/api/v1/cases/{filed['id']}/dispatch", {"lead_unit": "AMR"})
    subject = world.container.app.case(UUID(filed["id"])).filer_subject
    return filed["id"], str(subject)


def api_paths(case_id: str, subject: str) -> list[str]:
    views = [f"/api/v1/views/{p.name}/{t.name}" for p in all_projections() for t in p.tables]
    case = f"/api/v1/cases/{case_id}"
    return [
        case,
        f"{case}/history",
        f"{case}/as-of?version=1",
        f"{case}/deadline",
        f"{case}/diff?from=1&to=2",
        f"/api/v1/records/{case_id}/history",
        f"/api/v1/records/{subject}/history",
        "/api/v1/cases",
        *views,
        "/open311/v2/requests.json",
        "/open311/v2/requests.xml",
        f"/open311/v2/requests/{case_id}.json",
        f"/open311/v2/requests/{case_id}.xml",
    ]


def pages(case_id: str) -> list[str]:
    return [
        "/desk",
        f"/cases/{case_id}",
        "/inspect",
        f"/inspect/cases/{case_id}",
        f"/inspect/cases/{case_id}?version=1",
        f"/portal/cases/{case_id}",
        "/portal",
    ]


def web_session(world: World, login: str) -> TestClient:
    client = TestClient(create_app(world.container), raise_server_exceptions=False)
    form = client.get("/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form)
    assert csrf is not None
    done = client.post(
        "/login",
        data={"login": login, "password": PASSWORD, "csrf": csrf.group(1)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    return client


def leaks(text: str) -> bool:
    return NAME in text or CONTACT in text


@pytest.mark.parametrize("role", list(BY_ROLE), ids=lambda r: r.value)
def test_no_route_or_page_shows_the_identity_except_the_recorded_read(
    world: World, role: Role
) -> None:
    case_id, subject = filed_report(world)
    login = BY_ROLE[role]
    for path in api_paths(case_id, subject):
        answer = world.client.get(path, headers=world.auth(login))
        assert answer.status_code < 500, f"{path}: {answer.text}"
        assert not leaks(answer.text), f"{role} sees the reporter at {path}"
    browser = web_session(world, login)
    opened_pages = 0
    for page in pages(case_id):
        shown = browser.get(page)
        assert shown.status_code < 500, f"{page}: {shown.text[:200]}"
        assert not leaks(shown.text), f"{role} sees the reporter on {page}"
        opened_pages += shown.status_code == 200 and SUMMARY in shown.text
    if role in CASE_WORKERS:  # the check above is not vacuous: these roles see the case
        assert opened_pages >= 3
    reads_before = _reads(world, subject)
    opened = world.get(login, f"/api/v1/cases/{case_id}/filer", purpose="核查举报线索")
    if role in READERS:
        assert opened.status_code == 200, opened.text
        assert (opened.json()["name"], opened.json()["contact"]) == (NAME, CONTACT)
        assert _reads(world, subject) == [*reads_before, (login, role.value, "核查举报线索")]
    else:
        assert opened.status_code in (403, 404), opened.text
        assert not leaks(opened.text)
        assert _reads(world, subject) == reads_before


def test_no_stream_message_carries_the_identity(world: World) -> None:
    filed_report(world)
    app = world.container.app
    for notification in app.recorder.select_notifications(1, 100_000):
        event = app.mapper.to_domain_event(notification)
        publication = publication_of(event)
        if publication is not None:
            assert not leaks(json.dumps(publication.data(event), ensure_ascii=False))


def _reads(world: World, subject: str) -> list[tuple[Any, ...]]:
    history = world.container.app.history(UUID(subject))
    return [
        (e.actor_id, e.actor_role, e.purpose)
        for e in history
        if isinstance(e, DataSubject.Revealed)
    ]
