"""The administration's rules for directory entries: credit codes, ownership, references that
must exist and be active, amendments, deactivation, and imports that are safe to repeat."""

from __future__ import annotations

from typing import Any

import pytest

from domain.actors import Actor, Role
from domain.application import Casetrail
from domain.credit_code import check_character, checked_credit_code
from domain.directory import Enterprise, Unit
from domain.errors import AlreadyExistsError, DomainError, InvalidInputError, NotPermittedError
from domain.identity import User
from tests.support.app import ADMIN, memory_app
from tests.support.clock import START, FakeClock
from tests.unit.test_case_events_stored_before import as_stored_before

GOOD = "91350100M000100Y43"
SECOND = "91440300MA5F00001" + check_character("91440300MA5F00001")


def empty_city() -> Casetrail:
    return memory_app(FakeClock(START))


def refusal(call: object) -> DomainError:
    assert callable(call)
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


def test_a_credit_code_with_a_mistyped_character_is_refused_by_its_check_character() -> None:
    assert checked_credit_code(" 91350100m000100y43 ") == GOOD
    wrong = refusal(lambda: checked_credit_code("91350100M000100Y44"))
    assert (wrong.code, wrong.params["field"]) == ("credit-code-check", "credit_code")
    short = refusal(lambda: checked_credit_code("9135010"))
    assert short.code == "credit-code-malformed"
    forbidden_letter = refusal(lambda: checked_credit_code("91350100M000100O43"))
    assert forbidden_letter.code == "credit-code-malformed"


def test_an_enterprise_is_registered_with_its_ownership_and_key_flag() -> None:
    app = empty_city()
    put = app.put_entry(
        "enterprises",
        {"credit_code": GOOD, "name": "闽江机械", "ownership": "民营", "key_enterprise": "是"},
        actor=ADMIN,
    )
    assert put.outcome == "created"
    enterprise = app.load(Enterprise, Enterprise.id_for(GOOD))
    assert (enterprise.ownership, enterprise.key_enterprise, enterprise.active) == (
        "private", True, True,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("row", "field", "code"),
    [
        ({"credit_code": GOOD, "name": "", "ownership": "state"}, "name", "required"),
        ({"credit_code": GOOD, "name": "A", "ownership": "royal"}, "ownership", "unknown-choice"),
        ({"credit_code": GOOD, "name": "A", "ownership": "state", "key_enterprise": "maybe"},
         "key_enterprise", "not-yes-no"),
        ({"credit_code": "123", "name": "A", "ownership": "state"}, "credit_code",
         "credit-code-malformed"),
    ],
)
def test_a_bad_enterprise_row_is_refused_naming_its_field(
    row: dict[str, str], field: str, code: str
) -> None:
    app = empty_city()
    error = refusal(lambda: app.put_entry("enterprises", row, actor=ADMIN))
    assert (error.params["field"], error.code) == (field, code)
    assert not app.exists(Enterprise.id_for(GOOD))


def test_a_window_names_an_existing_active_unit() -> None:
    app = empty_city()
    unknown = refusal(
        lambda: app.put_entry(
            "windows", {"code": "W1", "name": "综合窗口", "unit": "NOPE"}, actor=ADMIN
        )
    )
    assert (unknown.code, unknown.params["field"]) == ("unknown-reference", "unit")
    app.put_entry("units", {"code": "AMR", "name": "市场监管局"}, actor=ADMIN)
    app.set_entry_active("units", "AMR", False, "merged", actor=ADMIN)
    inactive = refusal(
        lambda: app.put_entry(
            "windows", {"code": "W1", "name": "综合窗口", "unit": "AMR"}, actor=ADMIN
        )
    )
    assert (inactive.code, inactive.params["field"]) == ("inactive-reference", "unit")
    app.set_entry_active("units", "AMR", True, "split again", actor=ADMIN)
    app.put_entry("windows", {"code": "W1", "name": "综合窗口", "unit": "AMR"}, actor=ADMIN)


