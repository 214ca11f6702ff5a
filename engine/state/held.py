"""Events kept while their automation was off, per integration and automation."""

from __future__ import annotations

from engine.bindings import BoundTopics
from engine.state.view import TopicView
from schemas.codec import decode, encode
from schemas.held import HeldEvent
from topics.registry import HELD


class HeldView(TopicView):
    def __init__(self, bootstrap_servers: str, topic: str, **kwargs: object) -> None:
        super().__init__(bootstrap_servers, topic, **kwargs)
        self._held: dict[str, HeldEvent] = {}

    def of(self, integration_id: str, automation: str | None = None) -> list[HeldEvent]:
        found = [
            h
            for h in self._held.values()
            if h.integration_id == integration_id
            and (automation is None or h.automation == automation)
        ]
        return sorted(found, key=lambda h: h.held_at)

    def apply(self, key: str, value: bytes | None) -> None:
        if value is None:
            self._held.pop(key, None)
        else:
            self._held[key] = decode(HeldEvent, value)


async def hold(topics: BoundTopics, held: HeldEvent) -> None:
    await (await topics[HELD].send(key=held.key.encode(), value=encode(held)))


async def release(topics: BoundTopics, held: HeldEvent) -> None:
    await (await topics[HELD].send(key=held.key.encode(), value=None))
