"""Seed a store with the demo: the directory, then a year of cases, with progress reports."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, time, timedelta

from eventsourcing.utils import get_topic

from domain.application import Casetrail
from domain.case import Case
from domain.directory import Unit
from infra.demo.cases import handle_opened_case, play_case
from infra.demo.engagement import link_leaders, visit_enterprises
from infra.demo.merit import clear_false_accusation, commend_and_sanction
from infra.demo.oversight import hold_accountable, publish_finished_periods, supervise
from infra.demo.people import seed_directory
from infra.demo.projects import run_projects
from infra.demo.quarterly import evaluate_last_quarter
from infra.demo.reviews import rate_cases, serve_at_windows
from infra.demo.run import DemoRun, DemoSummary, SimClock
from infra.demo.stationed import front_line_weeks, second_cadres, serve_enterprises

Progress = Callable[[int], None]


def store_has_data(app: Casetrail) -> bool:
    """True when the store holds anything beyond its working calendar."""
    topics = [get_topic(Unit.Registered), get_topic(Case.Filed)]
    return next(iter(app.iter_ids(topics, batch=1)), None) is not None


def seed_demo(
    app: Casetrail,
    clock: SimClock,
    *,
    cases: int,
    end: datetime,
    seed: int = 2026,
    progress: Progress | None = None,
) -> DemoSummary:
    """Write the demo directory and ``cases`` case stories filed over the year before ``end``."""
    rng, summary = random.Random(seed), DemoSummary()
    tz = app.policy.tz
    clock.now = end - timedelta(days=400)
    people = seed_directory(app)
    calendar = app.work_calendar()
    filings = []
    for _ in range(cases):
        day = (end - timedelta(days=rng.uniform(1, 365))).astimezone(tz).date()
        while not calendar.is_working_day(day):
            day -= timedelta(days=1)
        filings.append(datetime.combine(day, time(9 + rng.randrange(8), rng.randrange(60)), tz))
    run = DemoRun(app, clock, people, rng, end, summary)
    clock.now = end - timedelta(days=390)
    link_leaders(run)
    case_ids = []
    for filed_at in sorted(filings):
        case_id, story = play_case(
            app=app, clock=clock, people=people, rng=rng, filed_at=filed_at, end=end
        )
        summary.add("cases", case_id)
        summary.stories[story] += 1
        case_ids.append(case_id)
        if progress:
            progress(1)
    rate_cases(run, case_ids)
    serve_at_windows(run, cases // 2)
    for case_id in visit_enterprises(run):
        handle_opened_case(run, case_id)
    serve_enterprises(run)
    front_line_weeks(run)
    second_cadres(run)
    supervise(run, case_ids)
    hold_accountable(run, case_ids)
    evaluate_last_quarter(run)
    publish_finished_periods(run, min(filings).date() if filings else end.date())
    commend_and_sanction(run)
    clear_false_accusation(run, case_ids)
    run_projects(run, case_ids)
    return summary
