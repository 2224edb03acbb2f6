"""``casetrail quarterly``: the quarterly evaluation by market entities (每季度直接评价).

    casetrail quarterly form
    casetrail quarterly answer --as LOGIN --unit AMR --quarter 2026-Q3 \\
        --score environment=5 --score efficiency=4 ... [--comment TEXT]
    casetrail quarterly results --quarter 2026-Q3

``answer`` acts as an enterprise's own login; ``results`` prints one quarter's figures per
department as JSON (docs/metrics.md), stamped with their definitions and policy.
"""

from __future__ import annotations

import argparse
import json

from api.cli.common import UsageError
from domain.actors import Role
from domain.errors import NotFoundError
from domain.identity import User
from domain.periods import Period, PeriodError
from domain.quarterly import open_quarters
from infra.bootstrap import bootstrap
from infra.figures import Figures
from infra.projections import open_runner
from infra.settings import Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "quarterly",
        help="the quarterly evaluation by market entities: the form, an answer, the results",
        description="Each quarter every enterprise rates each department once, on the policy's"
        " form, while the quarter's form is open (policy quarterly_evaluation).",
    )
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    sub.add_parser("form", help="the form in force and the quarters open now").set_defaults(
        handler=show_form
    )
    answer = sub.add_parser("answer", help="answer the form about a department, as an enterprise")
    answer.add_argument("--as", dest="login", required=True, help="the enterprise's login")
    answer.add_argument("--unit", required=True, help="the department's code, e.g. AMR")
    answer.add_argument("--quarter", required=True, help="e.g. 2026-Q3")
    answer.add_argument(
        "--score",
        action="append",
        default=[],
        metavar="QUESTION=N",
        help="one per question of the form (see `casetrail quarterly form`)",
    )
    answer.add_argument("--comment", default="", help="optional, at most 500 characters")
    answer.set_defaults(handler=run_answer)
    results = sub.add_parser("results", help="a quarter's results per department, as JSON")
    results.add_argument("--quarter", required=True, help="e.g. 2026-Q3")
    results.set_defaults(handler=run_results)


def quarter(text: str) -> str:
    try:
        return Period.parse(text, "quarter").name
    except PeriodError as error:
        raise UsageError(str(error)) from None


def scores(pairs: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for pair in pairs:
        question, _, score = pair.partition("=")
        if not question.strip() or not score.strip().lstrip("-").isdigit():
            raise UsageError(f"--score takes QUESTION=N with a whole number, not {pair!r}")
        out[question.strip()] = int(score)
    if not out:
        raise UsageError("give every question of the form as --score QUESTION=N")
    return out


def show_form(args: argparse.Namespace) -> int:
    app = bootstrap(Settings())
    try:
        rules = app.policy.quarterly_evaluation
        out = {
            "policy_version": app.policy.version,
            "questions": rules.questions,
            "scale": {"min": rules.scale_min, "max": rules.scale_max},
            "open_quarters": open_quarters(app.now(), app.policy),
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
    finally:
        app.close()
    return 0


def run_answer(args: argparse.Namespace) -> int:
    name, given = quarter(args.quarter), scores(args.score)
    app = bootstrap(Settings())
    try:
        try:
            user = app.load(User, User.id_for(args.login))
        except NotFoundError:
            raise UsageError(f"no login {args.login!r}") from None
        if user.role is not Role.ENTERPRISE or user.enterprise_id is None or user.disabled:
            raise UsageError(f"{args.login!r} is not an enterprise's active login")
        saved = app.answer_quarterly_evaluation(
            user.enterprise_id, args.unit, name, given, comment=args.comment, actor=user.actor
        )
        print(json.dumps({"id": str(saved.id), "version": saved.version,
                          "position": saved.position}))
    finally:
        app.close()
    return 0


def run_results(args: argparse.Namespace) -> int:
    name = quarter(args.quarter)
    settings = Settings()
    app = bootstrap(settings)
    runner = open_runner(app, settings)
    try:
        runner.catch_up()
        found = Figures(app, runner.store).quarterly_evaluation(name)
        print(json.dumps(found, ensure_ascii=False, indent=2))
    finally:
        runner.store.close()
        app.close()
    return 0
