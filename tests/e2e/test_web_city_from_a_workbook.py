"""A city starts from an empty store with a workbook the city wrote itself: the first admin,
created on the command line as the README's start without the demo does (``casetrail users add
root --role admin --password-stdin``), signs in, imports an XLSX workbook built here with
openpyxl (a unit, a window, two staff, an enterprise, a leader and the leader's link, with one
bad staff row and one bad enterprise row), reads the refused rows and why, and creates logins;
the new clerk signs in to an empty desk of their own, the leader finds the enterprise they are
linked to, the enterprise reaches its portal. Every word the test looks for comes from the
page's catalogue, in zh-CN and in English.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from infra.container import build_container
from tests.e2e.api_world import FAST_HASHER, settings_for
from tests.e2e.test_web_admin_directory import no_ids_nor_raw_values, visible_text
from tests.e2e.test_web_world import LiveServer, Pages, chromium, open_pages
from tests.support.app import official_years
from tests.support.cli import ROOT, CommandRunner
from tests.support.clock import FakeClock

__all__ = ["chromium"]
ROOT_PASSWORD = "a long admin password"
PASSWORD = "first password 1"
ENTERPRISE = "91350100MA2Y00010F"
MISTYPED = "91350100MA2Y00040X"  # its check character is wrong
# One sheet per kind, named and headed as a Chinese office's Excel would have them.
SHEETS: dict[str, list[list[str]]] = {
    "单位": [["单位代码", "单位名称"], ["TAX", "税务局"]],
    "窗口": [["窗口代码", "窗口名称", "单位代码"], ["TAX-W1", "办税服务窗口", "TAX"]],
    "工作人员": [
        ["登录名", "姓名", "角色", "单位代码", "窗口代码"],
        ["qian.hong", "钱红", "窗口工作人员", "TAX", "TAX-W1"],
        ["sun.mei", "孙梅", "部门负责人", "TAX", ""],
        ["wu.gang", "", "窗口工作人员", "TAX", "TAX-W1"],  # row 4: no name
    ],
    "企业": [
        ["统一社会信用代码", "企业名称", "所有制", "重点企业"],
        [ENTERPRISE, "闽江精密机械有限公司", "民营", "是"],
        [MISTYPED, "笔误公司", "民营", "否"],  # row 3: a mistyped credit code
    ],
    "领导干部": [
        ["领导代码", "姓名", "职务", "级别", "单位代码"],
        ["county-01", "刘建国", "副县长", "县级", ""],
    ],
    "挂钩联系": [["领导代码", "企业信用代码", "备注"], ["county-01", ENTERPRISE, "季度走访"]],
}
RECORDED = 7  # a unit, a window, two staff, an enterprise, a leader, a link


@pytest.fixture
def empty_city(tmp_path: Path, clock: FakeClock) -> Iterator[LiveServer]:
    """An empty store whose one user is the admin the command line created, served."""
    home = tmp_path / "home"
    added = subprocess.run(
        [sys.executable, "-m", "api.cli.main", "users", "add", "root", "--role", "admin",
         "--password-stdin"],
        cwd=ROOT, env=CommandRunner(home).env, input=f"{ROOT_PASSWORD}\n", capture_output=True,
        text=True, check=False, timeout=120,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    container = build_container(
        settings_for(home), clock=clock, official_years=official_years, hasher=FAST_HASHER
    )
    assert container.read.rows("directory", "units") == []
    with LiveServer(container) as server:
        yield server
    container.close()


def said(lang: str) -> Mapping[str, str]:
    from api.web.i18n import catalogue  # noqa: PLC0415 - read when the test runs

    return catalogue(lang)


def build_workbook(folder: Path) -> Path:
    book = Workbook()
    for index, (title, rows) in enumerate(SHEETS.items()):
        sheet = book.create_sheet(title, index)
        for row in rows:
            sheet.append([cell or None for cell in row])
    path = folder / "城市名录.xlsx"
    del book["Sheet"]  # the empty sheet a new workbook starts with
    book.save(path)
    return path


def sign_in(chromium: Any, city: LiveServer, lang: str, login: str, password: str) -> Pages:
    """Sign in from the login page, switching it to English first when asked."""
    words = said(lang)
    pages = open_pages(chromium, city)
    pages.goto("/login")
    if lang == "en":
        with pages.page.expect_navigation():
            pages.page.get_by_role("button", name="English").click()
        pages.check()
    pages.page.get_by_label(words["login.login"], exact=True).fill(login)
    pages.page.get_by_label(words["login.password"], exact=True).fill(password)
    pages.submit(words["login.submit"])
    return pages


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_an_admin_starts_a_city_from_a_workbook_of_its_own(
    empty_city: LiveServer, chromium: Any, tmp_path: Path, lang: str
) -> None:
    admin = sign_in(chromium, empty_city, lang, "root", ROOT_PASSWORD)
    assert admin.page.url.endswith("/admin/directory")
    import_the_workbook(admin, lang, build_workbook(tmp_path))
    the_entries_read_in_words(admin, lang)
    create_logins(admin, lang)
    the_new_logins_sign_in(chromium, empty_city, lang)


def import_the_workbook(admin: Pages, lang: str, workbook: Path) -> None:
    """What is valid is recorded; the two bad rows are reported, each with its reason."""
    words = said(lang)
    admin.goto("/admin/import")
    admin.page.get_by_label(words["import.kind"]).select_option(
        label=words["import.kind_directory"]
    )
    admin.page.get_by_label(words["import.file"]).set_input_files(str(workbook))
    admin.submit(words["import.submit"])
    counts = words["import.counts"].format(created=RECORDED, updated=0, unchanged=0, refused=2)
    assert counts in admin.page.locator(".import-counts").inner_text()
    refused = [
        row.locator("td").all_inner_texts()
        for row in admin.page.locator("table.refused tbody tr").all()
    ]
    assert [(kind, row) for kind, row, _, _ in refused] == [
        (words["directory.staff"], "4"),
        (words["directory.enterprises"], "3"),
    ]
    assert all(reason.strip() for _, _, _, reason in refused)
    assert words["import.refused_note"] in visible_text(admin)
    no_ids_nor_raw_values(admin)


def the_entries_read_in_words(admin: Pages, lang: str) -> None:
    words = said(lang)
    admin.goto("/admin/directory/staff")
    staff = admin.page.locator("table.data").inner_text()
    assert "钱红" in staff
    assert "孙梅" in staff
    assert "wu.gang" not in staff
    assert words["role.window_staff"] in staff
    no_ids_nor_raw_values(admin)
    admin.goto("/admin/directory/enterprises")
    enterprises = admin.page.locator("table.data").inner_text()
    assert "闽江精密机械有限公司" in enterprises
    assert "笔误公司" not in enterprises
    assert words["ownership.private"] in enterprises


def create_logins(admin: Pages, lang: str) -> None:
    """The clerk signs in with the directory login; the leader and the enterprise with one
    given here."""
    words = said(lang)
    admin.goto("/admin/users")
    for who, login in (("钱红", ""), ("刘建国", "liu.jianguo"), ("闽江精密", "minjiang")):
        form = admin.page.locator("form.grid-form")
        option = admin.page.locator("#u-who option", has_text=who).first
        form.get_by_label(words["users.who"]).select_option(option.get_attribute("value"))
        form.get_by_label(words["users.login"]).fill(login)
        form.get_by_label(words["users.password"]).fill(PASSWORD)
        admin.submit(words["users.submit"])
    users = admin.page.locator("table.data").inner_text()
    for login in ("qian.hong", "liu.jianguo", "minjiang"):
        assert login in users
    no_ids_nor_raw_values(admin)


def the_new_logins_sign_in(chromium: Any, city: LiveServer, lang: str) -> None:
    """The new clerk sees a desk of their own, empty for now; the leader finds the enterprise
    they are linked to; the enterprise reaches its portal."""
    words = said(lang)
    clerk = sign_in(chromium, city, lang, "qian.hong", PASSWORD)
    assert clerk.page.url.endswith("/desk")
    assert clerk.page.locator("h1").inner_text() == words["desk.title"]
    desk = visible_text(clerk)
    assert words["desk.none"] in desk
    assert words["nav.new_case"] in desk
    no_ids_nor_raw_values(clerk)

    leader = sign_in(chromium, city, lang, "liu.jianguo", PASSWORD)
    with leader.page.expect_navigation():
        leader.page.get_by_role("link", name=words["nav.leader"], exact=True).click()
    leader.check()
    assert "闽江精密机械有限公司" in leader.page.locator(".linked-enterprises").inner_text()
    no_ids_nor_raw_values(leader)

    firm = sign_in(chromium, city, lang, "minjiang", PASSWORD)
    assert firm.page.url.endswith("/portal")
    no_ids_nor_raw_values(firm)


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_an_admin_disables_a_login_and_resets_a_password(
    empty_city: LiveServer, chromium: Any, tmp_path: Path, clock: FakeClock, lang: str
) -> None:
    words = said(lang)
    admin = sign_in(chromium, empty_city, lang, "root", ROOT_PASSWORD)
    import_the_workbook(admin, lang, build_workbook(tmp_path))
    create_logins(admin, lang)

    # The login's own page, from the users list: disabling it needs a reason, said beside it.
    with admin.page.expect_navigation():
        admin.page.get_by_role("link", name="qian.hong", exact=True).click()
    admin.check()
    admin.submit(words["users.disable_submit"], within="#disable")
    assert words["users.reason_needed"] in admin.page.locator("#disable [role=alert]").inner_text()
    admin.page.locator("#disable").get_by_label(words["users.reason"]).fill("调岗")
    admin.submit(words["users.disable_submit"], within="#disable")
    assert words["users.done_disable"] in visible_text(admin)
    assert words["users.disabled"] in admin.page.locator("td.account-state").inner_text()
    no_ids_nor_raw_values(admin)
    admin.goto("/admin/users")
    row = admin.page.locator("table.data tbody tr", has_text="qian.hong")
    assert words["users.disabled"] in row.inner_text()
    clerk = sign_in(chromium, empty_city, lang, "qian.hong", PASSWORD)
    assert words["login.failed"] in visible_text(clerk)

    # Enabled again, the login signs in; after a reset only the new password does. (The
    # store's clock stands still in tests: a minute passes between the steps, as it would.)
    clock.advance(minutes=1)
    admin.goto("/admin/users/qian.hong")
    admin.page.locator("#enable").get_by_label(words["users.reason"]).fill("回到窗口岗位")
    admin.submit(words["users.enable_submit"], within="#enable")
    assert words["users.done_enable"] in visible_text(admin)
    assert words["users.disabled"] not in admin.page.locator("td.account-state").inner_text()
    clock.advance(minutes=1)
    clerk = sign_in(chromium, empty_city, lang, "qian.hong", PASSWORD)
    assert clerk.page.url.endswith("/desk")

    admin.page.get_by_label(words["users.new_password"]).fill("short")
    admin.submit(words["users.reset_submit"], within="#password")
    assert words["users.short"] in admin.page.locator("#password [role=alert]").inner_text()
    admin.page.get_by_label(words["users.new_password"]).fill("another-secret-9")
    admin.submit(words["users.reset_submit"], within="#password")
    assert words["users.done_password"] in visible_text(admin)
    no_ids_nor_raw_values(admin)
    clock.advance(minutes=1)
    old = sign_in(chromium, empty_city, lang, "qian.hong", PASSWORD)
    assert words["login.failed"] in visible_text(old)
    new = sign_in(chromium, empty_city, lang, "qian.hong", "another-secret-9")
    assert new.page.url.endswith("/desk")
