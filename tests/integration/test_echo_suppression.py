"""Echo suppression end to end: both product automations on for a Shopify and a Nuvemshop
integration whose stores notify every product change. A real worker on the real broker talks
to the ERP through a gateway that counts the ERP product writes. Every ERP product goes to
both stores and both own the name and description, so a change imported from one store and
exported to the other must not bounce between them either (the writes counted are all of them).

- An ERP product reaches the store once; the store's own notification of that write (the
  echo) is skipped, never written back into the ERP.
- A real edit in the store of the texts the store owns reaches the ERP once; the ERP's own
  change that follows is not pushed back to the store.
- A real ERP change of a field the ERP owns (the brand) reaches the store once, and its echo
  is skipped again.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from connectors.erp.client import ErpClient
from connectors.erp.settings import ErpSettings
from connectors.urls import PRIVATE_URLS_CONTEXT
from tests.faults.chaos import ChaosGateway
from tests.harness import Stack, Worker, wait_until
from tests.integration.support import read_topic
from tests.integration.test_field_ownership import Stores
from tests.merchant import call, merchant_api
from tests.platforms import PlatformSandbox, create_platform_integration

pytestmark = pytest.mark.broker
PLATFORMS = ["shopify", "nuvemshop"]
PRODUCT_NOTIFICATIONS = {
    "shopify": ["products/create", "products/update"],
    "nuvemshop": ["product/created", "product/updated"],
}
PLATFORM_OWNS = {"name": "platform", "description": "platform"}
QUIET_SECONDS = 6.0
"""How long nothing more may happen after the echo was skipped: the ERP is polled every
second and a store notifies within a second, so a loop would show several writes by then."""


class WriteCounter(ChaosGateway):
    """A gateway in front of the ERP that fails nothing and keeps every product write."""

    def __init__(self, upstream: str) -> None:
        super().__init__(upstream, failure_rate=0.0, hold_seconds=0.0)
        self.product_writes: list[bytes] = []

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.method in ("POST", "PUT") and request.path.startswith("/api/produtos"):
            self.product_writes.append(await request.read())
        return await super()._handle(request)

    def writes_of(self, sku: str) -> int:
        return sum(f'"{sku}"'.encode() in body for body in list(self.product_writes))


class Loop(Stores):
    """The stores, the worker and the gateway counting the ERP product writes."""

    def __init__(
        self,
        stack: Stack,
        worker: Worker,
        gateway: WriteCounter,
        stores: dict[str, PlatformSandbox],
    ) -> None:
        super().__init__(stack, worker, stores)
        self.gateway = gateway

    def erp_product(self, sku: str) -> dict[str, Any]:
        settings = ErpSettings.model_validate(
            {"base_url": f"{self.stack.erp_url}/api", "api_token": self.stack.erp_token},
            context={PRIVATE_URLS_CONTEXT: True},
        )

        async def read() -> dict[str, Any]:
            async with ErpClient(settings) as erp:
                return dict(await erp.products.get_product(sku))

        return asyncio.run(read())

    def history(self, platform: str, sku: str) -> list[dict[str, Any]]:
        entries = read_topic(self.stack.bootstrap, f"{self.stack.namespace}.ponte.history")
        return [
            entry
            for entry in entries
            if entry["integration_id"] == f"echo-{platform}" and sku in entry["search_keys"]
        ]

    def pushed(self, platform: str, sku: str) -> list[dict[str, Any]]:
        return [
            e
            for e in self.history(platform, sku)
            if e["step"] == "sent" and e["entity_key"] == f"product:{sku}"
        ]

    def echoes(self, platform: str, sku: str, side: str) -> list[dict[str, Any]]:
        return [
            e
            for e in self.history(platform, sku)
            if e["outcome"] == "echo" and f"({side} already has" in e["detail"]
        ]

    def stays(self, what: str, measure: Any, expected: Any) -> None:
        """``measure()`` keeps ``expected`` for QUIET_SECONDS (a loop would change it)."""
        deadline = time.monotonic() + QUIET_SECONDS
        while time.monotonic() < deadline:
            assert measure() == expected, what
            time.sleep(0.5)


def subscribe_products(store: PlatformSandbox, address: str) -> None:
    """The store notifies the worker of every product created or updated."""

    async def subscribe() -> None:
        async with merchant_api(store.platform, store.settings()) as http:
            for topic in PRODUCT_NOTIFICATIONS[store.platform]:
                if store.platform == "shopify":
                    body = {"webhook": {"topic": topic, "address": address, "format": "json"}}
                    await call(http, "POST", "/webhooks.json", body)
                else:
                    await call(http, "POST", "/webhooks", {"event": topic, "url": address})

    store.run(subscribe)


@pytest.fixture(scope="module")
def loop(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loop]:
    workdir = Path(tmp_path_factory.mktemp("echo"))
    stack = Stack(kafka_bootstrap, workdir)
    started: dict[str, PlatformSandbox] = {}
    gateway: WriteCounter | None = None
    try:
        stack.start_sandboxes()
        gateway = WriteCounter(stack.erp_url).start()
        worker = stack.start_worker(
            PONTE_ERP_POLL_SECONDS="1", PONTE_ERP_BASE_URL=f"{gateway.url}/api"
        )
        for platform in PLATFORMS:
            started[platform] = PlatformSandbox(platform, workdir / platform).start()
            integration_id = f"echo-{platform}"
            create_platform_integration(
                worker,
                started[platform],
                integration_id,
                automations={
                    name: {"enabled": True} for name in ("product_export", "product_import")
                },
                settings={"field_owner": PLATFORM_OWNS},
            )
            address = started[platform].notification_address(worker, integration_id)
            subscribe_products(started[platform], address)
        yield Loop(stack, worker, gateway, started)
    finally:
        for store in started.values():
            store.stop()
        if gateway is not None:
            gateway.stop()
        stack.stop()


@pytest.mark.parametrize("platform", PLATFORMS)
def test_writes_are_not_echoed_back_and_real_changes_flow_once(loop: Loop, platform: str) -> None:
    sku = f"ECO-{platform[:3].upper()}-{uuid.uuid4().hex[:6].upper()}"
    loop.in_erp({"codigo": sku, "nome": "Camiseta Azul", "descricao": "Do ERP", "preco": "100"})

    created = wait_until(lambda: loop.pushed(platform, sku), 90, f"{sku} created on {platform}")
    product_id = created[0]["search_keys"][1]
    wait_until(lambda: loop.echoes(platform, sku, "the ERP"), 60, f"the echo of {sku} skipped")
    loop.stays("nothing written back into the ERP", lambda: loop.gateway.writes_of(sku), 0)
    assert len(loop.pushed(platform, sku)) == 1

    loop.merchant_renames(platform, product_id, "Camiseta da Loja", "Escrito na loja")
    wait_until(
        lambda: loop.gateway.writes_of(sku) >= 1, 60, f"the store's edit of {sku} in the ERP"
    )
    wait_until(
        lambda: loop.echoes(platform, sku, "the platform"), 60, f"the ERP's echo of {sku} skipped"
    )
    loop.stays("the store's edit written once", lambda: loop.gateway.writes_of(sku), 1)
    erp = loop.erp_product(sku)
    assert (erp["nome"], erp["descricao"]) == ("Camiseta da Loja", "Escrito na loja")
    assert len(loop.pushed(platform, sku)) == 1, "the ERP's echo was not pushed back"

    skipped = len(loop.echoes(platform, sku, "the ERP"))
    loop.in_erp(
        {"codigo": sku, **{k: erp[k] for k in ("nome", "descricao")}, "marca": "Marca Nova"}
    )
    wait_until(lambda: len(loop.pushed(platform, sku)) == 2, 60, f"{sku}'s new brand pushed")
    wait_until(
        lambda: len(loop.echoes(platform, sku, "the ERP")) > skipped,
        60,
        f"the echo of {sku}'s new brand skipped",
    )
    loop.stays("the brand's echo not written back", lambda: loop.gateway.writes_of(sku), 1)
    after = loop.product(platform, product_id)
    assert (after.name, after.brand) == ("Camiseta da Loja", "Marca Nova")
    assert len(loop.pushed(platform, sku)) == 2
