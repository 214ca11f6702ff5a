"""End to end: signed Shopify webhook -> sales order in the ERP sandbox, at half the maximum
sustainable rate, against a bare Kafka round trip at the same rate on the same broker.

The maximum is found first, briefly: short open-loop rounds at doubling rates until one is not
sustained (see ``sustained``). Rounds reuse ``bench.ponte``'s delivery, wait and report; each
round's orders have their own names and ids, so no round's order is taken for another's.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import httpx

from bench.baseline import measure_baseline
from bench.flow_engine import create_integrations
from bench.flows import new_stack
from bench.order_latency import ERP_REQUESTS_PER_SECOND, ERP_SANDBOX_RATE
from bench.orders import FIRST_ID, signed_webhooks
from bench.ponte import _deliver_all, _report, _wait_for_erp
from bench.suite_figures import share
from tests.harness import Stack, Worker

INTEGRATION_ID = "bench-e2e"
IDS_PER_ROUND = 10**8
FIRST_RATE = 5.0  # orders/s; doubled each round
MAX_P99_MS = 1000.0  # past this the queue grew during the round: the rate was not kept up


def sustained(report: dict[str, Any], rate: float) -> bool:
    """A rate is sustained when every order arrived once, at >= 90% of the offered rate, and no
    queue built up (p99 under a second)."""
    latency = report.get("latency_ms", {})
    return (
        report.get("lost") == 0
        and report.get("duplicated") == 0
        and not report.get("deliveries_refused")
        and (report.get("throughput_per_s") or 0) >= 0.9 * rate
        and latency.get("count", 0) > 0
        and latency["p99"] <= MAX_P99_MS
    )


def rate_ladder(start: float, ceiling: float) -> list[float]:
    """start, 2*start, 4*start ... up to ``ceiling``."""
    rates, rate = [], start
    while rate <= ceiling:
        rates.append(rate)
        rate *= 2
    return rates


class Rounds:
    """Open-loop rounds against one worker; each round's orders numbered apart."""

    def __init__(self, stack: Stack, worker: Worker) -> None:
        self.stack, self.worker = stack, worker
        self.url = f"{worker.url}/webhooks/shopify/{INTEGRATION_ID}"
        self.delivered = 0
        self.index = 0

    async def run(self, rate: float, seconds: float, timeout: float) -> dict[str, Any]:
        self.index += 1
        count = max(int(rate * seconds), 1)
        webhooks = signed_webhooks(
            count,
            f"E{self.index}N",
            self.stack.shop_domain,
            self.stack.webhook_secret,
            FIRST_ID + self.index * IDS_PER_ROUND,
        )
        limits = httpx.Limits(max_connections=500, max_keepalive_connections=500)
        async with httpx.AsyncClient(limits=limits, timeout=30) as client:
            acks, lateness = await _deliver_all(client, self.url, webhooks, rate, timeout)
            self.delivered += count
            deadline = time.monotonic() + timeout
            await _wait_for_erp(self.stack.erp_url, self.delivered, deadline)
            erp = (await client.get(f"{self.stack.erp_url}/_sandbox/orders")).json()["orders"]
        report = _report(acks, [], erp, lateness, self.worker)
        report.pop("unexpected_erp_orders")  # the other rounds' orders
        return report | {"rate_per_s": rate, "seconds": seconds}


def measure_end_to_end(
    bootstrap: str,
    workdir: Path,
    round_seconds: float,
    measured_seconds: float,
    ceiling: float,
    timeout: float,
) -> dict[str, Any]:
    stack = new_stack(bootstrap, workdir, "e2e")
    try:
        stack.start_sandboxes(erp_rate=ERP_SANDBOX_RATE)
        worker = stack.start_worker(PONTE_ERP_REQUESTS_PER_SECOND=str(ERP_REQUESTS_PER_SECOND))
        switches = {"order_import": {"enabled": True}}
        create_integrations(
            stack, worker, [{"id": INTEGRATION_ID, "automations": switches}], stack.shopify_url
        )
        rounds = Rounds(stack, worker)
        asyncio.run(rounds.run(10, 2, timeout))  # warm-up: connections, views, the ERP client
        ladder, best = [], None
        for rate in rate_ladder(FIRST_RATE, ceiling):
            report = asyncio.run(rounds.run(rate, round_seconds, timeout))
            ladder.append(_rung(report, rate))
            if not sustained(report, rate):
                break
            best = rate
        if best is None:
            raise RuntimeError(f"not even {FIRST_RATE}/s was sustained: {ladder}")
        if not ladder[-1]["sustained"]:  # one step between the last kept rate and the first not
            report = asyncio.run(rounds.run(best * 1.5, round_seconds, timeout))
            ladder.append(_rung(report, best * 1.5))
            best = best * 1.5 if ladder[-1]["sustained"] else best
        half = best / 2
        measured = asyncio.run(rounds.run(half, measured_seconds, timeout))
    finally:
        stack.stop()
    count = max(int(half * measured_seconds), 1)
    kafka = asyncio.run(measure_baseline(bootstrap, count, half, 20, timeout))
    return {
        "what": "signed Shopify orders/create webhook -> ERP sandbox sales order created",
        "ladder": ladder,
        "max_sustainable_per_s": best,
        "measured_rate_per_s": half,
        "measured": measured,
        "kafka_round_trip": kafka,
        "p99_over_kafka_round_trip": share(
            measured["latency_ms"].get("p99"), kafka["latency_ms"].get("p99")
        ),
        "namespace": stack.namespace,
    }


def _rung(report: dict[str, Any], rate: float) -> dict[str, Any]:
    latency = report["latency_ms"]
    return {
        "rate_per_s": rate,
        "achieved_per_s": report["throughput_per_s"],
        "p50_ms": latency.get("p50"),
        "p99_ms": latency.get("p99"),
        "lost": report["lost"],
        "duplicated": report["duplicated"],
        "sustained": sustained(report, rate),
    }
