"""Orders placed while Vendas > order_import is off are held, never dropped: the operator turns
it on and processes them (each becomes exactly one ERP order) or discards them (never created,
the history says who ignored them). Real worker, real broker, Shopify and ERP sandboxes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.harness import Stack, Worker, wait_until
from tests.integration.support import erp_orders, place_order, read_topic, subscribe_orders

pytestmark = pytest.mark.broker

INTEGRATION = "loja-retida"
HELD = f"/api/v1/integrations/{INTEGRATION}/held"
AUTOMATIONS = f"/api/v1/integrations/{INTEGRATION}/automations"
CARLA = {"X-Ponte-Actor": "carla@loja"}


@pytest.fixture(scope="module")
def integration_off(stack: Stack, worker: Worker) -> str:
    """An integration whose automations are all off (as every new one is)."""
    response = worker.api(
        "POST",
        "/api/v1/integrations",
        json={
            "id": INTEGRATION,
            "platform": "shopify",
            "name": "Loja Retida",
            "access": {
                "shop_domain": stack.shop_domain,
                "admin_api_token": stack.shopify_token,
                "webhook_secret": stack.webhook_secret,
                "base_url": stack.shopify_url,
            },
        },
    )
    assert response.status_code == 201, response.text
    subscribe_orders(stack, worker, INTEGRATION)
    return INTEGRATION


def held(worker: Worker) -> dict[str, Any]:
    response = worker.api("GET", HELD, params={"automation": "order_import"})
    assert response.status_code == 200, response.text
    listed: dict[str, Any] = response.json()
    return listed


def switch_order_import(worker: Worker, enabled: bool) -> dict[str, Any]:
    response = worker.api(
        "PATCH", AUTOMATIONS, json={"order_import": {"enabled": enabled}}, headers=CARLA
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def place_held_orders(stack: Stack, worker: Worker, count: int) -> list[dict[str, Any]]:
    orders = [place_order(stack, sku=f"RET-{n}") for n in range(count)]
    keys = {f"order:{o['id']}" for o in orders}
    wait_until(
        lambda: keys <= {i["entity_key"] for i in held(worker)["items"]},
        30,
        f"{count} orders held",
    )
    return orders


def test_orders_held_while_off_are_processed_once_each_after_turning_it_on(
    stack: Stack, worker: Worker, integration_off: str
) -> None:
    orders = place_held_orders(stack, worker, 3)
    refused = worker.api("POST", f"{HELD}/order_import", json={"action": "process"})

    listed = held(worker)
    assert listed["count"] == 3
    assert {i["event_type"] for i in listed["items"]} == {"order.placed"}
    assert all(erp_orders(stack, o["name"]) == [] for o in orders)
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "automation_off"

    turned_on = switch_order_import(worker, True)
    assert turned_on["held"] == {"order_import": 3}
    assert "process" in turned_on["held_hint"]

    processed = worker.api(
        "POST", f"{HELD}/order_import", json={"action": "process"}, headers=CARLA
    )

    assert processed.status_code == 200, processed.text
    assert processed.json() == {"action": "process", "count": 3, "held_left": 0}
    for order in orders:
        created = wait_until(
            lambda order=order: erp_orders(stack, order["name"]), 30, f"{order['name']} in the ERP"
        )
        assert len(created) == 1
    assert held(worker)["count"] == 0
    processed_again = worker.api("POST", f"{HELD}/order_import", json={"action": "process"})
    assert processed_again.json()["count"] == 0
    assert all(len(erp_orders(stack, o["name"])) == 1 for o in orders)


def test_held_orders_discarded_are_never_created_and_their_history_says_so(
    stack: Stack, worker: Worker, integration_off: str
) -> None:
    switch_order_import(worker, False)
    discarded = place_held_orders(stack, worker, 2)

    answer = worker.api("POST", f"{HELD}/order_import", json={"action": "discard"}, headers=CARLA)

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"action": "discard", "count": 2, "held_left": 0}
    switch_order_import(worker, True)
    later = place_order(stack, sku="RET-DEPOIS")
    wait_until(lambda: erp_orders(stack, later["name"]), 30, f"{later['name']} in the ERP")
    assert all(erp_orders(stack, o["name"]) == [] for o in discarded)
    assert held(worker)["count"] == 0
    keys = {f"order:{o['id']}" for o in discarded}
    ignored = wait_until(
        lambda: [
            e
            for e in read_topic(stack.bootstrap, f"{stack.namespace}.ponte.history")
            if e["integration_id"] == INTEGRATION
            and e["entity_key"] in keys
            and e["step"] == "ignored"
        ],
        15,
        "the discarded orders' history",
    )
    assert {e["entity_key"] for e in ignored} == keys
    assert all("carla@loja" in e["detail"] for e in ignored)


def test_held_decisions_refuse_bad_input(worker: Worker, integration_off: str) -> None:
    unknown = worker.api("POST", f"{HELD}/order_imports", json={"action": "process"})
    bad_action = worker.api("POST", f"{HELD}/order_import", json={"action": "drop"})
    bad_filter = worker.api("GET", HELD, params={"automation": "nope"})

    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "unknown_automation"
    assert bad_action.status_code == 400
    assert bad_action.json()["error"]["fields"][0]["field"] == "action"
    assert bad_filter.status_code == 400