def test_window_staff_need_a_unit_and_take_it_from_their_window() -> None:
    app = empty_city()
    app.put_entry("units", {"code": "AMR", "name": "市场监管局"}, actor=ADMIN)
    app.put_entry("windows", {"code": "W1", "name": "综合窗口", "unit": "AMR"}, actor=ADMIN)
    missing = refusal(
        lambda: app.put_entry(
            "staff", {"login": "li.na", "name": "李娜", "role": "窗口工作人员"}, actor=ADMIN
        )
    )
    assert (missing.code, missing.params["field"]) == ("unit-needed", "unit")
    app.put_entry(
        "staff", {"login": "li.na", "name": "李娜", "role": "窗口工作人员", "window": "W1"},
        actor=ADMIN,
    )  # fmt: skip
    assert app.staff("li.na").unit_id == Unit.id_for("AMR")


def test_creating_twice_is_refused_but_importing_twice_records_nothing_new() -> None:
    app = empty_city()
    row = {"code": "AMR", "name": "市场监管局"}
    app.put_entry("units", row, actor=ADMIN)
    with pytest.raises(AlreadyExistsError):
        app.put_entry("units", row, actor=ADMIN)
    version = app.unit("AMR").version
    again = app.put_entry("units", row, actor=ADMIN, mode="upsert")
    assert (again.outcome, again.position) == ("unchanged", None)
    assert app.unit("AMR").version == version
    renamed = app.put_entry("units", {**row, "name": "市场监督管理局"}, actor=ADMIN, mode="upsert")
    assert renamed.outcome == "updated"
    assert app.unit("AMR").name == "市场监督管理局"


def test_a_leader_is_linked_to_an_enterprise_once_and_staff_stationed_only_with_key_ones() -> None:
    app = empty_city()
    app.put_entry(
        "leaders", {"code": "L1", "name": "刘建国", "title": "副县长", "level": "县级"},
        actor=ADMIN,
    )  # fmt: skip
    app.put_entry("enterprises", {"credit_code": GOOD, "name": "A", "ownership": "state"},
                  actor=ADMIN)  # fmt: skip
    app.put_entry("units", {"code": "AMR", "name": "市场监管局"}, actor=ADMIN)
    app.put_entry("staff", {"login": "zhang", "name": "张", "role": "unit_head", "unit": "AMR"},
                  actor=ADMIN)  # fmt: skip
    link = {"leader": "L1", "enterprise": GOOD}
    assert app.put_entry("links", link, actor=ADMIN).outcome == "created"
    assert app.put_entry("links", link, actor=ADMIN, mode="upsert").outcome == "unchanged"
    not_key = refusal(
        lambda: app.put_entry("stationed", {"login": "zhang", "enterprise": GOOD}, actor=ADMIN)
    )
    assert (not_key.code, not_key.params["field"]) == ("not-a-key-enterprise", "enterprise")
    app.put_entry(
        "enterprises", {"credit_code": GOOD, "name": "A", "ownership": "state",
                        "key_enterprise": "yes"}, actor=ADMIN, mode="update",
    )  # fmt: skip
    app.put_entry("stationed", {"login": "zhang", "enterprise": GOOD}, actor=ADMIN)
    assert app.engagement(GOOD).stationed.keys() == {"zhang"}


def test_only_an_admin_edits_the_directory_and_deactivation_keeps_the_entry() -> None:
    app = empty_city()
    clerk = Actor("li.na", Role.WINDOW_STAFF)
    with pytest.raises(NotPermittedError):
        app.put_entry("units", {"code": "AMR", "name": "市场监管局"}, actor=clerk)
    app.put_entry("units", {"code": "AMR", "name": "市场监管局"}, actor=ADMIN)
    with pytest.raises(InvalidInputError):
        app.set_entry_active("units", "AMR", False, " ", actor=ADMIN)
    app.set_entry_active("units", "AMR", False, "merged into AMR2", actor=ADMIN)
    unit = app.unit("AMR")
    assert (unit.active, unit.name) == (False, "市场监管局")
    again = refusal(lambda: app.set_entry_active("units", "AMR", False, "x", actor=ADMIN))
    assert again.code == "already-inactive"


