"""Vendas on a real worker and broker: order_import (links, history, held while off, since
date, mapping misses), platform-side payment and cancellation (order_platform_updates), an
update that comes before its order, and one whose order never comes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from connectors.capabilities import Entity
from connectors.contract import InboundRequest, OrderMove, OrderMoveKind
from connectors.erp.client import ErpClient
from connectors.erp.mapping import order_to_pedido
from connectors.erp.sandbox.kit import ErpSandboxKit
from connectors.nuvemshop.webhooks import nuvemshop_signature
from connectors.shopify.mapping import order_from_shopify_json
from connectors.vtex.sandbox.hooks import hook_body, hook_headers
from connectors.vtex.sandbox.kit import HOOK_SECRET, SECRET_HEADER
from engine.agents.erp_orders import place_order as create_once
from engine.demo.store import access_fields
from engine.retry import call_with_retries
from schemas.order import Order
from tests.harness import Stack, Worker, wait_until
from tests.integration.support import (
    IMPORT_ON,
    create_integration,
    erp_orders,
    order_body,
    place_order,
    post_webhook,
    shopify_headers,
)
from tests.platforms import PlatformSandbox, create_platform_integration

pytestmark = pytest.mark.broker

PREREQUISITE_TIMEOUT = 6
UPDATES_ON = {"order_import": {"enabled": True}, "order_platform_updates": {"enabled": True}}
AWAITING_PAYMENT = {"erp_order_status": -1}  # new ERP orders wait for the payment


@pytest.fixture(scope="module")
def worker(stack: Stack) -> Worker:
    return stack.start_worker(PONTE_PREREQUISITE_TIMEOUT_SECONDS=str(PREREQUISITE_TIMEOUT))


def deliver(
    stack: Stack, worker: Worker, integration_id: str, order: dict[str, Any], topic: str
) -> None:
    """Shopify's signed delivery of ``topic`` with the order's full body."""
    body = order_body(order)
    response = post_webhook(worker, integration_id, body, shopify_headers(stack, body, topic=topic))
    assert response.status_code == 200, response.text


def erp_order(stack: Stack, number: str) -> dict[str, Any]:
    """The one ERP order of platform order ``number``, read in full."""
    found = wait_until(lambda: erp_orders(stack, number), 30, f"{number} in the ERP")
    assert len(found) == 1, found
    full = httpx.get(
        f"{stack.erp_url}/api/pedidos/{found[0]['id']}",
        headers={"Authorization": f"Bearer {stack.erp_token}"},
        timeout=5,
    ).json()
    return dict(full[0] if isinstance(full, list) else full)


def errors(worker: Worker, integration_id: str) -> list[dict[str, Any]]:
    answer = worker.api("GET", f"/api/v1/integrations/{integration_id}/errors")
    assert answer.status_code == 200, answer.text
    return list(answer.json()["errors"])


def parked(worker: Worker, integration_id: str, entity_key: str) -> dict[str, Any]:
    def found() -> dict[str, Any] | None:
        return next(
            (e for e in errors(worker, integration_id) if e["entity_key"] == entity_key), None
        )

    return dict(wait_until(found, 30, f"{entity_key} in {integration_id}'s error list"))


def history_steps(worker: Worker, integration_id: str, term: str) -> list[dict[str, Any]]:
    answer = worker.api("GET", f"/api/v1/integrations/{integration_id}/history", params={"q": term})
    assert answer.status_code == 200, answer.text
    return [entry for entity in answer.json()["entities"] for entry in entity["entries"]]


def test_an_imported_order_is_linked_and_its_history_names_the_erp_call(
    stack: Stack, worker: Worker
) -> None:
    create_integration(stack, worker, "vendas-link")
    order = place_order(stack, sku="LINK-01")

    deliver(stack, worker, "vendas-link", order, "orders/create")

    pedido = erp_order(stack, order["name"])
    links = wait_until(
        lambda: worker.api(
            "GET", "/api/v1/integrations/vendas-link/links", params={"q": order["name"]}
        ).json()["links"],
        30,
        "the order's link",
    )
    assert (links[0]["entity"], links[0]["erp_id"], links[0]["platform_id"]) == (
        "order",
        str(pedido["id"]),
        str(order["id"]),
    )
    steps = wait_until(
        lambda: [
            e for e in history_steps(worker, "vendas-link", order["name"]) if e["step"] == "sent"
        ],
        30,
        "the ERP call in the order's history",
    )
    assert steps[0]["request"] == "POST /pedidos"
    assert steps[0]["status_code"] == 200
    assert steps[0]["config_version"] >= 1
    received = [
        e for e in history_steps(worker, "vendas-link", str(order["id"])) if e["step"] == "received"
    ]
    assert received, "the order's arrival is in its history"


def test_an_order_placed_before_the_import_date_is_skipped_with_a_reason(
    stack: Stack, worker: Worker
) -> None:
    create_integration(stack, worker, "vendas-since", settings={"order_import_since": "2099-01-01"})
    order = place_order(stack, sku="OLD-01")

    deliver(stack, worker, "vendas-since", order, "orders/create")

    skipped = wait_until(
        lambda: [
            e
            for e in history_steps(worker, "vendas-since", order["name"])
            if e["step"] == "skipped"
        ],
        30,
        "the skip in the order's history",
    )
    assert "2099-01-01" in skipped[0]["detail"]
    assert erp_orders(stack, order["name"]) == []


def test_orders_met_while_import_is_off_are_held_then_created_once_when_processed(
    stack: Stack, worker: Worker
) -> None:
    create_integration(stack, worker, "vendas-off", automations={})
    first, second = place_order(stack, sku="OFF-01"), place_order(stack, sku="OFF-02")

    for order in (first, second):
        deliver(stack, worker, "vendas-off", order, "orders/create")

    held = wait_until(
        lambda: (
            (answer := worker.api("GET", "/api/v1/integrations/vendas-off/held").json())["count"]
            == 2
            and answer
        ),
        30,
        "both orders held",
    )
    assert {item["entity_key"] for item in held["items"]} == {
        f"order:{first['id']}",
        f"order:{second['id']}",
    }
    assert erp_orders(stack, first["name"]) == erp_orders(stack, second["name"]) == []

    switched = worker.api(
        "PATCH",
        "/api/v1/integrations/vendas-off/automations",
        json={"order_import": {"enabled": True}},
    )
    assert switched.status_code == 200, switched.text
    processed = worker.api(
        "POST", "/api/v1/integrations/vendas-off/held/order_import", json={"action": "process"}
    )
    assert processed.status_code == 200, processed.text

    for order in (first, second):
        erp_order(stack, order["name"])  # exactly one each
    deliver(stack, worker, "vendas-off", first, "orders/create")  # a late duplicate
    wait_until(
        lambda: any(
            e["outcome"] == "duplicate" for e in history_steps(worker, "vendas-off", first["name"])
        ),
        30,
        "the late duplicate recognised",
    )
    assert len(erp_orders(stack, first["name"])) == 1


def test_a_payment_delivered_before_its_order_is_applied_once_the_order_exists(
    stack: Stack, worker: Worker
) -> None:
    create_integration(
        stack, worker, "vendas-paid", automations=UPDATES_ON, settings=AWAITING_PAYMENT
    )
    order = place_order(stack, sku="PAID-01")

    deliver(stack, worker, "vendas-paid", order, "orders/paid")
    deliver(stack, worker, "vendas-paid", order, "orders/create")

    pedido = wait_until(
        lambda: (found := erp_order(stack, order["name"]))["situacao"] == 0 and found,
        30,
        "the ERP order moved to Em aberto by the payment",
    )
    assert any("Pagamento confirmado" in str(o) for o in pedido.get("_Ocorrencias", []))
    assert errors(worker, "vendas-paid") == []
    outcomes = wait_until(
        lambda: [
            (e["event_type"], e["step"], e["outcome"])
            for e in history_steps(worker, "vendas-paid", str(order["id"]))
            if e["event_type"] == "order.status_changed"
        ],
        30,
        "the payment's history",
    )
    assert ("order.status_changed", "held", "waiting") in outcomes  # it did come first
    assert ("order.status_changed", "sent", "ok") in outcomes


def test_a_payment_whose_order_never_comes_is_parked_then_applied_when_it_does(
    stack: Stack, worker: Worker
) -> None:
    create_integration(
        stack, worker, "vendas-late", automations=UPDATES_ON, settings=AWAITING_PAYMENT
    )
    order = place_order(stack, sku="LATE-01")

    deliver(stack, worker, "vendas-late", order, "orders/paid")

    record = parked(worker, "vendas-late", f"order:{order['id']}")
    assert record["error_class"] == "prerequisite"
    assert f"within {PREREQUISITE_TIMEOUT}s" in record["reason"]
    assert record["event_type"] == "order.status_changed"
    assert erp_orders(stack, order["name"]) == []

    deliver(stack, worker, "vendas-late", order, "orders/create")

    wait_until(
        lambda: erp_order(stack, order["name"])["situacao"] == 0,
        30,
        "the parked payment applied to the order that came late",
    )
    wait_until(lambda: errors(worker, "vendas-late") == [], 30, "the error list emptied")


def test_a_cancellation_on_the_platform_cancels_the_erp_order(stack: Stack, worker: Worker) -> None:
    create_integration(stack, worker, "vendas-cancel", automations=UPDATES_ON)
    order = place_order(stack, sku="CANCEL-01")
    deliver(stack, worker, "vendas-cancel", order, "orders/create")
    erp_order(stack, order["name"])

    deliver(stack, worker, "vendas-cancel", order, "orders/cancelled")

    wait_until(
        lambda: erp_order(stack, order["name"])["situacao"] == 2,
        30,
        "the ERP order cancelled",
    )


def test_platform_updates_are_held_while_their_switch_is_off(stack: Stack, worker: Worker) -> None:
    create_integration(stack, worker, "vendas-nosync")  # order_import only
    order = place_order(stack, sku="NOSYNC-01")
    deliver(stack, worker, "vendas-nosync", order, "orders/create")
    erp_order(stack, order["name"])

    deliver(stack, worker, "vendas-nosync", order, "orders/cancelled")

    held = wait_until(
        lambda: worker.api(
            "GET",
            "/api/v1/integrations/vendas-nosync/held",
            params={"automation": "order_platform_updates"},
        ).json()["items"],
        30,
        "the cancellation held",
    )
    assert held[0]["entity_key"] == f"order:{order['id']}"
    assert erp_order(stack, order["name"])["situacao"] == 0


def test_an_order_a_required_mapping_cannot_map_is_parked_with_the_reason(
    stack: Stack, worker: Worker
) -> None:
    create_integration(stack, worker, "vendas-map")
    rules = [
        {
            "id": "carrier",
            "target": "carrier",
            "source": "shipping.carrier",
            "transform": {"kind": "lookup", "table": {"Correios": "CORREIOS"}},
            "required": True,
        }
    ]
    saved = worker.api("PUT", "/api/v1/integrations/vendas-map/mappings", json={"mappings": rules})
    assert saved.status_code == 200, saved.text
    wait_until(
        lambda: worker.api("GET", "/api/v1/integrations/vendas-map").json()["mappings"],
        30,
        "the mapping saved",
    )
    order = place_order(stack, sku="MAP-01")

    deliver(stack, worker, "vendas-map", order, "orders/create")

    record = parked(worker, "vendas-map", f"order:{order['id']}")
    assert record["error_class"] == "mapping"
    assert "carrier" in record["reason"]
    assert erp_orders(stack, order["name"]) == []
    assert worker.api("GET", "/api/v1/integrations/vendas-map").json()["status"] == "active"


@pytest.fixture(scope="module", params=["nuvemshop", "tray", "vtex"])
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PlatformSandbox]:
    sandbox = PlatformSandbox(request.param, tmp_path_factory.mktemp(request.param)).start()
    try:
        yield sandbox
    finally:
        sandbox.stop()


def notify(address: str, inbound: InboundRequest) -> None:
    response = httpx.post(address, content=inbound.body, headers=dict(inbound.headers), timeout=30)
    assert response.status_code == 200, response.text


def cancellation_notice(store: PlatformSandbox, platform_id: str) -> InboundRequest:
    """What the platform sends when an order is cancelled (Tray: an update of the order)."""
    kit: Any = store.kit
    if store.platform == "nuvemshop":
        body = orjson.dumps(
            {
                "store_id": int(kit.config.store_id),
                "event": "order/cancelled",
                "id": int(platform_id),
            }
        )
        signature = nuvemshop_signature(body, kit.config.app_secret)
        return InboundRequest(
            "POST",
            {"Content-Type": "application/json", "X-Linkedstore-HMAC-SHA256": signature},
            body,
        )
    if store.platform == "vtex":
        body = hook_body(
            kit.config,
            platform_id,
            "canceled",
            "cancel",
            "2026-01-05T13:00:00Z",
            "2026-01-05T13:00:01Z",
        )
        return InboundRequest("POST", hook_headers({"headers": {SECRET_HEADER: HOOK_SECRET}}), body)
    inbound: InboundRequest = store.run(lambda: kit.notification(Entity.ORDER, platform_id))
    return inbound


def test_a_thin_platform_order_is_imported_linked_and_its_cancellation_applied(
    stack: Stack, worker: Worker, store: PlatformSandbox
) -> None:
    integration_id = f"vendas-{store.platform}"
    create_platform_integration(worker, store, integration_id, automations=UPDATES_ON)
    address = store.notification_address(worker, integration_id)
    store.subscribe(address)

    platform_id = store.place_order()

    def in_erp() -> list[dict[str, Any]]:
        orders = httpx.get(f"{stack.erp_url}/_sandbox/orders", timeout=5).json()["orders"]
        return [o for o in orders if str(o.get("idPedidoOrigem")) == platform_id]

    pedido = wait_until(in_erp, 60, f"{store.platform} order {platform_id} in the ERP")[0]
    links = wait_until(
        lambda: worker.api(
            "GET", f"/api/v1/integrations/{integration_id}/links", params={"q": platform_id}
        ).json()["links"],
        30,
        "the order's link",
    )
    assert links[0]["erp_id"] == str(pedido["id"])
    assert links[0]["order_number"] == pedido["numeroDaOrdemDeCompra"]
    assert any(
        e["request"] == "POST /pedidos" for e in history_steps(worker, integration_id, platform_id)
    )

    store.run(
        lambda: store.client().move_order(
            platform_id, OrderMove(OrderMoveKind.CANCEL, reason="customer")
        )
    )
    notify(address, cancellation_notice(store, platform_id))

    wait_until(
        lambda: in_erp()[0]["situacao"] == 2, 60, "the ERP order cancelled after the platform's"
    )
    assert len(in_erp()) == 1


def test_a_refused_platform_token_on_a_fetch_flags_the_integration(
    stack: Stack, worker: Worker, tmp_path: Path
) -> None:
    store = PlatformSandbox("nuvemshop", tmp_path).start()
    try:
        kit: Any = store.kit
        access = access_fields(kit.settings(access_token="not-the-token"))
        created = worker.api(
            "POST",
            "/api/v1/integrations",
            json={
                "id": "vendas-badtoken",
                "platform": "nuvemshop",
                "name": "Loja",
                "access": access,
                "automations": IMPORT_ON,
            },
        )
        assert created.status_code == 201, created.text
        platform_id = store.place_order()

        notify(
            store.notification_address(worker, "vendas-badtoken"),
            store.run(lambda: kit.notification(Entity.ORDER, platform_id)),
        )

        shown = wait_until(
            lambda: (
                (i := worker.api("GET", "/api/v1/integrations/vendas-badtoken").json())["status"]
                == "error"
                and i
            ),
            30,
            "the integration flagged",
        )
        assert "nuvemshop" in shown["status_reason"]
        assert "not-the-token" not in str(shown)
    finally:
        store.stop()


class LostAnswer(httpx.AsyncHTTPTransport):
    """The network between us and the ERP: the first order create reaches the ERP, which
    stores it, and its answer is lost (a read timeout), as on a congested link."""

    def __init__(self) -> None:
        super().__init__()
        self.lost = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        if request.method == "POST" and request.url.path.endswith("/pedidos") and not self.lost:
            await response.aread()
            self.lost += 1
            raise httpx.ReadTimeout("the ERP's answer was lost", request=request)
        return response


async def test_a_create_whose_answer_is_lost_is_found_on_retry_not_made_twice(
    tmp_path: Path,
) -> None:
    kit = ErpSandboxKit()
    await kit.start(tmp_path)
    transport = LostAnswer()
    try:
        async with ErpClient(kit.settings(), transport=transport) as erp:
            order = read_shopify_order()
            pedido = order_to_pedido(order, situacao=0)

            ref, created = await call_with_retries(
                lambda: create_once(erp, order, pedido), attempts=3, base=0.01, cap=0.05
            )

            assert transport.lost == 1
            assert created is False  # the retry found what the lost attempt stored
            stored = (await kit.control("GET", "/_sandbox/orders"))["orders"]
            mine = [p for p in stored if p.get("idPedidoOrigem") == order.platform_order_id]
            assert [str(p["id"]) for p in mine] == [ref.id]
    finally:
        await kit.stop()


def read_shopify_order() -> Order:
    sample = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "shopify"
    order = order_from_shopify_json((sample / "webhook_orders_create.json").read_text())
    return order.model_copy(update={"currency": "BRL"})  # the sample is a USD store
