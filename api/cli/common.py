"""What every CLI command shares: opening the application, parsing values, reporting errors."""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING
from uuid import UUID

from domain.errors import ConflictError, DomainError, NotFoundError

if TYPE_CHECKING:
    from domain.application import Casetrail


class UsageError(Exception):
    """The arguments parsed but make no sense; exits 2 like an argparse error."""


def open_app() -> Casetrail:
    """The application as configured by the environment (``CASETRAIL_*`` settings)."""
    # Imported here: main imports this module for every command, and `casetrail --help` or an
    # argument error should not wait a second or two for the domain and the stores to load.
    from infra.bootstrap import bootstrap  # noqa: PLC0415
    from infra.settings import Settings  # noqa: PLC0415

    return bootstrap(Settings())


def parse_date(text: str, label: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{label} must be a date like 2026-05-01, not {text!r}") from None


def parse_time(text: str, label: str) -> datetime:
    """An ISO date or time; without a zone it is read as the jurisdiction's civil time (UTC+8)."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{label} must be a date or time like 2026-05-01 or 2026-05-01T09:30+08:00,"
            f" not {text!r}"
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone(timedelta(hours=8)))
    return value


def parse_id(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise UsageError(f"{text!r} is not an id (ids look like 3f2b…-…, 36 characters)") from None


def fail(error: Exception) -> int:
    """Print an error for a person and return the exit code: 1 for refusals, 3 for faults."""
    if isinstance(error, NotFoundError | ConflictError | DomainError):
        print(f"casetrail: {error}", file=sys.stderr)
        return 1
    print(f"casetrail: unexpected failure: {type(error).__name__}: {error}", file=sys.stderr)
    return 3
