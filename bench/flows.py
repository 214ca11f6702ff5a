"""Issue 4's flows: order import and stock fan-out throughput against a bare Kafka loop doing the
same per-record work on the same records, and stock freshness ERP -> store at a steady rate.

    python -m bench.flows --bootstrap 127.0.0.1:29092

Orders: N Shopify ``orders/create`` deliveries (the real sample in BRL) pre-loaded on a fresh
namespace's deliveries topic; a real worker drains them; measured is what it writes to the
orders topic (translate-deliveries: the platform mapping). The automation gate and the
Configurações/Mapeamentos of the import (erp-orders) run after that topic, right before the ERP
call, with no topic between: they are timed in-process per order instead
(``order_checks_before_erp_us``). The measured worker runs translate-deliveries only
(``PONTE_AGENTS``): the sink is excluded, as the issue asks, and runs on other workers in such
a deployment.
Stock: N ERP ``stock.changed`` envelopes on the ERP changes topic, loaded once the worker is
ready, several integrations with stock_export on; measured is what erp-fanout writes to the
outbound topic (one command per integration and change), by a worker that runs erp-fanout only
(the platform sink, paced by the store's rate limit, is excluded).
Throughput is read from the output records' Kafka timestamps, first to last (and the middle
90%); records per CPU second compare the two sides fairly on a busy host. Baselines run with the
worker stopped. Freshness: see ``bench.freshness``.
Writes --out (JSON) and prints a table. Figures on a shared, busy machine are preliminary.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiokafka.errors import KafkaError

from bench.flow_data import Record, order_deliveries, stock_changes
from bench.flow_engine import Flow, measure_flow
from bench.flow_work import (
    command_identity,
    fan_out_stock,
    offline_integration,
    order_checks_before_erp,
    order_identity,
    translate_orders,
)
from bench.flows_report import table
from bench.freshness import measure_freshness, start_freshness_stack
from bench.machine import REPO_ROOT, load_average, machine_description
from bench.mapping_cost import best_us
from bench.report import write_json
from engine import local_broker
from schemas.automation import Automation
from schemas.codec import decode
from schemas.delivery import Delivery
from schemas.envelope import EventEnvelope
from tests.harness import Stack
from topics.registry import DELIVERIES, ERP_CHANGES, ORDERS, OUTBOUND

PHASES = ("orders", "stock", "freshness")
STOCK_SETTINGS: list[dict[str, Any]] = [
    {},
    {"stock_buffer": 2},
    {"stock_warehouses": ["1"]},
    {"stock_buffer": 1, "stock_max_listed": 50},
]
"""Per-integration stock policies, cycled over the stock flow's integrations."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.flows", description=__doc__)
    parser.add_argument("--bootstrap", default="127.0.0.1:29092", help="a running Kafka broker")
    parser.add_argument("--orders", type=int, default=20_000, help="pre-loaded order deliveries")
    parser.add_argument("--stock-changes", type=int, default=20_000, help="pre-loaded changes")
    parser.add_argument("--stock-integrations", type=int, default=4)
    parser.add_argument("--stock-skus", type=int, default=2000)
    parser.add_argument("--fresh-rate", type=float, default=10.0, help="stock changes/s")
    parser.add_argument("--fresh-seconds", type=float, default=60.0)
    parser.add_argument("--fresh-skus", type=int, default=50)
    parser.add_argument("--only", default=",".join(PHASES), help="comma-separated phases")
    parser.add_argument("--timeout", type=float, default=600.0, help="s per drain or wait")
    parser.add_argument("--out", type=Path, default=Path("var/bench/flows.json"))
    options = parser.parse_args(argv)
    options.only = [name.strip() for name in options.only.split(",") if name.strip()]
    if not set(options.only) <= set(PHASES) or not options.only:
        parser.error(f"--only takes some of {', '.join(PHASES)}")
    if min(options.orders, options.stock_changes, options.stock_integrations) < 1:
        parser.error("--orders, --stock-changes and --stock-integrations must be >= 1")
    if options.fresh_rate <= 0 or options.fresh_seconds <= 0 or options.fresh_skus < 1:
        parser.error("--fresh-rate and --fresh-seconds must be > 0, --fresh-skus >= 1")
    if not options.bootstrap.startswith(("127.", "localhost:")):
        parser.error("--bootstrap must be a loopback address: the bench only uses loopback")
    return options


def orders_flow() -> Flow:
    return Flow(
        name="orders",
        what="Shopify orders/create delivery -> order.placed envelope on the orders topic",
        source=DELIVERIES,
        output=ORDERS,
        integrations=[{"id": "bench-orders", "automations": {"order_import": {"enabled": True}}}],
        expected=lambda records, _ids: [r.identity for r in records],
        work=lambda integrations: translate_orders({i.id: i for i in integrations}),
        identity=order_identity,
        worker_env={"PONTE_AGENTS": "translate-deliveries"},  # the sink excluded
    )


