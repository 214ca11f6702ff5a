"""Catalogue and order resources at Tray's paths (``/web_api/...``)."""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from connectors.tray.sandbox import records
from connectors.tray.sandbox.api import (
    PREFIX,
    auth_create,
    auth_refresh,
    body_of,
    listing,
    state_of,
    store_info,
)
from connectors.tray.sandbox.http_errors import ok, tray_error

# path -> (kind, plural, write wrapper)
CATALOGUE = {
    "/products/variants": ("Variant", "Variants"),
    "/products/brands": ("Brand", "Brands"),
    "/products": ("Product", "Products"),
    "/categories": ("Category", "Categories"),
}


def _record(request: web.Request, kind: str) -> dict[str, Any]:
    record = state_of(request).store.get(kind, request.match_info["id"])
    if record is None:
        raise web.HTTPNotFound()
    return record


def catalogue_routes(path: str, kind: str, plural: str) -> list[web.RouteDef]:
    async def list_(request: web.Request) -> web.Response:
        return listing(request, state_of(request).store.all(kind), plural, kind)

    async def get(request: web.Request) -> web.Response:
        return ok({kind: _record(request, kind)})

    async def create(request: web.Request) -> web.Response:
        fields = (await body_of(request)).get(kind)
        if not isinstance(fields, dict) or not _required_present(kind, fields):
            return tray_error(
                400, "Bad Request", request, causes=[f"Campos obrigatórios de {kind} ausentes"]
            )
        record = state_of(request).create(kind, fields)
        return ok({"message": "Created", "id": record["id"], "code": 201}, status=201)

    async def update(request: web.Request) -> web.Response:
        record = _record(request, kind)
        fields = (await body_of(request)).get(kind)
        if not isinstance(fields, dict):
            return tray_error(400, "Bad Request", request, causes=[f'Envie {{"{kind}": {{...}}}}'])
        state_of(request).update(kind, record, fields)
        return ok({"message": "Saved", "id": record["id"], "code": 200})

    base = PREFIX + path
    return [
        web.get(base, list_),
        web.post(base, create),
        web.get(base + r"/{id:\d+}", get),
        web.put(base + r"/{id:\d+}", update),
    ]


REQUIRED = {
    "Product": ("name",),
    "Variant": ("product_id",),
    "Category": ("name",),
    "Brand": ("brand",),
}


def _required_present(kind: str, fields: dict[str, Any]) -> bool:
    return all(str(fields.get(name) or "").strip() for name in REQUIRED[kind])


async def properties_list(request: web.Request) -> web.Response:
    """``GET /products/properties``: the store's "características", paged like every list."""
    return listing(request, state_of(request).store.all("Property"), "Properties", "Property")


async def property_create(request: web.Request) -> web.Response:
    """``POST /properties`` with ``{"Property": {"name": ..., "values": [...]}}`` (UNCONFIRMED
    body: the reference names the path only)."""
    fields = (await body_of(request)).get("Property")
    if not isinstance(fields, dict) or not str(fields.get("name") or "").strip():
        return tray_error(400, "Bad Request", request, causes=["Campo obrigatório: name"])
    record = state_of(request).create("Property", fields)
    return ok({"message": "Created", "id": record["id"], "code": 201}, status=201)


async def product_properties_set(request: web.Request) -> web.Response:
    """``POST /products/:id/properties`` with ``[{"property_id", "value"}]``: each named
    property of the product takes that value (others stay); shown in its ``Properties``."""
    state, product = state_of(request), _record(request, "Product")
    try:
        given = orjson.loads(await request.read())
    except orjson.JSONDecodeError:
        given = None
    if not isinstance(given, list) or not all(isinstance(row, dict) for row in given):
        return tray_error(
            400, "Bad Request", request, causes=["Envie uma lista de características"]
        )
    shown = dict(product["Properties"] or {})
    for row in given:
        found = state.store.get("Property", records.as_text(row.get("property_id")))
        value = records.as_text(row.get("value"))
        if found is None or not value or len(value) > 100:
            return tray_error(400, "Bad Request", request, causes=["Característica inválida"])
        shown[found["name"]] = [value]
    product["Properties"] = shown
    state.update("Product", product, {})  # stamps `modified` and saves
    return ok({"message": "Created", "code": 201}, status=201)


async def orders_list(request: web.Request) -> web.Response:
    rows = [records.order_view(o) for o in state_of(request).store.all("Order")]
    return listing(request, rows, "Orders", "Order")


async def order_get(request: web.Request) -> web.Response:
    return ok({"Order": records.order_view(_record(request, "Order"))})


async def order_complete(request: web.Request) -> web.Response:
    return ok(
        {"Order": _record(request, "Order"), "Extensions": [], "User": [], "Confirmation": []}
    )


