"""The audited configuration log of every integration, in version order."""

from __future__ import annotations

from collections import defaultdict

from engine.bindings import BoundTopics
from engine.state.view import TopicView
from schemas.codec import decode, encode
from schemas.config_change import ConfigChange
from topics.registry import CONFIG_LOG


class ConfigLogView(TopicView):
    def __init__(self, bootstrap_servers: str, topic: str, **kwargs: object) -> None:
        super().__init__(bootstrap_servers, topic, **kwargs)
        self._changes: dict[str, dict[int, ConfigChange]] = defaultdict(dict)

    def of_integration(self, integration_id: str) -> list[ConfigChange]:
        versions = self._changes.get(integration_id, {})
        return [versions[v] for v in sorted(versions)]

    def version(self, integration_id: str, version: int) -> ConfigChange | None:
        return self._changes.get(integration_id, {}).get(version)

    def apply(self, key: str, value: bytes | None) -> None:
        if value is not None:
            change = decode(ConfigChange, value)
            self._changes[key][change.version] = change


async def log_change(topics: BoundTopics, change: ConfigChange) -> None:
    await (await topics[CONFIG_LOG].send(key=change.integration_id.encode(), value=encode(change)))