def test_an_enterprise_registered_before_ownership_was_recorded_replays_as_unspecified() -> None:
    app = empty_city()
    app.register_enterprise(GOOD, "老企业", key_enterprise=True, actor=ADMIN)
    stored = [
        as_stored_before(s, "ownership")
        for s in app.recorder.select_events(Enterprise.id_for(GOOD))
    ]
    replayed: Any = None
    for event in (app.mapper.to_domain_event(s) for s in stored):
        assert isinstance(event, Enterprise.Event | Enterprise.Registered)
        replayed = event.mutate(replayed)
    assert isinstance(replayed, Enterprise)
    assert (replayed.ownership, replayed.active, replayed.key_enterprise) == (
        "unspecified", True, True,
    )  # fmt: skip


def test_deactivating_a_staff_member_disables_their_login_in_the_same_commit() -> None:
    app = empty_city()
    app.put_entry("units", {"code": "AMR", "name": "市场监管局"}, actor=ADMIN)
    app.put_entry("staff", {"login": "li.na", "name": "李娜", "role": "window_staff",
                            "unit": "AMR"}, actor=ADMIN)  # fmt: skip
    app.commit(User.add("li.na", Role.WINDOW_STAFF, acts_as="li.na", unit_id=Unit.id_for("AMR"),
                        password_hash="x", actor=ADMIN, at=app.now()))  # fmt: skip
    app.set_entry_active("staff", "li.na", False, "调离", actor=ADMIN)
    assert app.load(User, User.id_for("li.na")).disabled
    assert not app.staff("li.na").active


def test_an_import_without_a_column_leaves_that_attribute_as_it_is() -> None:
    app = empty_city()
    app.put_entry("units", {"code": "AMR", "name": "市场监管局"}, actor=ADMIN)
    app.put_entry("enterprises", {"credit_code": GOOD, "name": "A", "ownership": "state",
                                  "key_enterprise": "是"}, actor=ADMIN)  # fmt: skip
    app.put_entry("leaders", {"code": "L1", "name": "刘", "title": "局长", "level": "department",
                              "unit": "AMR"}, actor=ADMIN)  # fmt: skip
    # Sheets that leave out the key-enterprise and unit columns.
    same = app.put_entry("enterprises", {"credit_code": GOOD, "name": "A", "ownership": "state"},
                         actor=ADMIN, mode="upsert")  # fmt: skip
    assert same.outcome == "unchanged"
    assert app.load(Enterprise, Enterprise.id_for(GOOD)).key_enterprise is True
    leader = {"code": "L1", "name": "刘建国", "title": "局长", "level": "department"}
    renamed = app.put_entry("leaders", leader, actor=ADMIN, mode="upsert")
    assert renamed.outcome == "updated"
    assert app.leader("L1").unit_id == Unit.id_for("AMR")
    # A column that is there but empty says "no" / "none".
    app.put_entry("enterprises", {"credit_code": GOOD, "name": "A", "ownership": "state",
                                  "key_enterprise": ""}, actor=ADMIN, mode="upsert")  # fmt: skip
    assert app.load(Enterprise, Enterprise.id_for(GOOD)).key_enterprise is False


def test_an_amendment_names_only_what_changes() -> None:
    app = empty_city()
    app.put_entry("enterprises", {"credit_code": GOOD, "name": "A", "ownership": "state"},
                  actor=ADMIN)  # fmt: skip
    app.put_entry("enterprises", {"credit_code": GOOD, "ownership": "私营"}, actor=ADMIN,
                  mode="update")  # fmt: skip
    enterprise = app.load(Enterprise, Enterprise.id_for(GOOD))
    assert (enterprise.name, enterprise.ownership) == ("A", "private")
    emptied = refusal(lambda: app.put_entry(
        "enterprises", {"credit_code": GOOD, "name": " "}, actor=ADMIN, mode="update"
    ))  # fmt: skip
    assert (emptied.code, emptied.params["field"]) == ("required", "name")
