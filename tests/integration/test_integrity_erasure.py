"""Erasing a data subject destroys a key, not a byte: the history and its dossiers still verify,
and no dossier ever carried the filer's name in clear."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.actors import Actor, Role
from domain.application import Casetrail
from infra.integrity import standalone
from infra.integrity.checkpoints import claim_reader, record_checkpoint
from infra.integrity.dossier import build_dossier
from infra.integrity.tables import chain_of
from infra.integrity.verify_log import verify_log
from infra.integrity.verify_record import verify_record
from tests.support.app import ADMIN, seed_directory
from tests.support.clock import CHINA
from tests.support.stores import StoreUnderTest

LI = Actor("li.na", Role.WINDOW_STAFF)
EXPORTED_AT = datetime(2026, 3, 3, 9, 0, tzinfo=CHINA)


def events_of(dossier: dict[str, Any]) -> list[dict[str, Any]]:
    events = dossier["events"]
    assert isinstance(events, list)
    return events


def dossier_of(app: Casetrail, record: UUID) -> dict[str, Any]:
    chain = chain_of(app.recorder)
    return build_dossier(chain, claim_reader(app.mapper), str(record), EXPORTED_AT)


def test_history_and_dossiers_verify_after_the_filer_is_erased(
    durable_store: StoreUnderTest,
) -> None:
    app = durable_store.open()
    seed_directory(app)
    case_id = app.file_demand(
        case_type="report",
        channel="hotline_12345",
        summary="窗口人员索要好处费",
        actor=LI,
        filer_name="举报人甲",
        filer_contact="13912345678",
    ).id
    record_checkpoint(app, "on demand")
    before = dossier_of(app, case_id)
    subject = app.case(case_id).filer_subject
    assert subject is not None

    app.erase_subject(subject, "保存期限届满", actor=ADMIN)

    chain, claim = chain_of(app.recorder), claim_reader(app.mapper)
    assert verify_log(chain, claim).first_break is None
    assert verify_record(chain, claim, str(case_id)).first_break is None
    assert verify_record(chain, claim, str(subject)).first_break is None
    after = dossier_of(app, case_id)
    assert after["events"] == before["events"]  # the same bytes, before and after erasure
    for dossier in (before, after):
        assert standalone.verify(dossier)[0].startswith(f"intact: {case_id}, 1 events")
        stored = b"".join(base64.b64decode(e["state"]) for e in events_of(dossier))
        assert b'"filer_name":"sealed:v1:' in stored
        assert "举报人甲".encode() not in stored
        assert b"13912345678" not in stored
