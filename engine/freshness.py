"""Gauges measured every few seconds from the views and the broker, on every worker.

    per partition     consumer lag, committed offset, end offset (the engine's consumer group)
    per integration   status, parked records by error class, held events by automation, jobs
                      and the items of unfinished jobs, age of the oldest record not yet
                      committed on ORDERS and OUTBOUND (orders waiting for the ERP, stock and
                      prices waiting for the platform)

Every worker folds the same views and asks the same broker, so every worker reports the same
values; Prometheus rules and dashboards aggregate them with ``max by (...)``. Nothing here runs
per message: one admin call, two offset requests and a bounded read of the lagging ORDERS and
OUTBOUND partitions per tick. A record between the committed offset and the consumer's position
has been processed but not committed yet (Faust commits every few seconds), so ages read high by
up to the commit interval.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from mode import Service
from prometheus_client import Gauge

from engine.context import Engine
from engine.metrics import (
    COMMITTED_OFFSET,
    CONSUMER_LAG,
    END_OFFSET,
    HELD_EVENTS,
    INTEGRATION_STATUS,
    JOB_ITEMS,
    JOBS,
    MEASURED_AT,
    OLDEST_UNPROCESSED,
    PARKED_RECORDS,
)
from schemas.integration import Integration, IntegrationStatus
from schemas.job import Job
from schemas.parked import ErrorClass
from topics.registry import DECLARED, ORDERS, OUTBOUND
from topics.spec import TopicSpec

log = logging.getLogger(__name__)
MEASURE_EVERY_SECONDS = 5.0
FRESHNESS_TOPICS = (ORDERS, OUTBOUND)
SCAN_PER_PARTITION = 500
SCAN_SECONDS = 1.0

Samples = dict[tuple[str, ...], float]


@dataclass(frozen=True)
class Pending:
    """A record not yet committed by the engine: its topic, key and timestamp."""

    topic: str
    key: bytes | None
    timestamp_ms: int


@dataclass(frozen=True)
class PartitionOffsets:
    topic: TopicSpec
    partition: int
    committed: int
    end: int

    @property
    def lag(self) -> int:
        return max(0, self.end - self.committed)


def status_samples(integrations: Iterable[Integration]) -> Samples:
    """1 for each integration's current status, 0 for the others (so a change shows as a flip)."""
    return {
        (i.id, i.platform, status.value): float(i.status is status)
        for i in integrations
        for status in IntegrationStatus
    }


def parked_samples(integration: Integration, counted: Mapping[ErrorClass, int]) -> Samples:
    """Parked records per error class (counted by the parked view without decoding them)."""
    return {
        (integration.id, integration.platform, error_class.value): float(
            counted.get(error_class, 0)
        )
        for error_class in ErrorClass
    }


def held_samples(integration_id: str, counted: Mapping[str, int]) -> Samples:
    """Held events per automation (counted by the held view without decoding them)."""
    return {(integration_id, automation): float(n) for automation, n in counted.items()}


def job_samples(integration_id: str, jobs: Iterable[Job]) -> tuple[Samples, Samples]:
    """Jobs by (kind, state), and done/failed/total items of the unfinished ones by kind."""
    states: Samples = {}
    items: Samples = {}
    for job in jobs:
        key = (integration_id, job.request.kind.value, job.state.value)
        states[key] = states.get(key, 0.0) + 1
        if job.state.finished:
            continue
        for progress, value in (("done", job.done), ("failed", job.failed), ("total", job.total)):
            item_key = (integration_id, job.request.kind.value, progress)
            items[item_key] = items.get(item_key, 0.0) + (value or 0)
    return states, items


def oldest_ages(
    pending: Iterable[tuple[bytes | None, int]], integration_ids: Iterable[str], now: float
) -> dict[str, float]:
    """Seconds since the oldest pending record (key, timestamp in ms) of each integration."""
    ages = dict.fromkeys(integration_ids, 0.0)
    for key, timestamp_ms in pending:
        integration_id = key.split(b":", 1)[0].decode(errors="replace") if key else ""
        if integration_id in ages:
            ages[integration_id] = max(ages[integration_id], now - timestamp_ms / 1000)
    return ages


def publish(gauge: Gauge, samples: Mapping[tuple[str, ...], float]) -> None:
    """Replace every sample of ``gauge`` (no await in between: a scrape sees all or nothing)."""
    gauge.clear()
    for labels, value in samples.items():
        gauge.labels(*labels).set(value)


