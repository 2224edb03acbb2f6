"""``casetrail projections run`` without the rest of the CLI's imports.

The SIGKILL test starts the runner twenty times; importing only what the runner needs makes
each start take half a second instead of two. The code that runs is the same: the composition
root, ``open_runner`` and ``ProjectionRunner.run`` following the log until killed.

    python -m tests.fault.run_projections DATABASE_URL BATCH_SIZE
"""

from __future__ import annotations

import sys

from infra.bootstrap import bootstrap
from infra.projections import open_runner
from infra.settings import Settings


def main(url: str, batch_size: int) -> None:
    settings = Settings(store="postgres", database_url=url)
    app = bootstrap(settings)
    runner = open_runner(app, settings, batch_size=batch_size)
    runner.run()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
