"""ERP changes as envelopes: the same events whether the poller or the ERP's push heard them."""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, uuid5

from connectors.erp.changes import idempotency_key
from schemas.envelope import EventEnvelope, SourceSystem
from schemas.events import (
    EventPayload,
    OrderStatusChanged,
    PriceChanged,
    ProductChanged,
    StockChanged,
)

ERP_INTEGRATION = "erp"
"""ERP changes concern every integration: the flows fan them out by their automations."""


def erp_entity_key(payload: EventPayload) -> str:
    """Events about one ERP record share a key (and so a partition, and their order)."""
    if isinstance(payload, ProductChanged):
        return f"product:{payload.product.sku}"
    if isinstance(payload, PriceChanged):
        return f"price:{payload.price.sku}:{payload.price.price_list}"
    if isinstance(payload, StockChanged):
        return f"stock:{payload.level.sku}:{payload.level.warehouse}"
    if isinstance(payload, OrderStatusChanged):
        return f"order:{payload.platform_order_id}"
    raise TypeError(f"the ERP does not emit {payload.type}")


def erp_envelope(payload: EventPayload, *, received_at: datetime, trace_id: str) -> EventEnvelope:
    """The envelope of one ERP change; its event id follows its content, so a re-read dedups."""
    key = idempotency_key(payload)
    return EventEnvelope(
        event_id=str(uuid5(NAMESPACE_URL, f"ponte:{key}")),
        type=payload.type,
        integration_id=ERP_INTEGRATION,
        source=SourceSystem.ERP,
        entity_key=erp_entity_key(payload),
        occurred_at=getattr(getattr(payload, "level", None), "measured_at", None) or received_at,
        received_at=received_at,
        idempotency_key=key,
        trace_id=trace_id,
        config_version=0,
        payload=payload,
    )
