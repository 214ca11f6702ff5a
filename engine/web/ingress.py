"""What a webhook delivery must pass before it is stored: pure checks, no I/O.

Order of checks: the integration exists (404), the signature is right (401), the platform's
headers are there (400), the body is JSON (400). Nothing that fails a check reaches Kafka.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import uuid4

import orjson
from pydantic import ValidationError

from connectors.shopify.webhooks import (
    MissingWebhookHeader,
    parse_delivery_headers,
    shopify_signature_valid,
)
from schemas.delivery import Delivery
from schemas.envelope import SourceSystem

KEPT_HEADERS = (
    "x-shopify-topic",
    "x-shopify-shop-domain",
    "x-shopify-webhook-id",
    "x-shopify-event-id",
    "x-shopify-api-version",
    "x-shopify-triggered-at",
)


@dataclass(frozen=True)
class Rejection(Exception):
    """A delivery refused with an HTTP status and a reason a person can act on."""

    status: int
    reason: str
    message: str


def shopify_delivery(
    integration_id: str,
    shop_domain: str,
    secrets: Sequence[str],
    headers: Mapping[str, str],
    body: bytes,
    received_at: datetime,
) -> Delivery:
    """Verify and parse one Shopify webhook delivery; raises Rejection."""
    if not shopify_signature_valid(secrets, body, _header(headers, "x-shopify-hmac-sha256")):
        raise Rejection(401, "bad_signature", "X-Shopify-Hmac-Sha256 does not match the body")
    try:
        parsed = parse_delivery_headers(headers)
    except MissingWebhookHeader as exc:
        raise Rejection(400, "missing_header", str(exc)) from exc
    except ValidationError as exc:
        raise Rejection(
            400, "malformed_header", f"a delivery header is malformed: {exc.errors()[0]['msg']}"
        ) from exc
    if parsed.shop_domain.lower() != shop_domain:
        raise Rejection(401, "wrong_shop", "X-Shopify-Shop-Domain is not this integration's store")
    document = _json_object(body)
    return Delivery(
        delivery_id=parsed.webhook_id,
        event_id=parsed.event_id,
        integration_id=integration_id,
        source=SourceSystem.SHOPIFY,
        topic=parsed.topic,
        entity_key=shopify_entity_key(parsed.topic, document),
        headers={
            name: value for name in KEPT_HEADERS if (value := _header(headers, name)) is not None
        },
        body=body.decode(),
        received_at=received_at,
        trace_id=uuid4().hex,
    )


def shopify_entity_key(topic: str, document: Mapping[str, Any]) -> str:
    """'orders/create' about order 42 -> 'order:42'; all events of one record share the key."""
    resource = topic.split("/", 1)[0]
    entity = resource[:-1] if resource.endswith("s") else resource
    record_id = document.get("id")
    if isinstance(record_id, bool) or not isinstance(record_id, int | str) or record_id == "":
        raise Rejection(400, "malformed_body", f"a {topic} body needs an 'id'")
    return f"{entity}:{record_id}"


def _json_object(body: bytes) -> Mapping[str, Any]:
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise Rejection(400, "malformed_json", f"the body is not JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise Rejection(400, "malformed_json", "the body must be a JSON object")
    return document


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        lowered = {key.lower(): item for key, item in headers.items()}
        value = lowered.get(name)
    return value
