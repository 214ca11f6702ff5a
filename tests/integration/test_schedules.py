"""Scheduled automations on a real worker and broker: order polling, run now, reconciliation,
and the webhooks switch registering and removing the platform's notifications."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from connectors.capabilities import Entity
from connectors.erp.client import ErpClient
from connectors.erp.settings import ErpSettings
from connectors.errors import NotFound
from connectors.shopify.client import NOTIFIED_TOPICS
from connectors.urls import PRIVATE_URLS_CONTEXT
from connectors.vtex.hook_subscription import HOOK_PATH
from connectors.vtex.transport import Api
from tests.harness import Stack, Worker, wait_until
from tests.integration.support import (
    API_VERSION,
    create_integration,
    erp_orders,
    order_body,
    place_order,
    post_webhook,
    read_topic,
    shopify_headers,
)
from tests.platforms import PlatformSandbox, create_platform_integration

pytestmark = pytest.mark.broker

IMPORT_ON = {"order_import": {"enabled": True}}
POLLING_ON = {**IMPORT_ON, "order_polling": {"enabled": True, "interval_seconds": 60}}


def set_automations(worker: Worker, integration_id: str, patch: dict[str, Any]) -> None:
    response = worker.api("PATCH", f"/api/v1/integrations/{integration_id}/automations", json=patch)
    assert response.status_code == 200, response.text


def run_now(worker: Worker, integration_id: str, name: str) -> httpx.Response:
    return worker.api("POST", f"/api/v1/integrations/{integration_id}/automations/{name}/run")


def finished_run(worker: Worker, integration_id: str, job_id: str) -> dict[str, Any]:
    def finished() -> dict[str, Any] | None:
        runs = worker.api("GET", f"/api/v1/integrations/{integration_id}/automation-runs")
        for job in runs.json()["runs"]:
            if job["id"] == job_id and job["state"] in ("done", "failed"):
                return dict(job)
        return None

    return dict(wait_until(finished, 60, f"run {job_id} to finish"))


def sink_events(worker: Worker) -> float:
    return worker.metric("ponte_events_processed_total", agent="erp-orders", type="order.placed")


def shopify_webhooks(stack: Stack, address: str) -> list[dict[str, Any]]:
    response = httpx.get(
        f"{stack.shopify_url}/admin/api/{API_VERSION}/webhooks.json",
        params={"address": address},
        headers={"X-Shopify-Access-Token": stack.shopify_token},
        timeout=5,
    )
    return list(response.json()["webhooks"])


def test_polling_imports_an_order_no_webhook_announced(stack: Stack, worker: Worker) -> None:
    order = place_order(stack, sku="POLL-1")  # no subscription: nobody is notified

    create_integration(stack, worker, "loja-polling", automations=POLLING_ON)

    created = wait_until(lambda: erp_orders(stack, order["name"]), 60, "the polled order")
    assert len(created) == 1
    assert (
        worker.metric(
            "ponte_automation_runs_total",
            automation="order_polling",
            trigger="schedule",
            outcome="ok",
        )
        >= 1
    )
    runs = worker.api("GET", "/api/v1/integrations/loja-polling/automation-runs").json()
    polling = next(s for s in runs["schedule"] if s["automation"] == "order_polling")
    assert polling["enabled"] and polling["interval_seconds"] == 60
    assert polling["last_started_at"] is not None and polling["next_due_at"] is not None
    # the other tests' orders are this shop's too: leave them to the flow each test exercises
    set_automations(worker, "loja-polling", {"order_polling": {"enabled": False}})


def test_an_order_from_webhook_and_polling_is_one_erp_order(stack: Stack, worker: Worker) -> None:
    create_integration(stack, worker, "loja-ambos", automations=IMPORT_ON)
    order = place_order(stack, sku="BOTH-1")
    body = order_body(order)
    delivered = post_webhook(worker, "loja-ambos", body, shopify_headers(stack, body))
    assert delivered.status_code == 200, delivered.text
    wait_until(lambda: erp_orders(stack, order["name"]), 30, "the webhook's order in the ERP")
    handled = sink_events(worker)

    answer = run_now(worker, "loja-ambos", "order_polling")

    assert answer.status_code == 202, answer.text
    job = finished_run(worker, "loja-ambos", answer.json()["job"]["id"])
    assert job["state"] == "done" and job["done"] >= 1, job
    wait_until(lambda: sink_events(worker) > handled, 30, "the polled copy to reach the sink")
    assert len(erp_orders(stack, order["name"])) == 1


def test_run_now_refuses_what_it_cannot_run(stack: Stack, worker: Worker) -> None:
    create_integration(stack, worker, "loja-run", automations=IMPORT_ON)

    unknown = run_now(worker, "loja-run", "coffee")
    not_scheduled = run_now(worker, "loja-run", "webhooks")
    no_integration = run_now(worker, "loja-nenhuma", "order_polling")

    assert unknown.status_code == 400
    assert unknown.json()["error"]["code"] == "unknown_automation"
    assert not_scheduled.status_code == 409
    assert not_scheduled.json()["error"]["code"] == "not_schedulable"
    assert "order_polling" in not_scheduled.json()["error"]["message"]
    assert no_integration.status_code == 404


def test_a_run_refused_for_auth_fails_and_flags_the_integration(
    stack: Stack, worker: Worker
) -> None:
    create_integration(
        stack, worker, "loja-token-errado", automations=IMPORT_ON, token="shpat_revoked"
    )

    answer = run_now(worker, "loja-token-errado", "order_polling")

    job = finished_run(worker, "loja-token-errado", answer.json()["job"]["id"])
    assert job["state"] == "failed"
    assert "shpat_revoked" not in str(job)
    flagged = wait_until(
        lambda: (
            worker.api("GET", "/api/v1/integrations/loja-token-errado").json()["status"] == "error"
        ),
        30,
        "the integration flagged",
    )
    assert flagged
    refused = run_now(worker, "loja-token-errado", "order_polling")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "integration_not_active"


def erp_client(stack: Stack) -> ErpClient:
    settings = ErpSettings.model_validate(
        {"base_url": f"{stack.erp_url}/api", "api_token": stack.erp_token},
        context={PRIVATE_URLS_CONTEXT: True},
    )
    return ErpClient(settings)


async def stock_in_erp(stack: Stack, sku: str, quantity: int) -> None:
    async with erp_client(stack) as erp:
        await erp.products.upsert_products([{"codigo": sku, "nome": f"Produto {sku}", "preco": 42}])
        await erp.stock.set_stock_balance(sku, "1", quantity)


def listed_in_shop(stack: Stack, sku: str) -> None:
    response = httpx.post(
        f"{stack.shopify_url}/admin/api/{API_VERSION}/products.json",
        headers={"X-Shopify-Access-Token": stack.shopify_token},
        json={"product": {"title": f"Produto {sku}", "variants": [{"sku": sku, "price": "42"}]}},
        timeout=5,
    )
    assert response.status_code == 201, response.text


def test_reconciliation_imports_a_missed_order_and_reports_drift(
    stack: Stack, worker: Worker
) -> None:
    sku = f"REC-{uuid.uuid4().hex[:6].upper()}"
    asyncio.run(stock_in_erp(stack, sku, 7))
    listed_in_shop(stack, sku)  # the shop shows 0 of it
    create_integration(
        stack, worker, "loja-reconcilia", automations=IMPORT_ON
    )  # no webhooks, no polling
    missed = place_order(stack, sku="REC-ORDER")

    answer = run_now(worker, "loja-reconcilia", "reconciliation")

    assert answer.status_code == 202, answer.text
    job = finished_run(worker, "loja-reconcilia", answer.json()["job"]["id"])
    assert job["state"] == "done", job
    assert job["request"]["kind"] == "reconcile"
    items = {error["item"]: error["reason"] for error in job["errors"]}
    assert f"order {missed['name']}" in items, job
    assert items[f"stock {sku}"] == "ERP 7, platform shows 0; ERP value sent", job
    wait_until(lambda: erp_orders(stack, missed["name"]), 30, "the missed order in the ERP")
    changes = read_topic(stack.bootstrap, f"{stack.namespace}.ponte.erp-changes")
    assert any(
        c["type"] == "stock.changed" and c["payload"]["level"]["sku"] == sku for c in changes
    )

    again = run_now(worker, "loja-reconcilia", "reconciliation")
    second = finished_run(worker, "loja-reconcilia", again.json()["job"]["id"])
    assert f"order {missed['name']}" not in {e["item"] for e in second["errors"]}
    assert len(erp_orders(stack, missed["name"])) == 1


def test_reconciliation_finds_drift_in_nuvemshop_stock(
    stack: Stack, worker: Worker, tmp_path: Path
) -> None:
    nuvemshop = PlatformSandbox("nuvemshop", tmp_path).start()
    try:
        kit: Any = nuvemshop.kit
        [product_id] = nuvemshop.seed(Entity.PRODUCT, 1)
        product = nuvemshop.run(lambda: kit.api("GET", f"/products/{product_id}"))
        shown = {v["sku"]: int(v["stock"]) for v in product["variants"]}
        drifted, same = sorted(shown)
        asyncio.run(stock_in_erp(stack, drifted, shown[drifted] + 4))
        asyncio.run(stock_in_erp(stack, same, shown[same]))
        create_platform_integration(worker, nuvemshop, "loja-nuvem-estoque", automations=IMPORT_ON)

        answer = run_now(worker, "loja-nuvem-estoque", "reconciliation")

        job = finished_run(worker, "loja-nuvem-estoque", answer.json()["job"]["id"])
        items = {error["item"]: error["reason"] for error in job["errors"]}
        assert items == {
            f"stock {drifted}": f"ERP {shown[drifted] + 4}, platform shows {shown[drifted]};"
            " ERP value sent"
        }, job
    finally:
        nuvemshop.stop()


def test_the_webhooks_switch_registers_and_removes_shopify_notifications(
    stack: Stack, worker: Worker
) -> None:
    address = f"{worker.url}/webhooks/shopify/loja-webhooks"
    create_integration(
        stack, worker, "loja-webhooks", automations={**IMPORT_ON, "webhooks": {"enabled": True}}
    )

    def all_registered() -> list[dict[str, Any]]:
        hooks = shopify_webhooks(stack, address)
        return hooks if len(hooks) == len(NOTIFIED_TOPICS) else []

    registered = wait_until(all_registered, 30, "the subscriptions")
    assert sorted(w["topic"] for w in registered) == sorted(NOTIFIED_TOPICS)
    order = place_order(stack, sku="HOOK-1")
    wait_until(lambda: erp_orders(stack, order["name"]), 30, "the notified order in the ERP")

    set_automations(worker, "loja-webhooks", {"webhooks": {"enabled": False}})

    wait_until(lambda: not shopify_webhooks(stack, address), 30, "the subscription removed")


def subscribed_addresses(sandbox: PlatformSandbox) -> list[str]:
    """Where the platform sandbox sends its order notifications (one entry per subscription)."""
    kit: Any = sandbox.kit
    if sandbox.platform == "nuvemshop":
        try:
            hooks = sandbox.run(lambda: kit.api("GET", "/webhooks"))
        except httpx.HTTPStatusError:  # an empty list is a 404 "Last page is 0"
            return []
        return [hook["url"] for hook in hooks if hook["event"] == "order/created"]
    client = sandbox.client()

    async def saved_hook() -> Any:
        try:
            return await client.http.request(Api.OMS, "GET", HOOK_PATH)
        except NotFound:
            return None
        finally:
            await client.aclose()

    saved = sandbox.run(saved_hook)
    return [saved["hook"]["url"]] if saved else []


@pytest.fixture(params=["nuvemshop", "vtex"])
def notifying_platform(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[PlatformSandbox]:
    sandbox = PlatformSandbox(request.param, tmp_path).start()
    try:
        yield sandbox
    finally:
        sandbox.stop()


def test_the_webhooks_switch_registers_once_and_removes(
    worker: Worker, notifying_platform: PlatformSandbox
) -> None:
    platform = notifying_platform.platform
    integration_id = f"loja-{platform}"
    address = notifying_platform.notification_address(worker, integration_id)
    automations = {**IMPORT_ON, "webhooks": {"enabled": True}}

    create_platform_integration(worker, notifying_platform, integration_id, automations=automations)

    wait_until(
        lambda: subscribed_addresses(notifying_platform) == [address], 30, f"the {platform} hook"
    )
    set_automations(worker, integration_id, {"webhooks": {"enabled": False}})
    wait_until(
        lambda: subscribed_addresses(notifying_platform) == [], 30, f"the {platform} hook removed"
    )


def test_tray_webhooks_are_declared_not_registrable(worker: Worker, tmp_path: Path) -> None:
    tray = PlatformSandbox("tray", tmp_path).start()
    try:
        before = worker.metric(
            "ponte_automation_runs_total", automation="webhooks", outcome="unsupported"
        )
        create_platform_integration(
            worker, tray, "loja-tray", automations={**IMPORT_ON, "webhooks": {"enabled": True}}
        )

        wait_until(
            lambda: (
                worker.metric(
                    "ponte_automation_runs_total", automation="webhooks", outcome="unsupported"
                )
                > before
            ),
            30,
            "Tray's webhooks switch to be answered as not registrable by API",
        )
    finally:
        tray.stop()


def erp_orders_of(stack: Stack, platform_order_id: str) -> list[dict[str, Any]]:
    summary = httpx.get(f"{stack.erp_url}/_sandbox/orders", timeout=5).json()
    return [o for o in summary["orders"] if o.get("idPedidoOrigem") == platform_order_id]


@pytest.mark.parametrize("platform", ["nuvemshop", "tray", "vtex"])
def test_polling_imports_orders_of_every_platform(
    stack: Stack, worker: Worker, platform: str, tmp_path: Path
) -> None:
    sandbox = PlatformSandbox(platform, tmp_path).start()
    try:
        order_id = sandbox.place_order()  # nobody subscribed: only polling can find it
        integration_id = f"loja-poll-{platform}"

        create_platform_integration(worker, sandbox, integration_id, automations=POLLING_ON)

        created = wait_until(lambda: erp_orders_of(stack, order_id), 60, f"the {platform} order")
        assert len(created) == 1
        set_automations(worker, integration_id, {"order_polling": {"enabled": False}})
    finally:
        sandbox.stop()


def test_the_next_scheduled_poll_reads_on_from_where_the_last_stopped(
    stack: Stack, worker: Worker, tmp_path: Path
) -> None:
    sandbox = PlatformSandbox("nuvemshop", tmp_path).start()
    try:
        first = sandbox.place_order()
        # other stores of this module's ERP number their orders alike: only new ones count
        others = {o["id"] for o in erp_orders_of(stack, first)}

        def made(platform_id: str) -> list[dict[str, Any]]:
            return [o for o in erp_orders_of(stack, platform_id) if o["id"] not in others]

        create_platform_integration(worker, sandbox, "loja-duas-vezes", automations=POLLING_ON)
        wait_until(lambda: made(first), 60, "the first poll's order")

        second = sandbox.place_order()  # read by the poll one interval (60 s) later

        wait_until(lambda: made(second), 100, "the next poll's order")
        assert len(made(first)) == 1
        set_automations(worker, "loja-duas-vezes", {"order_polling": {"enabled": False}})
    finally:
        sandbox.stop()


def polling_runs(worker: Worker, integration_id: str) -> list[dict[str, Any]]:
    answer = worker.api(
        "GET",
        f"/api/v1/integrations/{integration_id}/history",
        params={"q": "automation:order_polling"},
    )
    assert answer.status_code == 200, answer.text
    return [entry for entity in answer.json()["entities"] for entry in entity["entries"]]


def test_a_new_leader_does_not_rerun_what_just_ran(
    kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    own = Stack(kafka_bootstrap, Path(tmp_path_factory.mktemp("leaders")))

    def starts_of(integration_id: str) -> int:
        name = f"schedule:{integration_id}:order_polling"
        records = read_topic(own.bootstrap, f"{own.namespace}.ponte.cursors")
        return sum(1 for record in records if record.get("name") == name)

    try:
        own.start_sandboxes()
        place_order(own, sku="LEADER-1")  # so that every first poll reads something
        first = own.start_worker("first")
        create_integration(own, first, "loja-antes", automations=POLLING_ON)
        wait_until(lambda: polling_runs(first, "loja-antes"), 30, "the first leader's run")
        first.process.stop()

        second = own.start_worker("second")
        create_integration(own, second, "loja-depois", automations=POLLING_ON)

        wait_until(lambda: polling_runs(second, "loja-depois"), 30, "the new leader's first run")
        assert starts_of("loja-antes") == 1  # ran < 60 s ago: not started again
        assert starts_of("loja-depois") == 1
    finally:
        own.stop()
