"""Bodies for the Logistics inventory PUT and the Pricing PUT, merged into what VTEX holds.

Both PUTs replace: the inventory PUT zeroes an omitted ``leadTime``, the price PUT replaces
every fixed price of the SKU. So each body starts from the current record.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from connectors.vtex.mapping_values import to_units
from schemas.price import Price
from schemas.stock import StockLevel


def stock_body(
    level: StockLevel, warehouse_id: str, current: dict[str, Any] | None
) -> dict[str, Any]:
    """``{quantity, unlimitedQuantity: false, leadTime, dateUtcOnBalanceSystem}``; absolute."""
    quantity = level.quantity
    if quantity != quantity.to_integral_value():
        raise ValueError(f"VTEX stock is whole units, got {quantity}")
    balance: dict[str, Any] = next(
        (
            b
            for b in (current or {}).get("balance") or []
            if str(b.get("warehouseId")) == warehouse_id
        ),
        {},
    )
    return {
        "quantity": max(int(quantity), 0),
        "unlimitedQuantity": False,
        "leadTime": balance.get("leadTime") or "00:00:00",
        "dateUtcOnBalanceSystem": level.measured_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
    }


def price_body(price: Price, trade_policy: str, current: dict[str, Any] | None) -> dict[str, Any]:
    """basePrice (costPrice and markup follow), listPrice, and the fixed prices."""
    kept = [
        {k: v for k, v in fixed.items() if v is not None}  # the PUT refuses nulls it sent back
        for fixed in (current or {}).get("fixedPrices") or []
        if str(fixed.get("tradePolicyId")) != trade_policy
    ]
    if price.promotional_price is not None:
        promotion: dict[str, Any] = {
            "tradePolicyId": trade_policy,
            "value": to_units(price.promotional_price),
            "listPrice": to_units(price.price),
            "minQuantity": 1,
        }
        if price.promotion_starts_at and price.promotion_ends_at:
            promotion["dateRange"] = {
                "from": price.promotion_starts_at.isoformat(),
                "to": price.promotion_ends_at.isoformat(),
            }
        kept.append(promotion)
    body: dict[str, Any] = {"basePrice": to_units(price.price), "listPrice": to_units(price.price)}
    body["fixedPrices"] = kept
    return body
