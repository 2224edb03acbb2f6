"""The handling steps as forms: which fields each step asks for, which steps a page offers, and
how a submitted form becomes one command of the case service.

A page offers the steps ``Case.allowed_steps(actor)`` names, narrowed where the case's own state
already decides (after a 补正 pause the clock restarts by receiving the materials; an extension
is decided only while one is requested), so a form that is shown can be taken.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal
from uuid import UUID

from domain.actors import Actor, Role
from domain.application import Casetrail
from domain.case import Case
from domain.case_rules import OUTCOMES, CaseStatus
from domain.errors import InvalidInputError
from domain.services.base import Saved

Kind = Literal["text", "textarea", "date", "choice", "decision", "yesno", "unit", "units", "staff"]


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind = "textarea"
    required: bool = True
    choices: tuple[str, ...] = ()
    """For ``choice``: the values, named by the catalogue group ``label_group``."""
    label_group: str = ""


REASON = Field("reason")
NOTE = Field("note")
DECISION = (Field("approved", "decision"), REASON)

FIELDS: dict[str, tuple[Field, ...]] = {
    "receive": (),
    "hand_over": (Field("to", "staff"), REASON),
    "answer_directly": (Field("answer"),),
    "dispatch": (
        Field("lead_unit", "unit"),
        Field("co_units", "units", required=False),
        Field("note", required=False),
    ),
    "request_return": (REASON,),
    "decide_return": DECISION,
    "sign_for": (),
    "record_contact": (NOTE,),
    "record_site_visit": (NOTE,),
    "request_supplement": (REASON,),
    "receive_supplement": (NOTE,),
    "pause": (
        Field(
            "kind",
            "choice",
            choices=("hearing", "testing", "expert_review"),
            label_group="pause_kind",
        ),
        REASON,
    ),
    "resume": (NOTE,),
    "request_extension": (Field("new_due", "date"), REASON),
    "decide_extension": DECISION,
    "reply": (Field("text"),),
    "record_callback": (
        Field("resolved", "yesno"),
        Field("satisfied", "yesno"),
        Field("note", required=False),
    ),
    "close": (Field("outcome", "choice", choices=tuple(OUTCOMES), label_group="outcome"), REASON),
    "reopen": (REASON,),
    "terminate": (REASON, Field("requested_by", "text")),
    "request_termination": (REASON,),
    "decide_termination": DECISION,
}
# Steps that change the clock or end the case are shown as the main actions.
PRIMARY = frozenset({
    "receive", "sign_for", "reply", "close", "decide_extension", "dispatch", "decide_termination",
})  # fmt: skip

Values = Mapping[str, str | list[str]]


def offered_steps(case: Case, actor: Actor) -> list[str]:
    """The forms to show ``actor`` on this case, in the rules' order."""
    steps = [s for s in case.allowed_steps(actor) if s in FIELDS]
    if case.status is CaseStatus.PAUSED:
        supplement = bool(case.pauses) and case.pauses[-1].kind == "supplement"
        steps = [s for s in steps if s != ("resume" if supplement else "receive_supplement")]
    if case.pending_extension is None or case.pending_extension_by == actor.id:
        steps = [s for s in steps if s != "decide_extension"]  # nobody decides their own
    if case.pending_extension is not None:
        steps = [s for s in steps if s != "request_extension"]
    if case.return_requested_by == actor.id:
        steps = [s for s in steps if s != "decide_return"]
    if case.owner is not None:
        steps = [s for s in steps if s != "receive"]
    return _termination_steps(case, actor, steps)


def _termination_steps(case: Case, actor: Actor, steps: list[str]) -> list[str]:
    """A handler asks for a termination; a head decides a waiting request (never their own)
    instead of ending the case outright, and terminates directly only when none waits."""
    allowed = case.allowed_steps(actor)
    if actor.role is not Role.WINDOW_STAFF:
        steps = [s for s in steps if s != "request_termination"]
    if case.pending_termination_by is None:
        return steps
    steps = [s for s in steps if s not in ("request_termination", "terminate")]
    if "refuse_termination" in allowed and case.pending_termination_by != actor.id:
        steps.append("decide_termination")
    return steps


def take_step(
    app: Casetrail, case_id: UUID, step: str, values: Values, *, actor: Actor, version: int
) -> Saved:
    """Run the step's command at the version the form was rendered at."""
    if step not in FIELDS:
        raise InvalidInputError(f"there is no step called {step!r}")
    form = _Form(values)
    return COMMANDS[step](app, case_id, form, actor, version)


