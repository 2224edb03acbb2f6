"""Figures as downloads: one or more tables, stamped, written as CSV or as an XLSX workbook.

A download holds the same numbers as the page it comes from (the page and the download read the
same figures), as numbers a spreadsheet can compute with: rates as fractions formatted as
percentages, counts as integers. Every download carries the stamp a page shows under its
figures (definitions, policy, calendar, log position, time), so a copy passed on by e-mail
still says what it counts and as of when.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from api.web.i18n import Locale
from domain.text import xml_safe

Cell = str | int | float | None
Kind = Literal["text", "count", "rate", "score"]
FORMATS: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
NUMBER_FORMATS: dict[Kind, str] = {"count": "#,##0", "rate": "0.0%", "score": "0.000"}
SHEET_TITLE_LIMIT = 31  # Excel refuses longer worksheet names


@dataclass(frozen=True)
class Column:
    title: str
    kind: Kind = "text"


@dataclass
class Sheet:
    """One table: its title, its columns and its rows (one cell per column)."""

    title: str
    columns: Sequence[Column]
    rows: list[list[Cell]] = field(default_factory=list)

    def add(self, *cells: Cell) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{self.title}: {len(cells)} cells for {len(self.columns)} columns")
        self.rows.append(list(cells))


@dataclass(frozen=True)
class Download:
    """What a page offers to download: its tables and the stamp of the figures in them."""

    name: str
    sheets: Sequence[Sheet]
    stamp: dict[str, object]


def stamp_rows(stamp: dict[str, object], loc: Locale) -> list[tuple[str, str]]:
    """The stamp in the reader's words, in the order the pages show it."""
    as_of = stamp.get("as_of")
    return [
        (loc.t("figure.definitions"), str(stamp.get("definitions", ""))),
        (loc.t("figure.policy"), str(stamp.get("policy_version", ""))),
        (loc.t("figure.calendar"), str(stamp.get("calendar_version", ""))),
        (loc.t("figure.position"), str(stamp.get("position", ""))),
        (loc.t("figure.as_of"), loc.datetime(as_of) if isinstance(as_of, str) else str(as_of)),
    ]


def to_csv(download: Download, loc: Locale) -> bytes:
    """The stamp, then each table under its title, a blank line between them.

    UTF-8 with a byte-order mark: without it Excel, the program most offices open a CSV with,
    reads Chinese as mojibake."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for key, value in stamp_rows(download.stamp, loc):
        writer.writerow([key, value])
    for sheet in download.sheets:
        writer.writerow([])
        writer.writerow([sheet.title])
        writer.writerow([c.title for c in sheet.columns])
        writer.writerows(["" if v is None else v for v in row] for row in sheet.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(download: Download, loc: Locale) -> bytes:
    """One worksheet per table, numbers kept as numbers, and the stamp on a sheet of its own."""
    book = Workbook()
    first = True
    for sheet in download.sheets:
        ws = book.active if first else book.create_sheet()
        assert ws is not None
        first = False
        ws.title = _sheet_title(sheet.title, book.sheetnames)
        ws.append([c.title for c in sheet.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            # A name stored before control characters were refused would make openpyxl refuse
            # the whole workbook (XLSX is XML): leave those characters out of the cell.
            ws.append([xml_safe(c) if isinstance(c, str) else c for c in row])
        for index, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(index)
            if column.kind in NUMBER_FORMATS:
                for (cell,) in ws[f"{letter}2:{letter}{ws.max_row}"]:
                    cell.number_format = NUMBER_FORMATS[column.kind]
            width = max(len(str(v)) for v in [column.title, *(r[index - 1] for r in sheet.rows)])
            ws.column_dimensions[letter].width = min(60, 4 + 2 * width)
        ws.freeze_panes = "B2"
    stamp = book.create_sheet(_sheet_title(loc.t("figure.stamp"), book.sheetnames))
    for key, value in stamp_rows(download.stamp, loc):
        stamp.append([key, value])
    stamp.column_dimensions["A"].width = 24
    stamp.column_dimensions["B"].width = 40
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(download: Download, fmt: str, loc: Locale) -> bytes:
    if fmt == "csv":
        return to_csv(download, loc)
    if fmt == "xlsx":
        return to_xlsx(download, loc)
    raise ValueError(f"no such format: {fmt}")


def _sheet_title(wanted: str, taken: list[str]) -> str:
    # Excel forbids these characters in a worksheet's name.
    title = "".join(" " if ch in '[]:*?/\\' else ch for ch in wanted)[:SHEET_TITLE_LIMIT]
    title = title.strip() or "Sheet"
    candidate, n = title, 2
    while candidate in taken:
        suffix = f" ({n})"
        candidate, n = title[: SHEET_TITLE_LIMIT - len(suffix)] + suffix, n + 1
    return candidate
