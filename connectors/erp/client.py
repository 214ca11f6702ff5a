"""HTTP client for one Eccosys-style ERP tenant: auth, pacing, paging and the error table."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from datetime import date
from types import MappingProxyType, TracebackType
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ConfigDict

from connectors.erp import json_exact
from connectors.erp.paging import first_page, next_page
from connectors.erp.ratelimit import TokenBucket
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

# An ERP order document as the ERP writes it; money and other fractions are Decimal.
PedidoJson = dict[str, Any]

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


class ErpOrderRef(BaseModel):
    """Where an order lives in the ERP: its id, its ERP number and the platform's number."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    numero_pedido: str | None = None
    numero_ordem_compra: str | None = None
    origin_id: str | None = None


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


def _parse(response: httpx.Response) -> Any:
    try:
        return json_exact.loads(response.content)
    except ValueError:
        return None


def _redacted(text: str, secret: str) -> str:
    return text.replace(secret, "[redacted]") if secret else text


def error_for(response: httpx.Response, *, secret: str = "") -> ConnectorError | None:
    """The error for a response, carrying its status and its body with `secret` redacted."""
    cls = error_class(response.status_code)
    if cls is None:
        return None
    messages = erp_messages(_parse(response))
    reason = _redacted("; ".join(messages), secret) or f"ERP answered HTTP {response.status_code}"
    body = _redacted(response.text, secret)
    if issubclass(cls, Retryable):
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return cls(reason, retry_after=retry_after, status=response.status_code, body=body)
    return cls(reason, status=response.status_code, body=body)


