"""Signed notifications from an ERP that pushes its changes: verify, parse, then re-fetch.

Eccosys itself has no outbound webhooks (reference §1.9): it is followed by the poller. For
ERPs that push, the ingress follows Bling's convention, the one confirmed by several
independent implementations (reference §2.7):

- header `X-Bling-Signature-256: sha256=<lowercase hex HMAC-SHA256(raw body, secret)>`,
  checked over the raw bytes before any parsing, compared in constant time;
- body `{eventId, date, version, event, companyId, data}`, `event` as `<resource>.<action>`
  (`product.*`, `stock.*`, `virtual_stock.updated`, `order.*`).

`data` is never trusted: it only names the record, which `notification_events` fetches from
the ERP API and maps through the same code as the poller (changes.py). The engine endpoint
(POST /webhooks/erp/{integration_id}) calls `verify_erp_notification`, answers 2xx, and runs
`notification_events` off the request path.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from typing import Any

import orjson

from connectors.capabilities import Entity
from connectors.contract import InboundRequest, Notification, NotificationRefused
from connectors.erp.changes import order_events_by_id, product_events, stock_events
from connectors.erp.client import ErpClient
from connectors.erp.settings import ErpSettings
from schemas.events import EventPayload

SIGNATURE_HEADER = "X-Bling-Signature-256"
_PREFIX = "sha256="
ENTITY_BY_RESOURCE = {
    "product": Entity.PRODUCT,
    "stock": Entity.STOCK,
    "virtual_stock": Entity.STOCK,
    "order": Entity.ORDER,
}


def erp_signature(body: bytes, secret: str) -> str:
    """The header value that signs `body`."""
    return _PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def erp_signature_valid(body: bytes, header: str | None, secret: str) -> bool:
    """True when `header` is `sha256=` plus the HMAC of `body`; constant-time compare."""
    if not header or not secret or not header.startswith(_PREFIX):
        return False
    return hmac.compare_digest(header.strip().lower(), erp_signature(body, secret))


def _header(request: InboundRequest, name: str) -> str | None:
    wanted = name.lower()
    return next((v for k, v in request.headers.items() if k.lower() == wanted), None)


def _record_id(entity: Entity, data: dict[str, Any]) -> str | None:
    """The code (preferred) or id the notification names; stock names its product."""
    holder = data.get("produto") if entity is Entity.STOCK else data
    if not isinstance(holder, dict):
        return None
    ident = holder.get("codigo") if entity is not Entity.ORDER else None
    ident = ident or holder.get("id")
    return None if ident in (None, "") else str(ident)


def verify_erp_notification(request: InboundRequest, secret: str) -> list[Notification]:
    """The verified notifications of one push (one envelope, so at most one).

    Raises NotificationRefused: 401 for a missing or wrong signature, 400 for a body that is
    not the envelope. An event of a resource Ponte does not follow is accepted, and yields
    nothing, so the ERP does not retry it forever.
    """
    if not erp_signature_valid(request.body, _header(request, SIGNATURE_HEADER), secret):
        raise NotificationRefused(401, "bad_signature", f"missing or invalid {SIGNATURE_HEADER}")
    try:
        envelope = orjson.loads(request.body)
    except orjson.JSONDecodeError as exc:
        raise NotificationRefused(400, "malformed", "body is not JSON") from exc
    if not isinstance(envelope, dict) or not isinstance(envelope.get("event"), str):
        raise NotificationRefused(400, "malformed", "body has no `event`")
    data = envelope.get("data")
    if not isinstance(data, dict):
        raise NotificationRefused(400, "malformed", "body has no `data` object")
    entity = ENTITY_BY_RESOURCE.get(envelope["event"].split(".", 1)[0])
    if entity is None:
        return []
    record = _record_id(entity, data)
    if record is None:
        raise NotificationRefused(400, "malformed", f"{envelope['event']} names no record")
    event_id = envelope.get("eventId")
    return [
        Notification(
            topic=envelope["event"],
            entity=entity,
            platform_id=record,
            event_id=str(event_id) if event_id else None,
            body=None,
        )
    ]


def verify_erp_push(request: InboundRequest, settings: ErpSettings) -> Notification:
    """The notification of one push, verified with the tenant's `webhook_secret`
    (ConnectorSpec.verify_notification). Refused 401 when no secret is configured or the
    signature is wrong, 400 for an event of a resource Ponte does not follow."""
    if settings.webhook_secret is None:
        raise NotificationRefused(401, "not_configured", "the ERP push has no secret configured")
    notifications = verify_erp_notification(request, settings.webhook_secret.get_secret_value())
    if not notifications:
        raise NotificationRefused(400, "unsupported_event", "Ponte does not follow this event")
    return notifications[0]


async def notification_events(
    client: ErpClient,
    notification: Notification,
    *,
    default_deposit: str = "1",
    measured_at: datetime | None = None,
) -> list[EventPayload]:
    """The canonical events of a verified notification, from the record fetched afresh."""
    ref = notification.platform_id
    if notification.entity is Entity.PRODUCT:
        return await product_events(client, ref)
    if notification.entity is Entity.STOCK:
        at = measured_at or datetime.now(UTC)
        return await stock_events(client, ref, measured_at=at, default_deposit=default_deposit)
    return await order_events_by_id(client, ref)
