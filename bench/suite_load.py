"""HTTP load for the ingest benchmark, from the suite's own process with aiohttp's client.

Closed loop: ``concurrency`` senders post the webhooks as fast as answers come (the most a
receiver takes). Open loop: one post every 1/rate s whatever the answers (acknowledgement
latency at a given rate, as platforms send). The same load against the worker and the bare
handler, so the client's own cost is the same on both sides.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

import aiohttp

from bench.orders import Webhook
from bench.schedule import open_loop
from bench.stats import distribution


async def _post(session: aiohttp.ClientSession, url: str, webhook: Webhook) -> tuple[str, float]:
    started = time.monotonic()
    try:
        async with session.post(url, data=webhook.body, headers=webhook.headers) as response:
            await response.read()
            status = str(response.status)
    except (aiohttp.ClientError, TimeoutError) as exc:
        status = type(exc).__name__
    return status, (time.monotonic() - started) * 1000


def _session(connections: int) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(limit=connections, force_close=False)
    return aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30))


async def closed_loop(url: str, webhooks: Sequence[Webhook], concurrency: int) -> dict[str, Any]:
    """Post every webhook with ``concurrency`` in flight; accepted requests per second."""
    statuses: Counter[str] = Counter()
    queue = iter(webhooks)
    async with _session(concurrency) as session:

        async def sender() -> None:
            for webhook in queue:  # one shared iterator: each webhook is posted once
                status, _ = await _post(session, url, webhook)
                statuses[status] += 1

        started = time.monotonic()
        await asyncio.gather(*(sender() for _ in range(concurrency)))
        wall = time.monotonic() - started
    accepted = statuses.get("200", 0)
    return {
        "requests": len(webhooks),
        "concurrency": concurrency,
        "accepted": accepted,
        "statuses": dict(statuses),
        "wall_s": round(wall, 2),
        "per_s": round(accepted / wall, 1) if wall > 0 else None,
    }


async def open_loop_acks(url: str, webhooks: Sequence[Webhook], rate: float) -> dict[str, Any]:
    """Post at ``rate``/s on a fixed schedule; acknowledgement latency of the accepted ones."""
    tasks: list[asyncio.Task[tuple[str, float]]] = []
    async with _session(1000) as session:
        lateness = await open_loop(
            len(webhooks),
            rate,
            lambda i: tasks.append(asyncio.create_task(_post(session, url, webhooks[i]))),
        )
        answers = await asyncio.gather(*tasks)
    statuses = Counter(status for status, _ in answers)
    return distribution([ms for status, ms in answers if status == "200"]) | {
        "rate_per_s": rate,
        "requests": len(webhooks),
        "statuses": dict(statuses),
        "send_lateness_ms": distribution(lateness),
    }
