"""``casetrail projects ...``: key projects (重点项目) from the command line.

Each step acts as a person: ``--as LOGIN`` is a staff login from the directory (their role comes
from there), or a leader's code for the leader's steps. Bad input (an argument that does not
parse, or a value the domain finds missing or out of range) exits 2 with a message; any other
refusal of the domain (not permitted, not allowed now, not found) exits 1 with its sentence.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from api.cli.common import UsageError, open_app, parse_id
from domain.actors import Actor, Role
from domain.application import Casetrail
from domain.directory import Leader, Staff
from domain.errors import InvalidInputError
from domain.project import LinkKind, ProjectKind, ProjectOutcome
from infra.bootstrap import bootstrap
from infra.projections import open_runner
from infra.projections.log import EventLog
from infra.projects_read import board, task_filter, task_rows, unit_code
from infra.readside import ReadSide
from infra.settings import Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "projects",
        help="key projects: open, plan, work, escalate, link, close, board",
        description="Key projects (重点项目): one leader, one task force, one plan of tasks"
        " counted in working days. Each step is recorded as an event by the person named"
        " with --as.",
    )
    steps = parser.add_subparsers(title="steps", metavar="STEP", required=True)
    _register_planning(steps)
    _register_work(steps)
    _register_reads(steps)


def _register_planning(steps: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    def step(name: str, help_text: str) -> argparse.ArgumentParser:
        return steps.add_parser(name, help=help_text, description=help_text)

    sub = step("open", "open a key project and name its leader (a supervisor's step)")
    sub.add_argument("--title", required=True)
    sub.add_argument("--kind", required=True, choices=[k.value for k in ProjectKind])
    sub.add_argument("--leader", required=True, help="the responsible leader's code")
    sub.add_argument("--target", action="append", required=True, help="a target (repeat)")
    sub.add_argument("--enterprise", help="the enterprise's credit code")
    sub.add_argument("--description", default="")
    acting(sub, "the supervisor's login")
    sub.set_defaults(handler=_open)

    sub = step("task-force", "set the task force by staff logins (the leader or a supervisor)")
    sub.add_argument("project", help="the project id")
    sub.add_argument("members", nargs="+", help="staff logins")
    acting(sub, "the leader's code or the supervisor's login")
    sub.set_defaults(handler=_task_force)

    sub = step("add-task", "add a task to the plan (the leader or a supervisor)")
    sub.add_argument("project")
    sub.add_argument("--title", required=True)
    sub.add_argument("--responsible", required=True, help="a task-force member's login")
    sub.add_argument("--standard", required=True, help="the work standard (工作标准)")
    sub.add_argument("--working-days", required=True, type=_days, help="days until due")
    acting(sub, "the leader's code or the supervisor's login")
    sub.set_defaults(handler=_add_task)



def _register_work(steps: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    def step(name: str, help_text: str) -> argparse.ArgumentParser:
        return steps.add_parser(name, help=help_text, description=help_text)

    sub = step("progress", "report progress on your task")
    sub.add_argument("project")
    sub.add_argument("task", help="T1, T2...")
    sub.add_argument("--note", required=True)
    sub.add_argument("--percent", required=True, type=_percent)
    acting(sub, "the responsible staff member's login")
    sub.set_defaults(handler=_progress)

    sub = step("complete", "complete your task")
    sub.add_argument("project")
    sub.add_argument("task")
    sub.add_argument("--note", required=True, help="what was done")
    acting(sub, "the responsible staff member's login")
    sub.set_defaults(handler=_complete)

    sub = step("block", "mark your task blocked: it is escalated to the project's leader")
    sub.add_argument("project")
    sub.add_argument("task")
    sub.add_argument("--reason", required=True)
    acting(sub, "the responsible staff member's login")
    sub.set_defaults(handler=_block)

    sub = step("answer", "answer a blocked task of your project (the leader)")
    sub.add_argument("project")
    sub.add_argument("task")
    sub.add_argument("--decision", required=True)
    acting(sub, "the leader's code")
    sub.set_defaults(handler=_answer)

    sub = step("link", "link a case or a visit to the project")
    sub.add_argument("project")
    sub.add_argument("kind", choices=[k.value for k in LinkKind])
    sub.add_argument("ref", help="the case or visit id")
    acting(sub, "the leader's code, or a supervisor's or task-force member's login")
    sub.set_defaults(handler=_link)

    sub = step("close", "close the project with its outcome (the leader)")
    sub.add_argument("project")
    sub.add_argument("--outcome", required=True, choices=[o.value for o in ProjectOutcome])
    sub.add_argument("--summary", required=True)
    acting(sub, "the leader's code")
    sub.set_defaults(handler=_close)

    sub = step("show", "print a project as JSON")
    sub.add_argument("project")
    sub.set_defaults(handler=_show)



def _register_reads(steps: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    def step(name: str, help_text: str) -> argparse.ArgumentParser:
        return steps.add_parser(name, help=help_text, description=help_text)

    sub = step("tasks", "list tasks, earliest due first: by person, unit, leader, overdue now")
    sub.add_argument("--responsible", help="a staff login")
    sub.add_argument("--unit", help="a unit code")
    sub.add_argument("--leader", help="a leader code")
    sub.add_argument("--status", choices=("open", "in_progress", "blocked", "done"))
    sub.add_argument("--overdue", action="store_true", help="only tasks overdue now")
    sub.add_argument("--limit", type=_limit, default=50, help="at most this many (1-500)")
    sub.set_defaults(handler=_tasks)

    sub = step("board", "projects by state, overdue tasks by unit and person, by leader")
    sub.add_argument("--json", dest="as_json", action="store_true", help="print JSON")
    sub.set_defaults(handler=_board)


def acting(sub: argparse.ArgumentParser, who: str) -> None:
    sub.add_argument("--as", dest="login", required=True, help=who)


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"working days must be a whole number, not {text!r}"
        ) from None
    if not 1 <= days <= 250:
        raise argparse.ArgumentTypeError(f"working days must be 1 to 250, not {days}")
    return days


def _limit(text: str) -> int:
    try:
        limit = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"the limit must be a whole number, not {text!r}"
        ) from None
    if not 1 <= limit <= 500:
        raise argparse.ArgumentTypeError(f"the limit must be 1 to 500, not {limit}")
    return limit


def _percent(text: str) -> int:
    try:
        percent = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"the percentage must be a whole number, not {text!r}"
        ) from None
    if not 0 <= percent <= 99:
        raise argparse.ArgumentTypeError(
            f"the percentage must be 0 to 99 (complete the task for 100), not {percent}"
        )
    return percent


def actor_for(app: Casetrail, who: str) -> Actor:
    """A staff member by login (role from the directory), else a leader by code."""
    if app.exists(Staff.id_for(who)):
        return app.staff_actor(who)
    if app.exists(Leader.id_for(who)):
        return Actor(app.leader(who).code, Role.LEADER)
    raise UsageError(f"--as {who!r} is neither a staff login nor a leader code in the directory")


def _with_app(args: argparse.Namespace, act: Any) -> int:
    """Run one step; a value the domain finds missing or out of range is bad input (exit 2),
    any other refusal exits 1."""
    app = open_app()
    try:
        result = act(app, actor_for(app, args.login) if hasattr(args, "login") else None)
        print(json.dumps(result, ensure_ascii=False, default=str))
    except InvalidInputError as error:
        raise UsageError(str(error)) from None
    finally:
        app.close()
    return 0


def _saved(saved: Any) -> dict[str, Any]:
    return {"id": str(saved.id), "version": saved.version, "position": saved.position}


def _open(args: argparse.Namespace) -> int:
    return _with_app(
        args,
        lambda app, actor: _saved(
            app.open_project(
                title=args.title,
                project_kind=args.kind,
                leader=args.leader,
                targets=args.target,
                enterprise=args.enterprise,
                description=args.description,
                actor=actor,
            )
        ),
    )


def _task_force(args: argparse.Namespace) -> int:
    project = parse_id(args.project)
    return _with_app(
        args, lambda app, actor: _saved(app.set_task_force(project, args.members, actor=actor))
    )


def _add_task(args: argparse.Namespace) -> int:
    project = parse_id(args.project)

    def act(app: Casetrail, actor: Actor) -> dict[str, Any]:
        saved = app.add_project_task(
            project,
            title=args.title,
            responsible=args.responsible,
            standard=args.standard,
            working_days=args.working_days,
            actor=actor,
        )
        task = app.project(project).task(saved.task_id)
        return {**_saved(saved), "task": saved.task_id, "due": task["deadline"]["due"]}

    return _with_app(args, act)


def _progress(args: argparse.Namespace) -> int:
    project = parse_id(args.project)
    return _with_app(
        args,
        lambda app, actor: _saved(
            app.report_task_progress(project, args.task, args.note, args.percent, actor=actor)
        ),
    )


def _complete(args: argparse.Namespace) -> int:
    project = parse_id(args.project)
    return _with_app(
        args,
        lambda app, actor: _saved(
            app.complete_project_task(project, args.task, args.note, actor=actor)
        ),
    )


def _block(args: argparse.Namespace) -> int:
    project = parse_id(args.project)
    return _with_app(
        args,
        lambda app, actor: _saved(
            app.block_project_task(project, args.task, args.reason, actor=actor)
        ),
    )


def _answer(args: argparse.Namespace) -> int:
    project = parse_id(args.project)
    return _with_app(
        args,
        lambda app, actor: _saved(
            app.answer_project_blockage(project, args.task, args.decision, actor=actor)
        ),
    )


def _link(args: argparse.Namespace) -> int:
    project, ref = parse_id(args.project), parse_id(args.ref)
    return _with_app(
        args,
        lambda app, actor: _saved(app.link_to_project(project, args.kind, ref, actor=actor)),
    )


def _close(args: argparse.Namespace) -> int:
    project = parse_id(args.project)
    return _with_app(
        args,
        lambda app, actor: _saved(
            app.close_project(project, args.outcome, args.summary, actor=actor)
        ),
    )


def _show(args: argparse.Namespace) -> int:
    project = parse_id(args.project)
    return _with_app(args, lambda app, _actor: app.project(project).state())


def _tasks(args: argparse.Namespace) -> int:
    settings = Settings()
    app = bootstrap(settings)
    runner = open_runner(app, settings)
    try:
        runner.catch_up()
        read = ReadSide(EventLog.of(app), runner.store, runner)
        where = task_filter(
            app,
            responsible=args.responsible,
            unit=args.unit,
            leader=args.leader,
            status=args.status,
            overdue_now=True if args.overdue else None,
        )
        rows = task_rows(app, read, where, limit=args.limit)
    finally:
        runner.store.close()
        app.close()
    for row in rows:
        print(json.dumps(
            {k: row[k] for k in TASK_COLUMNS}, ensure_ascii=False, default=str
        ))
    return 0


TASK_COLUMNS = (
    "project_id", "task_id", "project_title", "title", "responsible", "leader", "due", "status",
    "percent", "last_alert",
)


def _board(args: argparse.Namespace) -> int:
    settings = Settings()
    app = bootstrap(settings)
    runner = open_runner(app, settings)
    try:
        runner.catch_up()
        figure = board(app, ReadSide(EventLog.of(app), runner.store, runner))
        by_unit = {unit_code(app, unit): n for unit, n in figure.overdue_by_unit.items()}
    finally:
        runner.store.close()
        app.close()
    data = {
        "by_state": figure.by_state,
        "overdue_by_unit": by_unit,
        "overdue_by_person": figure.overdue_by_person,
        "by_leader": figure.by_leader,
        "running_tasks": figure.running_tasks,
        "overdue_tasks": figure.overdue_tasks,
        "blocked_tasks": figure.blocked_tasks,
        "done_tasks": figure.done_tasks,
        "on_time_rate": figure.on_time_rate,
        "stamp": figure.stamp,
    }
    if args.as_json:
        print(json.dumps(data, ensure_ascii=False, default=str))
        return 0
    states = ", ".join(f"{k} {v}" for k, v in figure.by_state.items())
    print(f"projects: {states}")
    print(
        f"tasks: running {figure.running_tasks}, overdue {figure.overdue_tasks},"
        f" blocked {figure.blocked_tasks}, done {figure.done_tasks}"
    )
    for unit, n in by_unit.items():
        print(f"  overdue in {unit}: {n}")
    for who, n in figure.overdue_by_person.items():
        print(f"  overdue: {who} {n}")
    print(f"definitions {figure.stamp['definitions']}, position {figure.stamp['position']}")
    return 0
