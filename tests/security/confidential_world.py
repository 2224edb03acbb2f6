"""A 举报 against the AMR unit, filed online by an enterprise, taken on at the receiving desk
(the supervision office, ``DCS``, as the shipped policy names it) and routed to HRS to handle.

AMR's staff are the unit reported; HRS's handle the case; ``dcs.clerk`` works at the desk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from uuid import UUID

from fastapi.testclient import TestClient

from api.http.app import create_app
from domain.actors import Role
from domain.directory import Enterprise
from tests.e2e.api_world import PASSWORD, World
from tests.support.app import ADMIN

NAME, CONTACT = "举报人甲乙", "13912345678"
SUMMARY = "窗口人员索要好处费"
CREDIT_CODE, ENTERPRISE_NAME = "91440300MA5EXAMPLE", "深圳示例科技有限公司"
ENTERPRISE_ID = str(Enterprise.id_for(CREDIT_CODE))
SECRETS = (NAME, CONTACT, CREDIT_CODE, ENTERPRISE_NAME, ENTERPRISE_ID)
DESK_CLERK = "dcs.clerk"


@dataclass(frozen=True)
class Report:
    case_id: str
    subject: str


def open_desk(world: World) -> None:
    """The receiving desk the policy names, with one clerk who can sign in."""
    app = world.container.app
    app.register_unit("DCS", "督查室 Supervision Office", actor=ADMIN)
    app.enrol_staff(DESK_CLERK, "督查窗口", Role.WINDOW_STAFF, unit_code="DCS", actor=ADMIN)
    world.container.accounts.add_user(
        DESK_CLERK, Role.WINDOW_STAFF, actor=ADMIN, password=PASSWORD
    )
    world.tokens[DESK_CLERK] = world.container.accounts.issue_token(
        DESK_CLERK, actor=ADMIN
    ).token


def file_report(world: World, *, route_to: str | None = "HRS") -> Report:
    """The enterprise files; the desk takes it on and routes it (unless ``route_to`` is None)."""
    filed = world.step(
        "example-co",
        "/api/v1/cases",
        {
            "case_type": "report",
            "channel": "web",
            "summary": SUMMARY,
            "filer_name": NAME,
            "filer_contact": CONTACT,
            "reported_unit": "AMR",
        },
    )
    case_id = filed["id"]
    if route_to is not None:
        world.step(DESK_CLERK, f"/api/v1/cases/{case_id}/receive")
        world.step(DESK_CLERK, f"/api/v1/cases/{case_id}/dispatch", {"lead_unit": route_to})
    subject = world.container.app.case(UUID(case_id)).filer_subject
    return Report(case_id, str(subject))


def leaked(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


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
