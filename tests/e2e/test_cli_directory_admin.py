"""A city starts from an empty store on the command line: the directory from the example
workbook, an entry added and deactivated by hand, refusals with exit 2, and a login."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.cli import ROOT, CommandRunner

EXAMPLES = ROOT / "docs" / "examples"


def test_an_empty_store_gets_its_directory_from_the_example_workbook(tmp_path: Path) -> None:
    casetrail = CommandRunner(tmp_path / "home")
    first = casetrail("admin", "import", "directory", str(EXAMPLES / "directory.xlsx"))
    assert first.returncode == 0, first.stderr
    assert "18 created, 0 updated, 0 unchanged, 0 refused" in first.stdout
    again = casetrail.ok("admin", "import", "directory", str(EXAMPLES / "directory.xlsx"))
    assert "0 created, 0 updated, 18 unchanged, 0 refused" in again

    listed = casetrail.ok("admin", "list", "enterprises", "--search", "闽江")
    assert "91350100MA2Y00010F\t闽江精密机械有限公司\tprivate\tTrue\tTrue" in listed

    casetrail.ok("admin", "add", "units", "code=TAX", "name=税务局")
    twice = casetrail("admin", "add", "units", "code=TAX", "name=税务局")
    assert twice.returncode == 2
    assert "code: units TAX is already registered" in twice.stderr
    casetrail.ok("admin", "deactivate", "units", "TAX", "--reason", "并入")
    window = casetrail("admin", "add", "windows", "code=TAX-W1", "name=办税", "unit=TAX")
    assert (window.returncode, "unit: unit TAX is inactive" in window.stderr) == (2, True)

    bad = casetrail("admin", "add", "enterprises", "credit_code=91350100MA2Y00010X", "name=X",
                    "ownership=private")  # fmt: skip
    assert bad.returncode == 2
    assert "credit_code:" in bad.stderr
    unknown = casetrail("admin", "add", "units", "colour=red")
    assert (unknown.returncode, "no field 'colour'" in unknown.stderr) == (2, True)

    added = subprocess.run(
        [sys.executable, "-m", "api.cli.main", "users", "add", "li.na", "--role", "window_staff",
         "--password-stdin"],
        cwd=ROOT, env=casetrail.env, input="a long pass\n", capture_output=True, text=True,
        check=False, timeout=120,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    users = casetrail.ok("admin", "list", "users")
    assert "li.na\twindow_staff\tli.na\tFalse" in users


def test_an_import_with_refused_rows_records_the_rest_and_exits_2(tmp_path: Path) -> None:
    casetrail = CommandRunner(tmp_path / "home")
    units = tmp_path / "units.csv"
    units.write_text("code,name\nAMR,市场监督管理局\nbad code,坏\nHRS,\n", encoding="utf-8")
    done = casetrail("admin", "import", "units", str(units))
    assert done.returncode == 2
    assert "1 created, 0 updated, 0 unchanged, 2 refused" in done.stdout
    assert "units row 3, code:" in done.stdout
    assert "units row 4, name: name must not be empty" in done.stdout
    assert "AMR" in casetrail.ok("admin", "list", "units")
