"""Sending a record that cannot be processed to its dead-letter topic, with the reason."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from faust.types import EventT

from engine.bindings import BoundTopics
from engine.metrics import DEAD_LETTERS
from schemas.codec import encode
from topics.dead_letter import DeadLetter
from topics.spec import TopicSpec

log = logging.getLogger(__name__)


def dead_letter_record(
    event: EventT[bytes], reason: str, error_type: str, attempts: int
) -> DeadLetter:
    """The dead-letter record of a consumed event: where it came from, what it was, why it failed."""
    message = event.message
    key = event.key if isinstance(event.key, bytes) else None
    value = event.value if isinstance(event.value, bytes) else b""
    return DeadLetter(
        source_topic=message.topic,
        source_partition=message.partition,
        source_offset=message.offset,
        key=key.decode(errors="replace") if key is not None else None,
        value=value.decode(errors="replace"),
        reason=reason,
        error_type=error_type,
        attempts=attempts,
        failed_at=datetime.now(UTC),
    )


async def send_to_dead_letter(
    topics: BoundTopics,
    spec: TopicSpec,
    event: EventT[bytes],
    reason: str,
    error_type: str,
    attempts: int = 1,
) -> None:
    """Park the event on ``spec``'s dead-letter topic and wait until Kafka has it."""
    record = dead_letter_record(event, reason, error_type, attempts)
    target = topics[spec.dead_letter]
    await (await target.send(key=event.key, value=encode(record)))
    DEAD_LETTERS.labels(topic=spec.name, error_type=error_type).inc()
    log.warning(
        "dead-lettered %s[%s]@%s: %s: %s",
        record.source_topic,
        record.source_partition,
        record.source_offset,
        error_type,
        reason,
    )
