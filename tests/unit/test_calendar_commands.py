"""The ``deadline`` and ``calendar`` commands over an in-memory application.

The handlers' inner functions take the application and an output stream, so these tests run
them without a store on disk; argument errors are checked through ``main`` (they exit 2 before
any application is opened).
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from pathlib import Path

import pytest

from api.cli import calendar as calendar_command
from api.cli.common import UsageError, parse_time
from api.cli.deadline import DeadlineRequest, compute, parse_pause
from api.cli.main import main
from domain.actors import Actor, Role
from domain.application import Casetrail
from domain.clock import Pause
from domain.errors import InvalidInputError
from infra.calendar_loader import read_arrangement_file
from tests.support.app import ADMIN, memory_app, seed_directory
from tests.support.clock import CHINA, FakeClock

EXAMPLE_2027 = Path(__file__).parents[2] / "docs" / "examples" / "calendar-2027.toml"
LI = Actor("li.na", Role.WINDOW_STAFF)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 30, 9, 0, tzinfo=CHINA))


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    return memory_app(clock)


def deadline_text(
    app: Casetrail,
    start: str,
    *,
    days: int | None = None,
    case_type: str | None = None,
    pauses: tuple[Pause, ...] = (),
    extend: int = 0,
) -> list[str]:
    """What ``casetrail deadline`` prints, line by line."""
    request = DeadlineRequest(parse_time(start, "START"), days, case_type, pauses, extend)
    out = io.StringIO()
    assert compute(app, request, out) == 0
    return out.getvalue().splitlines()


def publish_example(app: Casetrail) -> str:
    out = io.StringIO()
    arrangement = read_arrangement_file(EXAMPLE_2027, 2027)
    assert calendar_command.publish(app, arrangement, ADMIN, out) == 0
    return out.getvalue()


def test_a_complaint_before_spring_festival_prints_its_due_date_first_then_the_counting(
    app: Casetrail,
) -> None:
    lines = deadline_text(app, "2026-02-12", case_type="complaint")
    assert lines[0] == "2026-03-11"  # hand-counted in test_clock.py
    text = "\n".join(lines)
    version = app.policy.version
    assert f"15 working days from 2026-02-12T00:00:00+08:00 (complaint, policy {version})" in text
    assert "start day 2026-02-12 (Thursday) is not counted" in text
    assert "2026-02-16 (Monday)      Spring Festival 春节" in text
    assert "2026-02-28 (Saturday)    make-up for Spring Festival 春节" in text
    assert "check: 27 days after the start day = 15 counted + 12 rest + 0 paused" in text
    assert f"calendar version {app.work_calendar().version}, policy version {version}" in text
    assert "provisional" not in text


def test_a_period_into_2027_is_marked_provisional_until_2027_is_published(app: Casetrail) -> None:
    before = deadline_text(app, "2026-12-20", days=15)
    assert before[0] == "2027-01-11"  # New Year's Day rests by statute, published or not
    assert before[-1].startswith("provisional: no official arrangement for 2027")
    assert "recomputed 0 provisional case deadlines on 2027" in publish_example(app)
    after = deadline_text(app, "2026-12-20", days=15)
    assert after[0] == "2027-01-11"
    assert "  2027-01-01 (Friday)      New Year's Day 元旦" in after
    assert not any("provisional" in line for line in after)


def test_publishing_a_year_recomputes_an_open_case_provisional_on_it(
    app: Casetrail, clock: FakeClock
) -> None:
    seed_directory(app)
    clock.set(datetime(2026, 12, 21, 9, 0, tzinfo=CHINA))  # Monday
    case_id = app.file_demand(case_type="complaint", channel="window", summary="收费不透明",
                              actor=LI, filer_name="周先生").id
    # Dec 22-25 1..4 | Dec 28-31 5..8 | Jan 1 New Year's Day (statutory) | Jan 4-8 9..13 |
    # Jan 11-12 14..15
    assert app.case(case_id).deadline.due == date(2027, 1, 12)
    assert app.case(case_id).deadline.provisional_years == [2027]
    assert "recomputed 1 provisional case deadlines on 2027" in publish_example(app)
    # The arrangement agrees on the due day; the deadline is now official.
    assert app.case(case_id).deadline.due == date(2027, 1, 12)
    assert not app.case(case_id).deadline.provisional


def test_pauses_and_an_extension_appear_in_the_derivation(app: Casetrail) -> None:
    lines = deadline_text(
        app, "2026-03-02", days=5, pauses=(parse_pause("supplement:2026-03-04:2026-03-09"),),
        extend=2,
    )
    # 5 days with the pause end Thu Mar 12 (test_clock.py); +2 working days: Fri 13, Mon 16.
    assert lines[0] == "2026-03-16"
    assert "  supplement: stopped 2026-03-04, resumed 2026-03-09" in lines
    paused = "2026-03-05, 2026-03-06, 2026-03-09"
    assert f"  working days not counted while paused (3): {paused}" in lines
    assert "extensions (+2 working days):" in lines


def test_json_output_is_the_deadline_as_data(app: Casetrail) -> None:
    out = io.StringIO()
    compute(app, DeadlineRequest(parse_time("2026-03-13", "START"), days=1, as_json=True), out)
    data = json.loads(out.getvalue())
    assert (data["due"], data["provisional"]) == ("2026-03-16", False)
    assert data["derivation"]["policy_version"] == app.policy.version


def test_an_unknown_demand_type_lists_the_policys_types(app: Casetrail) -> None:
    with pytest.raises(UsageError, match="consultation, help, report, suggestion"):
        deadline_text(app, "2026-03-02", case_type="complaints")


def test_an_extension_beyond_the_policy_limit_is_refused(app: Casetrail) -> None:
    with pytest.raises(UsageError, match="at most 10 working days"):
        deadline_text(app, "2026-03-02", days=5, extend=11)


def test_an_open_pause_gives_no_due_date(app: Casetrail) -> None:
    with pytest.raises(InvalidInputError, match="stopped since 2026-03-04"):
        deadline_text(app, "2026-03-02", days=5, pauses=(parse_pause("hearing:2026-03-04:"),))


@pytest.mark.parametrize(
    ("text", "pause"),
    [
        ("supplement:2026-03-04:2026-03-09",
         Pause("supplement", date(2026, 3, 4), date(2026, 3, 9))),
        ("testing:2026-03-04:", Pause("testing", date(2026, 3, 4))),
        ("expert_review:2026-03-04", Pause("expert_review", date(2026, 3, 4))),
    ],
)
def test_a_pause_argument_is_kind_from_and_optional_to(text: str, pause: Pause) -> None:
    assert parse_pause(text) == pause


@pytest.mark.parametrize(
    "text", ["supplement", ":2026-03-04:2026-03-09", "x:2026-03-09:2026-03-04", "x:3/4:3/9"]
)
def test_a_malformed_pause_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError):
        parse_pause(text)


def test_show_lists_a_published_year_month_by_month(app: Casetrail) -> None:
    out = io.StringIO()
    calendar_command.show(app, 2026, out)
    lines = out.getvalue().splitlines()
    assert lines[1].startswith("official arrangement, source: chinesecalendar 1.11.0")
    assert lines[3:5] == ["January", "  2026-01-01 Thu  rest       New Year's Day 元旦"]
    assert "  2026-01-04 Sun  working    make-up for New Year's Day 元旦" in lines
    assert [line for line in lines if not line.startswith(" ")][3:] == [
        "January", "February", "April", "May", "June", "September", "October"
    ]


def test_show_says_an_unpublished_year_makes_deadlines_provisional(app: Casetrail) -> None:
    out = io.StringIO()
    calendar_command.show(app, 2027, out)
    assert "not published" in out.getvalue()
    assert "Deadlines entering 2027 are provisional" in out.getvalue()


def test_an_overlay_is_added_and_shown_as_a_local_rest_day(app: Casetrail) -> None:
    out = io.StringIO()
    days = [date(2026, 4, 20), date(2026, 4, 21)]
    calendar_command.add_overlay(app, "三月三", days, source="自治区通知", actor=ADMIN, out=out)
    assert out.getvalue().startswith("added local rest days 2026-04-20, 2026-04-21 (三月三")
    shown = io.StringIO()
    calendar_command.show(app, 2026, shown)
    assert "  2026-04-20 Mon  local rest 三月三" in shown.getvalue().splitlines()
    assert deadline_text(app, "2026-04-17", days=1)[0] == "2026-04-22"  # Fri -> skip Mon, Tue


@pytest.mark.parametrize(
    "argv",
    [
        ["deadline", "2026-02-12"],
        ["deadline", "2026-02-12", "--days", "3", "--type", "complaint"],
        ["deadline", "2026-02-12", "--days", "0"],
        ["deadline", "2026-02-12", "--days", "three"],
        ["deadline", "12/02/2026", "--days", "3"],
        ["deadline", "2026-02-12", "--days", "3", "--pause", "supplement"],
        ["calendar"],
        ["calendar", "publish", "2027"],
        ["calendar", "publish", "2027", "--file", "/nonexistent/calendar-2027.toml"],
        ["calendar", "publish", "2028", "--file", str(EXAMPLE_2027)],
        ["calendar", "overlay", "add", "x", "--dates", "2026-13-01", "--source", "s"],
    ],
)
def test_bad_arguments_exit_2_before_anything_is_opened(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert "error" in capsys.readouterr().err
