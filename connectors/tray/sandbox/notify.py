"""Delivers notifications as Tray does: a form-encoded POST per registered URL; anything but
200 is a failure, retried later at growing intervals (the first retry ~30 min in production)."""

from __future__ import annotations

import asyncio
import contextlib
import time

import aiohttp
import orjson

from connectors.tray.sandbox.state import SandboxState

MAX_BACKOFF_STEPS = 10


async def deliver_due(state: SandboxState, session: aiohttp.ClientSession) -> None:
    for delivery in state.store.due(time.time()):
        fields = orjson.loads(delivery["fields"])
        status: int | None = None
        error: str | None = None
        try:
            async with session.post(delivery["url"], data=fields) as response:
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = repr(exc)
        retry_at = None
        if status != 200:
            step = min(int(delivery["attempts"]), MAX_BACKOFF_STEPS)
            retry_at = time.time() + state.config.retry_base * 2**step
        state.store.record_attempt(int(delivery["id"]), status, error, retry_at)


async def run_dispatcher(state: SandboxState) -> None:
    """Send due deliveries; sleep until the next one is due or a new one is queued."""
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        while True:
            state.wake.clear()
            await deliver_due(state, session)
            next_due = state.store.next_due()
            wait = None if next_due is None else max(next_due - time.time(), 0.01)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(state.wake.wait(), timeout=wait)
