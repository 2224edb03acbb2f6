"""Demo stationed staff's work, front-line weeks given as date ranges, and secondments.

The staff stationed with key enterprises record what they did most months (a few months none,
one key enterprise loses its staff member early on), some problems open cases that are then
handled, and the enterprises confirm most activities and dispute a few. Department and window
leaders record a front-line week as a date range in the last months. Cadres are seconded to
key enterprises and enterprise staff to departments, for six months or more, one recalled early.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from uuid import UUID

from domain.actors import Actor, Role
from domain.secondment import add_months
from infra.demo.people import ADMIN, person
from infra.demo.run import DemoRun

WORK = {
    "policy_explained": (
        "讲解研发费用加计扣除政策",
        "解读稳岗返还申领条件",
        "宣讲技改补贴申报指南",
    ),
    "service_provided": ("协助办理营业执照变更", "代办排污许可延续", "上门指导社保登记"),
    "problem_taken_up": (
        "企业反映用电报装进度慢",
        "厂区周边道路积水影响物流",
        "新厂房消防验收排期久",
    ),
}


def serve_enterprises(run: DemoRun) -> None:
    """A year of stationed staff's activities, with cases for some problems."""
    app, clock, people, rng, end = run.app, run.clock, run.people, run.rng, run.end
    tz = app.policy.tz
    keys = people.key_enterprises
    withdrawn = keys[-1]
    clock.now = end - timedelta(days=380)
    app.withdraw_staff(_stationed_at(run, len(keys) - 1).id, withdrawn, "轮岗调整", actor=ADMIN)
    calendar = app.work_calendar()
    for month in range(12, -1, -1):
        first = (end - timedelta(days=30 * month)).astimezone(tz).date().replace(day=1)
        for index, enterprise in enumerate(keys[:-1]):
            if rng.random() < 0.15:
                continue  # nothing this month
            staff = _stationed_at(run, index)
            for _ in range(rng.randrange(1, 4)):
                day = first + timedelta(days=rng.randrange(0, 27))
                if not calendar.is_working_day(day):
                    continue
                at = datetime.combine(day, time(17, 30), tz)
                if at > end:
                    continue
                clock.now = at
                kind = rng.choice(list(WORK))
                saved = app.record_stationed_activity(
                    enterprise,
                    kind=kind,
                    description=rng.choice(WORK[kind]),
                    happened_on=day,
                    actor=staff,
                )
                run.summary.add("stationed_activities", saved.id)
                if kind == "problem_taken_up" and rng.random() < 0.5:
                    clock.now += timedelta(minutes=20)
                    opened = app.open_case_from_activity(saved.id, "help", actor=staff)
                    run.summary.add("stationed_cases", opened.id)
                    _settle(run, opened.id, staff)
                _answer(run, saved.id, enterprise, at)


def _settle(run: DemoRun, case_id: UUID, staff: Actor) -> None:
    """The staff member who took the problem up answers it within days and closes it."""
    answered = run.clock.now + timedelta(days=run.rng.uniform(1, 6))
    if answered + timedelta(hours=2) > run.end:
        return
    run.clock.now = answered
    run.app.answer_directly(case_id, "已协调相关部门办理，企业认可", actor=staff)
    run.clock.now += timedelta(hours=2)
    run.app.close_case(case_id, "solved", "问题已解决", actor=staff)


def _stationed_at(run: DemoRun, index: int) -> Actor:
    """The clerk ``link_leaders`` stationed with the ``index``-th key enterprise."""
    clerks = run.people.clerks
    unit = list(clerks)[index % len(clerks)]
    return clerks[unit][2]


def _answer(run: DemoRun, activity_id: UUID, enterprise: str, done_at: datetime) -> None:
    """Most activities are confirmed within days, a few disputed, some never answered."""
    chance = run.rng.random()
    at = done_at + timedelta(days=run.rng.uniform(1, 5))
    if chance > 0.8 or at > run.end:
        return
    run.clock.now = at
    confirmed = chance < 0.75
    run.app.answer_stationed_activity(
        activity_id,
        confirmed=confirmed,
        note="" if confirmed else "服务员当天未到企业",
        actor=Actor(enterprise, Role.ENTERPRISE),
    )


def front_line_weeks(run: DemoRun) -> None:
    """Department and window leaders each record a front-line week (Monday to Friday) as a
    date range in each of the last two complete months."""
    app, clock, end = run.app, run.clock, run.end
    tz = app.policy.tz
    today = end.astimezone(tz).date()
    calendar = app.work_calendar()
    for code in run.people.leaders:
        if app.leader(code).level == "county":
            continue
        for back in (1, 2):
            first_of_month = add_months(today.replace(day=1), -back)
            monday = first_of_month + timedelta(days=(7 - first_of_month.weekday()) % 7 + 7)
            friday = monday + timedelta(days=4)
            clock.now = datetime.combine(friday, time(18, 0), tz)
            week = (monday + timedelta(days=n) for n in range(5))
            if clock.now > end or not any(calendar.is_working_day(d) for d in week):
                continue
            saved = app.record_visit(
                kind="front_line_week",
                place="政务服务中心窗口一线",
                started_at=datetime.combine(monday, time(9, 0), tz),
                duration=5,
                duration_unit="days",
                ended_on=friday,
                actor=Actor(code, Role.LEADER),
            )
            run.summary.add("front_line_weeks", saved.id)


def second_cadres(run: DemoRun) -> None:
    """Cadres to key enterprises and enterprise staff to departments, one recalled early."""
    app, clock, end, people = run.app, run.clock, run.end, run.people
    tz = app.policy.tz
    today = end.astimezone(tz).date()
    units = list(people.clerks)
    keys = people.key_enterprises
    plans: list[tuple[str, str, str, str, date, int]] = []
    for i in range(4):
        start = add_months(today.replace(day=1), -(2 + 3 * i))
        plans.append(
            (person(400 + i), "cadre_to_enterprise", units[i % len(units)], keys[i % len(keys)],
             start, 6 + (i % 2) * 6)
        )  # fmt: skip
    for i in range(2):
        start = add_months(today.replace(day=1), -(1 + 4 * i))
        plans.append(
            (person(500 + i), "enterprise_to_department", keys[(i + 1) % len(keys)],
             units[(i + 2) % len(units)], start, 6)
        )  # fmt: skip
    arranged = []
    for name, direction, home, host, start, months in plans:
        clock.now = datetime.combine(start - timedelta(days=10), time(10, 0), tz)
        saved = app.arrange_secondment(
            person=name, direction=direction, home=home, host=host, starts_on=start,
            ends_on=add_months(start, months), actor=ADMIN,
        )  # fmt: skip
        run.summary.add("secondments", saved.id)
        arranged.append((saved.id, start))
    recalled, start = arranged[1]
    last = start + timedelta(days=75)
    if last < today:
        clock.now = datetime.combine(last, time(17, 0), tz)
        app.end_secondment_early(recalled, last, "企业经营调整，提前召回", actor=ADMIN)
