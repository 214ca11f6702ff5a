"""B1, B2 and the engine's order-import mapping flow on the same pre-loaded deliveries.

The engine and B2 come from ``bench.flows``' order measurement (``measure_flow``): a real worker
that runs the mapping agent only (``PONTE_AGENTS=translate-deliveries``: the ERP sink, which B2
does not have, runs on other workers in such a deployment and is not measured here) drains N
Shopify ``orders/create`` deliveries into order.placed envelopes, then a bare aiokafka
loop does the same per-record work (orjson + pydantic decode, the engine's own Shopify mapping,
encode) on the same topic. B1 is that bare loop with no work at all (consume -> produce the same
bytes), run on the same topic before the namespace is deleted.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import orjson

from bench.flow_baseline import run_baseline
from bench.flow_data import Record
from bench.flow_engine import measure_flow
from bench.flow_kafka import read_written
from bench.flow_stats import exactly_once, throughput
from bench.flows import new_stack, order_checks_cost, orders_flow
from bench.suite_figures import share


def pass_through(key: bytes | None, value: bytes) -> list[tuple[bytes, bytes]]:
    """B1's work: none; the record goes out as it came in."""
    return [(key or b"", value)]


def delivery_identity(value: bytes) -> str:
    """A stored delivery's entity key (the identity the order flow's records carry)."""
    return str(orjson.loads(value)["entity_key"])


def measure_mapping(
    bootstrap: str, workdir: Path, records: list[Record], timeout: float
) -> dict[str, Any]:
    """Engine, B2 and B1 figures, and the ratios the issue asks for."""
    stack = new_stack(bootstrap, workdir, "mapping")
    try:
        flow = orders_flow()  # its worker runs translate-deliveries only
        measured = measure_flow(stack, flow, records, timeout)
        source = flow.source.named(stack.namespace)
        sink = f"{stack.namespace}.bench.b1"
        b1 = asyncio.run(run_baseline(bootstrap, source, sink, pass_through, timeout))
        written = asyncio.run(read_written(bootstrap, sink, delivery_identity))
        b1 |= throughput(written.timestamps_ms)
        b1 |= exactly_once([r.identity for r in records], written.identities)
    finally:
        stack.stop()
    engine, b2 = measured["engine"], measured["baseline"]
    return {
        "what": "Shopify orders/create delivery -> order.placed envelope (translate-deliveries)",
        "worker_agents": flow.worker_env["PONTE_AGENTS"],
        "records": len(records),
        "b1_pass_through": b1,
        "b2_decode_map_encode": b2,
        "engine": engine,
        "b2_over_b1": share(b2["per_s"], b1["per_s"]),
        "engine_over_b2": share(engine["per_s"], b2["per_s"]),
        "engine_over_b2_steady": share(engine["steady_per_s"], b2["steady_per_s"]),
        "engine_over_b2_per_cpu_s": measured["cpu_efficiency_ratio"],
        "in_process_cost": order_checks_cost(records[:1]),
        "namespace": measured["namespace"],
    }
