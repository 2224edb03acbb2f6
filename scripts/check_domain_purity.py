#!/usr/bin/env python3
"""Fail when the domain reaches outside itself: an infrastructure import or a real-clock read.

The domain must replay the same way anywhere: no web, storage or messaging code, no imports of
the layers built on it, and no reading of the real clock (time is an argument or the injected
clock). Usage: check_domain_purity.py [DOMAIN_DIR]  (default: domain/ beside this script).
Prints file:line for each violation and exits 1; exits 0 when the domain is pure.
Standard library only, so it runs before anything is installed.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

BANNED_MODULES = {
    "fastapi": "web framework",
    "starlette": "web framework",
    "uvicorn": "web server",
    "psycopg": "database driver",
    "psycopg2": "database driver",
    "psycopg_pool": "database driver",
    "sqlite3": "database driver",
    "kafka": "message broker client",
    "eventsourcing.postgres": "storage choice (belongs in infra)",
    "eventsourcing.sqlite": "storage choice (belongs in infra)",
    "infra": "infrastructure layer",
    "api": "entry-point layer",
    "projections": "read-model layer",
}

CLOCK_READS = {
    "datetime.datetime.now",
    "datetime.datetime.utcnow",
    "datetime.datetime.today",
    "datetime.date.today",
    "time.time",
    "time.time_ns",
    "time.monotonic",
    "time.perf_counter",
}

DYNAMIC_IMPORTS = {"__import__", "importlib.import_module"}


def banned_reason(module: str) -> str | None:
    for banned, reason in BANNED_MODULES.items():
        if module == banned or module.startswith(banned + "."):
            return f"imports {module} ({reason})"
    return None


class Checker(ast.NodeVisitor):
    def __init__(self) -> None:
        self.names: dict[str, str] = {}  # local name -> the dotted name it stands for
        self.found: list[tuple[int, str]] = []

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._check_module(node, alias.name)
            local = alias.asname or alias.name.split(".")[0]
            self.names[local] = alias.name if alias.asname else local

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level == 0:
            self._check_module(node, module)
            for alias in node.names:
                self._check_module(node, f"{module}.{alias.name}")
                self.names[alias.asname or alias.name] = f"{module}.{alias.name}"

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self._check_clock(node)
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        self._check_clock(node)

    def visit_Call(self, node: ast.Call) -> None:
        target = self._resolve(node.func)
        if target in DYNAMIC_IMPORTS and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                self._check_module(node, first.value)
        self.generic_visit(node)

    def _check_module(self, node: ast.stmt | ast.expr, module: str) -> None:
        reason = banned_reason(module)
        if reason and (node.lineno, reason) not in self.found:
            self.found.append((node.lineno, reason))

    def _check_clock(self, node: ast.Attribute | ast.Name) -> None:
        target = self._resolve(node)
        if target in CLOCK_READS:
            self.found.append((node.lineno, f"reads the real clock ({target}); use the clock"))

    def _resolve(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return self.names.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self._resolve(node.value)
            return f"{base}.{node.attr}" if base else None
        return None


def check_file(path: Path) -> Iterator[tuple[int, str]]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (SyntaxError, UnicodeDecodeError) as error:
        yield getattr(error, "lineno", None) or 1, f"cannot be parsed ({error})"
        return
    checker = Checker()
    checker.visit(tree)
    yield from sorted(checker.found)


def display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent / "domain"
    if not root.is_dir():
        print(f"domain purity: {root} is not a directory", file=sys.stderr)
        return 2
    files = sorted(root.rglob("*.py"))
    violations = [
        f"{display(path)}:{line}: {problem}" for path in files for line, problem in check_file(path)
    ]
    for violation in violations:
        print(violation)
    if violations:
        print(f"domain purity: {len(violations)} violation(s) in {display(root)}")
        return 1
    print(f"domain purity: {len(files)} modules in {display(root)}, no violations")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
