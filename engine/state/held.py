"""Events kept while their automation was off, per integration and automation.

While a switch is off every event it would act on is held, so this view can grow large: each
held event is kept as its bytes stamped with its held time (engine.state.stamped), grouped by
integration and automation, and decoded only when listed. Counts and "is this entity held"
need no decoding.
"""

from __future__ import annotations

import heapq

from engine.bindings import BoundTopics
from engine.state.stamped import stamp_of, stamped, value_of
from engine.state.view import TopicView
from schemas.codec import decode, encode
from schemas.held import HeldEvent
from topics.registry import HELD

Held = dict[str, dict[str, bytes]]
"""automation -> held event key -> stored event, for one integration."""


class HeldView(TopicView):
    def __init__(self, bootstrap_servers: str, topic: str, **kwargs: object) -> None:
        super().__init__(bootstrap_servers, topic, **kwargs)
        self._held: dict[str, Held] = {}

    def of(self, integration_id: str, automation: str | None = None) -> list[HeldEvent]:
        """The held events, oldest first."""
        return [_event(s) for s in sorted(self._stored(integration_id, automation), key=stamp_of)]

    def oldest(self, integration_id: str, automation: str | None, most: int) -> list[HeldEvent]:
        """The ``most`` oldest held events, decoding only those."""
        stored = heapq.nsmallest(most, self._stored(integration_id, automation), key=stamp_of)
        return [_event(s) for s in stored]

    def counts(self, integration_id: str) -> dict[str, int]:
        """Held events per automation (automations holding none left out)."""
        held = self._held.get(integration_id, {})
        return {automation: len(events) for automation, events in held.items() if events}

    def count(self, integration_id: str, automation: str | None = None) -> int:
        counts = self.counts(integration_id)
        return sum(counts.values()) if automation is None else counts.get(automation, 0)

    def holds(self, integration_id: str, automation: str, entity_key: str) -> bool:
        events = self._held.get(integration_id, {}).get(automation, {})
        return f"{integration_id}:{automation}:{entity_key}" in events

    def apply(self, key: str, value: bytes | None) -> None:
        integration_id, automation, _ = key.split(":", 2)
        if value is None:
            self._held.get(integration_id, {}).get(automation, {}).pop(key, None)
            return
        event = decode(HeldEvent, value)
        held = self._held.setdefault(integration_id, {})
        held.setdefault(automation, {})[key] = stamped(event.held_at, value)

    def _stored(self, integration_id: str, automation: str | None) -> list[bytes]:
        held = self._held.get(integration_id, {})
        if automation is not None:
            return list(held.get(automation, {}).values())
        return [stored for events in held.values() for stored in events.values()]


def _event(stored: bytes) -> HeldEvent:
    return decode(HeldEvent, value_of(stored))


async def hold(topics: BoundTopics, held: HeldEvent) -> None:
    await (await topics[HELD].send(key=held.key.encode(), value=encode(held)))


async def release(topics: BoundTopics, held: HeldEvent) -> None:
    await (await topics[HELD].send(key=held.key.encode(), value=None))
