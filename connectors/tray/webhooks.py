"""Tray notifications: form fields `seller_id`, `scope_id`, `scope_name`, `act` (plus
`app_code`, `url_notification`), unsigned. What we can verify is the per-integration secret
we put in the notification URL and that `seller_id` is this integration's store; the body
carries ids only, so the engine always re-reads the record (fetch-to-confirm).
"""

from __future__ import annotations

import hmac
from urllib.parse import parse_qs

from connectors.capabilities import Entity
from connectors.contract import InboundRequest, Notification, NotificationRefused
from connectors.tray.settings import TraySettings

# scope_name -> the entity to re-read. Price and stock scopes name a product or a variant id;
# re-reading the product (or the variant's product) gives both.
SCOPES: dict[str, Entity] = {
    "order": Entity.ORDER,
    "product": Entity.PRODUCT,
    "product_price": Entity.PRICE,
    "product_stock": Entity.STOCK,
    "variant": Entity.PRODUCT,
    "variant_price": Entity.PRICE,
    "variant_stock": Entity.STOCK,
}
ACTS = frozenset({"insert", "update", "delete"})


def _fields(request: InboundRequest) -> dict[str, str]:
    try:
        parsed = parse_qs(
            request.body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(request.body)
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise NotificationRefused(400, "malformed", "not a form-encoded Tray notification") from exc
    return {name: values[-1].strip() for name, values in parsed.items()}


def verify_tray_notification(request: InboundRequest, settings: TraySettings) -> Notification:
    """A verified notification (always to be fetched), or NotificationRefused (401 / 400)."""
    expected = settings.notification_secret.get_secret_value().encode()
    given = (request.path_secret or "").encode()
    if not hmac.compare_digest(given, expected):
        raise NotificationRefused(401, "bad_secret", "the notification URL secret does not match")
    fields = _fields(request)
    if not fields.get("seller_id"):
        raise NotificationRefused(400, "malformed", "a Tray notification names its seller_id")
    if not hmac.compare_digest(fields.get("seller_id", "").encode(), settings.store_id.encode()):
        raise NotificationRefused(401, "wrong_store", "seller_id is not this integration's store")
    scope, scope_id, act = (
        fields.get("scope_name", ""),
        fields.get("scope_id", ""),
        fields.get("act", ""),
    )
    if scope not in SCOPES or not scope_id.isdigit() or act not in ACTS:
        raise NotificationRefused(
            400, "malformed", f"unreadable Tray notification (scope_name={scope!r}, act={act!r})"
        )
    return Notification(
        topic=f"{scope}/{act}",
        entity=SCOPES[scope],
        platform_id=scope_id,
        event_id=None,  # Tray sends no delivery id; retries repeat the same fields
        body=None,
    )
