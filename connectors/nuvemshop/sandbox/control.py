"""`/_sandbox/...`: the sandbox's own control surface, kept apart from the real API paths."""

from __future__ import annotations

from aiohttp import web

from connectors.nuvemshop.sandbox.orders import PAYMENT_EVENTS
from connectors.nuvemshop.sandbox.state import answer, field_errors, not_found, state_of
from connectors.nuvemshop.sandbox.store import now_text


async def health(request: web.Request) -> web.Response:
    state = state_of(request)
    return answer({"ok": True, "store_id": state.config.store_id, "calls": state.calls})


async def deliveries(request: web.Request) -> web.Response:
    return answer(state_of(request).outbox.listing())


async def force_rate_limit(request: web.Request) -> web.Response:
    """The next `calls` API calls get 429 with `Retry-After: retry_after`."""
    body = await request.json()
    state = state_of(request)
    state.bucket.forced = [float(body.get("retry_after", 1.0))] * int(body.get("calls", 1))
    return answer({"forced": len(state.bucket.forced)})


async def replace_token(request: web.Request) -> web.Response:
    """A new token is issued: the old one stops working (Nuvemshop tokens do not expire)."""
    body = await request.json()
    records = state_of(request).records
    records.set_switch("token", str(body["token"]))
    records.set_switch("revoked", None)
    return answer({"ok": True})


async def expire_token(request: web.Request) -> web.Response:
    """The app is uninstalled: every call answers 401."""
    state_of(request).records.set_switch("revoked", "1")
    return answer({"ok": True})


async def payment_required(request: web.Request) -> web.Response:
    body = await request.json()
    state_of(request).records.set_switch("payment_required", "1" if body.get("on") else None)
    return answer({"ok": True})


async def delay(request: web.Request) -> web.Response:
    body = await request.json()
    state_of(request).delay_seconds = float(body.get("seconds", 0))
    return answer({"ok": True})


async def payment(request: web.Request) -> web.Response:
    """The payment gateway's answer for an order (Nuvemshop moves `payment_status` when the
    gateway confirms, voids or leaves it pending; no API call does it): the order changes and
    the matching `order/paid|pending|voided` event is sent to its subscribers."""
    body = await request.json()
    status = body.get("payment_status") if isinstance(body, dict) else None
    if status not in PAYMENT_EVENTS:
        return field_errors({"payment_status": [f"must be one of {sorted(PAYMENT_EVENTS)}"]})
    state = state_of(request)
    order = state.records.get("order", int(request.match_info["id"]))
    if order is None:
        return not_found()
    stamp = now_text()
    order |= {"payment_status": status, "updated_at": stamp}
    if status == "paid":
        order["paid_at"] = stamp
    state.records.save("order", order)
    state.outbox.notify(PAYMENT_EVENTS[status], order["id"])
    return answer(order)


def add_control_routes(app: web.Application) -> None:
    app.router.add_post(r"/_sandbox/orders/{id:\d+}/payment", payment)
    app.router.add_get("/_sandbox/health", health)
    app.router.add_get("/_sandbox/deliveries", deliveries)
    app.router.add_post("/_sandbox/rate-limit", force_rate_limit)
    app.router.add_post("/_sandbox/token", replace_token)
    app.router.add_post("/_sandbox/token/expire", expire_token)
    app.router.add_post("/_sandbox/payment-required", payment_required)
    app.router.add_post("/_sandbox/delay", delay)
