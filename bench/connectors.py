"""Each connector's client at its platform's real rate limit, and what mapping an order costs.

    python -m bench.connectors --seconds 30 --platforms shopify,nuvemshop,tray,vtex,erp

Per connector: its sandbox in-process on loopback at the real limits, the real client driven by
--callers concurrent cheap reads for --seconds; reported are the burst, the sustained rate after
it over the allowed one (target >= 0.95), 429s answered by the sandbox and 429s that reached a
caller (target 0). Then, per platform's real order sample, mapping cost from bytes and from a
parsed dict against orjson.loads of the same bytes. Writes the JSON report to --out, prints a
table, and exits 1 when a client missed a target.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.connector_rigs import RIGS
from bench.connectors_report import misses, table
from bench.machine import load_average, machine_description
from bench.mapping_cost import mapping_cost
from bench.report import write_json
from bench.request_rate import drive, rate_figures

TARGET_RATIO = 0.95


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.connectors", description=__doc__)
    parser.add_argument("--seconds", type=float, default=30.0, help="driving time per connector")
    parser.add_argument("--platforms", default=",".join(RIGS), help="comma-separated connectors")
    parser.add_argument("--callers", type=int, default=8, help="concurrent callers per client")
    parser.add_argument("--out", type=Path, default=Path("var/bench/connectors.json"))
    options = parser.parse_args(argv)
    options.platforms = [name.strip() for name in options.platforms.split(",") if name.strip()]
    unknown = sorted(set(options.platforms) - set(RIGS))
    if unknown or not options.platforms:
        parser.error(f"unknown platforms {unknown}; known: {', '.join(RIGS)}")
    if options.seconds <= 0 or options.callers < 1:
        parser.error("--seconds must be > 0 and --callers >= 1")
    return options


async def measure_rate(name: str, seconds: float, callers: int) -> dict[str, Any]:
    """One connector's run against its sandbox; every server and client stopped on the way out."""
    with tempfile.TemporaryDirectory(prefix=f"ponte-bench-{name}-") as workdir:
        async with RIGS[name](Path(workdir)) as rig:
            counted = rig.server_429s
            before = await counted() if counted else 0
            tally, start, end = await drive(rig.read, callers, seconds)
            after = await counted() if counted else 0
    figures = rate_figures(rig.transport.answers, tally, rig.limit.rate, start, end)
    return {
        "driven": rig.driven,
        "limit": {"rate_per_s": rig.limit.rate, "burst": rig.limit.burst, "from": rig.limit.source},
        "callers": callers,
        "seconds": seconds,
        **figures,
        "server_429s": after - before if counted else figures["client_transport_429s"],
        "server_429s_counted_by": "the sandbox's own counter"
        if counted
        else "the client's transport (this sandbox keeps no count of its 429s)",
    }


def run(options: argparse.Namespace) -> dict[str, Any]:
    started, machine = datetime.now(UTC), machine_description()
    mapping = {}
    for name in options.platforms:
        print(f"mapping: {name} ...", flush=True)
        mapping[name] = mapping_cost(name)
    rates = {}
    for name in options.platforms:
        print(f"rate: {name}, {options.callers} callers for {options.seconds:g}s ...", flush=True)
        rates[name] = asyncio.run(measure_rate(name, options.seconds, options.callers))
    return {
        "bench": "connectors",
        "started_at": started.isoformat(),
        "duration_s": round((datetime.now(UTC) - started).total_seconds(), 1),
        "machine": machine | {"load_average_at_end": load_average()},
        "parameters": {
            "seconds": options.seconds,
            "callers": options.callers,
            "platforms": options.platforms,
            "target_ratio": TARGET_RATIO,
        },
        "rate": rates,
        "mapping": mapping,
    }


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    began = time.monotonic()
    document = run(options)
    write_json(options.out, document)
    print(table(document))
    print(f"report: {options.out} ({time.monotonic() - began:.0f}s)")
    missed = misses(document["rate"], TARGET_RATIO)
    for line in missed:
        print(f"BELOW TARGET: {line}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
