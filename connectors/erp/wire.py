"""The ERP wire: auth, pacing, the error table, paging and the per-item write envelope.

Every resource (orders, products, stock, catalog, NF-e) goes through one `ErpWire`, so one
tenant has one request budget whatever is calling.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from types import MappingProxyType
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict

from connectors.budget import Lane, RateBudget
from connectors.erp import json_exact
from connectors.erp.paging import first_page, next_page
from connectors.erp.settings import ErpSettings
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

ERROR_BY_STATUS: Mapping[int, type[ConnectorError]] = MappingProxyType(
    {
        400: Permanent,
        401: AuthError,
        403: AuthError,
        404: NotFound,
        409: Permanent,
        422: Permanent,
        429: RateLimited,
    }
)

# Without a Retry-After the ERP still asked us to slow down: stop the tenant this long.
DEFAULT_RATE_LIMIT_PAUSE = 1.0


def error_class(status: int) -> type[ConnectorError] | None:
    """The error a status maps to, or None for success."""
    if 200 <= status < 300:
        return None
    if status in ERROR_BY_STATUS:
        return ERROR_BY_STATUS[status]
    if status >= 500:
        return Retryable
    # A redirect means base_url points somewhere else (a login page, a moved tenant).
    return ConfigError if status < 400 else Permanent


def erp_messages(document: Any) -> list[str]:
    """The ERP's own error texts: per-item `result.error[].erro`, or a top-level `erro`."""
    if not isinstance(document, dict):
        return []
    result = document.get("result")
    if isinstance(result, dict) and isinstance(result.get("error"), list):
        return [str(item.get("erro")) for item in result["error"] if isinstance(item, dict)]
    for key in ("erro", "error", "message"):
        if isinstance(document.get(key), str):
            return [document[key]]
    return []


def parse(response: httpx.Response) -> Any:
    """The body as exact JSON, or None when it is not JSON."""
    try:
        return json_exact.loads(response.content)
    except ValueError:
        return None


def redacted(text: str, secret: str) -> str:
    return text.replace(secret, "[redacted]") if secret else text


def error_for(response: httpx.Response, *, secret: str = "") -> ConnectorError | None:
    """The error for a response, carrying its status and its body with `secret` redacted."""
    cls = error_class(response.status_code)
    if cls is None:
        return None
    messages = erp_messages(parse(response))
    reason = redacted("; ".join(messages), secret) or f"ERP answered HTTP {response.status_code}"
    body = redacted(response.text, secret)
    if issubclass(cls, Retryable):
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return cls(reason, retry_after=retry_after, status=response.status_code, body=body)
    return cls(reason, status=response.status_code, body=body)


