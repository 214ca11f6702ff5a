"""`ponte demo`: the main job on one machine, end to end, as a newcomer sees it.

Starts (or reuses) the local Kafka broker, the sandbox ERP, the sandbox Shopify store and an
engine worker; creates a demo Shopify integration, subscribes its webhook, places an order in
the sandbox store and waits until the signed webhook has become a sales order in the ERP.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from connectors.shopify.client import ShopifyClient
from connectors.shopify.settings import ShopifySettings
from engine import local_broker
from engine.integrations import url_policy
from engine.sealing import new_key
from engine.settings import REPO_ROOT

DEMO_DIR = REPO_ROOT / "var" / "demo"
SHOP_DOMAIN = "loja-demo.myshopify.com"
INTEGRATION_ID = "loja-demo"


@dataclass(frozen=True)
class DemoPorts:
    engine: int = int(os.environ.get("PONTE_DEMO_ENGINE_PORT", "8100"))
    erp: int = int(os.environ.get("PONTE_DEMO_ERP_PORT", "8101"))
    shopify: int = int(os.environ.get("PONTE_DEMO_SHOPIFY_PORT", "8102"))


def demo_secrets(path: Path = DEMO_DIR / "secrets.env") -> dict[str, str]:
    """The demo's keys and tokens, made once and kept so restarts can open sealed credentials."""
    if path.exists():
        return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    values = {
        "PONTE_SECRET_KEY": new_key(),
        "PONTE_ADMIN_TOKEN": secrets.token_urlsafe(24),
        "PONTE_ERP_TOKEN": secrets.token_urlsafe(24),
        "SHOPIFY_TOKEN": "shpat_" + secrets.token_hex(16),
        "SHOPIFY_WEBHOOK_SECRET": secrets.token_urlsafe(24),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{key}={value}\n" for key, value in values.items()))
    path.chmod(0o600)
    return values


class Children:
    """The processes the demo started, stopped in reverse order."""

    def __init__(self) -> None:
        self._started: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, args: list[str], env: dict[str, str]) -> None:
        log = (DEMO_DIR / f"{name}.log").open("ab")
        self._started.append(
            subprocess.Popen(
                [sys.executable, "-m", "engine", *args],
                env={**os.environ, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        )

    def any_exited(self) -> bool:
        return any(process.poll() is not None for process in self._started)

    def stop(self) -> None:
        for process in reversed(self._started):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self._started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def run_demo(exit_after_order: bool = False) -> int:
    started = time.monotonic()
    DEMO_DIR.mkdir(parents=True, exist_ok=True)
    values, ports = demo_secrets(), DemoPorts()
    bootstrap, broker_started = _broker()
    children = Children()
    try:
        _start_services(children, values, ports, bootstrap)
        number, erp_id = asyncio.run(_place_demo_order(values, ports))
        elapsed = time.monotonic() - started
        _print_summary(ports, number, erp_id, elapsed)
        if exit_after_order:
            return 0
        print("Running. Press Ctrl-C to stop.", flush=True)
        while not children.any_exited():
            time.sleep(1)
        print("a demo process exited; see the logs in var/demo/", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    except DemoError as exc:
        print(f"ponte demo: {exc}", file=sys.stderr)
        return 1
    finally:
        children.stop()
        if broker_started is not None:
            local_broker.stop(broker_started)


class DemoError(RuntimeError):
    pass


def _broker() -> tuple[str, local_broker.LocalBroker | None]:
    given = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if given:
        return given, None
    broker = local_broker.LocalBroker.from_env()
    was_running = local_broker.status(broker)[0]
    print(local_broker.start(broker), flush=True)
    return broker.bootstrap, None if was_running else broker


def _start_services(
    children: Children, values: dict[str, str], ports: DemoPorts, bootstrap: str
) -> None:
    children.start(
        "erp",
        [
            "sandbox",
            "erp",
            "--port",
            str(ports.erp),
            "--db",
            str(DEMO_DIR / "erp.sqlite3"),
            "--token",
            values["PONTE_ERP_TOKEN"],
            "--seed-products",
            "5",
        ],
        {},
    )
    children.start(
        "shopify",
        [
            "sandbox",
            "shopify",
            "--port",
            str(ports.shopify),
            "--db",
            str(DEMO_DIR / "shopify.sqlite3"),
            "--shop-domain",
            SHOP_DOMAIN,
            "--token",
            values["SHOPIFY_TOKEN"],
            "--webhook-secret",
            values["SHOPIFY_WEBHOOK_SECRET"],
            "--retry-base",
            "2",
        ],
        {},
    )
    children.start(
        "engine",
        ["worker"],
        {
            "PONTE_BOOTSTRAP_SERVERS": bootstrap,
            "PONTE_WEB_PORT": str(ports.engine),
            "PONTE_ADMIN_TOKEN": values["PONTE_ADMIN_TOKEN"],
            "PONTE_SECRET_KEY": values["PONTE_SECRET_KEY"],
            "PONTE_ERP_BASE_URL": f"http://127.0.0.1:{ports.erp}/api",
            "PONTE_ERP_TOKEN": values["PONTE_ERP_TOKEN"],
            "PONTE_NAMESPACE": "demo",
            "PONTE_ALLOW_PRIVATE_URLS": "true",  # the sandboxes live on loopback http
            "PONTE_DATA_DIR": str(DEMO_DIR / "engine"),
        },
    )
    for name, url in (
        ("ERP sandbox", f"http://127.0.0.1:{ports.erp}/_sandbox/health"),
        ("Shopify sandbox", f"http://127.0.0.1:{ports.shopify}/_sandbox/health"),
        ("engine", f"http://127.0.0.1:{ports.engine}/health"),
    ):
        _wait_http_ok(name, url, children, timeout=120)


def _wait_http_ok(name: str, url: str, children: Children, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if children.any_exited():
            raise DemoError(f"{name} did not start; see the logs in {DEMO_DIR}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                print(f"{name} is up", flush=True)
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise DemoError(f"{name} did not answer {url} within {timeout:.0f}s")


async def _place_demo_order(values: dict[str, str], ports: DemoPorts) -> tuple[str, str]:
    engine_url = f"http://127.0.0.1:{ports.engine}"
    shop = ShopifySettings.model_validate(
        {
            "shop_domain": SHOP_DOMAIN,
            "admin_api_token": values["SHOPIFY_TOKEN"],
            "webhook_secret": values["SHOPIFY_WEBHOOK_SECRET"],
            "base_url": f"http://127.0.0.1:{ports.shopify}",
        },
        context=url_policy(allow_private_urls=True),
    )
    await _ensure_integration(engine_url, values["PONTE_ADMIN_TOKEN"], shop, values)
    async with ShopifyClient(shop) as client:
        await client.register_webhook(
            "orders/create", f"{engine_url}/webhooks/shopify/{INTEGRATION_ID}"
        )
        order = await client.create_order(DEMO_ORDER)
    number = str(order["name"])
    # Watch the ERP through its sandbox's control surface: polling the real API would spend
    # the ERP's 1 request/s budget that the engine needs.
    async with httpx.AsyncClient(timeout=5) as http:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            summary = (await http.get(f"http://127.0.0.1:{ports.erp}/_sandbox/orders")).json()
            for pedido in summary["orders"]:
                if pedido.get("numeroDaOrdemDeCompra") == number:
                    return number, str(pedido["id"])
            await asyncio.sleep(0.2)
    raise DemoError(f"order {number} did not reach the ERP within 60s; see {DEMO_DIR}/engine.log")


async def _ensure_integration(
    engine_url: str, token: str, shop: ShopifySettings, values: dict[str, str]
) -> None:
    body = {
        "id": INTEGRATION_ID,
        "platform": "shopify",
        "name": "Loja Demo (Shopify)",
        "access": {
            "shop_domain": shop.shop_domain,
            "admin_api_token": values["SHOPIFY_TOKEN"],
            "webhook_secret": values["SHOPIFY_WEBHOOK_SECRET"],
            "base_url": shop.base_url,
        },
    }
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
        response = await http.post(f"{engine_url}/api/v1/integrations", json=body)
    if response.status_code not in (201, 409):
        raise DemoError(
            f"creating the demo integration failed: {response.status_code} {response.text}"
        )


DEMO_ORDER = {
    "email": "maria.silva@example.com.br",
    "currency": "BRL",
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


def _print_summary(ports: DemoPorts, number: str, erp_id: str, elapsed: float) -> None:
    print(
        f"""
Demo order {number} reached the ERP as sales order id {erp_id} ({elapsed:.1f}s after `ponte demo` started).

  Engine (webhooks, admin API)  http://127.0.0.1:{ports.engine}
    integrations                curl -H "Authorization: Bearer $PONTE_ADMIN_TOKEN" http://127.0.0.1:{ports.engine}/api/v1/integrations
                                (PONTE_ADMIN_TOKEN is in {DEMO_DIR / "secrets.env"})
    metrics                     http://127.0.0.1:{ports.engine}/metrics
    health                      http://127.0.0.1:{ports.engine}/health
  Sandbox ERP                   http://127.0.0.1:{ports.erp}/_sandbox/orders
  Sandbox Shopify               http://127.0.0.1:{ports.shopify}/_sandbox/deliveries
  Logs and state                {DEMO_DIR}
""",
        flush=True,
    )
