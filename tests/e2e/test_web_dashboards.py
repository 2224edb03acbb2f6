"""The pages over a city's demo year (``seed_demo`` with its default 200 cases): every dashboard
draws its charts with its definition version and log position, the desk shows its cards, the
admin publishes a year's calendar from its file, and every main page fits a 360 px screen. Most
screenshots in docs/screenshots/ come from here."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from domain.actors import Role
from infra.container import build_container
from infra.demo.run import SimClock
from infra.demo.seed import seed_demo
from projections.figures import DEFINITIONS
from tests.e2e.api_world import FAST_HASHER, PASSWORD, settings_for
from tests.e2e.test_web_world import (
    LiveServer,
    Pages,
    chromium,
    open_pages,
)
from tests.e2e.web_words import LANGUAGES, Words
from tests.support.app import ADMIN, official_years, shipped_policy
from tests.support.clock import CHINA
from tests.support.text import UUID_TEXT

__all__ = ["chromium"]
END = datetime(2026, 11, 20, 17, 0, tzinfo=CHINA)
CASES = 200
LOGINS = {
    "amr.clerk1": (Role.WINDOW_STAFF, None),
    "amr.head": (Role.UNIT_HEAD, None),
    "duchashi1": (Role.SUPERVISOR, None),
    "jijian1": (Role.INSPECTOR, None),
    "root": (Role.ADMIN, None),
    "huachuang": (Role.ENTERPRISE, "91440300000DEMO0X"),
}
DASHBOARDS = ("board", "reviews", "lists", "coverage", "ranking")
NARROW = {"width": 360, "height": 780}
EXAMPLE_2027 = Path(__file__).resolve().parents[2] / "docs" / "examples" / "calendar-2027.toml"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    clock = SimClock(END)
    home = tmp_path_factory.mktemp("demo") / "home"
    container = build_container(
        settings_for(home), clock=clock, official_years=official_years, hasher=FAST_HASHER
    )
    seed_demo(container.app, clock, cases=CASES, end=END)
    clock.now = END
    for login, (role, enterprise) in LOGINS.items():
        container.accounts.add_user(
            login, role, actor=ADMIN, enterprise=enterprise, password=PASSWORD
        )
    with LiveServer(container) as server:
        yield server
    container.close()


def as_user(
    chromium: Any, demo: LiveServer, login: str, viewport: Any = None, lang: str = "zh-CN"
) -> Pages:
    pages = open_pages(chromium, demo, viewport) if viewport else open_pages(chromium, demo)
    Words(lang).sign_in(pages, login)
    return pages


def fits(pages: Pages, width: int) -> None:
    scroll = pages.page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{pages.page.url} is {scroll} px wide at {width} px"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_dashboard_draws_its_charts_with_their_stamp(
    chromium: Any, demo: LiveServer, lang: str
) -> None:
    words = Words(lang)
    pages = as_user(chromium, demo, "duchashi1", lang=lang)
    for name in DASHBOARDS:
        pages.goto(f"/dashboards/{name}")
        charts = pages.page.locator("svg.chart")
        assert charts.count() >= 1, name
        marks = pages.page.locator("svg.chart rect, svg.chart circle, svg.chart polyline")
        assert marks.count() > 3, f"{name} draws nothing"
        stamp = pages.page.locator(".stamp").first.inner_text()
        assert f"{words.t('figure.definitions')} {DEFINITIONS}" in stamp, name
        assert words.t("figure.position") in stamp, name
        position = int(pages.page.locator(".stamp code").nth(3).inner_text())
        assert position > 0
        for chart in charts.all():
            assert chart.get_attribute("role") == "img"
            assert chart.locator("title").count() >= 1
        assert UUID_TEXT.search(pages.page.locator("main").inner_text()) is None, name
        if lang == "zh-CN":
            pages.shot(f"dash-{name}")


def test_the_board_counts_every_demo_case_once(chromium: Any, demo: LiveServer) -> None:
    pages = as_user(chromium, demo, "duchashi1")
    pages.goto("/dashboards/board")
    total = 0
    for row in pages.page.locator("table.data tbody tr").all():
        cells = row.locator("td").all_inner_texts()
        total += sum(int(c.replace(",", "")) for c in cells)
    assert total == CASES + visit_cases(pages)


def visit_cases(pages: Pages) -> int:
    """Cases opened from leaders' visit findings (the demo files them besides the 60)."""
    pages.goto("/inspect?q=")
    text = pages.page.locator(".muted").first.inner_text()
    return int(text.strip("共件 ")) - CASES


