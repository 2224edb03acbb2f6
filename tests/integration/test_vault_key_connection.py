"""The PostgreSQL key store keeps one connection across calls and replaces it when it drops.

Opening a connection per call made filing a demand (which seals two values) several times
slower than any other command; these tests pin the reuse and that it survives a lost connection.
"""

from __future__ import annotations

from uuid import uuid4

import psycopg
import pytest

from infra.vault.keys import PostgresKeyStore

pytestmark = pytest.mark.postgres


def _key_backends(url: str) -> list[int]:
    with psycopg.connect(url, autocommit=True) as db:
        rows = db.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE application_name = 'casetrail-keys' AND datname = current_database()"
        ).fetchall()
    return [int(row[0]) for row in rows]


def test_sealing_many_subjects_uses_one_connection(fresh_postgres_url: str) -> None:
    keys = PostgresKeyStore(fresh_postgres_url)
    try:
        subjects = [uuid4() for _ in range(20)]
        made = [keys.create(subject) for subject in subjects]
        backends = _key_backends(fresh_postgres_url)
        assert [keys.get(subject) for subject in subjects] == made
        assert keys.destroy(subjects[0]) is True
        assert len(backends) == 1
        assert _key_backends(fresh_postgres_url) == backends
    finally:
        keys.close()
    assert _key_backends(fresh_postgres_url) == []


def test_a_connection_the_server_dropped_is_replaced_and_the_call_still_answers(
    fresh_postgres_url: str,
) -> None:
    keys = PostgresKeyStore(fresh_postgres_url)
    try:
        subject = uuid4()
        key = keys.create(subject)
        (pid,) = _key_backends(fresh_postgres_url)
        with psycopg.connect(fresh_postgres_url, autocommit=True) as db:
            db.execute("SELECT pg_terminate_backend(%s)", (pid,))
        assert keys.get(subject) == key
        assert _key_backends(fresh_postgres_url) != [pid]
    finally:
        keys.close()
