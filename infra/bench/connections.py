"""How the server's kept-alive connections are spread over its worker processes.

A connection stays with the worker that accepted it, so under a steady load the spread decides
how long each client waits: with 12 of 16 connections on one of two workers, that worker's
clients wait about three times as long as the other's, and the p99 is theirs. The bench records
the spread with each run's latency (Linux only: it reads ``/proc``; elsewhere it is empty).
"""

from __future__ import annotations

import os
from pathlib import Path

PROC = Path("/proc")
LISTEN, ESTABLISHED = "0A", "01"


def connections_per_worker(root: int, port: int) -> list[int]:
    """The established connections to ``port`` each worker under process ``root`` holds, most
    first. The workers are the processes below ``root`` that hold the listening socket (or
    ``root`` itself when it serves alone)."""
    if not (PROC / "net" / "tcp").exists():
        return []
    listening, established = _sockets(port, LISTEN), _sockets(port, ESTABLISHED)
    held = {pid: _held(pid) for pid in _descendants(root)}
    workers = [pid for pid, inodes in held.items() if inodes & listening]
    if not workers:
        workers, held[root] = [root], _held(root)
    return sorted((len(held[pid] & established) for pid in workers), reverse=True)


def _sockets(port: int, state: str) -> set[str]:
    """Inodes of the sockets in ``state`` whose local port is ``port``."""
    found: set[str] = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = (PROC / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == state:
                found.add(fields[9])
    return found


def _held(pid: int) -> set[str]:
    """Inodes of the sockets process ``pid`` has open."""
    inodes: set[str] = set()
    try:
        descriptors = os.listdir(PROC / str(pid) / "fd")
    except OSError:
        return inodes
    for descriptor in descriptors:
        try:
            target = os.readlink(PROC / str(pid) / "fd" / descriptor)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    return inodes


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found: list[int] = []
    waiting = list(children.get(root, []))
    while waiting:
        pid = waiting.pop()
        found.append(pid)
        waiting.extend(children.get(pid, []))
    return found
