"""Webhook ingest: the engine's Shopify endpoint against a bare aiohttp handler producing to
Kafka (``bench.bare_ingest``), on the same broker, with the same signed deliveries, client,
acks=all and record size.

Two engine sides, each a real process:

- ``worker``: one worker that answers the webhooks and runs the flows in the same process, as
  a single-process deployment does (its integration has order_import on, so it translates what
  it stores and sends it to the ERP, unthrottled, see ``bench.suite_backlog.ERP_PACE``);
- ``ingest``: an ingest process (``PONTE_FLOWS=false``) on its own, in a namespace no worker
  reads (its integration created through its own admin API): the webhook path alone, as the
  bare handler is, with no flows taking the host's CPU while it is measured.

Each side gets a warm-up, a closed loop (the most it takes, with the CPU time per request of
the process that answers and of the worker behind it) and an open loop at a fixed rate (the
acknowledgement latency). Before each open loop the worker finishes translating what came
before, so the open loop starts idle and the flows work through it while it runs.
Every acknowledged delivery must be on the deliveries topic afterwards: lost = acknowledged -
stored.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.cpu import cpu_snapshot
from bench.flow_engine import ERP_SANDBOX_RATE, create_integrations
from bench.flow_kafka import create_topic, topic_size, wait_for_size
from bench.flows import new_stack
from bench.orders import Webhook, signed_webhooks
from bench.suite_backlog import ERP_PACE
from bench.suite_figures import share
from bench.suite_load import closed_loop, open_loop_acks
from tests.harness import Process, delete_namespace_topics, free_port, wait_until
from topics.registry import DELIVERIES, ORDERS

INTEGRATION_ID = "bench-ingest"
WARMUP = 200
CONCURRENCY = 50
DRAIN_TIMEOUT_S = 300.0
PHASES = ("warmup", "closed", "open_loop")


@dataclass(frozen=True)
class Side:
    """One receiver under test: its URL, the pids whose CPU is counted, its webhooks."""

    name: str
    url: str
    pids: dict[str, int]
    webhooks: Sequence[Webhook]
    translated: bool  # its deliveries reach the orders topic (drained before its open loop)


def start_bare(bootstrap: str, topic: str, secret: str, workdir: Path) -> tuple[Process, str]:
    """The bare handler in its own process (like the worker); its URL once it answers."""
    port = free_port()
    log = (workdir / "bare-ingest.log").open("ab")
    args = ["--port", str(port), "--bootstrap", bootstrap, "--topic", topic, "--secret", secret]
    popen = subprocess.Popen(
        [sys.executable, "-m", "bench.bare_ingest", *args], stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    wait_until(lambda: httpx.get(f"{url}/health").status_code == 200, 60, "bare ingest handler")
    return Process("bare-ingest", args, {}, workdir / "bare-ingest.log", popen), url


def _pid(process: Process) -> int:
    assert process.popen is not None
    return process.popen.pid


def measure_ingest(
    bootstrap: str, workdir: Path, closed_requests: int, open_seconds: float, rate: float
) -> dict[str, Any]:
    stack = new_stack(bootstrap, workdir, "ingest")
    bare: Process | None = None
    try:
        stack.start_sandboxes(erp_rate=ERP_SANDBOX_RATE)
        worker = stack.start_worker("ingest", None, **ERP_PACE)
        switches = {"order_import": {"enabled": True}}
        create_integrations(
            stack, worker, [{"id": INTEGRATION_ID, "automations": switches}], stack.shopify_url
        )
        alone = f"{stack.namespace}-alone"
        front = stack.start_worker("ingest-front", None, PONTE_FLOWS="false", PONTE_NAMESPACE=alone)
        create_integrations(stack, front, [{"id": INTEGRATION_ID}], stack.shopify_url)
        bare_topic = f"{stack.namespace}.bench.bare-ingest"
        asyncio.run(create_topic(bootstrap, bare_topic, 12))
        bare, bare_url = start_bare(bootstrap, bare_topic, stack.webhook_secret, stack.workdir)
        per_side = WARMUP + closed_requests + round(open_seconds * rate)
        hooks = signed_webhooks(per_side, "I", stack.shop_domain, stack.webhook_secret)
        path = f"/webhooks/shopify/{INTEGRATION_ID}"
        flows = {"flows": _pid(worker.process)}
        sides = [
            Side("bare", bare_url + path, {"receiver": _pid(bare)}, hooks, False),
            Side("worker", worker.url + path, flows, hooks, True),
            Side("ingest", front.url + path, {"receiver": _pid(front.process)}, hooks, False),
        ]
        orders = ORDERS.named(stack.namespace)

        async def drained(count: int) -> int:
            deadline = time.monotonic() + DRAIN_TIMEOUT_S
            return await wait_for_size(bootstrap, orders, count, deadline)

        figures = asyncio.run(_drive(sides, closed_requests, rate, drained))
        acknowledged = sum(
            figures[phase][side]["statuses"].get("200", 0)
            for phase in PHASES
            for side in ("worker", "ingest")
        )
        stored = sum(
            asyncio.run(topic_size(bootstrap, DELIVERIES.named(namespace)))
            for namespace in (stack.namespace, alone)
        )
        rejected = worker.metric("ponte_webhooks_rejected_total") + front.metric(
            "ponte_webhooks_rejected_total"
        )
    finally:
        if bare is not None:
            bare.stop()
        stack.stop()
        delete_namespace_topics(bootstrap, f"{stack.namespace}-alone")
    return _figures(figures) | {
        "acknowledged": acknowledged,
        "stored": stored,
        "rejected": rejected,
        "lost": max(acknowledged - stored, 0),
        # A 503 whose record the broker still appended: the platform's retry is a duplicate
        # delivery, which the flows find by its order id.
        "stored_unacknowledged": max(stored - acknowledged, 0),
        "namespace": stack.namespace,
    }


def _figures(figures: dict[str, dict[str, Any]]) -> dict[str, Any]:
    closed = figures["closed"]
    bare_per_s = closed["bare"]["per_s"]
    return {
        "what": "signed Shopify orders/create POST -> 200 after Kafka acks (acks=all)",
        "bare": closed["bare"],
        "worker": closed["worker"],
        "ingest": closed["ingest"],
        "worker_over_bare": share(closed["worker"]["per_s"], bare_per_s),
        "ingest_over_bare": share(closed["ingest"]["per_s"], bare_per_s),
        "open_loop": figures["open_loop"],
    }


async def _drive(
    sides: Sequence[Side],
    closed_requests: int,
    rate: float,
    drained: Callable[[int], Awaitable[int]],
) -> dict[str, dict[str, Any]]:
    """Warm-up, closed loop and open loop on each side in turn."""
    figures: dict[str, dict[str, Any]] = {phase: {} for phase in PHASES}
    translated = 0
    for side in sides:
        warm = side.webhooks[:WARMUP]
        closed = side.webhooks[WARMUP : WARMUP + closed_requests]
        opened = side.webhooks[WARMUP + closed_requests :]
        figures["warmup"][side.name] = await closed_loop(side.url, warm, 10)
        figures["closed"][side.name] = await _closed_with_cpu(side, closed)
        if side.translated:
            translated += sum(figures[p][side.name]["statuses"].get("200", 0) for p in PHASES[:2])
            figures["closed"][side.name]["translated_before_open_loop"] = await drained(translated)
        figures["open_loop"][side.name] = await open_loop_acks(side.url, opened, rate)
        if side.translated:
            translated += figures["open_loop"][side.name]["statuses"].get("200", 0)
            await drained(translated)  # the next side starts with the flows idle
    return figures


async def _closed_with_cpu(side: Side, webhooks: Sequence[Webhook]) -> dict[str, Any]:
    """The closed loop, with the CPU milliseconds per accepted request of each counted process
    (robust to a busy host where the rate is not: it is the work the request costs)."""
    before = cpu_snapshot(side.pids)
    figures = await closed_loop(side.url, webhooks, CONCURRENCY)
    after = cpu_snapshot(side.pids)
    accepted = figures["accepted"] or None
    cpu_ms = {
        name: round((end - start) * 1000 / accepted, 3)
        if start is not None and end is not None and accepted
        else None
        for name, start, end in ((n, before[n], after.get(n)) for n in side.pids)
    }
    return figures | {"cpu_ms_per_request": cpu_ms}
