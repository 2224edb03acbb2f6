"""Every knob Casetrail reads from its environment, in one typed object.

Each field is read from ``CASETRAIL_<FIELD>`` (``CASETRAIL_HOME``, ``CASETRAIL_DATABASE_URL``, ...).
Tests build ``Settings(...)`` with explicit values instead of editing ``os.environ``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Store = Literal["auto", "sqlite", "postgres", "memory"]


def shipped_policy_path() -> Path:
    """The policy shipped with the source tree (``policy/default.toml``).

    Found next to the ``infra`` package, which is where it sits in a checkout and in an
    editable install; a deployment that installs a wheel names its policy file explicitly.
    """
    return Path(__file__).resolve().parent.parent / "policy" / "default.toml"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CASETRAIL_", extra="forbid")

    home: Path = Path(".casetrail")
    """Where the embedded SQLite store (``casetrail.db``) and other local state live."""

    database_url: str | None = None
    """``postgresql://user:password@host:port/dbname``; when set, events go to PostgreSQL."""

    store: Store = "auto"
    """``auto``: PostgreSQL when ``database_url`` is set, else SQLite. ``memory`` keeps
    nothing (tests and demonstrations)."""

    policy_file: Path = Field(default_factory=shipped_policy_path)
    """The versioned policy (time limits, warnings, list sizes); see ``policy/default.toml``."""

    jurisdiction: str = "national"
    """Whose working calendar the clocks count with."""

    kafka_bootstrap: str | None = None
    """``host:port`` of the Kafka-compatible broker the event relay publishes to."""

    # Notifications (docs/notifications.md): each channel is on when its address is set.
    notify_smtp_host: str | None = None
    """SMTP server for e-mail notices; unset: no e-mail."""
    notify_smtp_port: int = 25
    notify_smtp_user: str | None = None
    notify_smtp_password: str | None = None
    notify_smtp_starttls: bool = False
    notify_mail_from: str = "casetrail@localhost"
    notify_webhook_url: str | None = None
    """Where every notice is POSTed as signed JSON; unset: no webhook."""
    notify_webhook_secret: str | None = None
    """The HMAC-SHA256 key of the ``X-Casetrail-Signature`` header (required with the URL)."""
    notify_sms_url: str | None = None
    """The SMS gateway's send endpoint; unset: no SMS."""
    notify_sms_sign_name: str = "Casetrail"
    notify_sms_templates: dict[str, str] = Field(default_factory=dict)
    """The provider's template id per notice kind (JSON); kinds without one get no SMS."""
    notify_retry_first_seconds: float = 30.0
    notify_retry_most_seconds: float = 3600.0
    notify_lease_seconds: float = 60.0
    """How long a claimed delivery is held before another sender may try it again."""
    notify_max_attempts: int = Field(default=10, ge=1)
    """Attempts before a delivery is dead-lettered (an admin replays it)."""

    sign_in_concurrency: int = Field(default=2, ge=1, le=64)
    """How many password hashes (argon2, 64 MiB each) one server process runs at once; further
    sign-ins wait their turn."""

    sign_in_wait_seconds: float = Field(default=10.0, gt=0, le=300)
    """How long a sign-in waits for a turn before it is answered 503 with Retry-After."""

    view_connections: int = Field(default=4, ge=1, le=64)
    """How many view reads one server process runs at once against PostgreSQL, each on a
    connection of its own (the runner's batches keep one more); further reads wait for one."""

    read_timeout_seconds: float = Field(default=30.0, gt=0, le=3600)
    """How long one view read of a server process may run on PostgreSQL before the database
    stops it and its request is answered 503: a read held up by a lock or a plan gone wrong
    would otherwise keep one of the process's few work threads. The event store (a command's
    writes, a case's history), the projection runner's batches and the command-line reports
    are not bound by it."""

    token_days: int = Field(default=90, ge=1, le=3650)
    """How long a token issued by an admin (``casetrail tokens issue``, the API) lives unless
    its issuer says otherwise (``--expires``)."""

    @field_validator("policy_file", mode="before")
    @classmethod
    def _default_policy_when_unset(cls, value: Any) -> Any:
        # An empty CASETRAIL_POLICY_FILE or an explicit None means "the shipped policy".
        return shipped_policy_path() if value in (None, "") else value

    @field_validator("jurisdiction")
    @classmethod
    def _jurisdiction_is_named(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the jurisdiction needs a name, for example 'national'")
        return value.strip()

    @property
    def backend(self) -> Literal["sqlite", "postgres", "memory"]:
        """The store actually used, once ``auto`` is resolved."""
        if self.store == "auto":
            return "postgres" if self.database_url else "sqlite"
        return self.store

    @property
    def sqlite_path(self) -> Path:
        return self.home / "casetrail.db"
