"""Faust topic objects for the declared topics, under the engine's namespace."""

from __future__ import annotations

import faust
from faust.types import TopicT

from topics.spec import TopicSpec


class BoundTopics:
    """Binds each TopicSpec to one Faust topic of this app (bytes in, bytes out: we decode)."""

    def __init__(self, app: faust.App, namespace: str) -> None:
        self._app = app
        self._namespace = namespace
        self._bound: dict[str, TopicT] = {}

    def __getitem__(self, spec: TopicSpec) -> TopicT:
        name = spec.named(self._namespace)
        if name not in self._bound:
            self._bound[name] = self._app.topic(
                name,
                key_type=bytes,
                value_type=bytes,
                key_serializer="raw",
                value_serializer="raw",
                partitions=spec.partitions,
                internal=False,
            )
        return self._bound[name]

    def name(self, spec: TopicSpec) -> str:
        return spec.named(self._namespace)
