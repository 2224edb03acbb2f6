"""Notices: who must be told what, one row per event and recipient (the inbox and the outbox).

A notice is resolved from the log alone: the case's handling unit and its staff, the supervised
unit, the filer enterprise's users are all kept here from their own events, as they stood when
the event happened, so a rebuild gives the same recipients. A notice's id is derived from the
event (aggregate id and version) and the recipient's login, so it is the same on every rebuild:
the notification channels use it as the idempotency key receivers dedupe by.

``params`` carry only what the message needs in words (a case type, dates, a unit's name, the
text a person wrote): never an id shown to a reader. Links use ``subject_kind``/``subject_id``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from domain.actors import Role
from domain.appeal import Appeal
from domain.case import Case
from domain.circular import Circular
from domain.directory import Staff, Unit, Window
from domain.identity import User
from domain.merit import MeritDecision
from domain.project import Project
from domain.rectification import Rectification
from domain.supervision import Supervision
from projections.base import Projection, Table, ViewTx, handles

NOTICE_NAMESPACE = uuid5(NAMESPACE_URL, "https://casetrail.example/notices")
KINDS = (
    "yellow", "red", "reminder", "criticism", "circular", "supervision", "rectification_due",
    "appeal_decided", "rating_invitation",
    "task_blocked", "task_yellow", "task_red", "task_reminder", "task_criticism", "merit_decided",
)
"""Every kind of notice; the catalogues have a subject and a text for each (``notice.*``)."""
UNIT_ROLES = (Role.WINDOW_STAFF.value, Role.UNIT_HEAD.value)


def notice_id(event: Any, login: str) -> str:
    """Stable for the event and the recipient, whatever the log position or the rebuild."""
    return str(uuid5(NOTICE_NAMESPACE, f"{event.originator_id}:{event.originator_version}:{login}"))


def seq(position: int) -> str:
    """The log position as text that sorts like the number, for keyset pages in any store."""
    return f"{position:015d}"


class NoticeProjection(Projection):
    name = "notices"
    version = "2"
    private = True
    tables = (
        Table.of(
            "inbox", key="id", positions=("position", "seq"), id="text", recipient="text",
            kind="text", params="json", at="timestamp", subject_kind="text", subject_id="text",
            position="integer", seq="text",
        ),
        Table.of(
            "notice_people", key="login", login="text", role="text", unit_id="text",
            enterprise_id="text", active="boolean", staff_id="text", user_id="text",
        ),
        Table.of("notice_units", key="id", id="text", code="text", name="text"),
        Table.of(
            "notice_cases", key="id", id="text", case_type="text", filed_at="timestamp",
            owner="text", unit_id="text", enterprise_id="text",
        ),
        Table.of("notice_appeals", key="id", id="text", unit_id="text", filed_at="timestamp"),
        Table.of("notice_windows", key="id", id="text", name="text", unit_id="text"),
        Table.of("notice_projects", key="id", id="text", title="text", leader="text"),
        Table.of(
            "notice_tasks", key="id", id="text", project_id="text", title="text",
            responsible="text", due="text",
        ),
    )

    # -- who is who ------------------------------------------------------------------------

    @handles(Unit.Registered)
    def _unit(self, event: Unit.Registered, view: ViewTx) -> None:
        view.upsert("notice_units", {"id": str(event.originator_id), "code": event.code,
                                     "name": event.name})

    @handles(Unit.Renamed)
    def _unit_renamed(self, event: Unit.Renamed, view: ViewTx) -> None:
        view.upsert("notice_units", {"id": str(event.originator_id), "name": event.name})

    @handles(Window.Opened)
    def _window(self, event: Window.Opened, view: ViewTx) -> None:
        view.upsert("notice_windows", {"id": str(event.originator_id), "name": event.name,
                                       "unit_id": str(event.unit_id)})

    @handles(Staff.Enrolled)
    def _staff(self, event: Staff.Enrolled, view: ViewTx) -> None:
        view.upsert("notice_people", {
            "login": event.login, "role": event.role, "active": True,
            "unit_id": str(event.unit_id) if event.unit_id else None,
            "staff_id": str(event.originator_id),
        })

    @handles(Staff.Reassigned)
    def _staff_moved(self, event: Staff.Reassigned, view: ViewTx) -> None:
        for row in view.select("notice_people", staff_id=str(event.originator_id)):
            view.upsert("notice_people", {
                "login": row["login"], "role": event.role,
                "unit_id": str(event.unit_id) if event.unit_id else None,
            })

    @handles(User.Added)
    def _user(self, event: User.Added, view: ViewTx) -> None:
        known = view.get("notice_people", event.login) or {}
        view.upsert("notice_people", {
            "login": event.login, "role": known.get("role") or event.role, "active": True,
            "unit_id": known.get("unit_id") or (str(event.unit_id) if event.unit_id else None),
            "enterprise_id": str(event.enterprise_id) if event.enterprise_id else None,
            "user_id": str(event.originator_id),
        })

    @handles(User.Disabled)
    def _user_disabled(self, event: User.Disabled, view: ViewTx) -> None:
        for row in view.select("notice_people", user_id=str(event.originator_id)):
            view.upsert("notice_people", {"login": row["login"], "active": False})

    # -- cases -------------------------------------------------------------------------------

    @handles(Case.Filed)
    def _filed(self, event: Case.Filed, view: ViewTx) -> None:
        view.upsert("notice_cases", {
            "id": str(event.originator_id), "case_type": event.case_type,
            "filed_at": event.timestamp, "owner": event.owner,
            "enterprise_id": str(event.enterprise_id) if event.enterprise_id else None,
        })

    @handles(Case.Received)
    def _received(self, event: Case.Received, view: ViewTx) -> None:
        view.upsert("notice_cases", {"id": str(event.originator_id), "owner": event.actor_id})

    @handles(Case.HandedOver)
    def _handed_over(self, event: Case.HandedOver, view: ViewTx) -> None:
        view.upsert("notice_cases", {"id": str(event.originator_id), "owner": event.to_owner})

    @handles(Case.Dispatched)
    def _dispatched(self, event: Case.Dispatched, view: ViewTx) -> None:
        view.upsert("notice_cases", {"id": str(event.originator_id),
                                     "unit_id": str(event.lead_unit_id)})

    @handles(Case.TimeLimitAlerted)
    def _alerted(self, event: Case.TimeLimitAlerted, view: ViewTx) -> None:
        case = view.get("notice_cases", str(event.originator_id))
        if case is None or event.level not in KINDS:
            return
        logins = _unit_staff(view, case.get("unit_id")) if case.get("unit_id") else []
        if not logins and case.get("owner"):
            logins = [case["owner"]]
        params = {**_case_words(case), "due": event.due}
        _notify(view, event, logins, event.level, params, "case")

    @handles(Case.Replied, Case.AnsweredDirectly)
    def _answered(self, event: Case.Replied | Case.AnsweredDirectly, view: ViewTx) -> None:
        case = view.get("notice_cases", str(event.originator_id))
        if case is None or not case.get("enterprise_id"):
            return
        logins = [row["login"] for row in view.select(
            "notice_people", enterprise_id=case["enterprise_id"], active=True)]
        _notify(view, event, logins, "rating_invitation", _case_words(case), "case")

    # -- oversight and reviews ---------------------------------------------------------------

    @handles(Supervision.Issued)
    def _supervised(self, event: Supervision.Issued, view: ViewTx) -> None:
        params = {
            "unit": _unit_name(view, event.unit_id), "instruction": event.instruction,
            "due": event.deadline["due_at"],
        }
        _notify(view, event, _unit_staff(view, str(event.unit_id)), "supervision", params,
                "supervision")

    @handles(Rectification.Opened)
    def _rectification(self, event: Rectification.Opened, view: ViewTx) -> None:
        params = {"unit": _unit_name(view, event.unit_id), "rated_at": event.rated_at.isoformat(),
                  "due": event.rectification_due["due_at"]}
        _notify(view, event, _unit_staff(view, str(event.unit_id)), "rectification_due", params,
                "rectification")

    @handles(Appeal.Filed)
    def _appeal_filed(self, event: Appeal.Filed, view: ViewTx) -> None:
        view.upsert("notice_appeals", {"id": str(event.originator_id),
                                       "unit_id": str(event.unit_id), "filed_at": event.timestamp})

    @handles(Appeal.Decided)
    def _appeal_decided(self, event: Appeal.Decided, view: ViewTx) -> None:
        appeal = view.get("notice_appeals", str(event.originator_id))
        if appeal is None:
            return
        params = {"upheld": event.upheld, "filed_at": appeal["filed_at"].isoformat(),
                  "reason": event.reason}
        _notify(view, event, _unit_staff(view, appeal["unit_id"]), "appeal_decided", params,
                "appeal")

    @handles(Circular.Published)
    def _circular(self, event: Circular.Published, view: ViewTx) -> None:
        logins: list[str] = []
        for subject in event.subjects:
            if subject.get("kind") == "staff":
                logins.append(subject["who"])
            elif subject.get("kind") == "unit":
                units = view.select("notice_units", code=subject["who"])
                logins += _unit_staff(view, units[0]["id"]) if units else []
        _notify(view, event, logins, "circular", {"title": event.title}, "circular")

    # -- key projects ------------------------------------------------------------------------

    @handles(Project.Opened)
    def _project(self, event: Project.Opened, view: ViewTx) -> None:
        view.upsert("notice_projects", {"id": str(event.originator_id), "title": event.title,
                                        "leader": event.leader})

    @handles(Project.TaskAdded)
    def _task(self, event: Project.TaskAdded, view: ViewTx) -> None:
        view.upsert("notice_tasks", {
            "id": f"{event.originator_id}:{event.task_id}",
            "project_id": str(event.originator_id), "title": event.title,
            "responsible": event.responsible, "due": str(event.deadline.get("due_at") or ""),
        })

    @handles(Project.TaskBlocked)
    def _task_blocked(self, event: Project.TaskBlocked, view: ViewTx) -> None:
        """The leader the blocked task is escalated to is told, with the reason given."""
        params = {**_task_words(view, event), "reason": event.reason}
        _notify(view, event, [event.escalated_to], "task_blocked", params, "project")

    @handles(Project.TaskAlerted)
    def _task_alerted(self, event: Project.TaskAlerted, view: ViewTx) -> None:
        """The task's responsible person is warned, as a case's handlers are."""
        task = view.get("notice_tasks", f"{event.originator_id}:{event.task_id}")
        kind = f"task_{event.level}"
        if task is None or kind not in KINDS:
            return
        params = {**_task_words(view, event), "due": task["due"]}
        _notify(view, event, [task["responsible"]], kind, params, "project")

    # -- commendations and sanctions -----------------------------------------------------------

    @handles(MeritDecision.Decided)
    def _merit(self, event: MeritDecision.Decided, view: ViewTx) -> None:
        """A commendation or sanction reaches the person it is on, or the head of the unit (of
        the window) it is on."""
        params: dict[str, Any] = {"decision": event.decision, "reason": event.reason}
        if event.subject_kind == "staff":
            logins, params["subject"] = [event.member], ""
        else:
            unit_id, name = str(event.subject_id), _unit_name(view, event.subject_id)
            if event.subject_kind == "window":
                window = view.get("notice_windows", str(event.subject_id)) or {}
                unit_id, name = str(window.get("unit_id") or ""), str(window.get("name") or "")
            logins, params["subject"] = _unit_heads(view, unit_id), name
        _notify(view, event, logins, "merit_decided", params, "merit")


def _notify(  # noqa: PLR0917 - the notice's parts, each named at every call
    view: ViewTx, event: Any, logins: Iterable[str], kind: str, params: dict[str, Any],
    subject_kind: str,
) -> None:
    for login in dict.fromkeys(logins):  # each person once, in a stable order
        view.upsert("inbox", {
            "id": notice_id(event, login), "recipient": login, "kind": kind, "params": params,
            "at": event.timestamp, "subject_kind": subject_kind,
            "subject_id": str(event.originator_id), "position": view.position,
            "seq": seq(view.position),
        })


def _unit_staff(view: ViewTx, unit_id: str | None) -> list[str]:
    if not unit_id:
        return []
    rows = view.select("notice_people", unit_id=unit_id, active=True)
    return [row["login"] for row in rows if row.get("role") in UNIT_ROLES]


def _unit_heads(view: ViewTx, unit_id: str | None) -> list[str]:
    if not unit_id:
        return []
    rows = view.select("notice_people", unit_id=unit_id, active=True)
    return [row["login"] for row in rows if row.get("role") == Role.UNIT_HEAD.value]


def _task_words(view: ViewTx, event: Any) -> dict[str, Any]:
    project = view.get("notice_projects", str(event.originator_id)) or {}
    task = view.get("notice_tasks", f"{event.originator_id}:{event.task_id}") or {}
    return {"project": project.get("title") or "", "task": task.get("title") or ""}


def _unit_name(view: ViewTx, unit_id: Any) -> str:
    found = view.get("notice_units", str(unit_id))
    return str(found["name"]) if found else ""


def _case_words(case: dict[str, Any]) -> dict[str, Any]:
    filed = case.get("filed_at")
    return {
        "case_type": case.get("case_type"),
        "filed_at": filed.isoformat() if isinstance(filed, datetime) else filed,
    }
