"""The quarterly evaluation by market entities (directive 七: 每季度由服务对象和市场主体直接评价).

Each quarter, an enterprise rates each department (unit) on its business environment and its
services, on a form whose questions, scale and weights are policy. One answer per enterprise,
department and quarter: the answer is an aggregate whose id is derived from those three, so a
second answer (even one racing the first) meets the store's unique key and is refused. A
quarter's form is open only within its window (policy), and only the enterprise's own login
answers for it. The answer records the policy version, the scale and the weights it was given
under, so its overall score reproduces from the event alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar, Self
from uuid import UUID

from domain.actors import Actor, Role
from domain.base import Tracked, named_id
from domain.directory import Enterprise
from domain.errors import AlreadyExistsError, InvalidInputError, NotPermittedError
from domain.periods import Period
from domain.policy import Policy, QuarterlyEvaluationPolicy
from domain.refusals import StepRefusedError

COMMENT_MAX = 500


@dataclass(frozen=True)
class Window:
    """When a quarter's form may be answered: [opens, closes) in the jurisdiction's time."""

    quarter: str
    opens: datetime
    closes: datetime

    def contains(self, at: datetime) -> bool:
        return self.opens <= at < self.closes

    @property
    def last_day(self) -> date:
        """The form's last day (it closes at the end of it)."""
        return (self.closes - timedelta(microseconds=1)).date()


def quarter_of(name: str) -> Period:
    """The quarter called ``name`` (2026-Q3); anything else is refused by its code."""
    return Period.parse(name.strip(), "quarter")


def window(quarter: str, policy: Policy) -> Window:
    """The window of ``quarter``'s form under ``policy``: from ``opens_days_before_end`` days
    before the quarter's last day ends to ``closes_days_after_end`` days after."""
    rules, period = policy.quarterly_evaluation, quarter_of(quarter)
    end = datetime.combine(period.after, time(0), policy.tz)
    return Window(
        period.name,
        end - timedelta(days=rules.opens_days_before_end),
        end + timedelta(days=rules.closes_days_after_end),
    )


def open_quarters(at: datetime, policy: Policy) -> list[str]:
    """The quarters whose form is open at ``at`` (at most two when the windows overlap)."""
    today = at.astimezone(policy.tz).date()
    names = []
    for back in (1, 0):
        month = today.month - 1 - 3 * back
        year = today.year + month // 12
        name = f"{year}-Q{(month % 12) // 3 + 1}"
        if window(name, policy).contains(at):
            names.append(name)
    return names


def overall(scores: Mapping[str, int], rules: QuarterlyEvaluationPolicy) -> float:
    """An answer's overall score: the weighted mean of its questions' scores."""
    total = sum(rules.questions[q] for q in scores)
    return round(sum(rules.questions[q] * s for q, s in scores.items()) / total, 6)


def checked_scores(
    scores: Mapping[str, object], rules: QuarterlyEvaluationPolicy
) -> dict[str, int]:
    """Every question of the form, each with a whole score on the scale; nothing else."""
    unknown = sorted(set(scores) - set(rules.questions))
    if unknown:
        raise InvalidInputError(
            f"the form has no question {unknown[0]!r} (it asks: {', '.join(rules.questions)})",
            code="evaluation-question-unknown",
            params={"question": unknown[0], "known": list(rules.questions)},
        )
    missing = [q for q in rules.questions if q not in scores]
    if missing:
        raise InvalidInputError(
            f"question {missing[0]!r} is not answered; the form asks every question",
            code="evaluation-question-unanswered",
            params={"question": missing[0]},
        )
    out: dict[str, int] = {}
    for question in rules.questions:
        score = scores[question]
        if (
            not isinstance(score, int)
            or isinstance(score, bool)
            or not rules.scale_min <= score <= rules.scale_max
        ):
            raise InvalidInputError(
                f"question {question!r} is scored {score!r}; scores are whole numbers from"
                f" {rules.scale_min} to {rules.scale_max}",
                code="evaluation-score-out-of-scale",
                params={
                    "question": question,
                    "score": str(score),
                    "min": rules.scale_min,
                    "max": rules.scale_max,
                },
            )
        out[question] = score
    return out


