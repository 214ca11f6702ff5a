"""Kafka chores of the flow benchmarks: pre-load a topic, wait for a topic to fill, read back
what a flow wrote (timestamps and identities), create and delete the bench's own topics."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.structs import TopicPartition

from bench.flow_data import Record

PRELOAD_CHUNK = 2000
STALL_S = 60.0  # a topic that gained nothing for this long is not filling any more


@dataclass(frozen=True)
class Written:
    """What one flow wrote: each record's Kafka timestamp (ms) and the identity it carries."""

    timestamps_ms: list[float]
    identities: list[str]


async def preload(bootstrap: str, topic: str, records: Sequence[Record]) -> None:
    """Produce ``records`` (acknowledged by the broker) before any flow reads them."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=20, max_batch_size=512 << 10
    )
    await producer.start()
    try:
        for start in range(0, len(records), PRELOAD_CHUNK):
            chunk = records[start : start + PRELOAD_CHUNK]
            acks = [await producer.send(topic, r.value, key=r.key) for r in chunk]
            await asyncio.gather(*acks)
    finally:
        await producer.stop()


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
    partitions = consumer.partitions_for_topic(topic)
    if not partitions:
        await consumer.topics()  # refreshes the metadata
        partitions = consumer.partitions_for_topic(topic) or set()
    return [TopicPartition(topic, p) for p in sorted(partitions)]


async def topic_size(bootstrap: str, topic: str) -> int:
    """Records the topic holds (the sum of its partitions' end offsets)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        ends = await consumer.end_offsets(await _partitions(consumer, topic))
        return sum(ends.values())
    finally:
        await consumer.stop()


async def wait_for_size(bootstrap: str, topic: str, expected: int, deadline: float) -> int:
    """Poll the topic's size until ``expected``, a stall of ``STALL_S`` or the deadline."""
    last, last_change = -1, time.monotonic()
    while time.monotonic() < deadline:
        size = await topic_size(bootstrap, topic)
        if size >= expected:
            return size
        if size != last:
            last, last_change = size, time.monotonic()
        elif time.monotonic() - last_change > STALL_S:
            break
        await asyncio.sleep(0.5)
    return max(last, 0)


async def read_written(
    bootstrap: str, topic: str, identity: Callable[[bytes], str], timeout: float = 300.0
) -> Written:
    """Every record of ``topic`` from the start to its current end: timestamp and identity."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        max_partition_fetch_bytes=8 << 20,
    )
    await consumer.start()
    written = Written([], [])
    try:
        partitions = await _partitions(consumer, topic)
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            positions = [await consumer.position(tp) for tp in partitions]
            if all(at >= ends[tp] for at, tp in zip(positions, partitions, strict=True)):
                break
            batches = await consumer.getmany(timeout_ms=500, max_records=5000)
            for records in batches.values():
                for record in records:
                    if (
                        record.value is None
                        or record.offset >= ends[TopicPartition(topic, record.partition)]
                    ):
                        continue
                    written.timestamps_ms.append(float(record.timestamp))
                    written.identities.append(identity(record.value))
    finally:
        await consumer.stop()
    return written


async def create_topic(bootstrap: str, name: str, partitions: int) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="ponte-bench")
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, partitions, replication_factor=1)])
    finally:
        await admin.close()


async def delete_namespace_topics(bootstrap: str, namespace: str) -> list[str]:
    """Delete the topics of a bench namespace (its own, created for the run), nothing else."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="ponte-bench")
    await admin.start()
    try:
        mine = [name for name in await admin.list_topics() if name.startswith(f"{namespace}")]
        if mine:
            await admin.delete_topics(mine)
        return mine
    finally:
        await admin.close()


async def read_values(bootstrap: str, topic: str) -> list[bytes]:
    """Every value of a small topic, in partition order (the integrations, for instance)."""
    values: list[bytes] = []

    def keep(value: bytes) -> str:
        values.append(value)
        return ""

    await read_written(bootstrap, topic, keep)
    return values
