"""The directory: units, service windows, staff, leaders and enterprises.

Each entry is an aggregate known by a natural key (a unit code, a login, a credit code), so
commands and people can name it; its id is derived from that key.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Self
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.actors import Actor, Role
from domain.base import Tracked, named_id
from domain.errors import InvalidInputError, NotPermittedError

STAFF_ROLES = frozenset(
    {Role.WINDOW_STAFF, Role.UNIT_HEAD, Role.SUPERVISOR, Role.INSPECTOR, Role.LEADER, Role.ADMIN}
)
LEADER_LEVELS = ("county", "department", "window")
OWNERSHIPS = ("state", "collective", "private", "foreign", "hmt", "other")
"""Enterprise ownership: state-owned, collective, private, foreign-invested, invested from Hong
Kong, Macao or Taiwan (港澳台), other. Enterprises registered before ownership was recorded
read as ``unspecified``."""
UNSPECIFIED = "unspecified"


def _require_admin(actor: Actor) -> None:
    if actor.role not in (Role.ADMIN, Role.SYSTEM):
        raise NotPermittedError(f"only an admin edits the directory, not {actor.role}")


def _require_text(**values: str) -> None:
    for label, value in values.items():
        if not value.strip():
            raise InvalidInputError(f"{label.replace('_', ' ')} must not be empty")


class DirectoryEntry(Tracked):
    """What every directory entry shares: amendments and deactivation, each by an admin.

    Nothing in the directory is deleted: a deactivated entry keeps its history and its cases,
    and stops being offered for new work (a window to receive at, a leader to link).
    """

    EDITABLE: ClassVar[tuple[str, ...]] = ()
    """The attributes ``amend`` may change; the rest name the entry (codes) or have own steps."""

    class Amended(Tracked.Event):
        changes: dict[str, str]
        """Attribute -> new value as text (ids as text, ``""`` for none)."""

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, DirectoryEntry)
            for name, value in self.changes.items():
                setattr(aggregate, name, aggregate.restore(name, value))

    class Deactivated(Tracked.Event):
        reason: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, DirectoryEntry)
            aggregate.active = False

    class Reactivated(Tracked.Event):
        reason: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, DirectoryEntry)
            aggregate.active = True

    active: bool
    """Set by each entry's ``__init__``; changed by the events above."""

    @staticmethod
    def id_for(key: str) -> UUID:
        """The entry's id from its natural key; each kind names its own."""
        raise NotImplementedError

    def check_change(self, name: str, value: str) -> None:
        """Refuse a value the entry's own rules refuse (a level, an ownership)."""

    def restore(self, name: str, value: str) -> Any:
        """An amended attribute from its text form."""
        if name.endswith("_id"):
            return UUID(value) if value else None
        return value

    def amend(self, changes: dict[str, str], *, actor: Actor, at: datetime) -> bool:
        """Record the changes that differ from the entry as it is; False when none do."""
        _require_admin(actor)
        unknown = sorted(set(changes) - set(self.EDITABLE))
        if unknown:
            raise InvalidInputError(
                f"a {self.kind}'s {', '.join(unknown)} cannot be amended"
                f" (amendable: {', '.join(self.EDITABLE)})",
                code="not-amendable",
                params={"field": unknown[0]},
            )
        different = {
            name: value
            for name, value in changes.items()
            if self.restore(name, value) != getattr(self, name)
        }
        for name, value in different.items():
            if name in ("name", "title") and not value.strip():
                raise InvalidInputError(
                    f"{name} must not be empty", code="required", params={"field": name}
                )
            self.check_change(name, value)
        if not different:
            return False
        self._record(self.Amended, actor=actor, at=at, changes=different)
        return True

    def deactivate(self, reason: str, *, actor: Actor, at: datetime) -> None:
        _require_admin(actor)
        if not self.active:
            raise InvalidInputError(
                f"this {self.kind} is already inactive", code="already-inactive", params={}
            )
        self._record(self.Deactivated, actor=actor, at=at, reason=_reason(reason))

    def reactivate(self, reason: str, *, actor: Actor, at: datetime) -> None:
        _require_admin(actor)
        if self.active:
            raise InvalidInputError(
                f"this {self.kind} is already active", code="already-active", params={}
            )
        self._record(self.Reactivated, actor=actor, at=at, reason=_reason(reason))

    def state(self) -> dict[str, Any]:
        return {**super().state(), "active": self.active}


