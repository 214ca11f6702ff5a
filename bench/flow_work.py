"""The per-record work of the measured agents, as the bare baseline loop does it.

Each function calls the same pure functions as its agent, on the same bytes, and answers the
records the agent would produce (key, value). Only the engine's framing is left out: Faust's
stream, views, metrics and the dead-letter path (never taken by the bench's valid records).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime

import orjson

from engine.agents.erp_orders import before_import_since
from engine.gate import Verdict, verdict
from engine.mapped import pedido_for
from engine.outbound import AUTOMATION_OF, command_for, command_kind, concerns, targets
from engine.translate import TRANSLATORS
from schemas.automation import Automation, Automations
from schemas.codec import decode, encode
from schemas.delivery import Delivery
from schemas.envelope import EventEnvelope
from schemas.events import OrderPlaced
from schemas.integration import Integration

Produced = list[tuple[bytes, bytes]]
Work = Callable[[bytes | None, bytes], Produced]


def offline_integration(integration_id: str, *switches_on: Automation) -> Integration:
    """An active Shopify integration with only ``switches_on`` on, for work timed in-process."""
    now = datetime.now(UTC)
    return Integration(
        id=integration_id,
        platform="shopify",
        name="Bench",
        credentials="-",
        version=1,
        created_at=now,
        updated_at=now,
        automations=Automations.model_validate({a.value: {"enabled": True} for a in switches_on}),
    )


def translate_orders(integrations: Mapping[str, Integration]) -> Work:
    """translate-deliveries for full Shopify deliveries: Delivery -> order.placed envelope."""

    def work(key: bytes | None, value: bytes) -> Produced:
        delivery = decode(Delivery, value)
        integration = integrations[delivery.integration_id]
        envelope = TRANSLATORS[(delivery.source, delivery.topic)](delivery, integration)
        return [(key or b"", encode(envelope))]

    return work


def fan_out_stock(integrations: list[Integration]) -> Work:
    """erp-fanout: an ERP change -> one command per integration whose switch lets it through."""

    def work(key: bytes | None, value: bytes) -> Produced:
        envelope = decode(EventEnvelope, value)
        kind = command_kind(envelope.payload)
        if kind is None:
            return []
        produced = []
        for integration in targets(envelope, integrations):
            if not concerns(integration, envelope.payload, order_linked=False):
                continue
            if verdict(integration, AUTOMATION_OF[kind]) is not Verdict.RUN:
                continue
            command = command_for(envelope, integration)
            produced.append((command.key.encode(), encode(command)))
        return produced

    return work


def order_identity(value: bytes) -> str:
    """An order.placed envelope's entity key: one per platform order."""
    return str(orjson.loads(value)["entity_key"])


def command_identity(value: bytes) -> str:
    """A platform command's integration and ERP change: one per (integration, change)."""
    command = orjson.loads(value)
    return f"{command['integration_id']}:{command['envelope']['event_id']}"


def order_checks_before_erp(integration: Integration) -> Callable[[EventEnvelope], object]:
    """What erp-orders does to an order.placed between ORDERS and the ERP call, without I/O:
    the automation gate, the import-since date and the Configurações/Mapeamentos (pedido_for).
    (The link lookup is a dict read; history records are sends, left out.)"""

    def checks(envelope: EventEnvelope) -> object:
        assert isinstance(envelope.payload, OrderPlaced)
        if verdict(integration, Automation.ORDER_IMPORT) is not Verdict.RUN:
            return None
        if before_import_since(envelope.payload.order, integration):
            return None
        return pedido_for(envelope.payload.order, integration)

    return checks