class QuarterlyEvaluation(Tracked):
    """One enterprise's answer about one department for one quarter."""

    kind: ClassVar[str] = "quarterly evaluation"

    class Answered(Tracked.Created):
        enterprise_id: UUID
        unit_id: UUID
        quarter: str
        scores: dict[str, int]
        weights: dict[str, float]
        scale_min: int
        scale_max: int
        overall: float
        comment: str
        policy_version: str

    def __init__(
        self,
        *,
        enterprise_id: UUID,
        unit_id: UUID,
        quarter: str,
        scores: dict[str, int],
        weights: dict[str, float],
        scale_min: int,
        scale_max: int,
        overall: float,
        comment: str,
        policy_version: str,
    ) -> None:
        self.enterprise_id, self.unit_id, self.quarter = enterprise_id, unit_id, quarter
        self.scores, self.weights = dict(scores), dict(weights)
        self.scale_min, self.scale_max = scale_min, scale_max
        self.overall, self.comment = overall, comment
        self.policy_version = policy_version

    @staticmethod
    def id_for(enterprise_id: UUID, unit_id: UUID, quarter: str) -> UUID:
        """The one id an enterprise's answer about a unit for a quarter can have."""
        return named_id("quarterly-evaluation", f"{enterprise_id}:{unit_id}:{quarter}")

    @classmethod
    def answer(
        cls,
        *,
        enterprise_id: UUID,
        unit_id: UUID,
        quarter: str,
        scores: Mapping[str, object],
        comment: str = "",
        policy: Policy,
        actor: Actor,
        at: datetime,
    ) -> Self:
        if actor.role is not Role.ENTERPRISE or Enterprise.id_for(actor.id) != enterprise_id:
            raise NotPermittedError(
                "only the enterprise's own login answers its quarterly evaluation",
                code="evaluation-answered-by-the-enterprise",
            )
        name = quarter_of(quarter).name
        span = window(name, policy)
        if not span.contains(at):
            raise StepRefusedError(
                "answer the quarterly evaluation",
                "not open",
                f"the evaluation of {name} is open from {span.opens.isoformat()} until"
                f" {span.closes.isoformat()}",
                code="evaluation-quarter-not-open",
                params={
                    "quarter": name,
                    "opens": span.opens.isoformat(),
                    "closes": span.closes.isoformat(),
                },
            )
        rules = policy.quarterly_evaluation
        checked = checked_scores(scores, rules)
        note = comment.strip()
        if len(note) > COMMENT_MAX:
            raise InvalidInputError(
                f"a comment holds at most {COMMENT_MAX} characters",
                code="evaluation-comment-too-long",
                params={"field": "comment", "max": COMMENT_MAX},
            )
        return cls._create_by(
            cls.Answered,
            id=cls.id_for(enterprise_id, unit_id, name),
            actor=actor,
            at=at,
            enterprise_id=enterprise_id,
            unit_id=unit_id,
            quarter=name,
            scores=checked,
            weights={q: rules.questions[q] for q in checked},
            scale_min=rules.scale_min,
            scale_max=rules.scale_max,
            overall=overall(checked, rules),
            comment=note,
            policy_version=policy.version,
        )

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "enterprise_id": str(self.enterprise_id),
            "unit_id": str(self.unit_id),
            "quarter": self.quarter,
            "scores": self.scores,
            "overall": self.overall,
            "policy_version": self.policy_version,
        }


class AlreadyAnsweredError(AlreadyExistsError):
    """The enterprise answered about this unit for this quarter already."""

    def __init__(self, quarter: str, answered: date | None = None) -> None:
        when = f" on {answered.isoformat()}" if answered else ""
        super().__init__(
            f"this enterprise answered about this department for {quarter}{when}; one answer"
            " per enterprise, department and quarter",
            code="evaluation-answered-once",
            params={"quarter": quarter},
        )
