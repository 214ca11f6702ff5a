"""Tray's PlatformClient: what the engine asks of one store, over ``TraySession``."""

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
from connectors.errors import AuthError, ConfigError, NotFound, Permanent, Retryable
from connectors.tray import writes
from connectors.tray.auth import TrayTokens
from connectors.tray.http import TokensHook, TraySession
from connectors.tray.mapping import (
    attribute_from_tray,
    brand_from_tray,
    category_from_tray,
    product_from_tray,
)
from connectors.tray.mapping_orders import order_from_tray
from connectors.tray.moves import OrderMover
from connectors.tray.paging import next_page, page_params, records
from connectors.tray.settings import TraySettings
from connectors.tray.values import decimal, instant, store_day, text
from schemas.price import Price
from schemas.stock import StockLevel

# entity -> (list path, plural key, singular key)
LISTS: dict[Entity, tuple[str, str, str]] = {
    Entity.PRODUCT: ("/products", "Products", "Product"),
    Entity.ORDER: ("/orders", "Orders", "Order"),
    Entity.CATEGORY: ("/categories", "Categories", "Category"),
    Entity.BRAND: ("/products/brands", "Brands", "Brand"),
    # "características"; the reference documents no read by id, so one is found in this list.
    # The `Properties`/`Property` keys are UNCONFIRMED (Tray's usual list wrapping).
    Entity.ATTRIBUTE: ("/products/properties", "Properties", "Property"),
}
DATED = frozenset({Entity.PRODUCT, Entity.ORDER})  # the lists Tray filters by `modified`


