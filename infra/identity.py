"""Accounts: add, list, disable and enable users, set passwords, issue and revoke bearer
tokens, sign in with a password, authenticate.

Passwords are hashed with argon2; a token's secret has 256 bits of entropy, so a SHA-256 digest
is enough to store it. A token reads ``ctk_<token id>_<secret>``: the id finds the record, the
secret proves possession. Nothing secret is ever recorded in the clear.

Every request is authenticated against the stored token *and* its user as they stand: a token
revoked, a user disabled or a password changed takes effect on the next request, in every
process. The two records are kept between requests (the ``KEPT_TOKENS`` used most recently)
and replayed only when the store holds an event newer than the kept version: asking that is one
statement, an indexed look per record that returns no row, where replaying both histories
decoded every event again on every request. Signing in is limited twice over: failed attempts
per login and per client address (``infra.sign_in_limits``), and how many argon2 hashes run at
once (``HashGate``; each takes 64 MiB, so unbounded concurrent sign-ins would exhaust the
server's memory).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from eventsourcing.utils import get_topic

from domain.actors import Actor, Role
from domain.application import Casetrail
from domain.directory import STAFF_ROLES, Enterprise, Leader, Staff
from domain.errors import AlreadyExistsError, BusyError, InvalidInputError, NotFoundError
from domain.identity import SESSION_LABEL, ApiToken, User
from domain.services.base import Saved
from infra.newer_events import moved_on
from infra.sign_in_limits import SignInGuard, memory_limits

TOKEN_PREFIX = "ctk"
KEPT_TOKENS = 10_000
"""How many tokens (with their users) authentication keeps between requests."""
# Verified when a login is unknown, so a wrong login takes as long as a wrong password.
_DUMMY_HASH = PasswordHasher().hash("casetrail-dummy-password")


class AuthenticationError(Exception):
    """The credentials do not identify an active user. The message never says which part."""


@dataclass(frozen=True)
class IssuedToken:
    token_id: UUID
    token: str
    """Shown once; only its digest is kept."""
    login: str
    expires_at: datetime | None


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: the user, the actor they act as, and their scope."""

    login: str
    actor: Actor
    unit_id: UUID | None
    enterprise_id: UUID | None
    token_id: UUID

    @property
    def role(self) -> Role:
        return self.actor.role


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class HashGate:
    """At most ``size`` password hashes at once in this process; a caller waits ``wait``
    seconds for a turn, then is told the server is busy (503 with Retry-After)."""

    def __init__(self, size: int, wait: float) -> None:
        self.size, self.wait = size, wait
        self._slots = threading.BoundedSemaphore(size)

    @contextmanager
    def turn(self) -> Iterator[None]:
        if not self._slots.acquire(timeout=self.wait):
            raise BusyError("password checks")
        try:
            yield
        finally:
            self._slots.release()


