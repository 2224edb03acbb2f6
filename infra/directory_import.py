"""Import the directory from a CSV file or an XLSX workbook, row by row, with a report.

Each row goes through the same rules as a form (``Casetrail.put_entry``, mode ``upsert``): a
valid row is recorded, a refused one changes nothing and is reported with its row number, the
field at fault and the refusal's code and parameters (so each reader gets the reason in their
language). Importing the same file again records nothing new.

A workbook may hold one kind of entry, or several sheets named after kinds (``units`` or
``单位``...), imported in dependency order: units, windows, staff, enterprises, leaders, links,
stationed staff. Headers may be the field names or the Chinese column titles below; a CSV
saved by a Chinese Excel (GB 18030) reads as well as UTF-8.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook

from domain.actors import Actor
from domain.application import Casetrail
from domain.directory_rows import FIELDS, KINDS, REQUIRED, check_kind
from domain.errors import DomainError, InvalidInputError

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
ALL = "directory"
"""The kind that means "every sheet of the workbook, each named after its kind"."""

SHEET_NAMES: dict[str, str] = {
    "单位": "units", "窗口": "windows", "工作人员": "staff", "人员": "staff", "企业": "enterprises",
    "领导": "leaders", "领导干部": "leaders", "挂钩联系": "links", "驻企服务员": "stationed",
    "驻企服务": "stationed",
}  # fmt: skip
HEADERS: dict[str, str] = {
    "代码": "code", "编码": "code", "名称": "name", "姓名": "name", "单位": "unit",
    "所属单位": "unit", "登录名": "login", "账号": "login", "角色": "role", "窗口": "window",
    "统一社会信用代码": "credit_code", "信用代码": "credit_code", "所有制": "ownership",
    "所有制类型": "ownership", "企业性质": "ownership", "重点企业": "key_enterprise",
    "职务": "title", "级别": "level", "领导": "leader", "领导代码": "leader",
    "企业": "enterprise", "企业信用代码": "enterprise", "备注": "note",
}  # fmt: skip
KIND_HEADERS: dict[str, dict[str, str]] = {
    "units": {"单位代码": "code", "单位名称": "name"},
    "windows": {"窗口代码": "code", "窗口名称": "name", "单位代码": "unit"},
    "staff": {"单位代码": "unit", "窗口代码": "window"},
    "enterprises": {"企业名称": "name"},
    "leaders": {"领导代码": "code", "单位代码": "unit"},
    "links": {},
    "stationed": {"工作人员": "login"},
}


@dataclass(frozen=True)
class Refusal:
    """A refused row (or a refused file: row 0) and why."""

    kind: str
    row: int
    field: str | None
    code: str
    params: dict[str, object]
    message: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[Refusal] = field(default_factory=list)
    position: int | None = None
    """The log position of the last event recorded (None: nothing recorded)."""

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.refused)


@dataclass(frozen=True)
class Sheet:
    kind: str
    header: list[str]
    rows: list[tuple[int, list[object]]]


def import_directory(
    app: Casetrail, kind: str, filename: str, content: bytes, *, actor: Actor
) -> ImportReport:
    """Import ``content`` (a CSV or XLSX file named ``filename``) as entries of ``kind``."""
    if kind != ALL:
        check_kind(kind)
    if len(content) > MAX_BYTES:
        raise InvalidInputError(
            f"the file is larger than {MAX_BYTES // 1024 // 1024} MB",
            code="file-too-large",
            params={"field": "file", "max_mb": MAX_BYTES // 1024 // 1024},
        )
    report = ImportReport()
    for sheet in read_sheets(kind, filename, content):
        _import_sheet(app, sheet, report, actor)
    return report


def _import_sheet(app: Casetrail, sheet: Sheet, report: ImportReport, actor: Actor) -> None:
    fields = _fields(sheet.kind, sheet.header)
    missing = [f for f in REQUIRED[sheet.kind] if f not in fields.values()]
    if missing:
        report.refused.append(Refusal(
            sheet.kind, 1, missing[0], "column-missing", {"field": missing[0]},
            f"the {sheet.kind} sheet has no {missing[0]} column",
        ))  # fmt: skip
        return
    for number, cells in sheet.rows:
        raw = {name: cells[i] if i < len(cells) else None for i, name in fields.items()}
        try:
            put = app.put_entry(sheet.kind, raw, actor=actor, mode="upsert")
        except DomainError as error:
            name = error.params.get("field")
            report.refused.append(Refusal(
                sheet.kind, number, str(name) if name else None, error.code,
                dict(error.params), str(error),
            ))  # fmt: skip
            continue
        setattr(report, put.outcome, getattr(report, put.outcome) + 1)
        report.position = put.position if put.position is not None else report.position


def _fields(kind: str, header: list[str]) -> dict[int, str]:
    """Column index -> field name, for the columns the kind knows (others are ignored)."""
    found: dict[int, str] = {}
    for index, title in enumerate(header):
        text = title.strip()
        name = KIND_HEADERS[kind].get(text) or HEADERS.get(text) or text.lower()
        if name in FIELDS[kind] and name not in found.values():
            found[index] = name
    return found


def read_sheets(kind: str, filename: str, content: bytes) -> list[Sheet]:
    """The file's sheets as (kind, header, numbered rows); a file it cannot read is refused."""
    if filename.lower().endswith(".csv"):
        if kind == ALL:
            raise InvalidInputError(
                "a CSV file holds one kind of entry; name the kind",
                code="kind-needed",
                params={"field": "kind"},
            )
        return [_sheet(kind, _csv_rows(content))]
    if not filename.lower().endswith((".xlsx", ".xlsm")):
        raise InvalidInputError(
            f"{filename} is neither a CSV nor an XLSX file",
            code="file-type",
            params={"field": "file", "value": filename},
        )
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise InvalidInputError(
            f"{filename} is not a readable XLSX workbook",
            code="file-unreadable",
            params={"field": "file", "value": filename},
        ) from None
    try:
        if kind != ALL:
            return [_sheet(kind, book.worksheets[0].iter_rows(values_only=True))]
        by_kind = {_sheet_kind(ws.title): ws for ws in book.worksheets}
        return [
            _sheet(k, by_kind[k].iter_rows(values_only=True)) for k in KINDS if k in by_kind
        ]
    finally:
        book.close()


def _sheet_kind(title: str) -> str:
    text = title.strip()
    return SHEET_NAMES.get(text, text.lower())


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes every byte string
        raise InvalidInputError("the CSV file's text encoding is unknown", code="file-unreadable")
    yield from csv.reader(io.StringIO(text))


def _sheet(kind: str, rows: Iterable[Iterable[Any]]) -> Sheet:
    header: list[str] | None = None
    numbered: list[tuple[int, list[object]]] = []
    for number, row in enumerate(rows, start=1):
        cells = list(row)
        if not any(c is not None and str(c).strip() for c in cells):
            continue
        if header is None:
            header = [str(c or "") for c in cells]
            continue
        numbered.append((number, cells))
        if len(numbered) > MAX_ROWS:
            raise InvalidInputError(
                f"the file has more than {MAX_ROWS} rows; split it",
                code="too-many-rows",
                params={"field": "file", "max": MAX_ROWS},
            )
    return Sheet(kind, header or [], numbered)
