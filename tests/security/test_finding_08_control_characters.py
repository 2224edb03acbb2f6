"""Finding 13.8: a summary holding U+0001 U+001B was accepted, after which Open311's
``requests.xml`` was not well-formed for anyone; ``?owner=%00`` was a 500.

Control characters other than tab and line breaks are refused in every text field of every
body, form and query (422 with the code ``control-character``), every event refuses them
whichever edge it came from, and every XML answer stays well-formed whatever the store holds.
"""

from __future__ import annotations

import inspect
import io
from datetime import timedelta, timezone
from pathlib import Path
from typing import Any
from uuid import UUID
from xml.etree import ElementTree as ET

import pytest
from openpyxl import load_workbook
from pydantic import BaseModel, ValidationError

import domain.base
import domain.services.cases
from api.cli.main import main
from api.http import schemas
from api.http.schemas.common import Body
from api.web.i18n import Locale
from api.web.sheets import Column, Download, Sheet, to_xlsx
from domain.errors import InvalidInputError
from domain.text import ControlCharacterError
from tests.e2e.api_world import World, open_world, settings_for, world
from tests.support.clock import FakeClock
from tests.unit.test_web_pages import csrf_of, signed_in

__all__ = ["world"]

CASE = {"case_type": "complaint", "channel": "window", "summary": "审批超时", "filer_name": "张伟"}
CONTROLS = ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\ud800", "\uffff"]


def body_schemas() -> list[type[Body]]:
    found: dict[str, type[Body]] = {}
    for module in vars(schemas).values():
        if inspect.ismodule(module):
            for value in vars(module).values():
                if inspect.isclass(value) and issubclass(value, Body) and value is not Body:
                    found[value.__qualname__ + value.__module__] = value
    return list(found.values())


def text_fields(model: type[BaseModel]) -> list[str]:
    return [
        name
        for name, info in model.model_fields.items()
        if "str" in str(info.annotation) and "Literal" not in str(info.annotation)
    ]


def test_every_text_field_of_every_body_refuses_a_control_character() -> None:
    checked = []
    for model in body_schemas():
        for name in text_fields(model):
            listed = "list" in str(model.model_fields[name].annotation)
            value: Any = ["ok", "a\x1bb"] if listed else "a\x01b"
            with pytest.raises(ValidationError) as refused:
                model.model_validate({name: value})
            types = {(e["loc"][0], e["type"]) for e in refused.value.errors()}
            assert (name, "control_character") in types, (model.__name__, name)
            checked.append((model.__name__, name))
    assert len(checked) > 40  # every area's bodies, not a handful


def test_a_summary_with_control_characters_is_a_422_with_its_code(world: World) -> None:
    head = world.container.app.recorder.max_notification_id()
    refused = world.post("li.na", "/api/v1/cases", {**CASE, "summary": "审批\u0001\u001b超时"})
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert (problem["code"], problem["params"]) == (
        "control-character",
        {"field": "summary", "character": "U+0001"},
    )
    assert [e["field"] for e in problem["errors"]] == ["body.summary"]
    assert world.container.app.recorder.max_notification_id() == head


def test_tab_and_line_breaks_are_still_text(world: World) -> None:
    filed = world.post("li.na", "/api/v1/cases", {**CASE, "summary": "第一\t条\r\n第二条\n"})
    assert filed.status_code == 201, filed.text


@pytest.mark.parametrize("character", CONTROLS)
def test_the_domain_refuses_them_whichever_edge_calls_it(world: World, character: str) -> None:
    # The web forms and the command line reach the domain without a schema; every event
    # checks its own text.
    with pytest.raises(ControlCharacterError) as refused:
        world.container.app.file_demand(
            case_type="complaint",
            channel="window",
            summary=f"a{character}b",
            actor=world.container.accounts.authenticate(world.tokens["li.na"]).actor,
            real_name=False,
        )
    assert isinstance(refused.value, InvalidInputError)
    assert refused.value.code == "control-character"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/cases?owner=%00",
        "/api/v1/cases?status=received&owner=a%1bb",
        "/api/v1/views/cases/cases?where=owner%3D%00",
        "/api/v1/cases?cursor=%01",
    ],
)
def test_a_control_character_in_a_query_is_a_422_not_a_500(world: World, path: str) -> None:
    answer = world.client.get(path, headers=world.auth("data-platform"))
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "control-character"


