"""CPU time a server has used (it and its children), read from /proc: a busy shared machine slows every
request down, but the CPU seconds one message costs stay about the same, so they are the fair number."""

from __future__ import annotations

import os
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()  # fields after "pid (comm) ", comm may hold spaces


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def cpu_seconds(pid: int, *, children: bool = True) -> float:
    """User + system CPU seconds of `pid` and (unless `children=False`) its live descendants; 0.0 once it is
    gone."""
    if not children:
        fields = _stat(pid)
        return 0.0 if fields is None else (int(fields[11]) + int(fields[12])) / _TICKS
    total, todo, seen = 0.0, [pid], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        fields = _stat(current)
        if fields is None:
            continue
        total += (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime
        todo.extend(_children(current))
    return total
