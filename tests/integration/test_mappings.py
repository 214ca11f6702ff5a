"""Mapeamentos end to end: a saved rule shapes the next ERP order with no restart, a required
rule with no mapping parks the order with its reason, and a preview shows what a draft would
send for the integration's real recent events while sending and saving nothing."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from schemas.codec import encode
from schemas.envelope import EventEnvelope, SourceSystem
from schemas.events import ProductChanged
from schemas.product import Product, Variant
from tests.harness import Stack, Worker, wait_until
from tests.integration.support import erp_orders, place_order

pytestmark = pytest.mark.broker

MAPPINGS = "/api/v1/integrations/{id}/mappings"


def carrier_rule(table: dict[str, str], *, required: bool = False) -> dict[str, Any]:
    return {
        "id": "carrier",
        "target": "carrier",
        "source": "shipping.method",
        "transform": {"kind": "lookup", "table": table},
        "required": required,
    }


CHANNEL_RULE = {
    "id": "channel",
    "target": "sales_channel",
    "transform": {"kind": "constant", "value": "LOJA-SHOPIFY"},
}


def save_mappings(worker: Worker, integration_id: str, rules: list[dict[str, Any]]) -> Any:
    response = worker.api(
        "PUT",
        MAPPINGS.format(id=integration_id),
        json={"mappings": rules},
        headers={"X-Ponte-Actor": "ana@loja"},
    )
    assert response.status_code == 200, response.text
    return response.json()


def shipped_by(stack: Stack, method: str) -> dict[str, Any]:
    return place_order(stack, shipping_lines=[{"title": method, "price": "12.00"}])


def erp_order(stack: Stack, number: str) -> dict[str, Any]:
    """The ERP's full sales order for a platform order number, once it exists."""
    [summary] = wait_until(lambda: erp_orders(stack, number), 30, f"{number} in the ERP")
    response = httpx.get(
        f"{stack.erp_url}/api/pedidos/{summary['id']}",
        headers={"Authorization": f"Bearer {stack.erp_token}"},
        timeout=5,
    )
    found = response.json()
    return dict(found[0] if isinstance(found, list) else found)


def erp_order_count(stack: Stack) -> int:
    return int(httpx.get(f"{stack.erp_url}/_sandbox/health", timeout=5).json()["orders"])


def test_a_saved_mapping_shapes_the_next_order_without_a_restart(
    stack: Stack, worker: Worker, integration_id: str
) -> None:
    saved = save_mappings(
        worker,
        integration_id,
        [carrier_rule({"Jadlog Expresso": "JADLOG LOGISTICA"}), CHANNEL_RULE],
    )
    first = erp_order(stack, shipped_by(stack, "Jadlog Expresso")["name"])

    save_mappings(worker, integration_id, [carrier_rule({"Jadlog Expresso": "JADLOG NOVA"})])
    second = erp_order(stack, shipped_by(stack, "Jadlog Expresso")["name"])

    assert (first["transportador"], first["canalDeVenda"]) == ("JADLOG LOGISTICA", "LOJA-SHOPIFY")
    assert first["servicePlatformOrigin"] == "shopify"
    assert (second["transportador"], second["canalDeVenda"]) == ("JADLOG NOVA", "shopify")
    versions = worker.api("GET", f"/api/v1/integrations/{integration_id}/config/versions").json()
    logged = next(v for v in versions["versions"] if v["version"] == saved["version"])
    assert (logged["action"], logged["actor"]) == ("mappings", "ana@loja")
    assert "mappings" in {path.split(".")[0] for path in logged["changed"]}


def test_an_unmapped_carrier_parks_the_order_with_its_reason(
    stack: Stack, worker: Worker, integration_id: str
) -> None:
    save_mappings(worker, integration_id, [carrier_rule({"Sedex": "CORREIOS"}, required=True)])
    order = shipped_by(stack, "Loggi Express")
    errors = f"/api/v1/integrations/{integration_id}/errors"

    def parked() -> list[dict[str, Any]]:
        listed = worker.api("GET", errors).json()["errors"]
        return [e for e in listed if e["payload"].get("order", {}).get("number") == order["name"]]

    [record] = wait_until(parked, 30, f"{order['name']} in the error list")

    assert record["error_class"] == "mapping"
    assert record["reason"] == (
        "carrier 'Loggi Express' has no mapping to an ERP carrier (rule carrier)"
    )
    assert erp_orders(stack, order["name"]) == []


def test_a_preview_shows_real_recent_events_and_sends_nothing(
    stack: Stack, worker: Worker, integration_id: str
) -> None:
    current = save_mappings(worker, integration_id, [])
    jadlog, loggi = shipped_by(stack, "Jadlog Expresso"), shipped_by(stack, "Loggi Express")
    erp_order(stack, jadlog["name"]), erp_order(stack, loggi["name"])
    orders_before = erp_order_count(stack)
    draft = [carrier_rule({"Jadlog Expresso": "PREVIEW CARRIER"}, required=True), CHANNEL_RULE]

    response = worker.api(
        "POST",
        f"{MAPPINGS.format(id=integration_id)}/preview",
        json={"mappings": draft, "limit": 50},
    )

    assert response.status_code == 200, response.text
    events = {e["entity_key"]: e for e in response.json()["events"]}
    shown = events[f"order:{jadlog['id']}"]
    assert (shown["outcome"], shown["direction"]) == ("ok", "to_erp")
    assert shown["payload"]["numeroDaOrdemDeCompra"] == jadlog["name"]
    assert (shown["payload"]["transportador"], shown["payload"]["canalDeVenda"]) == (
        "PREVIEW CARRIER",
        "LOJA-SHOPIFY",
    )
    assert '"valor":49.90' in response.text  # money as the ERP gets it: a number, exact digits
    missing = events[f"order:{loggi['id']}"]
    assert (missing["outcome"], missing["reason"]) == (
        "mapping_missing",
        "carrier 'Loggi Express' has no mapping to an ERP carrier (rule carrier)",
    )
    assert erp_order_count(stack) == orders_before
    saved = worker.api("GET", MAPPINGS.format(id=integration_id)).json()
    assert (saved["version"], saved["mappings"]) == (current["version"], [])


