"""The rules of rating (好差评): a rating names a service that happened, and comes from the party
that service was for.

People are listed and summoned on these ratings, so nothing here is limited by time or by
count: the rules make a false rating impossible instead. A rating names a service Casetrail
recorded (a case's answer, or a window service its staff recorded as delivered); each service
is rated once, within the policy's window; the rater is the party served: the case's enterprise
or its online filer, or for a window service the enterprise named on it or whoever holds the
one-time rating code printed on its receipt; the staff member it names is the one who gave the
service. Only the original rater re-rates, once, after the rectification.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from uuid import UUID

from domain.actors import Actor, Role
from domain.directory import Enterprise
from domain.errors import NotFoundError, NotPermittedError

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
"""Letters and digits a person reads off a receipt without confusing them (no 0/O, 1/I)."""
CODE_LENGTH = 12

VISITOR = Actor("visitor", Role.ENTERPRISE)
"""Who rates with a receipt's code without signing in: a member of the public served."""


@dataclass(frozen=True)
class PartyServed:
    """Whom a recorded service was for: the parties who may rate it."""

    enterprise_id: UUID | None = None
    filer: str | None = None
    """The enterprise user who filed a case online, by the id they act as."""
    code_digest: str | None = None
    """A window service's receipt code, as its digest."""


def new_rating_code() -> str:
    """A one-time code for a receipt: 12 characters of 32 (60 bits), grouped in fours."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def code_digest(code: str) -> str:
    """The digest kept instead of the code; spaces, dashes and case do not matter."""
    normal = "".join(c for c in code.upper() if c.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()


def service_not_recorded(service_id: UUID | str) -> NotFoundError:
    return NotFoundError(
        f"no service {service_id} is recorded; a rating names a service Casetrail recorded:"
        " a case's answer, or a window service its staff recorded as delivered",
        code="service-not-recorded",
        params={"service": str(service_id)},
    )


def require_rater_role(actor: Actor) -> None:
    """Staff, supervisors and every other office never rate: only the party served does."""
    if actor.role is not Role.ENTERPRISE:
        raise NotPermittedError(
            f"a {actor.role.value} may not rate a service; only the party served rates it",
            code="staff-may-not-rate",
            params={"role": actor.role.value},
        )


def require_party_served(
    actor: Actor, party: PartyServed, service_ref: str, *, code: str | None = None
) -> None:
    """The rater is the party the service was for, or holds the code on its receipt."""
    require_rater_role(actor)
    if code is not None:
        if party.code_digest is None or not hmac.compare_digest(
            code_digest(code), party.code_digest
        ):
            raise NotPermittedError(
                f"that rating code is not the one on the receipt of {service_ref}; rate with"
                " the code printed on your own receipt",
                code="rating-code-mismatch",
                params={"service": service_ref},
            )
        return
    if actor.id == party.filer or (
        party.enterprise_id is not None and Enterprise.id_for(actor.id) == party.enterprise_id
    ):
        return
    raise NotPermittedError(
        f"only the party served by {service_ref} may rate it: the enterprise it was for, its"
        " online filer, or whoever holds the rating code on its receipt",
        code="rating-by-party-served",
        params={"service": service_ref},
    )


def require_original_rater(evaluation_id: UUID, is_original: bool) -> None:
    """A re-rating is the original rater's second word, never someone else's."""
    if not is_original:
        raise NotPermittedError(
            f"only the rater of evaluation {evaluation_id} may re-rate it (signed in as the"
            " same party, or with the same receipt code)",
            code="rerate-by-original-rater",
            params={"evaluation": str(evaluation_id)},
        )
