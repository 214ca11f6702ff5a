"""Shopify webhook deliveries: HMAC verification, the delivery headers and the verified
``Notification`` of the shared contract, as pure functions.

Shopify signs the raw body bytes with the app's client secret (HMAC-SHA256, standard base64).
Verify before parsing: re-encoded JSON does not hash the same.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from datetime import datetime

import orjson
from pydantic import BaseModel, ConfigDict, ValidationError

from connectors.capabilities import Entity
from connectors.contract import InboundRequest, Notification, NotificationRefused
from connectors.errors import Permanent
from connectors.shopify.mapping_values import external_id, preferred_id
from connectors.shopify.settings import ShopifySettings

HMAC_HEADER = "X-Shopify-Hmac-Sha256"
TOPIC_HEADER = "X-Shopify-Topic"
SHOP_DOMAIN_HEADER = "X-Shopify-Shop-Domain"
API_VERSION_HEADER = "X-Shopify-API-Version"
WEBHOOK_ID_HEADER = "X-Shopify-Webhook-Id"
EVENT_ID_HEADER = "X-Shopify-Event-Id"
TRIGGERED_AT_HEADER = "X-Shopify-Triggered-At"

# The ones Shopify's own library refuses a delivery without (lib/webhooks/validate.ts).
REQUIRED_HEADERS = (
    HMAC_HEADER,
    TOPIC_HEADER,
    SHOP_DOMAIN_HEADER,
    API_VERSION_HEADER,
    WEBHOOK_ID_HEADER,
)


class MissingWebhookHeader(ValueError):
    """A delivery lacks a header Shopify always sends; it is not a genuine Shopify webhook."""

    def __init__(self, header: str) -> None:
        super().__init__(f"webhook delivery is missing the {header} header")
        self.header = header


def _as_bytes(value: bytes | str) -> bytes:
    return value.encode() if isinstance(value, str) else value


def sign(secret: bytes | str, raw_body: bytes) -> str:
    """The `X-Shopify-Hmac-Sha256` value Shopify sends for ``raw_body`` signed with ``secret``."""
    digest = hmac.new(_as_bytes(secret), raw_body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def shopify_signature_valid(
    secrets: Sequence[bytes | str], raw_body: bytes, header_value: str | None
) -> bool:
    """True when ``header_value`` is the signature of ``raw_body`` under any of ``secrets``."""
    if not header_value:
        return False
    received = header_value.strip().encode()
    # Check every secret, not just until the first match, so timing does not reveal which one.
    matches = [hmac.compare_digest(sign(s, raw_body).encode(), received) for s in secrets]
    return any(matches)


class ShopifyDeliveryHeaders(BaseModel):
    """The headers of one webhook delivery that the engine keeps with the body."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    topic: str
    shop_domain: str
    webhook_id: str
    api_version: str
    hmac: str
    event_id: str | None = None
    triggered_at: datetime | None = None


def _lookup(headers: Mapping[str, str], name: str) -> str | None:
    exact = headers.get(name)  # Shopify's own spelling: no scan (13 lookups per delivery)
    if exact is not None:
        return exact
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def require_delivery_headers(headers: Mapping[str, str]) -> None:
    """Raise MissingWebhookHeader naming the first required header that is absent or empty."""
    for name in REQUIRED_HEADERS:
        if not _lookup(headers, name):
            raise MissingWebhookHeader(name)


def parse_delivery_headers(headers: Mapping[str, str]) -> ShopifyDeliveryHeaders:
    """Read a delivery's headers (any case); MissingWebhookHeader if a required one is absent."""
    require_delivery_headers(headers)
    return ShopifyDeliveryHeaders.model_validate(
        {
            "topic": _lookup(headers, TOPIC_HEADER),
            "shop_domain": _lookup(headers, SHOP_DOMAIN_HEADER),
            "webhook_id": _lookup(headers, WEBHOOK_ID_HEADER),
            "api_version": _lookup(headers, API_VERSION_HEADER),
            "hmac": _lookup(headers, HMAC_HEADER),
            "event_id": _lookup(headers, EVENT_ID_HEADER) or None,
            "triggered_at": _lookup(headers, TRIGGERED_AT_HEADER) or None,
        }
    )


ENTITY_BY_TOPIC_PREFIX: Mapping[str, Entity] = {
    "orders": Entity.ORDER,
    "products": Entity.PRODUCT,
    "collections": Entity.CATEGORY,
    "inventory_levels": Entity.STOCK,
}


def verify_shopify_notification(request: InboundRequest, settings: ShopifySettings) -> Notification:
    """A verified delivery as a Notification; NotificationRefused (401/400) otherwise.

    The body is the full record, so nothing needs fetching. The dedupe key is
    ``X-Shopify-Event-Id`` (one event, one id across subscriptions and retries).
    """
    signature = _lookup(request.headers, HMAC_HEADER)
    if not shopify_signature_valid(settings.webhook_secrets(), request.body, signature):
        raise NotificationRefused(401, "bad_signature", "the HMAC signature does not match")
    try:
        headers = parse_delivery_headers(request.headers)
    except (MissingWebhookHeader, ValidationError) as exc:
        raise NotificationRefused(400, "missing_header", str(exc)) from exc
    if headers.shop_domain.strip().lower() != settings.shop_domain:
        # One app secret signs every shop's deliveries: a genuine delivery of another shop
        # must not be taken for this integration's.
        raise NotificationRefused(
            401, "wrong_shop", "X-Shopify-Shop-Domain is not this integration's store"
        )
    entity = ENTITY_BY_TOPIC_PREFIX.get(headers.topic.partition("/")[0])
    if entity is None:
        raise NotificationRefused(400, "unsupported_topic", f"topic {headers.topic} is not read")
    platform_id = _platform_id(entity, request.body)
    return Notification(
        topic=headers.topic,
        entity=entity,
        platform_id=platform_id,
        event_id=headers.event_id or headers.webhook_id,
        body=request.body,
    )


def _platform_id(entity: Entity, body: bytes) -> str:
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise NotificationRefused(400, "malformed_json", f"the body is not JSON: {exc}") from exc
    if not isinstance(payload, dict):
        raise NotificationRefused(400, "malformed_json", "the body must be a JSON object")
    try:
        if entity is Entity.STOCK:
            # The level's gid names the location; the item is in its query string.
            gid = str(payload.get("admin_graphql_api_id") or "")
            exact = gid.partition("inventory_item_id=")[2]
            found = exact if exact.isdigit() else external_id(payload.get("inventory_item_id"), "x")
        else:
            found = preferred_id(payload, "id")
    except Permanent as exc:
        raise NotificationRefused(400, "malformed_body", exc.reason) from exc
    if found is None:
        raise NotificationRefused(400, "malformed_body", "the body names no record id")
    return found
