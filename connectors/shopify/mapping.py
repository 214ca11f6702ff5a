"""Shopify REST order JSON -> canonical ``Order``: pure functions, no I/O.

The payload is the order object as the orders/* webhooks deliver it, or the body of
``GET /orders/{id}.json`` (the same object under an ``"order"`` key). Bodies must be parsed with
a parser that keeps 64-bit integers exact (orjson, Python ``json``); amounts are Shopify's
strings turned into ``Decimal`` directly. How floats and ids are treated is described in
``mapping_values``; the buyer and addresses in ``mapping_parties``.

Rules chosen where Shopify and the canonical model do not line up one to one:

- Status: ``order_status_from_shopify`` (cancellation, then fulfilment, then payment).
- Item discount: the sum of the line's ``discount_allocations`` (Shopify's recommended field,
  and the only one filled in current payloads, where ``total_discount`` is "0.00"); the
  deprecated ``total_discount`` only when there are no allocations. Adding both would count the
  same discount twice on shops that still fill ``total_discount``.
- Payments: successful ``transactions`` when the caller merged them into the payload (they are
  not part of the order object): sales and captures, else authorisations. Otherwise one Payment
  for the first of ``payment_gateway_names`` (legacy ``gateway``) with the order total: the order
  does not say how the total splits between several gateways, and one Payment per gateway each
  with the total would double the money.
- Totals are Shopify's own figures, not recomputed from the items.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

import orjson
from pydantic import ValidationError

from connectors.errors import Permanent
from connectors.shopify.mapping_parties import address_from_shopify, customer_from_shopify
from connectors.shopify.mapping_values import (
    external_id,
    first_text,
    money,
    money_or_zero,
    preferred_id,
    records,
    shop_amount,
    text,
    timestamp,
)
from schemas.order import Discount, Order, OrderItem, OrderTotals, Payment, Shipping, Tracking
from schemas.order_status import OrderStatus

PLATFORM = "shopify"

STATUS_BY_FULFILLMENT = {
    "fulfilled": OrderStatus.SHIPPED,
    # Some items have shipped, the rest is still being prepared. The lifecycle has no "partly
    # shipped": SHIPPED would claim everything went out, skip INVOICED and refuse a cancellation
    # of the rest; IN_HANDLING is past PAID, still cancelable, and moves on to INVOICED/SHIPPED.
    "partial": OrderStatus.IN_HANDLING,
}
STATUS_BY_FINANCIAL = {
    "pending": OrderStatus.PENDING_PAYMENT,
    "authorized": OrderStatus.PENDING_PAYMENT,
    "partially_paid": OrderStatus.PENDING_PAYMENT,
    "expired": OrderStatus.PENDING_PAYMENT,
    "paid": OrderStatus.PAID,
    "partially_refunded": OrderStatus.PAID,
    "refunded": OrderStatus.CANCELED,
    "voided": OrderStatus.CANCELED,
}
UNKNOWN_FINANCIAL_STATUS = OrderStatus.PENDING_PAYMENT
"""An unlisted or missing financial status is treated as unpaid: the ERP must not invoice it."""

_CAPTURE_KINDS = frozenset({"sale", "capture"})

T = TypeVar("T")


def unwrap_order(body: Mapping[str, Any]) -> Mapping[str, Any]:
    """The order object of a webhook body (itself) or of a GET response (under ``"order"``)."""
    inner = body.get("order")
    return inner if len(body) == 1 and isinstance(inner, Mapping) else body


def order_from_shopify_json(body: bytes | str) -> Order:
    """Parse a raw webhook or GET body with orjson (64-bit ints exact) and map it."""
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise Permanent("Shopify order body is not JSON") from exc
    if not isinstance(parsed, Mapping):
        raise Permanent("Shopify order body is not a JSON object")
    return order_from_shopify(parsed)


def order_from_shopify(payload: Mapping[str, Any]) -> Order:
    """The canonical Order for a Shopify REST order; ``Permanent`` when it cannot map."""
    order = unwrap_order(payload)
    order_id = preferred_id(order, "order.id")
    try:
        return _order(order, order_id)
    except ValidationError as exc:
        raise Permanent(
            f"Shopify order {order_id} does not fit the canonical order: {exc}"
        ) from exc


def _order(order: Mapping[str, Any], order_id: str | None) -> Order:
    financial, fulfillment = (
        text(order.get("financial_status")),
        text(order.get("fulfillment_status")),
    )
    return Order(
        platform=PLATFORM,
        platform_order_id=_required(order_id, "id"),
        number=_order_number(order),
        status=order_status_from_shopify(financial, fulfillment, text(order.get("cancelled_at"))),
        platform_status=f"{financial or 'unknown'}/{fulfillment or 'unfulfilled'}",
        customer=customer_from_shopify(order),
        billing_address=address_from_shopify(order.get("billing_address")),
        shipping_address=address_from_shopify(order.get("shipping_address")),
        items=[item_from_shopify(line) for line in records(order.get("line_items"))],
        shipping=shipping_from_shopify(order),
        payments=payments_from_shopify(order),
        discounts=discounts_from_shopify(order),
        totals=totals_from_shopify(order),
        currency=_required(text(order.get("currency")), "currency"),
        sales_channel=text(order.get("source_name")),
        note=text(order.get("note")),
        created_at=_required(_created_at(order), "created_at"),
        updated_at=timestamp(order.get("updated_at"), "updated_at"),
        paid_at=paid_at_from_transactions(order.get("transactions")),
        canceled_at=timestamp(order.get("cancelled_at"), "cancelled_at"),
        cancel_reason=text(order.get("cancel_reason")),
    )


def order_status_from_shopify(
    financial_status: str | None, fulfillment_status: str | None, cancelled_at: str | None
) -> OrderStatus:
    """Canonical status: cancelled wins, then the fulfilment table, then the payment table."""
    if cancelled_at:
        return OrderStatus.CANCELED
    by_fulfillment = STATUS_BY_FULFILLMENT.get(fulfillment_status or "")
    if by_fulfillment is not None:
        return by_fulfillment
    return STATUS_BY_FINANCIAL.get(financial_status or "", UNKNOWN_FINANCIAL_STATUS)


def item_from_shopify(line: Mapping[str, Any]) -> OrderItem:
    """One line item; ``quantity`` is the ordered quantity (edits show in ``current_quantity``)."""
    return OrderItem(
        sku=text(line.get("sku")),
        name=_required(first_text(line.get("title"), line.get("name")), "line_items.title"),
        variant_name=text(line.get("variant_title")),
        quantity=money(line.get("quantity"), "line_items.quantity"),
        unit_price=money(line.get("price"), "line_items.price"),
        discount=item_discount(line),
        platform_product_id=external_id(line.get("product_id"), "line_items.product_id"),
        platform_variant_id=external_id(line.get("variant_id"), "line_items.variant_id"),
        platform_item_id=preferred_id(line, "line_items.id"),
    )


def item_discount(line: Mapping[str, Any]) -> Decimal:
    """Sum of ``discount_allocations``; the deprecated ``total_discount`` when there are none."""
    allocations = records(line.get("discount_allocations"))
    if allocations:
        field = "line_items.discount_allocations.amount"
        return sum((money(share.get("amount"), field) for share in allocations), Decimal(0))
    return money_or_zero(line.get("total_discount"), "line_items.total_discount")


def shipping_from_shopify(order: Mapping[str, Any]) -> Shipping:
    """Carrier and method of the first shipping line, the order's shipping price, any tracking."""
    lines = _shipping_lines(order)
    first = lines[0] if lines else {}
    return Shipping(
        carrier=first_text(first.get("carrier_identifier"), first.get("source")),
        method=text(first.get("title")),
        price=shipping_price(order),
        tracking=tracking_from_fulfillments(order.get("fulfillments")),
    )


