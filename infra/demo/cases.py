"""A year of demo cases, each following a realistic story through the handling steps.

Stories are drawn from a seeded random generator, so the same seed gives the same history
shape. A story never runs past "now": a case whose next step would be in the future simply
stays open at that step, which is how the demo gets cases in progress and overdue.
"""

from __future__ import annotations

import contextlib
import random
from datetime import date, datetime, time, timedelta
from uuid import UUID

from domain.application import Casetrail
from domain.clock import add_working_days, working_days_between
from infra.demo.people import ENTERPRISES, Directory, person
from infra.demo.run import DemoRun, SimClock

SUMMARIES = {
    "consultation": ("咨询食品经营许可证办理材料", "咨询高新技术企业认定条件", "咨询社保补缴流程"),
    "help": ("申请稳岗补贴迟迟未到账", "厂区周边道路破损影响运输", "办理不动产登记需加急"),
    "complaint": ("窗口人员推诿，要求重复提交材料", "施工许可审批超时", "税务发票申领系统故障多次"),
    "report": ("反映某窗口人员索要好处费", "反映检查人员吃拿卡要"),
    "suggestion": ("建议推行容缺受理", "建议延长窗口午间服务时间"),
}
STORIES = (
    ("direct", 14),
    ("standard", 30),
    ("site_visit", 8),
    ("supplement", 8),
    ("hearing", 4),
    ("extension", 7),
    ("return", 6),
    ("bad_return", 3),
    ("reopen", 5),
    ("terminate", 3),
    ("late", 6),
    ("stalled", 6),
)


class StoryEndError(Exception):
    """The story's next step would happen after "now"; the case stays where it is."""


class Story:
    def __init__(
        self, app: Casetrail, clock: SimClock, end: datetime, rng: random.Random, people: Directory
    ) -> None:
        self.app, self.clock, self.end, self.rng, self.people = app, clock, end, rng, people
        self.case_id: UUID | None = None
        self.unit = rng.choice(list(people.clerks))
        self.clerk = rng.choice(people.clerks[self.unit])
        self.head = people.heads[self.unit]

    def at(self, when: datetime) -> None:
        if when > self.end:
            raise StoryEndError
        self.clock.now = when

    def later(self, hours: float = 0, working_days: int = 0) -> None:
        """Move on, keeping to office hours (08:30-17:30 on working days), as staff do."""
        tz, calendar = self.app.policy.tz, self.app.work_calendar()
        when = (self.clock.now + timedelta(hours=hours)).astimezone(tz)
        if working_days:
            day = add_working_days(calendar, when.date(), working_days)
            when = datetime.combine(day, time(9 + self.rng.randrange(8)), tzinfo=tz)
        if when.time() > time(17, 30) or not calendar.is_working_day(when.date()):
            day = add_working_days(calendar, when.date(), 1)
            when = datetime.combine(day, time(9, self.rng.randrange(50)), tzinfo=tz)
        elif when.time() < time(8, 30):
            when = when.replace(hour=8, minute=30 + self.rng.randrange(30))
        self.at(when)

    def before_deadline(self, working_days: int) -> bool:
        """Whether ``working_days`` from now still falls before the case's deadline: a pause
        or an extension is asked only while the clock has not run out."""
        due = self.app.case(self.id).deadline
        today = self.clock.now.astimezone(self.app.policy.tz).date()
        return add_working_days(self.app.work_calendar(), today, working_days) < due.due

    @property
    def id(self) -> UUID:
        assert self.case_id is not None
        return self.case_id

    def file(self, filed_at: datetime, case_type: str) -> None:
        self.at(filed_at)
        enterprise = self.rng.randrange(len(ENTERPRISES))
        anonymous = case_type == "report" and self.rng.random() < 0.5
        self.case_id = self.app.file_demand(
            case_type=case_type,
            channel=self.rng.choice(("window", "hotline_12345", "web", "mobile", "letter")),
            summary=self.rng.choice(SUMMARIES[case_type]),
            actor=self.clerk,
            enterprise_id=self.app.enterprise(self.people.enterprises[enterprise]).id,
            filer_name=None if anonymous else person(enterprise + 40),
            filer_contact=f"1380000{enterprise:04d}",
            real_name=not anonymous,
            service_item=f"{self.unit}-{case_type}",
        ).id

    def handle(self, lead: str | None = None) -> None:
        self.later(hours=self.rng.uniform(0.5, 3))
        self.app.dispatch(self.id, lead or self.unit, actor=self.clerk)
        self.later(hours=self.rng.uniform(1, 20))
        self.app.sign_for(self.id, actor=self.clerk)
        self.later(hours=self.rng.uniform(2, 30))
        self.app.record_contact(self.id, "电话联系企业，核实诉求内容", actor=self.clerk)

    def finish(self, late: bool = False, outcome: str | None = None) -> None:
        case = self.app.case(self.id)
        left = max(1, _working_days_left(self, case.deadline.due))
        self.later(
            working_days=left + self.rng.randint(1, 4)
            if late
            else self.rng.randint(1, max(1, left - 1))
        )
        self.app.reply(self.id, "已按规定办理并书面答复企业", actor=self.clerk)
        self.later(hours=self.rng.uniform(4, 30))
        satisfied = self.rng.random() < 0.85
        self.app.record_callback(self.id, satisfied, satisfied, "回访企业", actor=self.clerk)
        self.later(hours=self.rng.uniform(0.5, 4))
        chosen = outcome or self.rng.choice(
            ("solved", "solved", "solved", "partly_solved", "explained")
        )
        self.app.close_case(self.id, chosen, "已答复并回访", actor=self.clerk)


