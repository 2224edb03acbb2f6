"""A ready in-memory application with the official calendar and a small directory."""

from __future__ import annotations

from functools import cache

from domain.actors import SYSTEM, Actor, Role
from domain.application import Casetrail
from domain.calendar import YearArrangement
from domain.policy import Policy
from infra.calendar_loader import official_arrangements
from infra.policy_file import load_policy
from infra.settings import shipped_policy_path
from infra.vault.cipher import SubjectVault
from infra.vault.keys import MemoryKeyStore
from tests.support.clock import FakeClock

ADMIN = Actor("admin", Role.ADMIN)


@cache
def official_years() -> tuple[YearArrangement, ...]:
    return tuple(official_arrangements())


def shipped_policy() -> Policy:
    return load_policy(shipped_policy_path())


def memory_app(clock: FakeClock, policy: Policy | None = None) -> Casetrail:
    """An in-memory application with the official calendar (2004-2026) seeded."""
    app = Casetrail(
        env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
        clock=clock,
        policy=policy or shipped_policy(),
        vault=SubjectVault(MemoryKeyStore()),
    )
    app.seed_calendar(official_years(), actor=SYSTEM)
    return app


def seed_directory(app: Casetrail) -> None:
    """Two units, each with a window clerk and a head; a supervisor; one enterprise."""
    app.register_unit("AMR", "市场监督管理局", actor=ADMIN)
    app.register_unit("HRS", "人力资源和社会保障局", actor=ADMIN)
    app.enrol_staff("li.na", "李娜", Role.WINDOW_STAFF, unit_code="AMR", actor=ADMIN)
    app.enrol_staff("wang.qiang", "王强", Role.UNIT_HEAD, unit_code="AMR", actor=ADMIN)
    app.enrol_staff("zhao.lei", "赵磊", Role.WINDOW_STAFF, unit_code="HRS", actor=ADMIN)
    app.enrol_staff("sun.li", "孙丽", Role.UNIT_HEAD, unit_code="HRS", actor=ADMIN)
    app.enrol_staff("chen.jie", "陈杰", Role.SUPERVISOR, actor=ADMIN)
    app.register_enterprise("91440300MA5EXAMPLE", "深圳示例科技有限公司", actor=ADMIN)
