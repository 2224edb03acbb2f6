"""Leaders and enterprises as rows: links, stationed staff, visits (when they happened and when
they were recorded, late or not, confirmed or disputed by the enterprise) and what they found."""

from __future__ import annotations

from domain.base import Tracked
from domain.engagement import Engagement
from domain.visit import Visit
from projections.base import Projection, Table, ViewTx, handles


class EngagementProjection(Projection):
    name = "engagement"
    version = "4"
    tables = (
        Table.of("engagements", key="id", id="text", enterprise_id="text"),
        Table.of(
            "leader_links",
            key=("enterprise_id", "leader_id"),
            indexes=(("leader_id", "enterprise_id"),),
            enterprise_id="text",
            leader_id="text",
            linked="boolean",
            changed_at="timestamp",
        ),
        Table.of(
            "stationed_staff",
            key=("enterprise_id", "login"),
            indexes=(("login", "stationed"),),
            enterprise_id="text",
            login="text",
            stationed="boolean",
            changed_at="timestamp",
        ),
        Table.of(
            "visits",
            key="id",
            # A leader's and an enterprise's visits, the latest first.
            indexes=(("leader_id", "started_at"), ("enterprise_id", "started_at")),
            id="text",
            leader_id="text",
            leader_code="text",
            visit_kind="text",
            enterprise_id="text",
            place="text",
            started_at="timestamp",
            duration="real",
            duration_unit="text",
            findings="integer",
            recorded_at="timestamp",
            late="boolean",
            confirmed="boolean",
            answered_at="timestamp",
            ended_on="text",
        ),
        Table.of(
            "visit_findings",
            key=("visit_id", "finding_id"),
            visit_id="text",
            finding_id="integer",
            leader_id="text",
            description="text",
            case_id="text",
            resolved_on_site="boolean",
            found_at="timestamp",
        ),
    )

    @handles(Engagement.LeaderLinked)
    def _linked(self, event: Engagement.LeaderLinked, view: ViewTx) -> None:
        enterprise = _enterprise(view, event.originator_id)
        view.upsert(
            "leader_links",
            {
                "enterprise_id": enterprise,
                "leader_id": event.leader_id,
                "linked": True,
                "changed_at": event.timestamp,
            },
        )

    @handles(Engagement.LeaderUnlinked)
    def _unlinked(self, event: Engagement.LeaderUnlinked, view: ViewTx) -> None:
        enterprise = _enterprise(view, event.originator_id)
        view.upsert(
            "leader_links",
            {
                "enterprise_id": enterprise,
                "leader_id": event.leader_id,
                "linked": False,
                "changed_at": event.timestamp,
            },
        )

    @handles(Engagement.Opened)
    def _opened(self, event: Engagement.Opened, view: ViewTx) -> None:
        view.upsert(
            "engagements", {"id": event.originator_id, "enterprise_id": event.enterprise_id}
        )

    @handles(Engagement.StaffStationed)
    def _stationed(self, event: Engagement.StaffStationed, view: ViewTx) -> None:
        view.upsert(
            "stationed_staff",
            {
                "enterprise_id": _enterprise(view, event.originator_id),
                "login": event.login,
                "stationed": True,
                "changed_at": event.timestamp,
            },
        )

    @handles(Engagement.StaffWithdrawn)
    def _withdrawn(self, event: Engagement.StaffWithdrawn, view: ViewTx) -> None:
        view.upsert(
            "stationed_staff",
            {
                "enterprise_id": _enterprise(view, event.originator_id),
                "login": event.login,
                "stationed": False,
                "changed_at": event.timestamp,
            },
        )

    @handles(Visit.Recorded)
    def _visit(self, event: Visit.Recorded, view: ViewTx) -> None:
        view.upsert(
            "visits",
            {
                "id": event.originator_id,
                "leader_id": event.leader_id,
                "leader_code": event.leader_code,
                "visit_kind": event.visit_kind,
                "enterprise_id": event.enterprise_id,
                "place": event.place,
                "started_at": event.started_at,
                "duration": float(event.duration),
                "duration_unit": event.duration_unit,
                "findings": len(event.findings),
                "recorded_at": event.timestamp,
                "late": event.late,
                "ended_on": event.ended_on,
            },
        )
        for finding in event.findings:
            _finding(view, event, int(finding["id"]), str(finding["description"]), event.leader_id)

    @handles(Visit.ConfirmedByEnterprise, Visit.DisputedByEnterprise)
    def _answered(self, event: Tracked.Event, view: ViewTx) -> None:
        view.upsert(
            "visits",
            {
                "id": event.originator_id,
                "confirmed": isinstance(event, Visit.ConfirmedByEnterprise),
                "answered_at": event.timestamp,
            },
        )

    @handles(Visit.FindingAdded)
    def _finding_added(self, event: Visit.FindingAdded, view: ViewTx) -> None:
        visit = view.get("visits", event.originator_id) or {}
        _finding(view, event, event.finding_id, event.description, visit.get("leader_id"))
        view.increment("visits", event.originator_id, "findings")

    @handles(Visit.FindingCaseOpened)
    def _case_opened(self, event: Visit.FindingCaseOpened, view: ViewTx) -> None:
        view.upsert(
            "visit_findings",
            {
                "visit_id": event.originator_id,
                "finding_id": event.finding_id,
                "case_id": event.case_id,
            },
        )

    @handles(Visit.FindingResolvedOnSite)
    def _resolved(self, event: Visit.FindingResolvedOnSite, view: ViewTx) -> None:
        view.upsert(
            "visit_findings",
            {
                "visit_id": event.originator_id,
                "finding_id": event.finding_id,
                "resolved_on_site": True,
            },
        )


def _enterprise(view: ViewTx, engagement_id: object) -> str:
    row = view.get("engagements", engagement_id)
    if row is None:
        raise LookupError(f"engagement {engagement_id} has an event before it was opened")
    return str(row["enterprise_id"])


def _finding(
    view: ViewTx, event: Tracked.Event, finding_id: int, description: str, leader_id: object
) -> None:
    view.upsert(
        "visit_findings",
        {
            "visit_id": event.originator_id,
            "finding_id": finding_id,
            "leader_id": leader_id,
            "description": description,
            "resolved_on_site": False,
            "found_at": event.timestamp,
        },
    )
