"""Filers' identities: sealed in every event, read only on need (and recorded), erasable."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import pytest

from domain.actors import Actor, Role
from domain.application import Casetrail
from domain.case import Case
from domain.errors import NotPermittedError
from domain.privacy import ERASED, DataSubject, is_sealed
from infra.vault.keys import ErasedSubjectError
from tests.support.app import ADMIN, memory_app, seed_directory
from tests.support.clock import CHINA, FakeClock

LI = Actor("li.na", Role.WINDOW_STAFF)
WANG = Actor("wang.qiang", Role.UNIT_HEAD)
INSPECTOR = Actor("jijian1", Role.INSPECTOR)


@pytest.fixture
def app() -> Casetrail:
    app = memory_app(FakeClock(datetime(2026, 6, 2, 9, 0, tzinfo=CHINA)))
    seed_directory(app)
    return app


def report(app: Casetrail) -> UUID:
    """A 举报 naming a window clerk: its filer must stay hidden from the unit reported."""
    return app.file_demand(
        case_type="report",
        channel="hotline_12345",
        summary="窗口人员索要好处费",
        actor=LI,
        filer_name="举报人甲",
        filer_contact="13912345678",
    ).id


def test_no_event_holds_a_filers_name_or_contact_in_clear(app: Casetrail) -> None:
    case_id = report(app)
    filed = app.history(case_id)[0]
    assert isinstance(filed, Case.Filed)
    assert is_sealed(filed.filer_name)
    assert is_sealed(filed.filer_contact)
    stored = [n.state for n in app.recorder.select_notifications(1, 10_000)]
    assert not any("举报人甲".encode() in s or b"13912345678" in s for s in stored)
    assert app.case(case_id).state()["filer_name"] == "[confidential]"


def test_an_inspector_reads_a_reporters_identity_and_the_read_is_recorded(
    app: Casetrail,
) -> None:
    case_id = report(app)
    identity = app.filer_identity(case_id, "核查举报线索", actor=INSPECTOR)
    assert (identity.name, identity.contact, identity.erased) == ("举报人甲", "13912345678", False)
    reads = [e for e in app.history(identity.subject) if isinstance(e, DataSubject.Revealed)]
    assert [(e.actor_id, e.actor_role, e.purpose) for e in reads] == [
        ("jijian1", "inspector", "核查举报线索")
    ]


@pytest.mark.parametrize("reader", [LI, WANG, Actor("91440300MA5EXAMPLE", Role.ENTERPRISE)])
def test_nobody_without_need_reads_a_confidential_identity(app: Casetrail, reader: Actor) -> None:
    case_id = report(app)
    with pytest.raises(NotPermittedError, match="may not read a confidential identity"):
        app.filer_identity(case_id, "想知道是谁", actor=reader)
    subject = app.case(case_id).filer_subject
    assert subject is not None
    assert [type(e).__name__ for e in app.history(subject)] == ["Registered"]


def test_handling_staff_read_an_ordinary_filers_contact(app: Casetrail) -> None:
    case_id = app.file_demand(
        case_type="help",
        channel="window",
        summary="求助",
        actor=LI,
        filer_name="王经理",
        filer_contact="13800000000",
    ).id
    assert app.filer_identity(case_id, "回访", actor=LI).contact == "13800000000"


def test_erasure_makes_the_data_unreadable_but_keeps_the_history(app: Casetrail) -> None:
    case_id = report(app)
    subject = app.case(case_id).filer_subject
    assert subject is not None
    versions = len(app.history(case_id))
    app.erase_subject(subject, "保存期限届满", actor=ADMIN)
    identity = app.filer_identity(case_id, "复核", actor=INSPECTOR)
    assert (identity.name, identity.contact, identity.erased) == (ERASED, ERASED, True)
    assert len(app.history(case_id)) == versions
    with pytest.raises(ErasedSubjectError):
        app.vault.seal(subject, "again")
    app.erase_subject(subject, "再次执行", actor=ADMIN)  # idempotent: nothing more recorded
    assert [type(e).__name__ for e in app.history(subject)] == ["Registered", "Erased"]


def test_only_an_admin_erases(app: Casetrail) -> None:
    subject = app.case(report(app)).filer_subject
    assert subject is not None
    with pytest.raises(NotPermittedError, match="only an admin erases"):
        app.erase_subject(subject, "想删", actor=INSPECTOR)