def stock_flow(count: int) -> Flow:
    bodies = [
        {
            "id": f"bench-stock-{n}",
            "automations": {"stock_export": {"enabled": True}},
            "settings": STOCK_SETTINGS[n % len(STOCK_SETTINGS)],
        }
        for n in range(count)
    ]
    return Flow(
        name="stock",
        what="ERP stock.changed -> one stock_export command per integration on the outbound topic",
        source=ERP_CHANGES,
        output=OUTBOUND,
        integrations=bodies,
        expected=lambda records, ids: [f"{i}:{r.identity}" for i in ids for r in records],
        work=fan_out_stock,
        identity=command_identity,
        worker_env={"PONTE_AGENTS": "erp-fanout"},  # the sink excluded
        load_after_start=True,  # erp-fanout does not wait for the integrations view (report)
    )


def order_checks_cost(records: Sequence[Record]) -> dict[str, Any]:
    """µs per order of erp-orders' gate and mapping, and of the translation before it."""
    integration = offline_integration("bench-orders", Automation.ORDER_IMPORT)
    translate = translate_orders({integration.id: integration})
    key, value = records[0].key, records[0].value
    envelope = decode(EventEnvelope, translate(key, value)[0][1])
    checks = order_checks_before_erp(integration)
    if checks(envelope) is None:
        raise RuntimeError("the bench order must pass the gate to reach the ERP call")
    return {
        "delivery_decode_us": best_us(lambda: decode(Delivery, value)),
        "translate_us": best_us(lambda: translate(key, value)),
        "order_checks_before_erp_us": best_us(lambda: checks(envelope)),
    }


def new_stack(bootstrap: str, workdir: Path, name: str) -> Stack:
    """A stack in a namespace of its own: its topics can be deleted after the phase."""
    path = workdir / name
    path.mkdir(parents=True, exist_ok=True)
    return Stack(bootstrap, path, namespace=f"bflows-{name}-{uuid.uuid4().hex[:8]}")


def run_phase(stack: Stack, options: argparse.Namespace, phase: str) -> dict[str, Any]:
    if phase == "orders":
        records = order_deliveries("bench-orders", stack.shop_domain, options.orders)
        return measure_flow(stack, orders_flow(), records, options.timeout) | {
            "in_process_cost": order_checks_cost(records)
        }
    if phase == "stock":
        records = stock_changes(options.stock_changes, options.stock_skus, warehouses=2)
        flow = stock_flow(options.stock_integrations)
        return measure_flow(stack, flow, records, options.timeout)
    skus = [f"FRESH-{n:04d}" for n in range(options.fresh_skus)]
    _, items = start_freshness_stack(stack, skus)
    return asyncio.run(
        measure_freshness(stack, items, options.fresh_rate, options.fresh_seconds, options.timeout)
    ) | {"namespace": stack.namespace}


def run(options: argparse.Namespace) -> dict[str, Any]:
    started, machine = datetime.now(UTC), machine_description()
    workdir = REPO_ROOT / "var" / "bench" / f"flows-{started:%Y%m%dT%H%M%S}"
    results: dict[str, Any] = {}
    for phase in options.only:
        stack = new_stack(options.bootstrap, workdir, phase)
        print(f"{phase}: namespace {stack.namespace}, logs in {stack.workdir} ...", flush=True)
        try:
            results[phase] = run_phase(stack, options, phase)
        except (RuntimeError, AssertionError, OSError, KafkaError) as exc:
            print(f"{phase} FAILED: {exc!r}", file=sys.stderr)
            results[phase] = {"error": repr(exc), "namespace": stack.namespace}
        finally:
            stack.stop()  # and deletes the namespace's topics
    return {
        "bench": "flows",
        "preliminary": "measured on a shared machine while other work ran; see the load averages",
        "started_at": started.isoformat(),
        "duration_s": round((datetime.now(UTC) - started).total_seconds(), 1),
        "machine": machine | {"load_average_at_end": load_average()},
        "parameters": {k: str(v) if isinstance(v, Path) else v for k, v in vars(options).items()},
        "logs": str(workdir),
    } | results


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    if not local_broker.broker_answers(options.bootstrap, timeout=10):
        print(f"no Kafka broker answers at {options.bootstrap}", file=sys.stderr)
        return 2
    began = time.monotonic()
    document = run(options)
    write_json(options.out, document)
    print(table(document))
    print(f"report: {options.out} ({time.monotonic() - began:.0f}s)")
    return 0 if _exactly_once(document) else 1


def _exactly_once(document: dict[str, Any]) -> bool:
    """Nothing lost, doubled or unexpected in any measured flow (engine and baseline)."""
    if any("error" in document.get(phase, {}) for phase in PHASES):
        return False
    for phase in ("orders", "stock"):
        for side in ("engine", "baseline"):
            figures = document.get(phase, {}).get(side, {})
            if any(figures.get(name) for name in ("lost", "duplicated", "unexpected")):
                print(f"FAILED: {phase} {side} lost or doubled records", file=sys.stderr)
                return False
    fresh = document.get("freshness", {})
    if fresh.get("never_shown") or fresh.get("refused_by_erp"):
        print("FAILED: stock changes never reached the store", file=sys.stderr)
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
