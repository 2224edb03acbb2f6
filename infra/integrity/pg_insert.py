"""The PostgreSQL function that stores a batch of events and chains them, in one statement.

A command's write is one round trip: the function takes the table lock that keeps the log in
commit order, notifies followers, inserts the events and computes their ``event_hashes`` rows
with the algorithm of ``standalone.py`` (docs/integrity.md, byte by byte), on the server, in
the statement's own transaction. The chain's ends are read under the lock, so no writer can
extend the chain between the read and the insert.

The keys of data subjects new to the batch (``infra.vault.keys.NewKeys``) are inserted by the
same statement, so a sealed value and its key are committed together or not at all. The key
table is named without a schema: it lives where the key store's connection creates it, and the
recorder connects to the same database as the same user, so the name resolves alike. A store
made before keys went this way keeps its events-only function beside this one (an overload), so
processes of the earlier release still write while a new one starts; so does one made before
writes could assert what they relied on (the three-argument function).

A command may decide on records it kept in memory instead of reading them again (the working
calendar, a clerk's directory entry). It passes their ids and the versions it saw, and the
function checks, under the table lock, that each is still the latest stored version: when one
is not, nothing is written and the statement fails with ``STALE_SQLSTATE``, so the command can
read the record again and decide once more. Under the lock no writer can change a record
between the check and the insert.
"""

from __future__ import annotations

from psycopg.sql import SQL, Composed, Identifier, Literal

from infra.integrity.chain import HASHES_TABLE
from infra.integrity.standalone import EVENT_TAG, GENESIS, LOG_TAG

FUNCTION_NAME = "casetrail_insert_chained_events"
FUNCTION_ARGS = 5
STALE_SQLSTATE = "CT409"
"""The error a write fails with when a record it relied on has a newer version."""

_BODY = """
CREATE OR REPLACE FUNCTION {schema}.{function}(events {schema}.{event_type}[],
    key_subjects uuid[], key_values bytea[], relied_ids uuid[], relied_versions bigint[])
RETURNS SETOF bigint LANGUAGE plpgsql AS $body$
DECLARE
    r record;
    ident bytea;
    topic_bytes bytea;
    previous_event bytea;
    previous_log bytea;
    previous_id text;
    previous_version bigint;
    event_hash bytea;
BEGIN
    SET LOCAL lock_timeout = {lock_timeout};
    LOCK TABLE {schema}.{events} IN EXCLUSIVE MODE;
    IF cardinality(relied_ids) > 0 AND EXISTS (
        SELECT 1 FROM unnest(relied_ids, relied_versions) AS k(id, version)
        WHERE k.version IS DISTINCT FROM (SELECT max(e.originator_version)
            FROM {schema}.{events} e WHERE e.originator_id = k.id)
    ) THEN
        RAISE EXCEPTION 'a record this write relied on has a newer version'
            USING ERRCODE = {stale};
    END IF;
    NOTIFY {channel};
    SELECT h.global_hash, h.originator_id, h.originator_version
        INTO previous_log, previous_id, previous_version
        FROM {schema}.{hashes} h ORDER BY h.notification_id DESC LIMIT 1;
    previous_log := coalesce(previous_log, {genesis});
    FOR r IN
        WITH stored AS (
            INSERT INTO {schema}.{events} (originator_id, originator_version, topic, state)
            SELECT e.originator_id, e.originator_version, e.topic, e.state FROM unnest(events) e
            RETURNING notification_id, originator_id::text AS owner, originator_version,
                topic, state
        )
        SELECT * FROM stored ORDER BY notification_id
    LOOP
        previous_event := NULL;
        IF r.originator_version > 1 THEN
            SELECT h.aggregate_hash INTO previous_event FROM {schema}.{hashes} h
                WHERE h.originator_id = r.owner ORDER BY h.originator_version DESC LIMIT 1;
        END IF;
        previous_event := coalesce(previous_event, {genesis});
        ident := convert_to(r.owner, 'UTF8');
        topic_bytes := convert_to(r.topic, 'UTF8');
        event_hash := sha256({event_tag} || int4send(octet_length(ident)) || ident
            || int8send(r.originator_version) || int4send(octet_length(topic_bytes))
            || topic_bytes || int8send(octet_length(r.state)::bigint) || r.state
            || previous_event);
        previous_log := sha256({log_tag} || int8send(r.notification_id)
            || int4send(octet_length(ident)) || ident || int8send(r.originator_version)
            || event_hash || previous_log);
        INSERT INTO {schema}.{hashes} (notification_id, originator_id, originator_version,
            aggregate_hash, global_hash, previous_id, previous_version)
        VALUES (r.notification_id, r.owner, r.originator_version, event_hash, previous_log,
            previous_id, previous_version);
        previous_id := r.owner;
        previous_version := r.originator_version;
        RETURN NEXT r.notification_id;
    END LOOP;
    IF cardinality(key_subjects) > 0 THEN
        INSERT INTO casetrail_subject_keys (subject, key)
            SELECT k.subject, k.key FROM unnest(key_subjects, key_values) AS k(subject, key);
    END IF;
END;
$body$
"""


def create_function(
    schema: str, events_table: str, event_type: str, channel: str, lock_timeout: int
) -> Composed:
    """``CREATE OR REPLACE FUNCTION`` for a store's schema and tables."""
    return SQL(_BODY).format(
        schema=Identifier(schema),
        function=Identifier(FUNCTION_NAME),
        event_type=Identifier(event_type),
        events=Identifier(events_table),
        hashes=Identifier(HASHES_TABLE),
        channel=Identifier(channel),
        lock_timeout=Literal(f"{int(lock_timeout)}s"),
        genesis=Literal(GENESIS),
        event_tag=Literal(EVENT_TAG),
        log_tag=Literal(LOG_TAG),
        stale=Literal(STALE_SQLSTATE),
    )


def call_function(schema: str) -> bytes:
    """The statement that stores a batch: the array of events, then the new subjects' ids and
    keys (two arrays of one length, empty when the batch seals nothing new), then the ids and
    versions of the records the write relied on (empty when it relied on none).

    Rendered to bytes once, and the events passed in binary: composing the statement on every
    call and escaping each event's state as text cost a tenth of a command's own work."""
    return (
        SQL(
            "SELECT {schema}.{function}(%b, %s::uuid[], %s::bytea[], %s::uuid[], %s::bigint[])"
            " AS position"
        )
        .format(schema=Identifier(schema), function=Identifier(FUNCTION_NAME))
        .as_bytes(None)
    )
