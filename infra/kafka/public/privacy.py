"""Data subjects (the encrypted identities of filers) never go on the stream: not their
registration, not the record of who read one, not their erasure. The stream never carried the
identities, so there is nothing downstream to erase either."""

from __future__ import annotations

from domain.privacy import DataSubject
from infra.kafka.public.spec import Publication, Withheld

PROTECTED = "a filer's protected identity, and every read of it, stays in this store"

PUBLICATIONS: tuple[Publication, ...] = ()

WITHHELD = (
    Withheld(DataSubject.Registered, PROTECTED),
    Withheld(DataSubject.Revealed, PROTECTED, ("purpose",)),
    Withheld(DataSubject.Erased, PROTECTED),
)
