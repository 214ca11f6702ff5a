"""Two stores of one platform whose orders share number and id (each Tray store's first order
is 1000): each becomes its own ERP order, linked to its own integration, and a redelivery of
either creates nothing more."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from connectors.capabilities import Entity
from tests.harness import Stack, Worker, wait_until
from tests.integration.test_order_automations import notify
from tests.platforms import PlatformSandbox, create_platform_integration

pytestmark = pytest.mark.broker

IMPORT_ON = {"order_import": {"enabled": True}}


@pytest.fixture
def stores(stack: Stack) -> Iterator[list[PlatformSandbox]]:
    started = [PlatformSandbox("tray", stack.workdir / f"twin-{n}").start() for n in (1, 2)]
    try:
        yield started
    finally:
        for sandbox in started:
            sandbox.stop()


def erp_orders(stack: Stack, platform_id: str) -> list[dict[str, Any]]:
    orders = httpx.get(f"{stack.erp_url}/_sandbox/orders", timeout=5).json()["orders"]
    return [o for o in orders if str(o.get("idPedidoOrigem")) == platform_id]


def order_link(worker: Worker, integration_id: str, platform_id: str) -> dict[str, Any]:
    def linked() -> dict[str, Any] | None:
        links = worker.api(
            "GET", f"/api/v1/integrations/{integration_id}/links", params={"q": platform_id}
        ).json()["links"]
        return next((link for link in links if link["entity"] == "order"), None)

    return dict(wait_until(linked, 60, f"{integration_id}'s order link"))


def test_two_stores_orders_of_the_same_number_and_id_are_two_erp_orders(
    stack: Stack, worker: Worker, stores: list[PlatformSandbox]
) -> None:
    placed = []
    for n, store in enumerate(stores, start=1):
        integration_id = f"gemea-{n}"
        create_platform_integration(worker, store, integration_id, automations=IMPORT_ON)
        platform_id = store.place_order()
        placed.append((integration_id, store, platform_id))
    assert placed[0][2] == placed[1][2], "the sandboxes number their first orders alike"
    platform_id = placed[0][2]

    links = []
    for integration_id, store, _ in placed:
        notice = store.run(lambda store=store: store.kit.notification(Entity.ORDER, platform_id))
        notify(store.notification_address(worker, integration_id), notice)
        links.append(order_link(worker, integration_id, platform_id))

    assert links[0]["erp_id"] != links[1]["erp_id"], links
    assert sorted(str(o["id"]) for o in erp_orders(stack, platform_id)) == sorted(
        link["erp_id"] for link in links
    )

    integration_id, store, _ = placed[1]  # the second store redelivers: nothing more
    notice = store.run(lambda: store.kit.notification(Entity.ORDER, platform_id))
    notify(store.notification_address(worker, integration_id), notice)
    wait_until(
        lambda: (
            worker.metric("ponte_events_processed_total", agent="erp-orders", type="order.placed")
            >= 3
        ),
        60,
        "the redelivery processed",
    )
    assert len(erp_orders(stack, platform_id)) == 2
