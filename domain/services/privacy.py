"""Reading a filer's identity on need, with a record of every read; erasing a data subject (a
filer, or the sealed account of an anonymous rater)."""

from __future__ import annotations

from dataclasses import dataclass
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


class PrivacyService(ServiceBase):
    def filer_identity(self, case_id: UUID, purpose: str, *, actor: Actor) -> Identity:
        """Open a case's filer identity for ``actor``; a confidential one leaves a record."""
        case = self.load(Case, case_id)
        if case.filer_subject is None:
            raise NotFoundError(f"case {case_id} was filed anonymously; there is no identity")
        subject = self.load(DataSubject, case.filer_subject)
        subject.require_reader(actor)
        erased = subject.erased_at is not None
        if subject.confidential and not erased:  # once erased there is nothing to reveal
            subject.reveal(purpose, actor=actor, at=self.now())
            self.commit(subject)
        return Identity(
            subject.id,
            self._open(case.filer_name, erased),
            self._open(case.filer_contact, erased),
            erased,
        )

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
