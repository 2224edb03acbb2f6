"""督办 and approval pages show each user only what their role and unit may see and do: an
order reaches the unit it is addressed to and no other, late orders are marked and listed
first a page at a time, and the approvals queue holds only the decisions the case rules let
this head take."""

from __future__ import annotations

import re
from datetime import date, datetime

from domain.actors import Actor, Role
from infra.container import Container
from tests.support.clock import CHINA, FakeClock
from tests.support.text import UUID_TEXT
from tests.unit.test_web_pages import container, csrf_of, signed_in

__all__ = ["container"]
CHEN = Actor("chen.jie", Role.SUPERVISOR)
LI = Actor("li.na", Role.WINDOW_STAFF)  # AMR clerk
ZHAO = Actor("zhao.lei", Role.WINDOW_STAFF)  # HRS clerk


def visible_text(html: str) -> str:
    """The page without its tags and attributes (ids in links are for machines)."""
    return re.sub(r"<[^>]*>", " ", html)


def test_an_order_reaches_its_unit_and_no_other(container: Container) -> None:
    order = container.app.supervise_unit(
        "AMR", instruction="整改窗口排队过长", required_response="整改措施", actor=CHEN,
        working_days=3,
    )  # fmt: skip
    amr_clerk = signed_in(container, "li.na")
    assert "整改窗口排队过长" in amr_clerk.get("/desk").text
    other_head = signed_in(container, "sun.li")
    assert "整改窗口排队过长" not in other_head.get("/desk").text
    assert "整改窗口排队过长" not in other_head.get("/supervision").text
    assert other_head.get(f"/supervision/{order.id}").status_code == 404
    page = other_head.get("/desk").text
    refused = other_head.post(
        f"/supervision/{order.id}/respond", data={"csrf": csrf_of(page), "response": "已整改"}
    )
    assert refused.status_code == 404
    assert container.app.supervision(order.id).responses == []
    # The clerk follows it but answering is the head's: no form, and a post is refused.
    shown = amr_clerk.get(f"/supervision/{order.id}").text
    assert 'action="/supervision/' not in shown
    assert amr_clerk.get("/supervision/new").status_code == 403
    assert amr_clerk.get("/approvals").status_code == 403


def test_late_orders_are_marked_first_and_the_list_is_paged(
    container: Container, clock: FakeClock
) -> None:
    for n in range(23):
        container.app.supervise_unit(
            "HRS", instruction=f"事项{n:02d}", required_response="报告", actor=CHEN,
            due=date(2026, 3, 4) if n < 21 else date(2026, 3, 20),
        )  # fmt: skip
    clock.set(datetime(2026, 3, 9, 9, 0, tzinfo=CHINA))
    office = signed_in(container, "chen.jie")
    first = office.get("/supervision").text
    rows = re.findall(r"<tr class=\"([a-z]*)\">", first)
    assert len(rows) == 20
    assert set(rows) == {"late"}
    assert first.count(">逾期未回复</span>") == 20
    assert "/supervision?page=2" in first
    second = office.get("/supervision?page=2").text
    assert re.findall(r"<tr class=\"([a-z]*)\">", second) == ["late", "", ""]
    assert "待回复" in second
    assert UUID_TEXT.search(visible_text(first)) is None
    # The unit's desk shows the most pressing ten and says how many more there are.
    desk = signed_in(container, "sun.li").get("/desk").text
    assert desk.count(">逾期未回复</span>") == 10
    assert "另有 13 件" in desk


def test_the_approvals_queue_holds_only_what_this_head_may_decide(
    container: Container,
) -> None:
    app = container.app
    # Dispatched to AMR by the HRS clerk; AMR asks to return it: the HRS side decides.
    returned = app.file_demand(
        case_type="help", channel="window", summary="退回到派单方的诉求", filer_name="李强",
        actor=ZHAO,
    )  # fmt: skip
    app.dispatch(returned.id, "AMR", actor=ZHAO)
    app.request_return(returned.id, "不属本单位职责", actor=LI)
    # AMR's own case: its clerk asks for more days, AMR's head decides.
    extended = app.file_demand(
        case_type="help", channel="window", summary="本单位延期的诉求", filer_name="张伟",
        actor=LI,
    )  # fmt: skip
    app.dispatch(extended.id, "AMR", actor=LI)
    app.sign_for(extended.id, actor=LI)
    app.request_extension(extended.id, date(2026, 3, 25), "需现场核查", actor=LI)

    amr_head = signed_in(container, "wang.qiang").get("/approvals").text
    assert "本单位延期的诉求" in amr_head
    assert "退回到派单方的诉求" not in amr_head  # its own unit asked: never its decision
    hrs_head = signed_in(container, "sun.li").get("/approvals").text
    assert "退回到派单方的诉求" in hrs_head
    assert "本单位延期的诉求" not in hrs_head
    assert f"/cases/{returned.id}#step-decide_return" in hrs_head
    assert UUID_TEXT.search(visible_text(hrs_head)) is None
