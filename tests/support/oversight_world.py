"""A small world for review, visit, supervision and accountability tests.

On top of the shared directory (units AMR and HRS with a clerk and a head each, a supervisor,
one enterprise) it adds an inspector, a county leader, a key enterprise and a second enterprise,
and gives the actors short names.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.actors import Actor, Role
from domain.application import Casetrail
from domain.policy import Policy
from tests.support.app import ADMIN, memory_app, seed_directory
from tests.support.clock import FakeClock

LI = Actor("li.na", Role.WINDOW_STAFF)  # AMR clerk
WANG = Actor("wang.qiang", Role.UNIT_HEAD)  # AMR head
ZHAO = Actor("zhao.lei", Role.WINDOW_STAFF)  # HRS clerk
SUN = Actor("sun.li", Role.UNIT_HEAD)  # HRS head
CHEN = Actor("chen.jie", Role.SUPERVISOR)
ZHOU = Actor("zhou.min", Role.INSPECTOR)
LEADER = Actor("county-01", Role.LEADER)
OTHER_LEADER = Actor("county-02", Role.LEADER)
ENTERPRISE = Actor("91440300MA5EXAMPLE", Role.ENTERPRISE)
OTHER_ENTERPRISE = Actor("91440300MA5OTHER01", Role.ENTERPRISE)
KEY_ENTERPRISE = "91440300MA5KEY0001"


def seed_oversight(app: Casetrail) -> None:
    seed_directory(app)
    app.enrol_staff("zhou.min", "周敏", Role.INSPECTOR, actor=ADMIN)
    app.appoint_leader("county-01", "刘建国", "副县长", "county", actor=ADMIN)
    app.appoint_leader("county-02", "黄海", "县委常委", "county", actor=ADMIN)
    app.register_enterprise("91440300MA5OTHER01", "另一家示例公司", actor=ADMIN)
    app.register_enterprise(
        KEY_ENTERPRISE, "重点示例制造有限公司", key_enterprise=True, actor=ADMIN
    )


def oversight_app(clock: FakeClock, policy: Policy | None = None) -> Casetrail:
    app = memory_app(clock, policy)
    seed_oversight(app)
    return app


def window_service(
    app: Casetrail,
    delivered_at: datetime,
    *,
    staff: str = "li.na",
    enterprise: str | None = ENTERPRISE.id,
) -> UUID:
    """A window service ``staff`` gave (to ``enterprise``) and recorded at ``delivered_at``;
    the clock is left where it was, or at the delivery if that is later."""
    clock = app.clock
    assert isinstance(clock, FakeClock)
    before = clock.now
    clock.set(delivered_at)
    recorded = app.record_window_service(
        service_item="营业执照变更登记", enterprise=enterprise, actor=app.staff_actor(staff)
    )
    clock.set(max(before, delivered_at))
    return recorded.service.id


def window_service_with_code(
    app: Casetrail, delivered_at: datetime, *, staff: str = "li.na"
) -> tuple[UUID, str]:
    """A window service to a walk-in visitor: its id and the code printed on the receipt."""
    clock = app.clock
    assert isinstance(clock, FakeClock)
    before = clock.now
    clock.set(delivered_at)
    recorded = app.record_window_service(
        service_item="社保卡补办", actor=app.staff_actor(staff)
    )
    clock.set(max(before, delivered_at))
    return recorded.service.id, recorded.rating_code
