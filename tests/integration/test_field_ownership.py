"""Field ownership end to end: an integration whose Configurações give the product's name and
description to the platform. The ERP creates a product (sent whole), the merchant rewrites its
name and description in the store, the ERP changes it again: a real worker on the real broker
pushes the update, and the store keeps the merchant's texts while the price follows the ERP."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from connectors.capabilities import Entity
from connectors.erp.client import ErpClient
from connectors.erp.settings import ErpSettings
from connectors.urls import PRIVATE_URLS_CONTEXT
from schemas.product import Product
from tests.harness import Stack, Worker, wait_until
from tests.integration.support import read_topic
from tests.merchant import merchant_api, rename
from tests.platforms import PlatformSandbox, create_platform_integration

pytestmark = pytest.mark.broker
PLATFORMS = ["shopify", "nuvemshop", "tray"]
"""VTEX is left to the contract suite: a new VTEX product needs a VTEX category id and a brand,
which an ERP product gets only through Mapeamentos (another flow's test)."""
PLATFORM_OWNS = {"name": "platform", "description": "platform"}


class Stores:
    def __init__(self, stack: Stack, worker: Worker, stores: dict[str, PlatformSandbox]) -> None:
        self.stack, self.worker, self.stores = stack, worker, stores

    def in_erp(self, produto: dict[str, Any]) -> None:
        settings = ErpSettings.model_validate(
            {"base_url": f"{self.stack.erp_url}/api", "api_token": self.stack.erp_token},
            context={PRIVATE_URLS_CONTEXT: True},
        )

        async def write() -> None:
            async with ErpClient(settings) as erp:
                [result] = await erp.products.upsert_products([produto])
                assert result.ok, result

        asyncio.run(write())

    def sent(self, platform: str, sku: str) -> list[dict[str, Any]]:
        history = read_topic(self.stack.bootstrap, f"{self.stack.namespace}.ponte.history")
        return [
            entry
            for entry in history
            if entry["integration_id"] == f"own-{platform}"
            and entry["entity_key"] == f"product:{sku}"
            and entry["step"] == "sent"
        ]

    def product(self, platform: str, product_id: str) -> Product:
        store = self.stores[platform]

        async def read() -> Product:
            client = store.client()
            try:
                found = await client.get_by_code(Entity.PRODUCT, product_id)
            finally:
                await client.aclose()
            assert isinstance(found, Product)
            return found

        return store.run(read)

    def merchant_renames(self, platform: str, product_id: str, name: str, text: str) -> None:
        store = self.stores[platform]

        async def edit() -> None:
            async with merchant_api(platform, store.settings()) as http:
                await rename(http, platform, product_id, name, text)

        store.run(edit)


@pytest.fixture(scope="module")
def stores(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stores]:
    workdir = Path(tmp_path_factory.mktemp("ownership"))
    stack = Stack(kafka_bootstrap, workdir)
    started: dict[str, PlatformSandbox] = {}
    try:
        stack.start_sandboxes()
        worker = stack.start_worker(PONTE_ERP_POLL_SECONDS="1")
        for platform in PLATFORMS:
            started[platform] = PlatformSandbox(platform, workdir / platform).start()
            create_platform_integration(
                worker,
                started[platform],
                f"own-{platform}",
                automations={
                    name: {"enabled": True} for name in ("product_export", "price_export")
                },
                settings={"field_owner": PLATFORM_OWNS},
            )
        yield Stores(stack, worker, started)
    finally:
        for store in started.values():
            store.stop()
        stack.stop()


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_store_keeps_the_texts_it_owns_while_the_erp_changes_the_rest(
    stores: Stores, platform: str
) -> None:
    sku = f"OWN-{platform[:3].upper()}-{uuid.uuid4().hex[:6].upper()}"
    stores.in_erp({"codigo": sku, "nome": "Camiseta Azul", "descricao": "Do ERP", "preco": "100"})
    created = wait_until(lambda: stores.sent(platform, sku), 90, f"{sku} created on {platform}")
    product_id = created[0]["search_keys"][1]
    assert stores.product(platform, product_id).name == "Camiseta Azul"  # a create sends all

    stores.merchant_renames(platform, product_id, "Camiseta da Loja", "Escrito na loja")
    # the brand too: a change only of fields the store owns (or of the price, which the price
    # flow sends) brings the store nothing and is skipped (engine.echo)
    stores.in_erp(
        {"codigo": sku, "nome": "Camiseta Nova", "descricao": "Novo", "preco": "120", "marca": "X"}
    )
    wait_until(
        lambda: any("updated" in entry["detail"] for entry in stores.sent(platform, sku)),
        90,
        f"{sku} updated on {platform}",
    )
    wait_until(
        lambda: stores.product(platform, product_id).variants[0].price == Decimal("120"),
        60,
        f"the ERP's new price of {sku} on {platform}",
    )
    after = stores.product(platform, product_id)
    assert (after.name, after.description) == ("Camiseta da Loja", "Escrito na loja")
