"""One platform client per integration in this worker, rebuilt when the integration changes."""

from __future__ import annotations

import asyncio
from typing import Any

from connectors.registry import PLATFORMS
from engine.integrations import connector_settings
from engine.sealing import CredentialSealer
from schemas.integration import Integration


class PlatformClients:
    def __init__(self, sealer: CredentialSealer, *, allow_private_urls: bool) -> None:
        self._sealer = sealer
        self._allow_private_urls = allow_private_urls
        self._clients: dict[str, tuple[int, Any]] = {}
        self._closing: set[asyncio.Task[None]] = set()

    def for_integration(self, integration: Integration) -> Any:
        """The connectors.contract.PlatformClient of this integration's current version."""
        cached = self._clients.get(integration.id)
        if cached is not None and cached[0] == integration.version:
            return cached[1]
        spec = PLATFORMS[integration.platform]
        if spec.client is None:
            raise LookupError(f"{spec.title} has no client yet")
        settings = connector_settings(
            integration, spec, self._sealer, allow_private_urls=self._allow_private_urls
        )
        client = spec.client(settings)
        if cached is not None:  # an older version: close it once its calls are done
            task = asyncio.ensure_future(cached[1].aclose())
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)
        self._clients[integration.id] = (integration.version, client)
        return client

    async def close(self) -> None:
        for _, client in self._clients.values():
            await client.aclose()
        self._clients.clear()
