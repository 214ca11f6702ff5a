"""ERP changes -> one platform command per integration that takes it (engine.outbound decides).

Each integration's switch is asked through the gate: a change met while its automation is off
(or the integration paused) is held for that integration, never dropped. Changes are worked in
batches (engine.acked_batches): a batch's commands are acknowledged together, then its changes'
offsets may be committed.
"""

from __future__ import annotations

import logging
from functools import cache

from faust.types import EventT, StreamT
from prometheus_client import Counter
from pydantic import ValidationError

from engine.acked_batches import Outputs, work_in_batches
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
        await work_in_batches(stream, lambda event, outputs: fan_out_one(engine, event, outputs))


async def fan_out_one(engine: Engine, event: EventT[bytes], outputs: Outputs) -> None:
    try:
        await fan_out(engine, event, outputs)
    except Exception as exc:  # a poison change must not stop the partition behind it
        log.exception("ERP change could not be fanned out")
        reason = f"unexpected {type(exc).__name__}: {exc}"
        await send_to_dead_letter(engine.topics, ERP_CHANGES, event, reason, type(exc).__name__)


async def fan_out(engine: Engine, event: EventT[bytes], outputs: Outputs) -> None:
    """One command per integration the change concerns, sent with the batch's ``outputs``."""
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
        await outputs.send(engine.topics[OUTBOUND], command.key.encode(), encode(command))
    fanned_out(envelope.type).inc()


@cache
def fanned_out(event_type: str) -> Counter:
    """The counter child of one event type (labels are looked up once, not per change)."""
    return EVENTS_PROCESSED.labels(agent=AGENT, type=event_type, outcome="ok")


def _order_linked(engine: Engine, integration: Integration, envelope: EventEnvelope) -> bool:
    """Whether the order was placed on this integration's store (its link says so)."""
    payload = envelope.payload
    if not isinstance(payload, OrderStatusChanged):
        return False
    link = engine.views.links.by_platform_id(integration.id, "order", payload.platform_order_id)
    return order_of_link(payload, None if link is None else link.erp_id)
