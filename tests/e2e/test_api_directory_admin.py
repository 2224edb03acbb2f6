"""An admin builds the directory over the API: entries created, amended, deactivated, listed a
page at a time and searched, imported from CSV and XLSX with a report of the refused rows; other
roles are refused, and bad input is a problem document naming the field."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from domain.credit_code import check_character
from tests.e2e.api_world import PASSWORD, World, open_world, settings_for, world
from tests.support.clock import FakeClock

__all__ = ["world"]
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
CODE = "91350100MA2Y00099" + check_character("91350100MA2Y00099")


def upload(world: World, kind: str, name: str, content: bytes) -> Any:
    return world.client.post(
        f"/api/v1/directory/{kind}/import",
        files={"file": (name, content)},
        headers=world.auth("root"),
    )


def workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_admin_registers_amends_deactivates_and_lists_entries(world: World) -> None:
    created = world.post("root", "/api/v1/directory/units", {"code": "TAX", "name": "税务局"})
    assert created.status_code == 201, created.text
    assert created.json()["outcome"] == "created"
    again = world.post("root", "/api/v1/directory/units", {"code": "TAX", "name": "税务局"})
    assert (again.status_code, again.json()["code"]) == (409, "already-exists")
    assert again.json()["params"]["field"] == "code"

    amended = world.client.put(
        "/api/v1/directory/units/TAX", json={"name": "国家税务总局某县税务局"},
        headers=world.auth("root"),
    )  # fmt: skip
    assert amended.json()["outcome"] == "updated"
    found = world.get("root", "/api/v1/directory/units", q="税务")
    assert [(u["code"], u["name"], u["active"]) for u in found.json()["items"]] == [
        ("TAX", "国家税务总局某县税务局", True)
    ]
    gone = world.post(
        "root", "/api/v1/directory/units/TAX/deactivation", {"reason": "并入 AMR"}
    )
    assert gone.status_code == 200, gone.text
    window = world.post(
        "root", "/api/v1/directory/windows", {"code": "TAX-W1", "name": "办税窗口", "unit": "TAX"}
    )
    assert (window.status_code, window.json()["code"]) == (422, "inactive-reference")
    assert window.json()["params"]["field"] == "unit"
    listed = world.get("root", "/api/v1/directory/units", q="TAX").json()["items"]
    assert listed[0]["active"] is False


def test_lists_come_a_page_at_a_time(world: World) -> None:
    for number in range(5):
        body = {"code": f"P{number}", "name": f"单位{number}"}
        world.step("root", "/api/v1/directory/units", body)
    seen: list[str] = []
    cursor = None
    while True:
        params = {"q": "单位", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = world.get("root", "/api/v1/directory/units", **params).json()
        seen += [u["code"] for u in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == ["P0", "P1", "P2", "P3", "P4"]


def test_a_bad_credit_code_is_a_problem_naming_the_field(world: World) -> None:
    body = {"credit_code": CODE[:-1] + "0", "name": "错码公司", "ownership": "private"}
    refused = world.post("root", "/api/v1/directory/enterprises", body)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert (refused.json()["code"], refused.json()["params"]["field"]) == (
        "credit-code-check", "credit_code",
    )  # fmt: skip


def test_only_an_admin_administers_the_directory(world: World) -> None:
    for login in ("li.na", "chen.jie", "data-platform", "example-co"):
        assert world.get(login, "/api/v1/directory/units").status_code == 403
        refused = world.post(login, "/api/v1/directory/units", {"code": "X", "name": "X"})
        assert refused.status_code == 403
        assert world.get(login, "/api/v1/users").status_code == 403


def test_an_import_records_valid_rows_reports_refused_ones_and_is_safe_to_repeat(
    world: World,
) -> None:
    content = workbook([
        ["统一社会信用代码", "企业名称", "所有制", "重点企业"],
        [CODE, "闽江新材料有限公司", "民营", "是"],
        [CODE[:-1] + "0", "错码公司", "国有", "否"],
        [],
        ["91350100MA2Y0009" + "1" + check_character("91350100MA2Y00091"), "无所有制公司", "", ""],
    ])  # fmt: skip
    first = upload(world, "enterprises", "企业.xlsx", content)
    assert first.status_code == 200, first.text
    report = first.json()
    assert (report["created"], report["updated"], report["unchanged"]) == (1, 0, 0)
    assert [(r["row"], r["field"], r["code"]) for r in report["refused"]] == [
        (3, "credit_code", "credit-code-check"),
        (5, "ownership", "required"),
    ]
    again = upload(world, "enterprises", "企业.xlsx", content).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 1)
    assert again["position"] is None  # nothing new was recorded
    listed = world.get("root", "/api/v1/directory/enterprises", q="闽江").json()["items"]
    assert [(e["credit_code"], e["ownership"], e["key_enterprise"]) for e in listed] == [
        (CODE, "private", True)
    ]


def test_the_example_directory_imports_whole_and_then_changes_nothing(world: World) -> None:
    content = (EXAMPLES / "directory.xlsx").read_bytes()
    report = upload(world, "directory", "directory.xlsx", content).json()
    assert report["refused"] == []
    # Eighteen rows over seven sheets; the shared test directory already holds some of them
    # (units AMR and HRS, li.na...), which are amended to the workbook's details.
    assert report["created"] + report["updated"] + report["unchanged"] == 18
    assert report["created"] >= 8
    assert report["updated"] >= 1
    again = upload(world, "directory", "directory.xlsx", content).json()
    assert (again["created"], again["updated"], again["refused"]) == (0, 0, [])
    csv = (EXAMPLES / "directory-units.csv").read_bytes()
    assert upload(world, "units", "units.csv", csv).json()["unchanged"] == 2
    assert upload(world, "directory", "units.csv", csv).json()["code"] == "kind-needed"


def test_a_file_that_is_not_a_workbook_is_refused(world: World) -> None:
    refused = upload(world, "units", "units.xlsx", b"not a zip")
    assert (refused.status_code, refused.json()["code"]) == (422, "file-unreadable")


def test_the_admin_lists_users_and_searches_them(world: World) -> None:
    users = world.get("root", "/api/v1/users", q="-co").json()["items"]
    assert sorted(u["login"] for u in users) == ["example-co", "other-co"]
    assert all("password_hash" not in u for u in users)
    page = world.get("root", "/api/v1/users", limit=3).json()
    assert len(page["items"]) == 3
    assert page["next"]
    rest = world.get("root", "/api/v1/users", limit=50, cursor=page["next"]).json()
    assert len(page["items"]) + len(rest["items"]) == 11


@pytest.mark.postgres
def test_directory_search_and_import_on_postgresql(
    tmp_path: Path, clock: FakeClock, fresh_postgres_url: str
) -> None:
    pg = open_world(settings_for(tmp_path / "home", "postgres", fresh_postgres_url), clock)
    try:
        content = (EXAMPLES / "directory.xlsx").read_bytes()
        assert upload(pg, "directory", "directory.xlsx", content).json()["refused"] == []
        found = pg.get("root", "/api/v1/directory/enterprises", q="榕城").json()["items"]
        assert [e["ownership"] for e in found] == ["state"]
        literal = pg.get("root", "/api/v1/directory/units", q="100%").json()["items"]
        assert literal == []  # a % is searched for, not a wildcard
    finally:
        pg.container.close()


def test_a_deactivated_staff_member_can_no_longer_sign_in(world: World) -> None:
    assert world.get("zhao.lei", "/api/v1/session").status_code == 200
    gone = world.post("root", "/api/v1/directory/staff/zhao.lei/deactivation", {"reason": "调离"})
    assert gone.status_code == 200, gone.text
    assert world.get("zhao.lei", "/api/v1/session").status_code == 401
    signing_in = world.client.post(
        "/api/v1/session", json={"login": "zhao.lei", "password": PASSWORD}
    )
    assert signing_in.status_code == 401
