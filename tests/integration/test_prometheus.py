"""Debian's real Prometheus scrapes a running engine worker and loads deploy/'s alert rules; the
lag and freshness gauges show an order the ERP holds up, and clear once it is imported."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from connectors.erp.client import ErpClient
from connectors.erp.settings import ErpSettings
from connectors.urls import PRIVATE_URLS_CONTEXT
from engine.settings import REPO_ROOT
from tests.harness import Stack, Worker, free_port, wait_until
from tests.integration.support import (
    create_integration,
    erp_fault,
    erp_orders,
    place_order,
    read_topic,
)
from tests.unit.test_alert_rules import expressions

pytestmark = pytest.mark.broker

PROMETHEUS_BINARY = shutil.which("prometheus") or "/usr/bin/prometheus"
ALERTS = REPO_ROOT / "deploy" / "prometheus" / "alerts.yml"


@dataclass
class Prometheus:
    url: str
    popen: subprocess.Popen[bytes]
    log_path: Path

    def query(self, expr: str) -> list[dict[str, Any]]:
        answer = httpx.get(f"{self.url}/api/v1/query", params={"query": expr}, timeout=5).json()
        assert answer["status"] == "success", answer
        return list(answer["data"]["result"])

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture(scope="module")
def worker(stack: Stack) -> Worker:
    """This module's worker polls the ERP every second, so stock changes reach the platform."""
    return stack.start_worker(PONTE_ERP_POLL_SECONDS="1")


def in_erp(stack: Stack, work: Any) -> Any:
    settings = ErpSettings.model_validate(
        {"base_url": f"{stack.erp_url}/api", "api_token": stack.erp_token},
        context={PRIVATE_URLS_CONTEXT: True},
    )

    async def run() -> Any:
        async with ErpClient(settings) as erp:
            return await work(erp)

    return asyncio.run(run())


def scrape_config(worker: Worker) -> str:
    target = worker.url.removeprefix("http://")
    return f"""global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - {ALERTS}
scrape_configs:
  - job_name: ponte-engine
    metrics_path: /metrics
    static_configs:
      - targets: ["{target}"]
"""