class Accounts:
    def __init__(
        self,
        app: Casetrail,
        hasher: PasswordHasher | None = None,
        *,
        guard: SignInGuard | None = None,
        gate: HashGate | None = None,
    ) -> None:
        self.app = app
        self.hasher = hasher or PasswordHasher()
        self.guard = guard or SignInGuard(app, memory_limits())
        self.gate = gate or HashGate(2, 10.0)
        self._kept: OrderedDict[UUID, tuple[ApiToken, User | None]] = OrderedDict()
        """Least recently used first: a token in use is never the one let go."""
        self._kept_lock = threading.Lock()

    def _hash(self, password: str) -> str:
        checked = _checked(password)
        with self.gate.turn():
            return self.hasher.hash(checked)

    def _verify(self, stored: str | None, password: str) -> bool:
        with self.gate.turn():
            try:
                return bool(self.hasher.verify(stored or _DUMMY_HASH, password))
            except (VerificationError, InvalidHashError):
                return False

    @property
    def session_hours(self) -> int:
        return self.app.policy.sign_in.session_hours

    def users(self) -> list[User]:
        """Every user, in the order they were added."""
        return [self.app.load(User, i) for i in self.app.iter_ids([get_topic(User.Added)])]

    def user(self, login: str) -> User:
        try:
            return self.app.load(User, User.id_for(login))
        except NotFoundError:
            raise NotFoundError(f"no user with login {login!r}") from None

    def add_user(
        self,
        login: str,
        role: Role,
        *,
        actor: Actor,
        unit: str | None = None,
        enterprise: str | None = None,
        leader: str | None = None,
        password: str | None = None,
    ) -> Saved:
        """Add a user; staff logins take their unit from the directory, and must agree with it."""
        if self.app.exists(User.id_for(login)):
            raise AlreadyExistsError(f"user {login} already exists")
        unit_id = self.app.unit(unit).id if unit else None
        enterprise_id, acts_as = None, login
        if self.app.exists(Staff.id_for(login)) and role in STAFF_ROLES:
            staff = self.app.staff(login)
            if staff.role is not role:
                raise InvalidInputError(
                    f"{login} is enrolled as {staff.role.value} in the directory, not {role.value}"
                )
            if unit_id is not None and staff.unit_id not in (None, unit_id):
                raise InvalidInputError(f"{login} works in another unit per the directory")
            unit_id = unit_id or staff.unit_id
        if role is Role.ENTERPRISE:
            if not enterprise:
                raise InvalidInputError("an enterprise user needs --enterprise CREDIT_CODE")
            found = self.app.load(Enterprise, Enterprise.id_for(enterprise))
            enterprise_id, acts_as = found.id, found.credit_code
        if role is Role.LEADER:
            acts_as = self.app.load(Leader, Leader.id_for(leader or login)).code
        password_hash = self._hash(password) if password is not None else None
        user = User.add(
            login,
            role,
            acts_as=acts_as,
            unit_id=unit_id,
            enterprise_id=enterprise_id,
            password_hash=password_hash,
            actor=actor,
            at=self.app.now(),
        )
        return self.app.commit(user)[0]

    def set_password(self, login: str, password: str, *, actor: Actor) -> Saved:
        """A new password; the user's sign-in sessions end (tokens for systems stay)."""
        user = self.user(login)
        user.set_password(self._hash(password), actor=actor, at=self.app.now())
        return self.app.commit(user)[0]

    def disable(self, login: str, reason: str, *, actor: Actor) -> Saved:
        """Disable a user: every token and web session of theirs stops working at once, and
        stays dead if the user is enabled again."""
        user = self.user(login)
        user.disable(reason, actor=actor, at=self.app.now())
        return self.app.commit(user)[0]

    def enable(self, login: str, reason: str, *, actor: Actor) -> Saved:
        user = self.user(login)
        user.enable(reason, actor=actor, at=self.app.now())
        return self.app.commit(user)[0]

    def issue_token(
        self,
        login: str,
        *,
        actor: Actor,
        label: str = "token",
        expires_at: datetime | None = None,
    ) -> IssuedToken:
        user = self.user(login)
        token_id, secret = uuid4(), secrets.token_urlsafe(32)
        token = ApiToken.issue(
            token_id,
            user,
            digest(secret),
            label=label,
            expires_at=expires_at,
            actor=actor,
            at=self.app.now(),
        )
        self.app.commit(token)
        return IssuedToken(token_id, f"{TOKEN_PREFIX}_{token_id.hex}_{secret}", login, expires_at)

    def revoke_token(self, token_id: UUID, reason: str, *, actor: Actor) -> Saved:
        try:
            token = self.app.load(ApiToken, token_id)
        except NotFoundError:
            raise NotFoundError(f"no token with id {token_id}") from None
        token.revoke(reason, actor=actor, at=self.app.now())
        return self.app.commit(token)[0]

    def sign_in(self, login: str, password: str, *, address: str) -> IssuedToken:
        """A session token for a correct login and password, from the client at ``address``.

        Refused with ``TooManyAttemptsError`` while the login or the address is locked (the
        password is not even checked then), and with ``BusyError`` when too many hashes run."""
        if "\x00" in login:  # no login holds one, and PostgreSQL text cannot store it
            raise AuthenticationError("wrong login or password")
        now, subject = self.app.now(), login.strip().lower()[:200]
        self.guard.admit(subject, address, now)
        user = self._user_or_none(login)
        stored = user.password_hash if user is not None else None
        try:
            right = self._verify(stored, password)
        except BusyError:
            self.guard.give_back(subject, address)
            raise
        if not right or user is None or stored is None or user.disabled:
            self.guard.failed(subject, address, now)
            raise AuthenticationError("wrong login or password")
        self.guard.succeeded(subject, address)
        expires = self.app.now() + timedelta(hours=self.session_hours)
        return self.issue_token(login, actor=user.actor, label=SESSION_LABEL, expires_at=expires)

    def authenticate(self, token: str) -> Principal:
        token_id, secret = _parse(token)
        record, user = self._current(token_id)
        if not hmac.compare_digest(record.secret_digest, digest(secret)):
            raise AuthenticationError("unknown or revoked token")
        now = self.app.now()
        if not record.active(now):
            raise AuthenticationError("the token was revoked or has expired")
        if user is None or not user.honours(record, now):
            raise AuthenticationError("the token's user is disabled or the token was ended")
        return Principal(user.login, user.actor, user.unit_id, user.enterprise_id, token_id)

    def _current(self, token_id: UUID) -> tuple[ApiToken, User | None]:
        """The token and its user as the store holds them now: the kept copies, unless the
        store has an event of either past the kept version (then that one is read again).
        The kept copies are only read, never changed, so threads may share them."""
        with self._kept_lock:
            kept = self._kept.get(token_id)
            if kept is not None:
                self._kept.move_to_end(token_id)
        if kept is None:
            record = self._token(token_id)
            user = self._user_or_none(record.login)
        else:
            record, user = kept
            if user is None:
                if self._moved_on(record)[0]:
                    record = self._token(token_id)
                user = self._user_or_none(record.login)
            else:
                token_moved, user_moved = self._moved_on(record, user)
                if token_moved:
                    record = self._token(token_id)
                if user_moved:
                    user = self._user_or_none(record.login)
        if kept is None or kept[0] is not record or kept[1] is not user:
            with self._kept_lock:
                self._kept[token_id] = (record, user)
                self._kept.move_to_end(token_id)
                if len(self._kept) > KEPT_TOKENS:
                    self._kept.popitem(last=False)  # the least recently used
        return record, user

    def _moved_on(self, *records: ApiToken | User) -> list[bool]:
        return moved_on(self.app.recorder, [(r.id, r.version) for r in records])

    def _token(self, token_id: UUID) -> ApiToken:
        try:
            return self.app.load(ApiToken, token_id)
        except NotFoundError:
            raise AuthenticationError("unknown or revoked token") from None

    def _user_or_none(self, login: str) -> User | None:
        try:
            return self.user(login)
        except NotFoundError:
            return None


def _checked(password: str) -> str:
    if len(password) < 8:
        raise InvalidInputError("a password needs at least 8 characters")
    return password


def _parse(token: str) -> tuple[UUID, str]:
    prefix, _, rest = token.partition("_")
    token_hex, _, secret = rest.partition("_")
    if prefix != TOKEN_PREFIX or not secret:
        raise AuthenticationError("not a Casetrail token (ctk_<id>_<secret>)")
    try:
        return UUID(hex=token_hex), secret
    except ValueError:
        raise AuthenticationError("not a Casetrail token (ctk_<id>_<secret>)") from None
