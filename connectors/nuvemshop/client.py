"""One Nuvemshop store as the engine uses it (connectors.contract.PlatformClient)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx
from pydantic import BaseModel

from connectors.budget import Lane, RateBudget
from connectors.capabilities import Entity
from connectors.contract import CheckOutcome, ConnectionCheck, OrderMove, Page
from connectors.cursor import SyncCursor, advance, is_new, read_from
from connectors.errors import ConnectorError, NotFound, Permanent, Retryable
from connectors.nuvemshop.catalog_writes import CatalogWriter
from connectors.nuvemshop.mapping import (
    attributes_from_nuvemshop,
    category_from_nuvemshop,
    product_from_nuvemshop,
)
from connectors.nuvemshop.mapping_order import order_from_nuvemshop
from connectors.nuvemshop.mapping_values import localized, nuvemshop_time, timestamp
from connectors.nuvemshop.order_moves import OrderMover
from connectors.nuvemshop.paging import MAX_PER_PAGE
from connectors.nuvemshop.settings import NuvemshopSettings
from connectors.nuvemshop.transport import NuvemshopHttp
from schemas.attribute import Attribute
from schemas.category import Category
from schemas.price import Price
from schemas.product import Product
from schemas.stock import StockLevel


@dataclass(frozen=True)
class Readable:
    path: str
    to_canonical: Callable[[Mapping[str, Any]], BaseModel]


READABLE: dict[Entity, Readable] = {
    Entity.PRODUCT: Readable("products", product_from_nuvemshop),
    Entity.CATEGORY: Readable("categories", category_from_nuvemshop),
    Entity.ORDER: Readable("orders", order_from_nuvemshop),
}

CHECK_BY_STATUS: dict[int, tuple[CheckOutcome, str]] = {
    401: (
        CheckOutcome.BAD_CREDENTIALS,
        "A Nuvemshop recusou o token de acesso (401). "
        "Reinstale o aplicativo na loja ou gere um novo token.",
    ),
    402: (
        CheckOutcome.MISSING_PERMISSION,
        "A Nuvemshop exige pagamento (402): a loja ou o aplicativo está com a assinatura pendente.",
    ),
    403: (
        CheckOutcome.MISSING_PERMISSION,
        "O aplicativo não tem permissão para ler a loja (403). "
        "Confira os escopos concedidos ao app.",
    ),
    404: (
        CheckOutcome.UNKNOWN_STORE,
        "A loja {store} não existe na Nuvemshop (404). Confira o ID da loja.",
    ),
}
SCOPE_PROBES = {"/products": "read_products", "/orders": "read_orders"}
"""`/store` answers any installed app; these reads tell an app without the scopes Ponte
needs (403) from a working one."""


NOTIFIED_EVENTS = ("order/created", "order/paid", "order/cancelled")
"""The webhook events the engine registers for an integration (the ones it acts on)."""


class NuvemshopClient:
    """Reads, writes and order moves for one store, within its leaky bucket."""

    def __init__(
        self,
        settings: NuvemshopSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        budget: RateBudget | None = None,
    ) -> None:
        self.settings = settings
        self._http = NuvemshopHttp(settings, transport=transport, budget=budget)
        self._catalog = CatalogWriter(self._http)
        self._orders = OrderMover(self._http)

    async def test_connection(self) -> ConnectionCheck:
        """ "Testar conexão": `GET /{store_id}/store`, each failure named for a person."""
        try:
            response = await self._http.call("GET", "/store")
        except Retryable as exc:
            return self._unreachable(exc)
        if response.is_success:
            name = localized(response.json().get("name"))
            return await self._check_scopes() or ConnectionCheck(
                CheckOutcome.OK, f"Conectado à loja {name}.", store_name=name
            )
        outcome, detail = CHECK_BY_STATUS.get(
            response.status_code,
            (CheckOutcome.UNREACHABLE, f"A Nuvemshop respondeu HTTP {response.status_code}."),
        )
        return ConnectionCheck(outcome, detail.format(store=self.settings.store_id))

    async def _check_scopes(self) -> ConnectionCheck | None:
        """MISSING_PERMISSION naming the scopes refused, or None when every probe passes."""
        refused = []
        for path, scope in SCOPE_PROBES.items():
            try:
                response = await self._http.call("GET", path, params={"per_page": 1})
            except Retryable as exc:
                return self._unreachable(exc)
            if response.status_code == 403:
                refused.append(scope)
        if not refused:
            return None  # an empty list answers 404 "Last page is 0": not a refusal
        return ConnectionCheck(
            CheckOutcome.MISSING_PERMISSION,
            f"O aplicativo não tem as permissões {', '.join(refused)} (403). "
            "Conceda esses escopos ao app e reinstale-o na loja.",
        )

    def _unreachable(self, exc: ConnectorError) -> ConnectionCheck:
        if isinstance(exc.__cause__, httpx.TimeoutException):
            seconds = self.settings.timeout_seconds
            return ConnectionCheck(
                CheckOutcome.TIMEOUT, f"A Nuvemshop não respondeu em {seconds:g} s. Tente de novo."
            )
        if exc.status == 429:
            return ConnectionCheck(
                CheckOutcome.UNREACHABLE, "A Nuvemshop limitou as chamadas (429)."
            )
        return ConnectionCheck(
            CheckOutcome.UNREACHABLE,
            f"Não foi possível conectar à Nuvemshop em {self.settings.base_url}.",
        )

    async def list_since(
        self, entity: Entity, cursor: SyncCursor, lane: Lane = Lane.BULK
    ) -> AsyncIterator[Page]:
        """Every record updated since the cursor, page by page, none delivered twice.

        Attributes need every product of the sweep, so they come in one page at its end (a
        restart mid-sweep reads it again), valued by the products changed since the cursor.
        """
        if entity is Entity.ATTRIBUTE:
            swept: list[Mapping[str, Any]] = []
            after = cursor
            async for rows, read_to in self._rows_since("products", cursor, lane):
                swept.extend(rows)
                after = read_to
            yield Page(records=list(attributes_from_nuvemshop(swept)), cursor=after)
            return
        readable = _readable(entity)
        async for rows, after in self._rows_since(readable.path, cursor, lane):
            yield Page(records=[readable.to_canonical(row) for row in rows], cursor=after)

    async def _rows_since(
        self, path: str, cursor: SyncCursor, lane: Lane
    ) -> AsyncIterator[tuple[list[Mapping[str, Any]], SyncCursor]]:
        """Each page's rows not yet read, with the cursor after them."""
        params: dict[str, Any] | None = {"per_page": MAX_PER_PAGE, "page": 1}
        since = read_from(cursor)
        if since is not None and params is not None:
            params["updated_at_min"] = nuvemshop_time(since)
        url: str | None = f"/{path}"
        while url is not None:
            rows, url = await self._http.page(url, params, lane)
            params = None  # the Link URL carries them
            fresh = [(row, _stamp(row)) for row in rows]
            fresh = [
                (row, at) for row, at in fresh if at is None or is_new(cursor, str(row["id"]), at)
            ]
            cursor = advance(cursor, [(str(row["id"]), at) for row, at in fresh if at is not None])
            yield [row for row, _ in fresh], cursor

    async def get_by_code(self, entity: Entity, code: str) -> BaseModel:
        """A record by its platform id; a product also by SKU (`GET /products/sku/{sku}`); an
        attribute by its name (no filter exists: every product is read)."""
        if entity is Entity.ATTRIBUTE:
            return await self._attribute(code)
        readable = _readable(entity)
        if entity is Entity.PRODUCT and not code.isdigit():
            return await self._product_by_sku(code)
        try:
            row = await self._http.json("GET", f"/{readable.path}/{code}")
        except NotFound:
            if entity is not Entity.PRODUCT:
                raise
            return await self._product_by_sku(code)
        return readable.to_canonical(row)

    async def _attribute(self, name: str) -> Attribute:
        carrying: list[Mapping[str, Any]] = []
        async for rows, _ in self._rows_since("products", SyncCursor(), Lane.BULK):
            carrying.extend(rows)
        found = [a for a in attributes_from_nuvemshop(carrying) if a.name == name]
        if not found:
            raise NotFound(f"no Nuvemshop product has the attribute {name!r}", status=404)
        return found[0]

    async def _product_by_sku(self, sku: str) -> Product:
        row = await self._catalog.product_by_sku(sku)
        if row is None:
            raise NotFound(f"no Nuvemshop product has SKU {sku!r}", status=404)
        return product_from_nuvemshop(row)

    async def upsert(self, entity: Entity, record: BaseModel) -> str:
        """Create or update a product or category; the platform id it has."""
        if entity is Entity.PRODUCT and isinstance(record, Product):
            return await self._catalog.upsert_product(record)
        if entity is Entity.CATEGORY and isinstance(record, Category):
            return await self._catalog.upsert_category(record)
        raise Permanent(f"Nuvemshop does not take {entity} writes as {type(record).__name__}")

    async def set_stock(self, level: StockLevel) -> None:
        """Absolute stock of the variant with that SKU (single-location stores)."""
        await self._catalog.set_stock(level)

    async def set_price(self, price: Price) -> None:
        await self._catalog.set_price(price)

    async def move_order(self, platform_order_id: str, move: OrderMove) -> None:
        await self._orders.move(platform_order_id, move)

    async def stock_levels(self, location: str = "default") -> dict[str, Decimal]:
        """SKU -> the stock the store shows, for reconciliation; a variant with unlimited
        stock (``stock: null``) is left out: there is no quantity to compare."""
        shown: dict[str, Decimal] = {}
        async for rows, _ in self._rows_since("products", SyncCursor(), Lane.BULK):
            for product in rows:
                for variant in product.get("variants") or []:
                    if variant.get("sku") and variant.get("stock") is not None:
                        shown[str(variant["sku"])] = Decimal(str(variant["stock"]))
        return shown

    async def subscribe_notifications(self, address: str) -> int:
        """Register ``address`` for every event Ponte acts on, once; how many were created."""
        have = {hook["event"] for hook in await self._hooks(address)}
        for event in NOTIFIED_EVENTS:
            if event not in have:
                await self._http.json("POST", "/webhooks", body={"event": event, "url": address})
        return len(set(NOTIFIED_EVENTS) - have)

    async def unsubscribe_notifications(self, address: str) -> int:
        """Remove every webhook of ``address``; how many there were."""
        hooks = await self._hooks(address)
        for hook in hooks:
            with contextlib.suppress(NotFound):  # removed meanwhile
                await self._http.json("DELETE", f"/webhooks/{hook['id']}")
        return len(hooks)

    async def _hooks(self, address: str) -> list[Mapping[str, Any]]:
        rows, _ = await self._http.page("/webhooks", {"url": address, "per_page": MAX_PER_PAGE})
        return [row for row in rows if row.get("url") == address]

    async def aclose(self) -> None:
        await self._http.aclose()


def _readable(entity: Entity) -> Readable:
    readable = READABLE.get(entity)
    if readable is None:
        raise Permanent(f"Nuvemshop has no {entity} resource to read")
    return readable


def _stamp(row: Mapping[str, Any]) -> datetime | None:
    return timestamp(row.get("updated_at")) or timestamp(row.get("created_at"))
