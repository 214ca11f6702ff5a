"""Request budgets: how fast we may call one platform account.

One ``RateBudget`` per account (``budget_for``), shared by every client of that account in this
worker. Across workers the account's rate is divided by ``share`` (the number of workers that
hold partitions of the integration), and platforms that report their bucket in response headers
(Shopify, Nuvemshop) correct our estimate on every answer, so all workers see the same level.
A 429 stops the whole account until its Retry-After has passed.

Live traffic (orders, stock) goes before bulk work (imports): while a live call waits, bulk
calls wait behind it, and bulk may never use the last ``live_reserve`` of the bucket.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from enum import IntEnum

from prometheus_client import Counter

# Defined here, not in engine.metrics: connectors never import the engine. The engine's
# /metrics page serves the default registry, these included.
RATE_LIMIT_WAITS = Counter(
    "ponte_rate_limit_waits_total",
    "Calls that had to wait for their platform account's request budget.",
    ["platform"],
)
RATE_LIMIT_WAIT_SECONDS = Counter(
    "ponte_rate_limit_wait_seconds_total",
    "Time calls spent waiting for their platform account's request budget.",
    ["platform"],
)
RATE_LIMITED = Counter(
    "ponte_rate_limited_total",
    "429 answers that stopped a platform account until its Retry-After.",
    ["platform"],
)


class Lane(IntEnum):
    LIVE = 0
    BULK = 1


class TokenBucket:
    """``rate`` tokens per second, at most ``capacity`` saved up; one request costs one token."""

    def __init__(
        self, rate: float, capacity: float, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if rate <= 0 or capacity < 1:
            raise ValueError("rate must be positive and capacity at least 1")
        self.rate = rate
        self.capacity = capacity
        self._clock = clock
        self._tokens = capacity
        self._stamp = clock()

    @property
    def tokens(self) -> float:
        self._refill()
        return self._tokens

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def reserve(self) -> float:
        """Take a token now, possibly on credit; return how long to wait before using it."""
        self._refill()
        self._tokens -= 1
        return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def try_take(self, floor: float = 0.0) -> float | None:
        """Take a token if one is there above ``floor`` (None); else return the wait."""
        self._refill()
        if self._tokens >= 1 + floor:
            self._tokens -= 1
            return None
        return (1 + floor - self._tokens) / self.rate

    def set_level(self, tokens: float) -> None:
        """Align with the platform's own account of what is left."""
        self._refill()
        self._tokens = max(-self.capacity, min(self.capacity, tokens))

    def set_rate(self, rate: float) -> None:
        self._refill()
        self.rate = rate


class RateBudget:
    """The budget of one platform account as this worker sees it."""

    def __init__(
        self,
        rate: float,
        burst: float,
        *,
        share: int = 1,
        live_reserve: float = 0.25,
        clock: Callable[[], float] = time.monotonic,
        platform: str = "unknown",
    ) -> None:
        self.account_rate = rate
        self.platform = platform
        self._clock = clock
        self._bucket = TokenBucket(rate / share, burst, clock=clock)
        self._blocked_until = 0.0
        self._live_waiting = 0
        self._reserve = burst * live_reserve

    def set_share(self, workers: int) -> None:
        """Split the account's rate between ``workers`` workers."""
        self._bucket.set_rate(self.account_rate / max(1, workers))

    def observe(self, remaining: float) -> None:
        """The platform said how many calls are left in its bucket."""
        self._bucket.set_level(remaining)

    def penalize(self, retry_after: float) -> None:
        """After a 429: nobody calls this account before ``retry_after`` seconds have passed."""
        self._blocked_until = max(self._blocked_until, self._clock() + retry_after)
        self._bucket.set_level(0)
        RATE_LIMITED.labels(self.platform).inc()

    async def acquire(self, lane: Lane = Lane.LIVE) -> None:
        """Wait until one call may be made in ``lane``."""
        if lane is Lane.LIVE:
            self._live_waiting += 1
        waited = 0.0
        try:
            while True:
                blocked = self._blocked_until - self._clock()
                if blocked > 0:
                    waited += blocked
                    await asyncio.sleep(blocked)
                    continue
                if lane is Lane.BULK and self._live_waiting:
                    waited += 0.01
                    await asyncio.sleep(0.01)
                    continue
                wait = self._bucket.try_take(self._reserve if lane is Lane.BULK else 0.0)
                if wait is None:
                    return
                waited += wait
                await asyncio.sleep(wait)
        finally:
            if lane is Lane.LIVE:
                self._live_waiting -= 1
            if waited:
                RATE_LIMIT_WAITS.labels(self.platform).inc()
                RATE_LIMIT_WAIT_SECONDS.labels(self.platform).inc(waited)


_BUDGETS: dict[str, RateBudget] = {}
_WORKERS = 1


def budget_for(account: str, rate: float, burst: float) -> RateBudget:
    """The one budget of ``account`` (e.g. "shopify:loja.myshopify.com") in this worker."""
    budget = _BUDGETS.get(account)
    if budget is None:
        platform = account.split(":", 1)[0]
        budget = _BUDGETS[account] = RateBudget(rate, burst, share=_WORKERS, platform=platform)
    return budget


def share_between(workers: int) -> None:
    """Every account's rate is split between ``workers`` workers from now on (after a rebalance)."""
    global _WORKERS
    _WORKERS = max(1, workers)
    for budget in _BUDGETS.values():
        budget.set_share(_WORKERS)
