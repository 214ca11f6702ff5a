"""`/_sandbox/...`: the sandbox's own control surface for tests and demos. Not Shopify's API."""

from __future__ import annotations

import time

import orjson
from aiohttp import web

from connectors.shopify.sandbox.state import STATE, json_response

CONTROL_PREFIX = "/_sandbox"


async def list_deliveries(request: web.Request) -> web.Response:
    """Every webhook delivery with its attempts, last status and whether it got through."""
    outbox = request.app[STATE].outbox
    return json_response({"deliveries": [d.summary() for d in outbox.all()]})


async def redeliver(request: web.Request) -> web.Response:
    """Send a delivery again, same Webhook-Id and Event-Id: the duplicate Shopify may send."""
    state = request.app[STATE]
    delivery_id = request.match_info["delivery_id"]
    if not state.outbox.redeliver(delivery_id):
        return json_response({"errors": "Not Found"}, status=404)
    state.dispatcher.wake()
    delivery = state.outbox.get(delivery_id)
    return json_response({"delivery": delivery.summary() if delivery else None}, status=202)


async def health(request: web.Request) -> web.Response:
    state = request.app[STATE]
    pending = sum(1 for d in state.outbox.all() if d.state == "pending")
    return json_response(
        {"status": "ok", "shop_domain": state.config.shop_domain, "pending_deliveries": pending}
    )


def add_control_routes(app: web.Application) -> None:
    app.router.add_get(CONTROL_PREFIX + "/deliveries", list_deliveries)
    app.router.add_post(CONTROL_PREFIX + "/redeliver/{delivery_id}", redeliver)
    app.router.add_get(CONTROL_PREFIX + "/health", health)
    add_fault_routes(app)


async def force_rate_limit(request: web.Request) -> web.Response:
    """`{"calls": n, "retry_after": s | null}`: the next n Admin API calls answer 429, with
    `Retry-After: s` (no header when null, as some of Shopify's 429s come)."""
    try:
        raw = orjson.loads(await request.read())
        calls, retry_after = int(raw["calls"]), raw.get("retry_after")
        wait = None if retry_after is None else float(retry_after)
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return json_response({"errors": 'expected {"calls": n, "retry_after": s}'}, status=400)
    faults = request.app[STATE].faults
    faults.throttled_calls, faults.retry_after = max(calls, 0), wait
    return json_response({"throttled_calls": faults.throttled_calls, "retry_after": wait})


async def expire_tokens(request: web.Request) -> web.Response:
    """Every access token expires now: the next calls answer 401 until a token is renewed."""
    expired = request.app[STATE].tokens.expire_all("access", time.time())
    return json_response({"expired": expired})


def add_fault_routes(app: web.Application) -> None:
    app.router.add_post(CONTROL_PREFIX + "/rate_limit", force_rate_limit)
    app.router.add_post(CONTROL_PREFIX + "/expire_token", expire_tokens)