class _Form:
    def __init__(self, values: Values) -> None:
        self.values = values

    def text(self, name: str) -> str:
        value = self.values.get(name, "")
        return (value[0] if isinstance(value, list) and value else str(value or "")).strip()

    def many(self, name: str) -> list[str]:
        value = self.values.get(name, [])
        found = value if isinstance(value, list) else [value]
        return [v for v in found if v]

    def yes(self, name: str) -> bool:
        answer = self.text(name)
        if answer not in ("yes", "no"):
            raise InvalidInputError(f"choose yes or no for {name}")
        return answer == "yes"

    def day(self, name: str) -> date:
        try:
            return date.fromisoformat(self.text(name))
        except ValueError:
            raise InvalidInputError(f"{name} must be a date like 2026-03-27") from None


Command = Callable[[Casetrail, UUID, _Form, Actor, int], Saved]


def _decide_termination(app: Casetrail, case_id: UUID, f: _Form, actor: Actor, v: int) -> Saved:
    """Approve a waiting termination request (the case ends, in the requester's name) or
    refuse it (handling goes on)."""
    if not f.yes("approved"):
        return app.refuse_termination(case_id, f.text("reason"), actor=actor, expected_version=v)
    requested_by = app.case(case_id).pending_termination_by or ""
    return app.terminate(case_id, f.text("reason"), requested_by, actor=actor, expected_version=v)


COMMANDS: dict[str, Command] = {
    "receive": lambda app, c, f, a, v: app.receive(c, actor=a, expected_version=v),
    "hand_over": lambda app, c, f, a, v: app.hand_over(
        c, f.text("to"), f.text("reason"), actor=a, expected_version=v
    ),
    "answer_directly": lambda app, c, f, a, v: app.answer_directly(
        c, f.text("answer"), actor=a, expected_version=v
    ),
    "dispatch": lambda app, c, f, a, v: app.dispatch(
        c,
        f.text("lead_unit"),
        [u for u in f.many("co_units") if u != f.text("lead_unit")],
        actor=a,
        note=f.text("note") or None,
        expected_version=v,
    ),
    "request_return": lambda app, c, f, a, v: app.request_return(
        c, f.text("reason"), actor=a, expected_version=v
    ),
    "decide_return": lambda app, c, f, a, v: app.decide_return(
        c, f.yes("approved"), f.text("reason"), actor=a, expected_version=v
    ),
    "sign_for": lambda app, c, f, a, v: app.sign_for(c, actor=a, expected_version=v),
    "record_contact": lambda app, c, f, a, v: app.record_contact(
        c, f.text("note"), actor=a, expected_version=v
    ),
    "record_site_visit": lambda app, c, f, a, v: app.record_site_visit(
        c, f.text("note"), actor=a, expected_version=v
    ),
    "request_supplement": lambda app, c, f, a, v: app.pause(
        c, "supplement", f.text("reason"), actor=a, expected_version=v
    ),
    "receive_supplement": lambda app, c, f, a, v: app.resume(
        c, f.text("note"), actor=a, expected_version=v
    ),
    "pause": lambda app, c, f, a, v: app.pause(
        c, f.text("kind"), f.text("reason"), actor=a, expected_version=v
    ),
    "resume": lambda app, c, f, a, v: app.resume(c, f.text("note"), actor=a, expected_version=v),
    "request_extension": lambda app, c, f, a, v: app.request_extension(
        c, f.day("new_due"), f.text("reason"), actor=a, expected_version=v
    ),
    "decide_extension": lambda app, c, f, a, v: app.decide_extension(
        c, f.yes("approved"), f.text("reason"), actor=a, expected_version=v
    ),
    "reply": lambda app, c, f, a, v: app.reply(c, f.text("text"), actor=a, expected_version=v),
    "record_callback": lambda app, c, f, a, v: app.record_callback(
        c, f.yes("resolved"), f.yes("satisfied"), f.text("note"), actor=a, expected_version=v
    ),
    "close": lambda app, c, f, a, v: app.close_case(
        c, f.text("outcome"), f.text("reason"), actor=a, expected_version=v
    ),
    "reopen": lambda app, c, f, a, v: app.reopen(c, f.text("reason"), actor=a, expected_version=v),
    "terminate": lambda app, c, f, a, v: app.terminate(
        c, f.text("reason"), f.text("requested_by"), actor=a, expected_version=v
    ),
    "request_termination": lambda app, c, f, a, v: app.request_termination(
        c, f.text("reason"), actor=a, expected_version=v
    ),
    "decide_termination": _decide_termination,
}
