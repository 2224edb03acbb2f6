"""Rectification of a 差评 (差评整改) from the desk: the rated unit's list with both clocks (the
callback and the rectification itself), and each step the unit takes (callback or, for an
anonymous rater, verification; measures; an extension request; completion), and the appeal of
the rating (申诉): filed by the rated unit's head within its window, decided by a supervisor.
The rules are the application's; a refusal is shown beside the step's form in the page's
language."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Query, Response

from api.http.access import Scope, scope_of
from api.web.context import DESK, WebDep
from api.web.names import load_names
from api.web.paging import ranked_page
from api.web.refusals import refusal
from api.web.render import WebRoute, page, redirect
from domain.actors import Role
from domain.appeal import Appeal, Grounds
from domain.clock import Deadline, working_day_deadline, working_days_between
from domain.errors import DomainError, NotFoundError
from domain.evaluation import Evaluation
from domain.rectification import Outcome, Rectification, Stage
from infra.identity import Principal
from projections.query import NOTHING, Compare, Filter, all_of

router = APIRouter(route_class=WebRoute, include_in_schema=False)
Text = Annotated[str, Form(max_length=4000)]
PAGE_SIZE = 50
"""Rectifications listed a page at a time."""
STEPS = ("callback", "verification", "measures", "extension", "completion", "decide_extension")
APPEAL_STEPS = ("appeal", "decide_appeal")


@router.get("/desk/rectifications")
def listing(
    web: WebDep, page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1
) -> Response:
    caller = web.require(DESK)
    read = web.container.read
    read.refresh(["reviews", "directory"])
    names = load_names(read)
    scope: Filter | None = None
    if scope_of(caller.role) is not Scope.ALL:
        unit = names.unit_of(caller.login)
        scope = Compare("unit_id", "=", unit) if unit else NOTHING
    # The open ones first, each group by its rectification deadline, a page at a time.
    groups = {
        "open": all_of(scope, Compare("completed_at", "=", None)),
        "done": all_of(scope, Compare("completed_at", "!=", None)),
    }
    found = ranked_page(
        read,
        ("reviews", "rectifications"),
        groups,
        "rectification_due_at",
        page_no=page_no,
        size=PAGE_SIZE,
    )
    return page(
        web,
        "rectifications.html",
        rows=found.rows,
        total=found.total,
        page_no=found.page_no,
        pages=found.pages,
        names=names,
        now=web.app.now(),
    )


@router.get("/desk/rectifications/{rectification_id}")
def show(rectification_id: UUID, web: WebDep, done: str = "") -> Response:
    caller = web.require(DESK)
    return _page(web, _visible(web, caller, rectification_id), done=done)


@router.post("/desk/rectifications/{rectification_id}/{step}")
def take_step(
    rectification_id: UUID,
    step: str,
    web: WebDep,
    *,
    csrf: Text = "",
    reached: Text = "",
    verified: Text = "",
    note: Text = "",
    measures: Text = "",
    working_days: Text = "",
    outcome: Text = "",
    grounds: Text = "",
    upheld: Text = "",
    approved: Text = "",
) -> Response:
    web.check_csrf(csrf)
    caller = web.require(DESK)
    rectification = _visible(web, caller, rectification_id)
    if step not in STEPS + APPEAL_STEPS:
        raise NotFoundError(f"no step {step!r} on a rectification")
    app, actor = web.app, caller.actor
    values = {
        "step": step,
        "reached": reached,
        "verified": verified,
        "note": note,
        "measures": measures,
        "working_days": working_days,
        "outcome": outcome,
        "grounds": grounds,
        "upheld": upheld,
        "approved": approved,
    }
    try:
        if step == "appeal":
            saved = app.appeal_rating(rectification.evaluation_id, grounds, note, actor=actor)
        elif step == "decide_appeal":
            saved = app.decide_appeal(
                Appeal.id_for(rectification.evaluation_id),
                upheld=upheld == "yes",
                reason=note,
                actor=actor,
            )
        elif step == "callback":
            saved = app.record_rectification_callback(
                rectification_id,
                reached=reached == "yes",
                complaint_verified=None if reached != "yes" else verified == "yes",
                note=note,
                actor=actor,
            )
        elif step == "verification":
            saved = app.record_rectification_verification(
                rectification_id, complaint_verified=verified == "yes", note=note, actor=actor
            )
        elif step == "measures":
            lines = [line.strip() for line in measures.splitlines() if line.strip()]
            saved = app.record_rectification_measures(rectification_id, lines, actor=actor)
        elif step == "extension":
            days = int(working_days) if working_days.strip().isdigit() else 0
            saved = app.request_rectification_extension(
                rectification_id, days, note, actor=actor
            )
        elif step == "decide_extension":
            saved = app.decide_rectification_extension(
                rectification_id, approved=approved == "yes", reason=note, actor=actor
            )
        else:
            saved = app.complete_rectification(rectification_id, outcome, note, actor=actor)
    except DomainError as error:
        said = refusal(web.locale, error)
        return _page(web, rectification, error=said, values=values)
    web.read_your_write(saved.position, ["reviews"])
    anchor = "appeal" if step in APPEAL_STEPS else step.removeprefix("decide_")
    return redirect(web, f"/desk/rectifications/{rectification_id}?done={step}#{anchor}")


def _visible(web: WebDep, caller: Principal, rectification_id: UUID) -> Rectification:
    """The rectification when the caller's unit was rated (a supervisor sees every one)."""
    rectification = web.app.rectification(rectification_id)
    if scope_of(caller.role) is not Scope.ALL:
        unit = load_names(web.container.read).unit_of(caller.login)
        if unit != str(rectification.unit_id):
            raise NotFoundError(f"no rectification with id {rectification_id}")
    return rectification