@pytest.fixture(scope="module")
def prometheus(stack: Stack, worker: Worker) -> Iterator[Prometheus]:
    if not Path(PROMETHEUS_BINARY).exists():
        pytest.fail("prometheus is missing: run scripts/setup.sh (apt-get install prometheus)")
    workdir = stack.workdir / "prometheus"
    workdir.mkdir()
    config = workdir / "prometheus.yml"
    config.write_text(scrape_config(worker))
    port = free_port()
    log_path = workdir / "prometheus.log"
    with log_path.open("ab") as log:
        popen = subprocess.Popen(
            [
                PROMETHEUS_BINARY,
                f"--config.file={config}",
                f"--storage.tsdb.path={workdir / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    running = Prometheus(f"http://127.0.0.1:{port}", popen, log_path)
    try:
        wait_until(
            lambda: httpx.get(f"{running.url}/-/ready", timeout=2).status_code == 200,
            30,
            "Prometheus ready",
        )
        yield running
    finally:
        popen.terminate()
        try:
            popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            popen.kill()
            popen.wait()


def test_an_order_held_up_by_the_erp_shows_in_lag_and_freshness(
    stack: Stack, worker: Worker, integration_id: str
) -> None:
    # Every ERP call answers 429 for a while: the order waits in its partition, retried.
    erp_fault(stack, status=429, count=5, retry_after=3)
    order = place_order(stack, sku="CAM-LAG")

    def order_waits() -> bool:
        age = worker.metric(
            "ponte_oldest_unprocessed_seconds", integration=integration_id, topic="ponte.orders"
        )
        return age > 0 and worker.metric("ponte_consumer_lag", topic="ponte.orders") >= 1

    wait_until(order_waits, 40, "the waiting order in the lag and freshness gauges")
    wait_until(lambda: erp_orders(stack, order["name"]), 90, f"{order['name']} in the ERP")

    def caught_up() -> bool:
        age = worker.metric(
            "ponte_oldest_unprocessed_seconds", integration=integration_id, topic="ponte.orders"
        )
        lag = worker.metric("ponte_consumer_lag", topic="ponte.orders")
        return age == 0 and lag == 0

    wait_until(caught_up, 40, "lag and freshness back to zero once the order is imported")
    assert worker.metric("ponte_rate_limited_total", platform="erp") >= 1
    assert worker.metric("ponte_retries_total", sink="erp", reason="RateLimited") >= 1
    assert (
        worker.metric("ponte_integration_status", integration=integration_id, status="active") == 1
    )
    assert worker.metric("ponte_measured_timestamp_seconds") > 0


def test_a_stock_push_is_timestamped_for_its_integration(
    stack: Stack, worker: Worker, prometheus: Prometheus
) -> None:
    integration_id = "loja-estoque"
    exports = {"product_export": {"enabled": True}, "stock_export": {"enabled": True}}
    create_integration(stack, worker, integration_id, automations=exports)
    sku = f"MET-{uuid.uuid4().hex[:6].upper()}"
    product = {"codigo": sku, "nome": "Caneca", "preco": "30.00"}
    in_erp(stack, lambda erp: erp.products.upsert_products([product]))

    def linked() -> bool:
        links = read_topic(stack.bootstrap, f"{stack.namespace}.ponte.links")
        return any(r["integration_id"] == integration_id and r["erp_id"] == sku for r in links)

    wait_until(linked, 90, f"{sku} exported to the store")
    assert worker.metric("ponte_stock_push_last_success_timestamp_seconds") == 0
    in_erp(stack, lambda erp: erp.stock.set_stock_balance(sku, "1", 7))

    def pushed_at() -> float:
        return worker.metric(
            "ponte_stock_push_last_success_timestamp_seconds", integration=integration_id
        )

    assert abs(time.time() - wait_until(pushed_at, 60, f"the stock push of {sku}")) < 120
    assert worker.metric("ponte_events_out_total", topic="ponte.outbound", type="stock_export") >= 1
    assert worker.metric("ponte_events_in_total", topic="ponte.outbound") >= 2
    series = f'ponte_stock_push_last_success_timestamp_seconds{{integration="{integration_id}"}}'
    wait_until(lambda: prometheus.query(series), 30, f"{series} in Prometheus")


def test_prometheus_scrapes_the_worker_and_loads_the_alert_rules(
    prometheus: Prometheus, worker: Worker, integration_id: str, stack: Stack
) -> None:
    order = place_order(stack, sku="CAM-PROM")
    wait_until(lambda: erp_orders(stack, order["name"]), 60, f"{order['name']} in the ERP")

    def target_up() -> bool:
        targets = httpx.get(f"{prometheus.url}/api/v1/targets", timeout=5).json()
        active = targets["data"]["activeTargets"]
        return len(active) == 1 and active[0]["health"] == "up"

    wait_until(target_up, 30, f"the worker up in Prometheus\n{prometheus.log()[-2000:]}")
    main_series = [
        'ponte_integration_status{job="ponte-engine", status="active"} == 1',
        'ponte_consumer_lag{topic="ponte.orders"}',
        'ponte_consumer_committed_offset{topic="ponte.orders"}',
        'ponte_oldest_unprocessed_seconds{topic="ponte.orders"}',
        'ponte_parked_records{error_class="auth"}',
        'ponte_webhooks_received_total{platform="shopify"}',
        'ponte_events_processed_total{agent="erp-orders", outcome="ok"}',
        'ponte_sink_calls_total{sink="erp", operation="create_order", outcome="ok"}',
        'ponte_sink_call_seconds_bucket{sink="erp"}',
        'ponte_order_end_to_end_seconds_count{platform="shopify"}',
        "ponte_measured_timestamp_seconds",
        'ponte_events_in_total{topic="ponte.orders"}',
        'ponte_events_out_total{topic="ponte.orders", type="order.placed"}',
        'ponte_events_out_total{topic="ponte.deliveries", type="orders/create"}',
    ]
    for expr in main_series:
        wait_until(lambda e=expr: prometheus.query(e), 30, f"{expr} in Prometheus")  # type: ignore[misc]
    for where, expr in expressions():  # every dashboard query and rule parses and runs
        concrete = expr.replace("$integration", integration_id).replace("$platform", "shopify")
        answer = httpx.get(f"{prometheus.url}/api/v1/query", params={"query": concrete}).json()
        assert answer["status"] == "success", (where, answer)
    status = prometheus.query(f'ponte_integration_status{{integration="{integration_id}"}} == 1')
    assert [s["metric"]["status"] for s in status] == ["active"]
    partitions = prometheus.query('ponte_consumer_lag{topic="ponte.orders"}')
    assert sorted(int(s["metric"]["partition"]) for s in partitions) == list(range(12))

    def rules_evaluated() -> list[dict[str, Any]]:
        groups = httpx.get(f"{prometheus.url}/api/v1/rules", timeout=5).json()["data"]["groups"]
        rules = [rule for group in groups for rule in group["rules"]]
        return (
            rules
            if rules and all(r.get("lastEvaluation", "").startswith("2") for r in rules)
            else []
        )

    rules = wait_until(rules_evaluated, 30, "the alert rules evaluated")
    assert {rule["name"] for rule in rules} >= {"PonteAgentStalled", "PonteOrdersNotFresh"}
    assert all(rule["health"] == "ok" for rule in rules), [
        (r["name"], r.get("lastError")) for r in rules if r["health"] != "ok"
    ]
    firing = prometheus.query('ALERTS{alertstate="firing"}')
    assert firing == [], firing
