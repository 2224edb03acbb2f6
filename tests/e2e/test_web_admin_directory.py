"""A city starts from nothing in the web: on an empty store, an admin imports the city's
directory from an XLSX workbook (a unit, a window, staff, an enterprise, a leader and their
links), sees the rows a second file refuses and why, registers an entry by hand with an error
shown beside its field, and creates logins; one of those logins then signs in. In zh-CN and in
English, with no id or raw value on the pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from domain.actors import Role
from infra.container import build_container
from tests.e2e.api_world import FAST_HASHER, settings_for
from tests.e2e.test_web_world import LiveServer, Pages, chromium, open_pages
from tests.support.app import ADMIN, official_years
from tests.support.text import UUID_TEXT

__all__ = ["chromium"]
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
ROOT_PASSWORD = "admin password 1"
PASSWORD = "first password 1"
RAW_VALUES = ("window_staff", "unit_head", "private", "county", "True", "None")

# The words each language's pages use, by what they are for.
WORDS: dict[str, dict[str, Any]] = {
    "zh-CN": {
        "login": "登录名", "password": "密码", "sign_in": "登录", "import": "导入",
        "kind": "文件内容", "whole": "整本工作簿（每类一个工作表）", "enterprises_only": "企业",
        "file": "文件（XLSX 或 CSV）", "counts": "新登记 18 条，修改 0 条，未变 0 条，拒绝 0 条",
        "again": "新登记 0 条，修改 0 条，未变 18 条，拒绝 0 条",
        "bad_code": "不是有效的统一社会信用代码", "credit_field": "统一社会信用代码",
        "units": "单位", "code": "代码", "name": "名称", "save": "保存",
        "name_required": "“名称”不能为空。", "registered": "TAX 已登记。",
        "users": "用户与登录", "who": "账号对象", "user_login": "登录名",
        "initial": "初始密码（至少 8 位）", "create": "创建账号", "ownership": "民营",
        "key": "重点", "level": "县级领导", "english": None,
    },
    "en": {
        "login": "Login", "password": "Password", "sign_in": "Sign in", "import": "Import",
        "kind": "What the file holds", "whole": "A whole workbook (one sheet per kind)",
        "enterprises_only": "Enterprises", "file": "File (.xlsx or .csv)",
        "counts": "18 registered, 0 amended, 0 unchanged, 0 refused",
        "again": "0 registered, 0 amended, 18 unchanged, 0 refused",
        "bad_code": "is not a valid unified social credit code",
        "credit_field": "Unified social credit code", "units": "Units", "code": "Code",
        "name": "Name", "save": "Save", "name_required": "Name must not be empty.",
        "registered": "TAX was registered.", "users": "Users and logins", "who": "For whom",
        "user_login": "Login", "initial": "Initial password (at least 8 characters)",
        "create": "Create login", "ownership": "Private", "key": "key",
        "level": "County leader", "english": "English",
    },
}  # fmt: skip


@pytest.fixture
def empty_city(tmp_path: Path, clock: Any) -> Iterator[LiveServer]:
    """An empty store with one admin, as ``casetrail users add root --role admin`` leaves it."""
    container = build_container(
        settings_for(tmp_path / "home"), clock=clock, official_years=official_years,
        hasher=FAST_HASHER,
    )  # fmt: skip
    container.accounts.add_user("root", Role.ADMIN, actor=ADMIN, password=ROOT_PASSWORD)
    with LiveServer(container) as server:
        yield server
    container.close()


def sign_in(pages: Pages, words: dict[str, Any], login: str, password: str) -> None:
    pages.goto("/login")
    if words["english"]:
        with pages.page.expect_navigation():
            pages.page.get_by_role("button", name=words["english"]).click()
        pages.check()
    pages.page.get_by_label(words["login"], exact=True).fill(login)
    pages.page.get_by_label(words["password"], exact=True).fill(password)
    pages.submit(words["sign_in"])


def visible_text(pages: Pages) -> str:
    text: str = pages.page.locator("body").inner_text()
    return text


def no_ids_nor_raw_values(pages: Pages) -> None:
    text = visible_text(pages)
    assert UUID_TEXT.search(text) is None, f"{pages.page.url} shows an id"
    for raw in RAW_VALUES:
        assert not re.search(rf"(?<![\w.-]){raw}(?![\w.-])", text), f"{pages.page.url}: {raw}"


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_an_admin_starts_a_city_from_an_empty_store(
    empty_city: LiveServer, chromium: Any, tmp_path: Path, lang: str
) -> None:
    words = WORDS[lang]
    pages = open_pages(chromium, empty_city)
    sign_in(pages, words, "root", ROOT_PASSWORD)
    assert pages.page.url.endswith("/admin/directory")
    import_the_directory(pages, words, tmp_path, lang)
    the_entries_read_in_words(pages, words)
    register_a_unit_by_hand(pages, words, lang)
    create_logins(pages, words, lang)

    # The clerk signs in and lands on the desk; the enterprise on its portal.
    clerk = open_pages(chromium, empty_city)
    sign_in(clerk, words, "li.na", PASSWORD)
    assert clerk.page.url.endswith("/desk")
    enterprise = open_pages(chromium, empty_city)
    sign_in(enterprise, words, "minjiang", PASSWORD)
    assert enterprise.page.url.endswith("/portal")


def import_the_directory(pages: Pages, words: dict[str, Any], tmp_path: Path, lang: str) -> None:
    """The whole directory from the example workbook, then the same file again, then a file
    with a mistyped credit code: its row is refused, naming the row and the field."""
    pages.goto("/admin/import")
    pages.page.get_by_label(words["kind"]).select_option(label=words["whole"])
    pages.page.get_by_label(words["file"]).set_input_files(str(EXAMPLES / "directory.xlsx"))
    pages.submit(words["import"])
    assert words["counts"] in visible_text(pages)
    pages.page.get_by_label(words["file"]).set_input_files(str(EXAMPLES / "directory.xlsx"))
    pages.submit(words["import"])
    assert words["again"] in visible_text(pages)

    bad = tmp_path / "enterprises.csv"
    bad.write_text(
        "统一社会信用代码,企业名称,所有制,重点企业\n91350100MA2Y00040X,笔误公司,民营,否\n",
        encoding="utf-8",
    )
    pages.page.get_by_label(words["kind"]).select_option(label=words["enterprises_only"])
    pages.page.get_by_label(words["file"]).set_input_files(str(bad))
    pages.submit(words["import"])
    refused = pages.page.locator("table.refused tbody tr").first.inner_text()
    assert "2" in refused
    assert words["credit_field"] in refused
    assert words["bad_code"] in refused
    no_ids_nor_raw_values(pages)
    if lang == "zh-CN":
        pages.shot("admin-import")


def the_entries_read_in_words(pages: Pages, words: dict[str, Any]) -> None:
    pages.goto("/admin/directory/enterprises")
    listed = pages.page.locator("table.data").inner_text()
    assert "闽江精密机械有限公司" in listed
    assert words["ownership"] in listed
    assert words["key"] in listed
    no_ids_nor_raw_values(pages)
    pages.goto("/admin/directory/leaders")
    assert words["level"] in pages.page.locator("table.data").inner_text()
    for kind in ("units", "windows", "staff", "links", "stationed"):
        pages.goto(f"/admin/directory/{kind}")
        no_ids_nor_raw_values(pages)
    pages.goto("/admin/directory")
    no_ids_nor_raw_values(pages)


def register_a_unit_by_hand(pages: Pages, words: dict[str, Any], lang: str) -> None:
    """The missing name is pointed out beside its field; then the unit is saved."""
    pages.goto("/admin/directory/units")
    form = pages.page.locator("form.grid-form")
    form.get_by_label(words["code"], exact=True).fill("TAX")
    pages.submit(words["save"], within="form.grid-form")
    assert pages.page.locator("#err-name").inner_text() == words["name_required"]
    form = pages.page.locator("form.grid-form")
    form.get_by_label(words["name"], exact=True).fill("税务局")
    pages.submit(words["save"], within="form.grid-form")
    assert words["registered"] in visible_text(pages)
    if lang == "zh-CN":
        pages.shot("admin-units", full_page=False)


def create_logins(pages: Pages, words: dict[str, Any], lang: str) -> None:
    """Logins for a clerk (their directory login), a leader and an enterprise."""
    pages.goto("/admin/users")
    form = pages.page.locator("form.grid-form")
    for who, login in (("李娜", ""), ("刘建国", "liu.jianguo"), ("闽江精密", "minjiang")):
        option = pages.page.locator("#u-who option", has_text=who).first
        form.get_by_label(words["who"]).select_option(option.get_attribute("value"))
        form.get_by_label(words["user_login"]).fill(login)
        form.get_by_label(words["initial"]).fill(PASSWORD)
        pages.submit(words["create"])
        form = pages.page.locator("form.grid-form")
    users = pages.page.locator("table.data").inner_text()
    for login in ("li.na", "liu.jianguo", "minjiang"):
        assert login in users
    assert "刘建国" in users
    no_ids_nor_raw_values(pages)
    if lang == "zh-CN":
        pages.shot("admin-users", full_page=False)
