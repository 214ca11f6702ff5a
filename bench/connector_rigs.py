"""Each connector's real client against its own sandbox, at the platform's real limits.

The platform sandboxes run in-process on a free loopback port through their contract-suite
kits, given the real numbers from each sandbox's config instead of the kits' fast test limits;
the ERP sandbox runs with its own defaults (1 request/s, burst 3). Some orders are seeded,
then the bench waits until the seeding's calls have leaked out of the platform's bucket, so
the client starts with the full burst a fresh account has.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.mapping_cost import bookable_sample, pedido_of
from bench.request_rate import CountingTransport, Read
from connectors.capabilities import Entity
from connectors.contract import PlatformClient, SandboxKit
from connectors.erp.client import ErpClient
from connectors.erp.sandbox.app import SandboxConfig as ErpSandboxConfig
from connectors.erp.sandbox.server import running_sandbox
from connectors.erp.settings import ErpSettings
from connectors.nuvemshop.client import NuvemshopClient
from connectors.nuvemshop.sandbox.config import REAL_BUCKET_SIZE, REAL_LEAK_RATE
from connectors.nuvemshop.sandbox.kit import NuvemshopSandboxKit
from connectors.shopify.client import ShopifyClient
from connectors.shopify.sandbox.config import SandboxConfig as ShopifySandboxConfig
from connectors.shopify.sandbox.kit import ShopifySandboxKit
from connectors.tray.client import TrayClient
from connectors.tray.sandbox.config import SandboxConfig as TraySandboxConfig
from connectors.tray.sandbox.kit import TraySandboxKit
from connectors.vtex.client import VtexClient
from connectors.vtex.sandbox.config import REAL_LIMITS as VTEX_REAL_LIMITS
from connectors.vtex.sandbox.kit import VtexSandboxKit

SEEDED_ORDERS = 3
SETTLE_MARGIN_S = 0.5
DEV_MODE = {"allow_private_urls": True}

ServerCount = Callable[[], Awaitable[int]]


@dataclass(frozen=True)
class Limit:
    """The platform's limit on the API driven: the sustained rate and what it saves up."""

    rate: float
    burst: float
    source: str


@dataclass(frozen=True)
class Rig:
    driven: str
    limit: Limit
    read: Read
    transport: CountingTransport
    server_429s: ServerCount | None  # the sandbox's own count so far; None: it keeps none


@dataclass(frozen=True)
class PlatformSetup:
    """How to bench one platform: its kit at real limits, its client, what seeding costs."""

    kit: SandboxKit
    client: Callable[..., PlatformClient]
    limit: Limit
    driven: str
    seed_calls: int  # calls the seeding spends from the bucket the client then uses
    server_429s: ServerCount | None = None


def _config_default(config: type[Any], name: str) -> Any:
    """A field's default in a sandbox's config dataclass: the real figure where no REAL_ is."""
    return next(f.default for f in dataclasses.fields(config) if f.name == name)


async def _settle(calls: int, limit: Limit) -> None:
    # The buckets refill with time and no answer reports them without spending a call.
    await asyncio.sleep(calls / limit.rate + SETTLE_MARGIN_S)


def _reader(client: PlatformClient, ids: list[str]) -> Read:
    return lambda i: client.get_by_code(Entity.ORDER, ids[i % len(ids)])


@asynccontextmanager
async def platform_rig(setup: PlatformSetup, workdir: Path) -> AsyncIterator[Rig]:
    await setup.kit.start(workdir)
    try:
        ids = await setup.kit.seed(Entity.ORDER, SEEDED_ORDERS)
        await _settle(setup.seed_calls, setup.limit)
        transport = CountingTransport()
        client = setup.client(setup.kit.settings(), transport=transport)
        try:
            read = _reader(client, ids)
            yield Rig(setup.driven, setup.limit, read, transport, setup.server_429s)
        finally:
            await client.aclose()
    finally:
        await setup.kit.stop()


