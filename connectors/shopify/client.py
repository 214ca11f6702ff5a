"""Shopify Admin REST client: auth header, error table, leaky-bucket pacing, Link pagination."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from connectors.errors import (
    AuthError,
    ConfigError,
    ConnectorError,
    NotFound,
    Permanent,
    RateLimited,
    Retryable,
    parse_retry_after,
)
from connectors.shopify.settings import ShopifySettings

ACCESS_TOKEN_HEADER = "X-Shopify-Access-Token"
CALL_LIMIT_HEADER = "X-Shopify-Shop-Api-Call-Limit"
DEFAULT_RETRY_AFTER = 1.0  # what Shopify's own client waits when a 429 has no Retry-After
MAX_PAGE_SIZE = 250
ASSUMED_BUCKET_SIZE = 40  # Standard plan; used only if Shopify never sent the header

ERRORS_BY_STATUS: Mapping[int, type[ConnectorError]] = {
    401: AuthError,
    402: ConfigError,  # shop frozen / unpaid
    403: ConfigError,  # the app lacks a scope
    404: NotFound,
    422: Permanent,
    429: RateLimited,
}


def error_for(response: httpx.Response) -> ConnectorError | None:
    """The error an HTTP answer means for the engine, or None for a success."""
    status = response.status_code
    if status < 400:
        return None
    kind = ERRORS_BY_STATUS.get(status, Retryable if status >= 500 else Permanent)
    reason = f"Shopify {response.request.method} {response.request.url.path} failed"
    if issubclass(kind, Retryable):
        wait = parse_retry_after(response.headers.get("Retry-After"))
        if kind is RateLimited and wait is None:
            wait = DEFAULT_RETRY_AFTER
        return kind(reason, retry_after=wait, status=status, body=response.text)
    return kind(reason, status=status, body=response.text)


def parse_call_limit(value: str | None) -> tuple[int, int] | None:
    """`X-Shopify-Shop-Api-Call-Limit: used/size` as (used, size); None when absent or odd."""
    if not value:
        return None
    used, _, size = value.partition("/")
    try:
        return int(used), int(size)
    except ValueError:
        return None


def pacing_wait(level: float, size: int, leak_rate: float, headroom: int = 1) -> float:
    """Seconds to wait so that one more call leaves ``headroom`` free slots in the bucket."""
    ceiling = max(size - headroom, 1)
    excess = level + 1 - ceiling
    return max(excess / leak_rate, 0.0)


def next_page_url(response: httpx.Response) -> str | None:
    """The `rel="next"` URL of Shopify's `Link` header (it carries `page_info`); None at the end."""
    link = response.links.get("next")
    return link.get("url") if link else None


@dataclass
class _Bucket:
    """Our estimate of the shop's leaky bucket, corrected by every response's call-limit header."""

    level: float = 0.0
    size: int | None = None  # unknown until the first response says `used/size`
    at: float = 0.0

    def current(self, now: float, leak_rate: float) -> float:
        return max(self.level - (now - self.at) * leak_rate, 0.0)