class TrayClient:
    """One Tray store, as the engine uses it."""

    def __init__(
        self,
        settings: TraySettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        budget: RateBudget | None = None,
        on_tokens: TokensHook | None = None,
    ) -> None:
        self.session = TraySession(
            settings, transport=transport, budget=budget, on_tokens=on_tokens
        )
        self._mover = OrderMover(self.session)

    @property
    def tokens(self) -> TrayTokens | None:
        """The current tokens (after an exchange or refresh: persist them)."""
        return self.session.tokens

    async def aclose(self) -> None:
        await self.session.aclose()

    async def test_connection(self) -> ConnectionCheck:
        """ "Testar Conexão": read the store's info (``GET /info``)."""
        try:
            info = await self.session.call("GET", "/info")
        except AuthError as exc:
            return ConnectionCheck(CheckOutcome.BAD_CREDENTIALS, exc.describe())
        except NotFound as exc:
            return ConnectionCheck(
                CheckOutcome.UNKNOWN_STORE, f"no Tray store API here: {exc.describe()}"
            )
        except ConfigError as exc:
            if exc.status == 403:
                return ConnectionCheck(
                    CheckOutcome.MISSING_PERMISSION,
                    "the app lacks permission on this store's resources (HTTP 403): "
                    + exc.describe(),
                )
            return ConnectionCheck(CheckOutcome.UNKNOWN_STORE, exc.describe())
        except Retryable as exc:
            timed_out = isinstance(exc.__cause__, httpx.TimeoutException)
            outcome = CheckOutcome.TIMEOUT if timed_out else CheckOutcome.UNREACHABLE
            return ConnectionCheck(outcome, exc.describe())
        except Permanent as exc:
            return ConnectionCheck(CheckOutcome.UNREACHABLE, exc.describe())
        name = info.get("name") if isinstance(info, dict) else None
        return ConnectionCheck(CheckOutcome.OK, "store info read", store_name=name)

    async def _pages(
        self, entity: Entity, params: dict[str, str], lane: Lane
    ) -> AsyncIterator[list[dict[str, Any]]]:
        path, plural, singular = LISTS[entity]
        page: int | None = 1
        while page is not None:
            body = await self.session.call(
                "GET", path, params={**params, **page_params(page)}, lane=lane
            )
            yield records(body, plural, singular)
            page = next_page(body)

    async def list_since(
        self, entity: Entity, cursor: SyncCursor, lane: Lane = Lane.BULK
    ) -> AsyncIterator[Page]:
        """Records changed since the cursor. Tray filters by day, so the exact instant and the
        records already seen are filtered here; the cursor advances only with the last page
        (pages come by id, not by date), so a pass cut short is read again, never skipped."""
        if entity not in LISTS:
            raise ConfigError(f"Tray cannot list {entity}")
        since = read_from(cursor) if entity in DATED else None
        params = {"sort": "id_asc"}
        if since is not None:
            tomorrow = datetime.now(UTC) + timedelta(days=1)
            params["modified"] = f"{store_day(since)},{store_day(tomorrow)}"
        stamps: list[tuple[str, datetime]] = []
        pending: list[BaseModel] | None = None
        async for rows in self._pages(entity, params, lane):
            fresh = [row for row in rows if _fresh(row, cursor, since)] if entity in DATED else rows
            stamps.extend((str(r["id"]), at) for r in fresh if (at := instant(r.get("modified"))))
            if pending is not None:
                yield Page(pending, cursor)
            pending = [await self._full(entity, row, lane) for row in fresh]
        yield Page(pending or [], advance(cursor, stamps) if entity in DATED else cursor)

    async def _full(self, entity: Entity, row: dict[str, Any], lane: Lane) -> BaseModel:
        """The canonical record of a list row, fetching what the list leaves out."""
        if entity is Entity.ORDER:
            body = await self.session.call("GET", f"/orders/{row['id']}/complete", lane=lane)
            order = body["Order"]
            if str(order.get("has_invoice")) == "1":  # /complete lists NF-e ids only
                held = await self.session.call("GET", f"/orders/{row['id']}/invoices", lane=lane)
                order = {**order, "OrderInvoice": records(held, "OrderInvoices", "OrderInvoice")}
            return order_from_tray(order)
        if entity is Entity.PRODUCT:
            return product_from_tray(row, await self._variants(str(row["id"]), row, lane))
        if entity is Entity.CATEGORY:
            return category_from_tray(row)
        if entity is Entity.ATTRIBUTE:
            return attribute_from_tray(row)
        return brand_from_tray(row)

    async def _variants(
        self, product_id: str, product: dict[str, Any], lane: Lane
    ) -> list[dict[str, Any]]:
        if str(product.get("has_variation", "0")) != "1" and not product.get("Variant"):
            return []
        found: list[dict[str, Any]] = []
        page: int | None = 1
        while page is not None:
            params = {"product_id": product_id, "sort": "id_asc", **page_params(page)}
            body = await self.session.call("GET", "/products/variants", params=params, lane=lane)
            found.extend(records(body, "Variants", "Variant"))
            page = next_page(body)
        return found

    async def stock_levels(self, location: str = "default") -> dict[str, Decimal]:
        """SKU -> the stock the store shows (each variation's, else the product's own), for
        reconciliation."""
        shown: dict[str, Decimal] = {}
        async for rows in self._pages(Entity.PRODUCT, {"sort": "id_asc"}, Lane.BULK):
            for row in rows:
                for item in await self._variants(str(row["id"]), row, Lane.BULK) or [row]:
                    stock = decimal(item.get("stock"))
                    if stock is not None:
                        shown[text(item.get("reference")) or str(item["id"])] = stock
        return shown

    async def get_by_code(self, entity: Entity, code: str) -> BaseModel:
        """One record by its Tray id."""
        if entity is Entity.ORDER:
            return await self._full(entity, {"id": code}, Lane.LIVE)
        if entity is Entity.PRODUCT:
            body = await self.session.call("GET", f"/products/{code}")
            return product_from_tray(
                body["Product"], await self._variants(code, body["Product"], Lane.LIVE)
            )
        if entity is Entity.CATEGORY:
            return category_from_tray(
                (await self.session.call("GET", f"/categories/{code}"))["Category"]
            )
        if entity is Entity.BRAND:
            return brand_from_tray(
                (await self.session.call("GET", f"/products/brands/{code}"))["Brand"]
            )
        if entity is Entity.ATTRIBUTE:
            return await self._property(code)
        raise ConfigError(f"Tray cannot read {entity} by code")

    async def _property(self, code: str) -> BaseModel:
        """A property by id, found in the paged list (Tray documents no ``GET`` by id)."""
        async for rows in self._pages(Entity.ATTRIBUTE, {"sort": "id_asc"}, Lane.LIVE):
            for row in rows:
                if str(row.get("id")) == code:
                    return attribute_from_tray(row)
        raise NotFound(f"Tray has no product property {code}")

    async def upsert(self, entity: Entity, record: BaseModel) -> str:
        """Create or update; returns the Tray id. Idempotent: records are found by code first."""
        return await writes.upsert(self.session, entity, record)

    async def set_stock(self, level: StockLevel) -> None:
        """Absolute stock of a SKU (a variant's or a product's without variations)."""
        await writes.set_stock(self.session, level)

    async def set_price(self, price: Price) -> None:
        """Price and promotional price with its window, on the SKU's variant or product."""
        await writes.set_price(self.session, price)

    async def move_order(self, platform_order_id: str, move: OrderMove) -> None:
        """Move an order to the store's own status for ``move`` (statuses differ per store)."""
        await self._mover.move(platform_order_id, move)


def _fresh(row: dict[str, Any], cursor: SyncCursor, since: datetime | None) -> bool:
    modified = instant(row.get("modified"))
    if modified is None:
        return since is None
    if since is not None and modified < since:
        return False
    return is_new(cursor, str(row["id"]), modified)
