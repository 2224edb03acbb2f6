"""The deadline watcher asks the case view only for the cases a warning may be due on, and
that selection never leaves out a case the domain would warn: checked at every few hours of
forty days, with the watcher's own warnings moving the cases on between the checks."""

from __future__ import annotations

from domain.watch import alerts_due
from infra.watcher import cases_maybe_due, warn_open_cases
from projections.cases import CaseProjection
from tests.support.city import city as open_city
from tests.support.city import clerk, complaint, handled_by
from tests.support.clock import FakeClock
from tests.support.views import project


def test_the_watcher_selects_every_case_due_and_skips_the_rest(clock: FakeClock) -> None:
    app = open_city(clock)
    ids = [complaint(app, case_type=t) for t in ("consultation", "help", "complaint")]
    ids.append(complaint(app, case_type="help", emergency=True))  # never dispatched
    paused = handled_by(app, "TAX")
    app.pause(paused, "supplement", "缺材料", actor=clerk("TAX"))
    answered = handled_by(app, "NRP")
    app.reply(answered, "已答复", actor=clerk("NRP"))
    ids += [paused, answered]
    for _ in range(3):
        ids.append(handled_by(app, "AMR"))
        clock.advance(days=2, hours=7)

    warned_in_full: set[object] = set()
    skipped_while_overdue = 0
    for _ in range(0, 24 * 40, 5):
        clock.advance(hours=5)
        now, calendar = app.now(), app.work_calendar()
        selected = set(cases_maybe_due(app, project(app, CaseProjection()), batch=2))
        due = {
            i for i in ids
            if alerts_due(app.case(i), now, calendar, app.policy)
            or app.case(i).dispatch_limit_missed(now, app.policy)
        }
        assert due <= selected, now
        assert {answered, paused}.isdisjoint(selected)
        for i in ids:
            case = app.case(i)
            if (case.cycle, "criticism") in case.alerts:
                warned_in_full.add(i)
                skipped_while_overdue += i not in selected
        report = warn_open_cases(app, selected)
        assert (sum(report.issued.values()) > 0) == bool(due)

    # Cases that had every level of their cycle were still open and overdue, and were no
    # longer loaded on every tick.
    assert len(warned_in_full) >= 3
    assert skipped_while_overdue > 0
