"""Administration: create, amend, deactivate and import directory entries from rows.

Every edge (web form, API, CLI, import) calls ``put_entry`` with a row of text fields, so the
rules and the refusals are the same everywhere. ``upsert`` is what an import does: an entry
that is already there as the row says is left alone, so importing the same file twice records
nothing the second time; one that differs is amended, by events that say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from domain.actors import Actor, Role
from domain.base import Tracked
from domain.credit_code import checked_credit_code
from domain.directory import DirectoryEntry, Enterprise, Leader, Staff, Unit, Window
from domain.directory_rows import DirectoryRow, check_kind, read_row
from domain.engagement import Engagement
from domain.errors import AlreadyExistsError, InvalidInputError, NotFoundError
from domain.identity import User
from domain.services.engagement import EngagementService

Mode = Literal["create", "update", "upsert"]
Outcome = Literal["created", "updated", "unchanged"]
IMPORT_REASON = "directory import"
ENTRY_TYPES: dict[str, type[DirectoryEntry]] = {
    "units": Unit,
    "windows": Window,
    "staff": Staff,
    "enterprises": Enterprise,
    "leaders": Leader,
}


@dataclass(frozen=True)
class Put:
    """What ``put_entry`` did, and the log position of its last event (None: nothing)."""

    kind: str
    key: str
    outcome: Outcome
    position: int | None


class AdministrationService(EngagementService):
    def put_entry(
        self, kind: str, raw: Mapping[str, object], *, actor: Actor, mode: Mode = "create"
    ) -> Put:
        row = read_row(kind, raw, partial=mode == "update")
        if kind in ENTRY_TYPES:
            entry_id = ENTRY_TYPES[kind].id_for(row.text(_key_field(kind)))
            if self.exists(entry_id) and mode == "create":
                raise AlreadyExistsError(
                    f"{kind} {row.key} is already registered",
                    params={"field": _key_field(kind), "value": row.key},
                )
            if not self.exists(entry_id):
                if mode == "update":
                    raise NotFoundError(f"no {kind} {row.key}", params={"value": row.key})
                return self._create(row, actor)
            return self._update(row, self.load(ENTRY_TYPES[kind], entry_id), actor)
        return self._link(row, actor, mode)

    def set_entry_active(
        self, kind: str, key: str, active: bool, reason: str, *, actor: Actor
    ) -> Put:
        """Deactivate an entry (it stays, with its history) or bring it back."""
        check_kind(kind)
        if kind not in ENTRY_TYPES:
            raise InvalidInputError(
                f"{kind} are ended with a reason, not deactivated",
                code="unknown-kind",
                params={"field": "kind", "value": kind},
            )
        entry = self.load(ENTRY_TYPES[kind], ENTRY_TYPES[kind].id_for(key))
        changed: list[Tracked] = [entry]
        if active:
            entry.reactivate(reason, actor=actor, at=self.now())
        else:
            entry.deactivate(reason, actor=actor, at=self.now())
            changed += self._disable_login(entry, reason, actor)
        saved = self.commit(*changed)
        return Put(kind, key, "updated", saved[-1].position)

    def _disable_login(self, entry: DirectoryEntry, reason: str, actor: Actor) -> list[User]:
        """A staff member who leaves stops signing in, in the same commit: a login that
        outlives its holder's place in the directory is a way in for no one's work.
        (Bringing the entry back does not enable the login again; that is a separate step.)"""
        if not isinstance(entry, Staff) or not self.exists(User.id_for(entry.login)):
            return []
        user = self.load(User, User.id_for(entry.login))
        if user.disabled:
            return []
        user.disable(f"staff deactivated: {reason}", actor=actor, at=self.now())
        return [user]

    # Creating.

    def _create(self, row: DirectoryRow, actor: Actor) -> Put:
        kind, values, at = row.kind, row.values, self.now()
        entry: DirectoryEntry
        if kind == "units":
            entry = Unit.register(row.text("code"), row.text("name"), actor=actor, at=at)
        elif kind == "windows":
            window_unit = self._active_ref(Unit, row.text("unit"), "unit")
            entry = Window.open(
                row.text("code"), row.text("name"), window_unit, actor=actor, at=at
            )
        elif kind == "staff":
            unit_id, window_id = self._staff_place(row)
            entry = Staff.enrol(
                row.text("login"), row.text("name"), Role(row.text("role")), unit_id=unit_id,
                window_id=window_id, actor=actor, at=at,
            )  # fmt: skip
        elif kind == "enterprises":
            entry = Enterprise.register(
                checked_credit_code(row.text("credit_code")), row.text("name"),
                ownership=row.text("ownership"), key_enterprise=bool(values["key_enterprise"]),
                actor=actor, at=at,
            )  # fmt: skip
        else:
            unit = row.optional("unit")
            entry = Leader.appoint(
                row.text("code"), row.text("name"), row.text("title"), row.text("level"),
                unit_id=self._active_ref(Unit, unit, "unit") if unit else None,
                actor=actor, at=at,
            )  # fmt: skip
        saved = self.commit(entry)[0]
        return Put(kind, row.key, "created", saved.position)

    def _staff_place(self, row: DirectoryRow) -> tuple[UUID | None, UUID | None]:
        unit, window = row.optional("unit"), row.optional("window")
        unit_id = self._active_ref(Unit, unit, "unit") if unit else None
        window_id = self._active_ref(Window, window, "window") if window else None
        if window_id is not None:
            window_unit = self.load(Window, window_id).unit_id
            if unit_id is not None and window_unit != unit_id:
                raise InvalidInputError(
                    f"window {window} belongs to another unit than {unit}",
                    code="window-of-another-unit",
                    params={"field": "window", "value": window},
                )
            unit_id = window_unit
        if row.text("role") in (Role.WINDOW_STAFF, Role.UNIT_HEAD) and unit_id is None:
            raise InvalidInputError(
                f"a {row.text('role')} works in a unit; give the unit",
                code="unit-needed",
                params={"field": "unit"},
            )
        return unit_id, window_id

    def _active_ref(self, cls: type[DirectoryEntry], key: str | None, field: str) -> UUID:
        """The id of the active entry ``key`` names, or an input error on ``field``."""
        assert key is not None
        entry_id = ENTRY_TYPES[_plural(cls)].id_for(key)
        if not self.exists(entry_id):
            raise InvalidInputError(
                f"no {cls.kind} {key} in the directory",
                code="unknown-reference",
                params={"field": field, "value": key},
            )
        if not self.load(cls, entry_id).active:
            raise InvalidInputError(
                f"{cls.kind} {key} is inactive",
                code="inactive-reference",
                params={"field": field, "value": key},
            )
        return entry_id

    # Amending.

    def _update(self, row: DirectoryRow, entry: DirectoryEntry, actor: Actor) -> Put:
        """Amend what the row names; an attribute the row leaves out stays as it is."""
        at, reason, kind = self.now(), IMPORT_REASON, row.kind
        changes = {
            name: row.text(name)
            for name in entry.EDITABLE
            if name in row.given and row.values[name] is not None
        }
        if isinstance(entry, Leader) and "unit" in row.given:
            unit = row.optional("unit")
            changes["unit_id"] = str(self._active_ref(Unit, unit, "unit")) if unit else ""
        if isinstance(entry, Window) and row.optional("unit") and self._active_ref(
            Unit, row.text("unit"), "unit"
        ) != entry.unit_id:
            raise InvalidInputError(
                f"window {entry.code} cannot move to another unit; open a new window there",
                code="not-amendable",
                params={"field": "unit", "value": row.text("unit")},
            )
        entry.amend(changes, actor=actor, at=at)
        if isinstance(entry, Staff):
            self._reassign(row, entry, actor)
        if isinstance(entry, Enterprise) and "key_enterprise" in row.given:
            entry.set_key_flag(bool(row.values["key_enterprise"]), reason, actor=actor, at=at)
        if not entry.pending_events:
            return Put(kind, row.key, "unchanged", None)
        saved = self.commit(entry)[0]
        return Put(kind, row.key, "updated", saved.position)

    def _reassign(self, row: DirectoryRow, staff: Staff, actor: Actor) -> None:
        """A new role, unit or window; a row without the unit and window columns keeps them."""
        if not {"unit", "window"} & row.given:
            unit_id, window_id = staff.unit_id, staff.window_id
        else:
            unit_id, window_id = self._staff_place(row)
        role = Role(row.text("role")) if row.optional("role") else staff.role
        if (role, unit_id, window_id) != (staff.role, staff.unit_id, staff.window_id):
            staff.reassign(role, unit_id, window_id, IMPORT_REASON, actor=actor, at=self.now())

    # Links between leaders, stationed staff and enterprises.

    def _link(self, row: DirectoryRow, actor: Actor, mode: Mode) -> Put:
        enterprise_id = self._active_ref(Enterprise, row.text("enterprise"), "enterprise")
        engagement_id = Engagement.id_for(enterprise_id)
        engagement = self.load(Engagement, engagement_id) if self.exists(engagement_id) else None
        if row.kind == "links":
            leader_id = self._active_ref(Leader, row.text("leader"), "leader")
            there = engagement is not None and leader_id in engagement.leaders
        else:
            self._active_ref(Staff, row.text("login"), "login")
            there = engagement is not None and row.text("login") in engagement.stationed
            if not there and not self.load(Enterprise, enterprise_id).key_enterprise:
                raise InvalidInputError(
                    f"enterprise {row.text('enterprise')} is not a key enterprise; staff are"
                    " stationed with key enterprises only",
                    code="not-a-key-enterprise",
                    params={"field": "enterprise", "value": row.text("enterprise")},
                )
        if there:
            if mode == "create":
                raise AlreadyExistsError(
                    f"{row.kind} {row.key} is already recorded",
                    params={"field": KEYS_FIRST[row.kind], "value": row.key},
                )
            return Put(row.kind, row.key, "unchanged", None)
        if row.kind == "links":
            saved = self.link_leader(
                row.text("leader"), row.text("enterprise"), actor=actor, note=row.optional("note")
            )
        else:
            saved = self.station_staff(row.text("login"), row.text("enterprise"), actor=actor)
        return Put(row.kind, row.key, "created", saved.position)


KEYS_FIRST = {"links": "leader", "stationed": "login"}


def _key_field(kind: str) -> str:
    return {"units": "code", "windows": "code", "staff": "login", "enterprises": "credit_code",
            "leaders": "code"}[kind]  # fmt: skip


def _plural(cls: type[DirectoryEntry]) -> str:
    return next(kind for kind, klass in ENTRY_TYPES.items() if klass is cls)
