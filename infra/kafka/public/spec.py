"""How an internal event becomes a public one: the declared fields, their types, and masking.

A ``Publication`` names the public type (``cn.casetrail.case.dispatched.v1``) of one internal
event class and lists, field by field, what goes into the CloudEvent's ``data``. Anything not
listed never leaves the store: that is what keeps free text, filers' identities and
credentials out of the stream. The JSON Schema of each type is generated from the same list, so
the payload and the published schema cannot drift apart.

Internal classes may be renamed or reshaped; a publication then changes its ``read`` functions,
never the public shape. A public shape that must change gets a new type (``.v2``) next to the old.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal
from uuid import UUID

from domain.disclosure import FILER_ROLES

TYPE_PREFIX = "cn.casetrail"
FieldType = Literal[
    "string", "uuid", "integer", "number", "boolean", "datetime", "date", "uuids", "strings",
    "integers", "deadline", "string_map",
]
Reader = Callable[[Any], Any]
Masker = Callable[[Any], frozenset[str]]

# The actor's id is published only for people acting in an office; an enterprise, a rater or an
# inspector appears by role alone (a filer's or a whistle-blower's identity never leaves).
ROLES_NAMED_IN_PUBLIC = frozenset(
    {"window_staff", "unit_head", "supervisor", "leader", "admin", "system"}
)


@dataclass(frozen=True)
class Field:
    """One public field. ``read`` takes the internal event; by default its same-named attribute."""

    name: str
    type: FieldType
    nullable: bool = False
    description: str = ""
    read: Reader | None = None

    def value(self, event: object) -> Any:
        raw = self.read(event) if self.read else getattr(event, self.name)
        return None if raw is None else plain(self.type, raw)


@dataclass(frozen=True)
class Publication:
    """The public form of one internal event class."""

    event_class: type[Any]
    name: str
    """``<kind>.<event>`` (``case.dispatched``); the type is ``cn.casetrail.<name>.v<version>``."""
    description: str
    fields: tuple[Field, ...] = ()
    version: int = 1
    mask: Masker | None = None
    """Names of (nullable) fields to publish as null for this event, e.g. a confidential case's."""

    @property
    def type(self) -> str:
        return f"{TYPE_PREFIX}.{self.name}.v{self.version}"

    @property
    def kind(self) -> str:
        return self.name.split(".", 1)[0]

    def data(self, event: object) -> dict[str, Any]:
        masked = self.mask(event) if self.mask else frozenset()
        actor = public_actor(event)
        if masked and actor["role"] in FILER_ROLES:  # the confidential filer acting itself
            actor = {**actor, "id": None}
        payload: dict[str, Any] = {"actor": actor}
        for spec in self.fields:
            payload[spec.name] = None if spec.name in masked else spec.value(event)
        return payload


@dataclass(frozen=True)
class Withheld:
    """An internal event class deliberately kept off the stream, and why."""

    event_class: type[Any]
    why: str
    fields: tuple[str, ...] = field(default=())


def public_actor(event: object) -> dict[str, str | None]:
    role = str(getattr(event, "actor_role", "system"))
    actor_id = getattr(event, "actor_id", None)
    return {"role": role, "id": str(actor_id) if role in ROLES_NAMED_IN_PUBLIC else None}


def plain(kind: FieldType, value: Any) -> Any:
    """The JSON form of an internal value for a field of ``kind``."""
    if kind == "uuid":
        return str(UUID(str(value)))
    if kind == "uuids":
        return [str(UUID(str(v))) for v in value]
    if kind == "datetime":
        return _utc(value)
    if kind == "date":
        return (value if isinstance(value, date) else date.fromisoformat(value)).isoformat()
    if kind == "deadline":
        return {
            "due": date.fromisoformat(str(value["due"])).isoformat(),
            "due_at": _utc(datetime.fromisoformat(str(value["due_at"]))),
            "provisional": bool(value["provisional"]),
        }
    if kind == "number":
        return float(value)
    if kind in ("strings", "integers"):
        return list(value)
    return value


def _utc(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError(f"time {value.isoformat()} has no zone; public times are absolute")
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
