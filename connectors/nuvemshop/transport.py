"""One store's HTTP line to Nuvemshop: auth headers, the shared request budget, the 429 retry
and the error table. Everything the client sends goes through ``NuvemshopHttp.call``."""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from connectors.budget import Lane, RateBudget
from connectors.errors import RateLimited, Retryable
from connectors.nuvemshop.errors import error_for, is_past_last_page
from connectors.nuvemshop.paging import next_page
from connectors.nuvemshop.ratelimit import remaining_calls, retry_after_429, store_budget
from connectors.nuvemshop.settings import NuvemshopSettings

RATE_LIMIT_RETRIES = 6
"""A 429 is retried inside the client this many times before a flow sees it."""


class NuvemshopHttp:
    """Calls to `{base_url}/{version}/{store_id}/...` within the store's leaky bucket."""

    def __init__(
        self,
        settings: NuvemshopSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        budget: RateBudget | None = None,
    ) -> None:
        self.settings = settings
        self.budget = budget if budget is not None else store_budget(settings.store_id)
        self._in_flight = 0
        self._client = httpx.AsyncClient(
            base_url=settings.api_root,
            headers={
                "Authentication": f"bearer {settings.access_token.get_secret_value()}",
                "User-Agent": settings.user_agent,
                "Accept": "application/json",
            },
            timeout=settings.timeout_seconds,
            transport=transport,
        )

    async def call(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
        lane: Lane = Lane.LIVE,
    ) -> httpx.Response:
        """The answer, after waiting for the budget and riding out 429s (bounded)."""
        content = None if body is None else orjson.dumps(body)
        headers = None if body is None else {"Content-Type": "application/json"}
        for _ in range(RATE_LIMIT_RETRIES):
            response = await self._send(method, url, params, content, headers, lane)
            if response.status_code != 429:
                return response
            self.budget.penalize(retry_after_429(response))
        response = await self._send(method, url, params, content, headers, lane)
        if response.status_code == 429:
            raise RateLimited(
                "rate limit persisted after retries",
                retry_after=retry_after_429(response),
                status=429,
                body=response.text,
            )
        return response

    async def json(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
        lane: Lane = Lane.LIVE,
    ) -> Any:
        """The decoded answer of a call that must succeed; else its error from the table."""
        response = await self.call(method, url, params=params, body=body, lane=lane)
        error = error_for(response)
        if error is not None:
            raise error
        return orjson.loads(response.content) if response.content else None

    async def page(
        self, url: str, params: dict[str, Any] | None, lane: Lane = Lane.LIVE
    ) -> tuple[list[Any], str | None]:
        """One page of a list and the next page's URL (None after the last)."""
        response = await self.call("GET", url, params=params, lane=lane)
        if is_past_last_page(response):
            return [], None
        error = error_for(response)
        if error is not None:
            raise error
        rows = orjson.loads(response.content)
        if not isinstance(rows, list):
            raise Retryable("Nuvemshop answered a list call without a list", body=response.text)
        return rows, next_page(response)

    async def _send(
        self,
        method: str,
        url: str,
        params: dict[str, Any] | None,
        content: bytes | None,
        headers: dict[str, str] | None,
        lane: Lane,
    ) -> httpx.Response:
        await self.budget.acquire(lane)
        self._in_flight += 1
        try:
            response = await self._client.request(
                method, url, params=params, content=content, headers=headers
            )
        except httpx.TimeoutException as exc:
            raise Retryable(f"Nuvemshop did not answer {method} {url} in time") from exc
        except httpx.TransportError as exc:
            raise Retryable(f"Nuvemshop unreachable: {type(exc).__name__}") from exc
        finally:
            self._in_flight -= 1
        remaining = remaining_calls(response)
        if remaining is not None:
            # Calls already sent but not yet counted by the platform still take room.
            self.budget.observe(remaining - self._in_flight)
        return response

    async def aclose(self) -> None:
        await self._client.aclose()
