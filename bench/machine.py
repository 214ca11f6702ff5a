"""What the figures were measured on: the host, Python and the broker's Kafka version."""

from __future__ import annotations

import os
import platform
import re
from importlib import metadata
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]


def _first_field(path: str, name: str) -> str | None:
    try:
        text = Path(path).read_text()
    except OSError:
        return None
    match = re.search(rf"^{re.escape(name)}\s*:\s*(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else None


def _memory_gib() -> float | None:
    total = _first_field("/proc/meminfo", "MemTotal")  # "24576000 kB"
    return round(int(total.split()[0]) / 1024**2, 1) if total else None


def kafka_version(pom: Path = REPO_ROOT / "deploy" / "kafka" / "pom.xml") -> str | None:
    match = re.search(r"<kafka\.version>([^<]+)</kafka\.version>", pom.read_text())
    return match.group(1) if match else None


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def load_average() -> list[float]:
    """1, 5 and 15 minute load: other work on the host shows in the tail latencies."""
    return [round(load, 2) for load in os.getloadavg()]


def machine_description() -> dict[str, Any]:
    return {
        "cpu_model": _first_field("/proc/cpuinfo", "model name"),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "load_average_at_start": load_average(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "kafka": kafka_version(),
        "aiokafka": _version("aiokafka"),
        "faust": _version("faust-streaming"),
    }
