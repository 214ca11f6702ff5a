"""OMS at VTEX's paths: list (30 pages of at most 100), get, start-handling, invoice, tracking,
cancel; the hook and Feed v3 configuration and queue.

VTEX has no public API to place an order without running its checkout, so orders are placed
through ``POST /_sandbox/orders`` (see orders_placed.py); everything after that is VTEX's API.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

from aiohttp import web

from connectors.vtex.sandbox.catalog import now_text
from connectors.vtex.sandbox.hooks import hook_headers, notify, ping
from connectors.vtex.sandbox.state import STATE, SandboxState

_CREATION = re.compile(r"^creationDate:\[(\S+) TO (\S+)\]$")
_INVOICE_REQUIRED = ("type", "issuanceDate", "invoiceNumber", "invoiceValue", "items")


def _oms_error(status: int, code: str, message: str) -> web.Response:
    return web.json_response(
        {"error": {"code": code, "message": message, "exception": None}}, status=status
    )


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _summary(order: dict[str, Any]) -> dict[str, Any]:
    return {
        "orderId": order["orderId"], "creationDate": order["creationDate"],
        "clientName": f"{order['clientProfileData']['firstName']} {order['clientProfileData']['lastName']}",
        "items": None, "totalValue": order["value"], "paymentNames": "Pix",
        "status": order["status"], "statusDescription": order["status"],
        "marketPlaceOrderId": None, "sequence": order["sequence"],
        "salesChannel": order["salesChannel"], "affiliateId": "", "origin": "Marketplace",
        "workflowInErrorState": False, "workflowInRetry": False, "lastMessageUnread": None,
        "ShippingEstimatedDate": None, "ShippingEstimatedDateMax": None,
        "ShippingEstimatedDateMin": None, "orderIsComplete": True, "listId": None,
        "listType": None, "authorizedDate": order.get("authorizedDate"),
        "callCenterOperatorName": None, "totalItems": len(order["items"]), "currencyCode": "BRL",
    }  # fmt: skip


async def list_orders(request: web.Request) -> web.Response:
    query = request.query
    page, per_page = int(query.get("page", 1)), int(query.get("per_page", 15))
    if per_page > 100 or page > 30 or page < 1:
        return _oms_error(400, "OMS001", "per_page is at most 100 and page at most 30")
    orders = request.app[STATE].store.all("order")
    if "f_creationDate" in query:
        match = _CREATION.match(query["f_creationDate"])
        if not match:
            return _oms_error(400, "OMS001", "f_creationDate=creationDate:[from TO to]")
        start, end = _instant(match[1]), _instant(match[2])
        orders = [o for o in orders if start <= _instant(o["creationDate"]) <= end]
    if query.get("f_status"):
        wanted = set(query["f_status"].split(","))
        orders = [o for o in orders if o["status"] in wanted]
    field, _, direction = query.get("orderBy", "creationDate,desc").partition(",")
    orders.sort(key=lambda o: (o.get(field) or "", o["sequence"]), reverse=direction != "asc")
    chunk = orders[(page - 1) * per_page : page * per_page]
    paging = {"total": len(orders), "pages": -(-len(orders) // per_page), "currentPage": page,
              "perPage": per_page}  # fmt: skip
    stats = {"totalValue": _stats([o["value"] for o in orders]),
             "totalItems": _stats([len(o["items"]) for o in orders])}  # fmt: skip
    return web.json_response({"list": [_summary(o) for o in chunk], "facets": [], "paging": paging,
                              "stats": {"stats": stats}})  # fmt: skip


def _stats(values: list[int], facets: bool = True) -> dict[str, Any]:
    """The Solr-style stats block VTEX returns with every list."""
    count = len(values)
    mean = sum(values) / count if count else 0
    squares = sum(v * v for v in values)
    spread = (max(squares / count - mean * mean, 0)) ** 0.5 if count else 0
    block: dict[str, Any] = {"Count": count, "Max": max(values, default=0), "Mean": mean, "Min": min(values, default=0),
            "Missing": 0, "StdDev": spread, "Sum": sum(values), "SumOfSquares": squares}  # fmt: skip
    if facets:  # every order here is a BRL marketplace order; the spec requires both origins
        inner = _stats(values, facets=False) | {"Facets": None}
        none = _stats([], facets=False) | {"Facets": None}
        block["Facets"] = {
            "origin": {"Fulfillment": none, "Marketplace": inner},
            "currencyCode": {"BRL": inner},
        }
    return block


def _order(request: web.Request) -> tuple[SandboxState, dict[str, Any] | None]:
    state = request.app[STATE]
    return state, state.store.get("order", request.match_info["id"])


def change_status(state: SandboxState, order: dict[str, Any], new: str) -> None:
    last, last_change = order["status"], order["lastChange"]
    order["status"], order["lastChange"] = new, now_text() + "+00:00"
    state.store.put("order", order["orderId"], order)
    notify(state, order["orderId"], new, last, last_change, order["lastChange"])


async def get_order(request: web.Request) -> web.Response:
    _, order = _order(request)
    if order is None:
        return _oms_error(404, "OMS004", "Order not found")
    return web.json_response(order)


async def start_handling(request: web.Request) -> web.Response:
    state, order = _order(request)
    if order is None:
        return _oms_error(404, "OMS004", "Order not found")
    if order["status"] != "ready-for-handling":
        return _oms_error(
            409, "OMS003", "Order status should be ready-for-handling to perform this action"
        )
    change_status(state, order, "handling")
    return web.Response(status=204)


async def invoice(request: web.Request) -> web.Response:
    state, order = _order(request)
    if order is None:
        return _oms_error(404, "OMS004", "Order not found")
    body = await request.json()
    missing = [
        k for k in _INVOICE_REQUIRED if not isinstance(body, dict) or body.get(k) in (None, "")
    ]
    if missing or not str(body.get("invoiceValue", "")).isdigit():
        return _oms_error(400, "OMS007", f"invalid invoice: {missing or 'invoiceValue in cents'}")
    if order["status"] in ("canceled", "cancel"):
        return _oms_error(400, "OMS007", "order is canceled")
    packages = order["packageAttachment"]["packages"]
    packages[:] = [p for p in packages if p["invoiceNumber"] != body["invoiceNumber"]]
    packages.append({**body, "invoiceValue": int(body["invoiceValue"]), "courierStatus": None})
    state.store.put("order", order["orderId"], order)
    if body["type"] == "Output" and order["status"] != "invoiced":
        change_status(state, order, "invoiced")
    return web.json_response(
        {"date": now_text(), "orderId": order["orderId"], "receipt": uuid.uuid4().hex}
    )


async def invoice_tracking(request: web.Request) -> web.Response:
    state, order = _order(request)
    if order is None:
        return _oms_error(404, "OMS004", "Order not found")
    body = await request.json()
    package = next((p for p in order["packageAttachment"]["packages"]
                    if p["invoiceNumber"] == request.match_info["number"]), None)  # fmt: skip
    if package is None:
        return _oms_error(404, "OMS004", "Invoice not found")
    for key in ("trackingNumber", "trackingUrl", "courier", "dispatchedDate"):
        if key in body:
            package[key] = body[key]
    state.store.put("order", order["orderId"], order)
    return web.json_response(
        {"date": now_text(), "orderId": order["orderId"], "receipt": uuid.uuid4().hex}
    )


async def cancel(request: web.Request) -> web.Response:
    state, order = _order(request)
    if order is None:
        return _oms_error(404, "OMS004", "Order not found")
    if order["status"] == "invoiced" or order["packageAttachment"]["packages"]:
        return _oms_error(400, "OMS005", "an invoiced order cannot be canceled")
    body = await request.json() if request.can_read_body else {}
    if order["status"] != "canceled":
        order["cancelReason"] = (body or {}).get("reason")
        change_status(state, order, "canceled")
    return web.json_response(
        {"date": now_text(), "orderId": order["orderId"], "receipt": uuid.uuid4().hex}
    )


async def save_hook(request: web.Request) -> web.Response:
    state = request.app[STATE]
    body = await request.json()
    hook = body.get("hook") if isinstance(body, dict) else None
    if not isinstance(hook, dict) or not hook.get("url"):
        return _oms_error(400, "OMS001", "hook.url is required")
    if not await ping(hook["url"], hook_headers(hook), state.config.hook_timeout):
        return _oms_error(400, "OMS001", "the hook URL did not answer the ping with 200")
    state.store.put("hook", "config", body)
    return web.json_response(body)


async def get_hook(request: web.Request) -> web.Response:
    hook = request.app[STATE].store.get("hook", "config")
    return web.json_response(hook) if hook else _oms_error(404, "OMS004", "no hook configured")


async def delete_hook(request: web.Request) -> web.Response:
    """`DELETE /api/orders/hook/config` [V-OMS]: no more hook notifications for this app key."""
    if not request.app[STATE].store.delete("hook", "config"):
        return _oms_error(404, "OMS004", "no hook configured")
    return web.Response(status=204)


async def read_feed(request: web.Request) -> web.Response:
    max_lot = int(request.query.get("maxlot", 10))
    if not 1 <= max_lot <= 10:
        return _oms_error(400, "OMS001", "maxlot is 1 to 10")
    return web.json_response(request.app[STATE].store.take_feed(max_lot, visibility=240.0))


async def commit_feed(request: web.Request) -> web.Response:
    body = await request.json()
    handles = body.get("handles") if isinstance(body, dict) else None
    if not isinstance(handles, list):
        return _oms_error(400, "OMS001", "handles is a list")
    request.app[STATE].store.commit_feed([str(h) for h in handles])
    return web.Response(status=204)


def add_oms_routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/api/oms/pvt/orders", list_orders)
    r.add_get("/api/oms/pvt/orders/{id}", get_order)
    r.add_post("/api/oms/pvt/orders/{id}/start-handling", start_handling)
    r.add_post("/api/oms/pvt/orders/{id}/invoice", invoice)
    r.add_patch("/api/oms/pvt/orders/{id}/invoice/{number}", invoice_tracking)
    r.add_post("/api/oms/pvt/orders/{id}/cancel", cancel)
    r.add_post("/api/orders/hook/config", save_hook)
    r.add_get("/api/orders/hook/config", get_hook)
    r.add_delete("/api/orders/hook/config", delete_hook)
    r.add_get("/api/orders/feed", read_feed)
    r.add_post("/api/orders/feed", commit_feed)
