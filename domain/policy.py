"""Policy: the numbers that differ between jurisdictions, as data with a version.

The values live in ``policy/*.toml``; infra parses them into these objects. Every event whose
outcome depends on policy records ``Policy.version``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta, timezone

from domain.errors import InvalidInputError


@dataclass(frozen=True)
class WarningPolicy:
    yellow_working_days_before: int = 1
    yellow_fraction_elapsed: float = 0.75
    reminder_after_overdue_working_days: int = 1
    criticism_after_reminder_working_days: int = 5


@dataclass(frozen=True)
class ExtensionPolicy:
    max_count: int = 1
    max_working_days: int = 10
    decision_grace_working_days: int = 0
    """How long after the deadline an extension asked for in time may still be decided. A
    decision in the grace extends the limit but never makes the cycle on time again."""


@dataclass(frozen=True)
class EvaluationPolicy:
    rating_window_days: int = 7
    callback_working_days: int = 1
    rectification_working_days: int = 15
    appeal_window_working_days: int = 5


@dataclass(frozen=True)
class ListPolicy:
    """Red and black lists (红黑榜): sizes, the sample a member needs, the floor a red-list
    member must reach and the ceiling a black-list member must fall below (staff and windows
    by 好评率, units by the assessment composite), and the objection period."""

    red_size: int = 3
    black_size: int = 3
    min_sample: int = 5
    objection_working_days: int = 5
    red_min_good_review_rate: float = 0.9
    black_max_good_review_rate: float = 0.7
    red_min_composite: float = 0.65
    black_max_composite: float = 0.5

    def __post_init__(self) -> None:
        for red, black in (
            ("red_min_good_review_rate", "black_max_good_review_rate"),
            ("red_min_composite", "black_max_composite"),
        ):
            if getattr(self, red) <= getattr(self, black):
                raise InvalidInputError(
                    f"lists.{red} must be above lists.{black}, so that nobody can be on both lists",
                    code="list-floor-above-ceiling",
                    params={"floor": red, "ceiling": black},
                )


TRIGGER_SOURCES = ("ranking", "unit_black_list")


@dataclass(frozen=True)
class TriggerPolicy:
    """'Bottom of the ranking N periods running' leads to a formal talk (约谈)."""

    consecutive_bottom_periods: int = 2
    period: str = "year"
    action: str = "formal_talk"
    recommendation: str = "reassign_deputy_in_charge"
    """Recorded with the talk: the seed's second consequence (分管领导调整)."""
    source: str = "ranking"
    """What "bottom" is read from: ``ranking`` (the last rank of a published ranking) or
    ``unit_black_list`` (on the unit black list of published lists)."""

    def __post_init__(self) -> None:
        if self.source not in TRIGGER_SOURCES:
            known = ", ".join(TRIGGER_SOURCES)
            raise InvalidInputError(
                f"triggers.source {self.source!r} is unknown ({known})",
                code="trigger-source-unknown", params={"source": self.source},
            )


@dataclass(frozen=True)
class VisitPolicy:
    county_leader_monthly_visits: int = 1
    front_line_days_per_month: int = 5
    record_within_working_days: int = 3
    """A visit entered later than this many working days after its date is recorded as late
    and meets no quota."""


@dataclass(frozen=True)
class SecondmentPolicy:
    """选派干部服务锻炼 (docs/metrics.md, secondments)."""

    minimum_months: int = 6
    """A secondment's planned end is at least this many calendar months after its start."""


@dataclass(frozen=True)
class RatePolicy:
    """Parameters of the published rates (docs/metrics.md)."""

    response_working_days: int = 1


@dataclass(frozen=True)
class Open311Policy:
    """What Open311 GeoReport v2 shows a caller without an ``api_key`` (the spec lets anyone
    read services and requests). Confidential requests and the filer are never shown; a key
    shows its holder's own scope whatever these say."""

    public_requests: bool = True
    """Whether requests are listed (and shown one by one) without a key at all."""
    public_descriptions: bool = False
    """Whether those requests carry their description: a demand's own words may name people
    or firms, so a jurisdiction decides."""


