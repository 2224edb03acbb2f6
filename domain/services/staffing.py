"""Who works where, as the review and oversight commands need to know it."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from domain.directory import Staff
from domain.services.base import ServiceBase


def unit_of_staff(service: ServiceBase, login: str | None) -> UUID | None:
    """The unit a staff member works in, per the directory (None: not staff, or no unit)."""
    if login is None or not service.exists(Staff.id_for(login)):
        return None
    return service.reference(Staff, Staff.id_for(login)).unit_id


def directory_id(id_for: Callable[[str], UUID], key: str | UUID) -> UUID:
    """A directory entry's id from its natural key (a code, a login), or the id itself."""
    return key if isinstance(key, UUID) else id_for(key)
