"""The first flow end to end: an order placed in the Shopify sandbox becomes one ERP sales order."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from tests.harness import Stack, Worker, wait_until
from tests.integration.support import (
    erp_orders,
    order_body,
    place_order,
    post_webhook,
    shopify_headers,
)

pytestmark = pytest.mark.broker


def test_an_order_placed_in_the_store_becomes_one_erp_order(
    stack: Stack, worker: Worker, integration_id: str
) -> None:
    order = place_order(stack, sku="CAM-AZUL-M", price="59.90", quantity=3)

    created = wait_until(
        lambda: erp_orders(stack, order["name"]), 30, f"{order['name']} in the ERP"
    )

    assert len(created) == 1
    pedido = httpx.get(f"{stack.erp_url}/_sandbox/orders", timeout=5).json()
    assert pedido["count"] >= 1
    full = httpx.get(
        f"{stack.erp_url}/api/pedidos/{created[0]['id']}",
        headers={"Authorization": f"Bearer {stack.erp_token}"},
        timeout=5,
    ).json()
    detail = full[0] if isinstance(full, list) else full
    assert detail["idPedidoOrigem"] == str(order["id"])
    assert detail["_Cliente"]["nome"] == "Maria Silva"
    assert [item["codigo"] for item in detail["_Itens"]] == ["CAM-AZUL-M"]
    assert Decimal(str(detail["totalVenda"])) == Decimal(order["total_price"])
    assert (
        worker.metric("ponte_webhooks_received_total", platform="shopify", topic="orders/create")
        >= 1
    )
    assert worker.metric("ponte_order_end_to_end_seconds_count", platform="shopify") >= 1


def test_a_redelivered_webhook_creates_no_second_order(
    stack: Stack, worker: Worker, integration_id: str
) -> None:
    order = place_order(stack)
    wait_until(lambda: erp_orders(stack, order["name"]), 30, f"{order['name']} in the ERP")
    duplicates_before = worker.metric(
        "ponte_events_processed_total", agent="erp-orders", outcome="duplicate"
    )
    deliveries = httpx.get(f"{stack.shopify_url}/_sandbox/deliveries", timeout=5).json()[
        "deliveries"
    ]
    delivery = next(
        d for d in deliveries if d["address"].endswith(integration_id) and d["delivered"]
    )

    response = httpx.post(
        f"{stack.shopify_url}/_sandbox/redeliver/{delivery['delivery_id']}", timeout=5
    )
    assert response.status_code == 202

    wait_until(
        lambda: (
            worker.metric("ponte_events_processed_total", agent="erp-orders", outcome="duplicate")
            > duplicates_before
        ),
        30,
        "the redelivery to be recognised as a duplicate",
    )
    assert len(erp_orders(stack, order["name"])) == 1


def test_the_same_order_under_a_new_event_id_creates_no_second_order(
    stack: Stack, worker: Worker, integration_id: str
) -> None:
    order = place_order(stack)
    wait_until(lambda: erp_orders(stack, order["name"]), 30, f"{order['name']} in the ERP")
    duplicates_before = worker.metric(
        "ponte_events_processed_total", agent="erp-orders", outcome="duplicate"
    )
    body = order_body(order)

    response = post_webhook(worker, integration_id, body, shopify_headers(stack, body))

    assert response.status_code == 200, response.text
    wait_until(
        lambda: (
            worker.metric("ponte_events_processed_total", agent="erp-orders", outcome="duplicate")
            > duplicates_before
        ),
        30,
        "the second delivery to be recognised as a duplicate",
    )
    assert len(erp_orders(stack, order["name"])) == 1


def test_the_admin_api_never_returns_or_logs_secrets(
    stack: Stack, worker: Worker, integration_id: str
) -> None:
    shown = worker.api("GET", f"/api/v1/integrations/{integration_id}")
    listed = worker.api("GET", "/api/v1/integrations")

    assert shown.status_code == 200
    assert shown.json()["credentials"] == {
        "admin_api_token": "set",
        "client_secret": "not set",
        "previous_webhook_secret": "not set",
        "refresh_token": "not set",
        "webhook_secret": "set",
    }
    for text in (shown.text, listed.text, worker.process.log()):
        assert stack.shopify_token not in text
        assert stack.webhook_secret not in text


def test_the_admin_api_wants_its_token(worker: Worker) -> None:
    response = httpx.get(
        f"{worker.url}/api/v1/integrations", headers={"Authorization": "Bearer wrong"}
    )

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_an_invalid_integration_is_refused_with_the_field_named(worker: Worker) -> None:
    response = worker.api(
        "POST",
        "/api/v1/integrations",
        json={
            "platform": "shopify",
            "name": "Loja X",
            "access": {
                "shop_domain": "not a domain",
                "admin_api_token": "shpat_secret_value",
                "webhook_secret": "s",
            },
        },
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"][0]["field"] == "shop_domain"
    assert "shpat_secret_value" not in response.text
