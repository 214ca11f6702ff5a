"""The error list (Erros) end to end: orders the ERP-orders sink parked are listed with their
reason, retried (after a mapping fix, or with an edited payload) into exactly one ERP order, or
ignored with a history entry."""

from __future__ import annotations

import asyncio
import copy
import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest

from connectors.erp.client import ErpClient
from connectors.erp.settings import ErpSettings
from tests.harness import Stack, Worker, wait_until
from tests.integration.support import API_VERSION, erp_orders, place_order

pytestmark = pytest.mark.broker

CARRIER = "Jadlog Expresso"
EXPORTING = "loja-exporta"


@pytest.fixture(scope="module")
def worker(stack: Stack) -> Worker:
    """A worker that also polls the ERP's changes every second (for the outbound records)."""
    return stack.start_worker(PONTE_ERP_POLL_SECONDS="1")


NO_SKU = [{"title": "Camiseta sem código", "price": "49.90", "quantity": 1}]


def shipped_by(carrier: str) -> list[dict[str, str]]:
    """Shopify shipping lines whose carrier (``source``) is ``carrier``."""
    return [{"title": "Expresso", "source": carrier, "price": "15.00"}]


def errors(worker: Worker, integration_id: str) -> dict[str, dict[str, Any]]:
    response = worker.api("GET", f"/api/v1/integrations/{integration_id}/errors")
    assert response.status_code == 200, response.text
    return {e["entity_key"]: e for e in response.json()["errors"]}


def parked_order(worker: Worker, integration_id: str, order: dict[str, Any]) -> dict[str, Any]:
    key = f"order:{order['id']}"
    return dict(
        wait_until(lambda: errors(worker, integration_id).get(key), 30, f"{key} in the error list")
    )


def history(worker: Worker, integration_id: str, entity_key: str) -> list[dict[str, Any]]:
    response = worker.api(
        "GET", f"/api/v1/integrations/{integration_id}/history", params={"q": entity_key}
    )
    assert response.status_code == 200, response.text
    found = {e["entity_key"]: e["entries"] for e in response.json()["entities"]}
    return list(found.get(entity_key, []))


def error_action(
    worker: Worker, integration_id: str, action: str, body: dict[str, Any], actor: str = "admin"
) -> httpx.Response:
    """POST .../errors/retry or .../errors/ignore as ``actor``."""
    return worker.api(
        "POST",
        f"/api/v1/integrations/{integration_id}/errors/{action}",
        json=body,
        headers={"X-Ponte-Actor": actor},
    )


def put_mappings(worker: Worker, integration_id: str, rules: list[dict[str, Any]]) -> None:
    response = worker.api(
        "PUT", f"/api/v1/integrations/{integration_id}/mappings", json={"mappings": rules}
    )
    assert response.status_code == 200, response.text


def carrier_rule(table: dict[str, str]) -> dict[str, Any]:
    return {
        "id": "carrier",
        "target": "carrier",
        "source": "shipping.carrier",
        "transform": {"kind": "lookup", "table": table},
        "required": True,
    }


def test_a_parked_order_is_retried_after_its_mapping_is_fixed(
    stack: Stack, worker: Worker, integration_id: str
) -> None:
    put_mappings(worker, integration_id, [carrier_rule({"Correios": "Correios"})])
    order = place_order(stack, shipping_lines=shipped_by(CARRIER))

    record = parked_order(worker, integration_id, order)

    assert record["error_class"] == "mapping"
    assert CARRIER in record["reason"]
    assert record["event_type"] == "order.placed" and record["attempts"] >= 1
    assert erp_orders(stack, order["name"]) == []
    parked_version = record["config_version"]

    put_mappings(
        worker, integration_id, [carrier_rule({"Correios": "Correios", CARRIER: "Jadlog"})]
    )
    retried = error_action(
        worker, integration_id, "retry", {"entity_key": record["entity_key"]}, "ana@loja"
    )

    assert retried.status_code == 202, retried.text
    assert retried.json()["config_version"] > parked_version
    wait_until(lambda: erp_orders(stack, order["name"]), 30, f"{order['name']} in the ERP")
    wait_until(
        lambda: record["entity_key"] not in errors(worker, integration_id),
        30,
        "the parked record to be resolved",
    )
    assert len(erp_orders(stack, order["name"])) == 1
    steps = [e["step"] for e in history(worker, integration_id, record["entity_key"])]
    assert "retried" in steps and "parked" in steps
    retry_entry = next(
        e for e in history(worker, integration_id, record["entity_key"]) if e["step"] == "retried"
    )
    assert "ana@loja" in retry_entry["detail"]

    again = error_action(worker, integration_id, "retry", {"entity_key": record["entity_key"]})
    assert again.status_code == 404  # resolved: nothing left to retry
    put_mappings(worker, integration_id, [])


