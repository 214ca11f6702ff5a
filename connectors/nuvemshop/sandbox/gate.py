"""What every API call passes before its route: User-Agent, store, token, payment, the leaky
bucket, and JSON on writes. `/_sandbox/...` is the control surface and skips all of it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import orjson
from aiohttp import web

from connectors.nuvemshop.sandbox.state import JSON_BODY, api_error, state_of

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
WRITES = frozenset({"POST", "PUT", "PATCH"})
SCOPE_BY_RESOURCE = {"products": "products", "categories": "products", "orders": "orders"}
"""The scope each resource needs (a write scope implies read); `/store` needs none."""


@web.middleware
async def api_gate(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith("/_sandbox"):
        return await handler(request)
    refused = _refusal(request)
    if refused is not None:
        return refused
    state = state_of(request)
    admitted, forced_retry_after = state.bucket.admit()
    if not admitted:
        response = api_error(429, "Too Many Requests", "Rate limit exceeded for this store")
        if forced_retry_after is not None:
            response.headers["Retry-After"] = f"{forced_retry_after:g}"
        response.headers.update(state.bucket.headers())
        return response
    state.calls += 1
    if state.delay_seconds:
        await asyncio.sleep(state.delay_seconds)  # a slow platform, on request of a test
    if request.method in WRITES:
        bad = await _read_json(request)
        if bad is not None:
            return bad
    answered = await handler(request)
    answered.headers.update(state.bucket.headers())
    answered.headers["X-Main-Language"] = "pt"
    return answered


def _refusal(request: web.Request) -> web.Response | None:
    state = state_of(request)
    if not request.headers.get("User-Agent"):
        return api_error(400, "Bad Request", "A User-Agent header (AppName (contact)) is required")
    store_id = request.match_info.get("store_id")
    if store_id is None:
        return None  # not an API path: the router answers 404
    if store_id != state.config.store_id:
        return api_error(404, "Not Found", f"Store {store_id} not found")
    scheme, _, token = request.headers.get("Authentication", "").partition(" ")
    current = state.records.switch("token", state.config.token)
    scopeless = token == state.config.scopeless_token
    if (
        scheme.lower() != "bearer"
        or not token
        or (token != current and not scopeless)
        or state.records.switch("revoked")
    ):
        return api_error(401, "Unauthorized", "Invalid access token")
    if state.records.switch("payment_required"):
        return api_error(402, "Payment Required", "The store or the app has unpaid bills")
    if scopeless and (scope := required_scope(request)) is not None:
        return api_error(403, "Forbidden", f"This app does not have the {scope} scope")
    return None


def required_scope(request: web.Request) -> str | None:
    """`read_products`, `write_orders`...: the scope a call needs, None when none."""
    parts = request.path.split("/")  # "", version, store_id, resource, ...
    scope = SCOPE_BY_RESOURCE.get(parts[3]) if len(parts) > 3 else None
    if scope is None:
        return None
    return f"{'read' if request.method in ('GET', 'HEAD') else 'write'}_{scope}"


async def _read_json(request: web.Request) -> web.Response | None:
    if request.content_type != "application/json":
        return api_error(415, "Unsupported Media Type", "Content-Type must be application/json")
    try:
        request[JSON_BODY] = orjson.loads(await request.read() or b"null")
    except orjson.JSONDecodeError:
        return api_error(400, "Bad Request", "The body is not valid JSON")
    return None
