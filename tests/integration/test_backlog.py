"""A worker facing an order backlog with the ERP at its real pace (1 request/s).

erp-orders works through the backlog at the ERP's pace (two requests per order) while
translate-deliveries keeps translating: a second integration's live deliveries come out on the
orders topic within seconds, nothing is lost or doubled, and the slow sink is not reported as
stalled. With Faust's own conductor (PONTE_FAULT_POINT=faust-blocking-buffers) the full stream
buffer of erp-orders blocks the worker's one fetcher, translate-deliveries stops (the deliveries
that keep coming are not translated), and that is what liveness must report (/health 503,
``ponte_agent_stalled``) and recover from by exiting.

A small stream buffer (64 events) makes the buffer fill with a backlog of a few hundred orders;
with Faust's default (4,096) the same happened after 5,600-8,000 deliveries.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest

from bench.flow_data import Record, order_deliveries
from bench.flow_kafka import preload, read_written, topic_size
from bench.flow_stats import exactly_once
from engine.commit_guard import BLOCKING_BUFFERS_FAULT
from engine.liveness import EXIT_STALLED
from tests.harness import Stack, Worker, wait_until
from tests.integration.support import create_integration
from topics.registry import DELIVERIES, ORDERS

BACKLOG = "backlog"
LIVE = "live"
BACKLOG_SIZE = 1500
LIVE_SIZE = 40
STALL_SECONDS = 15
WORKER = {
    "PONTE_ERP_REQUESTS_PER_SECOND": "1",  # the ERP's real pace
    "PONTE_STREAM_BUFFER_MAXSIZE": "64",
    "PONTE_STALL_SECONDS": str(STALL_SECONDS),
}


@pytest.fixture
def stack(kafka_bootstrap: str, tmp_path: Path) -> Iterator[Stack]:
    """Two order integrations saved (their setup worker gone) and the backlog written."""
    running = Stack(kafka_bootstrap, tmp_path)
    try:
        running.start_sandboxes()
        setup = running.start_worker("setup")
        for integration_id in (BACKLOG, LIVE):
            create_integration(running, setup, integration_id)
        setup.process.stop()
        _write(running, _deliveries(running)[:BACKLOG_SIZE])
        yield running
    finally:
        running.stop()


def _deliveries(stack: Stack) -> list[Record]:
    """The backlog's deliveries, then the live integration's (distinct platform orders)."""
    records = order_deliveries(BACKLOG, stack.shop_domain, BACKLOG_SIZE + LIVE_SIZE)
    live = order_deliveries(LIVE, stack.shop_domain, BACKLOG_SIZE + LIVE_SIZE)
    return records[:BACKLOG_SIZE] + live[BACKLOG_SIZE:]


def _write(stack: Stack, records: list[Record]) -> None:
    asyncio.run(preload(stack.bootstrap, DELIVERIES.named(stack.namespace), records))


def _orders(stack: Stack) -> int:
    return asyncio.run(topic_size(stack.bootstrap, ORDERS.named(stack.namespace)))


def _identity(value: bytes) -> str:
    envelope = orjson.loads(value)
    return f"{envelope['integration_id']}:{envelope['entity_key']}"


def _key(record: Record) -> str:
    return record.key.decode()


def _erp_order_numbers(stack: Stack) -> list[str]:
    orders = httpx.get(f"{stack.erp_url}/_sandbox/orders", timeout=5).json()["orders"]
    return [str(order.get("numeroDaOrdemDeCompra")) for order in orders]


def test_a_slow_erp_does_not_stop_translating_deliveries(stack: Stack) -> None:
    worker = stack.start_worker("worker", **WORKER)
    wait_until(lambda: _orders(stack) >= BACKLOG_SIZE, 90, "the backlog translated")
    live = _deliveries(stack)[BACKLOG_SIZE:]
    started = time.monotonic()
    for n in range(0, LIVE_SIZE, 2):  # live deliveries while erp-orders is thousands behind
        _write(stack, live[n : n + 2])
        wait_until(
            lambda n=n: _orders(stack) >= BACKLOG_SIZE + n + 2, 10, f"live delivery {n} translated"
        )
        assert worker.metric("ponte_agent_stalled") == 0, httpx.get(f"{worker.url}/health").text
        time.sleep(1)
    assert httpx.get(f"{worker.url}/health", timeout=5).status_code == 200
    assert time.monotonic() - started >= STALL_SECONDS * 1.5  # past the bound and the exit
    assert worker.process.alive()

    done = worker.metric("ponte_events_processed_total", agent="erp-orders", outcome="ok")
    assert done >= 8, "erp-orders works through the backlog at the ERP's pace"
    assert worker.metric("ponte_agent_lag", agent="erp-orders") > BACKLOG_SIZE / 2
    written = asyncio.run(read_written(stack.bootstrap, ORDERS.named(stack.namespace), _identity))
    expected = [_key(r) for r in _deliveries(stack)]  # the integration and the platform order
    assert exactly_once(expected, written.identities) == {
        "lost": 0,
        "duplicated": 0,
        "unexpected": 0,
    }
    worker.process.stop()
    numbers = _erp_order_numbers(stack)
    assert len(numbers) >= done  # each order the agent counted is in the ERP
    assert len(set(numbers)) == len(numbers)  # once


def test_the_blocked_fetcher_of_faust_is_reported_and_the_worker_exits(stack: Stack) -> None:
    worker = stack.start_worker("worker", PONTE_FAULT_POINT=BLOCKING_BUFFERS_FAULT, **WORKER)
    live, written, health = _deliveries(stack)[BACKLOG_SIZE:], 0, None
    deadline = time.monotonic() + 90
    while health is None and time.monotonic() < deadline:
        if written < LIVE_SIZE:
            _write(stack, live[written : written + 1])  # deliveries keep coming
            written += 1
        time.sleep(1)
        health = _unhealthy(worker)
    assert health is not None, "the stall was not reported on /health"
    assert "translate-deliveries" in health
    assert _orders(stack) < BACKLOG_SIZE + written  # translation stopped: the fetcher waits
    process = worker.process.popen
    assert process is not None
    assert process.wait(timeout=STALL_SECONDS * 3) == EXIT_STALLED
    # The one fetcher feeds every agent: erp-orders, with its backlog, starves too, and the
    # worker exits on whichever stall outlives the bound first.
    assert re.search(
        r"liveness: agent (translate-deliveries|erp-orders) stalled", worker.process.log()
    )


def _unhealthy(worker: Worker) -> str | None:
    """/health's answer once it reports a stall, with ponte_agent_stalled agreeing."""
    health = httpx.get(f"{worker.url}/health", timeout=5)
    if health.status_code != 503:
        return None
    assert worker.metric("ponte_agent_stalled", agent="translate-deliveries") == 1
    return health.text
