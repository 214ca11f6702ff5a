"""``connectors.contract.SandboxKit`` for Shopify: the sandbox in-process on a free loopback
port with fast limits, and the ways the contract suite makes it fail, notify and throttle."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import orjson
from aiohttp import web

from connectors.capabilities import Entity
from connectors.contract import CheckOutcome, InboundRequest
from connectors.sandbox_server import closed_loopback_port
from connectors.shopify.sandbox.app import build_app
from connectors.shopify.sandbox.config import SandboxConfig
from connectors.shopify.settings import ShopifySettings
from connectors.shopify.webhooks import (
    API_VERSION_HEADER,
    EVENT_ID_HEADER,
    HMAC_HEADER,
    SHOP_DOMAIN_HEADER,
    TOPIC_HEADER,
    TRIGGERED_AT_HEADER,
    WEBHOOK_ID_HEADER,
    sign,
)

DEV_MODE = {"allow_private_urls": True}
FAST_LEAK_RATE = 20.0  # the real bucket size, ten times the Standard leak rate
FAILING_TIMEOUT = 0.5

TOPIC_BY_ENTITY = {
    Entity.ORDER: "orders/updated",
    Entity.PRODUCT: "products/update",
    Entity.CATEGORY: "collections/update",
    Entity.STOCK: "inventory_levels/update",
}


class ShopifySandboxKit:
    """Drives one in-process Shopify sandbox for the contract suite."""

    def __init__(self, *, bucket_size: int = 40, leak_rate: float = FAST_LEAK_RATE) -> None:
        self._bucket, self._leak = bucket_size, leak_rate
        self._runner: web.AppRunner | None = None
        self._silent: asyncio.Server | None = None
        self._held: list[asyncio.StreamWriter] = []
        self.config: SandboxConfig | None = None
        self.url = ""

    async def start(self, workdir: Path, port: int = 0) -> None:
        self.config = SandboxConfig(
            db_path=workdir / "shopify-sandbox.sqlite3",
            bucket_size=self._bucket,
            leak_rate=self._leak,
            retry_base=0.05,
        )
        self._runner = web.AppRunner(build_app(self.config))
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        host, bound = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{bound}"
        self._silent = await asyncio.start_server(self._hold, "127.0.0.1", 0)

    async def _hold(self, _: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Accept a connection and never answer (for TIMEOUT)."""
        self._held.append(writer)

    async def stop(self) -> None:
        for writer in self._held:
            writer.close()
        if self._silent is not None:
            self._silent.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def _config(self) -> SandboxConfig:
        if self.config is None:
            raise RuntimeError("the kit is not started")
        return self.config

    def settings(self, **changes: Any) -> ShopifySettings:
        config = self._config()
        fields = {
            "shop_domain": config.shop_domain,
            "admin_api_token": config.token,
            "webhook_secret": config.webhook_secret,
            "client_id": config.client_id,
            "base_url": self.url,
            "requests_per_second": self._leak,
            "bucket_size": self._bucket,
            **changes,
        }
        return ShopifySettings.model_validate(fields, context=DEV_MODE)

    def failing_settings(self, outcome: CheckOutcome) -> ShopifySettings:
        if outcome is CheckOutcome.BAD_CREDENTIALS:  # and no client_id to renew it with
            return self.settings(admin_api_token="shpat_revoked", client_id=None)
        if outcome is CheckOutcome.UNKNOWN_STORE:
            return self.settings(shop_domain="loja-que-nao-existe.myshopify.com")
        if outcome is CheckOutcome.MISSING_PERMISSION:  # installed, but granted no scope
            return self.settings(admin_api_token=self._config().scopeless_token, client_id=None)
        if outcome is CheckOutcome.UNREACHABLE:
            return self.settings(base_url=f"http://127.0.0.1:{closed_loopback_port()}")
        if outcome is CheckOutcome.TIMEOUT:
            return self.settings(base_url=self._silent_url(), request_timeout=FAILING_TIMEOUT)
        raise ValueError(f"the Shopify kit cannot fail with {outcome}")

    def _silent_url(self) -> str:
        """The server that accepts connections and never answers."""
        if self._silent is None:
            raise RuntimeError("the kit is not started")
        port = self._silent.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def _admin(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        config = self._config()
        async with httpx.AsyncClient(base_url=f"{self.url}/admin/api/{config.api_version}") as http:
            for _ in range(50):
                answer = await http.request(
                    method, path, json=body, headers={"X-Shopify-Access-Token": config.token}
                )
                if answer.status_code != 429:
                    break
                await asyncio.sleep(float(answer.headers.get("Retry-After", "0.2")))
        answer.raise_for_status()
        decoded: dict[str, Any] = orjson.loads(answer.content)
        return decoded

    async def seed(self, entity: Entity, count: int) -> list[str]:
        """``count`` new records of ``entity``; their platform ids (vendor names for brands,
        option names for attributes: one product with one new option each)."""
        seeded: list[str] = []
        for _ in range(count):
            tag = uuid.uuid4().hex[:8]
            if entity is Entity.ORDER:
                body = {"order": {"email": f"{tag}@example.com.br", "line_items": [
                    {"title": "Camiseta", "price": "49.90", "quantity": 1, "sku": f"CAM-{tag}"}]}}  # fmt: skip
                seeded.append(str((await self._admin("POST", "/orders.json", body))["order"]["id"]))
            elif entity is Entity.CATEGORY:
                body = {"custom_collection": {"title": f"Coleção {tag}"}}
                created = await self._admin("POST", "/custom_collections.json", body)
                seeded.append(str(created["custom_collection"]["id"]))
            else:
                option = f"Cor {tag}" if entity is Entity.ATTRIBUTE else "Tamanho"
                body = _product(tag, option)
                product = (await self._admin("POST", "/products.json", body))["product"]
                seeded.append(_seed_id(entity, product))
        return seeded

    async def notification(
        self, entity: Entity, platform_id: str, *, tampered: bool = False
    ) -> InboundRequest:
        """A signed delivery of the record's current state, as Shopify would send it."""
        config = self._config()
        body = orjson.dumps(await self._resource(entity, platform_id))
        headers = {
            "Content-Type": "application/json",
            TOPIC_HEADER: TOPIC_BY_ENTITY[entity],
            SHOP_DOMAIN_HEADER: config.shop_domain,
            API_VERSION_HEADER: config.api_version,
            WEBHOOK_ID_HEADER: str(uuid.uuid4()),
            EVENT_ID_HEADER: str(uuid.uuid4()),
            TRIGGERED_AT_HEADER: "2026-05-09T12:00:00.000000Z",
            HMAC_HEADER: sign(config.webhook_secret, body),
        }
        sent = body + b" " if tampered else body  # still JSON, no longer what was signed
        return InboundRequest(method="POST", headers=headers, body=sent)

    async def _resource(self, entity: Entity, platform_id: str) -> dict[str, Any]:
        if entity is Entity.ORDER:
            return dict((await self._admin("GET", f"/orders/{platform_id}.json"))["order"])
        if entity is Entity.PRODUCT:
            return dict((await self._admin("GET", f"/products/{platform_id}.json"))["product"])
        if entity is Entity.CATEGORY:
            path = f"/custom_collections/{platform_id}.json"
            return dict((await self._admin("GET", path))["custom_collection"])
        if entity is Entity.STOCK:
            path = f"/inventory_levels.json?inventory_item_ids={platform_id}"
            return dict((await self._admin("GET", path))["inventory_levels"][0])
        raise ValueError(f"Shopify sends no notification for {entity}")

    async def subscribe(self, address: str) -> None:
        """``POST webhooks.json`` for ``orders/create``, unless that address already has it
        (Shopify answers 422 to a second identical subscription)."""
        wanted = {"topic": "orders/create", "address": address}
        listed = await self._admin("GET", f"/webhooks.json?{urlencode(wanted)}")
        if not listed["webhooks"]:
            await self._admin("POST", "/webhooks.json", {"webhook": {**wanted, "format": "json"}})

    async def place_order(self) -> str:
        """A paid BRL order from a customer in São Paulo, as the storefront would create it."""
        created = await self._admin("POST", "/orders.json", {"order": BRAZILIAN_ORDER})
        return str(created["order"]["id"])

    async def force_rate_limit(self, calls: int, retry_after: float) -> None:
        async with httpx.AsyncClient() as http:
            answer = await http.post(
                f"{self.url}/_sandbox/rate_limit",
                json={"calls": calls, "retry_after": retry_after},
            )
        answer.raise_for_status()

    async def expire_tokens(self) -> None:
        async with httpx.AsyncClient() as http:
            (await http.post(f"{self.url}/_sandbox/expire_token")).raise_for_status()


BRAZILIAN_ORDER: dict[str, Any] = {
    "email": "maria.silva@example.com.br",
    "currency": "BRL",
    "financial_status": "paid",
    "customer": {
        "first_name": "Maria",
        "last_name": "Silva",
        "email": "maria.silva@example.com.br",
    },
    "billing_address": {
        "first_name": "Maria",
        "last_name": "Silva",
        "address1": "Rua Augusta, 1500",
        "address2": "Apto 42",
        "city": "São Paulo",
        "province_code": "SP",
        "zip": "01304-001",
        "country_code": "BR",
        "phone": "+55 11 91234-5678",
    },
    "line_items": [
        {"title": "Camiseta Ponte", "sku": "CAM-PONTE-M", "price": "79.90", "quantity": 2},
        {"title": "Caneca Ponte", "sku": "CAN-PONTE", "price": "39.90", "quantity": 1},
    ],
    "shipping_lines": [{"title": "SEDEX", "price": "24.50", "code": "SEDEX"}],
    "note_attributes": [{"name": "CPF", "value": "123.456.789-09"}],
}


def _product(tag: str, option: str) -> dict[str, Any]:
    return {
        "product": {
            "title": f"Camiseta {tag}",
            "vendor": f"Marca {tag}",
            "product_type": "Camisetas",
            "variants": [
                {"sku": f"CAM-{tag}-P", "price": "49.90", "option1": "P",
                 "inventory_management": "shopify"},
                {"sku": f"CAM-{tag}-M", "price": "49.90", "option1": "M",
                 "inventory_management": "shopify"},
            ],
            "options": [{"name": option}],
        }
    }  # fmt: skip


def _seed_id(entity: Entity, product: dict[str, Any]) -> str:
    if entity is Entity.BRAND:
        return str(product["vendor"])
    if entity is Entity.ATTRIBUTE:
        return str(product["options"][0]["name"])
    if entity is Entity.STOCK:
        return str(product["variants"][0]["inventory_item_id"])
    return str(product["id"])
