"""Builds a full REST order resource from a `POST /orders.json` body, shaped like Shopify's own
(`samples/shopify/api_rest_2026-04_order_get_response.json`, `webhook_orders_create.json`).

Pure: ids, numbers and the clock come in as arguments. Money is Decimal, rendered as "0.00".
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

CENTS = Decimal("0.01")
ADDRESS_FIELDS = (
    "first_name", "address1", "phone", "city", "zip", "province", "country", "last_name",
    "address2", "company", "latitude", "longitude", "name", "country_code", "province_code",
)  # fmt: skip


class InvalidOrder(ValueError):
    """The order body is refused; Shopify answers 422 with `{"errors": {field: [message]}}`."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field} {message}")
        self.errors = {field: [message]}


@dataclass(frozen=True)
class OrderContext:
    """What the shop supplies to a new order: identity, currency, clock and id source."""

    shop_id: int
    shop_domain: str
    currency: str
    number: int  # 1, 2, ... ; order_number is 1000 + number
    now: datetime
    next_id: Callable[[str], int]  # kind ("Order", "LineItem", ...) -> a fresh 64-bit id


def money(value: Decimal) -> str:
    return str(value.quantize(CENTS))


def money_set(value: Decimal, currency: str) -> dict[str, Any]:
    amount = {"amount": money(value), "currency_code": currency}
    return {"shop_money": amount, "presentment_money": dict(amount)}


def gid(kind: str, id_: int) -> str:
    return f"gid://shopify/{kind}/{id_}"


def _decimal(raw: Any, field: str) -> Decimal:
    try:
        value = Decimal(str(raw))
    except InvalidOperation as exc:
        raise InvalidOrder(field, "is not a number") from exc
    if not value.is_finite() or value < 0:
        raise InvalidOrder(field, "must be a non-negative amount")
    return value


