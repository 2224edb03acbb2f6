"""Stationed staff's activities and secondments as rows.

An activity row carries its month (``YYYY-MM`` of the day it happened) so "which key
enterprises had no stationed activity this month" and a staff member's or an enterprise's list
are indexed reads. A secondment row carries its last day (the planned end, or the early end),
so the roster (who is where on a day) is one range read: started on or before the day, last
day on or after it.
"""

from __future__ import annotations

from domain.base import Tracked
from domain.secondment import Secondment
from domain.stationed import StationedActivity
from projections.base import Projection, Table, ViewTx, handles


class StationedProjection(Projection):
    name = "stationed"
    version = "1"
    tables = (
        Table.of(
            "activities",
            key="id",
            indexes=(
                ("login", "happened_on"),
                ("enterprise_id", "happened_on"),
                ("month", "enterprise_id"),
            ),
            id="text",
            login="text",
            enterprise_id="text",
            activity_kind="text",
            description="text",
            happened_on="text",
            month="text",
            recorded_at="timestamp",
            late="boolean",
            case_id="text",
            confirmed="boolean",
            answered_at="timestamp",
        ),
        Table.of(
            "secondments",
            key="id",
            indexes=(("last_day", "starts_on"), ("direction", "starts_on")),
            id="text",
            person="text",
            direction="text",
            home_id="text",
            host_id="text",
            starts_on="text",
            ends_on="text",
            last_day="text",
            ended_early="boolean",
            end_reason="text",
            arranged_at="timestamp",
        ),
    )

    @handles(StationedActivity.Recorded)
    def _recorded(self, event: StationedActivity.Recorded, view: ViewTx) -> None:
        view.upsert(
            "activities",
            {
                "id": event.originator_id,
                "login": event.login,
                "enterprise_id": event.enterprise_id,
                "activity_kind": event.activity_kind,
                "description": event.description,
                "happened_on": event.happened_on,
                "month": event.happened_on[:7],
                "recorded_at": event.timestamp,
                "late": event.late,
            },
        )

    @handles(StationedActivity.ConfirmedByEnterprise, StationedActivity.DisputedByEnterprise)
    def _answered(self, event: Tracked.Event, view: ViewTx) -> None:
        view.upsert(
            "activities",
            {
                "id": event.originator_id,
                "confirmed": isinstance(event, StationedActivity.ConfirmedByEnterprise),
                "answered_at": event.timestamp,
            },
        )

    @handles(StationedActivity.CaseOpened)
    def _case(self, event: StationedActivity.CaseOpened, view: ViewTx) -> None:
        # A confidential case (a 举报): the tie would name its source, which no read shows.
        case_id = None if event.confidential else event.case_id
        view.upsert("activities", {"id": event.originator_id, "case_id": case_id})

    @handles(Secondment.Arranged)
    def _arranged(self, event: Secondment.Arranged, view: ViewTx) -> None:
        view.upsert(
            "secondments",
            {
                "id": event.originator_id,
                "person": event.person,
                "direction": event.direction,
                "home_id": event.home_id,
                "host_id": event.host_id,
                "starts_on": event.starts_on,
                "ends_on": event.ends_on,
                "last_day": event.ends_on,
                "ended_early": False,
                "arranged_at": event.timestamp,
            },
        )

    @handles(Secondment.EndedEarly)
    def _ended(self, event: Secondment.EndedEarly, view: ViewTx) -> None:
        view.upsert(
            "secondments",
            {
                "id": event.originator_id,
                "last_day": event.ended_on,
                "ended_early": True,
                "end_reason": event.reason,
            },
        )