def test_the_desk_shows_red_and_yellow_cards(chromium: Any, demo: LiveServer) -> None:
    pages = as_user(chromium, demo, "amr.head")
    assert pages.page.url.endswith("/desk")
    counters = pages.page.locator(".counters").inner_text()
    assert "已超期" in counters
    assert "即将到期" in counters
    pages.shot("desk")
    first = pages.page.locator("table.data tbody tr a").first
    with pages.page.expect_navigation():
        first.click()
    pages.check()
    assert pages.page.locator(".timeline .tl-item").count() >= 1


def test_the_admin_publishes_2027_from_its_file(chromium: Any, demo: LiveServer) -> None:
    pages = as_user(chromium, demo, "root")
    assert pages.page.url.endswith("/admin/directory")
    assert "市场监督管理局" in pages.page.locator("#units").inner_text()
    pages.shot("admin-directory", full_page=False)
    pages.goto("/admin/calendar")
    pages.page.get_by_label("年份", exact=True).fill("2027")
    pages.page.get_by_label("安排文件（TOML 格式）").set_input_files(str(EXAMPLE_2027))
    pages.submit("发布")
    assert "2027 年安排已发布" in pages.page.content()
    assert "2027" in pages.page.locator("table.data tbody tr").first.inner_text()
    pages.shot("admin-calendar")
    # A file for another year is refused, naming the uploaded file.
    pages.page.get_by_label("年份", exact=True).fill("2028")
    pages.page.get_by_label("安排文件（TOML 格式）").set_input_files(str(EXAMPLE_2027))
    pages.submit("发布")
    error = pages.page.locator(".flash-error").inner_text()
    assert "calendar-2027.toml" in error
    assert "2028" in error
    assert "/tmp" not in error
    pages.goto("/admin/policy")
    assert f"现行政策 {shipped_policy().version}" in pages.page.content()
    pages.shot("admin-policy", full_page=False)


def test_the_enterprise_sees_its_own_demo_cases(chromium: Any, demo: LiveServer) -> None:
    pages = as_user(chromium, demo, "huachuang", {"width": 390, "height": 844})
    cards = pages.page.locator(".case-card")
    assert cards.count() >= 1
    with pages.page.expect_navigation():
        cards.first.click()
    pages.check()
    pages.shot("portal-case")


def test_the_inspector_lists_demo_cases(chromium: Any, demo: LiveServer) -> None:
    pages = as_user(chromium, demo, "jijian1")
    assert pages.page.locator("table.data tbody tr").count() == 50  # one page of 50
    pages.shot("inspect", full_page=False)


@pytest.mark.parametrize(
    ("login", "paths"),
    [
        ("amr.clerk1", ["/desk", "/desk/new"]),
        ("duchashi1", [f"/dashboards/{name}" for name in DASHBOARDS]),
        ("jijian1", ["/inspect"]),
        ("root", ["/admin/directory", "/admin/calendar", "/admin/policy"]),
        ("huachuang", ["/portal", "/portal/new"]),
    ],
)
def test_every_main_page_fits_a_360_px_screen(
    chromium: Any, demo: LiveServer, login: str, paths: list[str]
) -> None:
    pages = as_user(chromium, demo, login, NARROW)
    fits(pages, 360)
    for path in paths:
        pages.goto(path)
        fits(pages, 360)
