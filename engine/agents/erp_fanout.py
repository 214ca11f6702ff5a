"""ERP changes -> one platform command per integration that takes it (engine.outbound decides).

Each integration's switch is asked through the gate: a change met while its automation is off
(or the integration paused) is held for that integration, never dropped. Commands are sent
together and acknowledged before the change's offset is committed.
"""

from __future__ import annotations

import asyncio
import logging

from faust.types import EventT, StreamT
from pydantic import ValidationError

from engine.agents.readiness import views_caught_up
from engine.context import Engine
from engine.dead_letters import send_to_dead_letter
from engine.gate import Verdict, hold_event, verdict
from engine.metrics import EVENTS_PROCESSED
from engine.outbound import (
    AUTOMATION_OF,
    addressed,
    command_for,
    command_kind,
    concerns,
    order_of_link,
    targets,
)
from schemas.codec import decode, encode
from schemas.envelope import EventEnvelope
from schemas.events import OrderStatusChanged
from schemas.integration import Integration
from topics.registry import ERP_CHANGES, OUTBOUND

log = logging.getLogger(__name__)
AGENT = "erp-fanout"


def wire_erp_fanout(engine: Engine) -> None:
    @engine.app.agent(engine.topics[ERP_CHANGES], name=AGENT)
    async def fan_out_erp_changes(stream: StreamT[bytes]) -> None:
        await views_caught_up(engine, AGENT)
        async for event in stream.events():
            try:
                await fan_out(engine, event)
            except Exception as exc:  # a poison change must not stop the partition behind it
                log.exception("ERP change could not be fanned out")
                reason = f"unexpected {type(exc).__name__}: {exc}"
                await send_to_dead_letter(
                    engine.topics, ERP_CHANGES, event, reason, type(exc).__name__
                )


async def fan_out(engine: Engine, event: EventT[bytes]) -> None:
    try:
        envelope = decode(EventEnvelope, event.value)
    except (ValidationError, ValueError) as exc:
        await send_to_dead_letter(
            engine.topics, ERP_CHANGES, event, f"not an event envelope: {exc}", type(exc).__name__
        )
        return
    kind = command_kind(envelope.payload)
    if kind is None:
        EVENTS_PROCESSED.labels(agent=AGENT, type=envelope.type, outcome="not_handled").inc()
        return
    automation = AUTOMATION_OF[kind]
    sends = []
    for integration in targets(envelope, engine.registry.all()):
        if not concerns(
            integration, envelope.payload, order_linked=_order_linked(engine, integration, envelope)
        ):
            continue
        gate = verdict(integration, automation)
        if gate is Verdict.HOLD:
            held = addressed(envelope, integration)
            await hold_event(engine, integration, automation, ERP_CHANGES, held)
            EVENTS_PROCESSED.labels(agent=AGENT, type=envelope.type, outcome="held").inc()
            continue
        command = command_for(envelope, integration)
        sends.append(
            await engine.topics[OUTBOUND].send(key=command.key.encode(), value=encode(command))
        )
    if sends:
        await asyncio.gather(*sends)
    EVENTS_PROCESSED.labels(agent=AGENT, type=envelope.type, outcome="ok").inc()


def _order_linked(engine: Engine, integration: Integration, envelope: EventEnvelope) -> bool:
    """Whether the order was placed on this integration's store (its link says so)."""
    payload = envelope.payload
    if not isinstance(payload, OrderStatusChanged):
        return False
    link = engine.views.links.by_platform_id(integration.id, "order", payload.platform_order_id)
    return order_of_link(payload, None if link is None else link.erp_id)
