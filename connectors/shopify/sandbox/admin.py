"""The Admin REST API subset, on Shopify's real paths: `/admin/api/{version}/...json`."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import orjson
from aiohttp import web

from connectors.shopify.sandbox.orders import InvalidOrder, OrderContext, build_order
from connectors.shopify.sandbox.state import SHOP_ID, SHOP_TZ, STATE, json_response

API_PREFIX = "/admin/api/"
KNOWN_VERSIONS = frozenset(
    {"2024-10", "2025-01", "2025-04", "2025-07", "2025-10", "2026-01", "2026-04", "unstable"}
)
WEBHOOK_TOPICS = frozenset(
    {
        "orders/create", "orders/updated", "orders/paid", "orders/cancelled", "orders/fulfilled",
        "orders/partially_fulfilled", "orders/edited", "orders/delete", "products/create",
        "products/update", "products/delete", "inventory_levels/update", "app/uninstalled",
    }
)  # fmt: skip
INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"
THROTTLED = (
    "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted "
    "service."
)
DEFAULT_LIMIT, MAX_LIMIT = 50, 250

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def admin_gate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Version check, token check and the leaky bucket, before any Admin API handler runs."""
    if not request.path.startswith(API_PREFIX):
        return await handler(request)
    state = request.app[STATE]
    if request.match_info.get("version") not in KNOWN_VERSIONS:
        return json_response({"errors": "Not Found"}, status=404)
    token = request.headers.get("X-Shopify-Access-Token", "")
    if token != state.config.token:
        return json_response({"errors": INVALID_TOKEN}, status=401)
    admission = state.buckets.admit(token)
    limit_header = {"X-Shopify-Shop-Api-Call-Limit": admission.header}
    if not admission.allowed:
        headers = {**limit_header, "Retry-After": f"{admission.retry_after:.1f}"}
        return json_response({"errors": THROTTLED}, status=429, headers=headers)
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers.update(limit_header)
        raise
    response.headers.update(limit_header)
    return response


async def _body(request: web.Request, root: str) -> dict[str, Any]:
    try:
        payload = orjson.loads(await request.read())
    except orjson.JSONDecodeError:
        payload = None
    if not isinstance(payload, dict) or not isinstance(payload.get(root), dict):
        raise _error(400, {root: "Required parameter missing or invalid"})
    return dict(payload[root])


ERROR_CLASSES: dict[int, type[web.HTTPException]] = {
    400: web.HTTPBadRequest,
    404: web.HTTPNotFound,
    422: web.HTTPUnprocessableEntity,
}


def _error(status: int, errors: Any) -> web.HTTPException:
    """Shopify's error shape: `{"errors": "text"}` or `{"errors": {field: [messages]}}`."""
    body = orjson.dumps({"errors": errors})
    return ERROR_CLASSES[status](body=body, content_type="application/json")


def _not_found() -> web.HTTPException:
    return _error(404, "Not Found")


def _int_id(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise _not_found() from None


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
    raw = await _body(request, "webhook")
    topic, address = str(raw.get("topic", "")), str(raw.get("address", ""))
    if topic not in WEBHOOK_TOPICS:
        raise _error(422, {"topic": [f"Invalid topic specified: {topic}."]})
    if not address.startswith(("https://", "http://")):
        raise _error(422, {"address": ["is invalid"]})
    if state.store.list_webhooks(topic, address):
        raise _error(422, {"address": ["for this topic has already been taken"]})
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
    if not request.app[STATE].store.delete_webhook(_int_id(request.match_info["id"])):
        raise _not_found()
    return json_response({})


async def get_order(request: web.Request) -> web.Response:
    order = request.app[STATE].store.get_order(_int_id(request.match_info["id"]))
    if order is None:
        raise _not_found()
    return json_response({"order": order})


async def create_order(request: web.Request) -> web.Response:
    """Create the order, then queue an `orders/create` delivery per subscription, atomically."""
    state = request.app[STATE]
    raw = await _body(request, "order")
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
            raise _error(422, exc.errors) from exc
        store.insert_order(order)
        version = state.config.api_version
        subscriptions = store.list_webhooks("orders/create", None)
        state.outbox.enqueue("orders/create", orjson.dumps(order), version, subscriptions)
    state.dispatcher.wake()
    return json_response({"order": order}, status=201)


def _encode_cursor(cursor: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(cursor)).decode().rstrip("=")


def _decode_cursor(page_info: str) -> dict[str, Any]:
    try:
        cursor = orjson.loads(base64.urlsafe_b64decode(page_info + "=" * (-len(page_info) % 4)))
    except (binascii.Error, ValueError):
        cursor = None
    if not isinstance(cursor, dict) or not isinstance(cursor.get("after"), int):
        raise _error(400, {"page_info": "Invalid value."})
    return cursor


def own_origin(request: web.Request) -> str:
    """Where this sandbox listens: Link URLs must reach it even when Host names the shop."""
    host, port = request.transport.get_extra_info("sockname")[:2] if request.transport else ("", 0)
    if not host:
        return str(request.url.origin())
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _list_filters(query: Any) -> dict[str, Any]:
    """The first page's filters; later pages carry them inside the opaque `page_info`."""
    status = query.get("status", "open")  # Shopify's default; pollers must pass status=any
    if status not in ("open", "closed", "cancelled", "any"):
        raise _error(400, {"status": "Invalid value."})
    updated_min = None
    if "updated_at_min" in query:
        try:
            moment = datetime.fromisoformat(query["updated_at_min"])
        except ValueError:
            raise _error(400, {"updated_at_min": "Invalid value."}) from None
        updated_min = (moment if moment.tzinfo else moment.replace(tzinfo=SHOP_TZ)).timestamp()
    return {"status": status, "updated_at_min": updated_min, "after": None}


def _limit(query: Any) -> int:
    try:
        limit = int(query.get("limit", DEFAULT_LIMIT))
    except ValueError:
        raise _error(400, {"limit": "Invalid value."}) from None
    return max(1, min(limit, MAX_LIMIT))


async def list_orders(request: web.Request) -> web.Response:
    """Cursor pagination: a `Link: <...page_info=...>; rel="next"` header while more remain."""
    query = request.query
    if "page_info" in query:
        if set(query) - {"page_info", "limit", "fields"}:
            raise _error(400, {"page_info": "Only limit and fields may be sent with page_info."})
        cursor = _decode_cursor(query["page_info"])
    else:
        cursor = _list_filters(query)
    limit = _limit(query)
    store = request.app[STATE].store
    found = store.list_orders(
        cursor["status"], cursor["updated_at_min"], cursor["after"], limit + 1
    )
    page, more = found[:limit], len(found) > limit
    headers = {}
    if more:
        token = _encode_cursor({**cursor, "after": page[-1]["id"]})
        url = f"{own_origin(request)}{request.path}?limit={limit}&page_info={token}"
        headers["Link"] = f'<{url}>; rel="next"'
    return json_response({"orders": page}, headers=headers)


def add_admin_routes(app: web.Application) -> None:
    base = API_PREFIX + "{version}"
    app.router.add_get(base + "/shop.json", get_shop)
    app.router.add_get(base + "/webhooks.json", list_webhooks)
    app.router.add_post(base + "/webhooks.json", create_webhook)
    app.router.add_delete(base + "/webhooks/{id}.json", delete_webhook)
    app.router.add_get(base + "/orders.json", list_orders)
    app.router.add_post(base + "/orders.json", create_order)
    app.router.add_get(base + "/orders/{id}.json", get_order)
