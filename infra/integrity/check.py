"""One record's integrity check for the edges that show it (the web dossier), in one call."""

from __future__ import annotations

from domain.services.base import ServiceBase
from infra.integrity.checkpoints import claim_reader
from infra.integrity.tables import NoChainError, chain_of
from infra.integrity.verify_record import RecordReport, verify_record


def check_record(app: ServiceBase, record_id: str) -> RecordReport | None:
    """Recompute ``record_id``'s hash chain from the stored rows; None when the store keeps no
    chain (the in-memory store of unit tests)."""
    try:
        chain = chain_of(app.recorder)
    except NoChainError:
        return None
    return verify_record(chain, claim_reader(app.mapper), record_id)
