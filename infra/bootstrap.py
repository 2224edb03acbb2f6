"""The composition root: the one place that turns settings into a running application.

Everything the application depends on is chosen here (store, policy, clock, calendar source)
and can be replaced by a parameter, so tests pass fakes instead of patching. Nothing connects
at import time: the store is opened when ``bootstrap`` is called.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from domain.actors import SYSTEM
from domain.application import Casetrail
from domain.calendar import WorkCalendar, YearArrangement
from domain.errors import ConflictError
from domain.privacy import Vault
from domain.services.base import Clock
from infra.calendar_loader import official_arrangements
from infra.integrity.wiring import chained_env, install_checkpoints, store_new_keys_with_events
from infra.persistence import persistence_env
from infra.policy_file import load_policy
from infra.set_up_lock import one_at_a_time
from infra.settings import Settings
from infra.vault import open_vault
from infra.views import postgres_conninfo

ArrangementSource = Callable[[], Iterable[YearArrangement]]


def utc_now() -> datetime:
    """The real clock. The domain never reads it; the application is handed it from here."""
    return datetime.now(UTC)  # noqa: TID251 - the one place the real clock is read


def bootstrap(
    settings: Settings,
    *,
    clock: Clock | None = None,
    env_override: dict[str, str] | None = None,
    official_years: ArrangementSource | None = None,
    vault: Vault | None = None,
) -> Casetrail:
    """Build the application on the configured store and make sure the calendar exists.

    ``env_override`` adds or replaces eventsourcing library keys (encryption, snapshots);
    ``official_years`` replaces the packaged State Council arrangements used to seed a new
    store's working calendar; ``vault`` replaces the key store next to the events that seals
    personal data.
    """
    policy = load_policy(settings.policy_file)
    env = chained_env({**persistence_env(settings), **(env_override or {})})
    on_postgres = env.get("PERSISTENCE_MODULE", "").endswith("postgres")
    conninfo = postgres_conninfo(env)[0] if on_postgres else None
    with one_at_a_time(conninfo):
        app = Casetrail(
            env=env,
            clock=clock or utc_now,
            policy=policy,
            vault=vault or open_vault(settings, env),
            jurisdiction=settings.jurisdiction,
        )
        install_checkpoints(app)
        if conninfo is not None:
            store_new_keys_with_events(app, conninfo)
        seed_official_calendar(app, official_years)
    return app


def seed_official_calendar(app: Casetrail, official_years: ArrangementSource | None) -> bool:
    """Open the working calendar with the official years, once per store; True if seeded now."""
    if app.exists(WorkCalendar.calendar_id(app.jurisdiction)):
        return False
    years = official_years or official_arrangements
    try:
        return app.seed_calendar(years(), actor=SYSTEM)
    except ConflictError:
        # Another process seeded the same store between our check and our write.
        return False
