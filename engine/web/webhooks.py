"""Storing a verified delivery: the platform gets its 2xx only after Kafka has the record.

If Kafka does not acknowledge within ``ack_timeout_seconds`` (acks=all) the platform gets 503
and retries; nothing is acknowledged and then lost.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from aiohttp import web as aioweb
from aiokafka.errors import KafkaError
from faust.web import Request

from engine.context import Engine
from engine.producing import produce
from schemas.codec import encode
from schemas.delivery import Delivery
from topics.registry import DELIVERIES, entity_key

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rejection(Exception):
    """A delivery refused with an HTTP status and a reason a person can act on."""

    status: int
    reason: str
    message: str


async def read_limited(request: Request, limit: int) -> bytes:
    """The raw body, or Rejection(413) as soon as it passes ``limit`` bytes."""
    raw: aioweb.Request = request  # type: ignore[assignment]
    if raw.content_length is not None and raw.content_length > limit:
        raise Rejection(413, "too_large", f"the body exceeds {limit} bytes")
    if raw.content_length is not None:  # aiohttp reads exactly the declared length, no more
        return await raw.read()
    chunks, size = [], 0
    async for chunk in raw.content.iter_chunked(65536):
        size += len(chunk)
        if size > limit:
            raise Rejection(413, "too_large", f"the body exceeds {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def store_delivery(engine: Engine, delivery: Delivery) -> None:
    """Produce the delivery and wait for Kafka's acknowledgement; Rejection(503) if it does not come.

    One deadline (``asyncio.timeout``, no extra task per webhook) covers the enqueue and the ack.
    """
    topic = engine.topics[DELIVERIES]
    key = entity_key(delivery.integration_id, delivery.entity_key).encode()
    try:
        async with asyncio.timeout(engine.settings.ack_timeout_seconds):
            await (await produce(topic, key, encode(delivery)))
    except (TimeoutError, KafkaError, OSError) as exc:
        log.warning("Kafka did not acknowledge a delivery in time: %r", exc)
        raise Rejection(
            503, "broker_unavailable", "the event could not be stored; retry later"
        ) from exc
