"""Any platform's sandbox for the integration tests, driven through its connector's kit.

The kit serves from an event loop of its own, in a thread, so synchronous tests can place
orders, seed catalogues and read the store while engine workers (real processes) talk to it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from connectors.capabilities import Entity
from connectors.contract import SandboxKit
from connectors.registry import PLATFORMS
from engine.demo.store import access_fields
from tests.harness import Worker

T = TypeVar("T")


class PlatformSandbox:
    """One platform's sandbox (name as in ``PLATFORMS``), serving in a background thread."""

    def __init__(self, platform: str, workdir: Path) -> None:
        spec = PLATFORMS[platform]
        assert spec.sandbox_kit is not None, f"{platform} has no sandbox kit"
        self.platform = platform
        self.kit: SandboxKit = spec.sandbox_kit()
        self._workdir = workdir
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def start(self) -> PlatformSandbox:
        self._thread.start()
        self.run(lambda: self.kit.start(self._workdir))
        return self

    def stop(self) -> None:
        try:
            self.run(self.kit.stop)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)

    def run(self, work: Callable[[], Awaitable[T]], timeout: float = 60) -> T:
        """Run ``work()`` (a coroutine factory) on the sandbox's loop and wait for its result."""

        async def call() -> T:
            return await work()

        return asyncio.run_coroutine_threadsafe(call(), self._loop).result(timeout)

    def settings(self) -> BaseModel:
        """The kit's settings, made on the sandbox's thread (a kit's SQLite state lives there)."""
        if threading.current_thread() is self._thread:
            return self.kit.settings()

        async def on_loop() -> BaseModel:
            return self.kit.settings()

        return self.run(on_loop)

    def access(self) -> dict[str, Any]:
        """The access fields as the admin API takes them."""
        return access_fields(self.settings())

    def place_order(self) -> str:
        return self.run(self.kit.place_order)

    def seed(self, entity: Entity, count: int) -> list[str]:
        return self.run(lambda: self.kit.seed(entity, count))

    def subscribe(self, address: str) -> None:
        self.run(lambda: self.kit.subscribe(address))

    def client(self) -> Any:
        """A PlatformClient for this store (use it inside ``run``)."""
        spec = PLATFORMS[self.platform]
        assert spec.client is not None
        return spec.client(self.settings())

    def notification_address(self, worker: Worker, integration_id: str) -> str:
        address = f"{worker.url}/webhooks/{self.platform}/{integration_id}"
        secret = getattr(self.settings(), "notification_secret", None)
        return f"{address}/{secret.get_secret_value()}" if secret is not None else address


def create_platform_integration(
    worker: Worker,
    sandbox: PlatformSandbox,
    integration_id: str,
    *,
    automations: dict[str, Any] | None = None,
    settings: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Create an integration for ``sandbox``'s store through the admin API.

    ``automations``: e.g. ``{"order_import": {"enabled": True}}`` (every switch starts off).
    """
    body: dict[str, Any] = {
        "id": integration_id,
        "platform": sandbox.platform,
        "name": f"Loja {integration_id}",
        "access": sandbox.access(),
    }
    if automations is not None:
        body["automations"] = automations
    if settings is not None:
        body["settings"] = settings
    response = worker.api("POST", "/api/v1/integrations", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())
