"""Shopify Admin REST over HTTP: auth header and token renewal, the account's request budget,
the error table, Link pagination.

Pacing: one ``connectors.budget.RateBudget`` per store (``budget_for``), sized from the plan in
the settings and corrected by every answer's ``X-Shopify-Shop-Api-Call-Limit: used/size``
(remaining = size - used, less our calls still in flight, which ``used`` may not count yet).
A 429 penalises the whole account for its Retry-After (1 s when absent, as Shopify's own client
does) and the call is retried, so a rate limit never loses the request.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson

from connectors.budget import Lane, RateBudget, budget_for
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
from connectors.shopify.auth import (
    TOKEN_PATH,
    OnTokens,
    ShopifyTokens,
    can_refresh,
    needs_refresh,
    refresh_form,
    tokens_from_answer,
    tokens_from_settings,
)
from connectors.shopify.settings import ShopifySettings

ACCESS_TOKEN_HEADER = "X-Shopify-Access-Token"
CALL_LIMIT_HEADER = "X-Shopify-Shop-Api-Call-Limit"
DEFAULT_RETRY_AFTER = 1.0  # what Shopify's own client waits when a 429 has no Retry-After
MAX_PAGE_SIZE = 250

ERRORS_BY_STATUS: Mapping[int, type[ConnectorError]] = {
    401: AuthError,
    402: ConfigError,  # shop frozen / unpaid
    403: ConfigError,  # the app lacks a scope
    404: NotFound,
    422: Permanent,
    429: RateLimited,
}

Params = Mapping[str, str]


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


def remaining_calls(value: str | None, in_flight: int) -> int | None:
    """Calls left in the shop's bucket after our ``in_flight`` ones land; None without header."""
    limit = parse_call_limit(value)
    if limit is None:
        return None
    used, size = limit
    return max(size - used - in_flight, 0)


def next_page_url(response: httpx.Response) -> str | None:
    """The `rel="next"` URL of Shopify's `Link` header (it carries `page_info`); None at the end."""
    link = response.links.get("next")
    return link.get("url") if link else None


def store_budget(settings: ShopifySettings) -> RateBudget:
    """The one budget of this store's Admin API in this worker; one slot kept free."""
    account = f"shopify:{settings.origin}"
    return budget_for(account, settings.leak_rate, settings.bucket - 1)


class ShopifyTransport:
    """Sends Admin API calls for one store: paced, authenticated, errors mapped."""

    def __init__(
        self,
        settings: ShopifySettings,
        *,
        client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        on_tokens: OnTokens | None = None,
        budget: RateBudget | None = None,
        max_rate_limit_retries: int = 3,
    ) -> None:
        self.settings = settings
        self.api = f"{settings.origin}/admin/api/{settings.api_version}"
        self._owns_client = client is None
        timeout = httpx.Timeout(settings.timeout)
        self._http = client or httpx.AsyncClient(transport=transport, timeout=timeout)
        self._budget = budget or store_budget(settings)
        self._max_rate_limit_retries = max_rate_limit_retries
        self._tokens = tokens_from_settings(settings)
        self._on_tokens = on_tokens
        self._refresh_lock = asyncio.Lock()
        self._in_flight = 0
        # The sandbox serves shops by Host, as Shopify does; with no override it is the URL's.
        self._host = {"Host": settings.shop_domain} if settings.base_url else {}

    @property
    def tokens(self) -> ShopifyTokens:
        return self._tokens

    async def aclose(self) -> None:
        if self._owns_client:
            await self._http.aclose()

    async def json(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        lane: Lane = Lane.LIVE,
    ) -> dict[str, Any]:
        response = await self.send(method, path, params=params, json=json, lane=lane)
        decoded: dict[str, Any] = orjson.loads(response.content) if response.content else {}
        return decoded

    async def pages(
        self, path: str, root: str, params: Params, lane: Lane = Lane.BULK
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Each page of a list endpoint, following `Link: rel="next"` to the end."""
        response = await self.send("GET", path, params=params, lane=lane)
        while True:
            yield list(orjson.loads(response.content)[root])
            url = next_page_url(response)
            if url is None:
                return
            response = await self.send("GET", url, lane=lane)  # later pages: the URL as given

    async def send(
        self,
        method: str,
        path_or_url: str,
        *,
        params: Params | None = None,
        json: Any = None,
        lane: Lane = Lane.LIVE,
    ) -> httpx.Response:
        url = path_or_url if "://" in path_or_url else f"{self.api}{path_or_url}"
        content = orjson.dumps(json) if json is not None else None
        renewed = False
        for attempt in range(self._max_rate_limit_retries + 1):
            await self._renew_if_expiring()
            await self._budget.acquire(lane)
            response = await self._exchange(method, url, params, content)
            if response.status_code == 401 and not renewed and can_refresh(self.settings):
                renewed = True  # the token may have expired early or been revoked: renew once
                await self.renew(stale=self._tokens)
                continue
            error = error_for(response)
            if error is None:
                return response
            if not isinstance(error, RateLimited) or attempt == self._max_rate_limit_retries:
                raise error
            # Someone else shares this app's bucket (another worker, a burst): stop the account.
            self._budget.penalize(error.retry_after or DEFAULT_RETRY_AFTER)
        raise AssertionError("unreachable")

    async def _exchange(
        self, method: str, url: str, params: Params | None, content: bytes | None
    ) -> httpx.Response:
        headers = {
            ACCESS_TOKEN_HEADER: self._tokens.access_token.get_secret_value(),
            "Accept": "application/json",
            **self._host,
        }
        if content is not None:
            headers["Content-Type"] = "application/json"
        self._in_flight += 1
        try:
            response = await self._http.request(
                method, url, params=params, content=content, headers=headers
            )
        except httpx.TransportError as exc:  # timeouts, refused and reset connections
            raise Retryable(f"Shopify {method} {httpx.URL(url).path}: {exc!r}") from exc
        finally:
            self._in_flight -= 1
        remaining = remaining_calls(response.headers.get(CALL_LIMIT_HEADER), self._in_flight)
        if remaining is not None:
            self._budget.observe(remaining)
        return response

    async def _renew_if_expiring(self) -> None:
        if can_refresh(self.settings) and needs_refresh(self._tokens, datetime.now(UTC)):
            await self.renew(stale=self._tokens)

    async def renew(self, stale: ShopifyTokens) -> None:
        """Get a new access token, once for all callers that saw the same ``stale`` one."""
        async with self._refresh_lock:
            if self._tokens is not stale:
                return  # another call renewed it meanwhile
            form = refresh_form(self.settings, self._tokens)
            try:
                response = await self._http.post(
                    f"{self.settings.origin}{TOKEN_PATH}",
                    data=form,
                    headers={"Accept": "application/json", **self._host},
                )
            except httpx.TransportError as exc:
                raise Retryable(f"Shopify token renewal: {exc!r}") from exc
            if response.status_code >= 400:
                raise AuthError(
                    "Shopify refused to renew the access token",
                    status=response.status_code,
                    body=response.text,
                )
            self._tokens = tokens_from_answer(
                orjson.loads(response.content), datetime.now(UTC), self._tokens
            )
        if self._on_tokens is not None:
            await self._on_tokens(self._tokens)