@dataclass(frozen=True)
class PrivacyPolicy:
    """Where confidential demands go (docs/security.md)."""

    confidential_desk: str = "DCS"
    """The unit code of the receiving desk for 举报 and other confidential demands (the
    supervision office, or a discipline-inspection intake): they never wait in the common
    intake queue, and only this desk, the units it routes them to, supervisors and inspectors
    see them."""


@dataclass(frozen=True)
class SignInPolicy:
    """Failed sign-ins (等保 2.0: handle failed logins): how many a login and an address may
    have within the window before a lock, how long locks last and how they grow, and how long
    a session token lives."""

    failures_per_login: int = 5
    failures_per_address: int = 30
    window_minutes: int = 15
    lock_minutes: int = 5
    lock_growth: int = 2
    """Each further lock of the same login or address lasts this many times the last."""
    max_lock_minutes: int = 240
    forget_after_hours: int = 24
    """A login or address with no failure and no lock for this long starts afresh."""
    session_hours: int = 12

    def __post_init__(self) -> None:
        for name in (
            "failures_per_login",
            "failures_per_address",
            "window_minutes",
            "lock_minutes",
            "lock_growth",
            "max_lock_minutes",
            "forget_after_hours",
            "session_hours",
        ):
            if getattr(self, name) < 1:
                raise InvalidInputError(
                    f"sign_in.{name} must be at least 1",
                    code="policy-number-too-small",
                    params={"key": f"sign_in.{name}", "minimum": 1},
                )

    def lock_for(self, earlier_locks: int) -> timedelta:
        """How long the next lock lasts, given how many the login or address had before."""
        minutes = self.lock_minutes * self.lock_growth ** min(earlier_locks, 32)
        return timedelta(minutes=min(minutes, self.max_lock_minutes))


@dataclass(frozen=True)
class IdempotencyPolicy:
    """How long an ``Idempotency-Key`` is remembered; after that it is purged and free again."""

    keep_hours: int = 24

    def __post_init__(self) -> None:
        if self.keep_hours < 1:
            raise InvalidInputError(
                "idempotency.keep_hours must be at least 1",
                code="policy-number-too-small",
                params={"key": "idempotency.keep_hours", "minimum": 1},
            )


@dataclass(frozen=True)
class QuarterlyEvaluationPolicy:
    """The quarterly evaluation by market entities (每季度由服务对象和市场主体直接评价): the
    form's questions (key -> weight in an answer's overall score), the scale every question is
    scored on, when a quarter's form is open, the answers a unit needs before it is ranked on
    them, and the evaluation's weight in the annual ranking and the unit lists."""

    questions: dict[str, float] = field(
        default_factory=lambda: {
            "environment": 1.0,
            "efficiency": 1.0,
            "attitude": 1.0,
            "policy_delivery": 1.0,
            "integrity": 1.0,
        }
    )
    scale_min: int = 1
    scale_max: int = 5
    opens_days_before_end: int = 30
    """A quarter's form opens this many natural days before the quarter's last day ends
    (30: about its last month)."""
    closes_days_after_end: int = 0
    """...and closes this many natural days after it. 0: when the quarter ends, so the
    quarter's lists (published after it) count every answer the quarter will have."""
    min_answers: int = 3
    """A unit with fewer answers in a period is not ranked on the evaluation (the ranking
    treats it like any missing rate: the average of the units that have one)."""
    ranking_weight: float = 0.1
    """The evaluation score's weight in the annual-assessment composite."""

    def __post_init__(self) -> None:
        if self.scale_max <= self.scale_min:
            raise InvalidInputError(
                "quarterly_evaluation.scale_max must be above scale_min",
                code="policy-number-too-small",
                params={"key": "quarterly_evaluation.scale_max", "minimum": self.scale_min + 1},
            )
        if self.closes_days_after_end < 0:
            raise InvalidInputError(
                "quarterly_evaluation.closes_days_after_end must be at least 0",
                code="policy-number-too-small",
                params={"key": "quarterly_evaluation.closes_days_after_end", "minimum": 0},
            )
        for name in ("opens_days_before_end", "min_answers"):
            if getattr(self, name) < 1:
                raise InvalidInputError(
                    f"quarterly_evaluation.{name} must be at least 1",
                    code="policy-number-too-small",
                    params={"key": f"quarterly_evaluation.{name}", "minimum": 1},
                )
        if not self.questions or any(w <= 0 for w in self.questions.values()):
            raise InvalidInputError(
                "quarterly_evaluation.questions must name at least one question, each with a"
                " weight above 0",
                code="policy-number-too-small",
                params={"key": "quarterly_evaluation.questions", "minimum": 0},
            )


