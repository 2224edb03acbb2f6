"""What the bench ran on, printed with its results: figures mean little without the machine."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any

import psycopg

SHOWN = ("server_version", "shared_buffers", "synchronous_commit", "fsync", "max_connections")


def machine(conninfo: str) -> dict[str, Any]:
    with psycopg.connect(conninfo, autocommit=True) as connection:
        settings = {name: _show(connection, name) for name in SHOWN}
    return {
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gb": _memory_gb(),
        "load_average_1_5_15": [round(n, 2) for n in os.getloadavg()],
        "python": platform.python_version(),
        "postgresql": settings.pop("server_version"),
        "postgresql_settings": settings,
    }


def _show(connection: psycopg.Connection[tuple[Any, ...]], name: str) -> str:
    row = connection.execute(f"SHOW {name}").fetchone()
    return str(row[0]) if row else "unknown"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    return None