def _page(
    web: WebDep,
    rectification: Rectification,
    *,
    done: str = "",
    error: str = "",
    values: dict[str, str] | None = None,
) -> Response:
    app = web.app
    evaluation = app.evaluation(rectification.evaluation_id)
    case = app.case(evaluation.case_id) if evaluation.case_id else None
    now = app.now()
    blank = {
        "step": "", "reached": "yes", "verified": "yes", "note": "", "measures": "",
        "grounds": "", "upheld": "", "approved": "",
    }  # fmt: skip
    role = web.principal.role if web.principal is not None else None
    appeal_id = Appeal.id_for(evaluation.id)
    appeal = app.appeal(appeal_id) if app.exists(appeal_id) else None
    window = appeal.window if appeal is not None else _appeal_window(web, evaluation)
    window_open = now < window.due_at
    return page(
        web,
        "rectification.html",
        status=422 if error else 200,
        r=rectification.state(),
        rating=evaluation.state(),
        case_summary=case.summary if case else None,
        overdue=rectification.is_overdue(now),
        callback_overdue=rectification.callback_overdue(now),
        outcomes=[o.value for o in Outcome],
        # The rated unit takes the steps; a supervisor follows them (and decides extensions).
        may_act=web.principal is not None and web.principal.role is not Role.SUPERVISOR,
        # Only the rated unit's head asks for more time.
        may_extend=web.principal is not None and web.principal.role is Role.UNIT_HEAD,
        # A supervisor decides the head's request while it waits.
        may_decide_extension=role is Role.SUPERVISOR
        and rectification.pending_extension is not None
        and rectification.stage is not Stage.COMPLETED,
        names=load_names(web.container.read),
        error=error,
        values=blank | {"working_days": "", "outcome": ""} | (values or {}),
        done=done if done in STEPS + APPEAL_STEPS else "",
        appeal=appeal,
        appeal_due=window.due_at,
        appeal_left=working_days_between(app.work_calendar(), now.date(), window.due)
        if window_open
        else None,
        grounds=[g.value for g in Grounds],
        # The rated unit's head appeals while the window is open; a supervisor decides.
        may_appeal=role is Role.UNIT_HEAD and appeal is None and window_open,
        may_decide=role is Role.SUPERVISOR and appeal is not None and appeal.upheld is None,
    )


def _appeal_window(web: WebDep, evaluation: Evaluation) -> Deadline:
    """The working days the rated unit has to appeal the rating, as ``Appeal.file`` counts."""
    policy = web.app.policy
    return working_day_deadline(
        evaluation.rated_at,
        policy.evaluation.appeal_window_working_days,
        web.app.work_calendar(),
        tz=policy.tz,
        policy_version=policy.version,
    )
