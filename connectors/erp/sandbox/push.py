"""Signed push of change events to registered URLs, with retries: `/_sandbox/webhooks`.

Not part of Eccosys, which has no outbound webhooks. The sandbox pushes as Bling does, the ERP
whose convention Ponte's ERP webhook ingress follows: the body is the raw JSON envelope and
`X-Bling-Signature-256: sha256=<hex HMAC-SHA256(raw body, secret)>` signs it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import time
from collections.abc import AsyncIterator

import httpx
from aiohttp import web

from connectors.erp import json_exact
from connectors.erp.sandbox.api import STORE, bad_request, json_response
from connectors.erp.sandbox.outbox import Delivery, Outbox

SIGNATURE_HEADER = "X-Bling-Signature-256"
_IDLE_WAKEUP = 0.5


def signature(body: bytes, secret: str) -> str:
    """The header value for `body`: `sha256=` and the lowercase hex HMAC-SHA256."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def push_headers(body: bytes, secret: str) -> dict[str, str]:
    """The headers a push of `body` is sent with."""
    return {"Content-Type": "application/json", SIGNATURE_HEADER: signature(body, secret)}


async def _deliver(http: httpx.AsyncClient, outbox: Outbox, delivery: Delivery) -> None:
    headers = push_headers(delivery.body, delivery.secret)
    try:
        response = await http.post(delivery.url, content=delivery.body, headers=headers)
    except httpx.HTTPError:
        outbox.failed(delivery, None)
        return
    if 200 <= response.status_code < 300:
        outbox.delivered(delivery, response.status_code)
    else:
        outbox.failed(delivery, response.status_code)


async def deliver_forever(outbox: Outbox) -> None:
    """Send what is due, oldest first; sleep until the next retry or a new event."""
    wake = asyncio.Event()
    outbox.on_enqueue = wake.set
    async with httpx.AsyncClient(timeout=5.0) as http:
        while True:
            for delivery in outbox.due(time.time()):
                await _deliver(http, outbox, delivery)
            next_due = outbox.next_due()
            delay = _IDLE_WAKEUP if next_due is None else max(0.0, next_due - time.time())
            wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=min(delay, _IDLE_WAKEUP))


async def run_deliverer(app: web.Application) -> AsyncIterator[None]:
    """aiohttp cleanup context: the deliverer runs as long as the app."""
    task = asyncio.create_task(deliver_forever(app[STORE].outbox))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _register(request: web.Request) -> web.Response:
    try:
        body = json_exact.loads(await request.read())
        url, secret = str(body["url"]), str(body["secret"])
    except (ValueError, TypeError, KeyError) as exc:
        raise bad_request(f"expected {{url, secret}}: {exc!r}") from exc
    if not url.startswith(("http://", "https://")) or not secret:
        raise bad_request("url must be http(s) and secret non-empty")
    hook_id = request.app[STORE].outbox.register(url, secret)
    return json_response({"id": hook_id, "url": url}, status=201)


async def _list(request: web.Request) -> web.Response:
    return json_response({"webhooks": request.app[STORE].outbox.registrations()})


async def _unregister(request: web.Request) -> web.Response:
    request.app[STORE].outbox.unregister_all()
    return json_response({"webhooks": []})


async def _deliveries(request: web.Request) -> web.Response:
    return json_response({"deliveries": request.app[STORE].outbox.summary()})


def push_routes() -> list[web.RouteDef]:
    return [
        web.post("/_sandbox/webhooks", _register),
        web.get("/_sandbox/webhooks", _list),
        web.delete("/_sandbox/webhooks", _unregister),
        web.get("/_sandbox/webhooks/deliveries", _deliveries),
    ]