def test_a_refused_order_is_retried_with_an_edited_payload(
    stack: Stack, worker: Worker, integration_id: str
) -> None:
    order = place_order(stack, line_items=NO_SKU)  # the ERP refuses an item without a code
    record = parked_order(worker, integration_id, order)
    assert record["error_class"] == "permanent"
    assert record["platform_answer"] or record["reason"]

    broken = copy.deepcopy(record["payload"])
    broken["order"]["items"][0]["quantity"] = "muitas"
    refused = error_action(
        worker, integration_id, "retry", {"entity_key": record["entity_key"], "payload": broken}
    )

    assert refused.status_code == 400, refused.text
    assert refused.json()["error"]["code"] == "invalid_payload"
    assert any("quantity" in f["field"] for f in refused.json()["error"]["fields"])

    fixed = copy.deepcopy(record["payload"])
    fixed["order"]["items"][0]["sku"] = "CAM-P"
    accepted = error_action(
        worker, integration_id, "retry", {"entity_key": record["entity_key"], "payload": fixed}
    )

    assert accepted.status_code == 202, accepted.text
    assert accepted.json()["edited"] is True
    created = wait_until(lambda: erp_orders(stack, order["name"]), 30, "the edited order")
    wait_until(lambda: record["entity_key"] not in errors(worker, integration_id), 30, "resolution")
    assert len(created) == 1
    pedido = httpx.get(
        f"{stack.erp_url}/api/pedidos/{created[0]['id']}",
        headers={"Authorization": f"Bearer {stack.erp_token}"},
        timeout=5,
    ).json()
    detail = pedido[0] if isinstance(pedido, list) else pedido
    assert [item["codigo"] for item in detail["_Itens"]] == ["CAM-P"]


def test_an_ignored_record_leaves_the_list_with_history(
    stack: Stack, worker: Worker, integration_id: str
) -> None:
    order = place_order(stack, line_items=NO_SKU)
    record = parked_order(worker, integration_id, order)

    ignored = error_action(
        worker, integration_id, "ignore", {"entity_key": record["entity_key"]}, "ana@loja"
    )

    assert ignored.status_code == 200, ignored.text
    assert record["entity_key"] not in errors(worker, integration_id)
    entries = wait_until(
        lambda: [
            e
            for e in history(worker, integration_id, record["entity_key"])
            if e["step"] == "ignored"
        ],
        15,
        "the ignored entry in the history",
    )
    assert "ana@loja" in entries[0]["detail"]
    assert erp_orders(stack, order["name"]) == []
    again = error_action(worker, integration_id, "ignore", {"entity_key": record["entity_key"]})
    assert again.status_code == 404


def in_erp(stack: Stack, work: Any) -> Any:
    async def run() -> Any:
        settings = ErpSettings.model_validate(
            {"base_url": f"{stack.erp_url}/api", "api_token": stack.erp_token},
            context={"allow_private_urls": True},
        )
        async with ErpClient(settings) as erp:
            return await work(erp)

    return asyncio.run(run())


def shopify_price(stack: Stack, sku: str) -> Decimal | None:
    response = httpx.get(
        f"{stack.shopify_url}/admin/api/{API_VERSION}/products.json",
        headers={"X-Shopify-Access-Token": stack.shopify_token},
        timeout=10,
    )
    prices = [
        Decimal(str(v["price"]))
        for p in response.json()["products"]
        for v in p["variants"]
        if v["sku"] == sku
    ]
    return prices[-1] if prices else None


def test_a_price_drop_parked_by_the_guard_is_retried_with_an_edited_price(
    stack: Stack, worker: Worker
) -> None:
    created = worker.api(
        "POST",
        "/api/v1/integrations",
        json={
            "id": EXPORTING,
            "platform": "shopify",
            "name": "Loja que exporta",
            "access": {
                "shop_domain": stack.shop_domain,
                "admin_api_token": stack.shopify_token,
                "webhook_secret": stack.webhook_secret,
                "base_url": stack.shopify_url,
            },
            "automations": {"product_export": {"enabled": True}, "price_export": {"enabled": True}},
            "settings": {"price_drop_guard_percent": "20"},
        },
    )
    assert created.status_code == 201, created.text
    sku = f"BONE-{uuid.uuid4().hex[:6].upper()}"
    in_erp(
        stack,
        lambda erp: erp.products.upsert_products(
            [{"codigo": sku, "nome": "Boné", "preco": "100.00"}]
        ),
    )
    wait_until(lambda: shopify_price(stack, sku) == Decimal("100.00"), 60, f"{sku} exported")

    in_erp(stack, lambda erp: erp.products.set_prices(sku, Decimal("40.00")))
    record = dict(
        wait_until(lambda: errors(worker, EXPORTING).get(f"price:{sku}"), 60, "the 60% drop parked")
    )
    assert record["source_topic"] == "ponte.erp-changes"
    assert record["payload"]["price"]["price"] == "40.00"
    edited = copy.deepcopy(record["payload"])
    edited["price"]["price"] = "85.00"

    retried = error_action(
        worker, EXPORTING, "retry", {"entity_key": record["entity_key"], "payload": edited}
    )

    assert retried.status_code == 202, retried.text
    wait_until(lambda: shopify_price(stack, sku) == Decimal("85.00"), 60, "the edited price sent")
    wait_until(
        lambda: record["entity_key"] not in errors(worker, EXPORTING), 30, "the record resolved"
    )
    steps = [e["step"] for e in history(worker, EXPORTING, record["entity_key"])]
    assert "retried" in steps and "parked" in steps
