"""Drives the Nuvemshop sandbox for the contract suite (connectors.contract.SandboxKit):
in-process on a free loopback port, with a fast bucket."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from aiohttp import web

from connectors.capabilities import Entity
from connectors.contract import CheckOutcome, InboundRequest
from connectors.nuvemshop.sandbox.app import build_app
from connectors.nuvemshop.sandbox.config import SandboxConfig
from connectors.nuvemshop.sandbox.state import STATE
from connectors.nuvemshop.settings import NuvemshopSettings
from connectors.nuvemshop.webhooks import nuvemshop_signature
from connectors.sandbox_server import closed_loopback_port
from connectors.urls import PRIVATE_URLS_CONTEXT

USER_AGENT = "Ponte contract suite (ti@ponte.example)"
SLOW_SECONDS, IMPATIENT_TIMEOUT = 2.0, 0.3
EVENTS = {
    Entity.PRODUCT: "product/updated",
    Entity.CATEGORY: "category/updated",
    Entity.ORDER: "order/created",
}


class NuvemshopSandboxKit:
    def __init__(
        self, *, bucket: int = 40, leak_rate: float = 50.0, retry_base: float = 0.2
    ) -> None:
        self._knobs = {"bucket_size": bucket, "leak_rate": leak_rate, "retry_base": retry_base}
        self._runner: web.AppRunner | None = None
        self.config: SandboxConfig | None = None
        self.url = ""
        self._serial = itertools.count(1)
        self._http: httpx.AsyncClient | None = None

    async def start(self, workdir: Path, port: int = 0) -> None:
        self.config = SandboxConfig(db_path=workdir / "nuvemshop.sqlite3", **self._knobs)  # type: ignore[arg-type]
        self._runner = web.AppRunner(build_app(self.config))
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        host, bound = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{bound}"
        settings = self.settings()
        self._http = httpx.AsyncClient(
            base_url=settings.api_root,
            headers={
                "Authentication": f"bearer {settings.access_token.get_secret_value()}",
                "User-Agent": USER_AGENT,
            },
        )

    async def stop(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def settings(self, **changes: Any) -> NuvemshopSettings:
        assert self.config is not None, "start the kit first"
        data = {
            "store_id": self.config.store_id,
            "access_token": self.config.token,
            "app_secret": self.config.app_secret,
            "user_agent": USER_AGENT,
            "base_url": self.url,
        } | changes
        return NuvemshopSettings.model_validate(data, context={PRIVATE_URLS_CONTEXT: True})

    def failing_settings(self, outcome: CheckOutcome) -> NuvemshopSettings:
        if outcome is CheckOutcome.BAD_CREDENTIALS:
            return self.settings(access_token="not-the-token")
        if outcome is CheckOutcome.UNKNOWN_STORE:
            return self.settings(store_id="999999999")
        if outcome is CheckOutcome.MISSING_PERMISSION:  # installed, but granted no scope
            assert self.config is not None, "start the kit first"
            return self.settings(access_token=self.config.scopeless_token)
        if outcome is CheckOutcome.UNREACHABLE:
            return self.settings(base_url=f"http://127.0.0.1:{closed_loopback_port()}")
        if outcome is CheckOutcome.TIMEOUT:
            self._app_state().delay_seconds = SLOW_SECONDS  # the sandbox answers slowly from now on
            return self.settings(timeout_seconds=IMPATIENT_TIMEOUT)
        raise ValueError(f"the sandbox cannot make {outcome} happen")

    def _app_state(self) -> Any:
        assert self._runner is not None
        return self._runner.app[STATE]

    async def api(self, method: str, path: str, body: Any = None) -> Any:
        """One call to the sandbox's real API, as an app would make it."""
        assert self._http is not None, "start the kit first"
        for _ in range(50):  # ride out the sandbox's own 429s
            response = await self._http.request(method, path, json=body)
            if response.status_code != 429:
                break
            await self._bucket_leaked()
        response.raise_for_status()
        return response.json()

    async def api_control(self, method: str, path: str, body: Any = None) -> Any:
        """A call to the sandbox's own `/_sandbox/...` control surface."""
        assert self._http is not None, "start the kit first"
        response = await self._http.request(method, f"{self.url}{path}", json=body)
        response.raise_for_status()
        return response.json()

    async def _bucket_leaked(self) -> None:
        await asyncio.sleep(1.0 / self._knobs["leak_rate"])

    async def seed(self, entity: Entity, count: int) -> list[str]:
        if entity is Entity.PRODUCT:
            return [
                str((await self.api("POST", "/products", seed_product(f"SEED-{n}")))["id"])
                for n in range(count)
            ]
        if entity is Entity.CATEGORY:
            return [
                str((await self.api("POST", "/categories", {"name": f"Categoria {n}"}))["id"])
                for n in range(count)
            ]
        if entity is Entity.ORDER:
            product = await self.api(
                "POST", "/products", seed_product(f"SEED-{next(self._serial)}")
            )
            variant_id = product["variants"][0]["id"]
            return [
                str((await self.api("POST", "/orders", seed_order(variant_id)))["id"])
                for _ in range(count)
            ]
        if entity is Entity.ATTRIBUTE:  # one product per attribute, each named anew
            serials = [next(self._serial) for _ in range(count)]
            for serial in serials:
                await self.api("POST", "/products", seed_product(f"ATTR-{serial}", f"Cor {serial}"))
            return [f"Cor {serial}" for serial in serials]
        raise ValueError(f"the Nuvemshop sandbox has no {entity} to seed")

    async def notification(
        self, entity: Entity, platform_id: str, *, tampered: bool = False
    ) -> InboundRequest:
        assert self.config is not None
        body = f'{{"store_id":{self.config.store_id},"event":"{EVENTS[entity]}","id":{platform_id}}}'.encode()
        signature = nuvemshop_signature(body, self.config.app_secret)
        if tampered:
            body = body.replace(platform_id.encode(), str(int(platform_id) + 1).encode())
        return InboundRequest(
            method="POST",
            headers={"Content-Type": "application/json", "X-Linkedstore-HMAC-SHA256": signature},
            body=body,
        )

    async def subscribe(self, address: str) -> None:
        """``POST /webhooks`` for ``order/created``, unless that address already has it
        (Nuvemshop would keep both and notify twice)."""
        event = {"event": EVENTS[Entity.ORDER], "url": address}
        try:
            subscribed = bool(await self.api("GET", f"/webhooks?{urlencode(event)}"))
        except httpx.HTTPStatusError as exc:  # an empty list is a 404 "Last page is 0"
            if exc.response.status_code != 404:
                raise
            subscribed = False
        if not subscribed:
            await self.api("POST", "/webhooks", event)

    async def place_order(self) -> str:
        """The seeded order: Maria Silva in São Paulo, paid in BRL, shipped by Correios."""
        [order_id] = await self.seed(Entity.ORDER, 1)
        return order_id

    async def force_rate_limit(self, calls: int, retry_after: float) -> None:
        async with httpx.AsyncClient(base_url=self.url) as client:
            response = await client.post(
                "/_sandbox/rate-limit", json={"calls": calls, "retry_after": retry_after}
            )
            response.raise_for_status()


