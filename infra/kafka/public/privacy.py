"""Data subjects (the sealed identities of filers) stay in the store: their registration and
every read of one are never published. Their erasure is: it names no one (a random subject id
and the case), and tells every consumer holding that filer's personal data from any source (an
API read, an export) to drop it."""

from __future__ import annotations

from domain.privacy import DataSubject
from infra.kafka.public.spec import Field, Publication, Withheld

PROTECTED = "a filer's protected identity, and every read of it, stays in this store"

PUBLICATIONS: tuple[Publication, ...] = (
    Publication(
        DataSubject.Erased,
        "data_subject.erased",
        "A filer's personal data was erased (its key destroyed): drop every copy of it you hold;"
        " the subject is the CloudEvent's subject.",
        (Field("case_id", "uuid", description="the case whose filer was erased"),),
    ),
)

WITHHELD = (
    Withheld(DataSubject.Registered, PROTECTED),
    Withheld(DataSubject.Revealed, PROTECTED, ("purpose",)),
)
