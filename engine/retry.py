"""How long to wait before trying a transient failure again."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from connectors.errors import Retryable

T = TypeVar("T")


def backoff_delay(
    attempt: int, *, base: float, cap: float, retry_after: float | None = None, jitter: float = 0.2
) -> float:
    """Seconds before attempt ``attempt + 1``: exponential with jitter, never shorter than Retry-After."""
    exponential = min(cap, base * 2.0 ** min(attempt - 1, 60))
    spread = exponential * jitter * (2 * random.random() - 1)
    delay = max(0.0, exponential + spread)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay


async def call_with_retries(
    call: Callable[[], Awaitable[T]],
    *,
    attempts: int,
    base: float,
    cap: float,
    on_retry: Callable[[Retryable, int, float], None] | None = None,
) -> T:
    """Run ``call``; on Retryable wait (honouring its retry_after) and try again, up to ``attempts``.

    The last Retryable is raised with ``attempts`` recorded on it.
    """
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except Retryable as exc:
            if attempt == attempts:
                exc.attempts = attempt  # type: ignore[attr-defined]
                raise
            delay = backoff_delay(attempt, base=base, cap=cap, retry_after=exc.retry_after)
            if on_retry is not None:
                on_retry(exc, attempt, delay)
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")