def test_open311_refuses_them_in_the_specs_error_format(world: World) -> None:
    head = world.container.app.recorder.max_notification_id()
    form = {
        "api_key": world.tokens["example-co"],
        "service_code": "complaint",
        "description": "a\u0001\u001bb",
    }
    refused = world.client.post("/open311/v2/requests.xml", data=form)
    assert refused.status_code == 422
    [error] = ET.fromstring(refused.content).findall("error")
    assert error.findtext("code") == "422"
    assert "control" in str(error.findtext("description"))
    query = world.client.get("/open311/v2/requests.json", params={"service_code": "\x00"})
    assert query.status_code == 422
    assert query.json()[0]["code"] == 422
    assert world.container.app.recorder.max_notification_id() == head


def _store_as_an_earlier_release_did(monkeypatch: pytest.MonkeyPatch) -> None:
    """Events written before the check existed: the check is switched off while they are."""
    for module in (domain.base, domain.services.cases):
        monkeypatch.setattr(module, "refuse_control_characters", lambda values: None)


def test_stored_control_characters_leave_every_xml_answer_well_formed(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as earlier:
        _store_as_an_earlier_release_did(earlier)
        stored = world.post(
            "example-co",
            "/api/v1/cases",
            {"case_type": "complaint", "summary": "x", "real_name": False},
        )
        assert stored.status_code == 201, stored.text
        case = world.container.app.file_demand(
            case_type="complaint",
            channel="web",
            summary="审批\u0001\u001b超时\ufffe",
            actor=world.container.accounts.authenticate(world.tokens["li.na"]).actor,
            real_name=False,
        )
    for path in (
        "/open311/v2/requests.xml",
        f"/open311/v2/requests/{case.id}.xml",
    ):
        answer = world.client.get(path, params={"api_key": world.tokens["data-platform"]})
        assert answer.status_code == 200, answer.text
        root = ET.fromstring(answer.content)  # raises when not well-formed
        summaries = [r.findtext("description") for r in root.findall("request")]
        assert "审批超时" in summaries
    assert (
        world.client.get(f"/api/v1/cases/{case.id}", headers=world.auth("li.na")).status_code == 200
    )


@pytest.mark.postgres
def test_a_nul_in_a_query_filter_is_a_422_on_postgresql(
    tmp_path: Path, clock: FakeClock, fresh_postgres_url: str
) -> None:
    pg = open_world(settings_for(tmp_path / "home", "postgres", fresh_postgres_url), clock)
    try:
        for path in ("/api/v1/cases?owner=%00", "/api/v1/cases?enterprise=%00&type=%00"):
            answer = pg.client.get(path, headers=pg.auth("data-platform"))
            assert answer.status_code == 422, answer.text
        assert pg.client.get("/api/v1/cases", headers=pg.auth("data-platform")).status_code == 200
    finally:
        pg.container.close()


def test_the_command_line_refuses_them_with_exit_code_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["users", "add", "li\x1bna", "--role", "window_staff"])
    assert stopped.value.code == 2
    assert "control character (U+001B)" in capsys.readouterr().err


def test_a_web_form_with_them_is_refused_beside_the_form(world: World) -> None:
    case = world.step("li.na", "/api/v1/cases", CASE)
    client = signed_in(world.container, "li.na")
    token = csrf_of(client.get(f"/cases/{case['id']}").text)
    page = client.post(
        f"/cases/{case['id']}/steps/answer_directly",
        data={"csrf": token, "expected_version": "1", "answer": "材料\u001b[2J见指南"},
    )
    assert page.status_code == 422
    assert "含有不允许的控制字符（U+001B）" in page.text
    assert world.container.app.case(UUID(case["id"])).version == 1  # nothing was recorded


def test_a_spreadsheet_of_names_stored_with_them_still_opens() -> None:
    sheet = Sheet("窗口", [Column("名称"), Column("件数", "count")])
    sheet.add("政务\u0001服务\u001b窗口", 3)
    china = Locale("zh-CN", timezone(timedelta(hours=8)))
    book = to_xlsx(Download("lists", [sheet], {"position": 7}), china)
    opened = load_workbook(io.BytesIO(book))
    assert opened.worksheets[0]["A2"].value == "政务服务窗口"
