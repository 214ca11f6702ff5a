"""Platform commands -> the integration's platform: products, prices, stock and order moves.

Transient failures are retried with backoff inside the push; what still fails is parked in the
integration's error list (an auth or configuration failure also pauses the integration); a
later success for the same entity resolves it. Every command leaves a history entry.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from faust.types import EventT, StreamT
from pydantic import ValidationError

from connectors.errors import ConnectorError
from connectors.registry import PLATFORMS
from engine.agents.readiness import views_caught_up
from engine.context import Engine
from engine.dead_letters import send_to_dead_letter
from engine.failures import MappingMissing, PrerequisiteMissing, park_failure, resolve_parked
from engine.gate import hold_event
from engine.metrics import EVENTS_PROCESSED, STOCK_PUSHED_AT
from engine.outbound import AUTOMATION_OF, capability_gap
from engine.platform_pushes import (
    PriceDropRefused,
    Pushed,
    SinkTables,
    Target,
    push_order_moves,
    push_price,
    push_product,
    push_stock,
)
from engine.state.history import event_entry, history_acknowledged, record_history
from schemas.codec import decode
from schemas.command import CommandKind, PlatformCommand
from schemas.envelope import EventEnvelope
from schemas.history import Step
from schemas.integration import Integration, IntegrationStatus
from topics.registry import ERP_CHANGES, OUTBOUND

log = logging.getLogger(__name__)
AGENT = "platform-sink"
PUSHES: dict[CommandKind, Callable[[Target, PlatformCommand], Awaitable[Pushed]]] = {
    CommandKind.PRODUCT_EXPORT: push_product,
    CommandKind.PRICE_EXPORT: push_price,
    CommandKind.STOCK_EXPORT: push_stock,
    CommandKind.ORDER_STATUS_EXPORT: push_order_moves,
}


def wire_platform_sink(engine: Engine) -> None:
    def table(name: str):  # type: ignore[no-untyped-def]
        return engine.app.Table(
            name, default=None, partitions=OUTBOUND.partitions, key_type=str, value_type=str
        )

    tables = SinkTables(
        stock=table("outbound-stock"),
        prices=table("outbound-prices"),
        products=table("outbound-products"),
        orders=table("outbound-order-moves"),
    )

    @engine.app.agent(engine.topics[OUTBOUND], name=AGENT)
    async def push_to_platforms(stream: StreamT[bytes]) -> None:
        await views_caught_up(engine, AGENT)
        async for event in stream.events():
            await sink_command(engine, tables, event)
            await history_acknowledged()  # stored before this event's offset is committed


async def sink_command(engine: Engine, tables: SinkTables, event: EventT[bytes]) -> None:
    try:
        command = decode(PlatformCommand, event.value)
    except (ValidationError, ValueError) as exc:
        reason = f"not a platform command: {exc}"
        await send_to_dead_letter(engine.topics, OUTBOUND, event, reason, type(exc).__name__)
        return
    integration = engine.registry.get(command.integration_id)
    if integration is None:
        reason = f"integration {command.integration_id!r} no longer exists"
        await send_to_dead_letter(engine.topics, OUTBOUND, event, reason, "LookupError")
        return
    try:
        outcome = await _carry_out(engine, tables, integration, command)
    except Exception as exc:  # a poison command must not stop the partition behind it
        log.exception("command %s could not be carried out", command.command_id)
        reason = f"unexpected {type(exc).__name__}: {exc}"
        await send_to_dead_letter(engine.topics, OUTBOUND, event, reason, type(exc).__name__)
        outcome = "dead_letter"
    EVENTS_PROCESSED.labels(agent=AGENT, type=command.envelope.type, outcome=outcome).inc()
    if outcome == "ok" and command.kind is CommandKind.STOCK_EXPORT:
        STOCK_PUSHED_AT.labels(integration.id, integration.platform).set_to_current_time()


async def _carry_out(
    engine: Engine, tables: SinkTables, integration: Integration, command: PlatformCommand
) -> str:
    subject = subject_of(command)
    if integration.status is not IntegrationStatus.ACTIVE:
        await hold_event(
            engine, integration, AUTOMATION_OF[command.kind], ERP_CHANGES, command.envelope
        )
        return "held"
    gap = capability_gap(PLATFORMS[integration.platform], command.kind)
    if gap is not None:
        _history(engine, subject, integration, Pushed(False, "unsupported", gap))
        return "unsupported"
    try:
        client = engine.platforms.for_integration(integration)
        pushed = await PUSHES[command.kind](Target(engine, tables, integration, client), command)
    except (ConnectorError, MappingMissing, PrerequisiteMissing, PriceDropRefused) as exc:
        await park_failure(engine, subject, ERP_CHANGES, exc, attempts=getattr(exc, "attempts", 1))
        return "parked"
    _history(engine, subject, integration, pushed)
    if pushed.sent:
        await resolve_parked(engine, subject)
    return pushed.outcome


def subject_of(command: PlatformCommand) -> EventEnvelope:
    """The event as this integration's records know it: under the command's entity key (one
    error and one history per SKU or order, whatever warehouse or price list it came from).
    Parked under ERP_CHANGES, so a retry goes through the fan-out for this integration again."""
    return command.envelope.model_copy(update={"entity_key": command.entity_key})


def _history(
    engine: Engine, subject: EventEnvelope, integration: Integration, pushed: Pushed
) -> None:
    entry = event_entry(
        subject,
        Step.SENT if pushed.sent else Step.SKIPPED,
        pushed.outcome,
        pushed.detail,
        config_version=integration.version,
        search_keys=pushed.search_keys,
    )
    if pushed.request is not None:
        entry = entry.model_copy(update={"request": pushed.request})
    record_history(engine.topics, entry)