def seed_product(sku_stem: str, attribute: str = "Tamanho") -> dict[str, Any]:
    return {
        "name": {"pt": f"Camiseta {sku_stem}"},
        "attributes": [{"pt": attribute}],
        "variants": [
            {"sku": f"{sku_stem}-P", "price": "59.90", "stock": 10, "values": [{"pt": "P"}]},
            {"sku": f"{sku_stem}-M", "price": "59.90", "stock": 5, "values": [{"pt": "M"}]},
        ],
    }


def seed_order(variant_id: int) -> dict[str, Any]:
    address = {
        "first_name": "Maria",
        "last_name": "Silva",
        "address": "Rua Augusta",
        "number": "1500",
        "floor": "apto 12",
        "locality": "Consolação",
        "city": "São Paulo",
        "province": "SP",
        "zipcode": "01304-001",
        "country": "BR",
        "phone": "11999990000",
    }
    return {
        "currency": "BRL",
        "language": "pt",
        "status": "open",
        "gateway": "offline",
        "payment_status": "paid",
        "products": [{"variant_id": variant_id, "quantity": 2}],
        "inventory_behaviour": "bypass",
        "customer": {
            "email": "maria@example.com",
            "name": "Maria Silva",
            "phone": "+55 11 99999-0000",
            "document": "12345678909",
        },
        "billing_address": address,
        "shipping_address": address,
        "shipping_pickup_type": "ship",
        "shipping": "correios",
        "shipping_option": "Correios - PAC",
        "shipping_cost_customer": "20.00",
        "shipping_cost_owner": "20.00",
        "send_confirmation_email": False,
        "send_fulfillment_email": False,
    }
