"""Entry point of the ``casetrail`` command: parses arguments and hands off to one command.

Each command module exposes ``register(subparsers)``, which adds its parser and sets
``handler`` (a function taking the parsed arguments and returning an exit code). Bad arguments
exit 2 with a message (argparse does that, and handlers raise ``UsageError`` for the rest).

Only the module of the command being run is imported: together the modules load the domain,
every store and the web stack, which took seconds before any command could start. ``COMMANDS``
names each command's module and keeps the line ``casetrail --help`` shows for it, so the
listing needs no module at all; tests/unit/test_cli_commands.py checks the table against what
the modules register.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NamedTuple

from api.cli.common import UsageError, fail
from domain.text import first_forbidden


class Command(NamedTuple):
    module: str
    help: str


# In the order of the listing; a module that registers several names has them side by side,
# in the order it adds them.
COMMANDS: dict[str, Command] = {
    "deadline": Command("api.cli.deadline", "compute a due date and show how it was counted"),
    "calendar": Command(
        "api.cli.calendar", "the working-day calendar: publish a year, show a year, add overlays"
    ),
    "demo": Command(
        "api.cli.demo", "seed demo data (departments, people, enterprises, a year of cases)"
    ),
    "replay": Command(
        "api.cli.replay", "show a record's history and its state at a version or a time"
    ),
    "projections": Command(
        "api.cli.projections", "run, inspect, rebuild and checksum the read models"
    ),
    "tick": Command("api.cli.tick", "run the deadline watcher once"),
    "report": Command(
        "api.cli.report",
        "print a published figure (board, rates, lists, ranking, coverage) as JSON",
    ),
    "publish": Command(
        "api.cli.publish",
        "publish a finished period's red/black lists or ranking (frozen, open to objection)",
    ),
    "verify": Command(
        "api.cli.verify", "check that no stored event was altered, removed, reordered or inserted"
    ),
    "export": Command(
        "api.cli.export", "write a record's tamper-evident dossier for offline checking"
    ),
    "erase-subject": Command(
        "api.cli.privacy",
        "erase a data subject's personal data (destroys their key; history stays)",
    ),
    "identity": Command(
        "api.cli.privacy",
        "show a case filer's name and contact to a reader with a need (the read is kept)",
    ),
    "identity-reads": Command(
        "api.cli.privacy",
        "list every recorded read of a data subject's identity (who, when, why)",
    ),
    "serve": Command(
        "api.cli.serve",
        "serve the HTTP API (with the projection runner and the deadline watcher)",
    ),
    "users": Command("api.cli.users", "add users who sign in to the API"),
    "tokens": Command("api.cli.users", "issue and revoke API bearer tokens"),
    "admin": Command(
        "api.cli.admin", "the directory: units, windows, staff, enterprises, leaders, links"
    ),
    "relay": Command("api.cli.relay", "publish every event to Kafka (CASETRAIL_KAFKA_BOOTSTRAP)"),
    "notify": Command(
        "api.cli.notify", "deliver notices by e-mail, webhook and SMS (docs/notifications.md)"
    ),
    "worker": Command(
        "api.cli.worker", "run the read models from the Kafka topic (scale out in a group)"
    ),
    "bench": Command(
        "api.cli.bench",
        "measure write, rebuild, freshness, query and replay speed against baselines",
    ),
    "merit": Command(
        "api.cli.merit",
        "commendations and sanctions from published entries; competition; records; clearings",
    ),
    "projects": Command(
        "api.cli.projects", "key projects: open, plan, work, escalate, link, close, board"
    ),
    "quarterly": Command(
        "api.cli.quarterly",
        "the quarterly evaluation by market entities: the form, an answer, the results",
    ),
    "secondments": Command(
        "api.cli.secondments", "arrange and end secondments (选派干部服务锻炼); the roster"
    ),
}


def chosen_command(arguments: Sequence[str]) -> str | None:
    """The command argparse will dispatch to, if any: the first argument that names one.

    The top-level parser has no option that takes a value, so no argument before the command
    can be a command's name; whatever else it holds, argparse reports as before.
    """
    return next((argument for argument in arguments if argument in COMMANDS), None)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser with ``command``'s module registered in full; every other command is there
    by name and help line only, so the listing and the choices are the same either way."""
    parser = argparse.ArgumentParser(
        prog="casetrail",
        description="Casetrail: case and complaint handling for government service windows.",
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    chosen = COMMANDS[command].module if command is not None else None
    registered = False
    for name, (module, help_line) in COMMANDS.items():
        if module != chosen:
            subparsers.add_parser(name, help=help_line)
        elif not registered:  # at its first name it adds all of them, as the table lists them
            importlib.import_module(module).register(subparsers)
            registered = True
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(chosen_command(arguments))
    args = parser.parse_args(arguments)
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