class ShopifyClient:
    """The subset of the Admin REST API the engine uses, for one store."""

    def __init__(
        self,
        settings: ShopifySettings,
        *,
        client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        leak_rate: float = 2.0,
        max_rate_limit_retries: int = 3,
    ) -> None:
        self.settings = settings
        self._api = f"{settings.origin}/admin/api/{settings.api_version}"
        self._owns_client = client is None
        self._http = client or httpx.AsyncClient(transport=transport, timeout=30.0)
        self._leak_rate = leak_rate
        self._max_rate_limit_retries = max_rate_limit_retries
        self._bucket = _Bucket()
        self._pace_lock = asyncio.Lock()
        self._probe_sent = False
        self._probe_done = asyncio.Event()

    async def __aenter__(self) -> ShopifyClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._owns_client:
            await self._http.aclose()

    async def get_shop(self) -> dict[str, Any]:
        """The shop resource; the "test connection" call."""
        return dict((await self._json("GET", "/shop.json"))["shop"])

    async def list_webhooks(self, **filters: str) -> list[dict[str, Any]]:
        """This app's webhook subscriptions on the shop (filters: topic, address)."""
        return list((await self._json("GET", "/webhooks.json", params=filters))["webhooks"])

    async def register_webhook(self, topic: str, address: str) -> str:
        """Subscribe ``address`` to ``topic``; returns the existing subscription's id if any."""
        for webhook in await self.list_webhooks(topic=topic, address=address):
            if webhook["topic"] == topic and webhook["address"] == address:
                return str(webhook["id"])
        body = {"webhook": {"topic": topic, "address": address, "format": "json"}}
        created = await self._json("POST", "/webhooks.json", json=body)
        return str(created["webhook"]["id"])

    async def delete_webhook(self, webhook_id: str) -> None:
        await self._send("DELETE", f"/webhooks/{webhook_id}.json")

    async def get_order(self, order_id: str) -> dict[str, Any]:
        return dict((await self._json("GET", f"/orders/{order_id}.json"))["order"])

    async def create_order(self, order: Mapping[str, Any]) -> dict[str, Any]:
        created = await self._json("POST", "/orders.json", json={"order": dict(order)})
        return dict(created["order"])

    async def list_orders_since(
        self, updated_at_min: str, *, limit: int = MAX_PAGE_SIZE
    ) -> AsyncIterator[dict[str, Any]]:
        """Every order (any status) updated at or after ``updated_at_min``, across all pages."""
        params = {"status": "any", "limit": str(limit), "updated_at_min": updated_at_min}
        response = await self._send("GET", "/orders.json", params=params)
        while True:
            for order in orjson.loads(response.content)["orders"]:
                yield order
            url = next_page_url(response)
            if url is None:
                return
            response = await self._send("GET", url)  # later pages: the URL exactly as given

    async def _json(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
    ) -> dict[str, Any]:
        response = await self._send(method, path, params=params, json=json)
        decoded: dict[str, Any] = orjson.loads(response.content)
        return decoded

    async def _send(
        self,
        method: str,
        path_or_url: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
    ) -> httpx.Response:
        url = path_or_url if "://" in path_or_url else f"{self._api}{path_or_url}"
        content = orjson.dumps(json) if json is not None else None
        for attempt in range(self._max_rate_limit_retries + 1):
            await self._pace()
            response = await self._exchange(method, url, params, content)
            error = error_for(response)
            if error is None:
                return response
            if not isinstance(error, RateLimited) or attempt == self._max_rate_limit_retries:
                raise error
            # Someone else shares this app's bucket (another worker, a burst): honour Retry-After.
            await asyncio.sleep(error.retry_after or DEFAULT_RETRY_AFTER)
        raise AssertionError("unreachable")

    async def _exchange(
        self, method: str, url: str, params: Mapping[str, str] | None, content: bytes | None
    ) -> httpx.Response:
        headers = {
            ACCESS_TOKEN_HEADER: self.settings.admin_api_token.get_secret_value(),
            "Accept": "application/json",
        }
        if content is not None:
            headers["Content-Type"] = "application/json"
        try:
            response = await self._http.request(
                method, url, params=params, content=content, headers=headers
            )
        except httpx.TransportError as exc:  # timeouts, refused and reset connections
            raise Retryable(f"Shopify {method} {httpx.URL(url).path}: {exc!r}") from exc
        finally:
            self._probe_done.set()
        self._observe(response)
        return response

    async def _pace(self) -> None:
        """Wait until one more call fits in the bucket, then count it before it is sent."""
        async with self._pace_lock:
            if self._probe_sent:
                # The bucket's size is learnt from the first answer; burst only after it.
                await self._probe_done.wait()
            self._probe_sent = True
            size = self._bucket.size or ASSUMED_BUCKET_SIZE
            now = time.monotonic()
            level = self._bucket.current(now, self._leak_rate)
            wait = pacing_wait(level, size, self._leak_rate)
            if wait > 0:
                await asyncio.sleep(wait)
                now = time.monotonic()
                level = self._bucket.current(now, self._leak_rate)
            self._bucket.level, self._bucket.at = level + 1, now

    def _observe(self, response: httpx.Response) -> None:
        limit = parse_call_limit(response.headers.get(CALL_LIMIT_HEADER))
        if limit is not None:
            used, size = limit
            self._bucket.size = size
            now = time.monotonic()
            # Calls of ours still in flight are not in `used` yet; keep the higher estimate.
            self._bucket.level = max(float(used), self._bucket.current(now, self._leak_rate))
            self._bucket.at = now