def _check_choice(field: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise InvalidInputError(
            f"{field} {value!r} is unknown (choose: {', '.join(choices)})",
            code="unknown-choice",
            params={"field": field, "value": value, "choices": list(choices)},
        )


def _reason(reason: str) -> str:
    if not reason.strip():
        raise InvalidInputError(
            "a reason must not be empty", code="required", params={"field": "reason"}
        )
    return reason.strip()


class Unit(DirectoryEntry):
    """A department or office that handles cases (承办单位)."""

    kind: ClassVar[str] = "unit"
    EDITABLE = ("name",)

    class Registered(Tracked.Created):
        code: str
        name: str

    class Renamed(Tracked.Event):
        name: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Unit)
            aggregate.name = self.name

    def __init__(self, code: str, name: str) -> None:
        self.code, self.name = code, name
        self.active = True

    @staticmethod
    def id_for(code: str) -> UUID:
        return named_id("unit", code)

    @classmethod
    def register(cls, code: str, name: str, *, actor: Actor, at: datetime) -> Self:
        _require_admin(actor)
        _require_text(unit_code=code, unit_name=name)
        return cls._create_by(
            cls.Registered, id=cls.id_for(code), actor=actor, at=at, code=code, name=name
        )

    def rename(self, name: str, *, actor: Actor, at: datetime) -> None:
        _require_admin(actor)
        _require_text(unit_name=name)
        self._record(self.Renamed, actor=actor, at=at, name=name)

    def state(self) -> dict[str, Any]:
        return {**super().state(), "code": self.code, "name": self.name}


class Window(DirectoryEntry):
    """A service window (服务窗口) of a unit, where staff receive demands."""

    kind: ClassVar[str] = "window"
    EDITABLE = ("name",)

    class Opened(Tracked.Created):
        code: str
        name: str
        unit_id: UUID

    def __init__(self, code: str, name: str, unit_id: UUID) -> None:
        self.code, self.name, self.unit_id = code, name, unit_id
        self.active = True

    @staticmethod
    def id_for(code: str) -> UUID:
        return named_id("window", code)

    @classmethod
    def open(cls, code: str, name: str, unit_id: UUID, *, actor: Actor, at: datetime) -> Self:
        _require_admin(actor)
        _require_text(window_code=code, window_name=name)
        return cls._create_by(
            cls.Opened,
            id=cls.id_for(code),
            actor=actor,
            at=at,
            code=code,
            name=name,
            unit_id=unit_id,
        )

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "code": self.code,
            "name": self.name,
            "unit_id": str(self.unit_id),
        }


class Staff(DirectoryEntry):
    """A person who works in Casetrail, with one role, in a unit and perhaps at a window."""

    kind: ClassVar[str] = "staff"
    EDITABLE = ("name",)
    """Role, unit and window change by ``reassign``, with a reason."""

    class Enrolled(Tracked.Created):
        login: str
        name: str
        role: str
        unit_id: UUID | None
        window_id: UUID | None

    class Reassigned(Tracked.Event):
        role: str
        unit_id: UUID | None
        window_id: UUID | None
        reason: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Staff)
            aggregate.role = Role(self.role)
            aggregate.unit_id, aggregate.window_id = self.unit_id, self.window_id

    def __init__(
        self, login: str, name: str, role: str, unit_id: UUID | None, window_id: UUID | None
    ) -> None:
        self.login, self.name, self.role = login, name, Role(role)
        self.unit_id, self.window_id = unit_id, window_id
        self.active = True

    @staticmethod
    def id_for(login: str) -> UUID:
        return named_id("staff", login)

    @classmethod
    def enrol(
        cls,
        login: str,
        name: str,
        role: Role,
        *,
        unit_id: UUID | None = None,
        window_id: UUID | None = None,
        actor: Actor,
        at: datetime,
    ) -> Self:
        _require_admin(actor)
        _require_text(login=login, name=name)
        _check_role(role, unit_id)
        return cls._create_by(
            cls.Enrolled,
            id=cls.id_for(login),
            actor=actor,
            at=at,
            login=login,
            name=name,
            role=role.value,
            unit_id=unit_id,
            window_id=window_id,
        )

    def reassign(
        self,
        role: Role,
        unit_id: UUID | None,
        window_id: UUID | None,
        reason: str,
        *,
        actor: Actor,
        at: datetime,
    ) -> None:
        _require_admin(actor)
        _require_text(reason=reason)
        _check_role(role, unit_id)
        self._record(
            self.Reassigned,
            actor=actor,
            at=at,
            role=role.value,
            unit_id=unit_id,
            window_id=window_id,
            reason=reason,
        )

    @property
    def actor(self) -> Actor:
        return Actor(self.login, self.role)

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "login": self.login,
            "name": self.name,
            "role": self.role.value,
            "unit_id": str(self.unit_id) if self.unit_id else None,
            "window_id": str(self.window_id) if self.window_id else None,
        }


