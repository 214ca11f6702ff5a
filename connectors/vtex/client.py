"""The VTEX client the engine uses: one account, every operation of the contract."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from pydantic import BaseModel

from connectors.budget import Lane, RateBudget
from connectors.capabilities import Entity
from connectors.contract import CheckOutcome, ConnectionCheck, OrderMove, Page
from connectors.cursor import SyncCursor, advance, is_new, read_from
from connectors.errors import AuthError, ConfigError, NotFound, Retryable
from connectors.vtex import catalog_ops, order_ops
from connectors.vtex.hook_subscription import subscribe_hook, unsubscribe_hook
from connectors.vtex.inventory import stock_shown
from connectors.vtex.mapping import order_from_vtex
from connectors.vtex.mapping_values import parse_instant
from connectors.vtex.prices_stock import price_body, stock_body
from connectors.vtex.settings import VtexSettings
from connectors.vtex.transport import Api, ApiRate, VtexHttp
from schemas.brand import Brand
from schemas.category import Category
from schemas.price import Price
from schemas.product import Product
from schemas.stock import StockLevel

_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
DEFAULT_LOCATION = "default"
"""The location the engine names when the integration chose no warehouse of its own."""


class VtexClient:
    """connectors.contract.PlatformClient for one VTEX account."""

    def __init__(
        self,
        settings: VtexSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        budget: RateBudget | None = None,
        rates: dict[Api, ApiRate] | None = None,
    ) -> None:
        self.settings = settings
        self.http = VtexHttp(settings, transport=transport, budget=budget, rates=rates)

    async def test_connection(self) -> ConnectionCheck:
        """One cheap catalog read (the brand paged list), its failure named for a person."""
        try:
            await self.http.request(
                Api.CATALOG,
                "GET",
                "/api/catalog_system/pvt/brand/pagedlist",
                params={"page": 1, "pageSize": 1},
                retry_transient=False,
            )
        except (Retryable, ConfigError, NotFound) as exc:
            return ConnectionCheck(_outcome(exc), exc.describe())
        return ConnectionCheck(
            CheckOutcome.OK, "catalog readable", store_name=self.settings.account
        )

    async def list_since(
        self, entity: Entity, cursor: SyncCursor, lane: Lane = Lane.BULK
    ) -> AsyncIterator[Page]:
        if entity is Entity.ORDER:
            async for page in self._orders_since(cursor, lane):
                yield page
        elif entity is Entity.PRODUCT:
            async for page in self._products_since(cursor, lane):
                yield page
        else:
            raise ConfigError(f"VTEX cannot list {entity} changes")

    async def _orders_since(self, cursor: SyncCursor, lane: Lane) -> AsyncIterator[Page]:
        start = read_from(cursor) or _EPOCH
        end = datetime.now(UTC) + timedelta(days=1)  # the OMS clock may run ahead of ours
        async for summaries in order_ops.order_summary_pages(self.http, start, end, lane):
            fresh = [
                (s["orderId"], stamp)
                for s in summaries
                if (stamp := parse_instant(s["creationDate"]))
                and is_new(cursor, s["orderId"], stamp)
            ]
            records = [
                order_from_vtex(await order_ops.read_order(self.http, order_id, lane))
                for order_id, _ in fresh
            ]
            cursor = advance(cursor, fresh)
            yield Page(records=list(records), cursor=cursor)

    async def _products_since(self, cursor: SyncCursor, lane: Lane) -> AsyncIterator[Page]:
        """Catalog has no "changed since" query: enumerate ids, keep products whose SKUs changed
        inside the window (SKU ``DateUpdated``)."""
        start = read_from(cursor)
        async for ids in catalog_ops.product_id_pages(self.http, lane):
            records: list[BaseModel] = []
            stamps: list[tuple[str, datetime]] = []
            for product_id in ids:
                try:
                    product, changed = await catalog_ops.read_product(self.http, product_id, lane)
                except NotFound:  # gone since listed, or no SKU yet: nothing to import now
                    continue
                if changed is None or (start is not None and changed < start):
                    continue
                if is_new(cursor, product_id, changed):
                    records.append(product)
                    stamps.append((product_id, changed))
            cursor = advance(cursor, stamps)
            yield Page(records=records, cursor=cursor)

    async def get_by_code(self, entity: Entity, code: str) -> BaseModel:
        """By VTEX id (for products also by RefId; an attribute is a specification field)."""
        if entity is Entity.ORDER:
            return order_from_vtex(await order_ops.read_order(self.http, code))
        if entity is Entity.PRODUCT:
            product_id = (
                code if code.isdigit() else await catalog_ops.product_id_by_ref(self.http, code)
            )
            product, _ = await catalog_ops.read_product(self.http, product_id)
            return product
        if entity is Entity.CATEGORY:
            return await catalog_ops.read_category(self.http, code)
        if entity is Entity.BRAND:
            return await catalog_ops.read_brand(self.http, code)
        if entity is Entity.ATTRIBUTE:
            return await catalog_ops.read_attribute(self.http, code)
        raise ConfigError(f"VTEX has no {entity} to read by code")

    async def upsert(self, entity: Entity, record: BaseModel) -> str:
        if isinstance(record, Product):
            return await catalog_ops.upsert_product(self.http, record)
        if isinstance(record, Category):
            return await catalog_ops.upsert_category(self.http, record)
        if isinstance(record, Brand):
            return await catalog_ops.upsert_brand(self.http, record)
        raise ConfigError(f"VTEX cannot write {entity} records ({type(record).__name__})")

    async def set_stock(self, level: Any) -> None:
        """Absolute quantity in the level's warehouse (the integration's VTEX warehouse
        Configuração, else the access settings' one); the lead time already set is kept."""
        assert isinstance(level, StockLevel)
        sku_id = await self.sku_id(level.sku)
        warehouse = self.warehouse(level.warehouse)
        current = await self.http.request(
            Api.LOGISTICS, "GET", f"/api/logistics/pvt/inventory/skus/{sku_id}"
        )
        await self.http.request(
            Api.LOGISTICS,
            "PUT",
            f"/api/logistics/pvt/inventory/skus/{sku_id}/warehouses/{warehouse}",
            json=stock_body(level, warehouse, current),
        )

    async def stock_levels(self, location: str = DEFAULT_LOCATION) -> dict[str, Decimal]:
        """SKU -> the quantity the warehouse Ponte writes to shows, for reconciliation."""
        return await stock_shown(self.http, self.warehouse(location))

    def warehouse(self, location: str) -> str:
        """The VTEX warehouse id of a platform location (the default: the access settings')."""
        return self.settings.warehouse_id if location in ("", DEFAULT_LOCATION) else location

    async def set_price(self, price: Any) -> None:
        """basePrice/listPrice, and the promotion as a dated fixed price of our trade policy;
        other trade policies' fixed prices are kept (the PUT replaces them all)."""
        assert isinstance(price, Price)
        sku_id = await self.sku_id(price.sku)
        try:
            current = await self.http.request(Api.PRICING, "GET", f"/pricing/prices/{sku_id}")
        except NotFound:
            current = None
        body = price_body(price, self.settings.sales_channel, current)
        await self.http.request(Api.PRICING, "PUT", f"/pricing/prices/{sku_id}", json=body)

    async def move_order(self, platform_order_id: str, move: OrderMove) -> None:
        await order_ops.move_order(self.http, platform_order_id, move)

    async def read_feed(self, max_lot: int = 10) -> list[order_ops.FeedItem]:
        """Feed v3 items (the fallback to the hook); commit them once handled."""
        return await order_ops.read_feed(self.http, max_lot)

    async def commit_feed(self, items: list[order_ops.FeedItem]) -> None:
        await order_ops.commit_feed(self.http, items)

    async def subscribe_notifications(self, address: str) -> int:
        """Point the account's order hook at ``address`` (one hook per app key)."""
        return await subscribe_hook(self.http, self.settings, address)

    async def unsubscribe_notifications(self, address: str) -> int:
        return await unsubscribe_hook(self.http, address)

    async def sku_id(self, ref_id: str) -> str:
        """The VTEX SKU id of our SKU code (its RefId)."""
        try:
            found = await self.http.request(
                Api.CATALOG,
                "GET",
                f"/api/catalog_system/pvt/sku/stockkeepingunitidbyrefid/{ref_id}",
            )
        except NotFound:
            found = None
        if not found:
            raise NotFound(f"no VTEX SKU with RefId {ref_id!r}")
        return str(found)

    async def aclose(self) -> None:
        await self.http.aclose()


def _outcome(error: Exception) -> CheckOutcome:
    if isinstance(error, AuthError):
        return CheckOutcome.BAD_CREDENTIALS
    if isinstance(error, ConfigError):
        return CheckOutcome.MISSING_PERMISSION
    if isinstance(error, NotFound):
        return CheckOutcome.UNKNOWN_STORE
    if isinstance(error.__cause__, httpx.TimeoutException):
        return CheckOutcome.TIMEOUT
    if isinstance(error.__cause__, httpx.TransportError):
        return CheckOutcome.UNREACHABLE
    return CheckOutcome.UNREACHABLE