def _address(raw: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    address = {key: raw.get(key) for key in ADDRESS_FIELDS}
    full_name = " ".join(p for p in (raw.get("first_name"), raw.get("last_name")) if p)
    address["name"] = raw.get("name") or full_name or None
    return address


def _tax_lines(raw: list[Mapping[str, Any]], currency: str, field: str) -> list[dict[str, Any]]:
    lines = []
    for tax in raw:
        price = _decimal(tax.get("price", "0"), f"{field}.price")
        lines.append(
            {
                "channel_liable": None,
                "price": money(price),
                "price_set": money_set(price, currency),
                "rate": float(tax.get("rate", 0)),
                "title": str(tax.get("title", "Tax")),
            }
        )
    return lines


def _line_item(raw: Mapping[str, Any], ctx: OrderContext) -> dict[str, Any]:
    title = raw.get("title")
    if not title:
        raise InvalidOrder("line_items", "title can't be blank")
    quantity = raw.get("quantity", 1)
    if not isinstance(quantity, int) or quantity < 1:
        raise InvalidOrder("line_items", "quantity must be a positive integer")
    price = _decimal(raw.get("price", "0"), "line_items.price")
    variant_title = raw.get("variant_title")
    line_id = ctx.next_id("LineItem")
    zero = money_set(Decimal(0), ctx.currency)
    return {
        "id": line_id,
        "admin_graphql_api_id": gid("LineItem", line_id),
        "attributed_staffs": [],
        "current_quantity": quantity,
        "fulfillable_quantity": quantity,
        "fulfillment_service": "manual",
        "fulfillment_status": None,
        "gift_card": False,
        "grams": int(raw.get("grams", 0)),
        "name": f"{title} - {variant_title}" if variant_title else title,
        "price": money(price),
        "price_set": money_set(price, ctx.currency),
        "product_exists": raw.get("product_id") is not None,
        "product_id": raw.get("product_id"),
        "properties": list(raw.get("properties", [])),
        "quantity": quantity,
        "requires_shipping": bool(raw.get("requires_shipping", True)),
        "sku": raw.get("sku"),
        "taxable": bool(raw.get("taxable", True)),
        "title": title,
        "total_discount": "0.00",
        "total_discount_set": zero,
        "variant_id": raw.get("variant_id"),
        "variant_inventory_management": "shopify" if raw.get("variant_id") else None,
        "variant_title": variant_title,
        "vendor": raw.get("vendor"),
        "tax_lines": _tax_lines(raw.get("tax_lines", []), ctx.currency, "line_items.tax_lines"),
        "duties": [],
        "discount_allocations": [],
    }


def _shipping_line(raw: Mapping[str, Any], ctx: OrderContext) -> dict[str, Any]:
    price = _decimal(raw.get("price", "0"), "shipping_lines.price")
    price_set = money_set(price, ctx.currency)
    return {
        "id": ctx.next_id("ShippingLine"),
        "carrier_identifier": None,
        "code": raw.get("code", raw.get("title")),
        "current_discounted_price_set": price_set,
        "discounted_price": money(price),
        "discounted_price_set": price_set,
        "is_removed": False,
        "phone": None,
        "price": money(price),
        "price_set": price_set,
        "requested_fulfillment_service_id": None,
        "source": raw.get("source", "shopify"),
        "title": raw.get("title", "Shipping"),
        "tax_lines": _tax_lines(raw.get("tax_lines", []), ctx.currency, "shipping_lines.tax_lines"),
        "discount_allocations": [],
    }


def _customer(
    raw: Mapping[str, Any] | None,
    email: str | None,
    address: dict[str, Any] | None,
    ctx: OrderContext,
) -> dict[str, Any] | None:
    if raw is None:
        return None
    customer_id = int(raw["id"]) if raw.get("id") else ctx.next_id("Customer")
    stamp = ctx.now.isoformat()
    default_address = None
    if address is not None:
        default_address = {
            "id": ctx.next_id("MailingAddress"),
            "customer_id": customer_id,
            **{k: address[k] for k in ADDRESS_FIELDS if k not in ("latitude", "longitude")},
            "country_name": address.get("country"),
            "default": True,
        }
    return {
        "id": customer_id,
        "email": raw.get("email", email),
        "created_at": stamp,
        "updated_at": stamp,
        "first_name": raw.get("first_name"),
        "last_name": raw.get("last_name"),
        "state": "disabled",
        "note": None,
        "verified_email": True,
        "multipass_identifier": None,
        "tax_exempt": False,
        "phone": raw.get("phone"),
        "tags": "",
        "currency": ctx.currency,
        "tax_exemptions": [],
        "admin_graphql_api_id": gid("Customer", customer_id),
        "default_address": default_address,
    }


def _financial_status(raw: Mapping[str, Any]) -> str:
    if raw.get("financial_status"):
        return str(raw["financial_status"])
    kinds = {t.get("kind") for t in raw.get("transactions", []) if t.get("status") != "failure"}
    if "authorization" in kinds and not kinds & {"sale", "capture"}:
        return "authorized"
    # UNCONFIRMED: what Shopify sets when neither status nor transactions are given.
    return "paid"


def build_order(raw: Mapping[str, Any], ctx: OrderContext) -> dict[str, Any]:
    """A complete order resource for the ``order`` object of a `POST /orders.json` body."""
    raw_lines = raw.get("line_items")
    if not isinstance(raw_lines, list) or not raw_lines:
        raise InvalidOrder("line_items", "must have at least one line item")
    lines = [_line_item(line, ctx) for line in raw_lines]
    shipping = [_shipping_line(line, ctx) for line in raw.get("shipping_lines", [])]
    billing = _address(raw.get("billing_address"))
    customer_raw = raw.get("customer")
    email = raw.get("email") or (customer_raw or {}).get("email")
    customer = _customer(customer_raw, email, billing or _address(raw.get("shipping_address")), ctx)
    return _order_resource(raw, ctx, lines, shipping, billing, customer, email)


def _order_resource(
    raw: Mapping[str, Any],
    ctx: OrderContext,
    lines: list[dict[str, Any]],
    shipping: list[dict[str, Any]],
    billing: dict[str, Any] | None,
    customer: dict[str, Any] | None,
    email: str | None,
) -> dict[str, Any]:
    cur = ctx.currency
    items_total = sum((Decimal(li["price"]) * li["quantity"] for li in lines), Decimal(0))
    shipping_total = sum((Decimal(s["price"]) for s in shipping), Decimal(0))
    taxes = [t for li in [*lines, *shipping] for t in li["tax_lines"]]
    tax_total = sum((Decimal(t["price"]) for t in taxes), Decimal(0))
    total = items_total + shipping_total + tax_total
    status = _financial_status(raw)
    outstanding = Decimal(0) if status in ("paid", "partially_refunded", "refunded") else total
    order_id = ctx.next_id("Order")
    order_number = 1000 + ctx.number
    token = secrets.token_hex(16)
    stamp = ctx.now.isoformat()
    zero = money_set(Decimal(0), cur)
    return {
        "id": order_id,
        "admin_graphql_api_id": gid("Order", order_id),
        "app_id": None,
        "browser_ip": None,
        "buyer_accepts_marketing": bool(raw.get("buyer_accepts_marketing", False)),
        "cancel_reason": None,
        "cancelled_at": None,
        "cart_token": None,
        "checkout_id": None,
        "checkout_token": None,
        "client_details": None,
        "closed_at": None,
        "confirmation_number": secrets.token_hex(5).upper()[:9],
        "confirmed": True,
        "contact_email": email,
        "created_at": stamp,
        "currency": cur,
        "current_shipping_price_set": money_set(shipping_total, cur),
        "current_subtotal_price": money(items_total),
        "current_subtotal_price_set": money_set(items_total, cur),
        "current_total_additional_fees_set": None,
        "current_total_discounts": "0.00",
        "current_total_discounts_set": zero,
        "current_total_duties_set": None,
        "current_total_price": money(total),
        "current_total_price_set": money_set(total, cur),
        "current_total_tax": money(tax_total),
        "current_total_tax_set": money_set(tax_total, cur),
        "customer_locale": raw.get("customer_locale", "pt-BR"),
        "device_id": None,
        "discount_codes": [],
        "duties_included": False,
        "email": email,
        "estimated_taxes": False,
        "financial_status": status,
        "fulfillment_status": None,
        "landing_site": None,
        "landing_site_ref": None,
        "location_id": None,
        "merchant_business_entity_id": None,
        "merchant_of_record_app_id": None,
        "name": f"#{order_number}",
        "note": raw.get("note"),
        "note_attributes": list(raw.get("note_attributes", [])),
        "number": ctx.number,
        "order_number": order_number,
        "order_status_url": (
            f"https://{ctx.shop_domain}/{ctx.shop_id}/orders/{token}/authenticate?key={token[:16]}"
        ),
        "original_total_additional_fees_set": None,
        "original_total_duties_set": None,
        "payment_gateway_names": list(raw.get("payment_gateway_names", ["manual"])),
        "phone": raw.get("phone"),
        "po_number": None,
        "presentment_currency": cur,
        "processed_at": stamp,
        "reference": None,
        "referring_site": None,
        "source_identifier": None,
        "source_name": raw.get("source_name", "web"),
        "source_url": None,
        "subtotal_price": money(items_total),
        "subtotal_price_set": money_set(items_total, cur),
        "tags": str(raw.get("tags", "")),
        "tax_exempt": False,
        "tax_lines": _merge_tax_lines(taxes, cur),
        "taxes_included": False,
        "test": bool(raw.get("test", False)),
        "token": token,
        "total_cash_rounding_payment_adjustment_set": zero,
        "total_cash_rounding_refund_adjustment_set": zero,
        "total_discounts": "0.00",
        "total_discounts_set": zero,
        "total_line_items_price": money(items_total),
        "total_line_items_price_set": money_set(items_total, cur),
        "total_outstanding": money(outstanding),
        "total_price": money(total),
        "total_price_set": money_set(total, cur),
        "total_shipping_price_set": money_set(shipping_total, cur),
        "total_tax": money(tax_total),
        "total_tax_set": money_set(tax_total, cur),
        "total_tip_received": "0.00",
        "total_weight": sum(li["grams"] * li["quantity"] for li in lines),
        "updated_at": stamp,
        "user_id": None,
        "billing_address": billing,
        "customer": customer,
        "discount_applications": [],
        "fulfillments": [],
        "line_items": lines,
        "payment_terms": None,
        "refunds": [],
        "shipping_address": _address(raw.get("shipping_address")),
        "shipping_lines": shipping,
        "returns": [],
        "line_item_groups": [],
    }


def _merge_tax_lines(taxes: list[dict[str, Any]], currency: str) -> list[dict[str, Any]]:
    """The order-level `tax_lines`: one per (title, rate), summed exactly."""
    merged: dict[tuple[str, float], Decimal] = {}
    for tax in taxes:
        key = (tax["title"], tax["rate"])
        merged[key] = merged.get(key, Decimal(0)) + Decimal(tax["price"])
    return [
        {
            "price": money(amount),
            "rate": rate,
            "title": title,
            "price_set": money_set(amount, currency),
            "channel_liable": None,
        }
        for (title, rate), amount in merged.items()
    ]
