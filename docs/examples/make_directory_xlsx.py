"""Write docs/examples/directory.xlsx from the CSV files beside it: one sheet per kind.

    .venv/bin/python docs/examples/make_directory_xlsx.py
"""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent
SHEETS = ("units", "windows", "staff", "enterprises", "leaders", "links", "stationed")


def main() -> None:
    book = Workbook()
    book.remove(book.active)
    for kind in SHEETS:
        sheet = book.create_sheet(kind)
        with (HERE / f"directory-{kind}.csv").open(encoding="utf-8", newline="") as file:
            for row in csv.reader(file):
                sheet.append(row)
    book.save(HERE / "directory.xlsx")


if __name__ == "__main__":
    main()
