"""The demo's quarterly evaluation by market entities: most enterprises answer about the
departments they dealt with during the last quarter whose form has closed; some never answer,
and the departments' scores differ, so the results (and the ranking) have something to show."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from domain.actors import Actor, Role
from domain.periods import Period
from domain.quarterly import window
from infra.demo.people import UNITS
from infra.demo.run import DemoRun

# How each department tends to be scored (a mean on the 1-5 scale), so the results differ.
TENDENCY = {"AMR": 4.5, "HRSS": 3.2, "TAX": 4.2, "NRP": 2.8, "HUD": 3.6, "ECO": 3.9, "DRC": 4.0,
            "GSC": 4.7}  # fmt: skip
COMMENTS = ("办事效率明显提高", "希望进一步压缩审批时限", "窗口服务热情", "政策宣传不够到位", "")


def last_closed_quarter(run: DemoRun) -> str | None:
    """The latest quarter whose form closed by the demo's end, if it opened after the start."""
    tz = run.app.policy.tz
    end = run.end.astimezone(tz).date()
    quarter = Period.parse(f"{end.year}-Q{(end.month - 1) // 3 + 1}")
    for _ in range(2):
        span = window(quarter.name, run.app.policy)
        if span.closes <= run.end:
            return quarter.name if span.opens >= run.end - timedelta(days=365) else None
        quarter = quarter.previous()
    return None


def evaluate_last_quarter(run: DemoRun) -> str | None:
    """Answers from the demo enterprises for the last closed quarter; returns the quarter."""
    quarter = last_closed_quarter(run)
    if quarter is None:
        return None
    app = run.app
    rng = random.Random(f"quarterly-evaluation-{quarter}")  # the rest of the demo stays as it was
    span = window(quarter, app.policy)
    days = (span.closes - span.opens).total_seconds() / 86400
    answers: list[tuple[datetime, str, str]] = []
    for enterprise in run.people.enterprises:
        if rng.random() < 0.2:
            continue  # this enterprise never answers
        for code, _, _ in rng.sample(UNITS, rng.randrange(2, 6)):
            at = span.opens + timedelta(days=rng.uniform(0.1, days - 0.1))
            answers.append((at, enterprise, code))
    questions = list(app.policy.quarterly_evaluation.questions)
    for at, enterprise, code in sorted(answers):
        run.clock.now = at
        scores = {
            q: max(1, min(5, round(rng.gauss(TENDENCY.get(code, 4.0), 0.8)))) for q in questions
        }
        saved = app.answer_quarterly_evaluation(
            enterprise,
            code,
            quarter,
            scores,
            comment=rng.choice(COMMENTS),
            actor=Actor(enterprise, Role.ENTERPRISE),
        )
        run.summary.add("quarterly_evaluations", saved.id)
    return quarter
