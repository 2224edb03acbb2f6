"""Issue 12, finding 10: 差评整改率 counts the 差评s rectified on time, and nothing else.

Reproduced: every completion counted, including outcomes *explained* and *not substantiated*
and late completions (14 of 19 "completed", 2 fully rectified). Here six 差评s end six ways;
only the one rectified on time is in 整改率, the others are reported beside it.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import pytest

from domain.application import Casetrail
from domain.evaluation import Level
from infra.figures import Figures
from tests.support.clock import CHINA, FakeClock
from tests.support.oversight_world import ENTERPRISE, LI, WANG, oversight_app, window_service
from tests.support.views import all_views

# Wednesday 1 April 2026; the rectification clock is 15 working days.
SERVED = datetime(2026, 4, 1, 9, 0, tzinfo=CHINA)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(SERVED)


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    return oversight_app(clock)


def bad_review(app: Casetrail, clock: FakeClock) -> UUID:
    service = window_service(app, clock.now)
    saved = app.rate_service(service, Level.DISSATISFIED, actor=ENTERPRISE, reason="材料反复退回")
    assert saved.rectification is not None
    app.record_rectification_callback(
        saved.rectification.id, reached=True, complaint_verified=True, actor=LI
    )
    app.record_rectification_measures(saved.rectification.id, ["一次性告知"], actor=LI)
    return saved.rectification.id


def test_finding_10_only_bad_reviews_rectified_on_time_count_in_the_rectification_rate(
    app: Casetrail, clock: FakeClock
) -> None:
    endings = ("rectified", "partly_rectified", "explained", "not_substantiated")
    on_time = [bad_review(app, clock) for _ in endings]
    late = bad_review(app, clock)
    bad_review(app, clock)  # still open
    clock.set(datetime(2026, 4, 10, 10, 0, tzinfo=CHINA))
    for rectification_id, outcome in zip(on_time, endings, strict=True):
        app.complete_rectification(rectification_id, outcome, "办结", actor=WANG)
    clock.set(datetime(2026, 5, 20, 10, 0, tzinfo=CHINA))  # past the 15 working days
    app.complete_rectification(late, "rectified", "逾期整改", actor=WANG)

    rates = Figures(app, all_views(app)).rates("all", "2026-04")["rates"]["all"]
    shares = {k: (v["numerator"], v["denominator"]) for k, v in rates.items()}
    assert shares["rectification_rate"] == (1, 6)
    assert shares["rectification_partly_rate"] == (1, 6)
    assert shares["rectification_explained_rate"] == (1, 6)
    assert shares["rectification_not_substantiated_rate"] == (1, 6)
    assert shares["rectification_late_rate"] == (1, 6)
    assert shares["rectification_open_rate"] == (1, 6)
    first = Figures(app, all_views(app)).rates("all", "2026-04", definitions="metrics-2026.1")
    assert first["definitions"] == "metrics-2026.1"
    assert first["rates"]["all"]["rectification_rate"]["numerator"] == 5  # as reproduced
