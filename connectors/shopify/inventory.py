"""Stock and price of one SKU: absolute stock through ``inventory_levels/set.json`` (never
``adjust.json``: a retried delta applies twice), price through ``PUT variants/{id}.json``.

Finding a SKU. The REST API cannot search variants by SKU, so the client keeps an index
SKU -> (variant id, inventory item id) built from one sweep of ``products.json?fields=id,variants``
and rebuilt when a SKU is missing or an id it holds has gone (GraphQL's
``productVariants(query: "sku:...")`` would avoid the sweep; REST is what this connector speaks).

Locations. ``StockLevel.warehouse`` is matched against the shop's locations by id, then by name
(case-insensitive); a shop with a single active location takes any warehouse there. Otherwise the
level is refused (ConfigError naming the locations): writing one deposit's stock into another
location would be wrong silently.

Prices. Shopify has no scheduled prices in REST: a promotion is applied while its window is
open (``promotion_starts_at`` <= now < ``promotion_ends_at``) at the time the price is pushed; the
ERP must push again when the window opens or closes. ``Price.currency`` is assumed to be the
shop's currency, and ``price_list`` other than the default cannot be told apart here (Shopify
has one price per variant outside B2B catalogs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from connectors.budget import Lane
from connectors.errors import ConfigError, NotFound, Permanent
from connectors.shopify.mapping_catalog import prices_to_shopify
from connectors.shopify.mapping_values import text
from connectors.shopify.transport import MAX_PAGE_SIZE, ShopifyTransport
from schemas.price import Price
from schemas.stock import StockLevel


@dataclass(frozen=True)
class VariantRef:
    variant_id: int
    inventory_item_id: int | None


class VariantIndex:
    """SKU -> variant, from a sweep of the shop's products, rebuilt on a miss."""

    def __init__(self, api: ShopifyTransport) -> None:
        self._api = api
        self._by_sku: dict[str, VariantRef] | None = None

    async def find(self, sku: str, *, fresh: bool = False) -> VariantRef:
        if self._by_sku is None or fresh or sku not in self._by_sku:
            self._by_sku = await self._sweep()
        found = self._by_sku.get(sku)
        if found is None:
            raise NotFound(f"no Shopify variant has the SKU {sku!r}")
        return found

    async def _sweep(self) -> dict[str, VariantRef]:
        params = {"limit": str(MAX_PAGE_SIZE), "fields": "id,variants"}
        index: dict[str, VariantRef] = {}
        async for page in self._api.pages("/products.json", "products", params, Lane.LIVE):
            for product in page:
                for variant in product.get("variants") or []:
                    if sku := text(variant.get("sku")):
                        index[sku] = VariantRef(variant["id"], variant.get("inventory_item_id"))
        return index


class Locations:
    """The shop's locations, read once."""

    def __init__(self, api: ShopifyTransport) -> None:
        self._api = api
        self._all: list[dict[str, Any]] | None = None

    async def resolve(self, warehouse: str) -> int:
        if self._all is None:
            self._all = list((await self._api.json("GET", "/locations.json"))["locations"])
        active = [loc for loc in self._all if loc.get("active", True) is not False]
        wanted = warehouse.strip().lower()
        for location in active:
            if wanted in (str(location["id"]), str(location.get("name", "")).strip().lower()):
                return int(location["id"])
        if len(active) == 1:
            return int(active[0]["id"])
        names = ", ".join(f"{loc['id']} ({loc.get('name')})" for loc in active)
        raise ConfigError(f"warehouse {warehouse!r} matches no Shopify location; known: {names}")


async def set_stock(
    api: ShopifyTransport, variants: VariantIndex, locations: Locations, level: StockLevel
) -> None:
    """Set the SKU's available quantity at the warehouse's location, absolutely."""
    if level.quantity != level.quantity.to_integral_value():
        raise Permanent(f"Shopify stock is whole units; {level.sku} has {level.quantity}")
    location_id = await locations.resolve(level.warehouse)
    for fresh in (False, True):
        ref = await variants.find(level.sku, fresh=fresh)
        if ref.inventory_item_id is None:
            raise Permanent(f"Shopify variant {ref.variant_id} ({level.sku}) has no inventory item")
        body = {
            "location_id": location_id,
            "inventory_item_id": ref.inventory_item_id,
            "available": int(level.quantity),
        }
        try:
            await api.json("POST", "/inventory_levels/set.json", json=body)
            return
        except NotFound:
            if fresh:
                raise  # the index was just rebuilt: the item is really gone


async def set_price(
    api: ShopifyTransport, variants: VariantIndex, price: Price, now: datetime | None = None
) -> None:
    """The variant's ``price`` / ``compare_at_price`` for the price and an open promotion."""
    moment = now or datetime.now(UTC)
    promotional = price.promotional_price if promotion_open(price, moment) else None
    for fresh in (False, True):
        ref = await variants.find(price.sku, fresh=fresh)
        body = {"variant": {"id": ref.variant_id, **prices_to_shopify(price.price, promotional)}}
        try:
            await api.json("PUT", f"/variants/{ref.variant_id}.json", json=body)
            return
        except NotFound:
            if fresh:
                raise


def promotion_open(price: Price, now: datetime) -> bool:
    if price.promotional_price is None:
        return False
    started = price.promotion_starts_at is None or price.promotion_starts_at <= now
    not_ended = price.promotion_ends_at is None or now < price.promotion_ends_at
    return started and not_ended
