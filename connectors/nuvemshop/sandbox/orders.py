"""Orders: placed through `POST /orders` (firing order/created), read, packed, fulfilled with
tracking, cancelled; each move refused with 422 when the order is past it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aiohttp import web

from connectors.nuvemshop.sandbox.state import (
    API_PREFIX,
    answer,
    field_errors,
    filtered,
    json_body,
    not_found,
    paged,
    state_of,
)
from connectors.nuvemshop.sandbox.store import Records, now_text

REQUIRED = ("products", "customer", "billing_address", "shipping_address")
PAYMENT_EVENTS = {"paid": "order/paid", "pending": "order/pending", "voided": "order/voided"}


def _address(given: dict[str, Any], records: Records, stamp: str) -> dict[str, Any]:
    name = " ".join(p for p in (given.get("first_name"), given.get("last_name")) if p)
    return {
        "address": given.get("address"),
        "city": given.get("city"),
        "country": given.get("country"),
        "created_at": stamp,
        "default": False,
        "floor": given.get("floor"),
        "id": records.next_id("customer"),
        "locality": given.get("locality"),
        "name": name or given.get("name"),
        "number": given.get("number"),
        "phone": given.get("phone"),
        "province": given.get("province"),
        "updated_at": stamp,
        "zipcode": given.get("zipcode"),
    }


def _line(records: Records, given: dict[str, Any]) -> dict[str, Any] | str:
    for product in records.all("product"):
        for variant in product["variants"]:
            if str(variant["id"]) == str(given.get("variant_id")):
                return {
                    "id": records.next_id("line"),
                    "depth": variant["depth"],
                    "height": variant["height"],
                    "name": product["name"]["pt"],
                    "price": str(given.get("price") or variant["price"]),
                    "product_id": product["id"],
                    "image": None,
                    "quantity": str(given.get("quantity", 1)),
                    "free_shipping": product["free_shipping"],
                    "weight": variant["weight"],
                    "width": variant["width"],
                    "variant_id": str(variant["id"]),
                    "variant_values": [v.get("pt") for v in variant["values"]],
                    "properties": [],
                    "sku": variant["sku"],
                    "barcode": variant["barcode"],
                }
    return f"variant {given.get('variant_id')} does not exist"


def _customer(records: Records, given: dict[str, Any], stamp: str) -> dict[str, Any]:
    return {
        "id": records.next_id("customer"),
        "name": given.get("name"),
        "email": given.get("email"),
        "identification": given.get("document"),
        "phone": given.get("phone"),
        "note": None,
        "default_address": None,
        "addresses": [],
        "billing_name": given.get("name"),
        "billing_phone": given.get("phone"),
        "billing_address": None,
        "billing_number": None,
        "billing_floor": None,
        "billing_locality": None,
        "billing_zipcode": None,
        "billing_city": None,
        "billing_province": None,
        "billing_country": None,
        "extra": {},
        "total_spent": "0.00",
        "total_spent_currency": "BRL",
        "last_order_id": None,
        "active": False,
        "created_at": stamp,
        "updated_at": stamp,
        "accepts_marketing": False,
        "accepts_marketing_updated_at": stamp,
    }


async def create_order(request: web.Request) -> web.Response:
    state, body = state_of(request), json_body(request)
    if not isinstance(body, dict):
        return field_errors({"order": ["must be a JSON object"]})
    missing = {key: ["can't be blank"] for key in REQUIRED if not body.get(key)}
    if missing:
        return field_errors(missing)
    records, stamp = state.records, now_text()
    lines = [_line(records, given) for given in body["products"]]
    unknown = [line for line in lines if isinstance(line, str)]
    if unknown:
        return field_errors({"products": unknown})
    items = [line for line in lines if isinstance(line, dict)]
    order = _order(records, body, items, stamp)
    order["store_id"] = state.config.store_id
    records.save("order", order)
    state.outbox.notify("order/created", order["id"])
    return answer(order, 201)


def _order(
    records: Records, body: dict[str, Any], items: list[dict[str, Any]], stamp: str
) -> dict[str, Any]:
    subtotal = sum((Decimal(i["price"]) * Decimal(i["quantity"]) for i in items), Decimal("0"))
    shipping = Decimal(str(body.get("shipping_cost_customer") or 0)).quantize(Decimal("0.01"))
    billing, shipping_address = (
        _address(body["billing_address"], records, stamp),
        _address(body["shipping_address"], records, stamp),
    )
    customer = _customer(records, body["customer"], stamp) | {"default_address": billing}
    paid = body.get("payment_status") == "paid"
    order_id = records.next_id("order")
    flat_billing = {
        f"billing_{k}": billing[k]
        for k in ("number", "floor", "locality", "zipcode", "city", "province", "country", "phone")
    }
    return {
        "id": order_id,
        "token": f"{order_id:040x}",
        "store_id": None,
        "number": records.next_id("order_number"),
        "shipping_min_days": 1,
        "shipping_max_days": 5,
        "billing_name": billing["name"],
        "billing_address": billing["address"],
        **flat_billing,
        "shipping_cost_owner": str(
            Decimal(str(body.get("shipping_cost_owner") or 0)).quantize(Decimal("0.01"))
        ),
        "shipping_cost_customer": str(shipping),
        "coupon": [],
        "promotional_discount": {
            "id": None,
            "store_id": None,
            "order_id": str(order_id),
            "created_at": stamp,
            "total_discount_amount": "0.00",
            "contents": [],
            "promotions_applied": [],
        },
        "subtotal": str(subtotal.quantize(Decimal("0.01"))),
        "discount": "0.00",
        "discount_coupon": "0.00",
        "discount_gateway": "0.00",
        "total": str((subtotal + shipping).quantize(Decimal("0.01"))),
        "total_usd": "0.00",
        "checkout_enabled": True,
        "weight": "0.000",
        "currency": body.get("currency", "BRL"),
        "language": body.get("language", "pt"),
        "gateway": body.get("gateway", "offline"),
        "gateway_id": None,
        "gateway_name": body.get("gateway", "offline"),
        "shipping": body.get("shipping"),
        "shipping_option": body.get("shipping_option"),
        "shipping_option_code": None,
        "shipping_option_reference": None,
        "shipping_pickup_details": None,
        "shipping_tracking_number": None,
        "shipping_tracking_url": None,
        "shipping_store_branch_name": None,
        "shipping_pickup_type": body.get("shipping_pickup_type", "ship"),
        "shipping_suboption": [],
        "extra": {},
        "storefront": "api",
        "note": body.get("note"),
        "created_at": stamp,
        "updated_at": stamp,
        "completed_at": {
            "date": stamp[:19].replace("T", " ") + ".000000",
            "timezone_type": 3,
            "timezone": "UTC",
        },
        "next_action": "waiting_packing" if paid else "waiting_manual_confirmation",
        "payment_details": {"method": "custom", "credit_card_company": None, "installments": "1"},
        "attributes": [],
        "customer": customer,
        "products": items,
        "cancel_reason": None,
        "owner_note": None,
        "cancelled_at": None,
        "closed_at": None,
        "read_at": None,
        "status": body.get("status", "open"),
        "payment_status": body.get("payment_status", "pending"),
        "shipping_address": shipping_address | {"customs": None},
        "shipping_status": "unpacked",
        "shipped_at": None,
        "paid_at": stamp if paid else None,
        "landing_url": None,
        "client_details": {"browser_ip": None, "user_agent": None},
        "app_id": None,
    }


async def _move(request: web.Request, action: str) -> web.Response:
    state = state_of(request)
    order = state.records.get("order", request.match_info["id"])
    if order is None:
        return not_found()
    body = json_body(request) or {}
    refusal = MOVES[action](order, body if isinstance(body, dict) else {})
    if refusal is not None:
        return field_errors(refusal)
    order["updated_at"] = now_text()
    state.records.save("order", order)
    state.outbox.notify(EVENTS[action], order["id"])
    return answer(order)


def _pack(order: dict[str, Any], body: dict[str, Any]) -> dict[str, list[str]] | None:
    if order["status"] == "cancelled" or order["shipping_status"] != "unpacked":
        return {"shipping_status": [f"cannot pack an order that is {order['shipping_status']}"]}
    order.update(shipping_status="unfulfilled", next_action="waiting_shipment")
    return None


def _fulfill(order: dict[str, Any], body: dict[str, Any]) -> dict[str, list[str]] | None:
    if order["status"] == "cancelled" or order["shipping_status"] == "fulfilled":
        return {"shipping_status": ["the order is already fulfilled or cancelled"]}
    order.update(
        shipping_status="fulfilled",
        shipped_at=now_text(),
        next_action="noop",
        shipping_tracking_number=body.get("shipping_tracking_number"),
        shipping_tracking_url=body.get("shipping_tracking_url"),
    )
    return None


def _cancel(order: dict[str, Any], body: dict[str, Any]) -> dict[str, list[str]] | None:
    if order["status"] == "cancelled":
        return {"status": ["the order is already cancelled"]}
    reason = body.get("reason", "other")
    if reason not in ("customer", "fraud", "inventory", "other"):
        return {"reason": ["must be customer, fraud, inventory or other"]}
    order.update(
        status="cancelled", cancel_reason=reason, cancelled_at=now_text(), next_action="noop"
    )
    return None


MOVES = {"pack": _pack, "fulfill": _fulfill, "cancel": _cancel}
EVENTS = {"pack": "order/packed", "fulfill": "order/fulfilled", "cancel": "order/cancelled"}


async def list_orders(request: web.Request) -> web.Response:
    rows = list(state_of(request).records.all("order"))
    for key in ("payment_status", "shipping_status"):
        if key in request.query:
            rows = [r for r in rows if r[key] == request.query[key]]
    status = request.query.get("status", "any")
    rows = rows if status == "any" else [r for r in rows if r["status"] == status]
    kept = filtered(request, rows)
    return kept if isinstance(kept, web.Response) else paged(request, kept)


async def get_order(request: web.Request) -> web.Response:
    order = state_of(request).records.get("order", request.match_info["id"])
    return not_found() if order is None else answer(order)


def add_order_routes(app: web.Application) -> None:
    app.router.add_get(API_PREFIX + "/orders", list_orders)
    app.router.add_post(API_PREFIX + "/orders", create_order)
    app.router.add_get(API_PREFIX + r"/orders/{id:\d+}", get_order)
    for action in MOVES:

        async def move(request: web.Request, action: str = action) -> web.Response:
            return await _move(request, action)

        app.router.add_post(API_PREFIX + r"/orders/{id:\d+}/" + action, move)
