"""HTTP to one VTEX account: auth headers, per-API budgets, the error table and retries.

VTEX limits each API family separately (Catalog 45,000/min per account, OMS get-order
6,000/min, Pricing 2,000/min writes with 500 burst credits; Logistics is not documented), so
each family has its own budget, shared by every client of the account in this worker.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from enum import StrEnum
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
from connectors.vtex.settings import VtexSettings


class Api(StrEnum):
    CATALOG = "catalog"
    OMS = "oms"
    LOGISTICS = "logistics"
    PRICING = "pricing"


@dataclass(frozen=True)
class ApiRate:
    per_second: float
    burst: float


REAL_RATES: dict[Api, ApiRate] = {
    Api.CATALOG: ApiRate(45_000 / 60, 250),  # per account; 15,000/min per endpoint
    Api.OMS: ApiRate(6_000 / 60, 100),  # documented for GET order
    Api.PRICING: ApiRate(2_000 / 60, 500),  # POST/PUT; 500 burst credits
    Api.LOGISTICS: ApiRate(2_000 / 60, 100),  # UNCONFIRMED: no documented limit, kept modest
}
# We pace a little under the documented numbers: our bucket starts refilling when we send, the
# platform's when the call arrives, so at the limit exactly we would run ahead by one latency.
SAFETY_RATE, SAFETY_BURST = 0.97, 0.9
# Without Retry-After VTEX advises a minute's pause for OMS; elsewhere a short one.
DEFAULT_RETRY_AFTER = {Api.OMS: 60.0}

_ERRORS: dict[int, type[ConnectorError]] = {
    400: Permanent,
    401: AuthError,
    403: ConfigError,
    404: NotFound,
    405: Permanent,
    409: Permanent,
    413: Permanent,
    415: Permanent,
    422: Permanent,
    423: Retryable,  # inventory lock held: "Unable to acquire lock for key ..."
    429: RateLimited,
}
_REASONS = {
    401: "credentials refused (X-VTEX-API-AppKey/AppToken)",
    403: "the app key's role lacks this resource (License Manager)",
    404: "not found",
    423: "record locked by VTEX, retry later",
    429: "rate limited",
}


def error_for(
    response: httpx.Response, api: Api, secrets: tuple[str, ...] = ()
) -> ConnectorError | None:
    """The error a response stands for (None for 2xx), by table."""
    status = response.status_code
    if status < 300:
        return None
    kind = _ERRORS.get(status, Retryable if status >= 500 else Permanent)
    body = response.text
    for secret in secrets:
        body = body.replace(secret, "***")
    reason = f"VTEX {api} {response.request.method} {response.request.url.path}: " + _REASONS.get(
        status, "refused" if status < 500 else "server error"
    )
    if issubclass(kind, Retryable):
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if status == 429 and retry_after is None:
            retry_after = DEFAULT_RETRY_AFTER.get(api, 5.0)
        return kind(reason, retry_after=retry_after, status=status, body=body)
    return kind(reason, status=status, body=body)


class VtexHttp:
    """Requests to one account, paced by per-API budgets, retried by the error table."""

    def __init__(
        self,
        settings: VtexSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        budget: RateBudget | None = None,
        rates: dict[Api, ApiRate] | None = None,
        max_attempts: int = 6,
        max_wait: float = 30.0,
    ) -> None:
        self.settings = settings
        self._secrets = (settings.app_token.get_secret_value(), settings.app_key.get_secret_value())
        rates = {**REAL_RATES, **(rates or {})}
        self._budgets = {
            api: budget
            or budget_for(
                f"vtex:{settings.account}:{api}",
                rate.per_second * SAFETY_RATE,
                max(1.0, rate.burst * SAFETY_BURST),
            )
            for api, rate in rates.items()
        }
        self._max_attempts, self._max_wait = max_attempts, max_wait
        self._http = httpx.AsyncClient(
            transport=transport,
            timeout=settings.timeout_seconds,
            headers={
                "X-VTEX-API-AppKey": settings.app_key.get_secret_value(),
                "X-VTEX-API-AppToken": settings.app_token.get_secret_value(),
                "Accept": "application/json",
            },
        )
        # The account is named by the host on VTEX; an overridden host names it with `an`.
        self._account_param = {"an": settings.account} if settings.base_url else {}

    def url(self, api: Api, path: str) -> str:
        origin = self.settings.pricing_origin if api is Api.PRICING else self.settings.origin
        return origin + path

    async def request(
        self,
        api: Api,
        method: str,
        path: str,
        *,
        lane: Lane = Lane.LIVE,
        params: dict[str, Any] | None = None,
        json: Any = None,
        retry_transient: bool = True,
    ) -> Any:
        """The decoded JSON answer (None when empty); raises by the error table."""
        query = {**(self._account_param if api is not Api.PRICING else {}), **(params or {})}
        content = orjson.dumps(json) if json is not None else None
        headers = {"Content-Type": "application/json"} if content is not None else None
        budget = self._budgets[api]
        for attempt in range(1, self._max_attempts + 1):
            await budget.acquire(lane)
            error = await self._once(api, method, path, query, content, headers)
            if not isinstance(error, ConnectorError):
                return error
            if not self._should_retry(error, attempt, retry_transient):
                raise error
            if isinstance(error, RateLimited):
                budget.penalize(error.retry_after or 1.0)
            else:
                await asyncio.sleep(min(0.05 * 2**attempt, 2.0))  # back-off, not synchronisation
        raise AssertionError("unreachable")

    async def _once(
        self,
        api: Api,
        method: str,
        path: str,
        query: dict[str, Any],
        content: bytes | None,
        headers: dict[str, str] | None,
    ) -> Any:
        try:
            response = await self._http.request(
                method, self.url(api, path), params=query, content=content, headers=headers
            )
        except httpx.TimeoutException as exc:
            return _wrapped(Retryable(f"VTEX {api} {method} {path}: timed out"), exc)
        except httpx.TransportError as exc:
            return _wrapped(Retryable(f"VTEX {api} {method} {path}: unreachable ({exc})"), exc)
        error = error_for(response, api, self._secrets)
        if error is not None:
            return error
        return orjson.loads(response.content) if response.content.strip() else None

    def _should_retry(self, error: ConnectorError, attempt: int, transient: bool) -> bool:
        if attempt >= self._max_attempts or not isinstance(error, Retryable):
            return False
        if isinstance(error, RateLimited):
            return (error.retry_after or 0) <= self._max_wait
        return transient

    async def aclose(self) -> None:
        await self._http.aclose()


def _wrapped(error: ConnectorError, cause: BaseException) -> ConnectorError:
    error.__cause__ = cause
    return error
