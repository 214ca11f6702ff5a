"""HTTP client for one Eccosys-style ERP tenant: orders here, the other resources beside it.

    ErpClient
     ├── orders        create_order, find_orders_by_platform_number, get_order, list_orders,
     │                 set_order_status, update_order (methods of the client itself)
     ├── .products     connectors.erp.products.ErpProducts (products, prices, change feeds)
     ├── .stock        connectors.erp.stock.ErpStock (balances per deposit, `es: "B"` only)
     ├── .catalog      connectors.erp.catalog.ErpCatalog (categorias, marcas)
     └── .invoices     connectors.erp.invoices.ErpInvoices (NF-e)

All of them share one ErpWire, hence one request budget per tenant.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ConfigDict

from connectors.budget import Lane, RateBudget
from connectors.erp.catalog import ErpCatalog
from connectors.erp.invoices import ErpInvoices
from connectors.erp.products import ErpProducts
from connectors.erp.settings import ErpSettings
from connectors.erp.stock import ErpStock
from connectors.erp.wire import (
    ERROR_BY_STATUS,
    ErpWire,
    ItemResult,
    erp_messages,
    error_class,
    error_for,
    redacted,
)
from connectors.errors import NotFound, Permanent

__all__ = [
    "ERROR_BY_STATUS",
    "ErpClient",
    "ErpOrderRef",
    "ItemResult",
    "PedidoJson",
    "erp_messages",
    "error_class",
    "error_for",
]

# An ERP order document as the ERP writes it; money and other fractions are Decimal.
PedidoJson = dict[str, Any]

# Order fields the ERP side changes after the sale (PUT /pedidos), nothing else is sent.
UPDATABLE_ORDER_FIELDS = frozenset({"numeroNotaFiscal", "codigoRastreamento", "transportador"})


class ErpOrderRef(BaseModel):
    """Where an order lives in the ERP: its id, its ERP number and the platform's number."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    numero_pedido: str | None = None
    numero_ordem_compra: str | None = None
    origin_id: str | None = None


def tenant_budget(settings: ErpSettings) -> RateBudget:
    """A budget of one request per `1/requests_per_second`, never a burst.

    Eccosys publishes no limit; one integrator spaces calls 1.1 s apart, so nothing is saved
    up. With a burst of one there is no bucket left to reserve for live calls: live still
    goes first because bulk calls wait while a live call is waiting.
    """
    return RateBudget(settings.requests_per_second, 1.0, live_reserve=0.0, platform="erp")


class ErpClient:
    """Async client for one ERP tenant; paces itself to `requests_per_second`."""

    def __init__(
        self,
        settings: ErpSettings,
        *,
        http: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        budget: RateBudget | None = None,
    ) -> None:
        self._settings = settings
        self._owns_http = http is None
        self._http = http or httpx.AsyncClient(
            transport=transport, timeout=settings.timeout_seconds
        )
        self._wire = ErpWire(settings, self._http, budget or tenant_budget(settings))
        self.products = ErpProducts(self._wire)
        self.stock = ErpStock(self._wire)
        self.catalog = ErpCatalog(self._wire)
        self.invoices = ErpInvoices(self._wire)

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

    async def test_connection(self) -> None:
        """Cheapest authenticated call; raises AuthError on a refused token."""
        await self._wire.send("GET", "/produtos", params={"$count": "1"})

    async def create_order(self, pedido: PedidoJson) -> ErpOrderRef:
        """Create one sales order; the ERP's refusal raises Permanent with its message.

        A timeout raises Retryable although the order may have been created: callers look it
        up with `find_orders_by_platform_number` before creating again.
        """
        response = await self._wire.send("POST", "/pedidos", body=[pedido])
        success = self._wire.write_result(response)
        if len(success) != 1 or not isinstance(success[0], dict) or "id" not in success[0]:
            body = redacted(response.text, self._wire.token)
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

    async def find_orders_by_platform_number(
        self, numero: str, origin_id: str | None = None
    ) -> list[ErpOrderRef]:
        """Every order whose purchase-order number (`numeroDaOrdemDeCompra`) is `numero`.

        Two stores can both have an order "#1001": with `origin_id` (the platform's order id,
        `idPedidoOrigem`) only orders of that origin match. Two stores of one platform can even
        share both (each Tray store's first order is 1000), so the caller tells them apart by
        its links.
        """
        # Follows leovolpatto/EccosysApiClient (PedidosProxy.GetPedidoByNumeroOC): the filter
        # is a path segment, `GET /pedidos/numeroOC={n}`, answering a list that the client
        # filters again for an exact match. We do the same and treat 404 as "none".
        try:
            found = await self._wire.get_json(f"/pedidos/numeroOC={quote(numero, safe='')}")
        except NotFound:
            return []
        return [
            _order_ref(pedido)
            for pedido in (found if isinstance(found, list) else [])
            if isinstance(pedido, dict)
            and str(pedido.get("numeroDaOrdemDeCompra")) == numero
            and (origin_id is None or str(pedido.get("idPedidoOrigem")) == origin_id)
        ]

    async def get_order(self, erp_id: str, *, lane: Lane = Lane.LIVE) -> PedidoJson:
        """One order by ERP id; NotFound when absent."""
        return await self._wire.get_one(
            f"/pedidos/{quote(erp_id, safe='')}", f"order {erp_id}", lane=lane
        )

    def list_orders(
        self, since: date, *, page_size: int = 100, considered: str = "data"
    ) -> AsyncIterator[list[PedidoJson]]:
        """Pages of orders whose `considered` date (`data`, `dataAlteracao`) is `since` or later.

        `$dataConsiderada=dataAlteracao` is how the poller finds orders changed in the ERP;
        that value is UNCONFIRMED (the reference names the parameter and `data` only).
        """
        filters = {"$fromDate": since.isoformat(), "$dataConsiderada": considered}
        return self._wire.pages("/pedidos", filters, page_size=page_size)

    async def set_order_status(self, erp_id: str, situacao: int, historico: str) -> None:
        """Move an order to `situacao`, recording `historico` in its occurrences."""
        response = await self._wire.send(
            "POST",
            f"/pedidos/{quote(erp_id, safe='')}/situacao",
            body={"situacao": situacao, "historico": historico},
        )
        self._wire.write_result(response)

    async def update_order(self, erp_id: str, fields: dict[str, Any]) -> None:
        """Change an order's NF-e number, tracking code or carrier (`PUT /pedidos`)."""
        unknown = set(fields) - UPDATABLE_ORDER_FIELDS
        if unknown:
            raise ValueError(f"not updatable on an ERP order: {sorted(unknown)}")
        response = await self._wire.send("PUT", "/pedidos", body=[{"id": erp_id} | fields])
        self._wire.write_result(response)


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
