"""Orders after checkout: fulfillment orders, fulfillments with tracking, cancellation and
order metafields, shaped like the 2026-04 samples.

An order's fulfillment order is made on first request from its line items (one, assigned to
the primary location), as Shopify makes one per location when the order is placed.
Metafield shapes follow Shopify's REST Metafield resource; no sample of ours holds one.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from connectors.shopify.sandbox.http import body_of, error, int_id, not_found, now_iso
from connectors.shopify.sandbox.orders import gid
from connectors.shopify.sandbox.state import (
    PRIMARY_LOCATION_ID,
    SHOP_ID,
    STATE,
    SandboxState,
    default_location,
    json_response,
)

OPEN_STATUSES = frozenset({"open", "in_progress"})
CANCEL_REASONS = frozenset({"customer", "fraud", "inventory", "declined", "other"})


def _order(state: SandboxState, raw_id: str) -> dict[str, Any]:
    order = state.store.get_order(int_id(raw_id))
    if order is None:
        raise not_found()
    return order


def _fulfillment_orders(state: SandboxState, order: dict[str, Any]) -> list[dict[str, Any]]:
    found = state.resources.find("FulfillmentOrder", parent_id=order["id"])
    if found:
        return found
    fo_id, now = state.store.next_id("FulfillmentOrder"), now_iso()
    location = default_location(state.config)
    lines = [{"id": state.store.next_id("FulfillmentOrderLineItem"), "shop_id": SHOP_ID,
              "fulfillment_order_id": fo_id, "quantity": li["quantity"], "line_item_id": li["id"],
              "inventory_item_id": None, "fulfillable_quantity": li["fulfillable_quantity"],
              "variant_id": li["variant_id"]} for li in order["line_items"]]  # fmt: skip
    destination = order.get("shipping_address") or {}
    created = {
        "id": fo_id, "created_at": now, "updated_at": now, "shop_id": SHOP_ID,
        "order_id": order["id"], "assigned_location_id": PRIMARY_LOCATION_ID,
        "request_status": "unsubmitted", "status": "open", "fulfill_at": None, "fulfill_by": None,
        "supported_actions": ["create_fulfillment", "hold"],
        "destination": {key: destination.get(key) for key in (
            "address1", "address2", "city", "company", "country", "first_name", "last_name",
            "phone", "province", "zip")} | {"id": fo_id, "email": order.get("email")},
        "line_items": lines, "international_duties": None, "fulfillment_holds": [],
        "delivery_method": None,
        "assigned_location": {key: location.get(key) for key in (
            "address1", "address2", "city", "country_code", "name", "phone", "province", "zip")}
        | {"location_id": PRIMARY_LOCATION_ID},
        "merchant_requests": [],
    }  # fmt: skip
    with state.store.transaction():
        state.resources.put("FulfillmentOrder", created, parent_id=order["id"])
    return [created]


async def list_fulfillment_orders(request: web.Request) -> web.Response:
    state = request.app[STATE]
    order = _order(state, request.match_info["id"])
    return json_response({"fulfillment_orders": _fulfillment_orders(state, order)})


async def create_fulfillment(request: web.Request) -> web.Response:
    """POST fulfillments.json: fulfil whole fulfillment orders, with optional tracking."""
    state = request.app[STATE]
    raw = await body_of(request, "fulfillment")
    wanted = raw.get("line_items_by_fulfillment_order")
    if not isinstance(wanted, list) or not wanted:
        raise error(422, {"line_items_by_fulfillment_order": ["can't be blank"]})
    targets = []
    for entry in wanted:
        fo_id = entry.get("fulfillment_order_id") if isinstance(entry, dict) else None
        found = state.resources.get("FulfillmentOrder", fo_id) if isinstance(fo_id, int) else None
        if found is None:
            raise error(422, {"fulfillment_order_id": ["Fulfillment order does not exist."]})
        if found["status"] not in OPEN_STATUSES:
            raise error(
                422,
                {
                    "base": [
                        f"Fulfillment order {fo_id} has an unfulfillable status= {found['status']}."
                    ]
                },
            )
        targets.append(found)
    order = state.store.get_order(targets[0]["order_id"])
    assert order is not None
    with state.store.transaction():
        fulfillment = _fulfil(state, order, targets, raw.get("tracking_info") or {})
    return json_response({"fulfillment": fulfillment}, status=201)


def _fulfil(state: SandboxState, order: dict[str, Any], targets: list[dict[str, Any]],
            tracking: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    now, fulfillment_id = now_iso(), state.store.next_id("Fulfillment")
    shipped = {line["line_item_id"] for fo in targets for line in fo["line_items"]}
    for fo in targets:
        lines = [{**line, "fulfillable_quantity": 0} for line in fo["line_items"]]
        state.resources.put("FulfillmentOrder", {**fo, "status": "closed", "updated_at": now,
                                                 "line_items": lines}, parent_id=order["id"])  # fmt: skip
    items = [{**li, "fulfillable_quantity": 0, "fulfillment_status": "fulfilled"}
             if li["id"] in shipped else li for li in order["line_items"]]  # fmt: skip
    number, url = tracking.get("number"), tracking.get("url")
    fulfillment = {
        "id": fulfillment_id, "order_id": order["id"], "status": "success", "created_at": now,
        "service": "manual", "updated_at": now, "tracking_company": tracking.get("company"),
        "shipment_status": None, "location_id": PRIMARY_LOCATION_ID, "origin_address": None,
        "line_items": [li for li in items if li["id"] in shipped],
        "tracking_number": number, "tracking_numbers": [number] if number else [],
        "tracking_url": url, "tracking_urls": [url] if url else [], "receipt": {},
        "name": f"{order['name']}.{len(order['fulfillments']) + 1}",
        "admin_graphql_api_id": gid("Fulfillment", fulfillment_id),
    }  # fmt: skip
    done = all(li["fulfillable_quantity"] == 0 for li in items)
    state.store.update_order({**order, "line_items": items, "updated_at": now,
                              "fulfillments": [*order["fulfillments"], fulfillment],
                              "fulfillment_status": "fulfilled" if done else "partial"})  # fmt: skip
    return fulfillment


async def cancel_order(request: web.Request) -> web.Response:
    """POST orders/{id}/cancel.json; a second cancel is refused as Shopify does."""
    state = request.app[STATE]
    order = _order(state, request.match_info["id"])
    if order["cancelled_at"] is not None:
        raise error(422, "Order has already been cancelled")
    raw = await request.json() if request.can_read_body else {}
    reason = raw.get("reason", "other") if isinstance(raw, dict) else "other"
    if reason not in CANCEL_REASONS:
        raise error(422, {"reason": ["is not included in the list"]})
    now = now_iso()
    cancelled = {**order, "cancelled_at": now, "cancel_reason": reason, "updated_at": now}
    with state.store.transaction():
        state.store.update_order(cancelled)
        state.notify("orders/cancelled", cancelled)
    state.dispatcher.wake()
    return json_response({"order": cancelled, "notice": "Order has been canceled"})


async def list_metafields(request: web.Request) -> web.Response:
    state = request.app[STATE]
    order = _order(state, request.match_info["id"])
    query = request.query
    found = [m for m in state.resources.find("Metafield", parent_id=order["id"])
             if query.get("namespace") in (None, m["namespace"])
             and query.get("key") in (None, m["key"])]  # fmt: skip
    return json_response({"metafields": found})


async def write_metafield(request: web.Request) -> web.Response:
    """POST orders/{id}/metafields.json and PUT orders/{id}/metafields/{mid}.json."""
    state = request.app[STATE]
    order = _order(state, request.match_info["id"])
    raw = await body_of(request, "metafield")
    prior = None
    if "metafield_id" in request.match_info:
        prior = state.resources.get("Metafield", int_id(request.match_info["metafield_id"]))
        if prior is None or prior["owner_id"] != order["id"]:
            raise not_found()
    merged: dict[str, Any] = {
        **(prior or {}),
        **{k: raw[k] for k in ("namespace", "key", "value", "type") if k in raw},
    }
    if not all(
        isinstance(merged.get(k), str) and merged[k] for k in ("namespace", "key", "value", "type")
    ):
        raise error(422, {"metafield": ["namespace, key, value and type are required"]})
    clash = [m for m in state.resources.find("Metafield", parent_id=order["id"])
             if (m["namespace"], m["key"]) == (merged["namespace"], merged["key"])
             and m["id"] != (prior or {}).get("id")]  # fmt: skip
    if clash:
        raise error(422, {"key": ["must be unique within this namespace on this resource"]})
    now = now_iso()
    metafield_id = prior["id"] if prior else state.store.next_id("Metafield")
    metafield = {
        "id": metafield_id, "namespace": merged["namespace"], "key": merged["key"],
        "value": merged["value"], "description": None, "owner_id": order["id"],
        "created_at": (prior or {}).get("created_at", now), "updated_at": now,
        "owner_resource": "order", "type": merged["type"],
        "admin_graphql_api_id": gid("Metafield", metafield_id),
    }  # fmt: skip
    with state.store.transaction():
        state.resources.put("Metafield", metafield, parent_id=order["id"])
    return json_response({"metafield": metafield}, status=200 if prior else 201)


def add_fulfillment_routes(app: web.Application) -> None:
    base = "/admin/api/{version}"
    app.router.add_get(base + "/orders/{id}/fulfillment_orders.json", list_fulfillment_orders)
    app.router.add_post(base + "/fulfillments.json", create_fulfillment)
    app.router.add_post(base + "/orders/{id}/cancel.json", cancel_order)
    app.router.add_get(base + "/orders/{id}/metafields.json", list_metafields)
    app.router.add_post(base + "/orders/{id}/metafields.json", write_metafield)
    app.router.add_put(base + "/orders/{id}/metafields/{metafield_id}.json", write_metafield)
