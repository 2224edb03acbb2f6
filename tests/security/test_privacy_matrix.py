"""Every role against every route, page, view, figure and stream message: a reporter's identity,
the enterprise included, reaches only inspectors and supervisors, through the one route that
records the read.

A 举报 against AMR is filed online by an enterprise, taken on at the receiving desk and routed
to HRS (``confidential_world``). Its filer's name, contact, enterprise id, credit code and
enterprise name are then looked for in every JSON and XML answer of the API, every web page a
role can open (dashboards and their drill-downs included), and the public form of every event
in the log. The enterprise role is played by another enterprise: the filer knows itself.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import pytest

from domain.actors import Role
from domain.privacy import DataSubject
from infra.kafka.public import publication_of
from projections.registry import all_projections
from tests.e2e.api_world import BY_ROLE, World, world
from tests.security.confidential_world import (
    CONTACT,
    CREDIT_CODE,
    DESK_CLERK,
    NAME,
    SUMMARY,
    Report,
    file_report,
    leaked,
    open_desk,
    web_session,
)

__all__ = ["world"]
DASHBOARDS = ("board", "reviews", "lists", "coverage", "ranking")
READERS = {Role.INSPECTOR, Role.SUPERVISOR}
# Who sees the case itself (never its filer): the desk, the unit it was routed to, and roles
# that see every case.
SEES_CASE = {"zhao.lei", "sun.li", DESK_CLERK, "chen.jie", "zhou.min", "root"}
LOGINS = {**{r: login for r, login in BY_ROLE.items()}, Role.ENTERPRISE: "other-co"}
WHO = [*LOGINS.values(), "zhao.lei", "sun.li", DESK_CLERK]


def api_paths(report: Report) -> list[str]:
    views = [f"/api/v1/views/{p.name}/{t.name}" for p in all_projections() for t in p.tables]
    case = f"/api/v1/cases/{report.case_id}"
    return [
        case,
        f"{case}/history",
        f"{case}/as-of?version=1",
        f"{case}/deadline",
        f"{case}/diff?from=1&to=2",
        f"/api/v1/records/{report.case_id}/history",
        f"/api/v1/records/{report.subject}/history",
        f"/api/v1/data-subjects/{report.subject}/reads",
        "/api/v1/cases",
        f"/api/v1/cases?enterprise={CREDIT_CODE}",
        "/api/v1/cases?sort=-updated_at&limit=200",
        *views,
        *[f"{v}?where=enterprise_id=" for v in views if v.endswith("/cases/cases")],
        "/api/v1/inbox",
        "/open311/v2/requests.json",
        "/open311/v2/requests.xml",
        f"/open311/v2/requests/{report.case_id}.json",
        f"/open311/v2/requests/{report.case_id}.xml",
    ]


def pages(report: Report) -> list[str]:
    return [
        "/desk",
        f"/cases/{report.case_id}",
        f"/cases/{report.case_id}/dossier",
        "/inbox",
        "/inspect",
        f"/inspect/cases/{report.case_id}",
        f"/inspect/cases/{report.case_id}?version=1",
        f"/portal/cases/{report.case_id}",
        "/portal",
        "/dashboards/board",
        "/dashboards/reviews",
        "/dashboards/lists",
        "/dashboards/coverage",
        "/dashboards/ranking",
        *[f"/dashboards/{name}.csv" for name in DASHBOARDS],
    ]


def _shown(world: World, login: str, report: Report) -> dict[str, str]:
    """Every answer and page ``login`` gets, by path."""
    seen = {}
    for path in api_paths(report):
        answer = world.client.get(path, headers=world.auth(login))
        assert answer.status_code < 500, f"{path}: {answer.text}"
        seen[path] = answer.text
    browser = web_session(world, login)
    for page in pages(report):
        shown = browser.get(page)
        assert shown.status_code < 500, f"{page}: {shown.text[:200]}"
        seen["web " + page] = shown.text if shown.status_code == 200 else ""
    return seen


@pytest.mark.parametrize("login", WHO)
def test_no_route_page_view_or_figure_shows_the_filer(world: World, login: str) -> None:
    open_desk(world)
    # What each answer shows of these values before the report exists (an enterprise's name
    # may be on a page for its own reasons) is the baseline; the report must add nothing.
    before = {p: leaked(t) for p, t in _shown(world, login, Report("0" * 32, "0" * 32)).items()}
    report = file_report(world)
    after = _shown(world, login, report)
    for path, text in after.items():
        baseline = before.get(path.replace(report.case_id, "0" * 32), [])
        assert set(leaked(text)) <= set(baseline), f"{login} sees {leaked(text)} at {path}"
    opened = sum(SUMMARY in t for p, t in after.items() if p.startswith("web /cases/"))
    # The case page and its dossier, for whoever sees the case.
    listed = SUMMARY in after["/api/v1/cases"]
    assert (opened == 2 and listed) == (login in SEES_CASE), "the check above is not vacuous"


@pytest.mark.parametrize("login", WHO)
def test_only_inspectors_and_supervisors_open_the_identity_and_each_read_is_kept(
    world: World, login: str
) -> None:
    open_desk(world)
    report = file_report(world)
    role = next((r for r, who in LOGINS.items() if who == login), Role.WINDOW_STAFF)
    reads_before = _reads(world, report.subject)
    opened = world.get(login, f"/api/v1/cases/{report.case_id}/filer", purpose="核查举报线索")
    if role in READERS:
        assert opened.status_code == 200, opened.text
        found = opened.json()
        assert (found["name"], found["contact"]) == (NAME, CONTACT)
        assert found["enterprise_credit_code"] == CREDIT_CODE
        assert _reads(world, report.subject) == [*reads_before, (login, role.value, "核查举报线索")]
    else:
        assert opened.status_code in (403, 404), opened.text
        assert not leaked(opened.text)
        assert _reads(world, report.subject) == reads_before


def test_no_stream_message_carries_the_filer(world: World) -> None:
    open_desk(world)
    report = file_report(world)
    world.get("zhou.min", f"/api/v1/cases/{report.case_id}/filer", purpose="核查举报线索")
    app = world.container.app
    published = 0
    for notification in app.recorder.select_notifications(1, 100_000):
        event = app.mapper.to_domain_event(notification)
        publication = publication_of(event)
        if publication is not None and str(event.originator_id) == report.case_id:
            published += 1
            assert not leaked(json.dumps(publication.data(event), ensure_ascii=False))
    assert published >= 3


def _reads(world: World, subject: str) -> list[tuple[Any, ...]]:
    history = world.container.app.history(UUID(subject))
    return [
        (e.actor_id, e.actor_role, e.purpose)
        for e in history
        if isinstance(e, DataSubject.Revealed)
    ]


def test_nobody_signed_out_reads_the_case_or_its_filer(world: World) -> None:
    """Open311 lets anyone read requests without a key; a confidential one is never among them."""
    open_desk(world)
    report = file_report(world)
    for path in (
        "/open311/v2/requests.json",
        "/open311/v2/requests.xml",
        f"/open311/v2/requests/{report.case_id}.json",
        f"/open311/v2/requests/{report.case_id}.xml",
        f"/api/v1/cases/{report.case_id}",
        f"/cases/{report.case_id}",
    ):
        answer = world.client.get(path)
        assert answer.status_code < 500, f"{path}: {answer.text}"
        if path.startswith("/open311/v2/requests."):  # (a refusal quotes the path it refused)
            assert report.case_id not in answer.text, path
        elif path.startswith("/api/"):
            assert answer.status_code == 401, path
        else:  # the page sends a signed-out browser to the sign-in form
            assert SUMMARY not in answer.text, path
        assert not leaked(answer.text), path
