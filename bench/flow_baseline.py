"""Baseline: a bare aiokafka loop doing a flow's per-record work on the same records.

consume (own group, from the earliest offset) -> the flow's pure functions (``bench.flow_work``)
-> produce (acks=all) to a fresh topic of the bench; each fetched batch's sends are acknowledged
before its offsets are committed, the same at-least-once contract as the engine's agents. One
process, one consumer, like the one measured worker.
"""

from __future__ import annotations

import asyncio
import time
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from bench.flow_kafka import create_topic, topic_size
from bench.flow_work import Work

PARTITIONS = 12


async def run_baseline(
    bootstrap: str, source: str, sink: str, work: Work, timeout: float
) -> dict[str, float | None]:
    """Drain ``source`` through ``work`` into the new topic ``sink``; CPU and wall seconds."""
    expected = await topic_size(bootstrap, source)
    await create_topic(bootstrap, sink, PARTITIONS)
    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=bootstrap,
        group_id=f"bench-baseline-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        max_partition_fetch_bytes=8 << 20,
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await consumer.start()
    await producer.start()
    try:
        await producer.partitions_for(sink)
        cpu, wall = time.process_time(), time.monotonic()
        await _drain(consumer, producer, sink, work, expected, wall + timeout)
        cpu = time.process_time() - cpu
        return {
            "records_in": expected,
            "cpu_s": round(cpu, 2),
            "wall_s": round(time.monotonic() - wall, 2),
            "output_per_cpu_s": round(await topic_size(bootstrap, sink) / cpu, 1) if cpu else None,
        }
    finally:
        await producer.stop()
        await consumer.stop()


async def _drain(
    consumer: AIOKafkaConsumer,
    producer: AIOKafkaProducer,
    sink: str,
    work: Work,
    expected: int,
    deadline: float,
) -> None:
    consumed = 0
    while consumed < expected and time.monotonic() < deadline:
        batches = await consumer.getmany(timeout_ms=200, max_records=1000)
        acks = []
        for records in batches.values():
            for record in records:
                assert record.value is not None
                for key, value in work(record.key, record.value):
                    acks.append(await producer.send(sink, value, key=key))
                consumed += 1
        if acks:
            await asyncio.gather(*acks)
        if batches:
            await consumer.commit()