class OffsetReader(Service):
    """The broker side: the group's committed offsets, end offsets, pending records' keys."""

    def __init__(self, bootstrap_servers: str, group_id: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._bootstrap = bootstrap_servers
        self._group = group_id
        self._admin: AIOKafkaAdminClient | None = None
        self._consumer: AIOKafkaConsumer | None = None

    async def on_stop(self) -> None:
        if self._consumer is not None:
            await self._consumer.stop()
        if self._admin is not None:
            await self._admin.close()

    async def _clients(self) -> tuple[AIOKafkaAdminClient, AIOKafkaConsumer]:
        """Started on first use: a broker down at start delays the gauges, not the worker."""
        if self._admin is None:
            admin = AIOKafkaAdminClient(bootstrap_servers=self._bootstrap)
            await admin.start()
            self._admin = admin
        if self._consumer is None:
            consumer = AIOKafkaConsumer(
                bootstrap_servers=self._bootstrap, group_id=None, enable_auto_commit=False
            )
            await consumer.start()
            self._consumer = consumer
        return self._admin, self._consumer

    async def offsets(self, topics: Mapping[str, TopicSpec]) -> list[PartitionOffsets]:
        """Committed and end offsets of every partition of ``topics`` (broker name -> spec)."""
        admin, consumer = await self._clients()
        committed = await admin.list_consumer_group_offsets(self._group)
        tps = [
            TopicPartition(name, p) for name, spec in topics.items() for p in range(spec.partitions)
        ]
        if not tps:
            return []
        ends = await consumer.end_offsets(tps)
        starts = await consumer.beginning_offsets(tps)
        found = []
        for tp in tps:
            commit = committed.get(tp)
            position = commit.offset if commit is not None and commit.offset >= 0 else starts[tp]
            found.append(PartitionOffsets(topics[tp.topic], tp.partition, position, ends[tp]))
        return found

    async def pending(self, ranges: Mapping[TopicPartition, tuple[int, int]]) -> list[Pending]:
        """Topic, key and timestamp of the first records of each (start, end) range, bounded."""
        _, consumer = await self._clients()
        consumer.assign(list(ranges))
        for tp, (start, _) in ranges.items():
            consumer.seek(tp, start)
        wanted = {tp: min(end - start, SCAN_PER_PARTITION) for tp, (start, end) in ranges.items()}
        found: list[Pending] = []
        deadline = time.monotonic() + SCAN_SECONDS
        try:
            while any(n > 0 for n in wanted.values()) and time.monotonic() < deadline:
                batches = await consumer.getmany(timeout_ms=200, max_records=SCAN_PER_PARTITION)
                for tp, records in batches.items():
                    taken = records[: max(0, wanted[tp])]
                    wanted[tp] -= len(records)
                    found.extend(Pending(tp.topic, r.key, r.timestamp) for r in taken)
                    if wanted[tp] <= 0:
                        consumer.pause(tp)
        finally:
            consumer.assign([])
        return found


def consumed_topics(engine: Engine) -> dict[str, TopicSpec]:
    """Broker name -> spec of the declared topics the engine's agents subscribe to."""
    subscribed = {name for topic in engine.app.topics for name in topic.topics}
    named = {engine.topics.name(spec): spec for spec in DECLARED}
    return {name: spec for name, spec in named.items() if name in subscribed}


def measure_views(engine: Engine) -> None:
    integrations = engine.registry.all()
    publish(INTEGRATION_STATUS, status_samples(integrations))
    parked: Samples = {}
    held: Samples = {}
    jobs: Samples = {}
    items: Samples = {}
    for integration in integrations:
        parked |= parked_samples(integration, engine.views.parked.counts(integration.id))
        held |= held_samples(integration.id, engine.views.held.counts(integration.id))
        states, progress = job_samples(
            integration.id, engine.views.jobs.of_integration(integration.id)
        )
        jobs |= states
        items |= progress
    publish(PARKED_RECORDS, parked)
    publish(HELD_EVENTS, held)
    publish(JOBS, jobs)
    publish(JOB_ITEMS, items)


async def measure_broker(engine: Engine, reader: OffsetReader) -> None:
    offsets = await reader.offsets(consumed_topics(engine))
    ranges = {
        TopicPartition(engine.topics.name(o.topic), o.partition): (o.committed, o.end)
        for o in offsets
        if o.lag and o.topic in FRESHNESS_TOPICS
    }
    pending = await reader.pending(ranges) if ranges else []
    ids = [integration.id for integration in engine.registry.all()]
    now = time.time()
    oldest: Samples = {}
    for spec in FRESHNESS_TOPICS:
        name = engine.topics.name(spec)
        records = ((p.key, p.timestamp_ms) for p in pending if p.topic == name)
        for integration_id, age in oldest_ages(records, ids, now).items():
            oldest[(integration_id, spec.name)] = age
    publish(OLDEST_UNPROCESSED, oldest)
    partitions = {(o.topic.name, str(o.partition)): o for o in offsets}
    publish(CONSUMER_LAG, {labels: float(o.lag) for labels, o in partitions.items()})
    publish(COMMITTED_OFFSET, {labels: float(o.committed) for labels, o in partitions.items()})
    publish(END_OFFSET, {labels: float(o.end) for labels, o in partitions.items()})


def wire_freshness(engine: Engine) -> None:
    """Measure the gauges on every worker, every ``MEASURE_EVERY_SECONDS``."""
    reader = OffsetReader(engine.settings.bootstrap_servers, engine.settings.app_id)
    engine.app.service(reader)  # type: ignore[arg-type]  # instances are accepted too

    @engine.app.timer(MEASURE_EVERY_SECONDS, name="freshness")  # type: ignore[untyped-decorator]
    async def measure_freshness() -> None:
        try:
            measure_views(engine)
            await measure_broker(engine, reader)
        except (TimeoutError, KafkaError, OSError) as exc:
            log.warning("could not read the consumer group's offsets: %r", exc)
            return
        except Exception:  # measuring must never stop a worker; a stale timestamp alerts
            log.exception("could not measure lag and freshness")
            return
        MEASURED_AT.set(time.time())
