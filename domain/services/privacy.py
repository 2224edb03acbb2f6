"""Reading a filer's identity on need, with a record of every read; erasing a data subject (a
filer, or the sealed account of an anonymous rater)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.actors import Actor
from domain.case import Case
from domain.errors import NotFoundError
from domain.privacy import ERASED, DataSubject
from domain.rater import RaterAccount
from domain.services.base import Saved, ServiceBase


@dataclass(frozen=True)
class Identity:
    """A filer's name and contact as opened for one reader (``ERASED`` once erased)."""

    subject: UUID
    name: str | None
    contact: str | None
    erased: bool
    enterprise_id: UUID | None = None
    """The enterprise that filed: for a confidential case, shown here and nowhere else."""


@dataclass(frozen=True)
class IdentityRead:
    """One recorded read of a filer's identity."""

    at: datetime
    reader: str
    role: str
    purpose: str
    case_id: UUID


class PrivacyService(ServiceBase):
    def filer_identity(self, case_id: UUID, purpose: str, *, actor: Actor) -> Identity:
        """Open a case's filer identity for ``actor``: every read leaves a record on the data
        subject (who, when, why). A confidential filer's identity includes the enterprise that
        filed, which no other read shows (``domain.disclosure``)."""
        case = self.load(Case, case_id)
        if case.filer_subject is None:
            raise NotFoundError(f"case {case_id} was filed anonymously; there is no identity")
        subject = self.load(DataSubject, case.filer_subject)
        subject.require_reader(actor)
        erased = subject.erased_at is not None
        if not erased:  # every read of personal data is recorded; once erased there is none
            subject.reveal(purpose, actor=actor, at=self.now())
            self.commit(subject)
        return Identity(
            subject.id,
            self._open(case.filer_name, erased),
            self._open(case.filer_contact, erased),
            erased,
            case.enterprise_id,
        )

    def identity_reads(self, subject_id: UUID) -> list[IdentityRead]:
        """Every recorded read of a data subject's identity, oldest first (for inspectors)."""
        subject = self.load(DataSubject, subject_id)
        return [
            IdentityRead(e.timestamp, e.actor_id, e.actor_role, e.purpose, e.case_id)
            for e in self.history(subject.id)
            if isinstance(e, DataSubject.Revealed)
        ]

    def confidential_record(self, record_id: UUID) -> bool:
        return confidential_record(self, record_id)

    def erase_subject(self, subject_id: UUID, reason: str, *, actor: Actor) -> Saved:
        """Destroy the subject's key (their data becomes unreadable everywhere), and record it."""
        subject: DataSubject | RaterAccount
        try:
            subject = self.load(RaterAccount, subject_id)
        except NotFoundError:
            subject = self.load(DataSubject, subject_id)
        if subject.erased_at is None:
            subject.erase(reason, actor=actor, at=self.now())
            saved = self.commit(subject)[0]
        else:  # recorded before, but the key may have outlived a crash: destroy it now
            saved = Saved(subject.id, subject.version, None)
        self.vault.erase(subject_id)
        return saved

    def _open(self, sealed: str | None, erased: bool) -> str | None:
        if not sealed:
            return None
        opened = None if erased else self.vault.open(sealed)
        return ERASED if opened is None else opened


def confidential_record(app: ServiceBase, record_id: UUID) -> bool:
    """Whether a record is a confidential case, or is tied to one (the filer's data subject, a
    rating of its answer): its reads then withhold the filer (``domain.disclosure``)."""
    try:
        record: object = app.repository.get(record_id)
    except Exception:  # a missing record has nothing to withhold
        return False
    if isinstance(record, Case | DataSubject):
        return bool(record.confidential)
    case_id = getattr(record, "case_id", None)
    if isinstance(case_id, UUID) and case_id != record_id:
        return confidential_record(app, case_id)
    return False
