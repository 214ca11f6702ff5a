"""Canonical order events -> sales orders in the ERP, exactly once in effect.

Before creating, the sink checks its links table (platform order -> ERP id), then asks the ERP
for an order with the same platform number: a redelivery, a duplicate webhook or a worker
killed between the ERP call and the offset commit all end with one ERP order.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import TypeVar

from faust.types import EventT, StreamT, TableT
from pydantic import ValidationError

from connectors.erp.client import ErpOrderRef
from connectors.erp.mapping import order_to_pedido
from connectors.errors import ConfigError, Permanent, Retryable
from engine.context import Engine
from engine.dead_letters import send_to_dead_letter
from engine.gate import Verdict, hold_event, verdict
from engine.metrics import END_TO_END, EVENTS_PROCESSED, RETRIES, SINK_CALLS, SINK_LATENCY
from engine.retry import call_with_retries
from schemas.automation import Automation
from schemas.codec import decode
from schemas.envelope import EventEnvelope
from schemas.events import OrderPlaced
from schemas.integration import IntegrationSettings
from topics.registry import ORDERS

log = logging.getLogger(__name__)
AGENT = "erp-orders"
T = TypeVar("T")


def wire_erp_orders(engine: Engine) -> None:
    links = engine.app.Table(
        "order-links", default=None, partitions=ORDERS.partitions, key_type=str, value_type=str
    )

    @engine.app.agent(engine.topics[ORDERS], name=AGENT)
    async def create_erp_orders(stream: StreamT[bytes]) -> None:
        async for event in stream.events():
            await sink_one(engine, links, event)


async def sink_one(engine: Engine, links: TableT[str, str], event: EventT[bytes]) -> None:
    try:
        envelope = decode(EventEnvelope, event.value)
    except (ValidationError, ValueError) as exc:
        await _dead_letter(engine, event, f"not an event envelope: {exc}", exc)
        return
    if not isinstance(envelope.payload, OrderPlaced):
        EVENTS_PROCESSED.labels(agent=AGENT, type=envelope.type, outcome="not_handled").inc()
        return
    integration = engine.registry.get(envelope.integration_id)
    gate = verdict(integration, Automation.ORDER_IMPORT)
    if gate is Verdict.GONE:
        reason = f"integration {envelope.integration_id!r} no longer exists"
        await _dead_letter(engine, event, reason, LookupError(reason))
        return
    if gate is Verdict.HOLD:
        assert integration is not None
        await hold_event(engine, integration, Automation.ORDER_IMPORT, ORDERS, envelope)
        EVENTS_PROCESSED.labels(agent=AGENT, type=envelope.type, outcome="held").inc()
        return
    link_key = f"{envelope.integration_id}:{envelope.entity_key}"
    linked = links.get(link_key)
    if linked is not None:
        EVENTS_PROCESSED.labels(agent=AGENT, type=envelope.type, outcome="duplicate").inc()
        log.info(
            "%s is already ERP order %s; duplicate %s skipped", link_key, linked, envelope.event_id
        )
        return
    try:
        ref = await call_with_retries(
            lambda: place_order(engine, envelope),
            attempts=engine.settings.sink_max_attempts,
            base=engine.settings.sink_backoff_base,
            cap=engine.settings.sink_backoff_cap,
            on_retry=_count_retry,
        )
    except (Permanent, ConfigError, Retryable) as exc:
        attempts = getattr(exc, "attempts", 1)
        await _dead_letter(engine, event, exc.describe(), exc, attempts)
        return
    links[link_key] = ref.id
    EVENTS_PROCESSED.labels(agent=AGENT, type=envelope.type, outcome="ok").inc()
    END_TO_END.labels(platform=envelope.source).observe(
        (datetime.now(UTC) - envelope.received_at).total_seconds()
    )


async def place_order(engine: Engine, envelope: EventEnvelope) -> ErpOrderRef:
    """Create the ERP order unless the ERP already has one with this platform number."""
    assert isinstance(envelope.payload, OrderPlaced)
    order = envelope.payload.order
    existing = await _timed(
        "find_order",
        engine.erp.find_order_by_platform_number(order.number, order.platform_order_id),
    )
    if existing is not None:
        return existing
    integration = engine.registry.get(envelope.integration_id)
    settings = integration.settings if integration is not None else IntegrationSettings()
    situacao = settings.erp_order_status
    ref = await _timed(
        "create_order", engine.erp.create_order(order_to_pedido(order, situacao=situacao))
    )
    if engine.settings.fault_point == "after-erp-create":
        os.kill(os.getpid(), signal.SIGKILL)  # test-only: die before the link and the commit
    return ref


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


def _count_retry(exc: Retryable, attempt: int, delay: float) -> None:
    RETRIES.labels(sink="erp", reason=type(exc).__name__).inc()
    log.info("ERP call failed (%s), attempt %d, retrying in %.2fs", exc.describe(), attempt, delay)


async def _dead_letter(
    engine: Engine, event: EventT[bytes], reason: str, exc: Exception, attempts: int = 1
) -> None:
    EVENTS_PROCESSED.labels(agent=AGENT, type="order.placed", outcome="dead_letter").inc()
    await send_to_dead_letter(engine.topics, ORDERS, event, reason, type(exc).__name__, attempts)
