"""Who may sign in: users with one role, and the bearer tokens issued to them.

A user acts as a domain ``Actor``: staff as their login (their role is the directory's), an
enterprise as its credit code, a leader as their leader code. Only hashes of passwords and
tokens are recorded; hashing happens outside the domain, which receives the digests.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Self
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.actors import Actor, Role
from domain.base import Tracked, named_id
from domain.errors import InvalidInputError
from domain.refusals import StepRefusedError, iso, require_role, require_text, uid

USER_ROLES = frozenset(Role) - {Role.SYSTEM}
UNIT_ROLES = frozenset({Role.WINDOW_STAFF, Role.UNIT_HEAD})
STEWARDS = (Role.ADMIN, Role.SYSTEM)
SESSION_LABEL = "session"
"""The label of the tokens signing in issues."""


class User(Tracked):
    """A person or a system that signs in to Casetrail, in one role."""

    kind: ClassVar[str] = "user"

    class Added(Tracked.Created):
        login: str
        role: str
        acts_as: str
        unit_id: UUID | None
        enterprise_id: UUID | None
        password_hash: str | None

    class PasswordSet(Tracked.Event):
        password_hash: str

        def apply(self, aggregate: Aggregate) -> None:
            user = _user(aggregate)
            user.password_hash = self.password_hash
            user.password_set_at = self.timestamp

    class Disabled(Tracked.Event):
        reason: str

        def apply(self, aggregate: Aggregate) -> None:
            user = _user(aggregate)
            user.disabled, user.disabled_at = True, self.timestamp

    class Enabled(Tracked.Event):
        reason: str

        def apply(self, aggregate: Aggregate) -> None:
            _user(aggregate).disabled = False

    def __init__(
        self,
        *,
        login: str,
        role: str,
        acts_as: str,
        unit_id: UUID | None,
        enterprise_id: UUID | None,
        password_hash: str | None,
    ) -> None:
        self.login, self.role, self.acts_as = login, Role(role), acts_as
        self.unit_id, self.enterprise_id = unit_id, enterprise_id
        self.password_hash = password_hash
        self.disabled = False
        # Tokens issued up to these moments stop working: every token at a disabling (also
        # after the user is enabled again), the sign-in sessions at a password change.
        self.disabled_at: datetime | None = None
        self.password_set_at: datetime | None = None

    @staticmethod
    def id_for(login: str) -> UUID:
        return named_id("user", login)

    @classmethod
    def add(
        cls,
        login: str,
        role: Role,
        *,
        acts_as: str,
        unit_id: UUID | None = None,
        enterprise_id: UUID | None = None,
        password_hash: str | None = None,
        actor: Actor,
        at: datetime,
    ) -> Self:
        require_role(actor, STEWARDS, "add users")
        login = require_text("a login", login)
        if any(c.isspace() for c in login):
            raise InvalidInputError(f"login {login!r} must not contain spaces")
        if role not in USER_ROLES:
            allowed = ", ".join(sorted(r.value for r in USER_ROLES))
            raise InvalidInputError(f"{role.value} is not a user role (roles: {allowed})")
        if role in UNIT_ROLES and unit_id is None:
            raise InvalidInputError(f"a {role.value} works in a unit; give the unit")
        if role is Role.ENTERPRISE and enterprise_id is None:
            raise InvalidInputError("an enterprise user needs the enterprise's credit code")
        return cls._create_by(
            cls.Added,
            id=cls.id_for(login),
            actor=actor,
            at=at,
            login=login,
            role=role.value,
            acts_as=require_text("who the user acts as", acts_as),
            unit_id=unit_id,
            enterprise_id=enterprise_id,
            password_hash=password_hash,
        )

    def set_password(self, password_hash: str, *, actor: Actor, at: datetime) -> None:
        if actor.id != self.acts_as:
            require_role(actor, STEWARDS, "set another user's password")
        password_hash = require_text("a hash", password_hash)
        self._record(self.PasswordSet, actor=actor, at=at, password_hash=password_hash)

    def disable(self, reason: str, *, actor: Actor, at: datetime) -> None:
        require_role(actor, STEWARDS, "disable users")
        if self.disabled:
            raise StepRefusedError("disable", "disabled", f"user {self.login} is already disabled")
        self._record(self.Disabled, actor=actor, at=at, reason=require_text("a reason", reason))

    def enable(self, reason: str, *, actor: Actor, at: datetime) -> None:
        require_role(actor, STEWARDS, "enable users")
        if not self.disabled:
            raise StepRefusedError("enable", "enabled", f"user {self.login} is not disabled")
        self._record(self.Enabled, actor=actor, at=at, reason=require_text("a reason", reason))

    def honours(self, token: ApiToken, at: datetime) -> bool:
        """Whether ``token`` acts for this user now: not disabled, the token active and issued
        after the last disabling (and, for a sign-in session, after the last password change)."""
        if self.disabled or token.login != self.login or not token.active(at):
            return False
        if self.disabled_at is not None and token.created_on <= self.disabled_at:
            return False
        is_session = token.label == SESSION_LABEL
        return not (
            is_session
            and self.password_set_at is not None
            and token.created_on <= self.password_set_at
        )

    @property
    def actor(self) -> Actor:
        return Actor(self.acts_as, self.role)

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "login": self.login,
            "role": self.role.value,
            "acts_as": self.acts_as,
            "unit_id": uid(self.unit_id),
            "enterprise_id": uid(self.enterprise_id),
            "has_password": self.password_hash is not None,
            "disabled": self.disabled,
            "disabled_at": iso(self.disabled_at),
            "password_set_at": iso(self.password_set_at),
        }


class ApiToken(Tracked):
    """A bearer token: its id is public, its secret is known only by its digest."""

    kind: ClassVar[str] = "token"

    class Issued(Tracked.Created):
        login: str
        acts_as: str
        secret_digest: str
        label: str
        expires_at: datetime | None

    class Revoked(Tracked.Event):
        reason: str

        def apply(self, aggregate: Aggregate) -> None:
            token = aggregate
            assert isinstance(token, ApiToken)
            token.revoked_at = self.timestamp

    def __init__(
        self,
        login: str,
        acts_as: str,
        secret_digest: str,
        label: str,
        expires_at: datetime | None,
    ) -> None:
        self.login, self.acts_as = login, acts_as
        self.secret_digest, self.label = secret_digest, label
        self.expires_at = expires_at
        self.revoked_at: datetime | None = None

    @classmethod
    def issue(
        cls,
        token_id: UUID,
        user: User,
        secret_digest: str,
        *,
        label: str,
        expires_at: datetime | None,
        actor: Actor,
        at: datetime,
    ) -> Self:
        """Issue a token to ``user``: by an admin, or by the user when signing in."""
        if actor.id != user.acts_as:
            require_role(actor, STEWARDS, "issue tokens to other users")
        if user.disabled:
            raise StepRefusedError("issue a token", "disabled", f"user {user.login} is disabled")
        if expires_at is not None and expires_at <= at:
            raise InvalidInputError("a token must expire after it is issued")
        return cls._create_by(
            cls.Issued,
            id=token_id,
            actor=actor,
            at=at,
            login=user.login,
            acts_as=user.acts_as,
            secret_digest=require_text("a digest", secret_digest),
            label=label.strip() or "token",
            expires_at=expires_at,
        )

    def revoke(self, reason: str, *, actor: Actor, at: datetime) -> None:
        if actor.id != self.acts_as:
            require_role(actor, STEWARDS, "revoke another user's token")
        if self.revoked_at is not None:
            raise StepRefusedError("revoke", "revoked", f"token {self.id} is already revoked")
        self._record(self.Revoked, actor=actor, at=at, reason=require_text("a reason", reason))

    def active(self, at: datetime) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or at < self.expires_at

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "login": self.login,
            "label": self.label,
            "issued_at": iso(self.created_on),
            "expires_at": iso(self.expires_at),
            "revoked_at": iso(self.revoked_at),
        }


class SignInLock(Tracked):
    """A lock on a login or a client address after too many failed sign-ins, recorded so that
    who was locked, from where and until when is part of the record (等保 2.0)."""

    kind: ClassVar[str] = "sign_in_lock"

    class Recorded(Tracked.Created):
        locked: str
        login: str
        address: str
        failures: int
        until: datetime
        lock_number: int

    def __init__(
        self,
        *,
        locked: str,
        login: str,
        address: str,
        failures: int,
        until: datetime,
        lock_number: int,
    ) -> None:
        self.locked, self.login, self.address = locked, login, address
        self.failures, self.until, self.lock_number = failures, until, lock_number

    @classmethod
    def record(
        cls,
        lock_id: UUID,
        *,
        locked: str,
        login: str,
        address: str,
        failures: int,
        until: datetime,
        lock_number: int,
        at: datetime,
    ) -> Self:
        """Record a lock: ``locked`` says what is locked (``login`` or ``address``); the
        other names the attempt that reached the limit."""
        if locked not in LOCKABLE:
            raise InvalidInputError(f"a sign-in lock is on a login or an address, not {locked!r}")
        if until <= at:
            raise InvalidInputError("a sign-in lock must end after it begins")
        return cls._create_by(
            cls.Recorded,
            id=lock_id,
            actor=SIGN_IN_GUARD,
            at=at,
            locked=locked,
            login=login,
            address=address,
            failures=failures,
            until=until,
            lock_number=lock_number,
        )

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "locked": self.locked,
            "login": self.login,
            "address": self.address,
            "failures": self.failures,
            "since": iso(self.created_on),
            "until": iso(self.until),
            "lock_number": self.lock_number,
        }


LOCKABLE = ("login", "address")
SIGN_IN_GUARD = Actor("sign-in-guard", Role.SYSTEM)
"""Who records sign-in locks: the system, on its own account."""


def _user(aggregate: Aggregate) -> User:
    assert isinstance(aggregate, User)
    return aggregate
