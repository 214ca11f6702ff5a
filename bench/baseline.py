"""Baseline: a bare aiokafka produce -> consume round trip on the same broker and schedule.

A producer (acks=all, linger_ms=0) sends small keyed messages at the bench's rate to a fresh
12-partition topic; a consumer in its own group, assigned and positioned before the first send,
receives them in the same process. Latency is receive - send on the monotonic clock.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.structs import TopicPartition

from bench.schedule import open_loop
from bench.stats import distribution

PARTITIONS = 12
PADDING = b"." * 96  # a small message, not an empty one


@dataclass
class RoundTrips:
    """Send and receive times (monotonic seconds) by message sequence number."""

    sent: dict[int, float] = field(default_factory=dict)
    received: dict[int, float] = field(default_factory=dict)
    duplicates: int = 0


async def measure_baseline(
    bootstrap: str, count: int, rate: float, warmup: int, timeout: float
) -> dict[str, Any]:
    """Round trips of ``count`` messages at ``rate``/s after ``warmup`` unmeasured ones."""
    topic = f"bench-baseline-{uuid.uuid4().hex[:10]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="ponte-bench")
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, PARTITIONS, replication_factor=1)])
        try:
            await _wait_for_leaders(admin, topic, deadline=time.monotonic() + 60)
            return await _measure_on(bootstrap, topic, count, rate, warmup, timeout)
        finally:
            await admin.delete_topics([topic])
    finally:
        await admin.close()


async def _wait_for_leaders(admin: AIOKafkaAdminClient, topic: str, deadline: float) -> None:
    """Until every partition of the new topic has a leader (else the consumer logs errors)."""
    while time.monotonic() < deadline:
        described = await admin.describe_topics([topic])
        partitions = described[0].get("partitions", []) if described else []
        if len(partitions) == PARTITIONS and all(p.get("leader", -1) >= 0 for p in partitions):
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"the partitions of {topic} got no leader in time")


async def _measure_on(
    bootstrap: str, topic: str, count: int, rate: float, warmup: int, timeout: float
) -> dict[str, Any]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"{topic}-group",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=0)
    await consumer.start()
    await producer.start()
    try:
        await _wait_positioned(consumer, topic, deadline=time.monotonic() + 60)
        await producer.partitions_for(topic)  # metadata known before the clock starts
        if warmup:
            await _round_trips(producer, consumer, topic, warmup, rate, timeout)
        trips = await _round_trips(producer, consumer, topic, count, rate, timeout)
    finally:
        await producer.stop()
        await consumer.stop()
    return _summary(trips, count, rate)


async def _wait_positioned(consumer: AIOKafkaConsumer, topic: str, deadline: float) -> None:
    """Until the group gave this consumer all partitions and it knows its offset in each."""
    wanted = {TopicPartition(topic, p) for p in range(PARTITIONS)}
    while consumer.assignment() != wanted:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the baseline consumer was not assigned {topic} in time")
        await consumer.getmany(timeout_ms=100)
    for partition in wanted:
        await consumer.position(partition)


async def _round_trips(
    producer: AIOKafkaProducer,
    consumer: AIOKafkaConsumer,
    topic: str,
    count: int,
    rate: float,
    timeout: float,
) -> RoundTrips:
    trips = RoundTrips()
    acks: list[asyncio.Future[Any]] = []

    async def send(seq: int) -> None:
        trips.sent[seq] = time.monotonic()
        acks.append(await producer.send(topic, str(seq).encode() + PADDING, key=b"order:%d" % seq))

    sends: list[asyncio.Task[None]] = []
    receiving = asyncio.create_task(_receive(consumer, trips, count, time.monotonic() + timeout))
    try:
        await open_loop(count, rate, lambda seq: sends.append(asyncio.create_task(send(seq))))
        await asyncio.wait_for(asyncio.gather(*sends), timeout)
        await asyncio.wait_for(asyncio.gather(*acks), timeout)
        await receiving
    finally:
        receiving.cancel()
    return trips


async def _receive(
    consumer: AIOKafkaConsumer, trips: RoundTrips, count: int, deadline: float
) -> None:
    while len(trips.received) < count and time.monotonic() < deadline:
        batches = await consumer.getmany(timeout_ms=50)
        now = time.monotonic()
        for records in batches.values():
            for record in records:
                seq = int(record.value.split(b".", 1)[0])  # type: ignore[union-attr]
                if seq in trips.received:
                    trips.duplicates += 1
                trips.received.setdefault(seq, now)


def _summary(trips: RoundTrips, count: int, rate: float) -> dict[str, Any]:
    latencies = [
        (trips.received[s] - sent) * 1000 for s, sent in trips.sent.items() if s in trips.received
    ]
    span = max(trips.received.values(), default=0.0) - min(trips.sent.values(), default=0.0)
    return {
        "what": "aiokafka produce (acks=all, linger_ms=0) -> consume, same process",
        "messages": count,
        "rate_per_s": rate,
        "lost": count - len(trips.received),
        "duplicated": trips.duplicates,
        "latency_ms": distribution(latencies),
        "throughput_per_s": round(len(latencies) / span, 1) if span > 0 else None,
    }
