"""Nuvemshop order JSON -> the canonical order, customer and addresses. Pure functions.

The order carries its billing address flat (`billing_address` is the street, `billing_number`,
`billing_floor`, `billing_locality` ...) and its shipping address as an object; both have the
Brazilian `number` / `floor` (complemento) / `locality` (bairro) fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson

from connectors.nuvemshop.mapping_values import decimal, digits, money, text, timestamp
from schemas.address import Address
from schemas.customer import Customer, DocumentType
from schemas.order import Discount, Order, OrderItem, OrderTotals, Payment, Shipping, Tracking
from schemas.order_status import OrderStatus

PLATFORM = "nuvemshop"
_CANCELED_PAYMENTS = frozenset({"voided", "refunded"})
_PAID_PAYMENTS = frozenset({"paid", "authorized"})
_SHIPPED = frozenset({"fulfilled", "shipped"})
# Newer stores go unpacked -> unfulfilled (packed) -> fulfilled; the v1 samples say "unshipped".
_PACKED = frozenset({"unfulfilled"})
_CPF_DIGITS, _CNPJ_DIGITS = 11, 14


def order_from_nuvemshop_json(body: bytes | str) -> Order:
    """An order from a raw GET /orders/{id} answer."""
    payload = orjson.loads(body)
    if not isinstance(payload, dict):
        raise ValueError("a Nuvemshop order is a JSON object")
    return order_from_nuvemshop(payload)


def order_from_nuvemshop(order: Mapping[str, Any]) -> Order:
    """The canonical order; `total` is called `price` in older answers."""
    created_at = timestamp(order.get("created_at"))
    if created_at is None:
        raise ValueError("a Nuvemshop order always carries created_at")
    return Order(
        platform=PLATFORM,
        platform_order_id=str(order["id"]),
        number=str(order.get("number") or order["id"]),
        status=order_status_from_nuvemshop(
            order.get("status"), order.get("payment_status"), order.get("shipping_status")
        ),
        platform_status="/".join(
            str(order.get(key) or "-") for key in ("status", "payment_status", "shipping_status")
        ),
        customer=customer_from_nuvemshop(order),
        billing_address=billing_address_from_nuvemshop(order),
        shipping_address=address_from_nuvemshop(order.get("shipping_address")),
        items=[item_from_nuvemshop(line) for line in order.get("products") or []],
        shipping=shipping_from_nuvemshop(order),
        payments=payments_from_nuvemshop(order),
        discounts=discounts_from_nuvemshop(order),
        totals=totals_from_nuvemshop(order),
        currency=text(order.get("currency")) or "BRL",
        sales_channel=text(order.get("storefront")),
        note=text(order.get("note")),
        created_at=created_at,
        updated_at=timestamp(order.get("updated_at")),
        paid_at=timestamp(order.get("paid_at")),
        canceled_at=timestamp(order.get("cancelled_at")),
        cancel_reason=text(order.get("cancel_reason")),
    )


def order_status_from_nuvemshop(
    status: str | None, payment_status: str | None, shipping_status: str | None
) -> OrderStatus:
    """One canonical status from Nuvemshop's three: cancellation, then shipping, then payment."""
    if status == "cancelled" or payment_status in _CANCELED_PAYMENTS:
        return OrderStatus.CANCELED
    if shipping_status in _SHIPPED:
        return OrderStatus.SHIPPED
    if payment_status not in _PAID_PAYMENTS:
        return OrderStatus.PENDING_PAYMENT
    return OrderStatus.IN_HANDLING if shipping_status in _PACKED else OrderStatus.PAID


def customer_from_nuvemshop(order: Mapping[str, Any]) -> Customer:
    """The buyer; without the read_customers scope the order has no `customer`, so the billing
    name stands in. `identification` holds the CPF/CNPJ in Brazil (a DNI/CUIT elsewhere)."""
    customer: Mapping[str, Any] = order.get("customer") or {}
    document = digits(customer.get("identification"))
    country = text(order.get("billing_country")) or text(
        (customer.get("default_address") or {}).get("country")
    )
    return Customer(
        platform_customer_id=text(customer.get("id")),
        name=text(customer.get("name")) or text(order.get("billing_name")) or "",
        email=text(customer.get("email")) or text(order.get("contact_email")),
        phone=text(customer.get("phone")) or text(order.get("billing_phone")),
        document=document,
        document_type=document_type(document, country),
    )


