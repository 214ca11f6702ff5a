"""Webhook -> ERP order latency of Ponte, as ratios to a bare Kafka round trip of the same run.

    python -m bench.order_latency --orders 1000 --rate 50

Measures, on the broker at --bootstrap: first the baseline (aiokafka produce -> consume at the
same rate), then Ponte (ERP sandbox, engine worker, signed Shopify webhooks). Writes the JSON
report to --out, prints a table, and exits 1 unless every order reached the ERP exactly once.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.baseline import measure_baseline
from bench.machine import REPO_ROOT, load_average, machine_description
from bench.ponte import measure_ponte, start_stack
from bench.report import ratios, table, write_json
from engine import local_broker
from tests.harness import Stack

ERP_SANDBOX_RATE = 5000.0  # requests/s and burst: the ERP's rate limit is not what is measured
ERP_REQUESTS_PER_SECOND = 2000.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.order_latency", description=__doc__)
    parser.add_argument("--orders", type=int, default=1000, help="measured orders (and messages)")
    parser.add_argument("--rate", type=float, default=50.0, help="orders/s, steady, open loop")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured orders sent first")
    parser.add_argument("--bootstrap", default="127.0.0.1:9092", help="a running Kafka broker")
    parser.add_argument("--out", type=Path, default=Path("var/bench/order_latency.json"))
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="s to wait past the schedule for answers"
    )
    options = parser.parse_args(argv)
    if options.orders < 1 or options.rate <= 0 or options.warmup < 0:
        parser.error("--orders must be >= 1, --rate > 0 and --warmup >= 0")
    if not options.bootstrap.startswith(("127.", "localhost:")):
        parser.error("--bootstrap must be a loopback address: the bench only uses loopback")
    return options


def run(options: argparse.Namespace) -> dict[str, Any]:
    timeout = options.orders / options.rate + options.timeout
    started, machine = datetime.now(UTC), machine_description()
    print(f"baseline: {options.orders} Kafka round trips at {options.rate}/s ...", flush=True)
    baseline = asyncio.run(
        measure_baseline(options.bootstrap, options.orders, options.rate, options.warmup, timeout)
    )
    workdir = REPO_ROOT / "var" / "bench" / f"run-{started:%Y%m%dT%H%M%S}"
    workdir.mkdir(parents=True, exist_ok=True)
    stack = Stack(bootstrap=options.bootstrap, workdir=workdir)
    try:
        print(f"ponte: starting the stack (logs in {workdir}) ...", flush=True)
        worker = start_stack(stack, ERP_SANDBOX_RATE, ERP_REQUESTS_PER_SECOND)
        print(f"ponte: {options.orders} webhooks at {options.rate}/s ...", flush=True)
        ponte = asyncio.run(
            measure_ponte(stack, worker, options.orders, options.rate, options.warmup, timeout)
        )
    finally:
        stack.stop()
    return {
        "bench": "order_latency",
        "started_at": started.isoformat(),
        "duration_s": round((datetime.now(UTC) - started).total_seconds(), 1),
        "machine": machine | {"load_average_at_end": load_average()},
        "parameters": {
            "orders": options.orders,
            "rate": options.rate,
            "warmup": options.warmup,
            "bootstrap": options.bootstrap,
            "namespace": stack.namespace,
            "erp_sandbox_rate": ERP_SANDBOX_RATE,
            "erp_requests_per_second": ERP_REQUESTS_PER_SECOND,
            "logs": str(workdir),
        },
        "baseline": baseline,
        "ponte": ponte,
        "ratios": ratios(baseline, ponte),
    }


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    if not local_broker.broker_answers(options.bootstrap, timeout=10):
        print(
            f"no Kafka broker answers at {options.bootstrap}; "
            "start one with `.venv/bin/ponte broker start --port 9092`",
            file=sys.stderr,
        )
        return 2
    began = time.monotonic()
    document = run(options)
    write_json(options.out, document)
    print(table(document))
    print(f"report: {options.out} ({time.monotonic() - began:.0f}s)")
    ponte = document["ponte"]
    exactly_once = ponte["lost"] == 0 and ponte["duplicated"] == 0
    if not exactly_once:
        print("FAILED: orders were lost or duplicated", file=sys.stderr)
    return 0 if exactly_once else 1


if __name__ == "__main__":
    sys.exit(main())
