"""One platform client per integration in this worker, rebuilt when the integration changes.

Where a platform's tokens expire (Tray, expiring Shopify tokens) the client renews them; the
new tokens are sealed into the next version of the integration and written to its topic, so
every worker, and the next start, uses them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from connectors.capabilities import ConnectorSpec
from connectors.registry import PLATFORMS
from engine.integrations import connector_settings, with_settings
from engine.sealing import CredentialSealer
from schemas.integration import Integration

log = logging.getLogger(__name__)
Persist = Callable[[Integration], Awaitable[None]]


class PlatformClients:
    def __init__(
        self, sealer: CredentialSealer, *, allow_private_urls: bool, persist: Persist
    ) -> None:
        self._sealer = sealer
        self._allow_private_urls = allow_private_urls
        self._persist = persist
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
        if spec.token_updates is not None:
            client = spec.client(settings, on_tokens=self._token_saver(integration, spec, settings))  # type: ignore[call-arg]
        else:
            client = spec.client(settings)
        if cached is not None:  # an older version: close it once its calls are done
            task = asyncio.ensure_future(cached[1].aclose())
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)
        self._clients[integration.id] = (integration.version, client)
        return client

    def _token_saver(
        self, integration: Integration, spec: ConnectorSpec, settings: Any
    ) -> Callable[[Any], Awaitable[None]]:
        assert spec.token_updates is not None
        updates_of = spec.token_updates

        async def save_tokens(tokens: Any) -> None:
            renewed = settings.model_copy(update=updates_of(tokens))
            await self._persist(
                with_settings(integration, spec, renewed, self._sealer, datetime.now(UTC))
            )
            log.info("renewed tokens of integration %s saved", integration.id)

        return save_tokens

    async def close(self) -> None:
        for _, client in self._clients.values():
            await client.aclose()
        self._clients.clear()
