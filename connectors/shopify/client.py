"""The Shopify connector's client for one store: ``connectors.contract.PlatformClient``, plus
the raw Admin REST calls the engine's foundation flow and the demo use (shop, webhooks,
orders).

HTTP, auth, pacing and errors live in ``transport``; each concern of the contract in its own
module (``connection``, ``catalog``, ``inventory``, ``order_moves``), so this class only routes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from decimal import Decimal
from typing import Any

import httpx
from pydantic import BaseModel

from connectors.budget import Lane, RateBudget
from connectors.capabilities import Entity
from connectors.contract import ConnectionCheck, OrderMove, Page
from connectors.cursor import SyncCursor
from connectors.errors import Permanent
from connectors.shopify import catalog, connection, inventory, order_moves
from connectors.shopify.auth import OnTokens, ShopifyTokens
from connectors.shopify.settings import ShopifySettings
from connectors.shopify.stock_shown import stock_shown
from connectors.shopify.transport import (
    ACCESS_TOKEN_HEADER,
    CALL_LIMIT_HEADER,
    DEFAULT_RETRY_AFTER,
    MAX_PAGE_SIZE,
    ShopifyTransport,
    error_for,
    next_page_url,
    parse_call_limit,
)
from schemas.price import Price
from schemas.stock import StockLevel

__all__ = [
    "ACCESS_TOKEN_HEADER",
    "CALL_LIMIT_HEADER",
    "DEFAULT_RETRY_AFTER",
    "MAX_PAGE_SIZE",
    "ShopifyClient",
    "error_for",
    "next_page_url",
    "parse_call_limit",
]


NOTIFIED_TOPICS = ("orders/create", "orders/paid", "orders/cancelled")
"""The webhook topics the engine subscribes to for an integration (the ones it translates)."""


class ShopifyClient:
    """One store's Admin REST API, as the engine uses it. Every write is idempotent."""

    def __init__(
        self,
        settings: ShopifySettings,
        *,
        client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        on_tokens: OnTokens | None = None,
        budget: RateBudget | None = None,
        max_rate_limit_retries: int = 3,
    ) -> None:
        self.settings = settings
        self.api = ShopifyTransport(
            settings,
            client=client,
            transport=transport,
            on_tokens=on_tokens,
            budget=budget,
            max_rate_limit_retries=max_rate_limit_retries,
        )
        self._variants = inventory.VariantIndex(self.api)
        self._locations = inventory.Locations(self.api)

    async def __aenter__(self) -> ShopifyClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.api.aclose()

    @property
    def tokens(self) -> ShopifyTokens:
        """The access token in use (renewed ones included)."""
        return self.api.tokens

    # -- connectors.contract.PlatformClient ------------------------------------------------

    async def test_connection(self) -> ConnectionCheck:
        return await connection.check_connection(self.api)

    def list_since(
        self, entity: Entity, cursor: SyncCursor, lane: Lane = Lane.BULK
    ) -> AsyncIterator[Page]:
        return catalog.list_since(self.api, entity, cursor, lane)

    async def get_by_code(self, entity: Entity, code: str) -> BaseModel:
        return await catalog.get_by_code(self.api, entity, code)

    async def upsert(self, entity: Entity, record: BaseModel) -> str:
        return await catalog.upsert(self.api, entity, record)

    async def set_stock(self, level: Any) -> None:
        if not isinstance(level, StockLevel):
            raise Permanent(f"set_stock expects a StockLevel, got {type(level).__name__}")
        await inventory.set_stock(self.api, self._variants, self._locations, level)

    async def set_price(self, price: Any) -> None:
        if not isinstance(price, Price):
            raise Permanent(f"set_price expects a Price, got {type(price).__name__}")
        await inventory.set_price(self.api, self._variants, price)

    async def move_order(self, platform_order_id: str, move: OrderMove) -> None:
        await order_moves.move_order(self.api, platform_order_id, move)

    # -- raw Admin REST calls ---------------------------------------------------------------

    async def get_shop(self) -> dict[str, Any]:
        """The shop resource; the "test connection" call."""
        return dict((await self.api.json("GET", "/shop.json"))["shop"])

    async def list_webhooks(self, **filters: str) -> list[dict[str, Any]]:
        """This app's webhook subscriptions on the shop (filters: topic, address)."""
        return list((await self.api.json("GET", "/webhooks.json", params=filters))["webhooks"])

    async def register_webhook(self, topic: str, address: str) -> str:
        """Subscribe ``address`` to ``topic``; returns the existing subscription's id if any."""
        for webhook in await self.list_webhooks(topic=topic, address=address):
            if webhook["topic"] == topic and webhook["address"] == address:
                return str(webhook["id"])
        body = {"webhook": {"topic": topic, "address": address, "format": "json"}}
        created = await self.api.json("POST", "/webhooks.json", json=body)
        return str(created["webhook"]["id"])

    async def delete_webhook(self, webhook_id: str) -> None:
        await self.api.send("DELETE", f"/webhooks/{webhook_id}.json")

    async def stock_levels(self, location: str = "default") -> dict[str, Decimal]:
        """SKU -> the quantity the shop shows, for reconciliation: at ``location`` when the
        stock flow writes to one (Configurações ``location_id``), else over all locations."""
        return await stock_shown(self.api, None if location == "default" else location)

    async def subscribe_notifications(self, address: str) -> int:
        """Subscribe ``address`` to every topic Ponte acts on, once; how many were created."""
        have = {webhook["topic"] for webhook in await self.list_webhooks(address=address)}
        for topic in NOTIFIED_TOPICS:
            if topic not in have:
                await self.register_webhook(topic, address)
        return len(set(NOTIFIED_TOPICS) - have)

    async def unsubscribe_notifications(self, address: str) -> int:
        """Remove every subscription of ``address``; how many there were."""
        subscribed = await self.list_webhooks(address=address)
        for webhook in subscribed:
            await self.delete_webhook(str(webhook["id"]))
        return len(subscribed)

    async def get_order(self, order_id: str) -> dict[str, Any]:
        return dict((await self.api.json("GET", f"/orders/{order_id}.json"))["order"])

    async def create_order(self, order: Mapping[str, Any]) -> dict[str, Any]:
        created = await self.api.json("POST", "/orders.json", json={"order": dict(order)})
        return dict(created["order"])

    async def list_orders_since(
        self, updated_at_min: str, *, limit: int = MAX_PAGE_SIZE
    ) -> AsyncIterator[dict[str, Any]]:
        """Every order (any status) updated at or after ``updated_at_min``, across all pages."""
        params = {"status": "any", "limit": str(limit), "updated_at_min": updated_at_min}
        async for page in self.api.pages("/orders.json", "orders", params, Lane.LIVE):
            for order in page:
                yield order
