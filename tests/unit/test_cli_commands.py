"""``casetrail`` imports only the module of the command it runs, from a table in api.cli.main.

The table names each command's module and keeps its help line for the listing, so it can drift
from what the modules register; these tests catch that, and that a light command stays light.
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from api.cli.main import COMMANDS, build_parser, chosen_command, main

CLI = Path(__file__).parents[2] / "api" / "cli"


class NamesAdded:
    """Stands in for argparse's subparsers: notes each top-level name and help a module adds."""

    def __init__(self) -> None:
        self.names: list[tuple[str, str | None]] = []
        self._subparsers = argparse.ArgumentParser().add_subparsers()

    def add_parser(self, name: str, **options: Any) -> argparse.ArgumentParser:
        self.names.append((name, options.get("help")))
        return self._subparsers.add_parser(name, **options)


def command_modules() -> list[str]:
    """The modules under api/cli that register a command, whether or not the table has them."""
    return sorted(
        f"api.cli.{path.stem}"
        for path in CLI.glob("*.py")
        if "\ndef register(" in path.read_text(encoding="utf-8")
    )


@pytest.mark.parametrize("module", command_modules())
def test_each_command_module_registers_exactly_what_the_table_gives_it(module: str) -> None:
    added = NamesAdded()
    importlib.import_module(module).register(added)
    listed = [(name, command.help) for name, command in COMMANDS.items()
              if command.module == module]
    assert added.names == listed, f"api.cli.main.COMMANDS disagrees with {module}.register"


def test_a_module_s_commands_sit_together_in_the_table() -> None:
    # The module registers all its names where the first one is listed: they must follow it.
    modules = [command.module for command in COMMANDS.values()]
    runs = [module for i, module in enumerate(modules) if i == 0 or modules[i - 1] != module]
    assert len(runs) == len(set(runs))


@pytest.mark.parametrize("command", list(COMMANDS))
def test_the_listing_is_the_same_whichever_command_is_registered(command: str) -> None:
    assert build_parser(command).format_help() == build_parser().format_help()


def test_the_command_is_the_first_argument_that_names_one() -> None:
    assert chosen_command(["users", "add", "projections"]) == "users"
    assert chosen_command(["--help", "verify", "--json"]) == "verify"
    assert chosen_command(["nosuch", "--help"]) is None
    assert chosen_command([]) is None


def test_an_unknown_command_is_refused_with_every_choice(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["nosuch"])
    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert "invalid choice: 'nosuch'" in error
    assert all(repr(name) in error for name in COMMANDS)


LIGHT = """
import sys
from api.cli.main import main
try:
    main([{command!r}, "--help"])
except SystemExit:
    pass
heavy = [name for name in ("fastapi", "api.http.app", "uvicorn") if name in sys.modules]
others = sorted(name for name in sys.modules
                if name.startswith("api.cli.") and name not in ("api.cli.main", "api.cli.common"))
print(heavy, others)
"""


@pytest.mark.parametrize("command", ["projections", "bench"])
def test_a_command_s_help_imports_neither_the_web_stack_nor_other_commands(command: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", LIGHT.format(command=command)], cwd=CLI.parents[1],
        capture_output=True, text=True, timeout=60, check=True,
    )
    assert done.stdout.splitlines()[-1] == f"[] ['api.cli.{command}']", done.stdout
