"""The history of every record (histórico): the last entries per entity, searchable by the
platform code, SKU, EAN or order number they carry."""

from __future__ import annotations

from collections import defaultdict, deque
from datetime import UTC, datetime

from engine.bindings import BoundTopics
from engine.state.view import TopicView
from schemas.codec import decode, encode
from schemas.envelope import EventEnvelope
from schemas.history import HistoryEntry, Step
from topics.registry import HISTORY

PER_ENTITY = 100
RECENT_PER_INTEGRATION = 200


class HistoryView(TopicView):
    def __init__(self, bootstrap_servers: str, topic: str, **kwargs: object) -> None:
        super().__init__(bootstrap_servers, topic, **kwargs)
        self._entries: dict[str, deque[HistoryEntry]] = defaultdict(
            lambda: deque(maxlen=PER_ENTITY)
        )
        self._by_term: dict[tuple[str, str], set[str]] = defaultdict(set)
        self._recent: dict[str, deque[HistoryEntry]] = defaultdict(
            lambda: deque(maxlen=RECENT_PER_INTEGRATION)
        )

    def of_entity(self, integration_id: str, entity_key: str) -> list[HistoryEntry]:
        return list(self._entries.get(f"{integration_id}:{entity_key}", ()))

    def search(self, integration_id: str, term: str) -> dict[str, list[HistoryEntry]]:
        """Entity key -> its entries, for every entity of the integration ``term`` names."""
        keys = set(self._by_term.get((integration_id, term), set()))
        for entity_key in (term, f"order:{term}", f"product:{term}"):
            if f"{integration_id}:{entity_key}" in self._entries:
                keys.add(f"{integration_id}:{entity_key}")
        return {key.split(":", 1)[1]: list(self._entries[key]) for key in sorted(keys)}

    def recent(self, integration_id: str) -> list[HistoryEntry]:
        """The latest entries of an integration, newest last."""
        return list(self._recent.get(integration_id, ()))

    def apply(self, key: str, value: bytes | None) -> None:
        if value is None:
            return
        entry = decode(HistoryEntry, value)
        self._entries[key].append(entry)
        self._recent[entry.integration_id].append(entry)
        for term in entry.search_keys:
            self._by_term[(entry.integration_id, term)].add(key)


def record_history(topics: BoundTopics, entry: HistoryEntry) -> None:
    """Append an entry without waiting for the ack (history is a trail, not a commitment)."""
    key = f"{entry.integration_id}:{entry.entity_key}".encode()
    topics[HISTORY].send_soon(key=key, value=encode(entry))


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
