"""A small city for the tests of fair case figures: a government service centre (GSC) whose
clerk dispatches, three handling units (TAX, NRP, AMR) with a clerk and a head each, and a
supervisor. ``rates`` reads the published handling rates from the log, as ``report rates`` does.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.actors import Actor, Role
from domain.application import Casetrail
from domain.policy import Policy
from projections.cases import CaseProjection
from projections.directory import DirectoryProjection
from projections.figures import DEFINITIONS
from projections.figures.context import Context
from projections.figures.facts import Facts
from projections.figures.handling import handling_rates_by
from projections.figures.periods import Period
from tests.support.app import ADMIN, memory_app
from tests.support.clock import FakeClock
from tests.support.views import project

UNITS = ("GSC", "TAX", "NRP", "AMR")
SUPERVISOR = Actor("duchashi", Role.SUPERVISOR)
ENTERPRISE = "91440300MA5CITY001"


def clerk(unit: str) -> Actor:
    return Actor(f"{unit.lower()}.clerk", Role.WINDOW_STAFF)


def head(unit: str) -> Actor:
    return Actor(f"{unit.lower()}.head", Role.UNIT_HEAD)


def city(clock: FakeClock, policy: Policy | None = None) -> Casetrail:
    return furnished(memory_app(clock, policy))


def furnished(app: Casetrail) -> Casetrail:
    """The city's units, windows, staff and enterprise, registered in ``app``."""
    for code in UNITS:
        app.register_unit(code, f"{code} unit", actor=ADMIN)
        app.open_window(f"{code}-W1", f"{code} window", code, actor=ADMIN)
        app.enrol_staff(
            clerk(code).id,
            f"{code} clerk",
            Role.WINDOW_STAFF,
            unit_code=code,
            window_code=f"{code}-W1",
            actor=ADMIN,
        )
        app.enrol_staff(head(code).id, f"{code} head", Role.UNIT_HEAD, unit_code=code, actor=ADMIN)
    app.enrol_staff(SUPERVISOR.id, "督查室", Role.SUPERVISOR, actor=ADMIN)
    app.register_enterprise(ENTERPRISE, "城市示例有限公司", actor=ADMIN)
    return app


def complaint(app: Casetrail, *, by: Actor | None = None, **intake: object) -> UUID:
    """A complaint recorded at the service centre's window (15 working days)."""
    fields: dict[str, object] = {"case_type": "complaint", "channel": "window"} | intake
    return app.file_demand(
        summary="审批超时",
        actor=by or clerk("GSC"),
        filer_name="张先生",
        **fields,  # type: ignore[arg-type]
    ).id


def handled_by(app: Casetrail, unit: str, *, by: Actor | None = None) -> UUID:
    """A complaint dispatched by the service centre to ``unit``, which signed for it."""
    case_id = complaint(app)
    app.dispatch(case_id, unit, actor=by or clerk("GSC"))
    app.sign_for(case_id, actor=clerk(unit))
    return case_id


def facts(app: Casetrail) -> Facts:
    cases, directory = project(app, CaseProjection()), project(app, DirectoryProjection())
    return Facts(
        cases=cases.rows(CaseProjection().table("cases")),
        case_units=cases.rows(CaseProjection().table("case_units")),
        staff=directory.rows(DirectoryProjection().table("staff")),
        units=directory.rows(DirectoryProjection().table("units")),
    )


def rates(
    app: Casetrail,
    period: str,
    *,
    group: str = "unit",
    now: datetime | None = None,
    definitions: str = DEFINITIONS,
) -> dict[str, dict[str, tuple[int, int]]]:
    """Each group's handling rates as (numerator, denominator), keyed by unit code for units."""
    ctx = Context(now or app.now(), app.work_calendar(), app.policy, definitions=definitions)
    found = handling_rates_by(facts(app), group, Period.parse(period), ctx)
    codes = {str(app.unit(code).id): code for code in UNITS}
    return {
        codes.get(name, name): {k: (r.numerator, r.denominator) for k, r in by_rate.items()}
        for name, by_rate in found.items()
    }
