"""Nuvemshop's leaky bucket as the client sees it: 40 calls, leaking 2 per second per store and
app, reported on every answer by `x-rate-limit-limit/remaining/reset` (reset in milliseconds
until the bucket is empty)."""

from __future__ import annotations

import httpx

from connectors.budget import RateBudget, budget_for
from connectors.errors import parse_retry_after

BUCKET_SIZE = 40
LEAK_PER_SECOND = 2.0


def store_budget(store_id: str) -> RateBudget:
    """The one budget of a store in this worker (the bucket is per store and app)."""
    return budget_for(f"nuvemshop:{store_id}", rate=LEAK_PER_SECOND, burst=BUCKET_SIZE)


def remaining_calls(response: httpx.Response) -> float | None:
    """Calls left before the bucket is full, as the platform counts them."""
    value = response.headers.get("x-rate-limit-remaining")
    try:
        return None if value is None else float(value)
    except ValueError:
        return None


def seconds_per_call(response: httpx.Response) -> float | None:
    """How long the bucket takes to leak one call, read from `reset` over the calls held."""
    try:
        limit = float(response.headers["x-rate-limit-limit"])
        remaining = float(response.headers["x-rate-limit-remaining"])
        reset_ms = float(response.headers["x-rate-limit-reset"])
    except (KeyError, ValueError):
        return None
    held = limit - remaining
    if held <= 0 or reset_ms <= 0:
        return None
    return reset_ms / 1000.0 / held


def retry_after_429(response: httpx.Response) -> float:
    """How long to wait after a 429: Retry-After when sent (not documented for Nuvemshop),
    else the time the bucket needs to leak one call, else one leak period."""
    explicit = parse_retry_after(response.headers.get("retry-after"))
    if explicit is not None:
        return explicit
    per_call = seconds_per_call(response)
    return per_call if per_call is not None else 1.0 / LEAK_PER_SECOND
