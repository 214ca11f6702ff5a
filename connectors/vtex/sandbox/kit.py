"""connectors.contract.SandboxKit for VTEX: the sandbox in-process on a free loopback port."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
from aiohttp import web

from connectors.capabilities import Entity
from connectors.contract import CheckOutcome, InboundRequest
from connectors.sandbox_server import closed_loopback_port
from connectors.urls import PRIVATE_URLS_CONTEXT
from connectors.vtex.sandbox.app import build_app
from connectors.vtex.sandbox.config import SandboxConfig
from connectors.vtex.sandbox.hooks import hook_body, hook_headers
from connectors.vtex.settings import VtexSettings

HOOK_SECRET = "sandbox-hook-secret"
SECRET_HEADER = "X-Ponte-Hook-Secret"


class VtexSandboxKit:
    """Starts the sandbox, points clients at it, makes it misbehave and notify."""

    def __init__(self, *, hook_retry_base: float = 0.05) -> None:
        self._hook_retry_base = hook_retry_base
        self._runner: web.AppRunner | None = None
        self._silent: asyncio.Server | None = None
        self.url = ""
        self.config: SandboxConfig | None = None
        self._silent_port = 0

    async def start(self, workdir: Path, port: int = 0) -> None:
        self.config = SandboxConfig(
            db_path=workdir / "vtex.sqlite3", hook_retry_base=self._hook_retry_base
        )
        self._runner = web.AppRunner(build_app(self.config))
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        host, bound = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{bound}"
        # A server that accepts and never answers: what a timeout looks like.
        self._silent = await asyncio.start_server(_never_answer, "127.0.0.1", 0)
        self._silent_port = self._silent.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._silent is not None:
            self._silent.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def _settings(self, **overrides: Any) -> VtexSettings:
        assert self.config is not None
        values: dict[str, Any] = {
            "account": self.config.account,
            "app_key": self.config.app_key,
            "app_token": self.config.app_token,
            "hook_secret": HOOK_SECRET,
            "hook_secret_header": SECRET_HEADER,
            "warehouse_id": "1_1",
            "base_url": self.url,
            "pricing_base_url": f"{self.url}/{self.config.account}",
            **overrides,
        }
        return VtexSettings.model_validate(values, context={PRIVATE_URLS_CONTEXT: True})

    def settings(self) -> VtexSettings:
        return self._settings()

    def failing_settings(self, outcome: CheckOutcome) -> VtexSettings:
        if outcome is CheckOutcome.BAD_CREDENTIALS:
            return self._settings(app_token="not-the-token")
        if outcome is CheckOutcome.MISSING_PERMISSION:
            return self._settings(app_key="vtexappkey-ponte-NOROLES")
        if outcome is CheckOutcome.UNKNOWN_STORE:
            return self._settings(account="loja-que-nao-existe")
        if outcome is CheckOutcome.UNREACHABLE:
            return self._settings(base_url=f"http://127.0.0.1:{closed_loopback_port()}")
        if outcome is CheckOutcome.TIMEOUT:
            return self._settings(
                base_url=f"http://127.0.0.1:{self._silent_port}", timeout_seconds=0.3
            )
        raise ValueError(f"no failing settings for {outcome}")

    def _headers(self) -> dict[str, str]:
        assert self.config is not None
        return {
            "X-VTEX-API-AppKey": self.config.app_key,
            "X-VTEX-API-AppToken": self.config.app_token,
        }

    async def _call(self, http: httpx.AsyncClient, method: str, path: str, body: Any = None) -> Any:
        assert self.config is not None
        for _ in range(20):  # seeding a big catalogue meets the sandbox's own rate limit
            response = await http.request(
                method,
                self.url + path,
                json=body,
                headers=self._headers(),
                params={"an": self.config.account},
            )
            if response.status_code != 429:
                break
            await asyncio.sleep(float(response.headers.get("Retry-After") or 0.5))
        response.raise_for_status()
        return response.json() if response.content else None

    async def seed(self, entity: Entity, count: int) -> list[str]:
        """Records made through VTEX's own API (orders through ``/_sandbox/orders``)."""
        async with httpx.AsyncClient(timeout=10) as http:
            return [await self._seed_one(http, entity) for _ in range(count)]

    async def _seed_one(
        self, http: httpx.AsyncClient, entity: Entity, order: dict[str, Any] | None = None
    ) -> str:
        if entity is Entity.ORDER:
            response = await http.post(f"{self.url}/_sandbox/orders", json=order or {})
            response.raise_for_status()
            return str(response.json()["orderId"])
        if entity is Entity.BRAND:
            brands = await self._call(http, "GET", "/api/catalog_system/pvt/brand/list")
            new_id = max([2_000_000, *(b["id"] for b in brands)]) + 1
            body = {"Id": new_id, "Name": f"Marca {new_id}", "Active": True}
            return str((await self._call(http, "POST", "/api/catalog/pvt/brand", body))["Id"])
        if entity is Entity.CATEGORY:
            body = {
                "Name": "Categoria",
                "Title": "Categoria",
                "IsActive": True,
                "FatherCategoryId": None,
            }
            return str((await self._call(http, "POST", "/api/catalog/pvt/category", body))["Id"])
        if entity is Entity.PRODUCT:
            return (await self._seed_product(http))[0]
        if entity is Entity.ATTRIBUTE:
            return await self._seed_specification(http)
        raise ValueError(f"the VTEX sandbox cannot seed {entity}")

    async def _seed_specification(self, http: httpx.AsyncClient) -> str:
        """A SKU specification field (Combo) of a new category, with values P and M; its id."""
        category = await self._seed_one(http, Entity.CATEGORY)
        field = await self._call(http, "POST", "/api/catalog/pvt/specification", {
            "FieldTypeId": 5, "CategoryId": int(category), "FieldGroupId": 1, "Name": "Tamanho",
            "IsStockKeepingUnit": True, "IsActive": True,
        })  # fmt: skip
        for position, name in enumerate(("P", "M"), start=1):
            value = {"FieldId": field["Id"], "Name": name, "IsActive": True, "Position": position}
            await self._call(http, "POST", "/api/catalog/pvt/specificationvalue", value)
        return str(field["Id"])

    async def _seed_product(self, http: httpx.AsyncClient) -> tuple[str, str]:
        """A product with one priced SKU; their ids."""
        assert self.config is not None
        brand = await self._seed_one(http, Entity.BRAND)
        category = await self._seed_one(http, Entity.CATEGORY)
        product = await self._call(http, "POST", "/api/catalog/pvt/product", {
            "Name": f"Camiseta {brand}", "CategoryId": int(category), "BrandId": int(brand),
            "RefId": f"CAM-{brand}", "Description": "Algodão", "IsActive": True, "IsVisible": True,
            "LinkId": f"camiseta-{brand}", "DescriptionShort": "Camiseta", "ShowWithoutStock": True,
        })  # fmt: skip
        sku = await self._call(http, "POST", "/api/catalog/pvt/stockkeepingunit", {
            "ProductId": product["Id"], "Name": "M", "RefId": f"CAM-{brand}-M", "PackagedHeight": 5,
            "PackagedLength": 30, "PackagedWidth": 20, "PackagedWeightKg": 300, "WeightKg": 300,
        })  # fmt: skip
        await self._call(http, "PUT", f"/{self.config.account}/pricing/prices/{sku['Id']}",
                         {"basePrice": 59.9, "listPrice": 59.9})  # fmt: skip
        return str(product["Id"]), str(sku["Id"])

    async def notification(
        self, entity: Entity, platform_id: str, *, tampered: bool = False
    ) -> InboundRequest:
        """The hook delivery VTEX would make for this order (the sender's own body and headers)."""
        assert self.config is not None and entity is Entity.ORDER
        body = hook_body(self.config, platform_id, "ready-for-handling", "window-to-cancel",
                         "2026-01-05T12:00:00.1234567Z", "2026-01-05T12:00:01.7654321Z")  # fmt: skip
        secret = HOOK_SECRET + ("x" if tampered else "")
        headers = hook_headers({"headers": {SECRET_HEADER: secret}})
        return InboundRequest(method="POST", headers=headers, body=body)

    async def subscribe(self, address: str) -> None:
        """``POST /api/orders/hook/config``: orders entering the handling workflow, delivered
        with our secret header. VTEX pings ``address`` first and saves nothing unless it
        answers 200; there is one hook per app key, so this replaces any earlier one."""
        config = {
            "filter": {"type": "FromWorkflow", "status": ["ready-for-handling"]},
            "hook": {"url": address, "headers": {SECRET_HEADER: HOOK_SECRET}},
        }
        async with httpx.AsyncClient(timeout=10) as http:
            await self._call(http, "POST", "/api/orders/hook/config", config)

    async def place_order(self) -> str:
        """An order as VTEX's checkout leaves it once paid by Pix: Maria Silva in São Paulo,
        amounts in cents of BRL (VTEX has no order-create API, hence ``/_sandbox/orders``)."""
        async with httpx.AsyncClient(timeout=10) as http:
            _, sku = await self._seed_product(http)
            line = {"sku": sku, "quantity": 2, "price": 5990}
            return await self._seed_one(http, Entity.ORDER, {**DEMO_ORDER, "items": [line]})

    async def force_rate_limit(self, calls: int, retry_after: float) -> None:
        async with httpx.AsyncClient(timeout=10) as http:
            response = await http.post(
                f"{self.url}/_sandbox/faults",
                json={"rate_limited_calls": calls, "retry_after": retry_after},
            )
            response.raise_for_status()

    async def force_lock(self, calls: int) -> None:
        """The next ``calls`` inventory PUTs answer 423 Locked."""
        async with httpx.AsyncClient(timeout=10) as http:
            response = await http.post(f"{self.url}/_sandbox/faults", json={"locked_calls": calls})
            response.raise_for_status()


DEMO_ORDER: dict[str, Any] = {
    "shipping": 2450,
    "customer": {
        "email": "maria.silva@example.com.br",
        "first_name": "Maria",
        "last_name": "Silva",
        "document": "52998224725",
    },
}


async def _never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read()  # until the client gives up and closes
    writer.close()
