"""The quarterly evaluation over HTTP: an enterprise reads the form and answers about a
department once; supervisors read the results per department, enterprises and staff do not."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.e2e.api_world import World, world
from tests.support.clock import CHINA, FakeClock

__all__ = ["world"]

SCORES = {"environment": 5, "efficiency": 4, "attitude": 5, "policy_delivery": 4, "integrity": 5}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 9, 14, 10, 0, tzinfo=CHINA))


def test_an_enterprise_answers_once_and_the_supervisor_reads_the_result(world: World) -> None:
    form = world.get("example-co", "/api/v1/quarterly-evaluation/form").json()
    assert form["open_quarters"] == ["2026-Q3"]
    assert form["answered"] == {"2026-Q3": []}
    assert list(form["questions"]) == list(SCORES)

    body = {"unit": "AMR", "quarter": "2026-Q3", "scores": SCORES, "comment": "办事快"}
    saved = world.step("example-co", "/api/v1/quarterly-evaluation/answers", body)

    again = world.post("example-co", "/api/v1/quarterly-evaluation/answers", body)
    assert again.status_code == 409
    assert again.json()["code"] == "evaluation-answered-once"
    form = world.get("example-co", "/api/v1/quarterly-evaluation/form").json()
    assert form["answered"] == {"2026-Q3": ["AMR"]}

    found = world.get(
        "chen.jie", "/api/v1/quarterly-evaluation/2026-Q3", min_position=saved["position"]
    )
    assert found.status_code == 200, found.text
    result = found.json()
    assert result["quarter"] == "2026-Q3"
    assert result["definitions"] == "metrics-2026.3"
    (amr,) = result["units"]
    assert (amr["answers"], amr["overall"], amr["ranked"]) == (1, 4.6, False)
    assert amr["response_rate"]["denominator"] == result["eligible_enterprises"] == 3


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"quarter": "2026-Q2"}, "evaluation-quarter-not-open"),
        ({"scores": {**SCORES, "parking": 3}}, "evaluation-question-unknown"),
        ({"scores": {**SCORES, "attitude": 9}}, "evaluation-score-out-of-scale"),
        ({"enterprise": "91440300MA5OTHER01"}, "not-your-enterprise"),
    ],
)
def test_an_answer_the_rules_refuse_is_refused_with_its_code(
    world: World, change: dict[str, object], code: str
) -> None:
    body = {"unit": "AMR", "quarter": "2026-Q3", "scores": SCORES, **change}
    refused = world.post("example-co", "/api/v1/quarterly-evaluation/answers", body)

    assert refused.status_code in (403, 409, 422), refused.text
    problem = refused.json()
    assert problem.get("code", problem["type"].rsplit(":", 1)[-1]) == code


def test_only_enterprises_answer_and_enterprises_read_no_results(world: World) -> None:
    body = {"unit": "AMR", "quarter": "2026-Q3", "scores": SCORES}
    assert world.post("li.na", "/api/v1/quarterly-evaluation/answers", body).status_code == 403
    assert world.get("example-co", "/api/v1/quarterly-evaluation/2026-Q3").status_code == 403
    for reader in ("wang.qiang", "county-01", "zhou.min", "data-platform", "root"):
        assert world.get(reader, "/api/v1/quarterly-evaluation/2026-Q3").status_code == 200
