"""Ponte: signed Shopify `orders/create` webhooks -> sales orders in the ERP sandbox.

The stack is the integration tests' own (`tests.harness.Stack`): real `ponte` processes on the
real broker in a fresh namespace. Latency of an order is the ERP sandbox's creation time minus
the time its webhook was sent, both on the wall clock of this one machine.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import httpx

from bench.cpu import cpu_share, cpu_snapshot
from bench.orders import FIRST_ID, Webhook, signed_webhooks
from bench.schedule import open_loop
from bench.stats import distribution
from tests.harness import Stack, Worker

INTEGRATION_ID = "bench-shopify"
DELIVERY_ATTEMPTS = 3  # a refused delivery is sent again, as Shopify retries non-2xx
RETRY_PAUSE_S = 1.0
IDLE_GIVE_UP_S = 30.0  # the ERP gained no order for this long: stop waiting


@dataclass(frozen=True)
class Ack:
    """How one delivery went: when it was sent and what the engine answered."""

    number: str
    sent_ms: float  # wall clock, ms since the epoch
    ack_ms: float | None  # sent -> 200, monotonic; None when never acknowledged
    attempts: int
    last_status: str


def start_stack(stack: Stack, erp_rate: float, erp_requests_per_second: float) -> Worker:
    stack.start_sandboxes(erp_rate=erp_rate)
    worker = stack.start_worker(PONTE_ERP_REQUESTS_PER_SECOND=str(erp_requests_per_second))
    response = worker.api(
        "POST",
        "/api/v1/integrations",
        json={
            "id": INTEGRATION_ID,
            "platform": "shopify",
            "name": "Bench (Shopify)",
            "access": {
                "shop_domain": stack.shop_domain,
                "admin_api_token": stack.shopify_token,
                "webhook_secret": stack.webhook_secret,
                "base_url": stack.shopify_url,
            },
        },
    )
    if response.status_code != 201:
        raise RuntimeError(f"creating the integration: {response.status_code} {response.text}")
    return worker


async def measure_ponte(
    stack: Stack, worker: Worker, count: int, rate: float, warmup: int, timeout: float
) -> dict[str, Any]:
    """Deliver ``warmup`` unmeasured orders, then ``count`` orders at ``rate``/s, open loop."""
    url = f"{worker.url}/webhooks/shopify/{INTEGRATION_ID}"
    warm = signed_webhooks(warmup, "W", stack.shop_domain, stack.webhook_secret, FIRST_ID + 10**9)
    measured = signed_webhooks(count, "B", stack.shop_domain, stack.webhook_secret)
    limits = httpx.Limits(max_connections=500, max_keepalive_connections=500)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        if warm:
            await _deliver_all(client, url, warm, rate, timeout)
            await _wait_for_erp(stack.erp_url, warmup, time.monotonic() + timeout)
        pids = {p.name: p.popen.pid for p in stack.processes if p.popen} | {"bench": os.getpid()}
        cpu_before, started = cpu_snapshot(pids), time.monotonic()
        acks, lateness = await _deliver_all(client, url, measured, rate, timeout)
        await _wait_for_erp(stack.erp_url, warmup + count, started + timeout)
        cores = cpu_share(cpu_before, cpu_snapshot(pids), time.monotonic() - started)
        summary = (await client.get(f"{stack.erp_url}/_sandbox/orders")).json()["orders"]
    return _report(acks, warm, summary, lateness, worker) | {"cores_used": cores}


async def _deliver_all(
    client: httpx.AsyncClient, url: str, webhooks: list[Webhook], rate: float, timeout: float
) -> tuple[list[Ack], list[float]]:
    tasks: list[asyncio.Task[Ack]] = []

    def fire(i: int) -> None:
        tasks.append(asyncio.create_task(_deliver(client, url, webhooks[i])))

    lateness = await open_loop(len(webhooks), rate, fire)
    acks = await asyncio.wait_for(asyncio.gather(*tasks), timeout)
    return list(acks), lateness


async def _deliver(client: httpx.AsyncClient, url: str, webhook: Webhook) -> Ack:
    sent_ms, started = time.time_ns() / 1e6, time.monotonic()
    status = "unsent"
    for attempt in range(1, DELIVERY_ATTEMPTS + 1):
        try:
            response = await client.post(url, content=webhook.body, headers=webhook.headers)
            status = str(response.status_code)
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        if status == "200":
            return Ack(
                webhook.number, sent_ms, (time.monotonic() - started) * 1000, attempt, status
            )
        await asyncio.sleep(RETRY_PAUSE_S)
    return Ack(webhook.number, sent_ms, None, DELIVERY_ATTEMPTS, status)


async def _wait_for_erp(erp_url: str, expected: int, deadline: float) -> int:
    """Poll the sandbox's order count (a cheap query) until ``expected``, a stall or deadline."""
    last, last_change = -1, time.monotonic()
    async with httpx.AsyncClient(timeout=5) as client:
        while time.monotonic() < deadline:
            now = time.monotonic()
            try:
                count = int((await client.get(f"{erp_url}/_sandbox/health")).json()["orders"])
            except (httpx.HTTPError, ValueError, KeyError):
                count = last
            if count >= expected or now - last_change > IDLE_GIVE_UP_S:
                break
            if count != last:
                last, last_change = count, now
            await asyncio.sleep(0.2)
    await asyncio.sleep(1.0)  # a duplicate created right after the last order still shows
    return last


