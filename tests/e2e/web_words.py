"""The words of a page's language for the browser tests: every label, button and message a test
looks for is read from the catalogue the page is drawn from (the gettext catalogues in
api/web/i18n/), and every date is written by the same Locale helper, so a journey runs in zh-CN
and in English alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from api.web.i18n import Locale, catalogue
from tests.e2e.api_world import PASSWORD
from tests.e2e.test_web_world import Pages
from tests.support.clock import CHINA

LANGUAGES = ("zh-CN", "en")


@dataclass(frozen=True)
class Words:
    lang: str

    @property
    def locale(self) -> Locale:
        return Locale(self.lang, CHINA)

    def t(self, key: str, **values: Any) -> str:
        """The message ``key`` as the page writes it, placeholders filled in."""
        return self.locale.t(key, **values)

    def raw(self, key: str) -> str:
        """The message ``key`` with its placeholders left in (to match a part of it)."""
        return catalogue(self.lang)[key]

    def day(self, year: int, month: int, day: int) -> str:
        return self.locale.date(date(year, month, day))

    def sign_in(self, pages: Pages, login: str, password: str = PASSWORD) -> None:
        """From the login page, switched to English first when the journey is in English."""
        pages.goto("/login")
        if self.lang == "en":
            pages.submit("English")
        self.fill_in_the_login(pages, login, password)

    def fill_in_the_login(self, pages: Pages, login: str, password: str = PASSWORD) -> None:
        pages.page.get_by_label(self.t("login.login"), exact=True).fill(login)
        pages.page.get_by_label(self.t("login.password"), exact=True).fill(password)
        pages.submit(self.t("login.submit"))
