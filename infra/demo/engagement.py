"""Demo leader links, stationed staff and a year of visits, some months missing the quota, a few
recorded too late to count, most confirmed by the enterprise visited and a few disputed."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from uuid import UUID

from domain.actors import Actor, Role
from infra.demo.people import ADMIN
from infra.demo.run import DemoRun

FINDINGS = (
    "企业反映用地审批进度慢",
    "厂区供电容量不足",
    "招工难，希望组织专场招聘会",
    "出口退税到账慢",
    "周边道路拥堵影响物流",
)


def link_leaders(run: DemoRun) -> None:
    """Every key enterprise but one gets a leader; one leader is left without an enterprise."""
    app, people, rng = run.app, run.people, run.rng
    leaders = people.leaders[:-1]
    links = {(leaders[i % len(leaders)], e) for i, e in enumerate(people.key_enterprises[:-1])}
    ordinary = [e for e in people.enterprises if e not in people.key_enterprises]
    while len(links) < len(people.key_enterprises) + 4:
        links.add((rng.choice(leaders), rng.choice(ordinary)))
    for leader, enterprise in sorted(links):
        app.link_leader(leader, enterprise, actor=ADMIN, note="挂钩联系企业")
    for index, enterprise in enumerate(people.key_enterprises):
        unit = list(people.clerks)[index % len(people.clerks)]
        app.station_staff(people.clerks[unit][2].id, enterprise, actor=ADMIN)


def visit_enterprises(run: DemoRun) -> list[UUID]:
    """A year of visits; returns the cases their findings opened, for handling."""
    app, clock, people, rng, end = run.app, run.clock, run.people, run.rng, run.end
    finding_cases: list[UUID] = []
    tz = app.policy.tz
    for month in range(12, 0, -1):
        first = (end - timedelta(days=30 * month)).astimezone(tz).date().replace(day=1)
        for code in people.leaders:
            leader = app.leader(code)
            county = leader.level == "county"
            if rng.random() < (0.2 if county else 0.3):
                continue  # this leader missed the month's quota
            day = first + timedelta(days=rng.randrange(3, 25))
            started = datetime.combine(day, time(9, 30), tz)
            if started > end:
                continue
            # Most visits are recorded the same evening; a few weeks later, too late to count.
            late = rng.random() < 0.05
            clock.now = started + (timedelta(days=12) if late else timedelta(hours=8))
            if clock.now > end:
                continue
            findings = rng.sample(FINDINGS, rng.randrange(0, 3))
            enterprise = rng.choice(people.key_enterprises)
            visit = app.record_visit(
                kind="visit" if county else "front_line_week",
                place="企业生产现场",
                started_at=started,
                duration=4 if county else 5,
                duration_unit="hours" if county else "days",
                enterprise=enterprise,
                findings=findings,
                actor=Actor(code, Role.LEADER),
            )
            run.summary.add("visits", visit.id)
            for finding_id in range(1, len(findings) + 1):
                clock.now += timedelta(minutes=30)
                if rng.random() < 0.5:
                    opened = app.open_case_from_finding(
                        visit.id, finding_id, "help", actor=Actor(code, Role.LEADER)
                    )
                    finding_cases.append(opened.id)
                else:
                    app.resolve_finding_on_site(
                        visit.id, finding_id, "现场协调解决", actor=Actor(code, Role.LEADER)
                    )
            answer_visit(run, visit.id, enterprise)
    return finding_cases


def answer_visit(run: DemoRun, visit_id: UUID, enterprise: str) -> None:
    """Most enterprises confirm a visit within days; a few dispute one; some never answer."""
    app, clock, rng = run.app, run.clock, run.rng
    chance = rng.random()
    if chance > 0.73:
        return
    at = clock.now + timedelta(days=rng.uniform(1, 4))
    if at > run.end:
        return
    clock.now = at
    confirmed = chance < 0.7
    app.answer_visit(
        visit_id,
        confirmed=confirmed,
        note="" if confirmed else "当天未见该领导到企业，相关问题亦未沟通",
        actor=Actor(enterprise, Role.ENTERPRISE),
    )
