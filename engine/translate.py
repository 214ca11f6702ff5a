"""From a raw delivery to a canonical event: which mapping applies to which notification.

Pure functions; the deliveries agent looks the translator up in ``TRANSLATORS``.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import NAMESPACE_URL, uuid5

from connectors.shopify.mapping import order_from_shopify_json
from schemas.delivery import Delivery
from schemas.envelope import EventEnvelope, SourceSystem
from schemas.events import OrderPlaced
from schemas.integration import Integration

Translator = Callable[[Delivery, Integration], EventEnvelope]


def event_id_for(delivery: Delivery, event_type: str) -> str:
    """Deterministic: translating the same delivery again yields the same event id."""
    return str(
        uuid5(NAMESPACE_URL, f"ponte:{delivery.integration_id}:{delivery.delivery_id}:{event_type}")
    )


def idempotency_key_for(delivery: Delivery) -> str:
    """Duplicates of one platform event (retries, several subscriptions) share this key."""
    return (
        f"{delivery.source}:{delivery.integration_id}:{delivery.event_id or delivery.delivery_id}"
    )


def shopify_order_placed(delivery: Delivery, integration: Integration) -> EventEnvelope:
    order = order_from_shopify_json(delivery.body)
    payload = OrderPlaced(order=order)
    return EventEnvelope(
        event_id=event_id_for(delivery, payload.type),
        type=payload.type,
        integration_id=delivery.integration_id,
        source=delivery.source,
        entity_key=delivery.entity_key,
        occurred_at=order.created_at,
        received_at=delivery.received_at,
        idempotency_key=idempotency_key_for(delivery),
        trace_id=delivery.trace_id,
        config_version=integration.version,
        payload=payload,
    )


TRANSLATORS: dict[tuple[SourceSystem, str], Translator] = {
    (SourceSystem.SHOPIFY, "orders/create"): shopify_order_placed,
}
