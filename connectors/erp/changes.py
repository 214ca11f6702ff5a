"""From "this entity changed" to canonical events: fetch it from the ERP, then map it.

The poller and the webhook ingress both end here, so a change emits the same events whichever
way Ponte heard of it; neither ever trusts a notification's own copy of the data.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from connectors.budget import Lane
from connectors.erp.client import ErpClient
from connectors.erp.mapping_products import (
    is_parent,
    product_from_erp,
    product_prices,
    stock_levels,
)
from connectors.erp.mapping_status import status_changed
from connectors.errors import NotFound
from schemas.events import (
    EventPayload,
    OrderStatusChanged,
    PriceChanged,
    ProductChanged,
    StockChanged,
)


def idempotency_key(event: EventPayload) -> str:
    """Same content, same key: a change heard twice (poll and push, or a re-read) dedups."""
    digest = hashlib.sha256(event.model_dump_json().encode()).hexdigest()[:32]
    return f"erp:{event.type}:{digest}"


async def product_events(
    client: ErpClient, ref: str, *, lane: Lane = Lane.BULK
) -> list[EventPayload]:
    """ProductChanged for the family `ref` (any member's code or id) belongs to, and one
    PriceChanged per variant; nothing when the product no longer exists."""
    try:
        doc = await client.products.get_product(ref, lane=lane)
        if not is_parent(doc):
            doc = await client.products.get_product(str(doc["idProdutoMaster"]), lane=lane)
    except NotFound:
        return []
    product = product_from_erp(doc)
    events: list[EventPayload] = [ProductChanged(product=product)]
    events.extend(PriceChanged(price=price) for price in product_prices(product))
    return events


async def stock_events(
    client: ErpClient,
    codigo: str,
    *,
    measured_at: datetime,
    default_deposit: str,
    lane: Lane = Lane.BULK,
) -> list[EventPayload]:
    """One StockChanged per deposit, each an absolute quantity read just now."""
    try:
        saldos = await client.stock.get_stock(codigo, lane=lane)
    except NotFound:
        return []
    levels = stock_levels(saldos, measured_at=measured_at, default_deposit=default_deposit)
    return [StockChanged(level=level) for level in levels]


async def order_events(
    client: ErpClient, pedido: dict[str, Any], *, lane: Lane = Lane.BULK
) -> list[EventPayload]:
    """OrderStatusChanged for an order as the ERP holds it, with its NF-e when it has one."""
    nfe = await client.invoices.invoice_of_order(pedido, lane=lane)
    event: OrderStatusChanged | None = status_changed(pedido, nfe)
    return [] if event is None else [event]


async def order_events_by_id(
    client: ErpClient, erp_id: str, *, lane: Lane = Lane.BULK
) -> list[EventPayload]:
    try:
        pedido = await client.get_order(erp_id, lane=lane)
    except NotFound:
        return []
    return await order_events(client, pedido, lane=lane)
