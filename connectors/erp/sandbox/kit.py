"""Drives the ERP sandbox for the contract suite and the demo (connectors.contract.SandboxKit):
in-process on a loopback port, with a budget fast enough for tests.

How each failure of "Testar conexão" is made, the sandbox having neither tenants nor delays:

- bad credentials: a token the sandbox does not accept (401);
- missing permission: a token the sandbox knows whose user may not use the API (403);
- unknown store: a tenant's API root is `https://{empresa}.eccosys.com.br/api`; a root the
  sandbox does not serve (`/empresa-inexistente/api`) answers 404 as an unknown one would;
- unreachable: a loopback port nobody listens on;
- timeout: a loopback socket the kit opens and never answers (the connection is accepted by
  the kernel, no reply ever comes), with a short timeout.

Seeds and orders go through the ERP's real API with ErpClient and the connector's own mappings.
"""

from __future__ import annotations

import itertools
import socket
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from connectors.capabilities import Entity
from connectors.contract import CheckOutcome, InboundRequest
from connectors.erp.client import ErpClient
from connectors.erp.mapping import order_to_pedido
from connectors.erp.mapping_products import product_to_erp
from connectors.erp.sandbox.app import SandboxConfig
from connectors.erp.sandbox.outbox import push_body
from connectors.erp.sandbox.push import push_headers
from connectors.erp.sandbox.server import running_sandbox
from connectors.erp.settings import ErpSettings
from connectors.erp.situacao import Situacao
from connectors.erp.wire import ItemResult
from connectors.sandbox_server import closed_loopback_port
from connectors.urls import PRIVATE_URLS_CONTEXT
from schemas.address import Address
from schemas.customer import Customer, DocumentType
from schemas.order import Order, OrderItem, OrderTotals, Payment, Shipping
from schemas.order_status import OrderStatus
from schemas.product import AttributeValue, Product, Variant

TOKEN = "kit-token"
FORBIDDEN_TOKEN = "kit-token-sem-permissao"
PUSH_SECRET = "kit-push-secret"
SANDBOX_RATE, CLIENT_RATE = 500.0, 200.0
IMPATIENT_TIMEOUT = 0.3
UNKNOWN_TENANT_ROOT = "/empresa-inexistente/api"
# A counter sale keyed into the ERP names no platform: drop what order_to_pedido adds for one.
_PLATFORM_FIELDS = ("canalDeVenda", "idPedidoOrigem", "numeroDaOrdemDeCompra")


