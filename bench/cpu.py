"""CPU seconds each process of the bench used during a phase, read from /proc (Linux only).

On a small host the processes compete for the same cores; this shows which one saturated.
"""

from __future__ import annotations

import os
from pathlib import Path

TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of ``pid`` so far; None when it is gone or /proc is absent."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # the name in parentheses may hold spaces
    return (int(fields[11]) + int(fields[12])) / TICKS_PER_S


def cpu_snapshot(pids: dict[str, int]) -> dict[str, float | None]:
    return {name: cpu_seconds(pid) for name, pid in pids.items()}


def cpu_share(
    before: dict[str, float | None], after: dict[str, float | None], wall_s: float
) -> dict[str, float | None]:
    """Average cores used by each process between two snapshots (1.0 = one core busy)."""
    shares: dict[str, float | None] = {}
    for name, start in before.items():
        end = after.get(name)
        ok = start is not None and end is not None and wall_s > 0
        shares[name] = round((end - start) / wall_s, 2) if ok else None  # type: ignore[operator]
    return shares
