"""`casetrail report` names the units and people its figures are about, beside their ids."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import CommandRunner
from tests.support.text import UUID_TEXT


def test_every_unit_leader_and_enterprise_id_in_a_report_comes_with_its_name(
    tmp_path: Path,
) -> None:
    casetrail = CommandRunner(tmp_path / "home")
    casetrail.ok("demo", "--cases", "40")
    year = json.loads(casetrail.ok("report", "board"))["as_of"][:4]
    ranking = json.loads(casetrail.ok("report", "ranking", "--period", year, "--draft"))
    assert ranking["ranking"]
    for entry in ranking["ranking"]:
        assert entry["unit_name"] == ranking["names"][entry["unit_id"]]
        assert not UUID_TEXT.search(entry["unit_name"])
    rates = json.loads(casetrail.ok("report", "rates", "--period", year))
    units = [unit for unit in rates["rates"] if unit != "-"]
    assert units
    assert all(unit in rates["names"] for unit in units)
    month = f"{year}-{json.loads(casetrail.ok('report', 'board'))['as_of'][5:7]}"
    coverage = casetrail.ok("report", "coverage", "--period", month)
    document = json.loads(coverage)
    unnamed = set(UUID_TEXT.findall(coverage)) - set(document.get("names", {}))
    assert unnamed == set(), "every id in the coverage report has a name"
    for quota in document["quota"]:
        assert quota["leader_name"]
        assert quota["leader_name"] != quota["leader_id"]
