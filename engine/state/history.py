"""The history of every record (histórico): the last entries per entity, searchable by the
platform code, SKU, EAN or order number they carry.

Bounded: in memory each integration keeps the last ``PER_ENTITY`` entries of each entity and
at most ``PER_INTEGRATION`` entries in all; past that, the entity whose last entry is the
oldest is dropped from memory whole (its terms too). The full history stays on the history
topic for its retention (topics.registry.HISTORY, 90 days). Entries are kept as the bytes they
were written as and decoded when read: 100,000 entries on the topic cost a worker about 44 MiB
(bench.suite_memory), against about 190 MiB when every entry was kept as an object.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from datetime import UTC, datetime

from faust.types import FutureMessage

from engine.bindings import BoundTopics
from engine.state.terms import TermIndex
from engine.state.view import TopicView
from schemas.codec import decode, encode
from schemas.envelope import EventEnvelope
from schemas.history import HistoryEntry, Step
from topics.registry import HISTORY

PER_ENTITY = 100
PER_INTEGRATION = 20_000
RECENT_PER_INTEGRATION = 200

_UNACKNOWLEDGED: set[FutureMessage] = set()
"""History entries handed to the producer and not yet acknowledged, in this process (one
engine per worker process)."""


class _Trail:
    """One entity's last entries and every term they carried."""

    __slots__ = ("entries", "terms")

    def __init__(self) -> None:
        self.entries: deque[bytes] = deque(maxlen=PER_ENTITY)
        self.terms: set[str] = set()


class _IntegrationHistory:
    __slots__ = ("recent", "size", "terms", "trails")

    def __init__(self) -> None:
        self.trails: OrderedDict[str, _Trail] = OrderedDict()  # least recently written first
        self.terms = TermIndex()
        self.recent: deque[bytes] = deque(maxlen=RECENT_PER_INTEGRATION)
        self.size = 0

    def append(self, entity_key: str, entry: HistoryEntry, value: bytes) -> None:
        trail = self.trails.get(entity_key)
        if trail is None:
            trail = self.trails[entity_key] = _Trail()
        else:
            self.trails.move_to_end(entity_key)
        self.size += len(trail.entries) < PER_ENTITY
        trail.entries.append(value)
        self.recent.append(value)
        new_terms = set(entry.search_keys) - trail.terms
        if new_terms:
            trail.terms |= new_terms
            self.terms.add(new_terms, entity_key)
        while self.size > PER_INTEGRATION and len(self.trails) > 1:
            self._forget_oldest()

    def _forget_oldest(self) -> None:
        entity_key, trail = self.trails.popitem(last=False)
        self.size -= len(trail.entries)
        self.terms.discard(trail.terms, entity_key)


class HistoryView(TopicView):
    fetch_min_bytes = 64 * 1024  # a fetch per 64 KiB of entries under load ...
    fetch_max_wait_ms = 100  # ... and an entry shown at most 0.1 s later when quiet

    def __init__(self, bootstrap_servers: str, topic: str, **kwargs: object) -> None:
        super().__init__(bootstrap_servers, topic, **kwargs)
        self._integrations: dict[str, _IntegrationHistory] = {}

    def of_entity(self, integration_id: str, entity_key: str) -> list[HistoryEntry]:
        history = self._integrations.get(integration_id)
        trail = history and history.trails.get(entity_key)
        return _decoded(trail.entries) if trail else []

    def search(self, integration_id: str, term: str) -> dict[str, list[HistoryEntry]]:
        """Entity key -> its entries, for every entity of the integration ``term`` names."""
        history = self._integrations.get(integration_id)
        if history is None:
            return {}
        keys = set(history.terms.get(term))
        keys.update(k for k in (term, f"order:{term}", f"product:{term}") if k in history.trails)
        return {key: _decoded(history.trails[key].entries) for key in sorted(keys)}

    def recent(self, integration_id: str) -> list[HistoryEntry]:
        """The latest entries of an integration, newest last."""
        history = self._integrations.get(integration_id)
        return _decoded(history.recent) if history else []

    def apply(self, key: str, value: bytes | None) -> None:
        if value is None:
            return
        entry = decode(HistoryEntry, value)
        integration_id, _, entity_key = key.partition(":")
        history = self._integrations.get(integration_id)
        if history is None:
            history = self._integrations[integration_id] = _IntegrationHistory()
        history.append(entity_key, entry, value)


def _decoded(entries: deque[bytes]) -> list[HistoryEntry]:
    return [decode(HistoryEntry, value) for value in entries]


def record_history(topics: BoundTopics, entry: HistoryEntry) -> FutureMessage:
    """Append an entry; the returned future is done once Kafka acknowledged it.

    Nothing waits here: a flow that must not commit an offset before the history it wrote is
    stored awaits ``history_acknowledged()`` once per event or per batch.
    """
    key = f"{entry.integration_id}:{entry.entity_key}".encode()
    written = topics[HISTORY].send_soon(key=key, value=encode(entry))
    _UNACKNOWLEDGED.add(written)
    written.add_done_callback(_UNACKNOWLEDGED.discard)
    return written


async def history_acknowledged() -> None:
    """Return once Kafka acknowledged every history entry this process wrote so far (raises
    the producer's error when one could not be stored, like any awaited send of a flow)."""
    if _UNACKNOWLEDGED:
        await asyncio.gather(*list(_UNACKNOWLEDGED))


def event_entry(
    envelope: EventEnvelope,
    step: Step,
    outcome: str,
    detail: str = "",
    *,
    config_version: int | None = None,
    integration_id: str | None = None,
    search_keys: list[str] | None = None,
) -> HistoryEntry:
    """The history entry of what happened to one event at one step."""
    return HistoryEntry(
        integration_id=integration_id or envelope.integration_id,
        entity_key=envelope.entity_key,
        event_id=envelope.event_id,
        event_type=envelope.type,
        step=step,
        outcome=outcome,
        detail=detail,
        config_version=envelope.config_version if config_version is None else config_version,
        search_keys=search_keys or [],
        at=datetime.now(UTC),
    )