@dataclass(frozen=True)
class Policy:
    version: str
    name: str
    utc_offset_hours: int = 8
    working_days_by_type: dict[str, int] = field(
        default_factory=lambda: {
            "consultation": 2,
            "help": 10,
            "suggestion": 10,
            "complaint": 15,
            "report": 15,
        }
    )
    emergency_dispatch_hours: int = 1
    emergency_handle_hours: int = 24
    emergency_extension_max_hours: int = 24
    return_window_working_days: int = 2
    service_commitments: dict[str, int] = field(default_factory=dict)
    """服务承诺: service item -> a shorter time limit in working days than its demand type's."""
    warnings: WarningPolicy = field(default_factory=WarningPolicy)
    extension: ExtensionPolicy = field(default_factory=ExtensionPolicy)
    evaluation: EvaluationPolicy = field(default_factory=EvaluationPolicy)
    lists: ListPolicy = field(default_factory=ListPolicy)
    triggers: TriggerPolicy = field(default_factory=TriggerPolicy)
    visits: VisitPolicy = field(default_factory=VisitPolicy)
    rates: RatePolicy = field(default_factory=RatePolicy)
    open311: Open311Policy = field(default_factory=Open311Policy)
    privacy: PrivacyPolicy = field(default_factory=PrivacyPolicy)
    sign_in: SignInPolicy = field(default_factory=SignInPolicy)
    idempotency: IdempotencyPolicy = field(default_factory=IdempotencyPolicy)
    quarterly_evaluation: QuarterlyEvaluationPolicy = field(
        default_factory=QuarterlyEvaluationPolicy
    )
    secondments: SecondmentPolicy = field(default_factory=SecondmentPolicy)
    assessment_weights: dict[str, float] = field(
        default_factory=lambda: {
            "on_time_rate": 0.4,
            "good_review_rate": 0.3,
            "rectification_rate": 0.2,
            "return_rate": -0.1,
            "reopen_rate": -0.1,
        }
    )

    @property
    def tz(self) -> timezone:
        """The jurisdiction's civil time zone; business dates are dates in this zone."""
        return timezone(timedelta(hours=self.utc_offset_hours))

    def working_days_for(self, case_type: str) -> int:
        try:
            return self.working_days_by_type[case_type]
        except KeyError:
            known = ", ".join(sorted(self.working_days_by_type))
            raise InvalidInputError(
                f"policy {self.version} sets no time limit for {case_type!r} (it has: {known})",
                code="no-time-limit-for-type",
                params={"case_type": case_type, "known": sorted(self.working_days_by_type)},
            ) from None

    def time_limit(self, case_type: str, service_item: str | None) -> TimeLimitBasis:
        """The working days a demand of ``case_type`` about ``service_item`` has: the type's
        limit, or the item's service commitment (服务承诺) when that is shorter."""
        by_type = self.working_days_for(case_type)
        committed = self.service_commitments.get(service_item) if service_item else None
        if committed is not None and committed < by_type:
            return TimeLimitBasis(committed, case_type, by_type, service_item)
        return TimeLimitBasis(by_type, case_type, by_type, None)


@dataclass(frozen=True)
class TimeLimitBasis:
    """Where a time limit comes from, as the deadline's derivation tells it."""

    working_days: int
    case_type: str
    type_working_days: int
    committed_item: str | None
    """The service item whose commitment set the limit; None when the type's limit applies."""

    def as_data(self) -> dict[str, object]:
        return {
            "case_type": self.case_type,
            "type_working_days": self.type_working_days,
            "service_commitment": self.committed_item,
        }
