"""One demo run, from the broker to the order in the ERP, and the summary a newcomer reads."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from types import FrameType
from typing import Any

import httpx

from connectors.capabilities import ConnectorSpec
from connectors.registry import platform
from engine import local_broker
from engine.demo.services import (
    Children,
    DemoConfig,
    DemoError,
    demo_secrets,
    start_broker,
    start_erp_and_engine,
    wait_until_up,
)
from engine.demo.store import demo_kit, ensure_integration, notification_address

ERP_DEADLINE_SECONDS = 90.0
STARTUP_SECONDS = 120.0


def run_demo(platform_name: str = "shopify", exit_after_order: bool = False) -> int:
    started = time.monotonic()
    try:
        spec = platform(platform_name)
    except KeyError as exc:
        print(f"ponte demo: {exc.args[0]}", file=sys.stderr)
        return 2
    config = DemoConfig.from_env(spec.name)
    for directory in (config.platform_dir, config.erp_db.parent):
        directory.mkdir(parents=True, exist_ok=True)
    values = demo_secrets(config.directory / "secrets.env")
    children = Children(config.directory)
    broker_started: local_broker.LocalBroker | None = None
    # SIGTERM stops as cleanly as Ctrl-C: outside the event loop it interrupts, inside it
    # cancels the demo's task.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        bootstrap, broker_started = start_broker()
        start_erp_and_engine(children, values, config, bootstrap)
        return asyncio.run(_with_store(spec, config, values, children, started, exit_after_order))
    except (KeyboardInterrupt, asyncio.CancelledError):  # Ctrl-C, SIGTERM
        return 0
    except (DemoError, local_broker.BrokerError) as exc:
        print(f"ponte demo: {exc}", file=sys.stderr)
        return 1
    finally:
        children.stop()
        if broker_started is not None:
            local_broker.stop(broker_started)
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


async def _with_store(
    spec: ConnectorSpec,
    config: DemoConfig,
    values: dict[str, str],
    children: Children,
    started: float,
    exit_after_order: bool,
) -> int:
    """Everything that needs the platform's sandbox, which serves from this event loop."""
    main = asyncio.current_task()
    assert main is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main.cancel)
    kit = demo_kit(spec)
    try:
        await kit.start(config.platform_dir, port=config.platform_port)
    except OSError as exc:
        raise DemoError(f"the {spec.title} sandbox cannot listen: {exc}") from exc
    try:
        for name, url in (
            ("ERP sandbox", f"{config.erp_url}/_sandbox/health"),
            ("engine", f"{config.engine_url}/health"),
        ):
            await wait_until_up(name, url, children, timeout=STARTUP_SECONDS)
        settings = kit.settings()
        await ensure_integration(config, values["PONTE_ADMIN_TOKEN"], spec, settings)
        await kit.subscribe(notification_address(config, settings))
        before = await _erp_orders(config)
        order_id = await kit.place_order()
        _refuse_reused_id(config, spec.title, order_id, before)
        pedido = await _erp_order_of(config, order_id, {pedido["id"] for pedido in before})
        _print_summary(config, spec.title, order_id, pedido, time.monotonic() - started)
        if exit_after_order:
            return 0
        print("Running. Press Ctrl-C to stop.", flush=True)
        while not children.any_exited():
            await asyncio.sleep(1)
        print(f"a demo process exited; see the logs in {config.directory}", file=sys.stderr)
        return 1
    finally:
        await kit.stop()


async def _erp_orders(config: DemoConfig) -> list[dict[str, Any]]:
    # The sandbox's control surface, not the ERP API: polling that would spend the ERP's
    # 1 request/s budget that the engine needs.
    async with httpx.AsyncClient(timeout=5) as http:
        response = await http.get(f"{config.erp_url}/_sandbox/orders")
    response.raise_for_status()
    orders: list[dict[str, Any]] = response.json()["orders"]
    return orders


def _refuse_reused_id(
    config: DemoConfig, title: str, order_id: str, before: list[dict[str, Any]]
) -> None:
    """The engine rightly makes no second ERP order for a platform order the ERP already
    has; that happens here only when the store's state was reset and the ERP's was not."""
    for pedido in before:
        if str(pedido.get("idPedidoOrigem")) == order_id:
            raise DemoError(
                f"the ERP sandbox already has {title} order {order_id} (sales order id "
                f"{pedido['id']}) from an earlier demo: the store's state in "
                f"{config.platform_dir} was reset but not the ERP's; remove "
                f"{config.erp_db} too (or all of {config.directory})"
            )


async def _erp_order_of(config: DemoConfig, order_id: str, known: set[Any]) -> dict[str, Any]:
    """The new ERP sales order made from the platform's order ``order_id``."""
    deadline = time.monotonic() + ERP_DEADLINE_SECONDS
    while time.monotonic() < deadline:
        for pedido in await _erp_orders(config):
            if pedido["id"] not in known and str(pedido.get("idPedidoOrigem")) == order_id:
                return pedido
        await asyncio.sleep(0.2)
    raise DemoError(
        f"order {order_id} did not reach the ERP within {ERP_DEADLINE_SECONDS:.0f}s; "
        f"see {config.directory / 'engine.log'}"
    )


def _print_summary(
    config: DemoConfig, title: str, order_id: str, pedido: dict[str, Any], elapsed: float
) -> None:
    number = str(pedido.get("numeroDaOrdemDeCompra") or order_id)
    named = number if number == order_id else f"{number} (id {order_id})"
    engine = config.engine_url
    print(
        f"""
Demo {title} order {named} reached the ERP as sales order id {pedido["id"]} ({elapsed:.1f}s after `ponte demo` started).

  Screen (Integrações)          {engine}/plataformas
    sign in                     user admin, password PONTE_DEMO_ADMIN_PASSWORD in {config.directory / "secrets.env"}
  Engine (webhooks, admin API)  {engine}
    integrations                curl -H "Authorization: Bearer $PONTE_ADMIN_TOKEN" {engine}/api/v1/integrations
                                (PONTE_ADMIN_TOKEN is in {config.directory / "secrets.env"})
    metrics                     {engine}/metrics
    health                      {engine}/health
  Sandbox ERP                   {config.erp_url}/_sandbox/orders
  Sandbox {title:<22}{f"http://127.0.0.1:{config.platform_port}/_sandbox/deliveries"}
  Logs and state                {config.directory}
""",
        flush=True,
    )
