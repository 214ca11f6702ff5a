"""One store's HTTP session: tokens in the query string, the app budget, the daily cap, the
error table, a bounded retry after a 429 and one token refresh after a 401."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import orjson

from connectors.budget import Lane, RateBudget
from connectors.errors import AuthError, RateLimited, Retryable
from connectors.tray import auth
from connectors.tray.auth import TrayTokens
from connectors.tray.quota import DailyQuota, app_budget_for, daily_quota_for
from connectors.tray.responses import error_for, redacted
from connectors.tray.settings import TraySettings

MAX_RATE_LIMIT_RETRIES = 5
TokensHook = Callable[[TrayTokens], Awaitable[None] | None]


class TraySession:
    """Authenticated, paced calls to one store's ``api_address``."""

    def __init__(
        self,
        settings: TraySettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        budget: RateBudget | None = None,
        on_tokens: TokensHook | None = None,
        quota: DailyQuota | None = None,
    ) -> None:
        self.settings = settings
        self._http = httpx.AsyncClient(transport=transport, timeout=settings.timeout)
        self._budget = budget or app_budget_for(settings)
        self._quota = quota or daily_quota_for(settings)
        self._on_tokens = on_tokens
        self._tokens = auth.tokens_from_settings(settings)
        self._code = settings.code
        self._renewing = asyncio.Lock()
        self.rate_limited = 0  # 429s absorbed by retrying, for metrics and tests

    @property
    def tokens(self) -> TrayTokens | None:
        """The current tokens; persist them (``on_tokens`` is called on every change)."""
        return self._tokens

    async def aclose(self) -> None:
        await self._http.aclose()

    async def send(self, request: httpx.Request, lane: Lane) -> httpx.Response:
        """One paced call; a 429 stops the app for its Retry-After and the call is repeated."""
        for _ in range(MAX_RATE_LIMIT_RETRIES):
            await self._budget.acquire(lane)
            self._quota.take()
            response = await self._transmit(request)
            if response.status_code != 429:
                return response
            error = error_for(response)
            wait = error.retry_after if isinstance(error, RateLimited) else None
            self._budget.penalize(wait or 1.0)
            self.rate_limited += 1
        raise error_for(response) or RateLimited("Tray kept answering 429", status=429)

    async def _transmit(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self._http.send(request)
        except httpx.TimeoutException as exc:
            raise Retryable(f"Tray {request.method} {request.url.path} timed out") from exc
        except httpx.TransportError as exc:
            where = redacted(str(request.url.copy_with(query=None)))
            raise Retryable(f"Tray unreachable at {where}: {exc!r}") from exc

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json: Any = None,
        lane: Lane = Lane.LIVE,
    ) -> Any:
        """The JSON answer of an API call, or the error it means."""
        token = await self._access_token()
        for attempt in range(2):
            request = self._http.build_request(
                method,
                f"{self.settings.api_address}{path}",
                params={**(params or {}), "access_token": token},
                content=None if json is None else orjson.dumps(json),
                headers={"Content-Type": "application/json"} if json is not None else None,
            )
            response = await self.send(request, lane)
            if attempt == 0 and auth.expired_token_answer(response):
                token = await self._access_token(stale=token)
                continue
            break
        error = error_for(response)
        if error is not None:
            raise error
        return orjson.loads(response.content) if response.content.strip() else {}

    async def _access_token(self, stale: str | None = None) -> str:
        """A valid access token: exchanged from the code, refreshed near expiry or when stale."""
        async with self._renewing:
            tokens = self._tokens
            if tokens is None:
                tokens = await self._renew(
                    auth.exchange_request(self.settings) if self._code else None
                )
            elif stale == tokens.access_token.get_secret_value() or auth.needs_refresh(tokens):
                tokens = await self._renew(auth.refresh_request(self.settings, tokens))
            return tokens.access_token.get_secret_value()

    async def _renew(self, request: httpx.Request | None) -> TrayTokens:
        if request is None:
            raise AuthError("Tray: no tokens and no authorization code to exchange")
        response = await self.send(request, Lane.LIVE)
        tokens = auth.tokens_from_response(response)
        if tokens is None:
            error = error_for(response)
            if isinstance(error, AuthError) or error is None:
                raise AuthError(
                    "Tray refused to issue tokens; the store must authorize the app again",
                    status=response.status_code,
                    body=redacted(response.text),
                )
            raise error
        self._tokens, self._code = tokens, None
        if self._on_tokens is not None:
            outcome = self._on_tokens(tokens)
            if inspect.isawaitable(outcome):
                await outcome
        return tokens
