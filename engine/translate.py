"""From a raw delivery to canonical events: which mapping applies to which notification.

Pure functions; the deliveries agent looks the translator up in ``TRANSLATORS``. A full
Shopify body is mapped directly; a thin notification's record is read first
(``fetched_record_events``). Payment and cancellation become ``order.status_changed``, keyed
like the order so they stay in order with its ``order.placed``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import NAMESPACE_URL, uuid5

import orjson
from pydantic import BaseModel

from connectors.shopify.mapping import order_from_shopify_json
from connectors.shopify.mapping_catalog import product_from_shopify
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
    OrderStatusChanged,
    ProductChanged,
)
from schemas.integration import Integration
from schemas.order import Order
from schemas.order_status import OrderStatus
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


def _envelope(
    delivery: Delivery, integration: Integration, payload: EventPayload, occurred: datetime
) -> EventEnvelope:
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


def shopify_order_placed(delivery: Delivery, integration: Integration) -> EventEnvelope:
    order = order_from_shopify_json(delivery.body)
    return _envelope(delivery, integration, OrderPlaced(order=order), order.created_at)


def shopify_status_translator(status: OrderStatus) -> Translator:
    """orders/paid and orders/cancelled carry the whole order; the topic names the change."""

    def translate(delivery: Delivery, integration: Integration) -> EventEnvelope:
        order = order_from_shopify_json(delivery.body)
        payload = OrderStatusChanged(platform_order_id=order.platform_order_id, status=status)
        occurred = (
            order.canceled_at
            if status is OrderStatus.CANCELED
            else order.paid_at or order.updated_at
        )
        return _envelope(delivery, integration, payload, occurred or delivery.received_at)

    return translate


def shopify_product_changed(delivery: Delivery, integration: Integration) -> EventEnvelope:
    """products/create and products/update carry the whole product."""
    product = product_from_shopify(orjson.loads(delivery.body))
    payload = ProductChanged(product=product)
    return _envelope(delivery, integration, payload, product.updated_at or delivery.received_at)


TRANSLATORS: dict[tuple[SourceSystem, str], Translator] = {
    (SourceSystem.SHOPIFY, "orders/create"): shopify_order_placed,
    (SourceSystem.SHOPIFY, "orders/paid"): shopify_status_translator(OrderStatus.PAID),
    (SourceSystem.SHOPIFY, "orders/cancelled"): shopify_status_translator(OrderStatus.CANCELED),
    (SourceSystem.SHOPIFY, "products/create"): shopify_product_changed,
    (SourceSystem.SHOPIFY, "products/update"): shopify_product_changed,
}

CREATION_TOPICS: frozenset[tuple[SourceSystem, str]] = frozenset(
    {
        (SourceSystem.NUVEMSHOP, "order/created"),
        (SourceSystem.TRAY, "order/insert"),
        (SourceSystem.VTEX, "order/order-created"),
        (SourceSystem.VTEX, "order/ready-for-handling"),
    }
)
"""Thin notifications of a new order: its status goes in with it, no separate update.

VTEX's hook is subscribed on ready-for-handling, the state a new paid order enters.
"""


def status_event_wanted(delivery: Delivery, order: Order) -> bool:
    """A thin order notification other than creation reports a payment or a cancellation
    when the order read back is past pending payment (the sink compares it with the ERP)."""
    return (
        delivery.source,
        delivery.topic,
    ) not in CREATION_TOPICS and order.status is not OrderStatus.PENDING_PAYMENT


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


def fetched_record_events(
    delivery: Delivery, integration: Integration, record: BaseModel
) -> list[EventEnvelope]:
    """The envelopes of a record read from the platform after a thin notification.

    An order always yields order.placed (the ERP order is created if it is still missing)
    and, after a status notification, order.status_changed with the status read.
    """
    payload = payload_for_record(record)
    occurred = (
        getattr(record, "updated_at", None)
        or getattr(record, "created_at", None)
        or delivery.received_at
    )
    envelopes = [_envelope(delivery, integration, payload, occurred)]
    if isinstance(record, Order) and status_event_wanted(delivery, record):
        status = OrderStatusChanged(
            platform_order_id=record.platform_order_id, status=record.status
        )
        envelopes.append(_envelope(delivery, integration, status, occurred))
    return envelopes


def fetched_record_event(
    delivery: Delivery, integration: Integration, record: BaseModel
) -> EventEnvelope:
    """The record's own event (order.placed, product.changed, ...) of a thin notification."""
    return fetched_record_events(delivery, integration, record)[0]
