"""Each fault run's counts (sent, acknowledged, delivered, lost, duplicated), kept as JSON under
var/faults/ and printed as a table."""

from __future__ import annotations

import itertools
import json
import os
import platform
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO_ROOT = Path(__file__).resolve().parents[2]
RESULTS_DIR = REPO_ROOT / "var" / "faults"
FULL = os.environ.get("PONTE_FAULTS_FULL", "") not in ("", "0")
ROUND = int(os.environ.get("PONTE_FAULTS_ROUND", "1"))  # which repetition of the suite this is


def scaled(short: int, full: int) -> int:
    """The CI figure, or the on-demand one under PONTE_FAULTS_FULL=1."""
    return full if FULL else short


@dataclass
class FaultRun:
    """One run of one scenario: what was sent and what the ERP (or the topics) show for it."""

    scenario: str
    run: int
    sent: int
    acknowledged: int
    delivered: int
    lost: int
    duplicated: int
    figures: dict[str, Any] = field(default_factory=dict)


def order_counts(erp_url: str) -> Counter[str]:
    """ERP orders per platform order number (numeroDaOrdemDeCompra), from the ERP sandbox."""
    summary = httpx.get(f"{erp_url}/_sandbox/orders", timeout=30).json()
    return Counter(str(o["numeroDaOrdemDeCompra"]) for o in summary["orders"])


def order_run(
    scenario: str,
    run: int,
    sent: Iterable[str],
    acknowledged: Iterable[str],
    erp_url: str,
    **figures: Any,
) -> FaultRun:
    """Counts of an order load: lost = acknowledged but not in the ERP; duplicated = ERP orders
    beyond one per platform number."""
    numbers, acked = list(sent), set(acknowledged)
    counts = order_counts(erp_url)
    delivered = {n for n in numbers if counts[n] >= 1}
    return FaultRun(
        scenario=scenario,
        run=run,
        sent=len(numbers),
        acknowledged=len(acked),
        delivered=len(delivered),
        lost=len(acked - delivered),
        duplicated=sum(counts[n] - 1 for n in numbers if counts[n] > 1),
        figures=figures,
    )


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()} {platform.machine()}",
    }


def save(scenario: str, runs: list[FaultRun]) -> Path:
    """Write var/faults/<scenario>.json and print the table of its runs."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{scenario}-{ROUND}.json"
    document = {
        "scenario": scenario,
        "mode": "full" if FULL else "short",
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine(),
        "runs": [asdict(run) for run in runs],
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
    print("\n" + table(runs))
    return path


COLUMNS = ("scenario", "run", "sent", "acknowledged", "delivered", "lost", "duplicated")


def table(runs: Iterable[FaultRun]) -> str:
    rows = [
        [str(getattr(run, c)) for c in COLUMNS]
        + [", ".join(f"{k}={_short(v)}" for k, v in run.figures.items())]
        for run in runs
    ]
    header = [*COLUMNS, "figures"]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(COLUMNS))]
    lines = [
        "  ".join(cell.ljust(widths[i]) if i < len(widths) else cell for i, cell in enumerate(r))
        for r in [header, *rows]
    ]
    return "\n".join(lines)


def _short(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def load_saved() -> list[FaultRun]:
    """Every run saved under var/faults/, for the runner's summary."""
    runs = []
    for path in sorted(RESULTS_DIR.glob("*.json")):
        for raw in json.loads(path.read_text())["runs"]:
            runs.append(FaultRun(**raw))
    return runs


def where_missing(bootstrap: str, namespace: str, missing: Iterable[str]) -> dict[str, list[str]]:
    """For orders missing in the ERP: where their records are (topic, partition, offset), to tell
    a record skipped from one waiting, parked or dead-lettered."""
    from topics.registry import DELIVERIES, HELD, ORDERS, PARKED

    found: dict[str, list[str]] = {number: [] for number in missing}
    specs = (DELIVERIES, ORDERS, PARKED, HELD, DELIVERIES.dead_letter, ORDERS.dead_letter)
    for spec in specs:
        for partition, offset, value in _records(bootstrap, spec.named(namespace)):
            for number in found:
                if f'"{number}"'.encode() in value or f'\\"{number}\\"'.encode() in value:
                    found[number].append(f"{spec.name}/{partition}@{offset}")
    return found


def _records(bootstrap: str, topic: str) -> list[tuple[int, int, bytes]]:
    import asyncio

    from aiokafka import AIOKafkaConsumer

    async def read() -> list[tuple[int, int, bytes]]:
        consumer = AIOKafkaConsumer(
            topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest"
        )
        await consumer.start()
        try:
            found: list[tuple[int, int, bytes]] = []
            while batches := await consumer.getmany(timeout_ms=3000):
                found.extend(
                    (r.partition, r.offset, r.value or b"") for b in batches.values() for r in b
                )
            return found
        finally:
            await consumer.stop()

    return asyncio.run(read())


def longest_pause(erp_url: str, numbers: Iterable[str]) -> float:
    """Longest time in seconds between two consecutive ERP creations of ``numbers``."""
    wanted = set(numbers)
    summary = httpx.get(f"{erp_url}/_sandbox/orders", timeout=30).json()
    times = sorted(
        o["created_at_ms"]
        for o in summary["orders"]
        if str(o["numeroDaOrdemDeCompra"]) in wanted and o.get("created_at_ms") is not None
    )
    return max((b - a for a, b in itertools.pairwise(times)), default=0) / 1000


def lagging_partitions(worker_url: str) -> dict[str, float]:
    """The engine group's non-zero consumer lag per topic/partition, as a worker measures it."""
    lags = {}
    for line in httpx.get(f"{worker_url}/metrics", timeout=10).text.splitlines():
        if line.startswith("ponte_consumer_lag{") and not line.endswith(" 0.0"):
            labels, value = line.rsplit(" ", 1)
            lags[labels.removeprefix("ponte_consumer_lag")] = float(value)
    return lags
