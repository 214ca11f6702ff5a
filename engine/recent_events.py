"""The latest real events of one integration, read straight from their topics (for previews).

No consumer group and no commits: the consumer gets every partition, seeks each to its end minus
a window, and read up to the end it had when the read began (or for READ_SECONDS at most). Records are keyed
``{integration_id}:{entity_key}``, so other integrations' records are skipped on the key alone,
without decoding them. An integration with few events among many others' may have fewer than
asked for inside the window: the answer is then what the window holds.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import orjson
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from schemas.command import PlatformCommand
from schemas.envelope import EventEnvelope

WINDOW_PER_PARTITION = 2000
READ_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class RecentEvent:
    topic: str
    partition: int
    offset: int
    envelope: EventEnvelope


async def recent_events(
    bootstrap_servers: str,
    topics: list[str],
    integration_id: str,
    *,
    limit: int,
    window: int = WINDOW_PER_PARTITION,
) -> list[RecentEvent]:
    """Up to ``limit`` newest events of ``integration_id`` on ``topics``, newest first (one per
    event id). A topic's records are EventEnvelopes or PlatformCommands carrying one."""
    consumer = AIOKafkaConsumer(
        *topics, bootstrap_servers=bootstrap_servers, group_id=None, enable_auto_commit=False
    )
    await consumer.start()
    try:
        records = await _tail(consumer, topics, integration_id.encode() + b":", window)
    finally:
        await consumer.stop()
    return _newest(records, limit)


async def _partitions(consumer: AIOKafkaConsumer, topics: list[str]) -> list[TopicPartition]:
    """Every partition of ``topics``: a group-less consumer is assigned them all at start."""
    deadline = asyncio.get_running_loop().time() + READ_SECONDS
    while {tp.topic for tp in consumer.assignment()} != set(topics):
        if asyncio.get_running_loop().time() > deadline:
            break
        await asyncio.sleep(0.05)
    return sorted(consumer.assignment())


async def _tail(
    consumer: AIOKafkaConsumer, topics: list[str], prefix: bytes, window: int
) -> list[ConsumerRecord[bytes, bytes]]:
    partitions = await _partitions(consumer, topics)
    if not partitions:
        return []
    ends = await consumer.end_offsets(partitions)
    starts = await consumer.beginning_offsets(partitions)
    pending = {tp: end for tp, end in ends.items() if end > starts[tp]}
    for tp in partitions:
        consumer.seek(tp, max(starts[tp], ends[tp] - window))
    consumer.pause(*(tp for tp in partitions if tp not in pending))
    found: list[ConsumerRecord[bytes, bytes]] = []
    deadline = asyncio.get_running_loop().time() + READ_SECONDS
    while pending and asyncio.get_running_loop().time() < deadline:
        batches = await consumer.getmany(*pending, timeout_ms=500)
        for tp, batch in batches.items():
            found.extend(
                r for r in batch if r.offset < ends[tp] and (r.key or b"").startswith(prefix)
            )
        for tp in list(pending):
            if await consumer.position(tp) >= pending[tp]:
                del pending[tp]
                consumer.pause(tp)
    return found


def _envelope(value: bytes | None) -> EventEnvelope | None:
    """The event a record carries: an envelope, or the one a platform command carries."""
    try:
        data = orjson.loads(value or b"null")
        if isinstance(data, dict) and "envelope" in data:
            return PlatformCommand.model_validate(data).envelope
        return EventEnvelope.model_validate(data)
    except ValueError:  # orjson's and pydantic's errors both are ValueErrors
        return None  # unreadable records are the dead letters' business, not a preview's


def _newest(records: list[ConsumerRecord[bytes, bytes]], limit: int) -> list[RecentEvent]:
    events: dict[str, RecentEvent] = {}
    for record in sorted(records, key=lambda r: r.timestamp, reverse=True):
        envelope = _envelope(record.value)
        if envelope is None or envelope.event_id in events:
            continue
        events[envelope.event_id] = RecentEvent(
            record.topic, record.partition, record.offset, envelope
        )
        if len(events) >= limit:
            break
    return sorted(events.values(), key=lambda e: e.envelope.received_at, reverse=True)
