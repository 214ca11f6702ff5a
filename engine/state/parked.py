"""Each integration's error list (Erros): parked records by entity; a tombstone resolves one."""

from __future__ import annotations

from engine.bindings import BoundTopics
from engine.state.view import TopicView
from schemas.codec import decode, encode
from schemas.parked import ParkedRecord
from topics.registry import PARKED


class ParkedView(TopicView):
    def __init__(self, bootstrap_servers: str, topic: str, **kwargs: object) -> None:
        super().__init__(bootstrap_servers, topic, **kwargs)
        self._parked: dict[str, ParkedRecord] = {}

    def get(self, integration_id: str, entity_key: str) -> ParkedRecord | None:
        return self._parked.get(f"{integration_id}:{entity_key}")

    def of_integration(self, integration_id: str) -> list[ParkedRecord]:
        found = [p for p in self._parked.values() if p.integration_id == integration_id]
        return sorted(found, key=lambda p: p.parked_at)

    def count(self, integration_id: str) -> int:
        return sum(1 for p in self._parked.values() if p.integration_id == integration_id)

    def apply(self, key: str, value: bytes | None) -> None:
        if value is None:
            self._parked.pop(key, None)
        else:
            self._parked[key] = decode(ParkedRecord, value)


async def park(topics: BoundTopics, record: ParkedRecord) -> None:
    await (await topics[PARKED].send(key=record.key.encode(), value=encode(record)))


async def unpark(topics: BoundTopics, integration_id: str, entity_key: str) -> None:
    """Resolve a parked record (a tombstone); harmless when nothing is parked there."""
    key = f"{integration_id}:{entity_key}".encode()
    await (await topics[PARKED].send(key=key, value=None))
