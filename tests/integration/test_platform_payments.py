"""Vendas: a payment made on the platform confirms the ERP order that awaits it, on the
platforms whose notifications are thin (the order is read back): Nuvemshop, Tray and VTEX.

A module of its own, so its ERP holds no other store's orders: the sandboxes number their
orders alike (each Tray store's first order is 1000); test_two_stores.py shows two such
stores' orders kept apart."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from connectors.capabilities import Entity
from connectors.contract import InboundRequest
from connectors.vtex.sandbox.hooks import hook_body, hook_headers
from connectors.vtex.sandbox.kit import HOOK_SECRET, SECRET_HEADER
from tests.harness import Stack, Worker, wait_until
from tests.integration.test_order_automations import notify as notify_order
from tests.platforms import PlatformSandbox, create_platform_integration

pytestmark = pytest.mark.broker


@pytest.fixture(params=["nuvemshop", "tray", "vtex"])
def store(request: pytest.FixtureRequest, stack: Stack) -> Iterator[PlatformSandbox]:
    sandbox = PlatformSandbox(request.param, stack.workdir / f"pay-{request.param}").start()
    try:
        yield sandbox
    finally:
        sandbox.stop()


def erp_orders(stack: Stack, platform_id: str) -> list[dict[str, Any]]:
    """The ERP's orders made from this platform order."""
    orders = httpx.get(f"{stack.erp_url}/_sandbox/orders", timeout=5).json()["orders"]
    return [o for o in orders if str(o.get("idPedidoOrigem")) == platform_id]


def order_notice(store: PlatformSandbox, platform_id: str) -> InboundRequest:
    """The platform's own notification of the order (VTEX: its hook's creation state; Tray: an
    update of the order, to be read back)."""
    inbound: InboundRequest = store.run(lambda: store.kit.notification(Entity.ORDER, platform_id))
    return inbound


def awaiting_payment(store: PlatformSandbox, platform_id: str, address: str) -> None:
    """Nuvemshop: the order waits for its gateway (the sandbox seeds paid orders), and the
    worker is subscribed to ``order/paid`` so that the store itself notifies the payment."""
    if store.platform != "nuvemshop":
        return
    kit: Any = store.kit
    order_path = f"/_sandbox/orders/{platform_id}/payment"
    store.run(lambda: kit.api_control("POST", order_path, {"payment_status": "pending"}))
    store.run(lambda: kit.api("POST", "/webhooks", {"event": "order/paid", "url": address}))


def paid_on_the_platform(store: PlatformSandbox, platform_id: str) -> InboundRequest | None:
    """The payment approved on the platform, and what it then sends: VTEX's hook in the
    payment-approved state; on Tray the merchant moves the order to "A ENVIAR" (paid, to ship)
    and Tray notifies an update of the order; Nuvemshop's gateway confirms and the store
    delivers ``order/paid`` itself (None: nothing for the test to send)."""
    kit: Any = store.kit
    if store.platform == "nuvemshop":
        order_path = f"/_sandbox/orders/{platform_id}/payment"
        store.run(lambda: kit.api_control("POST", order_path, {"payment_status": "paid"}))
        return None
    if store.platform == "vtex":
        stamps = ("2026-01-05T12:10:00Z", "2026-01-05T12:10:01Z")
        body = hook_body(kit.config, platform_id, "payment-approved", "payment-pending", *stamps)
        return InboundRequest("POST", hook_headers({"headers": {SECRET_HEADER: HOOK_SECRET}}), body)

    async def move_to_ship() -> None:
        status = kit.state.status_named("A ENVIAR")
        client = store.client()
        try:
            body = {"Order": {"status_id": status["id"]}}
            await client.session.call("PUT", f"/orders/{platform_id}", json=body)
        finally:
            await client.aclose()

    store.run(move_to_ship)
    return order_notice(store, platform_id)


def test_a_payment_on_the_platform_confirms_the_erp_order(
    stack: Stack, worker: Worker, store: PlatformSandbox
) -> None:
    integration_id = f"pay-{store.platform}"
    create_platform_integration(
        worker,
        store,
        integration_id,
        automations={
            "order_import": {"enabled": True},
            "order_platform_updates": {"enabled": True},
        },
        settings={"erp_order_status": -1},  # new ERP orders wait for their payment
    )
    address = store.notification_address(worker, integration_id)
    platform_id = store.place_order()
    awaiting_payment(store, platform_id, address)
    notify_order(address, order_notice(store, platform_id))
    created = wait_until(lambda: erp_orders(stack, platform_id), 60, "the order in the ERP")
    assert [o["situacao"] for o in created] == [-1], created

    if (paid := paid_on_the_platform(store, platform_id)) is not None:
        notify_order(address, paid)

    wait_until(
        lambda: [o["situacao"] for o in erp_orders(stack, platform_id)] == [0],
        60,
        f"the {store.platform} payment confirming the one ERP order",
    )