def shipping_price(order: Mapping[str, Any]) -> Decimal:
    """``total_shipping_price_set`` in shop money, else the sum of the shipping lines' prices."""
    total = shop_amount(order.get("total_shipping_price_set"), "total_shipping_price_set")
    if total is not None:
        return total
    prices = (money(line.get("price"), "shipping_lines.price") for line in _shipping_lines(order))
    return sum(prices, Decimal(0))


def _shipping_lines(order: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [line for line in records(order.get("shipping_lines")) if not line.get("is_removed")]


def tracking_from_fulfillments(fulfillments: Any) -> Tracking | None:
    """Tracking of the latest successful fulfilment that has a number (None at creation)."""
    shipped = [
        fulfillment
        for fulfillment in records(fulfillments)
        if fulfillment.get("status") == "success" and text(fulfillment.get("tracking_number"))
    ]
    if not shipped:
        return None
    latest = shipped[-1]
    return Tracking(
        code=str(latest["tracking_number"]),
        carrier=text(latest.get("tracking_company")),
        url=text(latest.get("tracking_url")),
    )


def payments_from_shopify(order: Mapping[str, Any]) -> list[Payment]:
    """Payments from merged ``transactions`` when present, else the first gateway and the total."""
    from_transactions = [
        Payment(
            method=text(deal.get("gateway")) or "unknown",
            amount=money(deal.get("amount"), "transactions.amount"),
            status="paid" if deal.get("kind") in _CAPTURE_KINDS else "authorized",
        )
        for deal in _settling_transactions(order.get("transactions"))
    ]
    if from_transactions:
        return from_transactions
    gateways = [name for name in order.get("payment_gateway_names") or [] if text(name)]
    gateway = text(gateways[0]) if gateways else text(order.get("gateway"))
    if gateway is None:
        return []
    total = money(order.get("total_price"), "total_price")
    return [Payment(method=gateway, amount=total, status=text(order.get("financial_status")))]


def _settling_transactions(transactions: Any) -> list[Mapping[str, Any]]:
    succeeded = [deal for deal in records(transactions) if deal.get("status") == "success"]
    captured = [deal for deal in succeeded if deal.get("kind") in _CAPTURE_KINDS]
    return captured or [deal for deal in succeeded if deal.get("kind") == "authorization"]


def paid_at_from_transactions(transactions: Any) -> datetime | None:
    """When the first successful sale or capture was processed; None without transactions."""
    instants = [
        timestamp(deal.get("processed_at") or deal.get("created_at"), "transactions.processed_at")
        for deal in records(transactions)
        if deal.get("status") == "success" and deal.get("kind") in _CAPTURE_KINDS
    ]
    known = [instant for instant in instants if instant is not None]
    return min(known) if known else None


def discounts_from_shopify(order: Mapping[str, Any]) -> list[Discount]:
    """The ``discount_codes`` entries: code, type (absent in old payloads) and amount."""
    return [
        Discount(
            code=text(entry.get("code")),
            kind=text(entry.get("type")),
            amount=money(entry.get("amount"), "discount_codes.amount"),
        )
        for entry in records(order.get("discount_codes"))
    ]


def totals_from_shopify(order: Mapping[str, Any]) -> OrderTotals:
    """Shopify's own order totals in shop currency."""
    return OrderTotals(
        subtotal=money(order.get("subtotal_price"), "subtotal_price"),
        discount=money_or_zero(order.get("total_discounts"), "total_discounts"),
        shipping=shipping_price(order),
        tax=money_or_zero(order.get("total_tax"), "total_tax"),
        total=money(order.get("total_price"), "total_price"),
    )


def _order_number(order: Mapping[str, Any]) -> str:
    # "name" ("#1001") is what merchant and buyer see; order_number only for trimmed payloads.
    number = text(order.get("name")) or external_id(order.get("order_number"), "order_number")
    return _required(number, "name")


def _created_at(order: Mapping[str, Any]) -> datetime | None:
    # The canonical order has no processed_at; it stands in only when created_at is missing.
    created = timestamp(order.get("created_at"), "created_at")
    return created or timestamp(order.get("processed_at"), "processed_at")


def _required(value: T | None, field: str) -> T:
    if value is None:
        raise Permanent(f"Shopify order has no {field}")
    return value
