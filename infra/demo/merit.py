"""Demo commendations and a sanction from the latest published lists, and a false accusation
cleared, published at the cleared clerk's request, with a matter against the accuser."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from domain.application import Casetrail
from domain.case import Case
from domain.directory import Window
from domain.periods import Period
from domain.publication import Kind, Publication
from infra.demo.run import DemoRun

COMMENDED = 3


def commend_and_sanction(run: DemoRun) -> None:
    """Commend red-listed members of the latest lists that red-list anyone, and sanction one
    black-listed member of the latest lists that black-list anyone (a line no objection holds
    open)."""
    app, supervisor = run.app, run.people.supervisors[0]
    published = _published_lists(run)
    if not published or not run.move(days=1):
        return
    red = next(((p, _on(p, "red")) for p in published if _on(p, "red")), None)
    decisions = [] if red is None else [("commendation", red[0], d, m) for d, m in red[1]]
    decisions = decisions[:COMMENDED]
    black = next(((p, _on(p, "black")) for p in published if _on(p, "black")), None)
    if black is not None:
        decisions.append(("ordered_rectification", black[0], *black[1][0]))
    for decision, publication, dimension, member in decisions:
        if not run.move(hours=1):
            return
        who = _who(app, dimension, member)
        saved = app.decide_merit(
            decision,
            subject_kind=dimension,
            subject=who,
            reason=(
                f"{publication.period}窗口服务竞赛成绩优异，予以通报表彰"
                if decision == "commendation"
                else f"{publication.period}列入黑榜，责令一个月内整改并报告"
            ),
            publication_id=publication.id,
            entry=(dimension, who),
            actor=supervisor,
        )
        run.summary.add("commendations" if decision == "commendation" else "sanctions", saved.id)


def _on(publication: Publication, side: str) -> list[tuple[str, str]]:
    """The lines on one side of a publication's latest edition that no objection holds open."""
    pending = {(o.dimension, o.member) for o in publication.objections if o.upheld is None}
    return [
        (dimension, line["member"])
        for dimension in ("window", "staff", "unit")
        for line in publication.latest["entries"].get(dimension, [])
        if line["side"] == side and (dimension, line["member"]) not in pending
    ]


def clear_false_accusation(run: DemoRun, case_ids: list[UUID]) -> None:
    """A complaint accusing a clerk proves false: cleared, published at the clerk's request,
    and a matter opened against the accuser through a recorded read of their identity."""
    app, inspector = run.app, run.people.inspectors[0]
    carrier = next(
        (
            c
            for c in case_ids
            if (case := app.load(Case, c)).filer_subject is not None
            and case.case_type in ("report", "complaint")
            and case.created_on < run.end - timedelta(days=30)
        ),
        None,
    )
    if carrier is None:
        return
    run.clock.now = max(run.clock.now, app.load(Case, carrier).modified_on) + timedelta(hours=1)
    run.clock.now = min(run.clock.now, run.end - timedelta(days=4))
    clerk = run.people.clerks["AMR"][0]
    matter = app.open_accountability_matter(
        subject_kind="staff",
        subject=clerk.id,
        allegation="举报称该窗口人员办事索要好处费",
        source=f"case {carrier}",
        actor=inspector,
    )
    run.summary.add("accountability_matters", matter.id)
    run.clock.now += timedelta(days=1)
    app.record_accountability_findings(
        matter.id, "调取窗口录像和收费流水，未发现索要行为；举报内容与事实不符", actor=inspector
    )
    app.clear_accountability_subject(
        matter.id, "经查举报失实，予以澄清正名，消除不良影响", actor=inspector
    )
    run.summary.add("cleared_accusations", matter.id)
    run.clock.now += timedelta(hours=3)
    app.request_clearing_circular(matter.id, "本人当日书面申请公开澄清", actor=inspector)
    circular = app.publish_clearing(
        matter.id, title="关于窗口工作人员被举报问题的澄清说明", actor=inspector
    )
    run.summary.add("circulars", circular.id)
    run.clock.now += timedelta(days=1)
    opened = app.open_matter_against_accuser(
        matter.id,
        allegation="捏造事实举报窗口人员索要好处费，涉嫌诬告陷害",
        purpose="查处诬告陷害（十二）",
        case_id=carrier,
        actor=inspector,
    )
    run.summary.add("accuser_matters", opened.saved.id)
    run.summary.add("accountability_matters", opened.saved.id)


def _published_lists(run: DemoRun) -> list[Publication]:
    """The published quarterly lists of the last two years, latest first."""
    app = run.app
    end = run.end.astimezone(app.policy.tz).date()
    quarter = Period.parse(f"{end.year}-Q{(end.month - 1) // 3 + 1}")
    found = []
    for _ in range(8):
        quarter = quarter.previous()
        if app.exists(Publication.id_for(Kind.LISTS, quarter.name)):
            publication = app.publication(Kind.LISTS, quarter.name)
            run.clock.now = max(run.clock.now, publication.modified_on)
            found.append(publication)
    return found


def _who(app: Casetrail, dimension: str, member: str) -> str:
    """How a decision names a published member: a login, or a window or unit code."""
    if dimension == "staff":
        return member
    if dimension == "window":
        return app.load(Window, UUID(member)).code
    return app.unit(UUID(member)).code
