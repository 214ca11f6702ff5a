"""The stock the shop shows per SKU, for reconciliation: each variant's ``inventory_quantity``
(the sum over the shop's locations), from one sweep of ``products.json``; or, for a stock flow
that writes to one location, the ``available`` of each variant's inventory item there."""

from __future__ import annotations

from decimal import Decimal

from connectors.budget import Lane
from connectors.shopify.mapping_values import text
from connectors.shopify.transport import MAX_PAGE_SIZE, ShopifyTransport

LEVELS_PER_CALL = 50  # inventory_levels.json takes at most 50 inventory_item_ids


async def stock_shown(api: ShopifyTransport, location_id: str | None = None) -> dict[str, Decimal]:
    """SKU -> quantity shown; variants without a SKU cannot be compared and are left out."""
    params = {"limit": str(MAX_PAGE_SIZE), "fields": "id,variants"}
    shown: dict[str, Decimal] = {}
    items: dict[str, str] = {}  # inventory_item_id -> SKU
    async for page in api.pages("/products.json", "products", params, Lane.BULK):
        for product in page:
            for variant in product.get("variants") or []:
                if sku := text(variant.get("sku")):
                    shown[sku] = Decimal(int(variant.get("inventory_quantity") or 0))
                    if (item := variant.get("inventory_item_id")) is not None:
                        items[str(item)] = sku
    if location_id is None:
        return shown
    return await _available_at(api, location_id, items)


async def _available_at(
    api: ShopifyTransport, location_id: str, items: dict[str, str]
) -> dict[str, Decimal]:
    """SKU -> available at ``location_id``; an item not stocked there shows 0."""
    at_location = dict.fromkeys(items.values(), Decimal(0))
    ids = sorted(items)
    for start in range(0, len(ids), LEVELS_PER_CALL):
        batch = ids[start : start + LEVELS_PER_CALL]
        params = {"location_ids": location_id, "inventory_item_ids": ",".join(batch)}
        levels = await api.json("GET", "/inventory_levels.json", params=params, lane=Lane.BULK)
        for level in levels.get("inventory_levels") or []:
            sku = items.get(str(level.get("inventory_item_id")))
            if sku is not None:
                at_location[sku] = Decimal(int(level.get("available") or 0))
    return at_location
