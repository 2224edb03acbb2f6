"""The quarterly evaluation by market entities (每季度由服务对象和市场主体直接评价): an
enterprise answers the quarter's form about each department; supervisors, leaders and admins
read the results per department."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from api.http.access import CurrentPrincipal, guarded
from api.http.deps import AppDep, CommandDep, ContainerDep, done, wait_for_position
from api.http.problems import ProblemError
from api.http.schemas.common import CommandResult
from api.http.schemas.quarterly import QuarterlyAnswerCreate, QuarterlyForm, QuarterlyResults
from api.web.quarterly_data import departments
from domain.actors import Role
from domain.directory import Enterprise
from domain.quarterly import open_quarters
from infra.figures import Figures

router = APIRouter(prefix="/api/v1", tags=["quarterly evaluation"])
QuarterPath = Annotated[str, Path(min_length=7, max_length=7, examples=["2026-Q3"])]
VIEWS = ["quarterly"]


@router.get(
    "/quarterly-evaluation/form",
    response_model=QuarterlyForm,
    **guarded("quarterly_evaluation.form"),
)
def form(app: AppDep, caller: CurrentPrincipal, container: ContainerDep) -> QuarterlyForm:
    """The form in force: questions, scale, the quarters open now and (for an enterprise) the
    departments it has answered about in each."""
    rules = app.policy.quarterly_evaluation
    quarters = open_quarters(app.now(), app.policy)
    answered: dict[str, list[str]] = {}
    if caller.role is Role.ENTERPRISE and caller.enterprise_id is not None:
        for quarter in quarters:
            found = departments(app, container.read, caller.enterprise_id, quarter)
            answered[quarter] = [d.code for d in found if d.answered]
    return QuarterlyForm(
        policy_version=app.policy.version,
        questions=dict(rules.questions),
        scale_min=rules.scale_min,
        scale_max=rules.scale_max,
        open_quarters=quarters,
        answered=answered,
    )


@router.post(
    "/quarterly-evaluation/answers",
    status_code=201,
    response_model=CommandResult,
    **guarded("quarterly_evaluation.answer"),
)
def answer(body: QuarterlyAnswerCreate, cmd: CommandDep, response: Response) -> CommandResult:
    """Answer the quarter's form about a department: once per enterprise, department and
    quarter (a second: ``evaluation-answered-once``), while the quarter's form is open."""
    own = cmd.caller.enterprise_id
    if own is None or (body.enterprise is not None and Enterprise.id_for(body.enterprise) != own):
        raise ProblemError(403, "not-your-enterprise", "An enterprise answers for itself only")
    saved = cmd.app.answer_quarterly_evaluation(
        own, body.unit, body.quarter, body.scores, comment=body.comment, actor=cmd.actor
    )
    return done(saved, response)


@router.get(
    "/quarterly-evaluation/{quarter}",
    response_model=QuarterlyResults,
    **guarded("quarterly_evaluation.results"),
)
def results(
    quarter: QuarterPath,
    app: AppDep,
    container: ContainerDep,
    min_position: Annotated[int | None, Query(ge=0, le=2**62)] = None,
) -> QuarterlyResults:
    """One quarter's results per department: mean per question and overall, answers, the
    response rate over the enterprises that could answer (docs/metrics.md)."""
    if min_position is not None:
        wait_for_position(container, min_position, VIEWS)
    container.read.refresh(VIEWS)
    return QuarterlyResults.of(Figures(app, container.read.store).quarterly_evaluation(quarter))

