"""Leader coverage (挂钩联系): who is linked to whom, monthly visit quotas, findings solved.

Quota (policy ``visits``): a county leader needs ``county_leader_monthly_visits`` visits or
office days in the month; other leaders ``front_line_days_per_month`` days on the front line,
counting a visit's duration in days (hours / 8). A visit recorded late (more than
``visits.record_within_working_days`` working days after it took place) or disputed by the
enterprise visited meets no quota (metrics-2026.2); confirmations are shown beside. A finding is
solved when it was resolved on site, or the case it opened was closed as solved or partly
solved.

Front-line days (十: 审批部门和窗口单位领导每月至少有1周左右时间在一线; stationed-2026.1) are shown
beside every leader's visits: the working days of the month a leader's front-line weeks cover.
A front-line week recorded as a date range counts the working days of the range that fall in
the month, by the work calendar (a week across a holiday counts its working days only, a week
across two months counts in each the days it spent there); one recorded with a duration
counts its duration in days in the month it started. It meets the quota as every visit does:
on time and not disputed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.clock import add_working_days, working_days_between
from projections.figures.context import Context
from projections.figures.facts import Facts
from projections.figures.periods import Period

SOLVED = ("solved", "partly_solved")
HOURS_PER_DAY = 8


@dataclass(frozen=True)
class Coverage:
    leaders_without_enterprise: list[str]
    key_enterprises_without_leader: list[str]
    key_enterprises: int
    covered_key_enterprises: int


@dataclass(frozen=True)
class Quota:
    leader_id: str
    level: str
    visits: int
    """Visits that count towards the quota (2026.2: on time and not disputed)."""
    days: float
    required: float
    met: bool
    findings: int
    cases_opened: int
    solved: int
    late: int = 0
    """Visits of the month recorded too late to count."""
    confirmed: int = 0
    """Visits of the month the enterprise visited confirmed."""
    disputed: int = 0
    """Visits of the month the enterprise visited disputed (they do not count)."""
    front_line_days: float = 0.0
    """Working days of the month on the front line (front-line weeks that count)."""
    front_line_required: float = 0.0
    """``visits.front_line_days_per_month``: the days approval departments' and windows'
    leaders spend on the front line each month."""


def coverage(facts: Facts) -> Coverage:
    linked = [link for link in facts.leader_links if link["linked"]]
    leaders_linked = {str(link["leader_id"]) for link in linked}
    enterprises_linked = {str(link["enterprise_id"]) for link in linked}
    key = [str(e["id"]) for e in facts.enterprises if e["key_enterprise"]]
    return Coverage(
        leaders_without_enterprise=sorted(
            str(lead["id"]) for lead in facts.leaders if str(lead["id"]) not in leaders_linked
        ),
        key_enterprises_without_leader=sorted(e for e in key if e not in enterprises_linked),
        key_enterprises=len(key),
        covered_key_enterprises=sum(1 for e in key if e in enterprises_linked),
    )


def monthly_quota(facts: Facts, month: Period, ctx: Context) -> list[Quota]:
    visits = ctx.policy.visits
    closed_as = {str(c["id"]): c["outcome"] for c in facts.cases if c["status"] == "closed"}
    quotas = []
    for leader in sorted(facts.leaders, key=lambda lead: str(lead["id"])):
        leader_id = str(leader["id"])
        of_month = [
            v
            for v in facts.visits
            if str(v["leader_id"]) == leader_id and month.contains(v["started_at"], ctx.policy.tz)
        ]
        late = [v for v in of_month if _late(v, ctx)]
        disputed = [v for v in of_month if v["confirmed"] is False]
        mine = (
            of_month
            if ctx.first_review_formulas
            else [v for v in of_month if v not in late and v not in disputed]
        )
        # A front-line week begun last month counts the days it spent in this one.
        carried = [
            v
            for v in facts.visits
            if str(v["leader_id"]) == leader_id
            and _reaches_into(v, month, ctx)
            and (ctx.first_review_formulas or (not _late(v, ctx) and v["confirmed"] is not False))
        ]
        days = sum(_days_in_month(v, month, ctx) for v in mine + carried)
        front_line = sum(
            _days_in_month(v, month, ctx)
            for v in mine + carried
            if v["visit_kind"] == "front_line_week"
        )
        visit_ids = {str(v["id"]) for v in of_month}  # what was found counts, late or not
        findings = [f for f in facts.visit_findings if str(f["visit_id"]) in visit_ids]
        county = leader["level"] == "county"
        required = float(
            visits.county_leader_monthly_visits if county else visits.front_line_days_per_month
        )
        quotas.append(
            Quota(
                leader_id=leader_id,
                level=leader["level"],
                visits=len(mine),
                days=round(days, 2),
                required=required,
                met=(len(mine) if county else days) >= required,
                findings=len(findings),
                cases_opened=sum(1 for f in findings if f["case_id"]),
                solved=sum(
                    1
                    for f in findings
                    if f["resolved_on_site"] or closed_as.get(str(f["case_id"])) in SOLVED
                ),
                late=len(late),
                confirmed=sum(1 for v in of_month if v["confirmed"] is True),
                disputed=len(disputed),
                front_line_days=round(front_line, 2),
                front_line_required=float(visits.front_line_days_per_month),
            )
        )
    return quotas


def _reaches_into(visit: dict[str, object], month: Period, ctx: Context) -> bool:
    """A front-line week given as a range that began before the month and reaches into it."""
    started = visit["started_at"]
    assert isinstance(started, datetime)
    ended = visit.get("ended_on")
    if not ended:
        return False
    first = started.astimezone(ctx.policy.tz).date()
    return first < month.first and date.fromisoformat(str(ended)) >= month.first


def _days_in_month(visit: dict[str, object], month: Period, ctx: Context) -> float:
    """The days a visit counts in the month: a range's working days inside the month, else its
    duration in days (hours / 8)."""
    duration = visit["duration"]
    assert isinstance(duration, int | float)
    ended = visit.get("ended_on")
    if ended:
        started = visit["started_at"]
        assert isinstance(started, datetime)
        first = max(started.astimezone(ctx.policy.tz).date(), month.first)
        last = min(date.fromisoformat(str(ended)), month.after - timedelta(days=1))
        if last < first:
            return 0.0
        return float(working_days_between(ctx.calendar, first - timedelta(days=1), last))
    return float(duration) if visit["duration_unit"] == "days" else duration / HOURS_PER_DAY


def _late(visit: dict[str, object], ctx: Context) -> bool:
    """Recorded after the policy's working days; visits recorded before the rule carry no
    mark, so the same rule is applied to their two times here."""
    if visit["late"] is not None:
        return bool(visit["late"])
    started, recorded = visit["started_at"], visit["recorded_at"]
    assert isinstance(started, datetime)
    assert isinstance(recorded, datetime)
    tz = ctx.policy.tz
    days = ctx.policy.visits.record_within_working_days
    record_by = add_working_days(ctx.calendar, started.astimezone(tz).date(), days)
    return recorded.astimezone(tz).date() > record_by
