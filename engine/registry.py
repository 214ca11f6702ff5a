"""The integrations, materialized on every worker from their compacted topic.

Each worker reads every partition of the integrations topic from the beginning, without a
consumer group, and keeps the latest record per id: a webhook for any integration can be
verified on any worker. (Faust's GlobalTable would be the natural fit, but it does not follow
updates written by other workers: faust-streaming/faust#283.)
"""

from __future__ import annotations

import asyncio
import logging

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from mode import Service
from pydantic import ValidationError

from schemas.codec import decode
from schemas.integration import Integration

log = logging.getLogger(__name__)


class IntegrationRegistry(Service):
    """Latest version of every integration, kept current from Kafka."""

    def __init__(self, bootstrap_servers: str, topic: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._bootstrap = bootstrap_servers
        self._topic = topic
        self._records: dict[str, Integration] = {}
        self._caught_up = asyncio.Event()
        self._changed = asyncio.Condition()
        self._consumer: AIOKafkaConsumer | None = None

    @property
    def caught_up(self) -> bool:
        """True once everything written before this worker started has been read."""
        return self._caught_up.is_set()

    def get(self, integration_id: str) -> Integration | None:
        return self._records.get(integration_id)

    def all(self) -> list[Integration]:
        return sorted(self._records.values(), key=lambda record: record.id)

    async def wait_caught_up(self, timeout: float) -> None:
        await asyncio.wait_for(self._caught_up.wait(), timeout)

    async def wait_for_version(
        self, integration_id: str, version: int, timeout: float
    ) -> Integration:
        """Read-your-writes: wait until ``version`` (or newer) of an integration is materialized."""

        def reached() -> bool:
            record = self._records.get(integration_id)
            return record is not None and record.version >= version

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(reached), timeout)
        return self._records[integration_id]

    async def on_start(self) -> None:
        # No group: every worker gets every partition, read from the beginning.
        consumer = AIOKafkaConsumer(
            self._topic,
            bootstrap_servers=self._bootstrap,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )
        await consumer.start()
        self._consumer = consumer
        partitions = await self._assigned(consumer)
        self._end_offsets = await consumer.end_offsets(partitions)
        self.add_future(self._follow(consumer))

    async def on_stop(self) -> None:
        if self._consumer is not None:
            await self._consumer.stop()

    async def _assigned(self, consumer: AIOKafkaConsumer) -> list[TopicPartition]:
        for _ in range(300):
            assigned = consumer.assignment()
            if assigned:
                return sorted(assigned)
            await asyncio.sleep(0.1)
        raise RuntimeError(f"topic {self._topic} does not exist: run `ponte topics apply`")

    async def _follow(self, consumer: AIOKafkaConsumer) -> None:
        while not self.should_stop:
            batches = await consumer.getmany(timeout_ms=200)
            records = [record for batch in batches.values() for record in batch]
            if records:
                async with self._changed:
                    for record in records:
                        self._apply(record)
                    self._changed.notify_all()
            if not self._caught_up.is_set() and await self._reached_end(consumer):
                self._caught_up.set()

    async def _reached_end(self, consumer: AIOKafkaConsumer) -> bool:
        for tp, end in self._end_offsets.items():
            if await consumer.position(tp) < end:
                return False
        return True

    def _apply(self, record: ConsumerRecord[bytes, bytes]) -> None:
        key = record.key.decode() if record.key else None
        if key is None:
            return
        if record.value is None:
            self._records.pop(key, None)
            return
        try:
            integration = decode(Integration, record.value)
        except (ValidationError, ValueError) as exc:
            log.error("integration record %s@%s is unreadable: %s", key, record.offset, exc)
            return
        current = self._records.get(key)
        if current is None or integration.version >= current.version:
            self._records[key] = integration
