"""The commands a bench times: a case's ordinary life, taken by the demo's Market Regulation staff.

A lifecycle is seven commands: file a complaint (with the filer's name and contact, sealed),
dispatch it, sign for it, record a contact, reply, record the callback and close it. Every one
loads the case from its history, decides, and commits one event (filing commits two: the case
and its filer's data subject).
"""

from __future__ import annotations

from uuid import UUID

from domain.actors import Actor, Role
from domain.application import Casetrail

UNIT = "AMR"
CLERK = Actor("amr.clerk1", Role.WINDOW_STAFF)
LIFECYCLE_COMMANDS = 7


def open_case(app: Casetrail, number: int = 0) -> UUID:
    """File, dispatch and sign for a complaint: three commands; the case is then in progress."""
    case_id = app.file_demand(
        case_type="complaint",
        channel="window",
        summary=f"施工许可审批超时（基准测试 {number}）",
        actor=CLERK,
        filer_name="张伟",
        filer_contact="138-0000-0000",
    ).id
    app.dispatch(case_id, UNIT, actor=CLERK)
    app.sign_for(case_id, actor=CLERK)
    return case_id


def lifecycle(app: Casetrail, number: int = 0) -> int:
    """One case from filing to closing; returns the commands taken."""
    case_id = open_case(app, number)
    app.record_contact(case_id, "电话联系企业，核实诉求内容", actor=CLERK)
    app.reply(case_id, "已协调办结，许可已发放", actor=CLERK)
    app.record_callback(case_id, True, True, "回访企业，表示满意", actor=CLERK)
    app.close_case(case_id, "solved", "企业确认已解决", actor=CLERK)
    return LIFECYCLE_COMMANDS


def record_contact(app: Casetrail, case_id: UUID) -> int:
    """One more handling step on a case in progress; returns its log position."""
    saved = app.record_contact(case_id, "再次电话联系企业", actor=CLERK)
    if saved.position is None:
        raise RuntimeError("the store gave no log position: the bench needs PostgreSQL")
    return saved.position
