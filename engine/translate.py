"""From a raw delivery to a canonical event: which mapping applies to which notification.

Pure functions; the deliveries agent looks the translator up in ``TRANSLATORS``.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import NAMESPACE_URL, uuid5

from pydantic import BaseModel

from connectors.shopify.mapping import order_from_shopify_json
from schemas.attribute import Attribute
from schemas.brand import Brand
from schemas.category import Category
from schemas.delivery import Delivery
from schemas.envelope import EventEnvelope, SourceSystem
from schemas.events import (
    AttributeChanged,
    BrandChanged,
    CategoryChanged,
    EventPayload,
    OrderPlaced,
    ProductChanged,
)
from schemas.integration import Integration
from schemas.order import Order
from schemas.product import Product

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


def payload_for_record(record: BaseModel) -> EventPayload:
    """The canonical event a record read from a platform becomes."""
    if isinstance(record, Order):
        return OrderPlaced(order=record)
    if isinstance(record, Product):
        return ProductChanged(product=record)
    if isinstance(record, Category):
        return CategoryChanged(category=record)
    if isinstance(record, Brand):
        return BrandChanged(brand=record)
    if isinstance(record, Attribute):
        return AttributeChanged(attribute=record)
    raise TypeError(f"no event carries a {type(record).__name__}")


def fetched_record_event(
    delivery: Delivery, integration: Integration, record: BaseModel
) -> EventEnvelope:
    """The envelope of a record read from the platform after a thin notification."""
    payload = payload_for_record(record)
    occurred = (
        getattr(record, "updated_at", None)
        or getattr(record, "created_at", None)
        or delivery.received_at
    )
    return EventEnvelope(
        event_id=event_id_for(delivery, payload.type),
        type=payload.type,
        integration_id=delivery.integration_id,
        source=delivery.source,
        entity_key=delivery.entity_key,
        occurred_at=occurred,
        received_at=delivery.received_at,
        idempotency_key=idempotency_key_for(delivery),
        trace_id=delivery.trace_id,
        config_version=integration.version,
        payload=payload,
    )
