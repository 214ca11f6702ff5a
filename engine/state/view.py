"""Views materialized on every worker from a topic, read group-less from the beginning.

A worker reads every partition of the topic without a consumer group and folds each record
into memory: any worker can answer the admin API about any integration. (Faust's GlobalTable
would be the natural fit, but it does not follow updates written by other workers:
faust-streaming/faust#283.) Subclasses say how a record is folded in ``apply``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from mode import Service

log = logging.getLogger(__name__)


FOLD_BATCH = 500


class TopicView(Service):
    """A topic folded into memory by ``apply``; ``changed`` wakes waiters on every batch.

    ``fetch_min_bytes`` and ``fetch_max_wait_ms`` are the consumer's: by default each fetch
    returns as soon as one record is there (a view others read right after writing). A view
    written on every event and read only by people (history) asks for fuller fetches: under
    load its consumer sent a fetch request per handful of records, and writing those requests
    took a fifth of an ingest process's CPU (py-spy, bench.suite ingest).
    """

    fetch_min_bytes = 1
    fetch_max_wait_ms = 500

    def __init__(self, bootstrap_servers: str, topic: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._bootstrap = bootstrap_servers
        self._topic = topic
        self._caught_up = asyncio.Event()
        self._changed = asyncio.Condition()
        self._consumer: AIOKafkaConsumer | None = None
        self._end_offsets: dict[TopicPartition, int] = {}

    def apply(self, key: str, value: bytes | None) -> None:
        """Fold one record (``value`` None: a tombstone) into the view."""
        raise NotImplementedError

    @property
    def caught_up(self) -> bool:
        """True once everything written before this worker started has been read."""
        return self._caught_up.is_set()

    async def wait_caught_up(self, timeout: float) -> None:
        await asyncio.wait_for(self._caught_up.wait(), timeout)

    async def wait_until(self, reached: Callable[[], bool], timeout: float) -> None:
        """Read-your-writes: wait until the view satisfies ``reached``."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(reached), timeout)

    async def on_start(self) -> None:
        consumer = AIOKafkaConsumer(
            self._topic,
            bootstrap_servers=self._bootstrap,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_min_bytes=self.fetch_min_bytes,
            fetch_max_wait_ms=self.fetch_max_wait_ms,
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
            # bounded, so one large fetch cannot hold the event loop (webhook answers, agents)
            batches = await consumer.getmany(timeout_ms=200, max_records=FOLD_BATCH)
            records = [record for batch in batches.values() for record in batch]
            if records:
                async with self._changed:
                    for record in records:
                        self._fold(record)
                    self._changed.notify_all()
            if not self._caught_up.is_set() and await self._reached_end(consumer):
                self._caught_up.set()

    async def _reached_end(self, consumer: AIOKafkaConsumer) -> bool:
        for tp, end in self._end_offsets.items():
            if await consumer.position(tp) < end:
                return False
        return True

    def _fold(self, record: ConsumerRecord[bytes, bytes]) -> None:
        if not record.key:
            return
        try:
            self.apply(record.key.decode(), record.value)
        except ValueError as exc:  # pydantic's ValidationError is a ValueError
            log.error(
                "%s record %s@%s is unreadable: %s", self._topic, record.key, record.offset, exc
            )