def _report(
    acks: list[Ack],
    warm: list[Webhook],
    erp_orders: list[dict[str, Any]],
    lateness: list[float],
    worker: Worker,
) -> dict[str, Any]:
    created: dict[str, float] = {}
    seen = Counter(str(order.get("numeroDaOrdemDeCompra")) for order in erp_orders)
    for order in sorted(erp_orders, key=lambda o: int(o["id"])):
        number, at = str(order.get("numeroDaOrdemDeCompra")), order.get("created_at_ms")
        if at is not None:
            created.setdefault(number, float(at))
    sent = {ack.number for ack in acks} | {webhook.number for webhook in warm}
    latencies = [created[a.number] - a.sent_ms for a in acks if a.number in created]
    first_sent = min((a.sent_ms for a in acks), default=0.0)
    span_s = (
        max((created[a.number] for a in acks if a.number in created), default=0.0) - first_sent
    ) / 1000
    return {
        "what": "signed Shopify orders/create webhook -> ERP sandbox sales order created",
        "orders": len(acks),
        "lost": sum(1 for number in sent if seen[number] == 0),
        "duplicated": sum(seen[number] - 1 for number in sent if seen[number] > 1),
        "unexpected_erp_orders": sum(n for number, n in seen.items() if number not in sent),
        "latency_ms": distribution(latencies),
        "ack_latency_ms": distribution([a.ack_ms for a in acks if a.ack_ms is not None]),
        "throughput_per_s": round(len(latencies) / span_s, 1) if span_s > 0 else None,
        "deliveries_retried": sum(1 for a in acks if a.attempts > 1),
        "deliveries_refused": Counter(a.last_status for a in acks if a.ack_ms is None),
        "send_lateness_ms": distribution(lateness),
        "dead_letters": worker.metric("ponte_dead_letters_total"),
        "erp_retries": worker.metric("ponte_retries_total"),
        "engine_end_to_end_mean_ms": _engine_mean_ms(worker, "ponte_order_end_to_end_seconds"),
    }


def _engine_mean_ms(worker: Worker, histogram: str) -> float | None:
    """The engine's own mean of a histogram (webhook received -> ERP order), warm-up included."""
    count = worker.metric(f"{histogram}_count")
    return round(worker.metric(f"{histogram}_sum") / count * 1000, 3) if count else None
