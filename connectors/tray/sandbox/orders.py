"""Orders placed through the sandbox's own API, shaped as ``GET /orders/:id/complete``."""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from aiohttp import web

from connectors.tray.sandbox import records
from connectors.tray.sandbox.records import amount, as_text

if TYPE_CHECKING:
    from connectors.tray.sandbox.state import SandboxState


def _customer(state: SandboxState, fields: dict[str, Any]) -> dict[str, Any]:
    customer: dict[str, Any] = records.skeleton("Order")["Customer"]
    customer_id = state.store.next_id("Customer")
    customer.update({k: as_text(v) for k, v in fields.items() if not isinstance(v, (dict, list))})
    customer["id"] = str(customer_id)
    customer["Extensions"] = records.blank("Order")["Customer"]["Extensions"]
    addresses = []
    for given in fields.get("CustomerAddress") or []:
        address = {
            **_address_template(),
            **{k: as_text(v) for k, v in given.items() if not isinstance(v, (dict, list))},
        }
        address.update(id=str(state.store.next_id("CustomerAddress")), customer_id=str(customer_id))
        addresses.append({"CustomerAddress": address})
    customer["CustomerAddresses"] = addresses
    return customer


def _address_template() -> dict[str, Any]:
    address: dict[str, Any] = records.skeleton("Order")["Customer"]["CustomerAddresses"][0]
    return dict(address["CustomerAddress"])


def _line(state: SandboxState, order_id: str, given: dict[str, Any]) -> dict[str, Any]:
    product = state.store.get("Product", given.get("product_id", 0))
    if product is None:
        raise web.HTTPBadRequest(
            text=f'{{"message": "product {given.get("product_id")} not found"}}'
        )
    variant_id = as_text(given.get("variant_id") or "0")
    variant = state.store.get("Variant", variant_id) if variant_id != "0" else None
    source = variant or product
    line = records.item_template("Order", "ProductsSold")["ProductsSold"]
    line.update(
        id=str(state.store.next_id("ProductsSold")),
        order_id=order_id,
        product_id=product["id"],
        variant_id=variant_id,
        name=product["name"],
        original_name=product["name"],
        reference=source["reference"],
        ean=source["ean"],
        quantity=as_text(given.get("quantity", 1)),
        price=amount(given.get("price", source["price"])),
        original_price=amount(given.get("original_price", source["price"])),
        Sku=list(variant["Sku"]) if variant else [],
        ProductSoldImage=[],
        Category=[],
        BoughtTogether=[],
        Discount=[],
    )
    return {"ProductsSold": line}


def new_order(state: SandboxState, fields: dict[str, Any]) -> dict[str, Any]:
    order = records.blank("Order")
    order_id = str(state.store.next_id("Order", first=1000))
    now = records.now_text()
    lines = [_line(state, order_id, item) for item in fields.get("ProductsSold") or []]
    if not lines:
        raise web.HTTPBadRequest(text='{"message": "ProductsSold is required"}')
    partial = sum(
        (
            Decimal(i["ProductsSold"]["price"]) * Decimal(i["ProductsSold"]["quantity"])
            for i in lines
        ),
        Decimal("0"),
    )
    shipping = Decimal(str(fields.get("shipment_value") or "0"))
    customer = _customer(state, fields.get("Customer") or {})
    order.update(
        id=order_id,
        date=now[:10],
        hour=now[11:],
        modified=now,
        customer_id=customer["id"],
        partial_total=amount(partial),
        shipment=as_text(fields.get("shipment")),
        shipment_value=amount(shipping),
        total=amount(partial + shipping),
        point_sale=as_text(fields.get("point_sale") or "LOJA VIRTUAL"),
        payment_form=as_text(fields.get("payment_form")),
        payment_method=as_text(fields.get("payment_form")),
        session_id=as_text(fields.get("session_id")),
        access_code=secrets.token_hex(8).upper()[:15],
        installment="1",
        Customer=customer,
        ProductsSold=lines,
        OrderStatus=records.blank("OrderStatus"),
    )
    status = state.status_named("AGUARDANDO PAGAMENTO") or state.statuses()[0]
    state.set_status(order, status)
    return order
