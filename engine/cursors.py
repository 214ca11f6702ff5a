"""Reading and saving reader cursors in their compacted topic."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, TopicPartition

from engine.bindings import BoundTopics
from schemas.codec import decode, encode
from topics.cursor_record import CursorRecord
from topics.registry import CURSORS


async def load_cursor(
    bootstrap: str, topics: BoundTopics, name: str, timeout: float = 30.0
) -> str | None:
    """The last saved cursor of ``name`` (JSON text), read afresh from the topic; None if never saved."""
    found = await _read_latest(bootstrap, topics, lambda key: key == name, timeout)
    return found.get(name)


async def load_cursors(
    bootstrap: str, topics: BoundTopics, prefix: str, timeout: float = 30.0
) -> dict[str, str]:
    """Every saved cursor whose name starts with ``prefix``: name -> its last cursor JSON."""
    return await _read_latest(bootstrap, topics, lambda key: key.startswith(prefix), timeout)


async def _read_latest(
    bootstrap: str, topics: BoundTopics, wanted: Callable[[str], bool], timeout: float
) -> dict[str, str]:
    consumer = AIOKafkaConsumer(
        topics.name(CURSORS),
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        return await asyncio.wait_for(_latest(consumer, wanted), timeout)
    finally:
        await consumer.stop()


async def _latest(consumer: AIOKafkaConsumer, wanted: Callable[[str], bool]) -> dict[str, str]:
    while not consumer.assignment():
        await asyncio.sleep(0.05)
    partitions = list(consumer.assignment())
    ends = await consumer.end_offsets(partitions)
    found: dict[str, str] = {}
    while await _behind(consumer, ends):
        for batch in (await consumer.getmany(timeout_ms=200)).values():
            for record in batch:
                if record.key is None or record.value is None:
                    continue
                name = record.key.decode(errors="replace")
                if wanted(name):
                    found[name] = decode(CursorRecord, record.value).cursor
    return found


async def _behind(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    for tp, end in ends.items():
        if await consumer.position(tp) < end:
            return True
    return False


async def save_cursor(topics: BoundTopics, name: str, cursor_json: str) -> None:
    """Save and wait for Kafka's acknowledgement (the events it covers were sent before)."""
    record = CursorRecord(name=name, cursor=cursor_json, saved_at=datetime.now(UTC))
    await (await topics[CURSORS].send(key=name.encode(), value=encode(record)))