def published_product(stack: Stack, integration_id: str, product: Product) -> None:
    """A platform's product.changed on the catalog topic, as its delivery would put it there."""
    now = datetime.now(UTC)
    envelope = EventEnvelope(
        event_id=uuid.uuid4().hex,
        type="product.changed",
        integration_id=integration_id,
        source=SourceSystem.SHOPIFY,
        entity_key=f"product:{product.platform_product_id}",
        occurred_at=now,
        received_at=now,
        idempotency_key=uuid.uuid4().hex,
        trace_id=uuid.uuid4().hex,
        config_version=1,
        payload=ProductChanged(product=product),
    )

    async def send() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=stack.bootstrap)
        await producer.start()
        try:
            await producer.send_and_wait(
                f"{stack.namespace}.ponte.catalog",
                key=f"{integration_id}:{envelope.entity_key}".encode(),
                value=encode(envelope),
            )
        finally:
            await producer.stop()

    asyncio.run(send())


def test_a_preview_shows_a_platform_product_as_the_erp_would_get_it(
    stack: Stack, worker: Worker, integration_id: str
) -> None:
    product = Product(
        sku="CAM-PV",
        name="Camiseta Preview",
        description="Algodão penteado",
        variants=[Variant(sku="CAM-PV", price=Decimal("59.90"))],
        platform_product_id="7001",
    )
    published_product(stack, integration_id, product)
    ncm = {"id": "ncm", "target": "ncm", "transform": {"kind": "constant", "value": "6109.10.00"}}
    brand = {
        "id": "extra",
        "target": "extra_description",
        "transform": {"kind": "template", "template": "Marca: {brand}"},
        "required": True,
    }
    preview = f"{MAPPINGS.format(id=integration_id)}/preview"

    def shown(rules: list[dict[str, Any]]) -> dict[str, Any]:
        response = worker.api("POST", preview, json={"mappings": rules, "limit": 50})
        assert response.status_code == 200, response.text
        return next(e for e in response.json()["events"] if e["entity_key"] == "product:7001")

    mapped, missing = shown([ncm]), shown([ncm, brand])

    assert (mapped["outcome"], mapped["direction"], mapped["creating"]) == ("ok", "to_erp", True)
    parent = mapped["payload"]["parent"]
    assert (parent["codigo"], parent["cf"], parent["descricao"]) == (
        "CAM-PV",
        "61091000",
        "Algodão penteado",
    )
    assert (missing["outcome"], missing["reason"]) == (
        "mapping_missing",
        "rule extra fills {brand} in its template, but brand is empty on this product",
    )


@pytest.mark.parametrize(
    ("rules", "code", "message"),
    [
        (
            [CHANNEL_RULE, CHANNEL_RULE],
            "invalid_mappings",
            "rule id 'channel' is used twice",
        ),
        (
            [
                {
                    "id": "m",
                    "target": "custom_attribute",
                    "transform": {"kind": "constant", "value": "x"},
                }
            ],
            "invalid_mappings",
            "rule m: a custom_attribute rule needs `attribute`",
        ),
        (
            [
                {
                    "id": "s",
                    "target": "order_status",
                    "transform": {"kind": "constant", "value": "Pago"},
                }
            ],
            "invalid_mappings",
            "rule s: order status 'Pago' is not an ERP situacao",
        ),
        (
            [{"id": "x", "target": "weight", "transform": {"kind": "constant", "value": "1"}}],
            "invalid",
            "the mapping list is not valid",
        ),
    ],
)
def test_a_faulty_list_is_refused_and_nothing_changes(
    worker: Worker, integration_id: str, rules: list[dict[str, Any]], code: str, message: str
) -> None:
    before = worker.api("GET", MAPPINGS.format(id=integration_id)).json()

    response = worker.api("PUT", MAPPINGS.format(id=integration_id), json={"mappings": rules})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code and error["message"].startswith(message), error
    assert worker.api("GET", MAPPINGS.format(id=integration_id)).json() == before


def test_a_stale_version_is_refused(worker: Worker, integration_id: str) -> None:
    current = worker.api("GET", MAPPINGS.format(id=integration_id)).json()

    response = worker.api(
        "PUT",
        MAPPINGS.format(id=integration_id),
        json={"mappings": [CHANNEL_RULE], "expected_version": current["version"] - 1},
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "changed_meanwhile"


def test_an_unknown_integration_is_not_found(worker: Worker) -> None:
    response = worker.api("GET", MAPPINGS.format(id="no-such-store"))

    assert response.status_code == 404
