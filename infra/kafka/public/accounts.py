"""Sign-in accounts and tokens: kept off the stream entirely.

They carry password hashes and token digests, and who may act as whom is a matter for this
installation alone; another system has no use for them and every reason to be denied them.
"""

from __future__ import annotations

from domain.identity import ApiToken, SignInLock, User
from infra.kafka.public.spec import Publication, Withheld

CREDENTIALS = "sign-in accounts and credentials are this installation's own"

PUBLICATIONS: tuple[Publication, ...] = ()

WITHHELD = (
    Withheld(User.Added, CREDENTIALS, ("password_hash",)),
    Withheld(User.PasswordSet, CREDENTIALS, ("password_hash",)),
    Withheld(User.Disabled, CREDENTIALS),
    Withheld(User.Enabled, CREDENTIALS),
    Withheld(SignInLock.Recorded, CREDENTIALS),
    Withheld(ApiToken.Issued, CREDENTIALS, ("secret_digest",)),
    Withheld(ApiToken.Revoked, CREDENTIALS),
)
