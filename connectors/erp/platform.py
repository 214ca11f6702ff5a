"""The ERP as a connectors.contract.PlatformClient, so the shared contract suite holds it to the
same promises as the platforms. It composes ErpClient and the ERP's mappings; it speaks no HTTP.

Identities: a product is known by its parent's `codigo` (the key of the ERP's API and the
record its push names), so `platform_product_id` is that code; an order by the ERP's `id`,
which is also its `platform_order_id` unless a platform placed it (mapping_orders).

A 429 is ridden out on single calls (the client's budget already waits `Retry-After`); a list
that hits one stops, and resumes from the last page's cursor.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from connectors.budget import Lane
from connectors.capabilities import Entity
from connectors.contract import CheckOutcome, ConnectionCheck, OrderMove, Page
from connectors.cursor import SyncCursor, advance, is_new, read_from
from connectors.erp.changes import product_events
from connectors.erp.client import ErpClient
from connectors.erp.mapping import DEFAULT_SITUACAO, ERP_TIMEZONE, order_to_pedido
from connectors.erp.mapping_orders import pedido_to_order
from connectors.erp.mapping_products import (
    attribute_from_erp,
    attribute_to_erp,
    brand_from_erp,
    brand_to_erp,
    category_from_erp,
    category_to_erp,
    erp_time,
    is_parent,
    price_fields,
    product_to_erp,
)
from connectors.erp.order_moves import move_erp_order
from connectors.erp.poller import EPOCH, mark_id
from connectors.erp.settings import ErpSettings
from connectors.erp.wire import ItemResult
from connectors.errors import ConnectorError, NotFound, Permanent, RateLimited, Retryable
from schemas.attribute import Attribute
from schemas.brand import Brand
from schemas.category import Category
from schemas.events import ProductChanged
from schemas.order import Order
from schemas.price import Price
from schemas.product import Product
from schemas.stock import StockLevel

T = TypeVar("T")
Doc = dict[str, Any]
# What tells records of a change list apart on the cursor (with a hash of their content).
FEED_KEYS = {Entity.PRODUCT: "codigo", Entity.ORDER: "id"}
# The catalogue the ERP only lists whole (no change date), with the reading of each record.
LISTINGS: dict[Entity, Callable[[Doc], BaseModel]] = {
    Entity.CATEGORY: category_from_erp,
    Entity.BRAND: brand_from_erp,
    Entity.ATTRIBUTE: attribute_from_erp,
}
RATE_LIMIT_TRIES = 5
ERP_API_ROOT = "https://{{empresa}}.eccosys.com.br/api"
CHECK_BY_STATUS: dict[int, tuple[CheckOutcome, str]] = {
    401: (
        CheckOutcome.BAD_CREDENTIALS,
        "O ERP recusou o token da API (401). Gere um novo token no ERP e salve-o aqui.",
    ),
    403: (
        CheckOutcome.MISSING_PERMISSION,
        "O token não tem permissão para ler produtos (403). Libere o acesso à API no ERP.",
    ),
    404: (
        CheckOutcome.UNKNOWN_STORE,
        "Nenhuma empresa responde em {url} (404). Confira o endereço da API: " + ERP_API_ROOT,
    ),
}


async def patiently(call: Callable[[], Awaitable[T]]) -> T:
    """`call`, again after each 429 (up to RATE_LIMIT_TRIES); the budget waits Retry-After."""
    for _ in range(RATE_LIMIT_TRIES - 1):
        try:
            return await call()
        except RateLimited:
            continue
    return await call()


def _stamp(doc: Doc) -> datetime | None:
    return erp_time(doc.get("dataAlteracao")) or erp_time(doc.get("data"))


def _family(doc: Doc) -> str:
    """The parent's id: members of one family changed together are read once."""
    return str(doc.get("id") or doc["codigo"]) if is_parent(doc) else str(doc["idProdutoMaster"])


def _failures(results: list[ItemResult]) -> str:
    return "; ".join(f"{r.codigo}: {r.message}" for r in results if not r.ok)


