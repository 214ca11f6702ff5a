"""Verification and reading of VTEX's order hook.

VTEX signs nothing. A delivery is trusted when it carries the secret header we registered in
``hook.headers`` (compared in constant time) and its ``Origin.Account``/``Origin.Key`` name our
account and app key. The ping VTEX sends when the hook is saved is answered and produces
nothing. Bodies carry ids and states only: the order is fetched afterwards.
"""

from __future__ import annotations

import hmac
from typing import Any

import orjson

from connectors.capabilities import Entity
from connectors.contract import InboundRequest, Notification, NotificationRefused
from connectors.vtex.settings import VtexSettings

PING_REPLY = b'{"ok":true}'


def verify_vtex_notification(request: InboundRequest, settings: Any) -> Notification:
    """The verified notification, or NotificationRefused (401 untrusted, 400 unreadable)."""
    assert isinstance(settings, VtexSettings)
    if request.method.upper() != "POST":
        raise NotificationRefused(405, "method", "the hook only POSTs")
    if not _secret_matches(request, settings):
        raise NotificationRefused(401, "secret", "the hook secret header is missing or wrong")
    body = _json_object(request.body)
    if body.get("hookConfig") == "ping":
        return Notification(
            topic="hook/ping", entity=Entity.ORDER, platform_id="ping", event_id=None,
            body=None, reply=PING_REPLY,
        )  # fmt: skip
    origin = body.get("Origin")
    if not isinstance(origin, dict) or not _origin_matches(origin, settings):
        raise NotificationRefused(401, "origin", "Origin.Account/Key are not this integration's")
    order_id, state = body.get("OrderId"), body.get("State")
    if not isinstance(order_id, str) or not order_id or not isinstance(state, str) or not state:
        raise NotificationRefused(400, "malformed", "OrderId and State are required")
    change = body.get("CurrentChange") or body.get("LastChange") or ""
    return Notification(
        topic=f"order/{state}",
        entity=Entity.ORDER,
        platform_id=order_id,
        event_id=f"{order_id}:{state}:{change}",  # deliveries repeat: dedupe on this
        body=None,
    )


def is_ping(notification: Notification) -> bool:
    return notification.reply is not None


def _secret_matches(request: InboundRequest, settings: VtexSettings) -> bool:
    wanted = settings.hook_secret_header.lower()
    given = next((v for k, v in request.headers.items() if k.lower() == wanted), None)
    expected = settings.hook_secret.get_secret_value()
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def _origin_matches(origin: dict[str, Any], settings: VtexSettings) -> bool:
    account = str(origin.get("Account") or "").lower()
    key = str(origin.get("Key") or "")
    return account == settings.account and hmac.compare_digest(
        key.encode(), settings.app_key.get_secret_value().encode()
    )


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise NotificationRefused(400, "malformed", f"body is not JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise NotificationRefused(400, "malformed", "body is not a JSON object")
    return value
