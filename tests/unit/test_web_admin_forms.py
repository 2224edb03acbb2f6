"""The admin's directory forms over HTTP: an entry edited and deactivated with its reason, a
link shown by names and ended, errors beside their field in the page's language, and every
other role kept out."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from domain.directory import Window
from infra.container import Container
from tests.support.app import ADMIN
from tests.support.text import UUID_TEXT
from tests.unit.test_web_pages import container, csrf_of, signed_in

__all__ = ["container"]
KEY_ENTERPRISE = "91440300MA5KEY0001"


def post(client: TestClient, path: str, page: str, **data: str) -> object:
    token = csrf_of(client.get(page).text)
    return client.post(path, data={"csrf": token, **data}, follow_redirects=True)


def visible(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S))


def test_an_admin_edits_a_leader_and_deactivates_a_window(container: Container) -> None:
    root = signed_in(container, "root")
    edit = root.get("/admin/directory/leaders/edit", params={"key": "county-01"})
    assert edit.status_code == 200
    assert 'value="county-01"' in edit.text
    assert "readonly" in edit.text
    done = post(
        root, "/admin/directory/leaders/edit", "/admin/directory/leaders/edit?key=county-01",
        code="county-01", name="刘建国", title="常务副县长", level="county",
    )  # fmt: skip
    assert "county-01 已修改" in done.text  # type: ignore[attr-defined]
    assert container.app.leader("county-01").title == "常务副县长"

    container.app.put_entry(
        "windows", {"code": "AMR-W1", "name": "综合窗口", "unit": "AMR"}, actor=ADMIN
    )
    gone = post(
        root, "/admin/directory/windows/active", "/admin/directory/windows",
        key="AMR-W1", active="no", reason="窗口合并",
    )  # fmt: skip
    assert "AMR-W1 已停用" in gone.text  # type: ignore[attr-defined]
    assert container.app.load(Window, Window.id_for("AMR-W1")).active is False
    page = root.get("/admin/directory/windows").text
    assert "已停用" in page
    assert UUID_TEXT.search(visible(page)) is None


def test_a_refused_form_says_why_beside_the_field_in_the_pages_language(
    container: Container,
) -> None:
    root = signed_in(container, "root")
    refused = post(
        root, "/admin/directory/enterprises", "/admin/directory/enterprises",
        credit_code="91350100M000100Y44", name="错码公司", ownership="private",
    )  # fmt: skip
    html = refused.text  # type: ignore[attr-defined]
    assert refused.status_code == 422  # type: ignore[attr-defined]
    error = re.search(r'<p class="field-error" id="err-credit_code"[^>]*>([^<]+)</p>', html)
    assert error is not None
    assert "校验码不符" in error.group(1)
    assert 'value="错码公司"' in html  # what was typed stays in the form

    root.cookies.set("ct_lang", "en")
    english = post(
        root, "/admin/directory/windows", "/admin/directory/windows",
        code="W9", name="Window nine", unit="",
    )  # fmt: skip
    assert "Unit must not be empty." in english.text  # type: ignore[attr-defined]


def test_links_and_stationed_staff_read_by_name_and_end_with_a_reason(
    container: Container,
) -> None:
    root = signed_in(container, "root")
    post(root, "/admin/directory/links", "/admin/directory/links",
         leader="county-01", enterprise=KEY_ENTERPRISE)  # fmt: skip
    page = root.get("/admin/directory/links").text
    assert "刘建国" in page
    assert "重点示例制造有限公司" in page
    assert UUID_TEXT.search(visible(page)) is None
    ended = post(
        root, "/admin/directory/links/end", "/admin/directory/links",
        first="county-01", enterprise=KEY_ENTERPRISE, reason="调任",
    )  # fmt: skip
    assert "联系已解除" in ended.text  # type: ignore[attr-defined]
    assert container.app.engagement(KEY_ENTERPRISE).leaders == {}


def test_only_the_admin_opens_the_administration(container: Container) -> None:
    for login in ("li.na", "chen.jie", "zhou.min", "county-01", "example-co"):
        client = signed_in(container, login)
        for path in ("/admin/directory/units", "/admin/import", "/admin/users"):
            assert client.get(path).status_code == 403, (login, path)