def _working_days_left(story: Story, due: date) -> int:
    today = story.clock.now.astimezone(story.app.policy.tz).date()
    return working_days_between(story.app.work_calendar(), today, due)


def misroute(story: Story, approved: bool) -> bool:
    """Dispatch to the wrong unit, which asks for a return (退单); True if the story ended."""
    rng, app = story.rng, story.app
    wrong = rng.choice([u for u in story.people.clerks if u != story.unit])
    story.later(hours=1)
    app.dispatch(story.id, wrong, actor=story.clerk)
    story.later(hours=rng.uniform(2, 20))
    wrong_clerk = story.people.clerks[wrong][0]
    app.request_return(story.id, "该事项不属本单位职责，申请退回", actor=wrong_clerk)
    story.later(hours=rng.uniform(1, 6))
    supervisor = story.people.supervisors[0]
    if approved:
        app.decide_return(story.id, True, "同意退回，重新派单", actor=supervisor)
        return False
    app.decide_return(story.id, False, "经核实属该单位职责，不予退回", actor=supervisor)
    story.later(hours=2)
    app.sign_for(story.id, actor=wrong_clerk)
    story.clerk = wrong_clerk
    story.later(hours=4)
    story.finish()
    return True


def play(story: Story, kind: str) -> None:
    rng, app = story.rng, story.app
    if kind == "direct":
        app.answer_directly(story.id, "已当场解答并告知办理材料清单", actor=story.clerk)
        story.later(hours=0.2)
        app.close_case(story.id, "explained", "当场答复", actor=story.clerk)
        return
    if kind in ("return", "bad_return") and misroute(story, kind == "return"):
        return
    story.handle()
    if kind == "stalled":
        raise StoryEndError  # nobody takes the next step: the case stays open until overdue
    if kind == "site_visit":
        story.later(working_days=1)
        app.record_site_visit(story.id, "到企业现场核查生产情况", actor=story.clerk)
    if kind in ("supplement", "hearing") and story.before_deadline(working_days=1):
        story.later(working_days=1)
        pause = (
            "supplement"
            if kind == "supplement"
            else rng.choice(("hearing", "testing", "expert_review"))
        )
        app.pause(
            story.id,
            pause,
            "需企业补充营业执照副本" if pause == "supplement" else "需组织听证/检测",
            actor=story.clerk,
        )
        story.later(working_days=rng.randint(1, 5))
        app.resume(story.id, "材料已补齐，恢复计时", actor=story.clerk)
    if kind == "extension" and story.before_deadline(working_days=1):
        story.later(working_days=1)
        deadline = app.case(story.id).deadline
        new_due = add_working_days(app.work_calendar(), deadline.due, rng.randint(3, 10))
        app.request_extension(
            story.id, new_due, "涉及多部门会商，需延长办理期限", actor=story.clerk
        )
        # The lead unit's head decides by the deadline the request would extend.
        decided = min(
            story.clock.now + timedelta(hours=rng.uniform(2, 24)),
            deadline.due_at - timedelta(minutes=rng.randrange(30, 120)),
        )
        story.at(max(decided, story.clock.now))
        app.decide_extension(story.id, rng.random() < 0.8, "情况属实", actor=story.head)
    if kind == "terminate":
        story.later(working_days=2)
        app.terminate(story.id, "企业主动撤回诉求", story.clerk.id, actor=story.head)
        return
    story.finish(late=kind == "late")
    if kind == "reopen":
        story.later(working_days=rng.randint(1, 5))
        app.reopen(story.id, "企业反映问题未实际解决，要求重办", actor=story.head)
        story.later(working_days=2)
        story.finish()


def pick_story(rng: random.Random) -> str:
    kinds, weights = zip(*STORIES, strict=True)
    return str(rng.choices(kinds, weights=weights)[0])


def pick_type(kind: str, rng: random.Random) -> str:
    if kind == "direct":
        return "consultation"
    return rng.choices(
        ("help", "complaint", "report", "suggestion", "consultation"), weights=(35, 35, 8, 12, 10)
    )[0]


def play_case(
    *,
    app: Casetrail,
    clock: SimClock,
    people: Directory,
    rng: random.Random,
    filed_at: datetime,
    end: datetime,
) -> tuple[UUID, str]:
    kind = pick_story(rng)
    story = Story(app, clock, end, rng, people)
    story.file(filed_at, pick_type(kind, rng))
    with contextlib.suppress(StoryEndError):
        play(story, kind)
    return story.id, kind


def handle_opened_case(run: DemoRun, case_id: UUID) -> None:
    """A case someone else opened (a leader's visit finding) is received and handled."""
    story = Story(run.app, run.clock, run.end, run.rng, run.people)
    story.case_id = case_id
    story.clock.now = run.app.case(case_id).created_on
    with contextlib.suppress(StoryEndError):
        story.later(hours=run.rng.uniform(1, 20))
        run.app.receive(case_id, actor=story.clerk)
        story.handle()
        story.finish()