async def order_create(request: web.Request) -> web.Response:
    fields = (await body_of(request)).get("Order")
    if not isinstance(fields, dict):
        return tray_error(400, "Bad Request", request, causes=['Envie {"Order": {...}}'])
    order = state_of(request).place_order(fields)
    return ok({"message": "Created", "id": order["id"], "code": 201}, status=201)


ORDER_FIELDS = (
    "taxes",
    "shipment",
    "shipment_value",
    "discount",
    "sending_code",
    "sending_date",
    "tracking_url",
    "store_note",
    "customer_note",
    "partner_id",
)


async def order_update(request: web.Request) -> web.Response:
    state = state_of(request)
    order = _record(request, "Order")
    fields = (await body_of(request)).get("Order")
    if not isinstance(fields, dict):
        return tray_error(400, "Bad Request", request, causes=['Envie {"Order": {...}}'])
    if "status_id" in fields:
        status = state.store.get("OrderStatus", str(fields["status_id"]))
        if status is None:
            return tray_error(400, "Bad Request", request, causes=["status_id inválido"])
        state.set_status(order, status)
    for name in ORDER_FIELDS:
        if name in fields:
            order[name] = records.as_text(fields[name])
    state.save_order(order)
    return ok({"message": "Saved", "id": order["id"], "code": 200})


async def order_cancel(request: web.Request) -> web.Response:
    state = state_of(request)
    order = _record(request, "Order")
    status = state.status_named("CANCELADO")
    if status is None:
        return tray_error(
            400, "Bad Request", request, causes=["a loja não tem status de cancelamento"]
        )
    if order["status"] != status["status"]:
        state.set_status(order, status)
        state.save_order(order)
    return ok({"message": "Saved", "id": order["id"], "code": 200})


async def statuses_list(request: web.Request) -> web.Response:
    return listing(request, state_of(request).statuses(), "OrderStatuses", "OrderStatus")


async def status_get(request: web.Request) -> web.Response:
    return ok({"OrderStatus": _record(request, "OrderStatus")})


async def invoices_of_order(request: web.Request) -> web.Response:
    order = _record(request, "Order")
    held = [i for i in state_of(request).store.all("OrderInvoice") if i["order_id"] == order["id"]]
    return ok({"OrderInvoices": [{"OrderInvoice": i, "ProductCfop": []} for i in held]})


INVOICE_FIELDS = ("issue_date", "number", "serie", "value", "key", "link", "xml_danfe")


async def invoice_create(request: web.Request) -> web.Response:
    state = state_of(request)
    order = _record(request, "Order")
    fields = await body_of(request)
    if not all(str(fields.get(name) or "") for name in ("issue_date", "number", "key")):
        return tray_error(
            400, "Bad Request", request, causes=["issue_date, number e key são obrigatórios"]
        )
    invoice = {"id": str(state.store.next_id("OrderInvoice")), "order_id": order["id"]}
    invoice.update({name: records.as_text(fields.get(name, "")) for name in INVOICE_FIELDS})
    invoice["created"] = invoice["updated"] = records.now_text()
    state.store.put("OrderInvoice", invoice)
    order["OrderInvoice"] = [*order["OrderInvoice"], {"id": invoice["id"], "link": invoice["link"]}]
    order["has_invoice"] = "1"
    state.save_order(order)
    return ok({"message": "Created", "id": invoice["id"], "code": 201}, status=201)


def api_routes() -> list[web.RouteDef]:
    routes = [
        web.post(PREFIX + "/auth", auth_create),
        web.get(PREFIX + "/auth", auth_refresh),
        web.get(PREFIX + "/info", store_info),
        web.get(PREFIX + "/products/properties", properties_list),
        web.post(PREFIX + "/properties", property_create),
        web.post(PREFIX + r"/products/{id:\d+}/properties", product_properties_set),
        web.get(PREFIX + "/orders/statuses", statuses_list),
        web.get(PREFIX + r"/orders/statuses/{id:\d+}", status_get),
        web.put(PREFIX + r"/orders/cancel/{id:\d+}", order_cancel),
        web.get(PREFIX + "/orders", orders_list),
        web.post(PREFIX + "/orders", order_create),
        web.get(PREFIX + r"/orders/{id:\d+}", order_get),
        web.put(PREFIX + r"/orders/{id:\d+}", order_update),
        web.get(PREFIX + r"/orders/{id:\d+}/complete", order_complete),
        web.get(PREFIX + r"/orders/{id:\d+}/invoices", invoices_of_order),
        web.post(PREFIX + r"/orders/{id:\d+}/invoices", invoice_create),
    ]
    for path, (kind, plural) in CATALOGUE.items():
        routes.extend(catalogue_routes(path, kind, plural))
    return routes
