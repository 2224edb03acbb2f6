"""Failed sign-ins, counted per login and per client address, and the locks they lead to.

The counts live in a table beside the events (``infra.side_tables``), so every worker process
of ``serve`` sees the same ones. Each attempt is counted *before* its password is checked, in
one atomic statement, so a burst of concurrent guesses cannot slip past the limit while the
first ones are still being hashed; a correct password takes its count back. When a login or an
address reaches its limit (``policy.sign_in``) it is locked, for longer each time, and the lock
is recorded as a ``SignInLock`` event: who, from where, until when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from uuid import uuid4

from domain.application import Casetrail
from domain.errors import TooManyAttemptsError
from domain.identity import SignInLock
from domain.policy import SignInPolicy
from infra.side_tables import SideTable, sqlite_table

TABLE = "casetrail_sign_in_limits"
SCHEMA = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (kind text NOT NULL, subject text NOT NULL,"
    " failures integer NOT NULL, window_start double precision NOT NULL,"
    " locked_until double precision NOT NULL, locks integer NOT NULL,"
    " seen_at double precision NOT NULL, PRIMARY KEY (kind, subject))",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_seen ON {TABLE} (seen_at)",
)
PURGE_EVERY = timedelta(minutes=1)
IN_FLIGHT_RETRY = timedelta(seconds=1)
"""Attempts beyond the limit while the last allowed ones are still being checked wait this."""

Kind = Literal["login", "address"]


@dataclass(frozen=True)
class Lock:
    until: datetime
    number: int
    failures: int


class SignInLimits:
    """The counters: one row per login and per address that failed recently."""

    def __init__(self, table: SideTable) -> None:
        self.table = table
        self._purged_at: datetime | None = None

    def begin(
        self, kind: Kind, subject: str, limit: int, window: timedelta, now: datetime
    ) -> datetime | None:
        """Count an attempt; the time to wait until, if the attempt may not go ahead."""
        at, cutoff = now.timestamp(), (now - window).timestamp()
        t = TABLE
        rows = self.table.execute(
            f"INSERT INTO {t} VALUES (?, ?, 1, ?, 0, 0, ?) ON CONFLICT (kind, subject) DO UPDATE"
            f" SET failures = CASE WHEN {t}.locked_until > ? THEN {t}.failures"
            f" WHEN {t}.window_start <= ? THEN 1 ELSE {t}.failures + 1 END,"
            f" window_start = CASE WHEN {t}.locked_until > ? THEN {t}.window_start"
            f" WHEN {t}.window_start <= ? THEN ? ELSE {t}.window_start END, seen_at = ?"
            " RETURNING failures, locked_until",
            (kind, subject, at, at, at, cutoff, at, cutoff, at, at),
        )
        failures, locked_until = int(rows[0][0]), float(rows[0][1])
        if locked_until > at:
            return datetime.fromtimestamp(locked_until, UTC)
        if failures > limit:  # the last allowed attempts are still being checked
            self.give_back(kind, subject)
            return now + IN_FLIGHT_RETRY
        return None

    def failed(
        self, kind: Kind, subject: str, limit: int, policy: SignInPolicy, now: datetime
    ) -> Lock | None:
        """The attempt was wrong: lock the subject if it reached its limit (once, however many
        processes see the same failure)."""
        self._purge(policy, now)
        rows = self.table.execute(
            f"SELECT failures, locks, locked_until FROM {TABLE} WHERE kind = ? AND subject = ?",
            (kind, subject),
        )
        if not rows:
            return None
        failures, locks, locked_until = int(rows[0][0]), int(rows[0][1]), float(rows[0][2])
        at = now.timestamp()
        if failures < limit or locked_until > at:
            return None
        until = now + policy.lock_for(locks)
        taken = self.table.execute(
            f"UPDATE {TABLE} SET locked_until = ?, locks = locks + 1, failures = 0,"
            " window_start = ?, seen_at = ? WHERE kind = ? AND subject = ? AND locks = ?"
            " AND locked_until <= ? RETURNING locks",
            (until.timestamp(), at, at, kind, subject, locks, at),
        )
        return Lock(until, int(taken[0][0]), failures) if taken else None

    def give_back(self, kind: Kind, subject: str) -> None:
        """Take back an attempt's count (it succeeded, or was never checked)."""
        self.table.execute(
            f"UPDATE {TABLE} SET failures = failures - 1 WHERE kind = ? AND subject = ?"
            " AND failures > 0",
            (kind, subject),
        )

    def forget(self, kind: Kind, subject: str) -> None:
        self.table.execute(f"DELETE FROM {TABLE} WHERE kind = ? AND subject = ?", (kind, subject))

    def _purge(self, policy: SignInPolicy, now: datetime) -> None:
        if self._purged_at is not None and now - self._purged_at < PURGE_EVERY:
            return
        self._purged_at = now
        quiet = (now - timedelta(hours=policy.forget_after_hours)).timestamp()
        self.table.execute(
            f"DELETE FROM {TABLE} WHERE seen_at <= ? AND locked_until <= ?",
            (quiet, now.timestamp()),
        )

    def close(self) -> None:
        self.table.close()


class SignInGuard:
    """Admits sign-in attempts, counts failures and records locks for ``Accounts.sign_in``."""

    def __init__(self, app: Casetrail, limits: SignInLimits) -> None:
        self.app, self.limits = app, limits

    @property
    def policy(self) -> SignInPolicy:
        return self.app.policy.sign_in

    def admit(self, login: str, address: str, now: datetime) -> None:
        """Count the attempt, or refuse it (``TooManyAttemptsError``) while either is locked."""
        window = timedelta(minutes=self.policy.window_minutes)
        by_address = self.limits.begin(
            "address", address, self.policy.failures_per_address, window, now
        )
        if by_address is not None:
            raise _refusal(by_address, now)
        by_login = self.limits.begin("login", login, self.policy.failures_per_login, window, now)
        if by_login is not None:
            self.limits.give_back("address", address)
            raise _refusal(by_login, now)

    def failed(self, login: str, address: str, now: datetime) -> None:
        """A wrong password: lock what reached its limit, record it, and refuse with 429."""
        until: datetime | None = None
        subjects: tuple[tuple[Kind, str, int], ...] = (
            ("login", login, self.policy.failures_per_login),
            ("address", address, self.policy.failures_per_address),
        )
        for kind, subject, limit in subjects:
            lock = self.limits.failed(kind, subject, limit, self.policy, now)
            if lock is None:
                continue
            recorded = SignInLock.record(
                uuid4(),
                locked=kind,
                login=login,
                address=address,
                failures=lock.failures,
                until=lock.until,
                lock_number=lock.number,
                at=now,
            )
            self.app.commit(recorded)
            until = max(until or lock.until, lock.until)
        if until is not None:
            raise _refusal(until, now)

    def succeeded(self, login: str, address: str) -> None:
        self.limits.forget("login", login)
        self.limits.give_back("address", address)

    def give_back(self, login: str, address: str) -> None:
        """The attempt was never checked (the server was busy): it does not count."""
        self.limits.give_back("login", login)
        self.limits.give_back("address", address)

    def close(self) -> None:
        self.limits.close()


def memory_limits() -> SignInLimits:
    return SignInLimits(sqlite_table(":memory:", SCHEMA))


def _refusal(until: datetime, now: datetime) -> TooManyAttemptsError:
    wait = int((until - now).total_seconds() + 0.999)
    return TooManyAttemptsError(wait, until.astimezone(now.tzinfo).isoformat(timespec="seconds"))
