"""``/_sandbox/...``: health, forced 429s, token expiry, delays, notification URLs, seeding,
deliveries. Not part of Tray's API; unauthenticated, loopback use only."""

from __future__ import annotations

import time
from typing import Any

import orjson
from aiohttp import web

from connectors.tray.sandbox.http_errors import ok
from connectors.tray.sandbox.seeding import SEEDERS, seed
from connectors.tray.sandbox.state import STATE


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = orjson.loads(await request.read() or b"{}")
    except orjson.JSONDecodeError:
        raise web.HTTPBadRequest(text="body must be JSON") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="body must be a JSON object")
    return body


async def health(request: web.Request) -> web.Response:
    config = request.app[STATE].config
    return ok({"ok": True, "store_id": config.store_id})


async def rate_limit(request: web.Request) -> web.Response:
    body = await _json(request)
    try:
        calls, retry_after = int(body["calls"]), float(body.get("retry_after", 1.0))
    except (KeyError, TypeError, ValueError):
        raise web.HTTPBadRequest(text="expected {calls, retry_after}") from None
    request.app[STATE].limits.force(calls, retry_after)
    return ok({"forced": calls, "retry_after": retry_after})


async def expire_tokens(request: web.Request) -> web.Response:
    expired = request.app[STATE].store.expire_access_tokens(time.time())
    return ok({"expired": expired})


async def delay(request: web.Request) -> web.Response:
    body = await _json(request)
    state = request.app[STATE]
    try:
        state.delay_seconds, state.delay_calls = float(body["seconds"]), int(body.get("calls", 1))
    except (KeyError, TypeError, ValueError):
        raise web.HTTPBadRequest(text="expected {seconds, calls}") from None
    return ok({"seconds": state.delay_seconds, "calls": state.delay_calls})


async def notification_urls(request: web.Request) -> web.Response:
    state = request.app[STATE]
    if request.method == "POST":
        url = str((await _json(request)).get("url", ""))
        if not url.startswith(("http://", "https://")):
            raise web.HTTPBadRequest(text="expected {url}")
        state.store.add_notify_url(url)
    return ok({"urls": state.store.notify_urls()})


async def seed_records(request: web.Request) -> web.Response:
    body = await _json(request)
    entity, count = str(body.get("entity", "")), int(body.get("count", 1))
    if entity not in SEEDERS:
        raise web.HTTPBadRequest(text=f"entity must be one of {sorted(SEEDERS)}")
    return ok({"ids": seed(request.app[STATE], entity, count)})


async def deliveries(request: web.Request) -> web.Response:
    return ok({"deliveries": request.app[STATE].store.deliveries()})


def control_routes() -> list[web.RouteDef]:
    return [
        web.get("/_sandbox/health", health),
        web.post("/_sandbox/rate-limit", rate_limit),
        web.post("/_sandbox/expire-tokens", expire_tokens),
        web.post("/_sandbox/delay", delay),
        web.get("/_sandbox/notification-urls", notification_urls),
        web.post("/_sandbox/notification-urls", notification_urls),
        web.post("/_sandbox/seed", seed_records),
        web.get("/_sandbox/deliveries", deliveries),
    ]
