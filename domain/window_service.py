"""A service delivered at a window without a case (一次一评): recorded by the staff who gave it.

A window service is what a visitor's rating names: it exists only once the staff member who
served them records it, at the time it was delivered, with the unit and window the directory
gives that staff member. The receipt carries a one-time rating code; only its digest is kept,
so whoever holds the receipt (and nobody reading the record) can rate the service.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Self
from uuid import UUID

from domain.actors import Actor, Role
from domain.base import Tracked
from domain.errors import InvalidInputError, NotPermittedError
from domain.refusals import iso, require_text, uid

SERVERS = frozenset({Role.WINDOW_STAFF, Role.UNIT_HEAD})


class WindowService(Tracked):
    """One service given at a window: who gave it, where, what, to whom, and when."""

    kind: ClassVar[str] = "window_service"

    class Delivered(Tracked.Created):
        unit_id: UUID
        window_id: UUID | None
        staff: str
        service_item: str
        enterprise_id: UUID | None
        code_digest: str

    def __init__(
        self,
        *,
        unit_id: UUID,
        window_id: UUID | None,
        staff: str,
        service_item: str,
        enterprise_id: UUID | None,
        code_digest: str,
    ) -> None:
        self.unit_id, self.window_id, self.staff = unit_id, window_id, staff
        self.service_item, self.enterprise_id = service_item, enterprise_id
        self.code_digest = code_digest

    @classmethod
    def deliver(
        cls,
        service_id: UUID,
        *,
        unit_id: UUID | None,
        window_id: UUID | None,
        service_item: str,
        enterprise_id: UUID | None,
        code_digest: str,
        actor: Actor,
        at: datetime,
    ) -> Self:
        """Recorded by the staff member who served, when they served: the service names them,
        and their unit and window as the directory has them (``unit_id``)."""
        if actor.role not in SERVERS:
            raise NotPermittedError(
                f"a {actor.role.value} does not serve at a window; the window staff member or"
                " unit head who gave the service records it",
                code="service-recorded-by-its-staff",
                params={"role": actor.role.value},
            )
        if unit_id is None:
            raise NotPermittedError(
                f"{actor.id} works in no unit in the directory; a service is recorded by staff"
                " of the unit that gave it",
                code="service-recorded-by-its-staff",
                params={"staff": actor.id},
            )
        if not code_digest.strip():
            raise InvalidInputError(
                "a window service needs its rating code's digest",
                code="rating-code-digest-required",
            )
        return cls._create_by(
            cls.Delivered,
            id=service_id,
            actor=actor,
            at=at,
            unit_id=unit_id,
            window_id=window_id,
            staff=actor.id,
            service_item=require_text("the service item", service_item),
            enterprise_id=enterprise_id,
            code_digest=code_digest,
        )

    @property
    def delivered_at(self) -> datetime:
        return self.created_on

    @property
    def service_ref(self) -> str:
        return f"window:{self.id}"

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "service_ref": self.service_ref,
            "unit_id": str(self.unit_id),
            "window_id": uid(self.window_id),
            "staff": self.staff,
            "service_item": self.service_item,
            "enterprise_id": uid(self.enterprise_id),
            "delivered_at": iso(self.delivered_at),
        }