class ItemResult(BaseModel):
    """What the ERP said about one item of a batch write: never dropped, never merged."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    codigo: str
    ok: bool
    id: str | None = None
    message: str = ""


def item_results(document: Any, sent: list[str]) -> list[ItemResult]:
    """One result per code in `sent`, in order, from `{result: {success, error}}`.

    An item the ERP named in neither list is reported as failed, so a silent drop on the
    ERP's side shows up as an error here instead of as a success nobody checked.
    """
    result = document.get("result") if isinstance(document, dict) else None
    result = result if isinstance(result, dict) else {}
    by_code: dict[str, ItemResult] = {}
    for entry in _dicts(result.get("error")):
        code = str(entry.get("codigo") or "")
        by_code[code] = ItemResult(codigo=code, ok=False, message=str(entry.get("erro") or ""))
    for entry in _dicts(result.get("success")):
        code = str(entry.get("codigo") or "")
        ident = entry.get("id")
        by_code[code] = ItemResult(
            codigo=code,
            ok=True,
            id=None if ident in (None, "") else str(ident),
            message=str(entry.get("msg") or ""),
        )
    missing = "the ERP answered nothing about this item"
    return [by_code.get(code, ItemResult(codigo=code, ok=False, message=missing)) for code in sent]


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


class ErpWire:
    """Sends requests to one tenant: token, pacing through its budget, the error table."""

    def __init__(self, settings: ErpSettings, http: httpx.AsyncClient, budget: RateBudget) -> None:
        self.settings = settings
        self.token = settings.api_token.get_secret_value()
        self._http = http
        self._budget = budget

    async def send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        lane: Lane = Lane.LIVE,
        envelope: bool = False,
    ) -> httpx.Response:
        """One request; an error status raises its ConnectorError.

        With `envelope`, a 422 that carries a per-item result envelope is returned instead of
        raised: a batch whose every item was refused still has a result per item.
        """
        await self._budget.acquire(lane)
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/json",
            "Content-Type": "application/json;charset=utf-8",
        }
        content = None if body is None else json_exact.dumps(body)
        url = f"{self.settings.base_url}{path}"
        try:
            response = await self._http.request(
                method,
                url,
                params=params,
                content=content,
                headers=headers,
                timeout=self.settings.timeout_seconds,
            )
        except httpx.TimeoutException as exc:
            raise Retryable(f"ERP did not answer {method} {path} in time") from exc
        except httpx.TransportError as exc:
            raise Retryable(f"could not reach the ERP for {method} {path}: {exc!r}") from exc
        if envelope and response.status_code == 422 and _has_envelope(response):
            return response
        error = error_for(response, secret=self.token)
        if isinstance(error, RateLimited):
            self._budget.penalize(error.retry_after or DEFAULT_RATE_LIMIT_PAUSE)
        if error is not None:
            raise error
        return response

    async def get_json(
        self, path: str, *, params: Mapping[str, str] | None = None, lane: Lane = Lane.LIVE
    ) -> Any:
        return parse(await self.send("GET", path, params=params, lane=lane))

    async def get_one(self, path: str, what: str, *, lane: Lane = Lane.LIVE) -> dict[str, Any]:
        """A single document; the ERP answers some as a one-element array, accept either."""
        document = await self.get_json(path, lane=lane)
        if isinstance(document, list):
            document = document[0] if document else None
        if not isinstance(document, dict):
            raise NotFound(f"ERP {what} came back empty", status=200)
        return document

    async def pages(
        self,
        path: str,
        filters: Mapping[str, str],
        *,
        page_size: int = 100,
        lane: Lane = Lane.BULK,
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Pages of a bare-array list, `$offset`/`$count`, until a short page."""
        paging: dict[str, str] | None = first_page(page_size)
        while paging is not None:
            response = await self.send("GET", path, params={**filters, **paging}, lane=lane)
            page = parse(response)
            if not isinstance(page, list):
                raise Permanent(f"ERP list {path} is not a JSON array", status=200)
            yield _dicts(page)
            paging = next_page(response)

    async def write_items(
        self, method: str, path: str, items: list[dict[str, Any]], *, lane: Lane = Lane.LIVE
    ) -> list[ItemResult]:
        """A batch write answered per item; one ItemResult per item, in order.

        The envelope names items by `codigo` only, so a batch that repeats a code could not be
        told apart: such a batch goes one item per request.
        """
        codes = [str(item.get("codigo") or "") for item in items]
        if len(set(codes)) < len(codes):
            return [r for item in items for r in await self.write_items(method, path, [item])]
        response = await self.send(method, path, body=items, lane=lane, envelope=True)
        return item_results(parse(response), codes)

    def write_result(self, response: httpx.Response) -> list[Any]:
        """The success list of a one-item write; an item in `error` raises Permanent."""
        document = parse(response)
        body = redacted(response.text, self.token)
        result = document.get("result") if isinstance(document, dict) else None
        if not isinstance(result, dict):
            raise Permanent("ERP write answer has no result envelope", status=200, body=body)
        messages = erp_messages(document)
        if messages:
            reason = redacted("; ".join(messages), self.token)
            raise Permanent(reason, status=response.status_code, body=body)
        success = result.get("success")
        return success if isinstance(success, list) else []


def _has_envelope(response: httpx.Response) -> bool:
    document = parse(response)
    return isinstance(document, dict) and isinstance(document.get("result"), dict)
