"""The stock the shop shows per SKU, for reconciliation: each variant's ``inventory_quantity``
(the sum over the shop's locations), from one sweep of ``products.json``."""

from __future__ import annotations

from decimal import Decimal

from connectors.budget import Lane
from connectors.shopify.mapping_values import text
from connectors.shopify.transport import MAX_PAGE_SIZE, ShopifyTransport


async def stock_shown(api: ShopifyTransport) -> dict[str, Decimal]:
    """SKU -> quantity shown; variants without a SKU cannot be compared and are left out."""
    params = {"limit": str(MAX_PAGE_SIZE), "fields": "id,variants"}
    shown: dict[str, Decimal] = {}
    async for page in api.pages("/products.json", "products", params, Lane.BULK):
        for product in page:
            for variant in product.get("variants") or []:
                if sku := text(variant.get("sku")):
                    shown[sku] = Decimal(int(variant.get("inventory_quantity") or 0))
    return shown
