"""The store probe behind the API's fast 503: it asks PostgreSQL at most once per interval."""

from __future__ import annotations

import time

import pytest

from api.http.breaker import StoreProbe
from infra.bench.processes import free_port

pytestmark = pytest.mark.postgres


def test_a_server_that_answers_is_up_and_is_not_asked_again_within_the_interval(
    postgres_server: str,
) -> None:
    probe = StoreProbe(postgres_server, every=60.0)
    assert probe.due()
    assert probe.ask() is True
    assert not probe.due()
    assert probe.ask() is True  # the last answer, without asking


def test_a_port_nobody_listens_on_is_down_at_once_and_asked_again_after_the_interval() -> None:
    probe = StoreProbe(f"postgresql://postgres@127.0.0.1:{free_port()}/postgres", every=0.2)
    began = time.monotonic()
    assert probe.ask() is False
    assert time.monotonic() - began < 2.0
    assert not probe.due()
    time.sleep(0.25)
    assert probe.due()
