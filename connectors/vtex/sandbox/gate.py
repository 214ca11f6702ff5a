"""What stands before every API call: which account, which credentials, which API's limit,
and the faults a test asked for (429 for N calls, 423 on inventory for N calls)."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web

from connectors.vtex.sandbox.config import ApiLimit
from connectors.vtex.sandbox.state import STATE

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Bucket:
    limit: ApiLimit
    tokens: float = -1.0
    stamp: float = field(default_factory=time.monotonic)

    def take(self) -> float:
        """0 when a call may pass, else the seconds until one may."""
        now = time.monotonic()
        if self.tokens < 0:
            self.tokens = self.limit.burst
        self.tokens = min(
            self.limit.burst, self.tokens + (now - self.stamp) * self.limit.per_second
        )
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.limit.per_second


@dataclass
class Faults:
    rate_limited_calls: int = 0
    retry_after: float = 1.0
    locked_calls: int = 0
    throttled: int = 0  # 429s answered, for the control endpoint


def api_of(path: str) -> str | None:
    if path.startswith("/api/catalog"):
        return "catalog"
    if path.startswith(("/api/oms", "/api/orders")):
        return "oms"
    if path.startswith("/api/logistics"):
        return "logistics"
    if "/pricing/" in path:
        return "pricing"
    return None


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response(
        {"error": {"code": str(status), "message": message}}, status=status, headers=headers
    )


@web.middleware
async def api_gate(request: web.Request, handler: Handler) -> web.StreamResponse:
    api = api_of(request.path)
    if api is None:
        return await handler(request)
    state = request.app[STATE]
    config = state.config
    account = (
        request.match_info.get("account") or request.query.get("an") or request.host.split(".")[0]
    )
    if account != config.account:
        return _error(404, f"Store not found: {account}")  # real answer UNCONFIRMED
    if (
        request.headers.get("X-VTEX-API-AppKey") not in (config.app_key, config.roleless_app_key)
        or request.headers.get("X-VTEX-API-AppToken") != config.app_token
    ):
        return _error(401, "Unauthorized")
    if (
        config.roleless_app_key
        and request.headers.get("X-VTEX-API-AppKey") == config.roleless_app_key
    ):
        return _error(403, "Forbidden: the app key's roles lack this resource")
    faults = state.faults
    if faults.rate_limited_calls > 0:
        faults.rate_limited_calls -= 1
        faults.throttled += 1
        return _throttled(faults.retry_after, api)
    wait = state.buckets[api].take()
    if wait > 0:
        faults.throttled += 1
        return _throttled(wait, api)
    if api == "logistics" and request.method == "PUT" and faults.locked_calls > 0:
        faults.locked_calls -= 1
        sku, warehouse = request.match_info.get("sku"), request.match_info.get("warehouse")
        return _error(
            423, f"Unable to acquire lock for key {config.account}_item_logistics_{sku}_{warehouse}"
        )
    return await handler(request)


def _throttled(wait: float, api: str) -> web.Response:
    seconds = max(math.ceil(wait * 10) / 10, 0.1)
    headers = {"Retry-After": f"{seconds:g}"}
    if api == "pricing":
        headers.update({"Ratelimit-Remaining": "0", "Ratelimit-Reset": f"{seconds:g}"})
    return _error(429, "Too Many Requests", headers)


@web.middleware
async def delay_gate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A slow platform, when a test asks for one (``/_sandbox/faults`` ``delay``)."""
    delay = request.app[STATE].response_delay
    if delay > 0 and api_of(request.path) is not None:
        await asyncio.sleep(delay)
    return await handler(request)
