"""An admin manages a login in the web, in zh-CN and in English: disables it (a missing reason
is said beside its field), after which the user can no longer sign in; enables it again; and
sets a new password (a short one refused beside the field), with which the user signs in."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.api_world import PASSWORD
from tests.e2e.test_web_world import WebWorld, chromium, open_pages, sign_in, web_world
from tests.support.text import UUID_TEXT

__all__ = ["chromium", "web_world"]
NEW_PASSWORD = "a brand new password"

WORDS: dict[str, dict[str, str]] = {
    "zh-CN": {
        "switch": "", "reason": "理由", "disable": "停用", "enable": "重新启用",
        "reason_needed": "请填写理由。", "disabled": "账号已停用。", "state_off": "已停用",
        "enabled": "账号已重新启用。", "state_on": "在用", "new_password": "新密码（至少 8 位）",
        "set": "设置新密码", "short": "密码至少需要 8 位。", "password_set": "新密码已设置。",
    },
    "en": {
        "switch": "English", "reason": "Reason", "disable": "Disable", "enable": "Enable",
        "reason_needed": "Give a reason.", "disabled": "The login is disabled.",
        "state_off": "Disabled", "enabled": "The login is enabled again.", "state_on": "Active",
        "new_password": "New password (at least 8 characters)", "set": "Set the new password",
        "short": "at least 8 characters", "password_set": "The new password is set.",
    },
}  # fmt: skip


def visible(pages: Any) -> str:
    text: str = pages.page.locator("body").inner_text()
    assert not UUID_TEXT.search(text), f"{pages.page.url} shows an id"
    return text


def signs_in(web_world: WebWorld, chromium: Any, login: str, password: str) -> bool:
    user = open_pages(chromium, web_world.server)
    sign_in(user, login, password)
    return "/login" not in user.page.url


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_an_admin_disables_enables_and_resets_a_login(
    web_world: WebWorld, chromium: Any, language: str
) -> None:
    words = WORDS[language]
    admin = open_pages(chromium, web_world.server)
    sign_in(admin, "root", PASSWORD)
    if words["switch"]:
        admin.submit(words["switch"])
    admin.goto("/admin/users")
    with admin.page.expect_navigation():
        admin.page.get_by_role("link", name="li.na", exact=True).click()
    admin.check()

    # No reason: refused beside the reason, and nothing changes.
    admin.submit(words["disable"])
    assert admin.page.locator("#disable .field-error").inner_text() == words["reason_needed"]
    assert admin.page.get_by_label(words["reason"]).get_attribute("aria-invalid") == "true"
    assert not web_world.container.accounts.user("li.na").disabled
    admin.page.get_by_label(words["reason"]).fill("调离窗口岗位")
    admin.submit(words["disable"])
    assert words["disabled"] in visible(admin)
    assert words["state_off"] in admin.page.locator("td.account-state").inner_text()
    assert not signs_in(web_world, chromium, "li.na", PASSWORD)

    admin.page.get_by_label(words["reason"]).fill("返回窗口岗位")
    admin.submit(words["enable"])
    assert words["enabled"] in visible(admin)
    assert words["state_on"] in admin.page.locator("td.account-state").inner_text()

    admin.page.get_by_label(words["new_password"]).fill("short")
    admin.submit(words["set"])
    assert words["short"] in admin.page.locator("#password .field-error").inner_text()
    admin.page.get_by_label(words["new_password"]).fill(NEW_PASSWORD)
    admin.submit(words["set"])
    assert words["password_set"] in visible(admin)
    web_world.clock.advance(minutes=1)  # a session counts when issued after the new password
    assert not signs_in(web_world, chromium, "li.na", PASSWORD)
    assert signs_in(web_world, chromium, "li.na", NEW_PASSWORD)
