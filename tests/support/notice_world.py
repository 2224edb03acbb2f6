"""Steps that each give people something to be told: a red card, a 督办, a rectification due.

Built on the oversight world (units AMR and HRS with a clerk and a head each, a supervisor, an
enterprise) plus an enterprise user, so the rating invitation has someone to reach.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.actors import SYSTEM
from domain.application import Casetrail
from domain.evaluation import Level
from infra.identity import Accounts
from tests.support.app import ADMIN
from tests.support.clock import CHINA, FakeClock
from tests.support.oversight_world import (
    CHEN,
    ENTERPRISE,
    KEY_ENTERPRISE,
    LEADER,
    LI,
    seed_oversight,
    window_service,
)

FILED = datetime(2026, 6, 2, 9, 0, tzinfo=CHINA)  # Tuesday; a complaint is due Wed 06-24
OVERDUE = datetime(2026, 6, 25, 9, 0, tzinfo=CHINA)


def seed_people(app: Casetrail) -> None:
    seed_oversight(app)
    Accounts(app).add_user("ent.user", ENTERPRISE.role, enterprise=ENTERPRISE.id, actor=ADMIN)


def red_card(app: Casetrail, clock: FakeClock, summary: str = "审批超时") -> UUID:
    """A complaint dispatched to AMR and left overdue: red card, reminder (and yellow)."""
    clock.set(max(clock.now, FILED))
    case_id = app.file_demand(
        case_type="complaint", channel="window", summary=summary, actor=LI, filer_name="吴先生"
    ).id
    app.dispatch(case_id, "AMR", actor=LI)
    app.sign_for(case_id, actor=LI)
    clock.set(max(clock.now, OVERDUE))
    app.issue_due_alerts(case_id, actor=SYSTEM)
    return case_id


def supervision(app: Casetrail, instruction: str = "三日内说明超时原因") -> UUID:
    """A 督办 of unit HRS."""
    return app.supervise_unit(
        "HRS", instruction=instruction, required_response="书面说明", actor=CHEN, working_days=3
    ).id


def rectification_due(app: Casetrail, clock: FakeClock) -> UUID:
    """A 差评 on an AMR window service: the unit has a rectification due."""
    delivered = clock.now
    saved = app.rate_service(
        window_service(app, delivered), Level.DISSATISFIED, actor=ENTERPRISE,
        reason="材料被退回三次", real_name=True,
    )
    assert saved.rectification is not None
    return saved.rectification.id


def blocked_task(app: Casetrail) -> UUID:
    """A key project led by county-01 whose task, li.na's, is blocked and escalated to him."""
    project_id = planned_project(app)
    app.block_project_task(project_id, "T1", "规划许可未下达，无法受理", actor=LI)
    return project_id


def planned_project(app: Casetrail) -> UUID:
    """A key project led by county-01 with one task of li.na's, due in four working days."""
    project_id = app.open_project(
        title="新能源电池厂二期扩建", project_kind="construction", leader="county-01",
        targets=["年底前完成施工许可"], enterprise=KEY_ENTERPRISE, actor=CHEN,
    ).id
    app.set_task_force(project_id, ["li.na", "zhao.lei"], actor=LEADER)
    app.add_project_task(
        project_id, title="办理施工许可", responsible="li.na", standard="材料齐全当日受理",
        working_days=4, actor=LEADER,
    )
    return project_id
