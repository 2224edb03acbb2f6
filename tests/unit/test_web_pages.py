"""The web pages over HTTP, in memory: sessions and CSRF, who may open which page, failures shown
as pages (never JSON, never a trace), the language switch, and the API's document untouched."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from domain.actors import Actor, Role
from infra.container import Container, build_container
from infra.settings import Settings, shipped_policy_path
from tests.e2e.api_world import FAST_HASHER, PASSWORD, USERS
from tests.support.app import ADMIN, official_years
from tests.support.clock import FakeClock
from tests.support.oversight_world import seed_oversight

STATIC = Path(__file__).resolve().parents[2] / "api" / "web" / "static"
LI = Actor("li.na", Role.WINDOW_STAFF)


@pytest.fixture
def container(tmp_path: Path, clock: FakeClock) -> Iterator[Container]:
    settings = Settings(store="memory", home=tmp_path, policy_file=shipped_policy_path())
    found = build_container(
        settings, clock=clock, official_years=official_years, hasher=FAST_HASHER
    )
    seed_oversight(found.app)
    for login, (role, unit, enterprise, leader) in USERS.items():
        found.accounts.add_user(
            login,
            role,
            actor=ADMIN,
            unit=unit,
            enterprise=enterprise,
            leader=leader,
            password=PASSWORD,
        )
    yield found
    found.close()


def browser(container: Container) -> TestClient:
    return TestClient(create_app(container), raise_server_exceptions=False)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def signed_in(container: Container, login: str) -> TestClient:
    client = browser(container)
    token = csrf_of(client.get("/login").text)
    done = client.post(
        "/login",
        data={"login": login, "password": PASSWORD, "csrf": token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    return client


def test_signing_in_sets_a_signed_http_only_lax_session_cookie(container: Container) -> None:
    client = browser(container)
    login_page = client.get("/login")
    assert "HttpOnly" in login_page.headers["set-cookie"]
    done = client.post(
        "/login",
        data={"login": "li.na", "password": PASSWORD, "csrf": csrf_of(login_page.text)},
        follow_redirects=False,
    )
    assert done.headers["location"] == "/desk"
    cookie = next(c for c in done.headers.get_list("set-cookie") if c.startswith("ct_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/" in cookie
    value = cookie.split(";")[0].split("=", 1)[1]
    assert value.startswith("ctk_")
    assert "." in value  # the token and its signature


def test_a_form_without_the_sites_token_is_refused(container: Container) -> None:
    client = browser(container)
    client.get("/login")
    refused = client.post("/login", data={"login": "li.na", "password": PASSWORD, "csrf": "x"})
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("text/html")
    assert "表单已过期" in refused.text


def test_a_wrong_password_says_so_without_saying_which_part(container: Container) -> None:
    client = browser(container)
    token = csrf_of(client.get("/login").text)
    refused = client.post("/login", data={"login": "li.na", "password": "nope", "csrf": token})
    assert refused.status_code == 401
    assert "登录名或密码不正确" in refused.text


def test_a_tampered_session_cookie_sends_you_to_sign_in(container: Container) -> None:
    client = signed_in(container, "li.na")
    forged = client.cookies["ct_session"][:-3] + "abc"
    client.cookies.set("ct_session", forged)
    page = client.get("/desk", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login?next=/desk")


def test_without_a_session_a_page_sends_you_to_sign_in_and_back(container: Container) -> None:
    page = browser(container).get("/dashboards/board?x=1", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=/dashboards/board%3Fx%3D1"


def test_each_role_lands_on_its_own_page(container: Container) -> None:
    homes = {"li.na": "/desk", "example-co": "/portal", "zhou.min": "/inspect", "root": "/admin"}
    for login, home in homes.items():
        client = signed_in(container, login)
        assert client.get("/", follow_redirects=False).headers["location"] == home


def test_a_page_for_another_role_is_a_403_page(container: Container) -> None:
    enterprise = signed_in(container, "example-co")
    for path in ("/desk", "/inspect", "/dashboards/board", "/admin/policy"):
        page = enterprise.get(path)
        assert page.status_code == 403, path
        assert "无权访问" in page.text
    assert signed_in(container, "li.na").get("/portal").status_code == 403


def test_a_case_outside_your_unit_is_not_found_as_a_page(container: Container) -> None:
    filed = container.app.file_demand(
        case_type="help", channel="window", summary="道路破损", filer_name="李强", actor=LI
    )
    other_unit = signed_in(container, "zhao.lei").get(f"/cases/{filed.id}")
    assert other_unit.status_code == 404
    assert other_unit.headers["content-type"].startswith("text/html")
    assert "道路破损" not in other_unit.text
    assert signed_in(container, "zhao.lei").get("/cases/not-an-id").status_code == 400


def test_a_stale_form_is_a_conflict_page_that_keeps_what_was_typed(container: Container) -> None:
    filed = container.app.file_demand(
        case_type="help", channel="window", summary="道路破损", filer_name="李强", actor=LI
    )
    client = signed_in(container, "li.na")
    token = csrf_of(client.get(f"/cases/{filed.id}").text)
    container.app.dispatch(filed.id, "AMR", actor=LI)
    page = client.post(
        f"/cases/{filed.id}/steps/answer_directly",
        data={"csrf": token, "expected_version": "1", "answer": "所需材料见办事指南第3条"},
    )
    assert page.status_code == 409
    assert "同事刚刚修改了这个案件" in page.text
    assert "所需材料见办事指南第3条" in page.text
    assert container.app.case(filed.id).version == 2  # nothing was recorded


def test_a_refused_step_is_explained_beside_its_form(container: Container) -> None:
    filed = container.app.file_demand(
        case_type="help", channel="window", summary="道路破损", filer_name="李强", actor=LI
    )
    client = signed_in(container, "li.na")
    token = csrf_of(client.get(f"/cases/{filed.id}").text)
    page = client.post(
        f"/cases/{filed.id}/steps/hand_over",
        data={"csrf": token, "expected_version": "1", "to": "zhao.lei", "reason": " "},
    )
    assert page.status_code == 422
    assert 'id="error-hand_over"' in page.text
    assert "“移交”需要填写理由。" in page.text


def test_the_language_switch_changes_the_words_and_the_lang_attribute(
    container: Container,
) -> None:
    client = signed_in(container, "li.na")
    desk = client.get("/desk")
    assert '<html lang="zh-CN">' in desk.text
    switched = client.post(
        "/lang", data={"lang": "en", "csrf": csrf_of(desk.text), "next": "/desk"}
    )
    assert '<html lang="en">' in switched.text
    assert "Open cases of mine and my unit" in switched.text


def test_signing_out_revokes_the_session(container: Container) -> None:
    client = signed_in(container, "li.na")
    cookie = client.cookies["ct_session"]
    token = csrf_of(client.get("/desk").text)
    client.post("/logout", data={"csrf": token})
    client.cookies.set("ct_session", cookie)  # the old cookie, replayed
    assert client.get("/desk", follow_redirects=False).status_code == 303


def test_pages_forbid_framing_and_scripts_from_elsewhere(container: Container) -> None:
    page = signed_in(container, "li.na").get("/desk")
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert page.headers["x-content-type-options"] == "nosniff"


def test_the_assets_name_no_other_host() -> None:
    for path in STATIC.iterdir():
        text = path.read_text(encoding="utf-8")
        found = re.findall(r"https?://[^\s\"')]+", text)
        assert [u for u in found if u != "http://www.w3.org/2000/svg"] == [], path.name


def test_the_api_document_does_not_list_the_pages(container: Container) -> None:
    paths = browser(container).get("/openapi.json").json()["paths"]
    assert not [
        p
        for p in paths
        if not p.startswith(("/api/", "/open311/", "/healthz", "/readyz", "/metrics"))
    ]


def test_the_rating_form_closes_with_the_policys_rating_window(
    container: Container, clock: FakeClock
) -> None:
    app = container.app
    enterprise = Actor("91440300MA5EXAMPLE", Role.ENTERPRISE)
    filed = app.file_demand(
        case_type="consultation",
        channel="web",
        summary="社保补缴流程",
        filer_name="王芳",
        enterprise_id=app.enterprise("91440300MA5EXAMPLE").id,
        actor=enterprise,
    )
    app.receive(filed.id, actor=LI)
    app.answer_directly(filed.id, "见办事指南", actor=LI)  # Monday 2 March 2026, 09:00
    page = signed_in(container, "example-co").get(f"/portal/cases/{filed.id}")
    # 7 natural days after Monday 2 March: the window ends at 24:00 on Monday 9 March.
    assert "请于 2026年3月9日 24:00 前评价" in page.text
    assert "提交评价" in page.text
    clock.advance(days=8)
    page = signed_in(container, "example-co").get(f"/portal/cases/{filed.id}")
    assert "评价期已于 2026年3月9日 24:00 结束" in page.text
    assert "提交评价" not in page.text
