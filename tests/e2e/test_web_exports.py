"""Every dashboard downloads as CSV and as XLSX over the demo year: the files open with openpyxl
and the csv module, carry the page's stamp, and hold the figures the page shows, in both
languages."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from api.web.i18n import Locale
from api.web.security import LANG_COOKIE
from tests.e2e.test_web_dashboards import DASHBOARDS, as_user, demo
from tests.e2e.test_web_world import LiveServer, Pages, chromium
from tests.support.clock import CHINA

__all__ = ["chromium", "demo"]
ZH = Locale("zh-CN", CHINA)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def fetch(pages: Pages, url: str) -> Any:
    response = pages.page.request.get(pages.base + url)
    assert response.status == 200, url
    return response


def download_links(pages: Pages) -> dict[str, str]:
    links = pages.page.locator(".downloads a")
    return {href.rsplit(".", 1)[1].split("?")[0]: href for href in
            (links.nth(i).get_attribute("href") or "" for i in range(links.count()))}  # fmt: skip


def page_table(pages: Pages, selector: str) -> list[list[str]]:
    """A table's body as the reader sees it: row header then cells, text only."""
    rows = []
    for row in pages.page.locator(f"{selector} tbody tr").all():
        rows.append([c.strip() for c in row.locator("th, td").all_inner_texts()])
    return rows


def shown(value: Any, kind: str) -> str:
    """A downloaded cell written the way the page writes it."""
    if value is None:
        return "—"
    if kind == "rate":
        return ZH.percent(value)
    if kind == "score":
        return ZH.number(value, 3)
    return ZH.number(value) if isinstance(value, int) else str(value)


@pytest.mark.parametrize("name", DASHBOARDS)
def test_each_dashboard_downloads_as_csv_and_xlsx_with_its_stamp(
    chromium: Any, demo: LiveServer, name: str
) -> None:
    pages = as_user(chromium, demo, "duchashi1")
    pages.goto(f"/dashboards/{name}")
    stamp = [c.strip() for c in pages.page.locator(".stamp code").first.all_inner_texts()]
    codes = pages.page.locator(".stamp").last.locator("code").all_inner_texts()
    links = download_links(pages)
    assert set(links) == {"csv", "xlsx"}

    xlsx = fetch(pages, links["xlsx"])
    assert xlsx.headers["content-type"] == XLSX_TYPE
    assert "attachment" in xlsx.headers["content-disposition"]
    book = load_workbook(io.BytesIO(xlsx.body()))
    stamp_sheet = book.worksheets[-1]
    stamped = {row[0]: row[1] for row in stamp_sheet.iter_rows(values_only=True)}
    assert [stamped["口径"], stamped["政策版本"], stamped["日历版本"], stamped["日志位置"]] == codes
    assert stamp[0] == codes[0]

    text = fetch(pages, links["csv"]).body().decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the byte-order mark to read Chinese"
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["口径", codes[0]]
    for sheet in book.worksheets[:-1]:
        header = [c.value for c in sheet[1]]
        assert header in rows, f"{name}: the CSV lacks the table {sheet.title}"


def test_the_board_download_equals_the_board(chromium: Any, demo: LiveServer) -> None:
    pages = as_user(chromium, demo, "duchashi1")
    pages.goto("/dashboards/board")
    book = load_workbook(io.BytesIO(fetch(pages, "/dashboards/board.xlsx").body()))
    sheet = book.worksheets[0]
    headers = pages.page.locator("table.data thead th").all_inner_texts()
    assert [c.value for c in sheet[1]] == [h.strip() for h in headers]
    downloaded = [[shown(v, "count") for v in row] for row in sheet.iter_rows(2, values_only=True)]
    assert downloaded == page_table(pages, "table.data")
    assert any(isinstance(v, int) and v > 0 for row in sheet.iter_rows(2, values_only=True)
               for v in row[1:])  # fmt: skip


def test_the_ranking_download_equals_the_ranking(chromium: Any, demo: LiveServer) -> None:
    pages = as_user(chromium, demo, "duchashi1")
    pages.goto("/dashboards/ranking")
    year = pages.page.locator("#period-year").input_value()
    href = download_links(pages)["xlsx"]
    assert href.endswith(f"?period={year}")
    sheet = load_workbook(io.BytesIO(fetch(pages, href).body())).worksheets[0]
    kinds = ["count", "text", "score", "count"] + ["rate"] * (sheet.max_column - 4)
    downloaded = []
    for rank, unit, composite, *rest in sheet.iter_rows(2, values_only=True):
        cells = [shown(rank, "count"), unit, shown(composite, "score")]
        if composite is None:
            cells[2] = "样本不足，不排名"
        downloaded.append(cells + [shown(v, k) for v, k in zip(rest, kinds[3:], strict=True)])
    assert downloaded == page_table(pages, "table.data")


def test_the_reviews_download_equals_the_units_table(chromium: Any, demo: LiveServer) -> None:
    pages = as_user(chromium, demo, "duchashi1")
    pages.goto("/dashboards/reviews")
    href = download_links(pages)["xlsx"]
    sheet = load_workbook(io.BytesIO(fetch(pages, href).body())).worksheets[0]
    downloaded = []
    for unit, *cells in sheet.iter_rows(2, values_only=True):
        row = [unit]
        for value, numerator, denominator in zip(cells[::3], cells[1::3], cells[2::3], strict=True):
            row.append("—" if value is None and numerator is None
                       else f"{shown(value, 'rate')} {numerator}/{denominator}")  # fmt: skip
        downloaded.append(row)
    assert downloaded == page_table(pages, "table.data:not(.compact)")


def test_a_download_is_in_the_readers_language(chromium: Any, demo: LiveServer) -> None:
    pages = as_user(chromium, demo, "duchashi1")
    pages.goto("/dashboards/coverage")
    pages.page.context.add_cookies([{"name": LANG_COOKIE, "value": "en", "url": pages.base}])
    href = download_links(pages)["xlsx"]
    book = load_workbook(io.BytesIO(fetch(pages, href).body()))
    assert book.worksheets[0]["A1"].value == "Leader"
    assert book.worksheets[-1]["A1"].value == "Definitions"


def test_an_unknown_dashboard_is_not_found(chromium: Any, demo: LiveServer) -> None:
    pages = as_user(chromium, demo, "duchashi1")
    response = pages.page.request.get(pages.base + "/dashboards/nothing.xlsx")
    assert response.status == 404
    assert pages.page.request.get(pages.base + "/dashboards/board.pdf").status == 404
