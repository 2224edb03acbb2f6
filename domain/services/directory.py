"""Directory commands: register units, windows, staff, leaders and enterprises."""

from __future__ import annotations

from uuid import UUID

from domain.actors import Actor, Role
from domain.base import Tracked
from domain.directory import Enterprise, Leader, Staff, Unit, Window
from domain.errors import AlreadyExistsError, NotFoundError
from domain.services.base import Saved, ServiceBase


class DirectoryService(ServiceBase):
    def _create_new(self, aggregate: Tracked, label: str) -> Saved:
        if self.exists(aggregate.id):
            raise AlreadyExistsError(f"{aggregate.kind} {label} is already registered")
        return self.commit(aggregate)[0]

    def register_unit(self, code: str, name: str, *, actor: Actor) -> Saved:
        return self._create_new(Unit.register(code, name, actor=actor, at=self.now()), code)

    def open_window(self, code: str, name: str, unit_code: str, *, actor: Actor) -> Saved:
        unit = self.unit(unit_code)
        window = Window.open(code, name, unit.id, actor=actor, at=self.now())
        return self._create_new(window, code)

    def enrol_staff(
        self,
        login: str,
        name: str,
        role: Role,
        *,
        unit_code: str | None = None,
        window_code: str | None = None,
        actor: Actor,
    ) -> Saved:
        unit_id = self.unit(unit_code).id if unit_code else None
        window_id = self.load(Window, Window.id_for(window_code)).id if window_code else None
        staff = Staff.enrol(
            login, name, role, unit_id=unit_id, window_id=window_id, actor=actor, at=self.now()
        )
        return self._create_new(staff, login)

    def appoint_leader(
        self,
        code: str,
        name: str,
        title: str,
        level: str,
        *,
        unit_code: str | None = None,
        actor: Actor,
    ) -> Saved:
        unit_id = self.unit(unit_code).id if unit_code else None
        leader = Leader.appoint(
            code, name, title, level, unit_id=unit_id, actor=actor, at=self.now()
        )
        return self._create_new(leader, code)

    def register_enterprise(
        self, credit_code: str, name: str, *, key_enterprise: bool = False, actor: Actor
    ) -> Saved:
        enterprise = Enterprise.register(
            credit_code, name, key_enterprise=key_enterprise, actor=actor, at=self.now()
        )
        return self._create_new(enterprise, credit_code)

    def unit(self, code_or_id: str | UUID) -> Unit:
        return self.load(Unit, _id_of(Unit.id_for, code_or_id))

    def staff(self, login_or_id: str | UUID) -> Staff:
        return self.load(Staff, _id_of(Staff.id_for, login_or_id))

    def enterprise(self, code_or_id: str | UUID) -> Enterprise:
        return self.load(Enterprise, _id_of(Enterprise.id_for, code_or_id))

    def leader(self, code_or_id: str | UUID) -> Leader:
        return self.load(Leader, _id_of(Leader.id_for, code_or_id))

    def staff_actor(self, login: str) -> Actor:
        """The actor for a staff member, as enrolled (their role comes from the directory)."""
        try:
            return self.staff(login).actor
        except NotFoundError:
            raise NotFoundError(f"no staff member with login {login!r}") from None


def _id_of(id_for: object, code_or_id: str | UUID) -> UUID:
    if isinstance(code_or_id, UUID):
        return code_or_id
    assert callable(id_for)
    result = id_for(code_or_id)
    assert isinstance(result, UUID)
    return result
