"""The integrations, materialized on every worker from their compacted topic."""

from __future__ import annotations

from engine.state.view import TopicView
from schemas.codec import decode
from schemas.integration import Integration


class IntegrationRegistry(TopicView):
    """Latest version of every integration, kept current from Kafka."""

    def __init__(self, bootstrap_servers: str, topic: str, **kwargs: object) -> None:
        super().__init__(bootstrap_servers, topic, **kwargs)
        self._records: dict[str, Integration] = {}

    def get(self, integration_id: str) -> Integration | None:
        return self._records.get(integration_id)

    def all(self) -> list[Integration]:
        return sorted(self._records.values(), key=lambda record: record.id)

    async def wait_for_version(
        self, integration_id: str, version: int, timeout: float
    ) -> Integration:
        """Read-your-writes: wait until ``version`` (or newer) of an integration is materialized."""

        def reached() -> bool:
            record = self._records.get(integration_id)
            return record is not None and record.version >= version

        await self.wait_until(reached, timeout)
        return self._records[integration_id]

    async def wait_deleted(self, integration_id: str, timeout: float) -> None:
        await self.wait_until(lambda: integration_id not in self._records, timeout)

    def apply(self, key: str, value: bytes | None) -> None:
        if value is None:
            self._records.pop(key, None)
            return
        integration = decode(Integration, value)
        current = self._records.get(key)
        if current is None or integration.version >= current.version:
            self._records[key] = integration
