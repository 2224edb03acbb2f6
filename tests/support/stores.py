"""The stores a contract test runs against, each opened through the composition root."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.application import Casetrail
from infra.bootstrap import bootstrap
from infra.settings import Settings
from tests.support.clock import FakeClock


@dataclass
class StoreUnderTest:
    """One backend with its settings; ``open()`` bootstraps another application on it."""

    name: str
    settings: Settings
    clock: FakeClock
    opened: list[Casetrail] = field(default_factory=list)

    def open(self) -> Casetrail:
        app = bootstrap(self.settings, clock=self.clock)
        self.opened.append(app)
        return app

    def close(self) -> None:
        while self.opened:
            self.opened.pop().close()
