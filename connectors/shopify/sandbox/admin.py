"""The Admin REST API subset, on Shopify's real paths: `/admin/api/{version}/...json`."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import orjson
from aiohttp import web

from connectors.shopify.sandbox.http import body_of, error, int_id, not_found, paged
from connectors.shopify.sandbox.orders import InvalidOrder, OrderContext, build_order
from connectors.shopify.sandbox.state import SHOP_ID, SHOP_TZ, STATE, json_response
from connectors.shopify.sandbox.store import STATUS_FILTERS

API_PREFIX = "/admin/api/"
KNOWN_VERSIONS = frozenset(
    {"2024-10", "2025-01", "2025-04", "2025-07", "2025-10", "2026-01", "2026-04", "unstable"}
)
WEBHOOK_TOPICS = frozenset(
    {
        "orders/create", "orders/updated", "orders/paid", "orders/cancelled", "orders/fulfilled",
        "orders/partially_fulfilled", "orders/edited", "orders/delete", "products/create",
        "products/update", "products/delete", "inventory_levels/update", "app/uninstalled",
        "collections/create", "collections/update", "collections/delete",
    }
)  # fmt: skip
INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"
THROTTLED = (
    "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted "
    "service."
)

SCOPE_BY_RESOURCE = {
    "products": "products", "variants": "products", "custom_collections": "products",
    "orders": "orders", "fulfillments": "fulfillments", "inventory_levels": "inventory",
    "locations": "locations",
}  # fmt: skip
"""The access scope each resource needs; shop.json and webhooks.json need none."""

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def admin_gate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Version check, token check and the leaky bucket, before any Admin API handler runs."""
    if not request.path.startswith(API_PREFIX):
        return await handler(request)
    state = request.app[STATE]
    if not serves_shop(request) or request.match_info.get("version") not in KNOWN_VERSIONS:
        return json_response({"errors": "Not Found"}, status=404)
    token = request.headers.get("X-Shopify-Access-Token", "")
    if not state.tokens.valid(token, "access", time.time()):
        return json_response({"errors": INVALID_TOKEN}, status=401)
    if token == state.config.scopeless_token and (scope := required_scope(request)):
        message = f"[API] This action requires merchant approval for {scope} scope."
        return json_response({"errors": message}, status=403)
    # One bucket per app and store; this sandbox is one store seen by one app.
    admission = state.buckets.admit(state.config.shop_domain)
    limit_header = {"X-Shopify-Shop-Api-Call-Limit": admission.header}
    if not admission.allowed:
        headers = {**limit_header, "Retry-After": f"{admission.retry_after:.1f}"}
        return json_response({"errors": THROTTLED}, status=429, headers=headers)
    if state.faults.throttled_calls > 0:  # asked for through /_sandbox/rate_limit
        state.faults.throttled_calls -= 1
        wait = state.faults.retry_after
        headers = {**limit_header, **({"Retry-After": f"{wait:g}"} if wait is not None else {})}
        return json_response({"errors": THROTTLED}, status=429, headers=headers)
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers.update(limit_header)
        raise
    response.headers.update(limit_header)
    return response


def required_scope(request: web.Request) -> str | None:
    """``read_orders``, ``write_products``...: the scope the call needs, None when none."""
    parts = request.path[len(API_PREFIX) :].split("/")
    resource = parts[1].removesuffix(".json") if len(parts) > 1 else ""
    scope = SCOPE_BY_RESOURCE.get(resource)
    if scope is None:
        return None
    return f"{'read' if request.method in ('GET', 'HEAD') else 'write'}_{scope}"


def serves_shop(request: web.Request) -> bool:
    """Shopify routes by host: another `*.myshopify.com` is a store that is not here."""
    host = (request.host or "").rsplit(":", 1)[0].lower()
    return not host.endswith(".myshopify.com") or host == request.app[STATE].config.shop_domain


