"""The API's small parts, in memory: If-Match parsing, idempotency decisions, metrics text, the
time-limit state of a case row, and the rules of users and tokens."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from api.http.deps import expected_version
from api.http.metrics import Metrics
from api.http.problems import ProblemError
from domain.actors import Actor, Role
from domain.errors import InvalidInputError, NotPermittedError
from domain.identity import ApiToken, User
from domain.policy import Policy
from infra.idempotency import MemoryIdempotencyStore, StoredResponse
from projections.figures.board import case_state
from projections.figures.context import Context
from tests.support.app import ADMIN, memory_app
from tests.support.clock import CHINA, START, FakeClock


@pytest.mark.parametrize(("header", "version"), [('W/"3"', 3), ('"12"', 12), ("7", 7), ("*", None)])
def test_if_match_takes_weak_and_strong_etags_and_bare_numbers(header: str, version: int) -> None:
    assert expected_version(header) == version


def test_if_match_that_is_not_a_version_is_refused() -> None:
    with pytest.raises(ProblemError):
        expected_version("W/abc")


def test_an_idempotency_key_replays_refuses_another_body_and_can_be_released() -> None:
    clock = FakeClock()
    store = MemoryIdempotencyStore(clock)
    assert store.reserve("caller", "k", "body-1").outcome == "reserved"
    assert store.reserve("caller", "k", "body-1").outcome == "in_progress"
    store.complete("caller", "k", StoredResponse(201, [("etag", 'W/"1"')], b"{}"))
    replay = store.reserve("caller", "k", "body-1")
    assert (replay.outcome, replay.response) == (
        "replay",
        StoredResponse(201, [("etag", 'W/"1"')], b"{}"),
    )
    assert store.reserve("caller", "k", "body-2").outcome == "different_request"
    assert store.reserve("someone else", "k", "body-2").outcome == "reserved"
    store.release("someone else", "k")
    assert store.reserve("someone else", "k", "body-3").outcome == "reserved"


def test_a_reservation_left_by_a_dead_request_is_taken_over_after_five_minutes() -> None:
    clock = FakeClock()
    store = MemoryIdempotencyStore(clock)
    store.reserve("caller", "k", "body")
    clock.advance(minutes=6)
    assert store.reserve("caller", "k", "body").outcome == "reserved"


def test_metrics_histogram_buckets_are_cumulative() -> None:
    metrics = Metrics()
    metrics.observe("GET", "/healthz", 200, 0.003)
    metrics.observe("GET", "/healthz", 200, 0.2)
    text = metrics.render([("cases", 40, 2)])
    families = {f.name: f for f in text_string_to_metric_families(text)}
    buckets = {
        s.labels["le"]: s.value
        for s in families["casetrail_http_request_duration_seconds"].samples
        if s.name.endswith("_bucket")
    }
    assert (buckets["0.005"], buckets["0.25"], buckets["+Inf"]) == (1, 2, 2)
    [lag] = families["casetrail_projection_lag_events"].samples
    assert (lag.labels, lag.value) == ({"projection": "cases"}, 2)


def row(due: str, due_at: datetime, **extra: object) -> dict[str, object]:
    return {
        "status": "in_progress",
        "due": due,
        "due_at": due_at,
        "period": 15,
        "period_unit": "working_days",
        "extension_days": 0,
        "extension_hours": 0,
        "deadline_start": START,
        "provisional": False,
        "cycle_overdue": False,
        "answered_on_time": None,
        **extra,
    }


def test_a_case_row_is_due_soon_on_its_last_working_day_and_overdue_after(policy: Policy) -> None:
    app = memory_app(FakeClock())
    calendar = app.work_calendar()

    def time_state(row: dict[str, object], now: datetime, *_: object) -> str:
        return case_state(row, Context(now, calendar, policy))

    due_at = datetime(2026, 3, 24, tzinfo=CHINA)
    friday = datetime(2026, 3, 20, 10, tzinfo=CHINA)  # 1 working day left: Monday 23
    assert time_state(row("2026-03-23", due_at), friday, calendar, policy) == "due_soon"
    assert time_state(row("2026-03-23", due_at), START, calendar, policy) == "on_time"
    after = due_at + timedelta(minutes=1)
    assert time_state(row("2026-03-23", due_at), after, calendar, policy) == "overdue"
    paused = row("2026-03-23", due_at, status="paused")
    assert time_state(paused, after, calendar, policy) == "paused"


def test_unit_roles_need_a_unit_and_only_an_admin_adds_users() -> None:
    with pytest.raises(InvalidInputError):
        User.add("li.na", Role.WINDOW_STAFF, acts_as="li.na", actor=ADMIN, at=START)
    with pytest.raises(NotPermittedError):
        User.add("x", Role.ADMIN, acts_as="x", actor=Actor("li.na", Role.WINDOW_STAFF), at=START)


def test_a_token_stops_working_when_revoked_or_expired() -> None:
    user = User.add("root", Role.ADMIN, acts_as="root", actor=ADMIN, at=START)
    token = ApiToken.issue(
        User.id_for("t"),
        user,
        "digest",
        label="s",
        expires_at=START + timedelta(hours=1),
        actor=ADMIN,
        at=START,
    )
    assert token.active(START + timedelta(minutes=59))
    assert not token.active(START + timedelta(hours=1))
    token.revoke("lost", actor=ADMIN, at=START + timedelta(minutes=1))
    assert not token.active(START + timedelta(minutes=2))