class ErpPlatformClient:
    """One ERP tenant through connectors.contract.PlatformClient."""

    def __init__(
        self,
        settings: ErpSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        page_size: int = 100,
    ) -> None:
        self.settings = settings
        self.erp = ErpClient(settings, transport=transport)
        self.page_size = page_size

    async def test_connection(self) -> ConnectionCheck:
        """ "Testar conexão": the cheapest authenticated read, each failure named for a person."""
        try:
            await patiently(self.erp.test_connection)
        except ConnectorError as exc:
            return self._failed(exc)
        return ConnectionCheck(CheckOutcome.OK, f"Conectado ao ERP em {self.settings.base_url}.")

    def _failed(self, exc: ConnectorError) -> ConnectionCheck:
        url = self.settings.base_url
        if isinstance(exc.__cause__, httpx.TimeoutException):
            seconds = self.settings.timeout_seconds
            return ConnectionCheck(
                CheckOutcome.TIMEOUT, f"O ERP não respondeu em {seconds:g} s. Tente de novo."
            )
        if isinstance(exc, Retryable) and exc.status is None:
            return ConnectionCheck(
                CheckOutcome.UNREACHABLE, f"Não foi possível conectar ao ERP em {url}."
            )
        if exc.status in CHECK_BY_STATUS:
            outcome, detail = CHECK_BY_STATUS[exc.status]
            return ConnectionCheck(outcome, detail.format(url=url))
        if exc.status is not None and exc.status < 400:
            return ConnectionCheck(
                CheckOutcome.UNKNOWN_STORE,
                f"{url} redireciona (HTTP {exc.status}): não é a API de uma empresa.",
            )
        return ConnectionCheck(
            CheckOutcome.UNREACHABLE, f"O ERP não atendeu o teste: {exc.describe()}"
        )

    async def list_since(
        self, entity: Entity, cursor: SyncCursor, lane: Lane = Lane.BULK
    ) -> AsyncIterator[Page]:
        """Products (by family) or orders changed since the cursor, none delivered twice.

        The ERP lists by id and filters by day, so a page is no boundary in time: the cursor
        of each page only remembers what it delivered, and the last (empty) page moves it on.
        """
        if entity in LISTINGS:
            async for page in self._catalog(entity, cursor):
                yield page
            return
        if entity not in FEED_KEYS:
            raise Permanent(f"the ERP has no {entity} change list")
        start = read_from(cursor)
        day = EPOCH if start is None else start.astimezone(ERP_TIMEZONE).date()
        pages = (
            self.erp.products.list_products(day, page_size=self.page_size)
            if entity is Entity.PRODUCT
            else self.erp.list_orders(day, page_size=self.page_size, considered="dataAlteracao")
        )
        delivered: list[tuple[str, datetime]] = []
        async for docs in pages:
            fresh = []
            for doc in docs:
                at, mark = _stamp(doc), mark_id(str(doc[FEED_KEYS[entity]]), doc)
                if at is None or ((start is None or at >= start) and is_new(cursor, mark, at)):
                    fresh.append(doc)
                    delivered += [(mark, at)] if at is not None else []
            if entity is Entity.PRODUCT:
                records = await self._families(fresh, lane)
            else:
                records = [await self._order(pedido, lane) for pedido in fresh]
            held = advance(cursor, delivered).model_copy(update={"since": cursor.since})
            yield Page(records=records, cursor=held)
        yield Page(records=[], cursor=advance(cursor, delivered))

    def _listing(self, entity: Entity) -> AsyncIterator[list[Doc]]:
        catalog = self.erp.catalog
        if entity is Entity.CATEGORY:
            return catalog.list_categories(page_size=self.page_size)
        if entity is Entity.BRAND:
            return catalog.list_brands(page_size=self.page_size)
        return catalog.list_attributes(page_size=self.page_size)

    async def _catalog(self, entity: Entity, cursor: SyncCursor) -> AsyncIterator[Page]:
        """Every category, brand or attribute, each time: they carry no change date (READ, not
        LIST_SINCE), so the cursor stays where it was."""
        read = LISTINGS[entity]
        async for docs in self._listing(entity):
            yield Page(records=[read(doc) for doc in docs], cursor=cursor)

    async def _listed(self, entity: Entity, erp_id: str) -> BaseModel:
        """A category or brand by the ERP's id: the ERP reads them only as a list."""
        async for docs in self._listing(entity):
            for doc in docs:
                if str(doc.get("id")) == erp_id:
                    return LISTINGS[entity](doc)
        raise NotFound(f"the ERP has no {entity} with id {erp_id!r}", status=404)

    async def _families(self, docs: list[Doc], lane: Lane) -> list[BaseModel]:
        """Each family once per page, read after the page was listed, so never older than it
        (a family on two pages is read twice: the second page may hold a later change)."""
        products = [
            await self._product(family, lane) for family in dict.fromkeys(map(_family, docs))
        ]
        return [product for product in products if product is not None]

    async def _product(self, ref: str, lane: Lane) -> Product | None:
        """The family of `ref` (any member's code or id), known by its parent's code."""
        for event in await product_events(self.erp, ref, lane=lane):
            if isinstance(event, ProductChanged):
                product = event.product
                return product.model_copy(update={"platform_product_id": product.sku})
        return None

    async def _order(self, pedido: Doc, lane: Lane) -> Order:
        return pedido_to_order(pedido, await self.erp.invoices.invoice_of_order(pedido, lane=lane))

    async def get_by_code(self, entity: Entity, code: str) -> BaseModel:
        """A product by any member's code (or id), an order, category, brand or attribute by
        the ERP's id."""
        if entity is Entity.PRODUCT:
            product = await patiently(lambda: self._product(code, Lane.LIVE))
            if product is None:
                raise NotFound(f"the ERP has no product {code!r}", status=404)
            return product
        if entity is Entity.ORDER:
            pedido = await patiently(lambda: self.erp.get_order(code))
            return await patiently(lambda: self._order(pedido, Lane.LIVE))
        if entity is Entity.ATTRIBUTE:
            return attribute_from_erp(await patiently(lambda: self.erp.catalog.get_attribute(code)))
        if entity in LISTINGS:
            return await patiently(lambda: self._listed(entity, code))
        raise Permanent(f"the ERP has no {entity} to read by code")

    async def upsert(self, entity: Entity, record: BaseModel) -> str:
        """Create or update; the record's id in the ERP (a product's code)."""
        if entity is Entity.PRODUCT and isinstance(record, Product):
            return await patiently(lambda: self._upsert_product(record))
        if entity is Entity.CATEGORY and isinstance(record, Category):
            return await patiently(
                lambda: self._upsert_named("categories", category_to_erp(record))
            )
        if entity is Entity.BRAND and isinstance(record, Brand):
            return await patiently(lambda: self._upsert_named("brands", brand_to_erp(record)))
        if entity is Entity.ORDER and isinstance(record, Order):
            return await patiently(lambda: self._upsert_order(record))
        if entity is Entity.ATTRIBUTE and isinstance(record, Attribute):
            return await patiently(lambda: self._upsert_attribute(record))
        raise Permanent(f"the ERP does not take {entity} writes as {type(record).__name__}")

    async def _upsert_product(self, product: Product) -> str:
        parent, children = product_to_erp(product)
        results = await self.erp.products.upsert_family(parent, children)
        if failed := _failures(results):
            raise Permanent(f"ERP refused product {product.sku}: {failed}")
        return product.sku

    async def _upsert_named(self, kind: str, document: dict[str, str | None]) -> str:
        """Categories and brands: the ERP creates and never updates them, so one of the same
        name is the one already there."""
        catalog = self.erp.catalog
        listing = catalog.list_categories() if kind == "categories" else catalog.list_brands()
        async for page in listing:
            for existing in page:
                if existing.get("nome") == document["nome"]:
                    return str(existing["id"])
        create = catalog.create_categories if kind == "categories" else catalog.create_brands
        [result] = await create([document])
        if not result.ok or result.id is None:
            raise Permanent(f"ERP refused {kind[:-1]} {document['nome']!r}: {result.message}")
        return result.id

    async def _upsert_attribute(self, attribute: Attribute) -> str:
        """By the ERP's id when known, else by name among the listed ones (PUT), else created."""
        attribute_id = attribute.platform_attribute_id or await self._attribute_named(
            attribute.name
        )
        catalog = self.erp.catalog
        if attribute_id is None:
            [result] = await catalog.create_attributes([attribute_to_erp(attribute)])
        else:
            known = attribute.model_copy(update={"platform_attribute_id": attribute_id})
            [result] = await catalog.update_attributes([attribute_to_erp(known)])
        if not result.ok or result.id is None:
            raise Permanent(f"ERP refused attribute {attribute.name!r}: {result.message}")
        return result.id

    async def _attribute_named(self, name: str) -> str | None:
        async for page in self.erp.catalog.list_attributes():
            for existing in page:
                if existing.get("nome") == name:
                    return str(existing["id"])
        return None

    async def _upsert_order(self, order: Order) -> str:
        """The sales order of a platform order, created once (found by its platform number)."""
        found = await self.erp.find_orders_by_platform_number(order.number, order.platform_order_id)
        if found:
            return found[0].id
        pedido = order_to_pedido(order, situacao=DEFAULT_SITUACAO[order.status])
        return (await self.erp.create_order(pedido)).id

    async def set_stock(self, level: StockLevel) -> None:
        """The absolute balance (`es` B) of the SKU in the deposit named by `warehouse`."""
        on = level.measured_at.astimezone(ERP_TIMEZONE).date()
        await patiently(
            lambda: self.erp.stock.set_stock_balance(
                level.sku, level.warehouse, level.quantity, on=on
            )
        )

    async def set_price(self, price: Price) -> None:
        """`preco`/`precoDe` of the SKU. The ERP keeps one price and no promotion window, so
        another price list is refused and a window is not sent."""
        if price.price_list != "default":
            raise Permanent(f"the ERP keeps one price per product, not list {price.price_list!r}")
        fields = price_fields(price.price, price.promotional_price)
        result = await patiently(
            lambda: self.erp.products.set_prices(price.sku, fields["preco"], fields["precoDe"])
        )
        if not result.ok:
            raise Permanent(f"ERP refused the price of {price.sku}: {result.message}")

    async def move_order(self, platform_order_id: str, move: OrderMove) -> None:
        """`platform_order_id` is the ERP's own id of the order (see order_moves)."""
        await patiently(lambda: move_erp_order(self.erp, platform_order_id, move))

    async def aclose(self) -> None:
        await self.erp.aclose()