def shopify_setup() -> PlatformSetup:
    size = _config_default(ShopifySandboxConfig, "bucket_size")
    leak = _config_default(ShopifySandboxConfig, "leak_rate")
    return PlatformSetup(
        kit=ShopifySandboxKit(bucket_size=size, leak_rate=leak),
        client=ShopifyClient,
        limit=Limit(leak, size, "shopify SandboxConfig defaults: bucket 40 leaking 2/s"),
        driven="get_by_code(ORDER): GET /admin/api/2026-04/orders/{id}.json",
        seed_calls=SEEDED_ORDERS,
    )


def nuvemshop_setup() -> PlatformSetup:
    return PlatformSetup(
        kit=NuvemshopSandboxKit(bucket=REAL_BUCKET_SIZE, leak_rate=REAL_LEAK_RATE),
        client=NuvemshopClient,
        limit=Limit(REAL_LEAK_RATE, REAL_BUCKET_SIZE, "nuvemshop REAL_BUCKET_SIZE/REAL_LEAK_RATE"),
        driven="get_by_code(ORDER): GET /v1/{store_id}/orders/{id}",
        seed_calls=SEEDED_ORDERS + 1,  # one product to order, then the orders
    )


def tray_setup() -> PlatformSetup:
    per_minute = _config_default(TraySandboxConfig, "rate_per_minute")
    kit = TraySandboxKit(rate_per_minute=per_minute)

    async def refused() -> int:
        return kit.state.limits.refused

    return PlatformSetup(
        kit=kit,
        client=TrayClient,
        limit=Limit(
            per_minute / 60,
            per_minute,
            f"tray SandboxConfig default: {per_minute} per sliding minute (no bucket)",
        ),
        driven="get_by_code(ORDER): GET /web_api/orders/{id}/complete",
        seed_calls=0,  # seeded in the sandbox's store, not through the API
        server_429s=refused,
    )


def vtex_setup() -> PlatformSetup:
    oms = VTEX_REAL_LIMITS["oms"]
    kit = VtexSandboxKit()

    async def throttled() -> int:
        # The faults endpoint reports the count; posting no faults leaves them all off.
        async with httpx.AsyncClient(timeout=10) as http:
            answer = await http.post(f"{kit.url}/_sandbox/faults", json={})
        answer.raise_for_status()
        return int(answer.json()["throttled"])

    return PlatformSetup(
        kit=kit,
        client=VtexClient,
        limit=Limit(oms.per_second, oms.burst, "vtex REAL_LIMITS['oms']: 6,000/min, burst 100"),
        driven="get_by_code(ORDER): GET /api/oms/pvt/orders/{id} (OMS limit)",
        seed_calls=0,  # orders are placed through /_sandbox, outside the API's limits
        server_429s=throttled,
    )


@asynccontextmanager
async def erp_rig(workdir: Path) -> AsyncIterator[Rig]:
    rate = _config_default(ErpSandboxConfig, "rate")
    burst = _config_default(ErpSandboxConfig, "burst")
    limit = Limit(rate, burst, "erp sandbox SandboxConfig defaults (--rate 1 --burst 3)")
    config = ErpSandboxConfig(db_path=str(workdir / "erp.sqlite3"))
    async with running_sandbox(config) as api_root:
        settings = ErpSettings.model_validate(
            {"base_url": api_root, "api_token": config.token}, context=DEV_MODE
        )
        transport = CountingTransport()
        client = ErpClient(settings, transport=transport)
        try:
            pedido = pedido_of(bookable_sample()[1])
            ids = [
                (await client.create_order(pedido | {"numeroDaOrdemDeCompra": f"BENCH-{n}"})).id
                for n in range(SEEDED_ORDERS)
            ]
            await _settle(SEEDED_ORDERS, limit)
            read: Read = lambda i: client.get_order(ids[i % len(ids)])  # noqa: E731
            yield Rig("get_order: GET /api/pedidos/{id}", limit, read, transport, None)
        finally:
            await client.aclose()


def _platform(setup: Callable[[], PlatformSetup]) -> Callable[[Path], Any]:
    return lambda workdir: platform_rig(setup(), workdir)


RIGS: dict[str, Callable[[Path], AbstractAsyncContextManager[Rig]]] = {
    "shopify": _platform(shopify_setup),
    "nuvemshop": _platform(nuvemshop_setup),
    "tray": _platform(tray_setup),
    "vtex": _platform(vtex_setup),
    "erp": erp_rig,
}
