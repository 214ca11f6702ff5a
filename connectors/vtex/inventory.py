"""Reading the stock a VTEX account shows, for reconciliation.

VTEX has no stock listing: each SKU's balances are one Logistics GET, per warehouse. So the
catalogue is walked (GetProductAndSkuIds ranges, then each product's SKUs for their RefIds, our
SKU codes) and each SKU's inventory is read in the BULK lane, through the same per-API budgets as
every other call of the account, a few at a time. Only the warehouse Ponte writes to counts:
what other warehouses hold is not ours to compare.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from connectors.budget import Lane
from connectors.errors import NotFound
from connectors.vtex.catalog_ops import product_id_pages
from connectors.vtex.transport import Api, VtexHttp

CONCURRENT_READS = 4
"""SKUs read at once: the budget paces the calls, this only bounds the open requests."""


def warehouse_quantity(inventory: Mapping[str, Any], warehouse_id: str) -> Decimal | None:
    """The quantity ``warehouse_id`` holds of one SKU (``totalQuantity``, what the inventory PUT
    sets); None when the SKU has no balance there or is unlimited (nothing to compare)."""
    for balance in inventory.get("balance") or []:
        if str(balance.get("warehouseId")) != warehouse_id:
            continue
        if balance.get("hasUnlimitedQuantity"):
            return None
        quantity = balance.get("totalQuantity")
        return None if quantity is None else Decimal(str(quantity))
    return None


async def stock_shown(http: VtexHttp, warehouse_id: str) -> dict[str, Decimal]:
    """SKU code (RefId) -> the quantity ``warehouse_id`` shows, for every SKU of the account."""
    shown: dict[str, Decimal] = {}
    gate = asyncio.Semaphore(CONCURRENT_READS)

    async def read(product_id: str) -> None:
        async with gate:
            skus = await _sku_refs(http, product_id)
        for ref_id, sku_id in skus:
            async with gate:
                quantity = await _sku_quantity(http, sku_id, warehouse_id)
            if quantity is not None:
                shown[ref_id] = quantity

    async for product_ids in product_id_pages(http, Lane.BULK):
        await asyncio.gather(*(read(product_id) for product_id in product_ids))
    return shown


async def _sku_refs(http: VtexHttp, product_id: str) -> list[tuple[str, str]]:
    """(RefId, SKU id) of a product's SKUs; a SKU without a RefId is not one of ours."""
    path = f"/api/catalog_system/pvt/sku/stockkeepingunitByProductId/{product_id}"
    skus = await http.request(Api.CATALOG, "GET", path, lane=Lane.BULK)
    return [(str(s["RefId"]), str(s["Id"])) for s in skus or [] if s.get("RefId")]


async def _sku_quantity(http: VtexHttp, sku_id: str, warehouse_id: str) -> Decimal | None:
    path = f"/api/logistics/pvt/inventory/skus/{sku_id}"
    try:
        inventory = await http.request(Api.LOGISTICS, "GET", path, lane=Lane.BULK)
    except NotFound:  # removed since the catalogue listed it
        return None
    return warehouse_quantity(inventory or {}, warehouse_id)
