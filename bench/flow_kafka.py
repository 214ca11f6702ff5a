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


async def partitions_of(bootstrap: str, topic: str) -> list[TopicPartition]:
    """The topic's partitions, as the broker describes them (a consumer's own metadata may not
    hold a topic it does not subscribe to)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="ponte-bench")
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    partitions = described[0].get("partitions", []) if described else []
    if not partitions:
        raise RuntimeError(f"the broker describes no partitions of {topic}")
    return [TopicPartition(topic, int(p["partition"])) for p in partitions]


async def topic_size(bootstrap: str, topic: str) -> int:
    """Records the topic holds (the sum of its partitions' end offsets)."""
    partitions = await partitions_of(bootstrap, topic)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        ends = await consumer.end_offsets(partitions)
        return sum(ends.values())
    finally:
        await consumer.stop()


async def wait_for_size(bootstrap: str, topic: str, expected: int, deadline: float) -> int:
    """Poll the topic's size until ``expected``, a stall of ``STALL_S`` or the deadline."""
    partitions = await partitions_of(bootstrap, topic)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    last, last_change = -1, time.monotonic()
    try:
        while time.monotonic() < deadline:
            size = int(sum((await consumer.end_offsets(partitions)).values()))
            if size >= expected:
                return size
            if size != last:
                last, last_change = size, time.monotonic()
            elif time.monotonic() - last_change > STALL_S:
                break
            await asyncio.sleep(0.5)
    finally:
        await consumer.stop()
    return max(last, 0)


async def read_written(
    bootstrap: str, topic: str, identity: Callable[[bytes], str], timeout: float = 300.0
) -> Written:
    """Every record of ``topic`` from the start to its current end: timestamp and identity."""
    partitions = await partitions_of(bootstrap, topic)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        max_partition_fetch_bytes=8 << 20,
    )
    await consumer.start()
    written = Written([], [])
    try:
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


async def read_values(bootstrap: str, topic: str) -> list[bytes]:
    """Every value of a small topic, in partition order (the integrations, for instance)."""
    values: list[bytes] = []

    def keep(value: bytes) -> str:
        values.append(value)
        return ""

    await read_written(bootstrap, topic, keep)
    return values
