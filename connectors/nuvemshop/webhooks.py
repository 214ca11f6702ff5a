"""Nuvemshop notifications: verify `X-Linkedstore-HMAC-SHA256` (lowercase hex HMAC-SHA256 of the
raw body, keyed with the app secret) and read the thin body `{"store_id", "event", "id"}`.

The body never carries the record, so every notification asks for a fetch. Nuvemshop sends no
delivery id, and a retry is byte-identical to a new event on the same record, so none is
invented: the fetch of the current record makes repeats harmless.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

import orjson

from connectors.capabilities import Entity
from connectors.contract import InboundRequest, Notification, NotificationRefused
from connectors.nuvemshop.settings import NuvemshopSettings

SIGNATURE_HEADER = "x-linkedstore-hmac-sha256"
ENTITY_BY_RESOURCE: dict[str, Entity] = {
    "product": Entity.PRODUCT,
    "category": Entity.CATEGORY,
    "order": Entity.ORDER,
}


def nuvemshop_signature(body: bytes, secret: str) -> str:
    """What Nuvemshop puts in `X-Linkedstore-HMAC-SHA256` for ``body``."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def nuvemshop_signature_valid(body: bytes, signature: str | None, secret: str) -> bool:
    if not signature:
        return False
    return hmac.compare_digest(nuvemshop_signature(body, secret), signature.strip().lower())


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def verify_nuvemshop_notification(
    request: InboundRequest, settings: NuvemshopSettings
) -> Notification:
    """A verified notification for this store, or NotificationRefused (401 unsigned, 400 unreadable)."""
    signature = _header(request.headers, SIGNATURE_HEADER)
    if not nuvemshop_signature_valid(
        request.body, signature, settings.app_secret.get_secret_value()
    ):
        raise NotificationRefused(401, "bad_signature", "X-Linkedstore-HMAC-SHA256 does not match")
    try:
        payload = orjson.loads(request.body)
    except orjson.JSONDecodeError as exc:
        raise NotificationRefused(400, "malformed", "the body is not JSON") from exc
    if not isinstance(payload, dict):
        raise NotificationRefused(400, "malformed", "the body is not a JSON object")
    event, record_id, store_id = payload.get("event"), payload.get("id"), payload.get("store_id")
    if not isinstance(event, str) or "/" not in event:
        raise NotificationRefused(400, "malformed", "no `event` such as order/created")
    if str(store_id) != settings.store_id:
        raise NotificationRefused(
            400, "wrong_store", f"store {store_id} is not {settings.store_id}"
        )
    entity = ENTITY_BY_RESOURCE.get(event.split("/", 1)[0])
    if entity is None:
        raise NotificationRefused(400, "unsupported_event", f"Ponte does not subscribe to {event}")
    if isinstance(record_id, bool) or not isinstance(record_id, int | str) or not str(record_id):
        raise NotificationRefused(400, "malformed", "no `id` of the record that changed")
    return Notification(
        topic=event, entity=entity, platform_id=str(record_id), event_id=None, body=None
    )
