"""The ``order.placed`` event of an order read from a platform (polling, reconciliation).

Keyed and identified exactly as every other source of the same order would be
(``{integration}:order:{platform id}``, event id ``uuid5(integration, order id, "placed")``): the
ERP-orders sink creates it once however often it arrives.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta
from uuid import NAMESPACE_URL, uuid4, uuid5

from pydantic import BaseModel

from engine.context import Engine
from schemas.codec import encode
from schemas.envelope import EventEnvelope, SourceSystem
from schemas.events import OrderPlaced
from schemas.integration import Integration
from schemas.order import Order
from topics.registry import ORDERS, entity_key

FIRST_POLL_WINDOW = timedelta(days=1)
"""With no ``order_import_since``, orders are read from this long before the first read."""


def import_floor(
    integration: Integration, now: datetime, window: timedelta = FIRST_POLL_WINDOW
) -> datetime:
    """Orders placed before this are not read: ``order_import_since`` (midnight UTC), or
    ``window`` before ``now``."""
    since = integration.settings.order_import_since
    return datetime.combine(since, time(), tzinfo=UTC) if since else now - window


def placed_since(records: Iterable[BaseModel], floor: datetime) -> list[Order]:
    """The orders of a page placed at or after ``floor`` (older ones were only updated)."""
    return [r for r in records if isinstance(r, Order) and r.created_at >= floor]


def order_event_id(integration_id: str, platform_order_id: str) -> str:
    return str(uuid5(NAMESPACE_URL, f"ponte:{integration_id}:order:{platform_order_id}:placed"))


def order_placed_envelope(
    integration: Integration, order: Order, *, received_at: datetime, trace_id: str
) -> EventEnvelope:
    """The ``order.placed`` event of an order read from the platform (polled or reconciled)."""
    payload = OrderPlaced(order=order)
    return EventEnvelope(
        event_id=order_event_id(integration.id, order.platform_order_id),
        type=payload.type,
        integration_id=integration.id,
        source=SourceSystem(integration.platform),
        entity_key=f"order:{order.platform_order_id}",
        occurred_at=order.created_at,
        received_at=received_at,
        idempotency_key=f"{integration.platform}:{integration.id}:order:{order.platform_order_id}:placed",
        trace_id=trace_id,
        config_version=integration.version,
        payload=payload,
    )


async def emit_orders(engine: Engine, integration: Integration, orders: list[Order]) -> None:
    """Send ``order.placed`` for each order and wait for every acknowledgement at once."""
    now, trace = datetime.now(UTC), uuid4().hex
    topic = engine.topics[ORDERS]
    pending = []
    for order in orders:
        envelope = order_placed_envelope(integration, order, received_at=now, trace_id=trace)
        key = entity_key(integration.id, envelope.entity_key).encode()
        pending.append(await topic.send(key=key, value=encode(envelope)))
    await asyncio.gather(*pending)