def _check_role(role: Role, unit_id: UUID | None) -> None:
    if role not in STAFF_ROLES:
        allowed = ", ".join(sorted(r.value for r in STAFF_ROLES))
        raise InvalidInputError(f"{role} is not a staff role (staff roles: {allowed})")
    if role in (Role.WINDOW_STAFF, Role.UNIT_HEAD) and unit_id is None:
        raise InvalidInputError(f"a {role} belongs to a unit; give the unit")


class Leader(DirectoryEntry):
    """A leading cadre (领导干部) who is linked to enterprises and visits them."""

    kind: ClassVar[str] = "leader"
    EDITABLE = ("name", "title", "level", "unit_id")

    class Appointed(Tracked.Created):
        code: str
        name: str
        title: str
        level: str
        unit_id: UUID | None

    def __init__(self, code: str, name: str, title: str, level: str, unit_id: UUID | None) -> None:
        self.code, self.name, self.title, self.level = code, name, title, level
        self.unit_id = unit_id
        self.active = True

    @staticmethod
    def id_for(code: str) -> UUID:
        return named_id("leader", code)

    @classmethod
    def appoint(
        cls,
        code: str,
        name: str,
        title: str,
        level: str,
        *,
        unit_id: UUID | None = None,
        actor: Actor,
        at: datetime,
    ) -> Self:
        _require_admin(actor)
        _require_text(leader_code=code, name=name, title=title)
        _check_choice("level", level, LEADER_LEVELS)
        return cls._create_by(
            cls.Appointed,
            id=cls.id_for(code),
            actor=actor,
            at=at,
            code=code,
            name=name,
            title=title,
            level=level,
            unit_id=unit_id,
        )

    def check_change(self, name: str, value: str) -> None:
        if name == "level":
            _check_choice("level", value, LEADER_LEVELS)

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "code": self.code,
            "name": self.name,
            "title": self.title,
            "level": self.level,
            "unit_id": str(self.unit_id) if self.unit_id else None,
        }


class Enterprise(DirectoryEntry):
    """An enterprise served by the city, known by its unified social credit code."""

    kind: ClassVar[str] = "enterprise"
    EDITABLE = ("name", "ownership")
    """The key-enterprise flag changes by ``set_key_flag``, with a reason."""

    class Registered(Tracked.Created):
        credit_code: str
        name: str
        key_enterprise: bool
        ownership: str = UNSPECIFIED
        """Absent from enterprises registered before ownership was recorded."""

    class KeyFlagSet(Tracked.Event):
        key_enterprise: bool
        reason: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Enterprise)
            aggregate.key_enterprise = self.key_enterprise

    def __init__(
        self, credit_code: str, name: str, key_enterprise: bool, ownership: str = UNSPECIFIED
    ) -> None:
        self.credit_code, self.name, self.key_enterprise = credit_code, name, key_enterprise
        self.ownership = ownership
        self.active = True

    @staticmethod
    def id_for(credit_code: str) -> UUID:
        return named_id("enterprise", credit_code)

    @classmethod
    def register(
        cls,
        credit_code: str,
        name: str,
        *,
        key_enterprise: bool = False,
        ownership: str = UNSPECIFIED,
        actor: Actor,
        at: datetime,
    ) -> Self:
        _require_admin(actor)
        _require_text(credit_code=credit_code, name=name)
        if ownership != UNSPECIFIED:
            _check_choice("ownership", ownership, OWNERSHIPS)
        return cls._create_by(
            cls.Registered,
            id=cls.id_for(credit_code),
            actor=actor,
            at=at,
            credit_code=credit_code,
            name=name,
            key_enterprise=key_enterprise,
            ownership=ownership,
        )

    def check_change(self, name: str, value: str) -> None:
        if name == "ownership":
            _check_choice("ownership", value, OWNERSHIPS)

    def set_key_flag(
        self, key_enterprise: bool, reason: str, *, actor: Actor, at: datetime
    ) -> None:
        _require_admin(actor)
        _require_text(reason=reason)
        if key_enterprise != self.key_enterprise:
            self._record(
                self.KeyFlagSet, actor=actor, at=at, key_enterprise=key_enterprise, reason=reason
            )

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "credit_code": self.credit_code,
            "name": self.name,
            "key_enterprise": self.key_enterprise,
            "ownership": self.ownership,
        }
