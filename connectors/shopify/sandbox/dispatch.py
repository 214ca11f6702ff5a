"""Sends queued webhook deliveries the way Shopify does: signed POST, 5 s budget, retries with
exponential backoff, the same Webhook-Id and Event-Id on every retry."""

from __future__ import annotations

import asyncio
import contextlib
import time

import aiohttp

from connectors.shopify.sandbox.config import SandboxConfig
from connectors.shopify.sandbox.outbox import Delivery, Outbox, retry_delay
from connectors.shopify.webhooks import (
    API_VERSION_HEADER,
    EVENT_ID_HEADER,
    HMAC_HEADER,
    SHOP_DOMAIN_HEADER,
    TOPIC_HEADER,
    TRIGGERED_AT_HEADER,
    WEBHOOK_ID_HEADER,
    sign,
)

IDLE_WAIT = 60.0  # longest nap when nothing is queued; enqueue() wakes the loop anyway


def delivery_headers(delivery: Delivery, shop_domain: str, secret: str) -> dict[str, str]:
    """The headers of one HTTPS delivery, the HMAC over the exact body bytes."""
    return {
        "Content-Type": "application/json",
        TOPIC_HEADER: delivery.topic,
        SHOP_DOMAIN_HEADER: shop_domain,
        WEBHOOK_ID_HEADER: delivery.webhook_id,
        EVENT_ID_HEADER: delivery.event_id,
        HMAC_HEADER: sign(secret, delivery.body),
        API_VERSION_HEADER: delivery.api_version,
        TRIGGERED_AT_HEADER: delivery.triggered_at,
    }


class WebhookDispatcher:
    """Background loop: picks due deliveries from the outbox and POSTs them."""

    def __init__(self, outbox: Outbox, config: SandboxConfig) -> None:
        self._outbox = outbox
        self._config = config
        self._wake = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()

    def wake(self) -> None:
        """Look at the outbox now (something was queued or re-queued)."""
        self._wake.set()

    async def run(self) -> None:
        timeout = aiohttp.ClientTimeout(
            total=self._config.delivery_timeout, sock_connect=self._config.connect_timeout
        )
        async with aiohttp.ClientSession(timeout=timeout) as session:
            try:
                while True:
                    self._start_due(session)
                    await self._nap()
            finally:
                for task in self._tasks:
                    task.cancel()
                await asyncio.gather(*self._tasks, return_exceptions=True)

    def _start_due(self, session: aiohttp.ClientSession) -> None:
        now = time.time()
        # Lease each delivery past its timeout: a crash mid-send leaves it due again later.
        lease = now + self._config.delivery_timeout + 1.0
        for delivery in self._outbox.due(now):
            self._outbox.lease(delivery.webhook_id, lease)
            task = asyncio.create_task(self._attempt(session, delivery))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _nap(self) -> None:
        next_at = self._outbox.next_due_at()
        wait = IDLE_WAIT if next_at is None else min(max(next_at - time.time(), 0.0), IDLE_WAIT)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=wait)
        self._wake.clear()

    async def _attempt(self, session: aiohttp.ClientSession, delivery: Delivery) -> None:
        headers = delivery_headers(delivery, self._config.shop_domain, self._config.webhook_secret)
        status: int | None = None
        error: str | None = None
        try:
            async with session.post(delivery.address, data=delivery.body, headers=headers) as resp:
                status = resp.status
                await resp.read()
        except (TimeoutError, aiohttp.ClientError) as exc:
            error = repr(exc)
        failed = status is None or not 200 <= status < 300
        self._outbox.record_attempt(
            delivery.webhook_id, status, error, self._next_attempt(delivery) if failed else None
        )
        self.wake()

    def _next_attempt(self, delivery: Delivery) -> float | None:
        failures = delivery.attempts + 1
        if failures > self._config.max_retries:
            return None
        return time.time() + retry_delay(failures, self._config.retry_base)