class ErpClient:
    """Async client for one ERP tenant; paces itself to `requests_per_second`."""

    def __init__(
        self,
        settings: ErpSettings,
        *,
        http: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._settings = settings
        self._token = settings.api_token.get_secret_value()
        self._owns_http = http is None
        self._http = http or httpx.AsyncClient(
            transport=transport, timeout=settings.timeout_seconds
        )
        rate = settings.requests_per_second
        self._bucket = TokenBucket(rate, capacity=max(1.0, rate))

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> ErpClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
    ) -> httpx.Response:
        wait = self._bucket.reserve()
        if wait > 0:
            await asyncio.sleep(wait)
        headers = {
            "Authorization": f"Bearer {self._token}",
            "Accept": "application/json",
            "Content-Type": "application/json;charset=utf-8",
        }
        content = None if body is None else json_exact.dumps(body)
        url = f"{self._settings.base_url}{path}"
        try:
            response = await self._http.request(
                method,
                url,
                params=params,
                content=content,
                headers=headers,
                timeout=self._settings.timeout_seconds,
            )
        except httpx.TimeoutException as exc:
            raise Retryable(f"ERP did not answer {method} {path} in time") from exc
        except httpx.TransportError as exc:
            raise Retryable(f"could not reach the ERP for {method} {path}: {exc!r}") from exc
        error = error_for(response, secret=self._token)
        if error is not None:
            raise error
        return response

    def _write_result(self, response: httpx.Response) -> list[Any]:
        """The success list of a write envelope; an item in `error` raises Permanent."""
        document = _parse(response)
        body = _redacted(response.text, self._token)
        result = document.get("result") if isinstance(document, dict) else None
        if not isinstance(result, dict):
            raise Permanent("ERP write answer has no result envelope", status=200, body=body)
        messages = erp_messages(document)
        if messages:
            reason = _redacted("; ".join(messages), self._token)
            raise Permanent(reason, status=response.status_code, body=body)
        success = result.get("success")
        return success if isinstance(success, list) else []

    async def test_connection(self) -> None:
        """Cheapest authenticated call; raises AuthError on a refused token."""
        await self._send("GET", "/produtos", params={"$count": "1"})

    async def create_order(self, pedido: PedidoJson) -> ErpOrderRef:
        """Create one sales order; the ERP's refusal raises Permanent with its message.

        A timeout raises Retryable although the order may have been created: callers look it
        up with `find_order_by_platform_number` before creating again.
        """
        response = await self._send("POST", "/pedidos", body=[pedido])
        success = self._write_result(response)
        if len(success) != 1 or not isinstance(success[0], dict) or "id" not in success[0]:
            body = _redacted(response.text, self._token)
            raise Permanent("ERP accepted the order but returned no id", status=200, body=body)
        # `codigo` in a success item is taken to be the ERP's order number (UNCONFIRMED).
        return _order_ref(
            {
                "id": success[0]["id"],
                "numeroPedido": success[0].get("codigo"),
                "numeroDaOrdemDeCompra": pedido.get("numeroDaOrdemDeCompra"),
                "idPedidoOrigem": pedido.get("idPedidoOrigem"),
            }
        )

    async def find_order_by_platform_number(
        self, numero: str, origin_id: str | None = None
    ) -> ErpOrderRef | None:
        """The order whose purchase-order number (`numeroDaOrdemDeCompra`) is `numero`.

        Two stores can both have an order "#1001": with `origin_id` (the platform's order id,
        `idPedidoOrigem`) only the order of that origin matches.
        """
        # Follows leovolpatto/EccosysApiClient (PedidosProxy.GetPedidoByNumeroOC): the filter
        # is a path segment, `GET /pedidos/numeroOC={n}`, answering a list that the client
        # filters again for an exact match. We do the same and treat 404 as "none".
        try:
            response = await self._send("GET", f"/pedidos/numeroOC={quote(numero, safe='')}")
        except NotFound:
            return None
        found = _parse(response)
        for pedido in found if isinstance(found, list) else []:
            if (
                isinstance(pedido, dict)
                and str(pedido.get("numeroDaOrdemDeCompra")) == numero
                and (origin_id is None or str(pedido.get("idPedidoOrigem")) == origin_id)
            ):
                return _order_ref(pedido)
        return None

    async def get_order(self, erp_id: str) -> PedidoJson:
        """One order by ERP id; NotFound when absent."""
        response = await self._send("GET", f"/pedidos/{quote(erp_id, safe='')}")
        document = _parse(response)
        # The C# and TypeScript clients both read a one-element array here; accept either.
        if isinstance(document, list):
            document = document[0] if document else None
        if not isinstance(document, dict):
            raise NotFound(f"ERP order {erp_id} came back empty", status=response.status_code)
        return document

    async def list_orders(
        self, since: date, *, page_size: int = 100
    ) -> AsyncIterator[list[PedidoJson]]:
        """Pages of orders dated `since` or later, oldest first."""
        filters = {"$fromDate": since.isoformat(), "$dataConsiderada": "data"}
        paging: dict[str, str] | None = first_page(page_size)
        while paging is not None:
            response = await self._send("GET", "/pedidos", params={**filters, **paging})
            page = _parse(response)
            if not isinstance(page, list):
                raise Permanent("ERP order list is not a JSON array", status=200)
            yield page
            paging = next_page(response)

    async def set_order_status(self, erp_id: str, situacao: int, historico: str) -> None:
        """Move an order to `situacao`, recording `historico` in its occurrences."""
        response = await self._send(
            "POST",
            f"/pedidos/{quote(erp_id, safe='')}/situacao",
            body={"situacao": situacao, "historico": historico},
        )
        self._write_result(response)


def _order_ref(pedido: PedidoJson) -> ErpOrderRef:
    numero = pedido.get("numeroPedido")
    ordem = pedido.get("numeroDaOrdemDeCompra")
    origem = pedido.get("idPedidoOrigem")
    return ErpOrderRef(
        id=str(pedido["id"]),
        numero_pedido=None if numero is None else str(numero),
        numero_ordem_compra=None if ordem is None else str(ordem),
        origin_id=None if origem is None else str(origem),
    )
