"""Entry point of the ``casetrail`` command: parses arguments and hands off to one command.

Each command module exposes ``register(subparsers)``, which adds its parser and sets
``handler`` (a function taking the parsed arguments and returning an exit code). Bad arguments
exit 2 with a message (argparse does that, and handlers raise ``UsageError`` for the rest).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from api.cli import (
    admin,
    bench,
    calendar,
    deadline,
    demo,
    export,
    merit,
    notify,
    privacy,
    projections,
    projects,
    publish,
    quarterly,
    relay,
    replay,
    report,
    secondments,
    serve,
    tick,
    users,
    verify,
    worker,
)
from api.cli.common import UsageError, fail
from domain.text import first_forbidden

COMMANDS = (
    deadline,
    calendar,
    demo,
    replay,
    projections,
    tick,
    report,
    publish,
    verify,
    export,
    privacy,
    serve,
    users,
    admin,
    relay,
    notify,
    worker,
    bench,
    merit,
    projects,
    quarterly,
    secondments,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="casetrail",
        description="Casetrail: case and complaint handling for government service windows.",
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    for name, value in vars(args).items():  # every argument is text a person typed
        found = first_forbidden(value)
        if found:
            parser.exit(
                2,
                f"casetrail: error: argument {name} contains a control character ({found});"
                " only tab and line breaks are allowed\n",
            )
    try:
        code = args.handler(args)
    except UsageError as error:
        parser.exit(2, f"casetrail: error: {error}\n")
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader (head, less) went away: nothing left to say
        return 0
    except Exception as error:  # the last line of defence: print, never dump a trace
        return fail(error)
    assert isinstance(code, int)
    return code


if __name__ == "__main__":
    sys.exit(main())
