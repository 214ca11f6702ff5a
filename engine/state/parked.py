"""Each integration's error list (Erros): parked records by entity; a tombstone resolves one.

Each record is kept as its bytes stamped with its parked time (engine.state.stamped) next to its
error class, and decoded only when read: a systematic error can park thousands of records, and
the gauges count them by class every few seconds without decoding them.
"""

from __future__ import annotations

from collections import Counter

from engine.bindings import BoundTopics
from engine.state.stamped import stamp_of, stamped, value_of
from engine.state.view import TopicView
from schemas.codec import decode, encode
from schemas.parked import ErrorClass, ParkedRecord
from topics.registry import PARKED


class ParkedView(TopicView):
    def __init__(self, bootstrap_servers: str, topic: str, **kwargs: object) -> None:
        super().__init__(bootstrap_servers, topic, **kwargs)
        self._parked: dict[str, dict[str, tuple[ErrorClass, bytes]]] = {}

    def get(self, integration_id: str, entity_key: str) -> ParkedRecord | None:
        found = self._parked.get(integration_id, {}).get(f"{integration_id}:{entity_key}")
        return _record(found[1]) if found else None

    def of_integration(self, integration_id: str) -> list[ParkedRecord]:
        """The integration's parked records, oldest first."""
        stored = (s for _, s in self._parked.get(integration_id, {}).values())
        return [_record(s) for s in sorted(stored, key=stamp_of)]

    def count(self, integration_id: str) -> int:
        return len(self._parked.get(integration_id, {}))

    def counts(self, integration_id: str) -> Counter[ErrorClass]:
        """Parked records per error class."""
        return Counter(c for c, _ in self._parked.get(integration_id, {}).values())

    def apply(self, key: str, value: bytes | None) -> None:
        integration_id = key.split(":", 1)[0]
        if value is None:
            self._parked.get(integration_id, {}).pop(key, None)
            return
        record = decode(ParkedRecord, value)
        parked = self._parked.setdefault(integration_id, {})
        parked[key] = (record.error_class, stamped(record.parked_at, value))


def _record(stored: bytes) -> ParkedRecord:
    return decode(ParkedRecord, value_of(stored))


async def park(topics: BoundTopics, record: ParkedRecord) -> None:
    await (await topics[PARKED].send(key=record.key.encode(), value=encode(record)))


async def unpark(topics: BoundTopics, integration_id: str, entity_key: str) -> None:
    """Resolve a parked record (a tombstone); harmless when nothing is parked there."""
    key = f"{integration_id}:{entity_key}".encode()
    await (await topics[PARKED].send(key=key, value=None))