async def list_orders(request: web.Request) -> web.Response:
    """Cursor pagination: a `Link: <...page_info=...>; rel="next"` header while more remain."""
    status = request.query.get("status", "open")  # Shopify's default; pollers pass status=any
    if "page_info" not in request.query and status not in STATUS_FILTERS:
        raise error(400, {"status": "Invalid value."})
    store = request.app[STATE].store

    def fetch(cursor: dict[str, Any], limit: int) -> list[dict[str, Any]]:
        return store.list_orders(
            cursor.get("status", "open"), cursor["updated_at_min"], cursor["after"], limit
        )

    return paged(request, "orders", fetch, {"status": status})


async def get_shop(request: web.Request) -> web.Response:
    return json_response({"shop": request.app[STATE].store.shop()})


async def list_webhooks(request: web.Request) -> web.Response:
    store = request.app[STATE].store
    query = request.query
    return json_response(
        {"webhooks": store.list_webhooks(query.get("topic"), query.get("address"))}
    )


async def create_webhook(request: web.Request) -> web.Response:
    state = request.app[STATE]
    raw = await body_of(request, "webhook")
    topic, address = str(raw.get("topic", "")), str(raw.get("address", ""))
    if topic not in WEBHOOK_TOPICS:
        raise error(422, {"topic": [f"Invalid topic specified: {topic}."]})
    if not address.startswith(("https://", "http://")):
        raise error(422, {"address": ["is invalid"]})
    if state.store.list_webhooks(topic, address):
        raise error(422, {"address": ["for this topic has already been taken"]})
    now = datetime.now(SHOP_TZ).replace(microsecond=0).isoformat()
    with state.store.transaction():
        webhook_id = state.store.next_id("WebhookSubscription")
        webhook = {
            "id": webhook_id,
            "address": address,
            "topic": topic,
            "created_at": now,
            "updated_at": now,
            "format": raw.get("format", "json"),
            "fields": list(raw.get("fields", [])),
            "metafield_namespaces": [],
            "api_version": request.match_info["version"],
            "private_metafield_namespaces": [],
        }
        state.store.insert_webhook(webhook)
    return json_response({"webhook": webhook}, status=201)


async def delete_webhook(request: web.Request) -> web.Response:
    if not request.app[STATE].store.delete_webhook(int_id(request.match_info["id"])):
        raise not_found()
    return json_response({})


async def get_order(request: web.Request) -> web.Response:
    order = request.app[STATE].store.get_order(int_id(request.match_info["id"]))
    if order is None:
        raise not_found()
    return json_response({"order": order})


async def create_order(request: web.Request) -> web.Response:
    """Create the order, then queue an `orders/create` delivery per subscription, atomically."""
    state = request.app[STATE]
    raw = await body_of(request, "order")
    store = state.store
    with store.transaction():
        ctx = OrderContext(
            shop_id=SHOP_ID,
            shop_domain=state.config.shop_domain,
            currency=str(raw.get("currency", "BRL")),
            number=store.next_id("OrderNumber"),
            now=datetime.now(SHOP_TZ).replace(microsecond=0),
            next_id=store.next_id,
        )
        try:
            order = build_order(raw, ctx)
        except InvalidOrder as exc:
            raise error(422, exc.errors) from exc
        store.insert_order(order)
        version = state.config.api_version
        subscriptions = store.list_webhooks("orders/create", None)
        state.outbox.enqueue("orders/create", orjson.dumps(order), version, subscriptions)
    state.dispatcher.wake()
    return json_response({"order": order}, status=201)


def add_admin_routes(app: web.Application) -> None:
    base = API_PREFIX + "{version}"
    app.router.add_get(base + "/shop.json", get_shop)
    app.router.add_get(base + "/webhooks.json", list_webhooks)
    app.router.add_post(base + "/webhooks.json", create_webhook)
    app.router.add_delete(base + "/webhooks/{id}.json", delete_webhook)
    app.router.add_get(base + "/orders.json", list_orders)
    app.router.add_post(base + "/orders.json", create_order)
    app.router.add_get(base + "/orders/{id}.json", get_order)
