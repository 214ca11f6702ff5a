"""Every benchmark of issue 6 in one run, on one broker, each against baselines of the same run.

    python -m bench.suite            # a private broker on free ports, full sizes
    python -m bench.suite --quick    # a smoke run of a few minutes
    python -m bench.suite --bootstrap 127.0.0.1:9092 --only mapping,ingest

Phases: kafka_tools (B0: Kafka's own perf tools), mapping (B1 pass-through, B2 decode + map +
encode, the engine's order-import flow), ingest (worker webhook endpoint vs bare aiohttp),
end_to_end (webhook -> ERP at half the max sustainable rate), catch_up (a backlog vs the steady
rate), scaling (two workers vs one), memory (worker RSS with links in state). Without
--bootstrap the suite starts its own broker (temporary data directory) and stops only that one.
Writes --out (JSON) and prints a table; exits 1 if a phase failed or lost or doubled records.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.flow_data import order_deliveries
from bench.machine import REPO_ROOT, load_average, machine_description
from bench.report import write_json
from bench.suite_backlog import measure_catch_up, measure_scaling
from bench.suite_broker import existing_broker, private_broker
from bench.suite_e2e import measure_end_to_end
from bench.suite_figures import PHASES, exactly_once_failures, share, table, verdicts
from bench.suite_ingest import measure_ingest
from bench.suite_mapping import measure_mapping
from bench.suite_memory import measure_memory
from bench.suite_tools import measure_kafka_tools


@dataclass(frozen=True)
class Sizes:
    """How much each phase sends; --quick scales every one down."""

    tool_records: int
    mapping_records: int
    ingest_requests: int
    ack_seconds: float
    ack_rate: float
    round_seconds: float
    measured_seconds: float
    rate_ceiling: float
    backlog: int
    steady_records: int
    scaling_records: int
    links: int


FULL = Sizes(100_000, 20_000, 10_000, 20, 500, 8, 30, 3200, 100_000, 10_000, 15_000, 100_000)
QUICK = Sizes(20_000, 3_000, 1_000, 3, 500, 3, 6, 200, 5_000, 1_000, 3_000, 5_000)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.suite",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--bootstrap", help="a running broker to use (default: a private one)")
    parser.add_argument("--quick", action="store_true", help="everything scaled down")
    parser.add_argument("--only", default=",".join(PHASES), help="comma-separated phases")
    parser.add_argument("--timeout", type=float, default=900.0, help="s per drain or wait")
    parser.add_argument("--out", type=Path, default=Path("var/bench/suite.json"))
    parser.add_argument(
        "--keep-broker-data", action="store_true", help="keep the private broker's data and log"
    )
    options = parser.parse_args(argv)
    options.only = [name.strip() for name in options.only.split(",") if name.strip()]
    if not options.only or not set(options.only) <= set(PHASES):
        parser.error(f"--only takes some of {', '.join(PHASES)}")
    if options.bootstrap and not options.bootstrap.startswith(("127.", "localhost:")):
        parser.error("--bootstrap must be a loopback address: the bench only uses loopback")
    if options.timeout <= 0:
        parser.error("--timeout must be > 0")
    return options


def record_size() -> int:
    """Mean bytes of the order deliveries the flows read: B0 writes records of that size."""
    sample = order_deliveries("bench-orders", "loja.myshopify.com", 20)
    return round(sum(len(r.value) for r in sample) / len(sample))


def phase_runners(
    bootstrap: str, workdir: Path, sizes: Sizes, timeout: float, done: dict[str, Any]
) -> dict[str, Callable[[], dict[str, Any]]]:
    """Each phase as a call; later phases read earlier figures from ``done``."""

    def mapping() -> dict[str, Any]:
        records = order_deliveries(
            "bench-orders", "loja-teste.myshopify.com", sizes.mapping_records
        )
        figures = measure_mapping(bootstrap, workdir, records, timeout)
        limit = done.get("kafka_tools", {}).get("limit_per_s")
        return figures | {"b1_over_b0": share(figures["b1_pass_through"]["per_s"], limit)}

    return {
        "kafka_tools": lambda: measure_kafka_tools(
            bootstrap, sizes.tool_records, record_size(), timeout, workdir
        ),
        "mapping": mapping,
        "ingest": lambda: measure_ingest(
            bootstrap, workdir, sizes.ingest_requests, sizes.ack_seconds, sizes.ack_rate
        ),
        "end_to_end": lambda: measure_end_to_end(
            bootstrap,
            workdir,
            sizes.round_seconds,
            sizes.measured_seconds,
            sizes.rate_ceiling,
            timeout,
        ),
        "catch_up": lambda: measure_catch_up(
            bootstrap, workdir, sizes.backlog, sizes.steady_records, timeout
        ),
        "scaling": lambda: measure_scaling(bootstrap, workdir, sizes.scaling_records, timeout),
        "memory": lambda: measure_memory(bootstrap, workdir, sizes.links, timeout),
    }


def host_cpu_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole host so far, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def run_phases(bootstrap: str, options: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    sizes = QUICK if options.quick else FULL
    phases: dict[str, Any] = {}
    runners = phase_runners(bootstrap, workdir, sizes, options.timeout, phases)
    for name in options.only:
        print(f"{name} ...", flush=True)
        began, load, ticks = time.monotonic(), load_average(), host_cpu_ticks()
        try:
            phases[name] = runners[name]()
        except Exception as exc:  # one failed phase is reported; the others still run
            traceback.print_exc()
            print(f"{name} FAILED: {exc!r}", file=sys.stderr, flush=True)
            phases[name] = {"error": repr(exc)}
        phases[name] |= {
            "duration_s": round(time.monotonic() - began, 1),
            "load_average": {"start": load, "end": load_average()},
            # Near 1.0 the host's cores were saturated (by the phase or by others' work).
            "host_cpu_busy": share(
                *(after - before for after, before in zip(host_cpu_ticks(), ticks, strict=True))
            ),
        }
        print(f"{name} done in {phases[name]['duration_s']}s", flush=True)
    return phases


def run(options: argparse.Namespace) -> dict[str, Any]:
    started, machine = datetime.now(UTC), machine_description()
    workdir = REPO_ROOT / "var" / "bench" / f"suite-{started:%Y%m%dT%H%M%S}"
    workdir.mkdir(parents=True, exist_ok=True)
    broker: AbstractContextManager[str] = (
        existing_broker(options.bootstrap)
        if options.bootstrap
        else private_broker(options.keep_broker_data)
    )
    with broker as bootstrap:
        phases = run_phases(bootstrap, options, workdir)
    return {
        "bench": "suite",
        "quick": options.quick,
        "started_at": started.isoformat(),
        "duration_s": round((datetime.now(UTC) - started).total_seconds(), 1),
        "machine": machine | {"load_average_at_end": load_average()},
        "broker": f"{'given' if options.bootstrap else 'private'} at {bootstrap}",
        "sizes": asdict(QUICK if options.quick else FULL),
        "logs": str(workdir),
        "noisy": "the host is shared: compare the load averages; rates and tail latencies move",
        "phases": phases,
        "verdicts": verdicts(phases),
        "exactly_once_failures": exactly_once_failures(phases),
    }


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    document = run(options)
    write_json(options.out, document)
    print(table(document))
    print(f"report: {options.out} ({document['duration_s']:.0f}s)")
    failed = any("error" in figures for figures in document["phases"].values())
    return 1 if failed or document["exactly_once_failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
