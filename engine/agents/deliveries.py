"""Raw platform deliveries -> canonical events (the mapping step)."""

from __future__ import annotations

import logging

from faust.types import EventT, StreamT
from pydantic import ValidationError

from connectors.errors import Permanent
from engine.context import Engine
from engine.dead_letters import send_to_dead_letter
from engine.metrics import EVENTS_PROCESSED
from engine.translate import TRANSLATORS
from schemas.codec import decode, encode
from schemas.delivery import Delivery
from schemas.envelope import EventEnvelope
from topics.registry import DELIVERIES, ORDERS

log = logging.getLogger(__name__)


class Unprocessable(Exception):
    """The delivery can never be translated; it goes to the dead-letter topic."""


def wire_deliveries(engine: Engine) -> None:
    @engine.app.agent(engine.topics[DELIVERIES], name="translate-deliveries")
    async def translate_deliveries(stream: StreamT[bytes]) -> None:
        async for event in stream.events():
            await translate_one(engine, event)


async def translate_one(engine: Engine, event: EventT[bytes]) -> None:
    try:
        envelope = _translate(engine, event)
    except Unprocessable as exc:
        EVENTS_PROCESSED.labels(
            agent="translate-deliveries", type="unknown", outcome="dead_letter"
        ).inc()
        await send_to_dead_letter(
            engine.topics, DELIVERIES, event, str(exc), type(exc.__cause__ or exc).__name__
        )
        return
    await engine.topics[ORDERS].send(key=event.key, value=encode(envelope))
    EVENTS_PROCESSED.labels(agent="translate-deliveries", type=envelope.type, outcome="ok").inc()


def _translate(engine: Engine, event: EventT[bytes]) -> EventEnvelope:
    try:
        delivery = decode(Delivery, event.value)
    except (ValidationError, ValueError) as exc:
        raise Unprocessable(f"not a delivery record: {exc}") from exc
    translator = TRANSLATORS.get((delivery.source, delivery.topic))
    if translator is None:
        raise Unprocessable(f"no flow handles {delivery.source} {delivery.topic!r} yet")
    integration = engine.registry.get(delivery.integration_id)
    if integration is None:
        raise Unprocessable(f"integration {delivery.integration_id!r} no longer exists")
    try:
        return translator(delivery, integration)
    except (Permanent, ValidationError, ValueError, KeyError, TypeError) as exc:
        raise Unprocessable(f"{delivery.topic} could not be mapped: {exc}") from exc
