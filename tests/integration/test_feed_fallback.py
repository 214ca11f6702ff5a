"""Without a hook, VTEX orders still reach the ERP: the engine reads VTEX's feed v3."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from connectors.vtex.sandbox.kit import VtexSandboxKit
from engine.demo.store import access_fields
from tests.harness import Stack, wait_until

pytestmark = pytest.mark.broker
T = TypeVar("T")


class Background:
    """An event loop in a thread, so an in-process sandbox keeps serving while the test waits."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout=60)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)


@pytest.fixture
def vtex(tmp_path: Path) -> Iterator[tuple[Background, VtexSandboxKit]]:
    background, kit = Background(), VtexSandboxKit()
    background.run(kit.start(tmp_path / "vtex"))
    try:
        yield background, kit
    finally:
        background.run(kit.stop())
        background.close()


def test_an_order_read_from_the_feed_becomes_one_erp_order(
    kafka_bootstrap: str, tmp_path: Path, vtex: tuple[Background, VtexSandboxKit]
) -> None:
    background, kit = vtex
    stack = Stack(kafka_bootstrap, tmp_path / "stack")
    (tmp_path / "stack").mkdir()
    try:
        stack.start_sandboxes()
        worker = stack.start_worker(PONTE_FEED_POLL_SECONDS="1")
        created = worker.api(
            "POST",
            "/api/v1/integrations",
            json={
                "id": "loja-vtex",
                "platform": "vtex",
                "name": "Loja VTEX",
                "access": access_fields(kit.settings()),
                "automations": {"order_import": {"enabled": True}},
            },
        )
        assert created.status_code == 201, created.text

        order_id = background.run(kit.place_order())  # no hook subscribed: only the feed knows

        def in_erp() -> list[dict[str, Any]]:
            orders = httpx.get(f"{stack.erp_url}/_sandbox/orders", timeout=5).json()["orders"]
            return [o for o in orders if o.get("idPedidoOrigem") == order_id]

        wait_until(in_erp, 90, f"VTEX order {order_id} in the ERP through the feed")
        assert len(in_erp()) == 1
    finally:
        stack.stop()