def document_type(document: str | None, country: str | None) -> DocumentType | None:
    """CPF (11 digits) or CNPJ (14) for a Brazilian buyer; anything else is a foreign document."""
    if document is None:
        return None
    if country in (None, "BR") and len(document) == _CPF_DIGITS:
        return DocumentType.CPF
    if country in (None, "BR") and len(document) == _CNPJ_DIGITS:
        return DocumentType.CNPJ
    return DocumentType.FOREIGN


def billing_address_from_nuvemshop(order: Mapping[str, Any]) -> Address | None:
    """The flat `billing_*` fields as one address."""
    flat = {
        key[len("billing_") :]: value for key, value in order.items() if key.startswith("billing_")
    }
    flat["address"] = order.get("billing_address")
    return address_from_nuvemshop(flat)


def address_from_nuvemshop(address: Mapping[str, Any] | None) -> Address | None:
    """An address object (`address`, `number`, `floor`, `locality`, `province`, `zipcode` ...)."""
    if not address:
        return None
    mapped = Address(
        recipient=text(address.get("name")),
        street=text(address.get("address")),
        number=text(address.get("number")),
        complement=text(address.get("floor")),
        neighborhood=text(address.get("locality")),
        city=text(address.get("city")),
        state=text(address.get("province")),
        postal_code=text(address.get("zipcode")),
        country=text(address.get("country")),
        phone=text(address.get("phone")),
    )
    return mapped if mapped.model_dump(exclude_none=True) else None


def item_from_nuvemshop(line: Mapping[str, Any]) -> OrderItem:
    """One line; older answers carry neither name nor sku, so the ids name it."""
    values = [str(value) for value in line.get("variant_values") or [] if value]
    return OrderItem(
        sku=text(line.get("sku")),
        name=text(line.get("name")) or text(line.get("sku")) or f"produto {line.get('product_id')}",
        variant_name=" / ".join(values) or None,
        quantity=money(line.get("quantity")),
        unit_price=money(line.get("price")),
        platform_product_id=text(line.get("product_id")),
        platform_variant_id=text(line.get("variant_id")),
        platform_item_id=text(line.get("id")),
    )


def shipping_from_nuvemshop(order: Mapping[str, Any]) -> Shipping:
    code = text(order.get("shipping_tracking_number"))
    return Shipping(
        carrier=text(order.get("shipping")),
        method=text(order.get("shipping_option")),
        price=money(order.get("shipping_cost_customer")),
        tracking=None
        if code is None
        else Tracking(code=code, url=text(order.get("shipping_tracking_url"))),
    )


def payments_from_nuvemshop(order: Mapping[str, Any]) -> list[Payment]:
    """One payment through the order's gateway (`paypal/credit_card`), in its installments."""
    gateway = text(order.get("gateway_name")) or text(order.get("gateway"))
    details: Mapping[str, Any] = order.get("payment_details") or {}
    method = "/".join(part for part in (gateway, text(details.get("method"))) if part)
    if not method:
        return []
    installments = decimal(details.get("installments"), Decimal("1")) or Decimal("1")
    return [
        Payment(
            method=method,
            amount=_total(order),
            installments=max(1, int(installments)),
            status=text(order.get("payment_status")),
        )
    ]


def discounts_from_nuvemshop(order: Mapping[str, Any]) -> list[Discount]:
    """Coupons (the coupon discount on the first), then gateway and promotion discounts."""
    discounts: list[Discount] = []
    coupon_amount = order.get("discount_coupon", order.get("discount"))
    for index, coupon in enumerate(order.get("coupon") or []):
        amount = money(coupon_amount) if index == 0 else Decimal("0")
        discounts.append(Discount(code=text(coupon.get("code")), kind="coupon", amount=amount))
    gateway = money(order.get("discount_gateway"))
    if gateway:
        discounts.append(Discount(kind="gateway", amount=gateway))
    promotion = money((order.get("promotional_discount") or {}).get("total_discount_amount"))
    if promotion:
        discounts.append(Discount(kind="promotion", amount=promotion))
    return discounts


def totals_from_nuvemshop(order: Mapping[str, Any]) -> OrderTotals:
    return OrderTotals(
        subtotal=money(order.get("subtotal")),
        discount=money(order.get("discount")),
        shipping=money(order.get("shipping_cost_customer")),
        total=_total(order),
    )


def order_updated_at(order: Mapping[str, Any]) -> datetime | None:
    return timestamp(order.get("updated_at"))


def _total(order: Mapping[str, Any]) -> Decimal:
    return money(order["total"] if "total" in order else order.get("price"))
