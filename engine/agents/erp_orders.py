"""Canonical order events -> sales orders in the ERP, exactly once in effect.

Before creating, the sink checks its links table (platform order -> ERP id), then asks the ERP
for an order with the same platform number, on every attempt: a redelivery, a duplicate
webhook, a timeout after the ERP stored the order or a worker killed between the ERP call and
the offset commit all end with one ERP order.

One agent handles every event of the ORDERS topic, so the events of one order (keyed alike)
are applied in the order they happened: a payment or cancellation (order_updates) that comes
before its order waits for it in this partition. A record that fails is parked in its
integration's error list and the partition moves on; only undecodable records go to the DLQ.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

from faust.types import EventT, StreamT
from pydantic import ValidationError

from connectors.erp.client import ErpClient, ErpOrderRef, PedidoJson
from connectors.erp.mapping import ERP_TIMEZONE
from connectors.errors import ConnectorError, Permanent, Retryable
from engine.agents.order_updates import (
    OrderTables,
    apply_pending_updates,
    order_history,
    order_tables,
    update_order_status,
    wire_prerequisite_timer,
)
from engine.agents.readiness import views_caught_up
from engine.context import Engine
from engine.dead_letters import send_to_dead_letter
from engine.failures import MappingMissing, park_failure
from engine.gate import Verdict, hold_event, verdict
from engine.liveness import injected_hang
from engine.mapped import pedido_for
from engine.metrics import END_TO_END, EVENTS_PROCESSED, RETRIES, SINK_CALLS, SINK_LATENCY
from engine.retry import call_with_retries
from engine.state.history import history_acknowledged
from engine.state.links import save_link
from engine.stores import another_stores_record
from schemas.automation import Automation
from schemas.codec import decode
from schemas.envelope import EventEnvelope
from schemas.events import OrderPlaced, OrderStatusChanged
from schemas.history import Step
from schemas.integration import Integration
from schemas.link import Link
from schemas.order import Order
from topics.registry import ORDERS

log = logging.getLogger(__name__)
AGENT = "erp-orders"
T = TypeVar("T")


def wire_erp_orders(engine: Engine) -> None:
    tables = order_tables(engine)

    @engine.app.agent(engine.topics[ORDERS], name=AGENT)
    async def create_erp_orders(stream: StreamT[bytes]) -> None:
        await views_caught_up(engine, AGENT)
        async for event in stream.events():
            await sink_one(engine, tables, event)
            await history_acknowledged()  # stored before this event's offset is committed

    wire_prerequisite_timer(engine, tables)


async def sink_one(engine: Engine, tables: OrderTables, event: EventT[bytes]) -> None:
    if engine.settings.fault_point:
        await injected_hang(engine, AGENT)
    try:
        envelope = decode(EventEnvelope, event.value)
    except (ValidationError, ValueError) as exc:
        await _dead_letter(engine, event, f"not an event envelope: {exc}", exc)
        return
    integration = engine.registry.get(envelope.integration_id)
    if integration is None:
        reason = f"integration {envelope.integration_id!r} no longer exists"
        await _dead_letter(engine, event, reason, LookupError(reason))
        return
    try:
        if isinstance(envelope.payload, OrderStatusChanged):
            await update_order_status(engine, tables, event, envelope, integration)
        elif isinstance(envelope.payload, OrderPlaced):
            await import_order(engine, tables, envelope, integration)
        else:
            _count(envelope, "not_handled")
    except Exception as exc:  # a poison record is parked; its partition moves on
        log.exception("order event %s could not be handled", envelope.event_id)
        await park_failure(engine, envelope, ORDERS, exc)
        _count(envelope, "parked")


async def import_order(
    engine: Engine, tables: OrderTables, envelope: EventEnvelope, integration: Integration
) -> None:
    """The order.placed flow: gate, dedupe, since-date, mapping, ERP create, link, history."""
    assert isinstance(envelope.payload, OrderPlaced)
    order = envelope.payload.order
    if verdict(integration, Automation.ORDER_IMPORT) is Verdict.HOLD:
        await hold_event(engine, integration, Automation.ORDER_IMPORT, ORDERS, envelope)
        _count(envelope, "held")
        return
    link_key = f"{envelope.integration_id}:{envelope.entity_key}"
    linked = tables.links.get(link_key)
    if linked is not None:
        order_history(
            engine, envelope, integration, Step.SKIPPED, "duplicate", f"already ERP order {linked}"
        )
        _count(envelope, "duplicate")
        return
    if before_import_since(order, integration):
        since = integration.settings.order_import_since
        order_history(
            engine, envelope, integration, Step.SKIPPED, "too_old", f"placed before {since}"
        )
        _count(envelope, "too_old")
        return
    order_history(engine, envelope, integration, Step.RECEIVED, "ok", f"order {order.number}")
    ref = await _create_in_erp(engine, envelope, integration)
    if ref is None:
        return
    tables.links[link_key] = ref.id
    await _link(engine, envelope, integration, ref)
    await apply_pending_updates(engine, tables, envelope, integration, ref.id)
    _count(envelope, "ok")
    END_TO_END.labels(platform=envelope.source).observe(
        (datetime.now(UTC) - envelope.received_at).total_seconds()
    )


def before_import_since(order: Order, integration: Integration) -> bool:
    """True for an order placed before the integration's ``order_import_since``, a date in
    Brazil's civil time (the ERP's)."""
    since = integration.settings.order_import_since
    return since is not None and order.created_at.astimezone(ERP_TIMEZONE).date() < since


async def _create_in_erp(
    engine: Engine, envelope: EventEnvelope, integration: Integration
) -> ErpOrderRef | None:
    """The ERP order of ``envelope`` (found or created); None once the failure is parked."""
    assert isinstance(envelope.payload, OrderPlaced)
    order = envelope.payload.order
    try:
        pedido = pedido_for(order, integration)
    except (MappingMissing, Permanent, ValueError) as exc:
        await park_failure(engine, envelope, ORDERS, exc)
        _count(envelope, "parked")
        return None
    try:
        ref, created = await call_with_retries(
            lambda: place_order(
                engine.erp,
                order,
                pedido,
                lambda erp_id: another_stores_record(engine, integration, "order", erp_id),
            ),
            attempts=engine.settings.sink_max_attempts,
            base=engine.settings.sink_backoff_base,
            cap=engine.settings.sink_backoff_cap,
            on_retry=_count_retry,
        )
    except ConnectorError as exc:
        await park_failure(engine, envelope, ORDERS, exc, attempts=getattr(exc, "attempts", 1))
        _count(envelope, "parked")
        return None
    if created and engine.settings.fault_point == "after-erp-create":
        os.kill(os.getpid(), signal.SIGKILL)  # test-only: die before the link and the commit
    order_history(
        engine,
        envelope,
        integration,
        Step.SENT if created else Step.LINKED,
        "ok" if created else "found",
        f"ERP order {ref.id}" if created else f"already in the ERP as order {ref.id}",
        request="POST /pedidos" if created else "GET /pedidos/numeroOC",
        extra_keys=(ref.id,),
    )
    return ref


async def place_order(
    erp: ErpClient,
    order: Order,
    pedido: PedidoJson,
    other_stores: Callable[[str], bool] = lambda erp_id: False,
) -> tuple[ErpOrderRef, bool]:
    """Create the ERP order unless the ERP already has one with this platform number.

    Called again on every retry, so a create that timed out after the ERP stored the order
    is found, not repeated. An order of the same number and id that ``other_stores`` says
    belongs to another integration (two Tray stores both have an order 1000) is not this
    one. True with the ref when this call created it.
    """
    found = await _timed(
        "find_order", erp.find_orders_by_platform_number(order.number, order.platform_order_id)
    )
    for existing in found:
        if not other_stores(existing.id):
            return existing, False
    return await _timed("create_order", erp.create_order(pedido)), True


async def _link(
    engine: Engine, envelope: EventEnvelope, integration: Integration, ref: ErpOrderRef
) -> None:
    assert isinstance(envelope.payload, OrderPlaced)
    order = envelope.payload.order
    await save_link(
        engine.topics,
        Link(
            integration_id=integration.id,
            entity="order",
            erp_id=ref.id,
            platform_id=order.platform_order_id,
            order_number=order.number,
            created_by="order",
            created_at=datetime.now(UTC),
        ),
    )


async def _timed(operation: str, call: Awaitable[T]) -> T:
    started = time.perf_counter()
    outcome = "error"
    try:
        result = await call
        outcome = "ok"
        return result
    except Retryable:
        outcome = "retryable"
        raise
    except Permanent:
        outcome = "refused"
        raise
    finally:
        SINK_CALLS.labels(sink="erp", operation=operation, outcome=outcome).inc()
        SINK_LATENCY.labels(sink="erp", operation=operation).observe(time.perf_counter() - started)


def _count(envelope: EventEnvelope, outcome: str) -> None:
    EVENTS_PROCESSED.labels(agent=AGENT, type=envelope.type, outcome=outcome).inc()


def _count_retry(exc: Retryable, attempt: int, delay: float) -> None:
    RETRIES.labels(sink="erp", reason=type(exc).__name__).inc()
    log.info("ERP call failed (%s), attempt %d, retrying in %.2fs", exc.describe(), attempt, delay)


async def _dead_letter(
    engine: Engine, event: EventT[bytes], reason: str, exc: Exception, attempts: int = 1
) -> None:
    EVENTS_PROCESSED.labels(agent=AGENT, type="unknown", outcome="dead_letter").inc()
    await send_to_dead_letter(engine.topics, ORDERS, event, reason, type(exc).__name__, attempts)
