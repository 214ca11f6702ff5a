"""Webhook ingest: a real worker's Shopify endpoint against a bare aiohttp handler producing to
Kafka (``bench.bare_ingest``), on the same broker, with the same signed deliveries and client.

The worker runs as in production: its integration has order_import on, so its flows translate
what it stores and send it to the ERP (unthrottled, see ``bench.suite_backlog.ERP_PACE``) while
it answers. Every acknowledged
delivery must be on the deliveries topic afterwards: lost = acknowledged - stored.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from bench.flow_engine import ERP_SANDBOX_RATE, create_integrations
from bench.flow_kafka import create_topic, topic_size, wait_for_size
from bench.flows import new_stack
from bench.orders import Webhook, signed_webhooks
from bench.suite_backlog import ERP_PACE
from bench.suite_figures import share
from bench.suite_load import closed_loop, open_loop_acks
from tests.harness import Process, free_port, wait_until
from topics.registry import DELIVERIES, ORDERS

INTEGRATION_ID = "bench-ingest"
WARMUP = 200
CONCURRENCY = 50
DRAIN_TIMEOUT_S = 300.0


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
        bare_topic = f"{stack.namespace}.bench.bare-ingest"
        asyncio.run(create_topic(bootstrap, bare_topic, 12))
        bare, bare_url = start_bare(bootstrap, bare_topic, stack.webhook_secret, stack.workdir)
        opened = round(open_seconds * rate)
        webhooks = signed_webhooks(
            WARMUP + closed_requests + opened, "I", stack.shop_domain, stack.webhook_secret
        )
        urls = {
            "bare": f"{bare_url}/webhooks/shopify/{INTEGRATION_ID}",
            "worker": f"{worker.url}/webhooks/shopify/{INTEGRATION_ID}",
        }
        orders = ORDERS.named(stack.namespace)

        async def drained(count: int) -> int:
            deadline = time.monotonic() + DRAIN_TIMEOUT_S
            return await wait_for_size(bootstrap, orders, count, deadline)

        figures = asyncio.run(_drive(urls, webhooks, closed_requests, rate, drained))
        acknowledged = sum(
            part["worker"]["statuses"].get("200", 0)
            for part in (figures["warmup"], figures["closed"], figures["open_loop"])
        )
        stored = asyncio.run(topic_size(bootstrap, DELIVERIES.named(stack.namespace)))
        rejected = worker.metric("ponte_webhooks_rejected_total")
    finally:
        if bare is not None:
            bare.stop()
        stack.stop()
    closed = figures["closed"]
    return {
        "what": "signed Shopify orders/create POST -> 200 after Kafka acks (acks=all)",
        "bare": closed["bare"],
        "worker": closed["worker"],
        "worker_over_bare": share(closed["worker"]["per_s"], closed["bare"]["per_s"]),
        "open_loop": figures["open_loop"],
        "worker_acknowledged": acknowledged,
        "worker_stored": stored,
        "worker_rejected": rejected,
        "lost": max(acknowledged - stored, 0),
        # A 503 whose record the broker still appended: the platform's retry is a duplicate
        # delivery, which the flows find by its order id.
        "stored_unacknowledged": max(stored - acknowledged, 0),
        "namespace": stack.namespace,
    }


async def _drive(
    urls: dict[str, str],
    webhooks: list[Webhook],
    closed_requests: int,
    rate: float,
    drained: Callable[[int], Awaitable[int]],
) -> dict[str, dict[str, Any]]:
    """Warm-up, closed loop and open loop on each side; before the worker's open loop its flows
    finish translating the closed loop's deliveries, so the open loop starts from idle."""
    warm = webhooks[:WARMUP]
    closed = webhooks[WARMUP : WARMUP + closed_requests]
    opened = webhooks[WARMUP + closed_requests :]
    figures: dict[str, dict[str, Any]] = {"warmup": {}, "closed": {}, "open_loop": {}}
    for side, url in urls.items():
        figures["warmup"][side] = await closed_loop(url, warm, 10)
        figures["closed"][side] = await closed_loop(url, closed, CONCURRENCY)
        if side == "worker":
            accepted = sum(figures[p][side]["statuses"].get("200", 0) for p in ("warmup", "closed"))
            figures["closed"][side]["translated_before_open_loop"] = await drained(accepted)
        figures["open_loop"][side] = await open_loop_acks(url, opened, rate)
    return figures