class ErpSandboxKit:
    def __init__(self) -> None:
        self.config: SandboxConfig | None = None
        self.api_root = ""
        self._stack = AsyncExitStack()
        self._erp: ErpClient | None = None
        self._silent: socket.socket | None = None
        self._serial = itertools.count(1)

    async def start(self, workdir: Path, port: int = 0) -> None:
        """Serve on loopback `port` (0: any free one), the SQLite file under `workdir`."""
        db = str(workdir / "erp.sqlite3")
        self.config = SandboxConfig(
            db_path=db, token=TOKEN, forbidden_token=FORBIDDEN_TOKEN, rate=SANDBOX_RATE, burst=50
        )
        self.api_root = await self._stack.enter_async_context(
            running_sandbox(self.config, port=port)
        )
        self._erp = await self._stack.enter_async_context(ErpClient(self.settings()))
        self._silent = self._stack.enter_context(socket.socket())
        self._silent.bind(("127.0.0.1", 0))
        self._silent.listen(16)

    async def stop(self) -> None:
        await self._stack.aclose()
        self._erp = self._silent = None

    @property
    def url(self) -> str:
        """The sandbox's address, without the API root."""
        return self.api_root.removesuffix("/api")

    def settings(self, **changes: Any) -> ErpSettings:
        assert self.config is not None, "start the kit first"
        data = {
            "base_url": self.api_root,
            "api_token": TOKEN,
            "requests_per_second": CLIENT_RATE,
            "timeout_seconds": 5,
            "webhook_secret": PUSH_SECRET,
        } | changes
        return ErpSettings.model_validate(data, context={PRIVATE_URLS_CONTEXT: True})

    def failing_settings(self, outcome: CheckOutcome) -> ErpSettings:
        if outcome is CheckOutcome.BAD_CREDENTIALS:
            return self.settings(api_token="not-the-token")
        if outcome is CheckOutcome.MISSING_PERMISSION:
            return self.settings(api_token=FORBIDDEN_TOKEN)
        if outcome is CheckOutcome.UNKNOWN_STORE:
            return self.settings(base_url=f"{self.url}{UNKNOWN_TENANT_ROOT}")
        if outcome is CheckOutcome.UNREACHABLE:
            return self.settings(base_url=f"http://127.0.0.1:{closed_loopback_port()}/api")
        if outcome is CheckOutcome.TIMEOUT:
            assert self._silent is not None, "start the kit first"
            host, port = self._silent.getsockname()[:2]
            return self.settings(
                base_url=f"http://{host}:{port}/api", timeout_seconds=IMPATIENT_TIMEOUT
            )
        raise ValueError(f"the ERP sandbox cannot make {outcome} happen")

    @property
    def erp(self) -> ErpClient:
        assert self._erp is not None, "start the kit first"
        return self._erp

    async def seed(self, entity: Entity, count: int) -> list[str]:
        """Product families (by parent code), counter-sale orders (by ERP id), products
        with a balance in deposit 1 (by code), or attributes, categories and brands (by ERP id)."""
        if entity is Entity.PRODUCT:
            return [await self._seed_product() for _ in range(count)]
        if entity is Entity.ORDER:
            return [await self.place_order() for _ in range(count)]
        if entity is Entity.STOCK:
            codes = [await self._seed_product() for _ in range(count)]
            for code in codes:
                await self.erp.stock.set_stock_balance(code, "1", 10)
            return codes
        if entity is Entity.ATTRIBUTE:
            return [await self._seed_attribute() for _ in range(count)]
        if entity is Entity.CATEGORY:
            create = self.erp.catalog.create_categories
            return [await self._seed_named(create, "Categoria") for _ in range(count)]
        if entity is Entity.BRAND:
            return [
                await self._seed_named(self.erp.catalog.create_brands, "Marca")
                for _ in range(count)
            ]
        raise ValueError(f"the ERP sandbox has no {entity} to seed")

    async def _seed_product(self) -> str:
        product = seed_product(f"SEED-{next(self._serial)}")
        results = await self.erp.products.upsert_family(*product_to_erp(product))
        assert all(r.ok for r in results), results
        return product.sku

    async def _seed_attribute(self) -> str:
        nome = f"Tamanho {next(self._serial)}"
        [result] = await self.erp.catalog.create_attributes([{"nome": nome, "valores": ["P", "M"]}])
        assert result.ok and result.id is not None, result
        return result.id

    async def _seed_named(
        self, create: Callable[[list[dict[str, Any]]], Awaitable[list[ItemResult]]], noun: str
    ) -> str:
        [result] = await create([{"nome": f"{noun} {next(self._serial)}"}])
        assert result.ok and result.id is not None, result
        return result.id

    async def place_order(self) -> str:
        """A counter sale keyed into the ERP: Maria Silva in São Paulo, in BRL; its ERP id."""
        pedido = order_to_pedido(seed_order(), situacao=Situacao.EM_ABERTO)
        for field in _PLATFORM_FIELDS:
            pedido.pop(field, None)
        return (await self.erp.create_order(pedido)).id

    async def notification(
        self, entity: Entity, platform_id: str, *, tampered: bool = False
    ) -> InboundRequest:
        """The push the sandbox sends when that record changes, signed with the kit's secret;
        tampered: the record's id changed after signing."""
        if entity is Entity.ORDER:
            pedido = await self.erp.get_order(platform_id)
            event, data = (
                "order.updated",
                {"id": pedido["id"], "numeroPedido": pedido["numeroPedido"]},
            )
        else:
            produto = await self.erp.products.get_product(platform_id)
            named = {"id": produto["id"], "codigo": produto["codigo"]}
            event, data = (
                ("product.updated", named)
                if entity is Entity.PRODUCT
                else ("stock.updated", {"produto": named, "idDeposito": "1"})
            )
        body = push_body(event, data)
        headers = push_headers(body, PUSH_SECRET)
        if tampered:
            body = body.replace(f'"{platform_id}"'.encode(), f'"{platform_id}9"'.encode())
        return InboundRequest(method="POST", headers=headers, body=body)

    async def force_rate_limit(self, calls: int, retry_after: float) -> None:
        """The next `calls` API calls answer 429 with `Retry-After` (`/_sandbox/faults`)."""
        await self.control(
            "POST", "/_sandbox/faults", {"status": 429, "count": calls, "retry_after": retry_after}
        )

    async def subscribe(self, address: str) -> None:
        """Register `address` for the sandbox's signed pushes, unless it already is."""
        registered = await self.control("GET", "/_sandbox/webhooks")
        if all(hook["url"] != address for hook in registered["webhooks"]):
            await self.control(
                "POST", "/_sandbox/webhooks", {"url": address, "secret": PUSH_SECRET}
            )

    async def control(self, method: str, path: str, body: Any = None) -> Any:
        """A call to the sandbox's own `/_sandbox` surface (not part of the ERP's API)."""
        async with httpx.AsyncClient(base_url=self.url) as client:
            response = await client.request(method, path, json=body)
            response.raise_for_status()
            return response.json()


def seed_product(sku: str) -> Product:
    """A shirt in two sizes: a parent and two children in the ERP."""
    variants = [
        Variant(
            sku=f"{sku}-{size}",
            price=Decimal("59.90"),
            attributes=[AttributeValue(name="Tamanho", value=size)],
        )
        for size in ("P", "M")
    ]
    return Product(sku=sku, name=f"Camiseta {sku}", brand="Ponte", variants=variants)


def seed_order() -> Order:
    address = Address(
        street="Rua Augusta",
        number="1500",
        complement="apto 12",
        neighborhood="Consolação",
        city="São Paulo",
        state="SP",
        postal_code="01304-001",
        country="BR",
    )
    return Order(
        platform="erp",
        platform_order_id="balcao",
        number="balcao",
        status=OrderStatus.PAID,
        customer=Customer(
            name="Maria Silva",
            email="maria@example.com",
            phone="+5511999990000",
            document="12345678909",
            document_type=DocumentType.CPF,
        ),
        billing_address=address,
        shipping_address=address,
        items=[
            OrderItem(
                sku="SEED-BALCAO", name="Camiseta", quantity=Decimal(2), unit_price=Decimal("59.90")
            )
        ],
        shipping=Shipping(carrier="Correios", price=Decimal("20.00")),
        payments=[Payment(method="Pix", amount=Decimal("139.80"))],
        totals=OrderTotals(
            subtotal=Decimal("119.80"), shipping=Decimal("20.00"), total=Decimal("139.80")
        ),
        currency="BRL",
        created_at=datetime.now(UTC),
    )
